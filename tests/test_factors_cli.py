"""`research factors`: files written, summaries, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.factors import FactorModel

BFI = Path(__file__).parent / "data" / "bfi"
ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]

runner = CliRunner()


@pytest.fixture(scope="module")
def bfi_csv(tmp_path_factory) -> Path:
    """bfi's 25 items with a respondent id column, as a plain CSV."""
    path = tmp_path_factory.mktemp("bfi") / "bfi_items.csv"
    data = pd.read_csv(BFI / "bfi.csv")[ITEMS]
    data.insert(0, "respondent_id", [f"r{i}" for i in range(len(data))])
    data.to_csv(path, index=False)
    return path


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_factors_writes_the_four_files(bfi_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("factors", bfi_csv, "--factors", "5", "--correlation", "pearson", "--out", out)
    assert result.exit_code == 0, result.output
    for name in ("loadings.csv", "fit.json", "reliability.csv", "scores.csv", "items.csv"):
        assert (out / name).is_file()
    loadings = pd.read_csv(out / "loadings.csv", index_col="item")
    reference = FactorModel(n_factors=5).fit(pd.read_csv(BFI / "bfi.csv")[ITEMS])
    np.testing.assert_allclose(loadings[[f"F{i}" for i in range(1, 6)]], reference.loadings_)
    fit = json.loads((out / "fit.json").read_text())
    assert fit["fit"]["chi2"] == pytest.approx(1808.94, abs=0.01)
    assert fit["suitability"]["kmo"] == pytest.approx(0.8459, abs=5e-4)
    assert fit["suitability"]["bartlett"]["df"] == 300
    assert fit["correlation"]["method"] == "pearson"
    assert fit["n_factors"] == {"chosen": 5, "reason": "set by the analyst"}
    scores = pd.read_csv(out / "scores.csv", index_col=0)
    assert scores.index.name == "respondent_id" and scores.index[0] == "r0"
    assert scores.shape == (2800, 5)
    reliability = pd.read_csv(out / "reliability.csv", index_col="factor")
    assert {"label", "cronbach_alpha", "omega_total", "omega_hierarchical"} <= set(reliability)
    assert "RMSR 0.029" in result.output and "Wrote loadings.csv" in result.output


def test_factors_auto_polychoric_with_items(bfi_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "auto"
    chosen = ",".join(ITEMS[:10])
    result = run(
        "factors", bfi_csv, "--items", chosen, "--n-iter", "3", "--out", out, "--no-progress"
    )
    assert result.exit_code == 0, result.output
    fit = json.loads((out / "fit.json").read_text())
    assert fit["correlation"]["method"] == "polychoric"
    assert fit["items"] == ITEMS[:10]
    assert fit["n_factors"]["chosen"] == fit["n_factors"]["recommended"]
    assert set(fit["n_factors"]["suggestions"]) == {"parallel", "map", "kaiser"}
    table = pd.read_csv(out / "n_factors.csv", index_col="factor")
    assert len(table) == 10 and "map" in table


def test_factors_on_imported_responses(tmp_path: Path, demo, thrift_survey, thrift_q) -> None:
    responses = tmp_path / "responses.csv"
    thrift_survey.responses.to_csv(responses)  # as `research import` writes it
    out = tmp_path / "demo"
    result = run(
        "factors",
        responses,
        "-q",
        demo["questionnaire"],
        "--factors",
        "auto",
        "--out",
        out,
        "--no-progress",
    )
    assert result.exit_code == 0, result.output
    fit = json.loads((out / "fit.json").read_text())
    scale = [i.id for i in thrift_q.scale_items() if i.id in thrift_survey.responses]
    assert fit["items"] == scale
    labels = {f["label"] for f in fit["factors"].values()}
    assert labels & set(thrift_q.construct_labels().values())
    scores = pd.read_csv(out / "scores.csv", index_col=0)
    assert scores.index.name == "respondent_id"
    assert list(scores.index) == [str(i) for i in thrift_survey.responses.index]


def test_factors_reports_warnings_in_one_line(tmp_path: Path) -> None:
    # one factor cannot fit these correlations without a communality above 1 for x1
    rng = np.random.default_rng(2)
    corr = [[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]]
    data = pd.DataFrame(rng.multivariate_normal([0, 0, 0], corr, 2000), columns=["x1", "x2", "x3"])
    data.to_csv(tmp_path / "heywood.csv", index=False)
    result = run("factors", tmp_path / "heywood.csv", "--factors", "1", "--out", tmp_path / "h")
    assert result.exit_code == 0, result.output
    assert "warning: Heywood case: communality of ['x1'] reached 1 (minres)" in result.output
    fit = json.loads((tmp_path / "h" / "fit.json").read_text())
    assert fit["heywood"] == ["x1"] and fit["correlation"]["method"] == "pearson"
    assert fit["omega"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--factors", "many"], r"--factors must be 'auto' or an integer >= 1, got 'many'"),
        (["--method", "uls"], r"method must be one of \['minres', 'ml', 'pa'\], got 'uls'"),
        (["--rotation", "obliminn"], r"did you mean 'oblimin'"),
        (["--items", "A1,A2,A9"], r"bfi_items.csv, column 'A9': items not in the responses"),
        (["--factors", "20"], r"bfi_items.csv: n_factors=20 is too many .* use at most 18"),
    ],
)
def test_factors_option_errors(bfi_csv: Path, tmp_path: Path, args, message: str) -> None:
    result = run("factors", bfi_csv, "--out", tmp_path / "x", "--no-progress", *args)
    assert result.exit_code == 2
    assert re.search(message, result.output), result.output
    assert "Traceback" not in result.output


def test_factors_data_errors(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    good = pd.DataFrame(rng.integers(1, 6, (200, 6)), columns=list("abcdef"))
    cases = {
        "missing.csv": None,
        "few.csv": good.iloc[:30],
        "constant.csv": good.assign(c=3),
        "text.csv": good.assign(note="fine"),
    }
    expected = {
        "missing.csv": r"missing.csv: file does not exist",
        "few.csv": r"few.csv: too few respondents: 30 rows",
        "constant.csv": r"constant.csv, column 'c': constant items \['c'\]",
        "text.csv": r"text.csv, column 'note': .*non-numeric columns \['note'\]",
    }
    for name, frame in cases.items():
        path = tmp_path / name
        if frame is not None:
            frame.to_csv(path, index=False)
        result = run("factors", path, "--factors", "2", "--out", tmp_path / "o", "--no-progress")
        assert result.exit_code == 2, result.output
        assert re.search(expected[name], result.output), result.output
    (tmp_path / "empty.csv").write_text("")
    result = run("factors", tmp_path / "empty.csv", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "empty.csv: the file is empty" in result.output
    (tmp_path / "header.csv").write_text("a,b,c\n")
    result = run("factors", tmp_path / "header.csv", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "header.csv: the file has no data rows" in result.output
    (tmp_path / "binary.csv").write_bytes(b"PK\x03\x04\x00\x00binary\x00")
    result = run("factors", tmp_path / "binary.csv", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "binary.csv: " in result.output
    assert "Traceback" not in result.output
    infinite = good.astype(float)
    infinite.loc[3, "d"] = np.inf  # written as "inf", which pandas reads as a number
    infinite.to_csv(tmp_path / "inf.csv", index=False)
    result = run("factors", tmp_path / "inf.csv", "--factors", "1", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert re.search(r"inf.csv, column 'd': .*infinite values in columns \['d'\]", result.output)


def test_factors_reads_spreadsheet_csv_variants(bfi_csv: Path, tmp_path: Path) -> None:
    """Semicolon-separated cp1252 export with decimal commas and trailing empty columns."""
    data = pd.read_csv(bfi_csv).iloc[:600, :11].rename(columns={"A1": "Qualité"})
    data["A2"] = data["A2"] + 0.5  # non-integer answers, written with decimal commas below
    reference = tmp_path / "plain.csv"
    data.to_csv(reference, index=False)
    text = data.to_csv(index=False, sep=";", decimal=",")
    text = "\n".join(line + ";;" for line in text.splitlines()) + "\n"  # trailing ;;
    variant = tmp_path / "excel.csv"
    variant.write_bytes(text.encode("cp1252"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + reference.read_bytes())
    outputs = {}
    for name, path in {"plain": reference, "excel": variant, "bom": bom}.items():
        out = tmp_path / name
        args = ["factors", path, "--factors", "2", "--correlation", "pearson", "--out", out]
        result = run(*args, "--no-progress")
        assert result.exit_code == 0, result.output
        outputs[name] = pd.read_csv(out / "loadings.csv", index_col="item")
    assert list(outputs["excel"].index) == [
        "Qualité",
        *[f"A{i}" for i in range(2, 6)],
        *[f"C{i}" for i in range(1, 6)],
    ]
    pd.testing.assert_frame_equal(outputs["excel"], outputs["plain"])
    pd.testing.assert_frame_equal(outputs["bom"], outputs["plain"])
