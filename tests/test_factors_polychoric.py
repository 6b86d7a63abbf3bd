"""Polychoric correlations and the bivariate normal CDF, against R psych and scipy."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import multivariate_normal, norm

from research.errors import DataError
from research.factors import (
    bvn_cdf,
    cor_smooth,
    correlate,
    polychoric,
    resolve_correlation,
)
from research.factors.bivariate import bvn_density, bvn_density_drho

BFI = Path(__file__).parent / "data" / "bfi"
ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]


@pytest.fixture(scope="module")
def bfi_items() -> pd.DataFrame:
    return pd.read_csv(BFI / "bfi.csv")[ITEMS]


@pytest.fixture(scope="module")
def psych_rho() -> pd.DataFrame:
    # R 4.2.2, psych 2.2.9: polychoric(bfi[,1:25])$rho
    return pd.read_csv(BFI / "bfi_polychoric_rho.csv", index_col=0)


def ordinal_sample(rho: float, n: int, cuts_x, cuts_y, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=n)
    return pd.DataFrame(
        {"x": np.searchsorted(cuts_x, z[:, 0]) + 1.0, "y": np.searchsorted(cuts_y, z[:, 1]) + 1.0}
    )


# ---------------------------------------------------------------- bivariate normal


@pytest.mark.parametrize("rho", [-0.999, -0.95, -0.6, 0.0, 0.3, 0.8, 0.924, 0.93, 0.99, 0.9999])
def test_bvn_cdf_matches_scipy(rho: float) -> None:
    rng = np.random.default_rng(int(abs(rho) * 1e4))
    h, k = rng.normal(0, 1.5, 25), rng.normal(0, 1.5, 25)
    cov = [[1, rho], [rho, 1]]
    expected = [multivariate_normal([0, 0], cov).cdf([a, b]) for a, b in zip(h, k, strict=True)]
    np.testing.assert_allclose(bvn_cdf(h, k, rho), expected, atol=1e-12)


def test_bvn_cdf_limits_and_derivatives() -> None:
    np.testing.assert_allclose(
        bvn_cdf([np.inf, -np.inf, 1.0, np.inf, 0.0], [0.5, 0.3, np.inf, np.inf, 0.0], 0.5),
        [norm.cdf(0.5), 0.0, norm.cdf(1.0), 1.0, 0.25 + np.arcsin(0.5) / (2 * np.pi)],
        atol=1e-14,
    )
    # Plackett: d Phi2 / d rho = phi2, and the derivative of phi2 in rho
    for h, k, r in [(0.3, -0.7, 0.4), (1.2, 0.9, 0.95), (-0.5, 0.2, -0.93)]:
        eps = 1e-6
        numeric = (bvn_cdf(h, k, r + eps) - bvn_cdf(h, k, r - eps)) / (2 * eps)
        assert bvn_density(h, k, r) == pytest.approx(numeric, rel=1e-6)
        numeric2 = (bvn_density(h, k, r + eps) - bvn_density(h, k, r - eps)) / (2 * eps)
        assert bvn_density_drho(h, k, r) == pytest.approx(numeric2, rel=1e-5)


# ---------------------------------------------------------------- against R psych


def test_bfi_polychoric_matches_psych(bfi_items: pd.DataFrame, psych_rho: pd.DataFrame) -> None:
    result = polychoric(bfi_items)
    assert list(result.rho.index) == ITEMS == list(psych_rho.index)
    diff = np.abs(result.rho.to_numpy() - psych_rho.to_numpy())
    assert diff.max() < 0.005  # the tolerance; measured 0.0012
    # psych 2.2.9 added no correction for empty cells with global thresholds (the correction
    # in polyc sat in the global=FALSE branch): without it the agreement is to psych's
    # optimize() tolerance.
    uncorrected = polychoric(bfi_items, correct=0).rho.to_numpy()
    assert np.abs(uncorrected - psych_rho.to_numpy()).max() < 5e-5  # measured 2.0e-5
    # the 6 pairs with an empty cell are the ones the correction moves
    assert result.corrected_pairs == 6
    assert result.converged and not result.smoothed
    np.testing.assert_allclose(np.diag(result.rho), 1.0)


def test_bfi_thresholds_and_pair_counts(bfi_items: pd.DataFrame) -> None:
    result = polychoric(bfi_items)
    a1 = bfi_items["A1"].dropna()
    shares = a1.value_counts(normalize=True).sort_index().cumsum().to_numpy()[:-1]
    np.testing.assert_allclose(result.thresholds.loc["A1"].to_numpy(), norm.ppf(shares))
    both = bfi_items[["A1", "O5"]].dropna()
    assert result.n_pairs.loc["A1", "O5"] == len(both)
    assert result.n_pairs.loc["A1", "A1"] == len(a1)


def test_polychoric_recovers_latent_correlation() -> None:
    data = ordinal_sample(0.6, 20_000, [-1.0, 0.0, 0.8], [-0.5, 0.5], seed=3)
    rho = polychoric(data).rho.loc["x", "y"]
    assert rho == pytest.approx(0.6, abs=0.02)
    negative = ordinal_sample(-0.97, 20_000, [-1.0, 0.0, 0.8], [-0.5, 0.5], seed=4)
    assert polychoric(negative).rho.loc["x", "y"] == pytest.approx(-0.97, abs=0.01)


def test_polychoric_handles_gaps_and_non_integer_codes() -> None:
    data = ordinal_sample(0.5, 3_000, [-1.0, 0.0, 0.8], [-0.5, 0.5], seed=5)
    gapped = data.assign(x=data["x"].map({1.0: 1.0, 2.0: 2.0, 3.0: 4.0, 4.0: 7.0}))
    halves = data.assign(y=data["y"] / 2)
    base = polychoric(data).rho.loc["x", "y"]
    assert polychoric(gapped).rho.loc["x", "y"] == pytest.approx(base, abs=1e-12)
    assert polychoric(halves).rho.loc["x", "y"] == pytest.approx(base, abs=1e-12)


def test_empty_cells_are_corrected_and_counted() -> None:
    data = pd.DataFrame({"a": [1, 1, 2, 2, 3, 3] * 20, "b": [1, 2, 1, 2, 2, 3] * 20}, dtype=float)
    result = polychoric(data)
    assert result.corrected_pairs == 1
    assert polychoric(data, correct=0).corrected_pairs == 0
    assert 0 < result.rho.loc["a", "b"] < polychoric(data, correct=0).rho.loc["a", "b"]


def test_non_positive_definite_matrix_is_smoothed_and_reported() -> None:
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    smoothed, changed, smallest = cor_smooth(bad)
    assert changed and smallest < 0
    assert np.linalg.eigvalsh(smoothed)[0] > 0
    np.testing.assert_allclose(np.diag(smoothed), 1.0)
    same, changed_identity, _ = cor_smooth(np.eye(3))
    assert not changed_identity
    np.testing.assert_array_equal(same, np.eye(3))
    # pairwise deletion can make a polychoric matrix indefinite: each pair is answered by a
    # different third of the respondents, agreeing for a-b and b-c but opposed for a-c
    cuts = [-0.5, 0.5]
    ab = ordinal_sample(0.9, 300, cuts, cuts, seed=6)
    bc = ordinal_sample(0.9, 300, cuts, cuts, seed=7)
    ac = ordinal_sample(-0.9, 300, cuts, cuts, seed=8)
    nan = np.full(300, np.nan)
    data = pd.DataFrame(
        {
            "a": np.concatenate([ab["x"], nan, ac["x"]]),
            "b": np.concatenate([ab["y"], bc["x"], nan]),
            "c": np.concatenate([nan, bc["y"], ac["y"]]),
        }
    )
    with pytest.warns(UserWarning, match="not positive definite.*smoothed"):
        result = polychoric(data)
    assert result.smoothed and result.min_eigenvalue < 0
    assert np.linalg.eigvalsh(result.rho.to_numpy())[0] > 0


# ---------------------------------------------------------------- auto and errors


def test_auto_picks_polychoric_for_likert_items(bfi_items: pd.DataFrame) -> None:
    method, reason = resolve_correlation(bfi_items, "auto")
    assert method == "polychoric" and "at most 7" in reason
    with_age = pd.read_csv(BFI / "bfi.csv")[["A1", "A2", "age"]]
    assert resolve_correlation(with_age, "auto")[0] == "pearson"
    assert resolve_correlation(bfi_items / 3, "auto")[0] == "pearson"  # not integer codes
    info = correlate(bfi_items.iloc[:400], method="auto")
    assert info.method == "polychoric"
    assert info.n_pairs.loc["A1", "A2"] == bfi_items.iloc[:400][["A1", "A2"]].dropna().shape[0]


def test_polychoric_errors_name_items() -> None:
    data = pd.DataFrame({"a": np.arange(100.0) % 12, "b": np.arange(100.0) % 3, "c": 1.0})
    with pytest.raises(DataError, match=r"constant items \['c'\]"):
        polychoric(data)
    with pytest.raises(DataError, match=r"more than 8 distinct values \['a \(12\)'\]"):
        polychoric(data[["a", "b"]])
    with pytest.raises(DataError, match=r"non-numeric columns \['t'\]"):
        polychoric(data[["b"]].assign(t="x", u=data["a"] % 2))
    with pytest.raises(DataError, match="correct must be a number >= 0, got -1"):
        polychoric(data[["a", "b"]] % 4, correct=-1)
    apart = pd.DataFrame({"a": [1, 2, 1, 2, np.nan, np.nan], "b": [np.nan] * 4 + [1, 2]})
    with pytest.raises(DataError, match="no respondent answering both"):
        polychoric(apart)


def test_polychoric_does_not_mutate(bfi_items: pd.DataFrame) -> None:
    data = bfi_items.iloc[:300].copy()
    before = data.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        polychoric(data)
        correlate(data, method="auto")
    pd.testing.assert_frame_equal(data, before)
