"""`research code` and `research agreement` driven through typer's CliRunner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.text import codebook_from_paths, read_coded_segments, write_qdc
from research.text.pipeline import OUTPUT_COLUMNS

PDPILOT = Path(__file__).parent / "data" / "transcripts" / "pdpilot"
THRIFT = Path(__file__).parents[1] / "research" / "datasets" / "thrift"
runner = CliRunner()


@pytest.fixture
def pdpilot(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "pdpilot"
    shutil.copytree(PDPILOT, folder)
    segments = read_coded_segments(PDPILOT / "coded_segments_P1-P4.csv")
    qdc = write_qdc(codebook_from_paths(segments["code"], name="PDPilot"), tmp_path / "cb.qdc")
    return {"folder": folder, "qdc": qdc, "train": folder / "coded_segments_P1-P4.csv"}


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def test_code_with_human_training_and_a_qdc_codebook(pdpilot, tmp_path):
    out = tmp_path / "out"
    result = invoke(
        "code",
        pdpilot["folder"],
        "--glob",
        "P*.txt",
        "--codebook",
        pdpilot["qdc"],
        "--train",
        pdpilot["train"],
        "--level",
        "1",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    passages = pd.read_csv(out / "passages.csv")
    assert list(passages.columns) == list(OUTPUT_COLUMNS)
    assert set(passages["source"].dropna()) == {"human"}
    assert passages["code"].isna().any()  # uncoded passages are listed too
    assert (out / "codes_by_segment.csv").exists() and (out / "quotes.csv").exists()
    assert not (out / "evaluation.csv").exists()


def test_code_suggests_for_uncoded_transcripts_with_confidence(pdpilot, tmp_path):
    train = tmp_path / "train.csv"
    table = pd.read_csv(pdpilot["train"])
    table[table["document"] != "P4"].to_csv(train, index=False)
    out = tmp_path / "out"
    result = invoke(
        "code",
        pdpilot["folder"],
        "--glob",
        "P*.txt",
        "--codebook",
        pdpilot["qdc"],
        "--train",
        train,
        "--level",
        "1",
        "--unit",
        "sentence",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    passages = pd.read_csv(out / "passages.csv")
    model = passages[passages["source"] == "model"]
    assert set(model["transcript"]) == {"P4"} and len(model) > 10
    assert model["confidence"].between(0, 1).all()
    assert (passages["sentence"] >= 1).all()
    human = passages[passages["source"] == "human"]
    assert "P4" not in set(human["transcript"])


def test_code_rules_with_yaml_codebook_and_metadata(tmp_path):
    meta = tmp_path / "meta.csv"
    links = pd.read_csv(THRIFT / "interviews.csv", dtype=str)
    links.assign(segment=["A", "B"] * (len(links) // 2) + ["A"] * (len(links) % 2)).to_csv(
        meta, index=False
    )
    out = tmp_path / "out"
    result = invoke(
        "code",
        THRIFT / "transcripts",
        "--codebook",
        THRIFT / "codebook.yaml",
        "--metadata",
        meta,
        "--per-code",
        "2",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "rule:" in result.output
    freq = pd.read_csv(out / "codes_by_segment.csv")
    assert set(freq["segment"]) == {"A", "B"}
    assert freq["participants_share"].between(0, 1).all()
    assert {"sentiment_mean", "passages_share"} <= set(freq.columns)
    quotes = pd.read_csv(out / "quotes.csv")
    assert quotes.groupby(["segment", "code"]).size().max() <= 2
    passages = pd.read_csv(out / "passages.csv")
    assert {"respondent_id", "segment"} <= set(passages.columns)


def test_agreement_between_two_maxqda_exports(pdpilot, tmp_path):
    table = pd.read_csv(pdpilot["train"])
    second = table.copy()
    second.loc[::3, "code"] = "Interaction"  # coder B recodes every third segment
    b = tmp_path / "coder_b.csv"
    second.to_csv(b, index=False)
    out = tmp_path / "agreement.csv"
    result = invoke(
        "agreement",
        pdpilot["train"],
        b,
        "--transcripts",
        pdpilot["folder"],
        "--level",
        "1",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "overall" in result.output and "kappa" in result.output
    written = pd.read_csv(out).set_index("code")
    assert 0 < written.loc["overall", "kappa"] < 1
    assert written.loc["interaction", "coder_b"] > written.loc["interaction", "coder_a"]


def test_agreement_of_a_table_with_itself_is_perfect(pdpilot, tmp_path):
    out = tmp_path / "o"
    invoke(
        "code",
        pdpilot["folder"],
        "--glob",
        "P*.txt",
        "--codebook",
        pdpilot["qdc"],
        "--train",
        pdpilot["train"],
        "--out",
        out,
    )
    result = invoke("agreement", out / "passages.csv", out / "passages.csv")
    assert result.exit_code == 0, result.output
    overall = [line for line in result.output.splitlines() if line.strip().startswith("overall")]
    assert overall and "1.000" in overall[0]


def test_user_mistakes_are_one_line_and_exit_2(pdpilot, tmp_path):
    bad = tmp_path / "cb.yaml"
    bad.write_text("codes:\n  - id: a\n    include: {keywrds: [x]}\n", encoding="utf-8")
    result = invoke(
        "code", pdpilot["folder"], "--glob", "P*.txt", "--codebook", bad, "--out", tmp_path / "o"
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("error")]
    assert len(lines) == 1 and f"{bad}:3" in lines[0] and "did you mean 'keywords'" in lines[0]
    result = invoke("agreement", pdpilot["train"], pdpilot["train"])
    assert result.exit_code == 2 and "transcripts folder" in result.output
    stray = tmp_path / "stray.csv"
    stray.write_text("document,code,text\nP9,A,hello\n", encoding="utf-8")
    result = invoke(
        "code",
        pdpilot["folder"],
        "--glob",
        "P*.txt",
        "--codebook",
        pdpilot["qdc"],
        "--train",
        stray,
        "--out",
        tmp_path / "o",
    )
    assert result.exit_code == 2 and f"{stray}:2" in result.output and "'P9'" in result.output
    result = invoke(
        "code",
        pdpilot["folder"],
        "--glob",
        "P*.txt",
        "--codebook",
        pdpilot["qdc"],
        "--unit",
        "paragraph",
        "--out",
        tmp_path / "o",
    )
    assert result.exit_code == 2 and "unit must be one of ['turn', 'sentence']" in result.output


def test_training_table_alone_gives_the_codebook_and_the_evaluation(pdpilot, tmp_path):
    """The issue's command: research code DIR --glob 'P*.txt' --train CODED.csv --level 1
    --evaluate --out OUT (session 1: F1 0.383)."""
    out = tmp_path / "out"
    result = invoke(
        "code",
        pdpilot["folder"],
        "--glob",
        "P*.txt",
        "--train",
        pdpilot["train"],
        "--level",
        "1",
        "--evaluate",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "micro precision 0.414, recall 0.555, F1 0.474" in result.output
    evaluation = pd.read_csv(out / "evaluation.csv").set_index("code")
    assert evaluation.loc["micro", "f1"] == pytest.approx(0.4744, abs=0.005)
    assert len(evaluation) == 8 + 2
    # coder versus machine: the same out-of-fold predictions, as agreement statistics
    assert "Human vs machine on the same passages: 87.0% agreement, Cohen's kappa 0.402" in (
        result.output
    )
    agreement = pd.read_csv(out / "agreement.csv").set_index("code")
    assert agreement.loc["overall", "coder_b"] == evaluation.loc["micro", "predicted"]
    assert agreement.loc["overall", "both"] == round(
        evaluation.loc["micro", "precision"] * evaluation.loc["micro", "predicted"]
    )
    result = invoke("code", pdpilot["folder"], "--out", out)
    assert result.exit_code == 2 and "give a codebook" in result.output


def test_encoding_option_reads_windows_text(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "T1.txt").write_bytes(
        "Interviewer: Price?\nParticipant: The caf\u00e9 price is fair.\n".encode("cp1252")
    )
    book = tmp_path / "cb.yaml"
    book.write_text("codes:\n  - id: price\n    include: [price]\n", encoding="utf-8")
    result = invoke("code", folder, "--codebook", book, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "T1.txt:2" in result.output and "encoding" in result.output
    result = invoke(
        "code", folder, "--codebook", book, "--encoding", "cp1252", "--out", tmp_path / "o"
    )
    assert result.exit_code == 0, result.output
    assert "café" in (tmp_path / "o" / "passages.csv").read_text(encoding="utf-8")


def test_help_has_examples():
    for command in ("code", "agreement"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Example: research " + command in result.output
