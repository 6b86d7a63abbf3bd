"""Planted segments come back: simulate_segments, LatentClassModel recovery, the sweep over K."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics import adjusted_rand_score

from research.errors import DataError
from research.segments import (
    FIT_COLUMNS,
    LatentClassModel,
    ProfileModel,
    bootstrap_lrt,
    select_segments,
    simulate_segments,
)


def test_simulator_is_seeded_and_matches_its_truth():
    a = simulate_segments(3000, n_classes=3, shares=[0.5, 0.3, 0.2], random_state=7)
    b = simulate_segments(3000, n_classes=3, shares=[0.5, 0.3, 0.2], random_state=7)
    pd.testing.assert_frame_equal(a.data, b.data)
    assert a.truth.value_counts().sort_index().tolist() == [1500, 900, 600]
    assert a.data.index.name == "respondent_id"
    assert set(np.unique(a.data.to_numpy())) == {1.0, 2.0, 3.0, 4.0, 5.0}
    # Empirical answer shares per class follow the planted probabilities.
    emp = a.data["q1"].groupby(a.truth).value_counts(normalize=True).sort_index()
    planted = a.item_probabilities.xs("q1", level="item")["probability"]
    assert_allclose(emp.to_numpy(), planted.to_numpy(), atol=0.05)
    holes = simulate_segments(2000, missing=0.2, random_state=1).data
    assert_allclose(holes.isna().mean().mean(), 0.2, atol=0.01)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lca_recovers_planted_classes(seed):
    sim = simulate_segments(
        2000, n_items=12, n_classes=4, shares=[0.4, 0.3, 0.2, 0.1], random_state=seed
    )
    model = LatentClassModel(4, random_state=seed).fit(sim.data)
    assert adjusted_rand_score(sim.truth, model.labels_) >= 0.9
    assert_allclose(model.shares_.to_numpy(), sim.shares.to_numpy(), atol=0.02)
    # Classes are numbered by size, as the planted ones: the numbers agree, not just the ARI.
    assert (model.labels_ == sim.truth).mean() > 0.9


def test_lca_recovers_with_missing_answers_and_nominal_items():
    sim = simulate_segments(
        3000, n_items=12, n_classes=3, ordinal=False, missing=0.15, random_state=11
    )
    model = LatentClassModel(3, random_state=0).fit(sim.data)
    assert adjusted_rand_score(sim.truth, model.labels_) >= 0.9
    assert_allclose(model.shares_.to_numpy(), sim.shares.to_numpy(), atol=0.02)
    est = model.item_probabilities_["probability"]
    assert_allclose(est.to_numpy(), sim.item_probabilities["probability"].to_numpy(), atol=0.08)


def test_sweep_over_k_recommends_the_planted_k():
    sim = simulate_segments(1500, n_items=12, n_classes=3, random_state=5)
    sol = select_segments(sim.data, kind="lca", k_min=1, k_max=5, n_init=5, random_state=0)
    table = sol.fit_table
    assert list(table.columns) == FIT_COLUMNS
    assert list(table["k"]) == [1, 2, 3, 4, 5]
    assert sol.k == 3
    assert "K = 3 has the lowest BIC" in sol.reason
    ll = table["log_likelihood"].to_numpy()
    assert (np.diff(ll) > -1e-6).all()  # more classes never fit worse
    n = len(sim.data)
    row = table.set_index("k").loc[3]
    assert_allclose(row["bic"], -2 * row["log_likelihood"] + row["n_parameters"] * np.log(n))
    assert_allclose(
        row["sabic"], -2 * row["log_likelihood"] + row["n_parameters"] * np.log((n + 2) / 24)
    )
    assert_allclose(row["caic"], -2 * row["log_likelihood"] + row["n_parameters"] * (np.log(n) + 1))
    assert row["relative_entropy"] > 0.8
    assert 0 < row["smallest_share"] < 0.34
    assert sol.sizes["n"].sum() == n
    assert set(sol.models) == {1, 2, 3, 4, 5}
    assert adjusted_rand_score(sim.truth, sol.assignments) > 0.9


def test_blrt_rejects_too_few_classes_and_not_the_right_number():
    sim = simulate_segments(600, n_items=6, n_classes=2, separation=2.0, random_state=2)
    fits = {k: LatentClassModel(k, n_init=4, random_state=0).fit(sim.data) for k in (1, 2, 3)}
    under = bootstrap_lrt(sim.data, fits[1], fits[2], n_boot=9, n_init=2, random_state=0)
    assert under["p_value"] == pytest.approx(0.1)  # the smallest possible with 9 samples
    over = bootstrap_lrt(sim.data, fits[2], fits[3], n_boot=9, n_init=2, random_state=0)
    assert over["p_value"] > 0.1
    assert len(over["lr_boot"]) == 9


def test_sweep_reports_blrt_in_table_and_reason():
    sim = simulate_segments(400, n_items=6, n_classes=2, separation=2.0, random_state=3)
    sol = select_segments(
        sim.data, kind="lca", k_min=1, k_max=3, n_init=3, blrt=5, blrt_starts=2, random_state=0
    )
    p = sol.fit_table.set_index("k")["blrt_p"]
    assert np.isnan(p.loc[1]) and p.loc[2] == pytest.approx(1 / 6)
    assert "BLRT" in sol.reason


def test_min_share_skips_tiny_segments():
    sim = simulate_segments(1000, n_items=8, n_classes=3, shares=[0.6, 0.37, 0.03], random_state=8)
    sol = select_segments(sim.data, kind="lca", k_min=2, k_max=3, n_init=4, min_share=0.05)
    assert sol.k == 2
    assert "K = [3] skipped: a segment under 5%" in sol.reason


def test_profile_models_share_the_interface():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(300, 3)) + np.repeat([[0, 0, 0], [4, 4, 0]], 150, 0))
    x.columns = ["F1", "F2", "F3"]
    for kind in ("gmm", "lpa"):
        model = ProfileModel(2, kind=kind, n_init=2, random_state=0).fit(x)
        summary = model.fit_summary()
        assert summary["bic"] == pytest.approx(model.bic())
        assert summary["caic"] > summary["bic"] > summary["sabic"]
        assert_allclose(model.shares_.sum(), 1.0)
        assert model.score(x) * len(x) == pytest.approx(model.log_likelihood_)
        draws, seg = model.sample(400, random_state=0)
        assert draws.shape == (400, 3) and set(seg) == {1, 2}
    km = ProfileModel(2, kind="kmeans", n_init=2, random_state=0).fit(x)
    assert np.isnan(km.bic()) and np.isnan(km.score(x))
    with pytest.raises(DataError, match="k-means has no generative model"):
        km.sample(5)


def test_sweep_errors():
    sim = simulate_segments(100, n_items=4, random_state=0)
    with pytest.raises(DataError, match=r"kind must be one of \['lca', 'lpa', 'gmm', 'kmeans'\]"):
        select_segments(sim.data, kind="lcaa")
    with pytest.raises(DataError, match="sample_weight is supported by kind='lca' only"):
        select_segments(sim.data, kind="gmm", sample_weight=np.ones(100))
    with pytest.raises(DataError, match="the BLRT needs a likelihood"):
        select_segments(sim.data, kind="kmeans", blrt=5)
    with pytest.raises(DataError, match=r"min_share must be in \[0, 1\)"):
        select_segments(sim.data, kind="lca", min_share=1.5)


def test_progress_bar_goes_to_stderr_only(capsys):
    sim = simulate_segments(200, n_items=5, n_classes=2, random_state=9)
    sol = select_segments(
        sim.data, kind="lca", k_min=1, k_max=2, n_init=2, blrt=2, blrt_starts=1, progress=True
    )
    assert sol.fit_table["blrt_p"].notna().sum() == 1
    assert capsys.readouterr().out == ""
