"""Extraction (minres, ML, principal axis), rotation and fit statistics."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factor_analyzer.factor_analyzer import FactorAnalyzer
from scipy.optimize import minimize

from research.errors import DataError
from research.factors import (
    FactorModel,
    HeywoodWarning,
    correlate,
    extract_factors,
    fit_statistics,
    maximum_likelihood,
    rotate,
)
from research.factors.extraction import _ml_objective

BFI = Path(__file__).parent / "data" / "bfi"
ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]


@pytest.fixture(scope="module")
def bfi_items() -> pd.DataFrame:
    return pd.read_csv(BFI / "bfi.csv")[ITEMS]


@pytest.fixture(scope="module")
def bfi_corr(bfi_items: pd.DataFrame):
    return correlate(bfi_items)


@pytest.fixture(scope="module")
def population() -> tuple[np.ndarray, np.ndarray]:
    """A correlation matrix with an exact 3-factor structure (cross-loadings included)."""
    lam = np.zeros((12, 3))
    lam[0:4, 0] = [0.8, 0.7, 0.6, 0.5]
    lam[4:8, 1] = [0.75, 0.65, 0.55, 0.7]
    lam[8:12, 2] = [0.6, 0.7, 0.8, 0.5]
    lam[3, 1] = 0.3
    r = lam @ lam.T
    np.fill_diagonal(r, 1.0)
    return r, lam


# ---------------------------------------------------------------- fit statistics vs psych


def test_bfi_fit_statistics_match_psych(bfi_items: pd.DataFrame) -> None:
    # print(fa(bfi[,1:25], nfactors=5)) in R psych 2.2.9: "df null model = 300 with the objective
    # function = 7.23 with Chi Square = 20163.79; df of the model are 185 and the objective
    # function was 0.65; RMSR 0.03; df corrected RMSR 0.04; harmonic n.obs 2762 with the
    # empirical chi square 1392.16 with prob < 5.6e-184; total n.obs 2800 with Likelihood Chi
    # Square = 1808.94 with prob < 4.3e-264; TLI 0.867; RMSEA 0.056 (90% CI 0.054 0.058);
    # BIC 340.53; fit based upon off diagonal values = 0.98"
    fit = FactorModel(n_factors=5).fit(bfi_items).fit_
    assert fit["df"] == 185 and fit["null_df"] == 300
    assert fit["null_objective"] == pytest.approx(7.23, abs=0.005)
    assert fit["null_chi2"] == pytest.approx(20163.79, abs=0.01)
    assert fit["objective"] == pytest.approx(0.65, abs=0.005)
    assert fit["chi2"] == pytest.approx(1808.94, abs=0.01)
    assert fit["p_value"] == pytest.approx(4.3e-264, rel=0.02)
    assert fit["tli"] == pytest.approx(0.867, abs=5e-4)
    assert fit["rmsea"] == pytest.approx(0.056, abs=5e-4)
    assert fit["rmsea_lower"] == pytest.approx(0.054, abs=5e-4)
    assert fit["rmsea_upper"] == pytest.approx(0.058, abs=5e-4)
    assert fit["bic"] == pytest.approx(340.53, abs=0.01)
    assert fit["harmonic_n"] == pytest.approx(2762, abs=0.5)
    assert fit["empirical_chi2"] == pytest.approx(1392.16, abs=0.01)
    assert fit["empirical_p_value"] == pytest.approx(5.6e-184, rel=0.02)
    assert fit["rmsr"] == pytest.approx(0.03, abs=0.005)
    assert fit["crms"] == pytest.approx(0.04, abs=0.005)
    assert fit["fit_off_diagonal"] == pytest.approx(0.98, abs=0.005)


def test_ml_chi_square_is_bartlett_corrected_discrepancy(bfi_corr) -> None:
    r = bfi_corr.matrix
    ml = maximum_likelihood(r, 5)
    n, p, k = 2800, 25, 5
    fit = fit_statistics(r, ml.loadings, n_obs=n)
    psi = ml.uniquenesses
    # at the optimum psych's factor.stats discrepancy equals the concentrated objective FAfn,
    # which is factor_analyzer's ML objective
    assert fit["objective"] == pytest.approx(_ml_objective(psi, r.to_numpy(), k), rel=1e-8)
    assert fit["objective"] == pytest.approx(
        FactorAnalyzer._fit_ml_objective(psi, r.to_numpy(), k), rel=1e-8
    )
    assert fit["chi2"] == pytest.approx((n - 1 - (2 * p + 5) / 6 - 2 * k / 3) * fit["objective"])
    assert fit["bic"] == pytest.approx(fit["chi2"] - 185 * np.log(n))
    assert fit["rmsea"] == pytest.approx(np.sqrt(fit["objective"] / 185 - 1 / (n - 1)))
    # ML fits the ML criterion better than minres, which fits the residuals better
    minres_fit = FactorModel(n_factors=5).fit(pd.read_csv(BFI / "bfi.csv")[ITEMS]).fit_
    assert fit["objective"] < minres_fit["objective"]
    assert fit["rmsr"] > minres_fit["rmsr"]


def test_ml_optimum_is_a_minimum(bfi_corr) -> None:
    r = bfi_corr.matrix.to_numpy()
    ml = maximum_likelihood(r, 3)
    best = _ml_objective(ml.uniquenesses, r, 3)
    rng = np.random.default_rng(0)
    for _ in range(3):
        start = rng.uniform(0.2, 0.9, 25)
        other = minimize(
            lambda z: FactorAnalyzer._fit_ml_objective(z, r, 3),
            start,
            method="L-BFGS-B",
            bounds=[(0.005, 1.0)] * 25,
        )
        assert best <= other.fun + 1e-6


def test_extraction_recovers_population_model(population) -> None:
    r, lam = population
    for method in ("minres", "ml", "pa"):
        ex = extract_factors(r, 3, method=method)
        # loadings are identified up to rotation: compare the common part L L'
        model = ex.loadings @ ex.loadings.T
        off = ~np.eye(12, dtype=bool)
        tol = 1e-3 if method == "pa" else 1e-4
        np.testing.assert_allclose(model[off], r[off], atol=tol)
        np.testing.assert_allclose(ex.communalities, (lam**2).sum(axis=1), atol=5 * tol)
        assert ex.method == method and ex.heywood == ()


def test_ml_heywood_case_is_detected_and_reported() -> None:
    # one factor: the exact solution needs loading^2 = 0.8 * 0.8 / 0.5 = 1.28 for item 1
    r = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]])
    with pytest.warns(HeywoodWarning, match=r"Heywood case: communality of \['item 1'\].*\(ml\)"):
        ex = maximum_likelihood(r, 1)
    assert ex.heywood == (0,)
    assert ex.uniquenesses[0] == pytest.approx(0.005, abs=1e-3)  # pinned at psych's bound


def test_ml_needs_positive_definite_matrix() -> None:
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    with pytest.raises(DataError, match="maximum likelihood needs a positive definite"):
        maximum_likelihood(bad, 1)


# ---------------------------------------------------------------- rotations


@pytest.mark.parametrize("method", ["oblimin", "promax", "varimax", "geomin", "quartimax"])
def test_rotations_keep_the_model(bfi_corr, method: str) -> None:
    ex = extract_factors(bfi_corr.matrix, 5)
    rot = rotate(ex.loadings, method)
    reproduced = rot.loadings @ rot.phi @ rot.loadings.T
    np.testing.assert_allclose(reproduced, ex.loadings @ ex.loadings.T, atol=1e-8)
    np.testing.assert_allclose(np.diag(rot.phi), 1.0, atol=1e-10)
    assert (rot.loadings.sum(axis=0) > 0).all()
    # psych's order: by variance accounted for, diag(phi L'L) (SS loadings for orthogonal ones)
    ss = np.diag(rot.phi @ rot.loadings.T @ rot.loadings)
    assert (np.diff(ss) <= 1e-12).all()
    if method in ("varimax", "quartimax"):
        np.testing.assert_allclose(rot.phi, np.eye(5), atol=1e-12)
    else:
        assert np.abs(rot.phi - np.eye(5)).max() > 0.05


def test_geomin_finds_the_big_five(bfi_items: pd.DataFrame) -> None:
    model = FactorModel(n_factors=5, rotation="geomin").fit(bfi_items)
    primary = model.loadings_.abs().idxmax(axis=1)
    for trait in "ACENO":
        assert primary[[f"{trait}{i}" for i in range(1, 6)]].nunique() <= 2
    assert primary.nunique() == 5


def test_model_with_ml_and_polychoric(bfi_items: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = FactorModel(n_factors=5, method="ml", correlation="polychoric").fit(bfi_items)
    assert model.correlation_info_.method == "polychoric"
    assert model.fit_["chi2"] > 0 and 0 < model.fit_["tli"] < 1
    assert model.heywood_ == []
    np.testing.assert_allclose(model.communalities_ + model.uniquenesses_, 1.0)


def test_heywood_warning_can_be_withheld_without_touching_the_filters():
    # Parallel analysis fits minres in worker threads, where warnings.catch_warnings() is not
    # safe (its filters are process-wide): it asks minres not to warn instead.
    from research.factors import HeywoodWarning
    from research.factors.extraction import minres
    from research.factors.nfactors import reduced_eigenvalues

    r = np.array(
        [[1, 0.95, 0.9, 0.3], [0.95, 1, 0.97, 0.3], [0.9, 0.97, 1, 0.3], [0.3, 0.3, 0.3, 1.0]]
    )
    with pytest.warns(HeywoodWarning, match="item 1"):
        minres(r, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet = minres(r, 2, warn=False)
        reduced_eigenvalues(r)
    assert quiet.heywood == (0, 2)  # the case is recorded, only not announced
