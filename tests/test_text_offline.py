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
        classifier=CodeClassifier(threshold="auto"),
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
    assert offline == ["data.find", "download"]
