"""Everything in research.text works with NLTK data lookups and downloads forbidden, offline."""

from __future__ import annotations

import socket
from pathlib import Path

import nltk
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app

DATA = Path(__file__).parent / "data" / "transcripts"


class NoData(AssertionError):
    """Raised by the patched NLTK data functions; an AssertionError so nothing swallows it."""


@pytest.fixture
def offline(monkeypatch):
    calls: list[str] = []

    def refuse(name: str):
        def blocked(*args, **kwargs):
            calls.append(name)
            raise NoData(f"research.text tried nltk {name}{args}")

        return blocked

    monkeypatch.setattr(nltk, "download", refuse("download"))
    monkeypatch.setattr(nltk.data, "find", refuse("data.find"))
    monkeypatch.setattr(nltk.data, "load", refuse("data.load"))
    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    return calls


def test_whole_text_pipeline_needs_no_nltk_data_or_network(offline, tmp_path):
    from research.text import (
        CodeClassifier,
        code_transcripts,
        coding_agreement,
        collocations,
        pick_quotes,
        read_transcripts,
        reliability,
        write_coding,
    )

    turns = read_transcripts(DATA / "formats")
    assert len(turns) > 30
    folder = tmp_path / "pdpilot"
    folder.mkdir()
    for i in range(1, 5):
        (folder / f"P{i}.txt").write_bytes((DATA / "pdpilot" / f"P{i}.txt").read_bytes())
    meta = tmp_path / "meta.csv"
    meta.write_text("transcript,segment\nP1,A\nP2,A\nP3,B\nP4,B\n", encoding="utf-8")
    from research.text import codebook_from_paths, read_coded_segments, write_qdc

    train = DATA / "pdpilot" / "coded_segments_P1-P4.csv"
    book = write_qdc(codebook_from_paths(read_coded_segments(train)["code"]), tmp_path / "c.qdc")
    result = code_transcripts(
        folder,
        book,
        train=train,
        metadata=meta,
        unit="turn",
        level=1,
        evaluate=True,
        classifier=CodeClassifier(C=10, threshold="auto"),  # fixed C: keeps the test short
    )
    assert result.evaluation is not None and len(result.quotes) > 0
    assert len(result.collocations) > 0 and len(collocations(result.passages, by=None)) > 0
    files = write_coding(result, tmp_path / "out")
    assert files["passages"].exists()
    quotes = pick_quotes(result.coded.assign(matched=""), by="segment", per_group=2)
    assert len(quotes) > 0
    human = result.coded[result.coded["source"] == "human"]
    table = coding_agreement(human, human)
    assert table.set_index("code").loc["overall", "kappa"] == pytest.approx(1.0)
    assert reliability(pd.DataFrame({"A": [0, 1, 1], "B": [0, 1, 0]}))["alpha"] < 1
    cli = CliRunner().invoke(
        app,
        ["code", str(DATA / "formats"), "--codebook", str(book), "--out", str(tmp_path / "o")],
    )
    assert cli.exit_code == 0, cli.output
    assert offline == []  # nothing even tried


def test_the_patch_really_blocks(offline):
    with pytest.raises(NoData):
        nltk.data.find("tokenizers/punkt")
    with pytest.raises(NoData):
        nltk.download("punkt")
    # the calls that need data deep inside NLTK are caught too
    with pytest.raises(NoData):
        nltk.word_tokenize("Punkt data would be loaded here.")
    with pytest.raises(NoData):
        from nltk.corpus import stopwords

        stopwords.words("english")
    with pytest.raises(NoData):
        socket.create_connection(("192.0.2.1", 443), timeout=1)  # no DNS lookup
    assert offline[:2] == ["data.find", "download"] and "socket.connect" in offline


BLOCKED_FROM_THE_START = """
import socket, sys
import nltk, nltk.data

tried = []
def refuse(name):
    def blocked(*args, **kwargs):
        tried.append(name)
        raise RuntimeError("blocked " + name)
    return blocked

nltk.download = refuse("download")
nltk.data.find = refuse("data.find")
nltk.data.load = refuse("data.load")
socket.socket.connect = refuse("socket.connect")

from typer.testing import CliRunner  # research is imported only now, under the block
from research.cli import app

result = CliRunner().invoke(app, sys.argv[1:])
print(result.output)
print("TRIED", tried)
sys.exit(result.exit_code)
"""


def test_importing_and_running_the_cli_never_reaches_for_nltk_data(tmp_path):
    """In a fresh interpreter whose NLTK data and network are blocked before `research` is
    imported (an import-time download would be caught too) and NLTK_DATA points at an empty
    folder, `research code` runs rules, learning and analysis."""
    import os
    import subprocess
    import sys

    empty = tmp_path / "nltk_data"
    empty.mkdir()
    book = tmp_path / "cb.yaml"
    book.write_text("codes:\n  - id: price\n    include: [price, cheap]\n", encoding="utf-8")
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    args = ["code", str(DATA / "formats"), "--codebook", str(book), "--out", str(tmp_path / "o")]
    run = subprocess.run(
        [sys.executable, "-c", BLOCKED_FROM_THE_START, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "TRIED []" in run.stdout
    assert (tmp_path / "o" / "passages.csv").exists()
