"""Wave tracking: planted segment-size shifts are found, and nothing else at 5%."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.tracking import holm, track_waves, wilson_interval

BASE = [0.28, 0.24, 0.20, 0.16, 0.12]
SHIFTED = [0.18, 0.24, 0.20, 0.16, 0.22]  # planted segment 1 -10 points, segment 5 +10


@pytest.fixture(scope="module")
def waves(tmp_path_factory, thrift_q):
    from research.datasets.bundled import write_qualtrics_csv
    from research.datasets.simulate import simulate_study

    folder = tmp_path_factory.mktemp("waves")
    paths = []
    for name, seed, shares in (("w2025", 11, BASE), ("w2026", 12, SHIFTED), ("w2027", 13, BASE)):
        st = simulate_study(thrift_q, 1500, random_state=seed, shares=shares, population_seed=7)
        paths.append(write_qualtrics_csv(st, folder / f"{name}.csv"))
    return paths


def test_track_finds_the_planted_shifts_and_no_others(demo_run, waves, tmp_path):
    import openpyxl
    from pypdf import PdfReader

    result = CliRunner().invoke(
        app,
        ["track", str(demo_run.files["model"]), *map(str, waves), "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    sizes = pd.read_csv(tmp_path / "tracking_sizes.csv")
    found = sizes[sizes["significant"]][["wave", "segment"]].values.tolist()
    # Model segments 1 and 5 are the planted segments 1 and 5 (largest and smallest).
    assert sorted(found) == [["w2026", 1], ["w2026", 5]]
    shifted = sizes.set_index(["wave", "segment"])
    assert shifted.loc[("w2026", 1), "change"] < -0.05
    assert shifted.loc[("w2026", 5), "change"] > 0.05
    drift = pd.read_csv(tmp_path / "tracking_drift.csv")
    assert not drift["significant"].any()  # same population: no item moved
    wb = openpyxl.load_workbook(tmp_path / "tracking.xlsx")
    assert wb.sheetnames == ["Tracking", "Drift"]
    text = PdfReader(tmp_path / "tracking.pdf").pages[0].extract_text()
    assert "Tracking: segment sizes per wave" in text
    assert "w2026: segment 1" in text


def test_drift_and_migration_on_repeated_respondents():
    rng = np.random.default_rng(0)
    n = 800
    ids = pd.Index([f"R{i}" for i in range(n)], name="respondent_id")
    seg1 = pd.Series(rng.integers(1, 4, n), index=ids)
    seg2 = seg1.copy()
    movers = rng.choice(n, 80, replace=False)
    seg2.iloc[movers] = 3
    a1 = pd.DataFrame({"x": rng.normal(3, 1, n), "y": rng.normal(3, 1, n)}, index=ids)
    a2 = a1 + rng.normal(0, 0.1, (n, 2))
    a2.loc[seg2 == 2, "y"] += 1.0  # segment 2 moved on y only
    waves = {
        "a": pd.DataFrame({"segment": seg1, "typing_segment": seg1}),
        "b": pd.DataFrame({"segment": seg2, "typing_segment": seg1}),
    }
    tr = track_waves(waves, {"a": a1, "b": a2}, k=3, items=["x", "y"])
    moved = tr.moved_items()[["segment", "item"]].values.tolist()
    assert moved == [[2, "y"]]
    mig = tr.migration["b"]
    assert mig.to_numpy().sum() == n
    assert mig.loc[1, 3] == ((seg1 == 1) & (seg2 == 3)).sum()
    assert tr.typing.loc[1, "accuracy"] == pytest.approx((seg1 == seg2).mean())


def test_wilson_and_holm_against_reference_values():
    # Wilson 95% for 30/100: statsmodels proportion_confint(30, 100, method="wilson").
    lo, hi = wilson_interval(np.array([30]), np.array([100]))
    np.testing.assert_allclose([lo[0], hi[0]], [0.2189489, 0.3958485], atol=1e-6)
    # Holm: p.adjust(c(0.01, 0.04, 0.03, NA), "holm") in R gives 0.03, 0.06, 0.06, NA.
    np.testing.assert_allclose(
        holm(np.array([0.01, 0.04, 0.03, np.nan])), [0.03, 0.06, 0.06, np.nan]
    )
