"""Commands load only what they use: no plotting, Excel or Word code for factors or a bare fit.

``research factors`` also stays clear of SciPy's solver and distribution packages and of
scikit-learn: importing them costs more than the whole fit of a large survey.

Each case runs the command in a fresh interpreter (a subprocess, so modules another test
imported do not count) and lists the heavy modules left in ``sys.modules`` afterwards.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"
HEAVY = ("matplotlib", "openpyxl", "docx")
# Packages (exact names: research.factors loads the one L-BFGS-B extension module itself).
SCIPY_HEAVY = ("scipy.optimize", "scipy.special", "scipy.stats", "scipy.linalg", "scipy.sparse")

PROBE = """
import json, sys
from research.cli import main
try:
    main()  # the console script's entry point, as a user runs it
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(
    m for m in sys.modules
    if m.split(".")[0] in {heavy!r}
    or m.startswith("research.reports.")
)
scientific = sorted(m for m in sys.modules if m in {scipy!r} or m.split(".")[0] == "sklearn")
print(json.dumps({{"code": code, "heavy": heavy, "scientific": scientific}}))
"""


def _loaded(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, scipy=SCIPY_HEAVY), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    *printed, last = done.stdout.strip().splitlines()
    return {**json.loads(last), "printed": "\n".join(printed)}


def test_help_and_import_load_nothing_heavy() -> None:
    for args in (["--help"], ["factors", "--help"], ["segment", "--help"]):
        result = _loaded(*args)
        assert (result["code"], result["heavy"]) == (0, []), args


@pytest.mark.parametrize(
    ("options", "correlation"),
    [(["--factors", "2"], "auto"), (["--factors", "auto", "--n-iter", "2"], "polychoric")],
)
def test_factors_run_loads_no_plotting_excel_or_scipy_solvers(
    tmp_path: Path, options: list[str], correlation: str
) -> None:
    items = pd.read_csv(DATA / "bfi" / "bfi.csv").iloc[:600, :10]
    items.to_csv(tmp_path / "items.csv", index=False)
    result = _loaded(
        "factors", str(tmp_path / "items.csv"), *options, "--correlation", correlation,
        "--no-progress", "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert (result["code"], result["heavy"], result["scientific"]) == (0, [], [])
    assert (tmp_path / "out" / "loadings.csv").exists()


@pytest.mark.parametrize("extras", [False, True])
def test_segment_loads_excel_only_for_the_typing_tool(tmp_path: Path, extras: bool) -> None:
    answers = pd.read_csv(DATA / "polca" / "election.csv").iloc[:400, :6].dropna()
    answers.to_csv(tmp_path / "answers.csv", index=False)
    flag = "--extras" if extras else "--no-extras"
    result = _loaded(
        "segment", str(tmp_path / "answers.csv"), "--classes", "2", "--starts", "3",
        "--stability", "2", flag, "--no-progress", "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert result["code"] == 0
    written = {p.name for p in (tmp_path / "out").iterdir()}
    if extras:
        assert "openpyxl" in result["heavy"]
        assert not [m for m in result["heavy"] if m.startswith(("matplotlib", "docx"))]
        assert "typing_tool.xlsx" in written
        assert re.search(
            r"extras: stability \(2 refits\) \d+\.\d s, typing tool \d+\.\d s", result["printed"]
        )
    else:
        # A latent class fit needs neither scikit-learn nor SciPy: importing them took 0.8 s
        # of a 1.8 s run on 10,000 x 30 (issue 13).
        assert (result["heavy"], result["scientific"]) == ([], [])
        assert "typing_tool.xlsx" not in written and "fit.csv" in written
        assert "no extras (stability, typing tool) were run" in result["printed"]
