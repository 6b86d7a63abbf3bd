"""Number of factors, reliability (alpha, omega), scores, item flags and naming."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.errors import DataError
from research.factors import (
    FactorModel,
    alpha_if_dropped,
    correlate,
    cronbach_alpha,
    factor_labels,
    fit_factors,
    item_flags,
    minres,
    n_factors_table,
    omega,
    parallel_analysis,
    rotate,
    score_weights,
    suggest_n_factors,
    velicer_map,
    wording_label,
)

BFI = Path(__file__).parent / "data" / "bfi"
ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
REVERSED = ["A1", "C4", "C5", "E1", "E2", "O2", "O5"]  # Keying -1 in the bfi dictionary


@pytest.fixture(scope="module")
def bfi_items() -> pd.DataFrame:
    return pd.read_csv(BFI / "bfi.csv")[ITEMS]


@pytest.fixture(scope="module")
def dictionary() -> pd.DataFrame:
    return pd.read_csv(BFI / "bfi.dictionary.csv", index_col=0).loc[ITEMS]


@pytest.fixture(scope="module")
def keyed(bfi_items: pd.DataFrame) -> pd.DataFrame:
    """bfi with reverse-keyed items reversed (7 - x), as `research import` delivers answers."""
    return bfi_items.assign(**{c: 7 - bfi_items[c] for c in REVERSED})


@pytest.fixture(scope="module")
def bfi5(bfi_items: pd.DataFrame) -> FactorModel:
    return FactorModel(n_factors=5).fit(bfi_items)


def hierarchical_population() -> tuple[pd.DataFrame, float, float]:
    """``psych::sim.hierarchical()``'s population matrix and its exact omegas."""
    gload = np.array([0.9, 0.8, 0.7])
    fload = np.zeros((9, 3))
    fload[0:3, 0], fload[3:6, 1], fload[6:9, 2] = [0.8, 0.7, 0.6], [0.7, 0.6, 0.5], [0.6, 0.5, 0.4]
    phi = np.outer(gload, gload)
    np.fill_diagonal(phi, 1.0)
    r = fload @ phi @ fload.T
    np.fill_diagonal(r, 1.0)
    names = [f"V{i}" for i in range(1, 10)]
    g = fload @ gload
    omega_h = g.sum() ** 2 / r.sum()
    omega_t = 1 - (1 - (fload**2).sum(axis=1)).sum() / r.sum()
    return pd.DataFrame(r, index=names, columns=names), omega_h, omega_t


# ---------------------------------------------------------------- number of factors


def test_bfi_n_factors_table(bfi_items: pd.DataFrame) -> None:
    calls: list[tuple[int, int]] = []
    result = n_factors_table(
        bfi_items, n_iter=5, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(i, 5) for i in range(1, 6)]
    # psych: fa.parallel suggests 6; VSS: "The Velicer MAP achieves a minimum ... with 5 factors"
    assert result.suggestions == {"parallel": 6, "map": 5, "kaiser": 6}
    assert result.recommended == 6 and "suggests 6" in result.reason
    table = result.table
    assert list(table.columns) == [
        "eigenvalue",
        "observed",
        "simulated_mean",
        "simulated_quantile",
        "map",
    ]
    assert table["eigenvalue"].sum() == pytest.approx(25)
    assert np.isnan(table.loc[25, "map"])


def test_velicer_map_on_a_known_structure() -> None:
    rng = np.random.default_rng(3)
    lam = np.zeros((15, 3))
    lam[0:5, 0], lam[5:10, 1], lam[10:15, 2] = 0.8, 0.7, 0.6
    noise = rng.standard_normal((1000, 15)) * np.sqrt(1 - (lam**2).sum(axis=1))
    data = rng.standard_normal((1000, 3)) @ lam.T + noise
    values = velicer_map(np.corrcoef(data.T))
    assert values.index[0] == 1 and len(values) == 14
    assert values.idxmin() == 3
    assert len(velicer_map(np.corrcoef(data.T), max_factors=4)) == 4
    # a population matrix: partial correlations are undefined once all variance is removed
    exact = lam @ lam.T
    np.fill_diagonal(exact, 1.0)
    assert velicer_map(exact).isna().any() and velicer_map(exact).notna().any()


def test_parallel_analysis_on_polychoric_resamples(bfi_items: pd.DataFrame) -> None:
    data = bfi_items.iloc[:1000]
    table = parallel_analysis(data, n_iter=5, correlation="polychoric", random_state=1)
    assert suggest_n_factors(table) == suggest_n_factors(table, criterion="quantile") == 6
    # resampled data have no common factors: simulated eigenvalues stay small
    assert table["simulated_mean"].iloc[0] < 0.5
    again = parallel_analysis(data, n_iter=5, correlation="polychoric", random_state=1)
    pd.testing.assert_frame_equal(table, again)
    with pytest.raises(DataError, match="criterion must be one of"):
        suggest_n_factors(table, criterion="median")


def test_rich_progress_bar_runs(bfi_items: pd.DataFrame, capsys) -> None:
    parallel_analysis(bfi_items.iloc[:300], n_iter=2, progress=True)
    assert capsys.readouterr().out == ""  # the bar goes to stderr


# ---------------------------------------------------------------- reliability


def test_omega_on_population_hierarchy_is_exact() -> None:
    r, omega_h, omega_t = hierarchical_population()
    ex = minres(r, 3)
    rot = rotate(ex.loadings, "oblimin")
    cols = ["F1", "F2", "F3"]
    result = omega(
        r,
        pd.DataFrame(rot.loadings, index=r.index, columns=cols),
        pd.DataFrame(rot.phi, index=cols, columns=cols),
    )
    assert result.omega_hierarchical == pytest.approx(omega_h, abs=1e-4)  # 0.686
    assert result.omega_total == pytest.approx(omega_t, abs=1e-4)  # 0.798
    assert result.alpha == pytest.approx(0.763, abs=1e-3)
    np.testing.assert_allclose(
        result.schmid["g"], [0.72, 0.63, 0.54, 0.56, 0.48, 0.40, 0.42, 0.35, 0.28], atol=1e-3
    )
    assert result.groups.loc["g", "total"] == pytest.approx(result.omega_total)
    group = result.groups.loc[["F1", "F2", "F3"]]
    np.testing.assert_allclose(group["total"], group["general"] + group["group"])
    assert result.flipped == []


def test_alpha_if_dropped(keyed: pd.DataFrame) -> None:
    n_items = keyed[[f"N{i}" for i in range(1, 6)]]
    table = alpha_if_dropped(n_items)
    complete = n_items.dropna()
    assert table.loc["N1", "alpha_if_dropped"] == pytest.approx(
        cronbach_alpha(complete.drop(columns="N1"))
    )
    rest = complete.drop(columns="N5").sum(axis=1)
    assert table.loc["N5", "item_rest_r"] == pytest.approx(np.corrcoef(complete["N5"], rest)[0, 1])
    # psych::alpha(bfi N items): raw alpha 0.81; dropping N5 (weakest) leaves about 0.80
    assert table["alpha_if_dropped"].max() == pytest.approx(table.loc["N5", "alpha_if_dropped"])


def test_fit_factors_reliability_and_omega(keyed: pd.DataFrame, dictionary: pd.DataFrame) -> None:
    solution = fit_factors(keyed, n_factors=5, constructs=dictionary["Big6"].to_dict())
    rel = solution.reliability.rename(index=solution.labels)
    assert rel.loc["Emotional Stability", "cronbach_alpha"] == pytest.approx(0.81, abs=0.01)
    assert (rel["omega_total"] > rel["omega_hierarchical"]).all()
    assert (rel["omega_total"] >= rel["omega_group"]).all()
    assert 0.5 < solution.omega.omega_total < 1 and 0 < solution.omega.omega_hierarchical < 0.7
    items = solution.item_reliability
    assert set(items["factor"]) == set(solution.loadings.columns)
    assert len(items) == 25


def test_omega_for_orthogonal_rotation_uses_matched_oblimin(keyed: pd.DataFrame) -> None:
    oblique = fit_factors(keyed, n_factors=5)
    varimax = fit_factors(keyed, n_factors=5, rotation="varimax")
    assert varimax.omega.omega_hierarchical == pytest.approx(
        oblique.omega.omega_hierarchical, abs=1e-6
    )
    same = varimax.reliability["items"] == oblique.reliability["items"]
    assert same.all()
    np.testing.assert_allclose(
        varimax.reliability["omega_total"], oblique.reliability["omega_total"], atol=1e-6
    )


# ---------------------------------------------------------------- scores


@pytest.mark.parametrize("method", ["regression", "bartlett", "tenberge"])
def test_score_weights_properties(bfi5: FactorModel, method: str) -> None:
    r, lam, phi = bfi5.correlation_, bfi5.loadings_, bfi5.phi_
    w = score_weights(r, lam, phi, method=method).to_numpy()
    R, L, P = r.to_numpy(), lam.to_numpy(), phi.to_numpy()
    if method == "regression":
        np.testing.assert_allclose(w, np.linalg.solve(R, L @ P))
    elif method == "bartlett":
        np.testing.assert_allclose(w.T @ L, np.eye(5), atol=1e-10)  # conditionally unbiased
    else:
        np.testing.assert_allclose(w.T @ R @ w, P, atol=1e-10)  # correlation preserving


def test_scores_of_new_respondents(bfi_items: pd.DataFrame) -> None:
    model = FactorModel(n_factors=5, scores="tenberge").fit(bfi_items.iloc[:2000])
    fresh = bfi_items.iloc[2000:].dropna()
    scores = model.transform(fresh)
    assert scores.index.equals(fresh.index) and list(scores.columns) == [
        f"F{i}" for i in range(1, 6)
    ]
    fitted = model.transform(bfi_items.iloc[:2000].dropna())
    # ten Berge scores reproduce phi among the fitted respondents (up to sampling / pairwise)
    np.testing.assert_allclose(np.corrcoef(fitted.to_numpy().T), model.phi_.to_numpy(), atol=0.05)
    solution = fit_factors(bfi_items.iloc[:2000], n_factors=5, scores="bartlett")
    pd.testing.assert_frame_equal(solution.score(fresh), solution.model.transform(fresh))


# ---------------------------------------------------------------- flags and naming


def test_flags_on_raw_bfi_find_unreversed_items(
    bfi_items: pd.DataFrame, dictionary: pd.DataFrame
) -> None:
    model = FactorModel(n_factors=5).fit(bfi_items)
    flags = item_flags(model.loadings_, dictionary["Big6"].to_dict())
    against = flags.index[flags["off_construct"]].tolist()
    # raw bfi keeps reverse-keyed items as asked: exactly they load against their construct
    assert sorted(against) == sorted(REVERSED)
    assert "check reverse keying" in flags.loc["A1", "flag"]


def test_flags_weak_and_cross_loadings(keyed: pd.DataFrame, dictionary: pd.DataFrame) -> None:
    model = FactorModel(n_factors=5).fit(keyed)
    flags = item_flags(model.loadings_, dictionary["Big6"].to_dict())
    assert not flags["off_construct"].any()  # once keyed, every item loads with its trait
    weak = flags.index[flags["weak"]].tolist()
    assert weak and all(model.loadings_.loc[i].abs().max() < 0.4 for i in weak)
    cross = flags.index[flags["cross_loading"]].tolist()
    assert all(flags.loc[i, "secondary_loading"] ** 2 >= 0.09 for i in cross)
    assert flags.loc["N1", "flag"] == ""
    bare = item_flags(model.loadings_)
    assert bare["construct"].isna().all() and not bare["off_construct"].any()


def test_labels_from_wording(bfi5: FactorModel, dictionary: pd.DataFrame) -> None:
    wording = dictionary["Item"].to_dict()
    labels = factor_labels(bfi5.loadings_, wording=wording)
    assert labels["F1"] == "Get angry easily"  # N1, the strongest item, as a whole phrase
    assert len(set(labels.values())) == 5
    overridden = factor_labels(bfi5.loadings_, wording=wording, overrides={"F1": "Neuroticism"})
    assert overridden["F1"] == "Neuroticism" and overridden["F2"] == labels["F2"]
    constructs = {i: c for i, c in dictionary["Big6"].items() if not i.startswith("O")}
    mixed = factor_labels(bfi5.loadings_, constructs, wording=wording)
    assert mixed["F1"] == "Emotional Stability" and mixed["F5"] == labels["F5"]
    negative = pd.Series({"a": -0.8, "b": -0.7, "c": 0.1})
    assert (
        wording_label(negative, {"a": "Talk a lot", "b": "Talk to strangers", "c": "x"})
        == "Low: Talk a lot"
    )
    assert wording_label(negative, {}) is None


def test_workbench_warns_nothing_on_clean_data(keyed: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_factors(keyed, n_factors=5, correlation="auto", n_iter=3)
    assert correlate(keyed).method == "pearson"
