"""The command line: thin commands, one-line errors, exit code 2 for user mistakes."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app

runner = CliRunner()


def test_import_writes_responses_and_exclusions(tmp_path, demo):
    result = runner.invoke(
        app,
        ["import", str(demo["export"]), "-q", str(demo["questionnaire"]), "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    responses = pd.read_csv(tmp_path / "responses.csv", index_col="respondent_id")
    exclusions = pd.read_csv(tmp_path / "exclusions.csv")
    assert list(exclusions.columns) == ["respondent_id", "reason", "detail"]
    assert len(responses) + len(exclusions) == 1500
    assert "sus_1" in responses.columns and responses["sus_1"].dropna().between(1, 5).all()
    assert "Read 1,500 respondents" in result.output


def test_import_missing_file_is_one_line_exit_2(tmp_path, demo):
    result = runner.invoke(
        app,
        [
            "import",
            str(tmp_path / "nope.csv"),
            "-q",
            str(demo["questionnaire"]),
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope.csv" in lines[0] and "does not exist" in lines[0]
    assert "Traceback" not in result.output


def test_import_with_broken_questionnaire_names_file_and_line(tmp_path, demo):
    bad = tmp_path / "q.yaml"
    bad.write_text(
        "id: x\ntitle: t\nblocks:\n  - id: b\n    items:\n      - id: a\n        type: likert\n       text: oops\n"
    )
    result = runner.invoke(
        app, ["import", str(demo["export"]), "-q", str(bad), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:8" in lines[0] and "not valid YAML" in lines[0]


def test_questionnaire_build_writes_xlsform(tmp_path, demo):
    result = runner.invoke(
        app, ["questionnaire", "build", str(demo["questionnaire"]), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "thrift-shoppers.xlsx").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["demo"],
        ["run"],
        ["report"],
        ["import"],
        ["factors"],
        ["segment"],
        ["code"],
        ["agreement"],
        ["questionnaire", "build"],
        ["questionnaire", "check"],
        ["questionnaire", "new"],
        ["questionnaire", "infer"],
    ],
)
def test_every_command_help_has_an_example(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example: research" in result.output


def test_run_with_bad_study_file_exits_2(tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text("title: x\nquestionnaire: q.yaml\nexport: e.csv\nsegmets: {}\n")
    result = runner.invoke(app, ["run", str(study)])
    assert result.exit_code == 2
    assert "unknown field 'segmets'" in result.stderr


@pytest.mark.slow
def test_demo_end_to_end(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = ("personas.xlsx", "personas.pdf", "segments.csv", "scorecard.csv", "exclusions.csv")
    for name in names:
        assert (out / name).stat().st_size > 0
    assert list((out / "charts").glob("*.png"))
    ari = float(result.output.split("Adjusted Rand index vs planted segments:")[1].split()[0])
    assert ari >= 0.7
    card = pd.read_csv(out / "scorecard.csv")
    tally = card["status"].value_counts()
    assert f"Scorecard: {tally['pass']} pass" in result.output
    accuracy = result.output.split("golden questions, ")[1].split("%")[0]
    assert 70 < float(accuracy) <= 100
