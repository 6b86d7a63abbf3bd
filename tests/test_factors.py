"""Tests of research.factors against R psych results on the bfi data and on simulated data."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from research.errors import DataError
from research.factors import (
    FactorModel,
    HeywoodWarning,
    correlation_matrix,
    cronbach_alpha,
    degrees_of_freedom,
    factor_labels,
    fit_factors,
    minres,
    parallel_analysis,
    rotate,
    suggest_n_factors,
)

BFI = Path(__file__).parent / "data" / "bfi"
ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return pd.read_csv(BFI / "bfi.csv")


@pytest.fixture(scope="module")
def bfi_items(bfi: pd.DataFrame) -> pd.DataFrame:
    return bfi[ITEMS]


@pytest.fixture(scope="module")
def bfi5(bfi_items: pd.DataFrame) -> FactorModel:
    return FactorModel(n_factors=5).fit(bfi_items)


@pytest.fixture(scope="module")
def big_five() -> dict[str, str]:
    dictionary = pd.read_csv(BFI / "bfi.dictionary.csv", index_col=0)
    return dictionary.loc[ITEMS, "Big6"].to_dict()


def match_columns(estimate: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Reorder and re-sign the columns of ``estimate`` to best match ``reference``.

    Hungarian assignment on the absolute correlations between columns.
    """
    k = reference.shape[1]
    corr = np.corrcoef(estimate.T, reference.T)[:k, k:]
    rows, cols = linear_sum_assignment(-np.abs(corr))
    matched = np.empty_like(reference)
    for i, j in zip(rows, cols, strict=True):
        matched[:, j] = estimate[:, i] * np.sign(corr[i, j])
    return matched


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """1,000 respondents, 10 items, two correlated (0.3) factors with planted loadings."""
    rng = np.random.default_rng(20240601)
    loadings = np.zeros((10, 2))
    loadings[:5, 0] = [0.8, 0.75, 0.7, 0.8, 0.75]
    loadings[5:, 1] = [0.7, 0.8, 0.75, 0.7, 0.8]
    factors = rng.multivariate_normal([0, 0], [[1, 0.3], [0.3, 1]], size=1000)
    noise = rng.standard_normal((1000, 10)) * np.sqrt(1 - (loadings**2).sum(axis=1))
    data = pd.DataFrame(factors @ loadings.T + noise, columns=[f"q{i}" for i in range(1, 11)])
    data.index = pd.Index([f"r{i}" for i in range(1000)], name="respondent")
    return data, loadings, factors


# ---------------------------------------------------------------- agreement with R psych


def test_bfi_minres_oblimin_loadings_match_psych(bfi5: FactorModel) -> None:
    # R psych 2.2.9: fa(bfi[,1:25], nfactors=5, rotate="oblimin", fm="minres")
    reference = pd.read_csv(BFI / "bfi_fa5_minres_oblimin_loadings.csv", index_col=0)
    assert list(reference.index) == list(bfi5.loadings_.index)
    matched = match_columns(bfi5.loadings_.to_numpy(), reference.to_numpy())
    assert np.abs(matched - reference.to_numpy()).max() < 0.01  # measured: about 1e-14
    # psych's ordering (by sum of squared loadings) and signs are reproduced as well
    assert np.abs(bfi5.loadings_.to_numpy() - reference.to_numpy()).max() < 0.01


def test_bfi_kmo_and_bartlett_match_psych(bfi5: FactorModel) -> None:
    assert bfi5.kmo_ == pytest.approx(0.8459, abs=5e-4)  # psych::KMO MSA
    # psych::cortest.bartlett on raw data uses n = all 2,800 rows and pairwise correlations
    assert bfi5.n_obs_ == 2800
    assert bfi5.bartlett_["chi2"] == pytest.approx(20163.79, rel=1e-4)
    assert bfi5.bartlett_["df"] == 300
    assert bfi5.bartlett_["p_value"] < 1e-100


def test_bfi_fit_statistics_are_consistent(bfi5: FactorModel) -> None:
    assert bfi5.rmsr_ == pytest.approx(0.03, abs=0.005)  # psych prints "RMSR is 0.03"
    ss = bfi5.variance_["ss_loadings"].to_numpy()
    # psych prints SS loadings 2.57 2.20 2.03 1.99 1.59
    assert ss == pytest.approx([2.57, 2.20, 2.03, 1.99, 1.59], abs=0.01)
    assert bfi5.variance_["cumulative"].iloc[-1] == pytest.approx(ss.sum() / 25)
    np.testing.assert_allclose(np.diag(bfi5.phi_), 1.0)
    np.testing.assert_allclose(
        bfi5.structure_.to_numpy(), bfi5.loadings_.to_numpy() @ bfi5.phi_.to_numpy()
    )
    np.testing.assert_allclose(bfi5.communalities_ + bfi5.uniquenesses_, 1.0)
    assert bfi5.parallel_ is None
    assert list(bfi5.loadings_.columns) == ["F1", "F2", "F3", "F4", "F5"]


def test_bfi_parallel_analysis_suggests_six(bfi_items: pd.DataFrame) -> None:
    table = parallel_analysis(bfi_items, n_iter=20, random_state=0)
    assert list(table.columns) == ["factor", "observed", "simulated_mean", "simulated_quantile"]
    assert suggest_n_factors(table) == 6  # psych::fa.parallel(bfi[,1:25], fa="fa")
    again = parallel_analysis(bfi_items, n_iter=20, random_state=0)
    pd.testing.assert_frame_equal(table, again)


def test_auto_n_factors_uses_parallel_analysis(bfi_items: pd.DataFrame) -> None:
    model = FactorModel(n_factors="auto").fit(bfi_items)
    assert model.n_factors_ == 6
    assert model.parallel_ is not None and len(model.parallel_) == 25
    assert model.loadings_.shape == (25, 6)


def test_bfi_factor_alphas_match_psych(bfi: pd.DataFrame, big_five: dict[str, str]) -> None:
    solution = fit_factors(bfi, items=ITEMS, n_factors=5, constructs=big_five)
    by_label = solution.reliability.rename(index=solution.labels)
    # psych::alpha raw alphas on bfi (reverse-keyed items reversed)
    expected = {
        "Emotional Stability": 0.81,
        "Extraversion": 0.76,
        "Conscientiousness": 0.73,
        "Agreeableness": 0.70,
        "Openness": 0.60,
    }
    for label, alpha in expected.items():
        assert by_label.loc[label, "cronbach_alpha"] == pytest.approx(alpha, abs=0.01)
        assert by_label.loc[label, "n_items"] == 5
    assert by_label.loc["Emotional Stability", "items"] == "N1, N2, N3, N4, N5"


# ---------------------------------------------------------------- simulated data


@pytest.mark.parametrize(
    ("method", "rotation"), [("minres", "oblimin"), ("minres", "promax"), ("pa", "oblimin")]
)
def test_simulated_two_factors_recovered(simulated, method: str, rotation: str) -> None:
    data, loadings, factors = simulated
    model = FactorModel(n_factors=2, method=method, rotation=rotation)
    scores = model.fit_transform(data)
    matched = match_columns(model.loadings_.to_numpy(), loadings)
    assert np.abs(matched - loadings).max() < 0.1
    assert list(scores.columns) == ["F1", "F2"]
    assert scores.index.equals(data.index)
    score_corr = np.abs(np.corrcoef(scores.to_numpy().T, factors.T)[:2, 2:])
    assert score_corr.max(axis=0) == pytest.approx([1, 1], abs=0.1)
    assert (score_corr.max(axis=0) > 0.9).all()
    assert abs(model.phi_.iloc[0, 1]) == pytest.approx(0.3, abs=0.1)


def test_simulated_auto_and_orthogonal(simulated) -> None:
    data, loadings, _ = simulated
    assert FactorModel(random_state=1).fit(data).n_factors_ == 2
    varimax = FactorModel(n_factors=2, rotation="varimax").fit(data)
    np.testing.assert_allclose(varimax.phi_.to_numpy(), np.eye(2))
    np.testing.assert_allclose(varimax.structure_.to_numpy(), varimax.loadings_.to_numpy())
    # orthogonal rotation leaves communalities unchanged
    unrotated = FactorModel(n_factors=2, rotation="none").fit(data)
    np.testing.assert_allclose(varimax.communalities_, unrotated.communalities_, atol=1e-10)


def test_scores_new_respondents_and_missing_answers(simulated) -> None:
    data, _, _ = simulated
    model = FactorModel(n_factors=2).fit(data)
    all_scores = model.transform(data)
    # a new batch is scored with the fitting means and sds, so a subset scores the same
    pd.testing.assert_frame_equal(model.transform(data.iloc[:7]), all_scores.iloc[:7])
    # a missing answer counts as the item mean (0 after standardising)
    holey = data.iloc[:3].copy()
    holey.iloc[0, 0] = np.nan
    filled = data.iloc[:3].copy()
    filled.iloc[0, 0] = model.scorer_.means.iloc[0]
    scored = model.transform(holey)
    assert np.isfinite(scored.to_numpy()).all()
    pd.testing.assert_frame_equal(scored, model.transform(filled))
    # extra columns are ignored, column order does not matter
    shuffled = data.iloc[:5, ::-1].assign(extra="x")
    pd.testing.assert_frame_equal(model.transform(shuffled), all_scores.iloc[:5])


def test_inputs_are_not_mutated(bfi_items: pd.DataFrame) -> None:
    data = bfi_items.iloc[:500].copy()
    before = data.copy()
    FactorModel(n_factors=3).fit_transform(data)
    correlation_matrix(data)
    fit_factors(data, n_factors=3)
    pd.testing.assert_frame_equal(data, before)


def test_fit_is_deterministic(bfi_items: pd.DataFrame) -> None:
    a = FactorModel(random_state=7).fit(bfi_items.iloc[:800])
    b = FactorModel(random_state=7).fit(bfi_items.iloc[:800])
    pd.testing.assert_frame_equal(a.loadings_, b.loadings_)
    pd.testing.assert_frame_equal(a.parallel_, b.parallel_)


# ---------------------------------------------------------------- pieces


def test_correlation_matrix_is_pairwise_complete() -> None:
    data = pd.DataFrame(
        {"a": [1.0, 2, 3, 4, np.nan], "b": [2.0, 1, 4, 3, 10], "c": [np.nan, 1, 2, 3, 4]}
    )
    corr = correlation_matrix(data)
    assert list(corr.index) == list(corr.columns) == ["a", "b", "c"]
    assert corr.loc["a", "b"] == pytest.approx(np.corrcoef([1, 2, 3, 4], [2, 1, 4, 3])[0, 1])
    assert corr.loc["b", "c"] == pytest.approx(np.corrcoef([1, 4, 3, 10], [1, 2, 3, 4])[0, 1])
    np.testing.assert_allclose(np.diag(corr), 1.0)


def test_correlation_method_error_names_allowed_values() -> None:
    data = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 1, 2]})
    allowed = r"\['pearson', 'polychoric', 'auto'\]"
    with pytest.raises(DataError, match=rf"^method must be one of {allowed}, got 'x'$"):
        correlation_matrix(data, method="x")


def test_cronbach_alpha_formula_and_listwise_deletion() -> None:
    data = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 2, 3, 5, 4], "c": [1.0, 3, 2, 4, 5]})
    values = data.to_numpy()
    k = 3
    expected = k / (k - 1) * (1 - values.var(axis=0, ddof=1).sum() / values.sum(1).var(ddof=1))
    assert cronbach_alpha(data) == pytest.approx(expected)
    with_missing = pd.concat([data, pd.DataFrame({"a": [np.nan], "b": [1.0], "c": [6.0]})])
    assert cronbach_alpha(with_missing) == pytest.approx(expected)
    assert np.isnan(cronbach_alpha(data[["a"]]))


def test_heywood_case_warns() -> None:
    corr = np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.5], [0.9, 0.5, 1.0]])
    with pytest.warns(HeywoodWarning, match="Heywood case"):
        result = minres(corr, 1)
    assert result.heywood == (0,)


def test_rotation_orders_by_variance_and_signs_positive() -> None:
    loadings = np.array([[0.1, -0.8], [0.2, -0.7], [0.6, 0.1], [0.5, 0.0]])
    result = rotate(loadings, "none")
    np.testing.assert_allclose(result.loadings, [[0.8, 0.1], [0.7, 0.2], [-0.1, 0.6], [0.0, 0.5]])
    np.testing.assert_allclose(result.phi, np.eye(2))


def test_labels_from_constructs(bfi5: FactorModel, big_five: dict[str, str]) -> None:
    labels = factor_labels(bfi5.loadings_, big_five)
    assert labels == {
        "F1": "Emotional Stability",
        "F2": "Extraversion",
        "F3": "Conscientiousness",
        "F4": "Agreeableness",
        "F5": "Openness",
    }
    display = factor_labels(bfi5.loadings_, big_five, {"Emotional Stability": "Neuroticism (-)"})
    assert display["F1"] == "Neuroticism (-)" and display["F2"] == "Extraversion"
    same = factor_labels(bfi5.loadings_, dict.fromkeys(ITEMS, "Big Five"))
    assert same == {
        "F1": "Big Five",
        "F2": "Big Five (2)",
        "F3": "Big Five (3)",
        "F4": "Big Five (4)",
        "F5": "Big Five (5)",
    }
    assert factor_labels(bfi5.loadings_) == {f"F{i}": f"Factor {i}" for i in range(1, 6)}


def test_fit_factors_solution(bfi: pd.DataFrame, big_five: dict[str, str]) -> None:
    solution = fit_factors(
        bfi,
        items=ITEMS,
        n_factors=5,
        constructs=big_five,
        construct_labels={"Openness": "Open to experience"},
    )
    assert solution.labels["F5"] == "Open to experience"
    assert list(solution.loadings.columns) == ["F1", "F2", "F3", "F4", "F5"]
    assert solution.scores.shape == (2800, 5) and solution.scores.index.equals(bfi.index)
    assert list(solution.reliability.columns) == [
        "n_items",
        "items",
        "cronbach_alpha",
        "omega_total",
        "omega_hierarchical",
        "omega_group",
    ]
    assert solution.parallel is None and solution.model.n_factors_ == 5
    pd.testing.assert_frame_equal(solution.loadings, solution.model.loadings_)


# ---------------------------------------------------------------- errors


def test_error_too_few_respondents(bfi_items: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"too few respondents: 40 rows .* at least 75"):
        FactorModel(n_factors=2).fit(bfi_items.iloc[:40])
    small = bfi_items.iloc[:60, :10]  # 3 per item is fine, but fewer than 50 is not
    FactorModel(n_factors=2).fit(small)
    with pytest.raises(DataError, match=r"too few respondents: 45 rows .* at least 50"):
        FactorModel(n_factors=2).fit(bfi_items.iloc[:45, :10])


def test_error_constant_item(bfi_items: pd.DataFrame) -> None:
    data = bfi_items.assign(A1=3.0, C2=np.nan)
    with pytest.raises(DataError, match=r"constant items \['A1', 'C2'\]"):
        FactorModel(n_factors=5).fit(data)


def test_error_non_numeric_column(bfi: pd.DataFrame) -> None:
    data = bfi[ITEMS].assign(comment="fine", city=pd.Categorical(["x"] * len(bfi)))
    with pytest.raises(DataError, match=r"non-numeric columns \['comment', 'city'\]"):
        FactorModel(n_factors=5).fit(data)
    with pytest.raises(DataError, match=r"non-numeric columns \['comment'\]"):
        fit_factors(bfi.assign(comment="fine"), n_factors=5)


def test_error_too_many_factors(bfi_items: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"n_factors=20 is too many .* use at most 18"):
        FactorModel(n_factors=20).fit(bfi_items)
    with pytest.raises(DataError, match=r"n_factors must be at most the number of items \(25\)"):
        FactorModel(n_factors=26).fit(bfi_items)
    with pytest.raises(DataError, match=r"n_factors must be 'auto' or an integer >= 1, got 0"):
        FactorModel(n_factors=0).fit(bfi_items)
    assert degrees_of_freedom(25, 5) == 185  # as psych prints for bfi
    assert degrees_of_freedom(25, 18) >= 0 > degrees_of_freedom(25, 19)


def test_error_bad_rotation_and_other_parameters(bfi_items: pd.DataFrame) -> None:
    allowed = r"\['oblimin', 'promax', 'varimax', 'geomin', 'quartimax', 'none'\]"
    with pytest.raises(
        DataError, match=rf"rotation must be one of {allowed}, got 'obliminn'; did you mean"
    ):
        FactorModel(rotation="obliminn").fit(bfi_items)
    with pytest.raises(DataError, match=rf"rotation must be one of {allowed}, got 'equamax'"):
        rotate(np.ones((4, 2)), "equamax")
    with pytest.raises(
        DataError, match=r"method must be one of \['minres', 'ml', 'pa'\], got 'uls'"
    ):
        FactorModel(method="uls").fit(bfi_items)
    with pytest.raises(
        DataError,
        match=r"correlation must be one of \['pearson', 'polychoric', 'auto'\], got 'poly'",
    ):
        FactorModel(correlation="poly").fit(bfi_items)
    with pytest.raises(DataError, match=r"scores must be one of .*, got 'thurstone'"):
        FactorModel(scores="thurstone").fit(bfi_items)
    with pytest.raises(DataError, match=r"n_iter must be an integer >= 1, got 0"):
        FactorModel(n_iter=0).fit(bfi_items)


def test_error_unknown_items(bfi: pd.DataFrame, bfi5: FactorModel) -> None:
    with pytest.raises(DataError, match=r"items not in the responses: \['A9'\]"):
        fit_factors(bfi, items=["A1", "A2", "A9"])
    with pytest.raises(DataError, match=r"data lacks fitted items \['O5'\]"):
        bfi5.transform(bfi.drop(columns="O5"))


def test_fit_warns_nothing_on_clean_data(simulated) -> None:
    data, _, _ = simulated
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FactorModel(n_factors=2).fit(data)
