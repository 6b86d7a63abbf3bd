"""`research segment` on real and simulated CSVs: files written, --json, user errors."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.segments import simulate_segments

runner = CliRunner()


@pytest.fixture(scope="module")
def answers_csv(tmp_path_factory):
    sim = simulate_segments(500, n_items=8, n_classes=3, random_state=2)
    frame = sim.data.copy()
    rng = np.random.default_rng(0)
    frame["channel"] = np.where(rng.random(500) < 0.7, sim.truth, rng.integers(1, 4, 500))
    path = tmp_path_factory.mktemp("cli") / "answers.csv"
    frame.to_csv(path)
    return path


def test_segment_writes_every_table(answers_csv, tmp_path):
    out = tmp_path / "seg"
    result = runner.invoke(
        app,
        [
            "segment", str(answers_csv), "--classes", "2-4", "--starts", "4", "--model", "lca",
            "--seed", "1", "--out", str(out), "--reach", "channel", "--stability", "3",
            "--questions", "4", "--no-progress",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "K = 3" in result.output
    fit = pd.read_csv(out / "fit.csv")
    assert list(fit["k"]) == [2, 3, 4] and fit["chosen"].sum() == 1
    assert {"aic", "bic", "sabic", "caic", "relative_entropy", "smallest_share"} <= set(fit)
    assign = pd.read_csv(out / "assignments.csv")
    assert list(assign.columns) == [
        "respondent_id", "segment", "posterior_1", "posterior_2", "posterior_3"
    ]  # fmt: skip
    assert len(assign) == 500 and assign["respondent_id"].iloc[0] == "r1"
    np.testing.assert_allclose(assign.filter(like="posterior").sum(axis=1), 1.0)
    profiles = pd.read_csv(out / "profiles.csv")
    assert list(profiles.columns) == ["segment", "item", "mean", "overall", "index"]
    assert "channel" not in set(profiles["item"])  # reach columns are not the basis
    per_segment = pd.read_csv(out / "segment_scorecard.csv")
    assert len(per_segment) == 7 * per_segment["segment"].nunique()
    card = pd.read_csv(out / "scorecard.csv")
    assert len(card) == 7 and card.set_index("criterion").loc["accessible", "status"] == "pass"
    probs = pd.read_csv(out / "item_probabilities.csv")
    assert list(probs.columns) == ["class", "item", "category", "probability"]
    book = openpyxl.load_workbook(out / "typing_tool.xlsx")
    assert book.sheetnames == ["Typing tool"]


def test_segment_json_summary(tmp_path, data_dir):
    result = runner.invoke(
        app,
        [
            "segment", str(data_dir / "polca" / "values.csv"), "--classes", "2", "--seed", "0",
            "--out", str(tmp_path), "--stability", "0", "--json", "--no-progress",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["k"] == 2 and summary["model"] == "lca"
    assert summary["log_likelihood"] == pytest.approx(-504.4677, abs=0.01)
    assert summary["shares"] == pytest.approx([0.721, 0.279], abs=0.001)
    assert summary["bic"] == pytest.approx(-2 * summary["log_likelihood"] + 9 * np.log(216))
    card = pd.read_csv(tmp_path / "scorecard.csv").set_index("criterion")
    assert card.loc["stable", "status"] == "not assessed"


def test_segment_lpa_and_kmeans_on_scores(tmp_path):
    rng = np.random.default_rng(0)
    scores = pd.DataFrame(rng.normal(size=(200, 2)) + np.repeat([[0, 0], [5, 5]], 100, 0))
    scores.columns = ["F1", "F2"]
    path = tmp_path / "scores.csv"
    scores.to_csv(path, index_label="respondent_id")
    for model in ("lpa", "kmeans"):
        out = tmp_path / model
        result = runner.invoke(
            app,
            ["segment", str(path), "--model", model, "--classes", "1-3", "--starts", "2",
             "--out", str(out), "--stability", "2", "--no-progress"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert pd.read_csv(out / "fit.csv").set_index("k").loc[2, "chosen"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--classes", "8-2"], "--classes must be K or a range such as 2-8, got '8-2'"),
        (["--model", "lda"], "--model must be one of ['lca', 'lpa', 'kmeans'], got 'lda'"),
        (["--items", "q1,qq2"], "column 'qq2': not a column of the file; did you mean 'q2'?"),
        (["--id", "person"], "--id column 'person' is not in the file"),
        (["--model", "lpa", "--reach", "q1", "--items", "q2,q3", "--starts", "0"],
         "n_init must be an integer >= 1, got 0"),
    ],
)  # fmt: skip
def test_segment_user_errors_exit_2(answers_csv, tmp_path, args, message):
    result = runner.invoke(
        app, ["segment", str(answers_csv), "--out", str(tmp_path), "--no-progress", *args]
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_segment_missing_file(tmp_path):
    result = runner.invoke(app, ["segment", str(tmp_path / "nope.csv"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "nope.csv: file not found" in result.stderr


def test_segment_reports_extras_and_their_time_and_can_skip_them(answers_csv, tmp_path):
    common = ["segment", str(answers_csv), "--classes", "3", "--starts", "2", "--seed", "1",
              "--no-progress"]  # fmt: skip
    result = runner.invoke(app, [*common, "--out", str(tmp_path / "a"), "--stability", "3"])
    assert result.exit_code == 0, result.output
    assert "extras: stability (3 refits)" in result.output and "typing tool" in result.output
    assert "--no-extras" in result.output
    result = runner.invoke(app, [*common, "--out", str(tmp_path / "b"), "--no-extras"])
    assert result.exit_code == 0, result.output
    assert "no extras (stability, typing tool) were run" in result.output
    assert not (tmp_path / "b" / "typing_tool.xlsx").exists()


def test_segment_prints_what_it_screened_out(answers_csv, tmp_path):
    frame = pd.read_csv(answers_csv, index_col=0)
    frame["ResponseId"] = np.arange(len(frame)) + 5000  # an id left among the answers
    path = tmp_path / "with_id.csv"
    frame.to_csv(path)
    result = runner.invoke(
        app,
        [
            "segment", str(path), "--classes", "2-3", "--starts", "2", "--model", "lca",
            "--stability", "0", "--questions", "0", "--out", str(tmp_path / "seg"),
            "--no-progress",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert any("'ResponseId' was not used" in line for line in notes), result.stderr
    assert "ResponseId" not in set(pd.read_csv(tmp_path / "seg" / "profiles.csv")["item"])
