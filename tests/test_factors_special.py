"""The SciPy-free special functions and L-BFGS-B driver of research.factors, against SciPy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.optimize as so
import scipy.special as sc

from research import _special
from research.factors import _lbfgsb
from research.factors import extraction as ex
from research.factors._linalg import single_threaded_blas


def test_ndtr_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate(
        [rng.normal(size=50_000) * 3, rng.uniform(-38, 9, 50_000), np.linspace(-8, 8, 4001)]
    )
    ours, ref = _special.ndtr(x), sc.ndtr(x)
    moderate = np.abs(x) < 8
    np.testing.assert_allclose(ours[moderate], ref[moderate], rtol=5e-15, atol=0)
    # deep tail: SciPy rounds exp(-x^2 / 2) of a rounded square; Cody's split does not
    np.testing.assert_allclose(ours, ref, rtol=1e-13, atol=1e-300)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -40.0, 40.0])
    np.testing.assert_array_equal(_special.ndtr(special), sc.ndtr(special))
    assert _special.ndtr(np.array(0.3)).shape == ()
    assert _special.ndtr(np.zeros((2, 3, 4))).shape == (2, 3, 4)


def test_ndtri_matches_scipy() -> None:
    p = np.concatenate(
        [np.random.default_rng(2).uniform(0, 1, 20_000), [1e-300, 1e-20, 1e-5, 0.5, 1 - 1e-16]]
    )
    np.testing.assert_allclose(_special.ndtri(p), sc.ndtri(p), rtol=5e-15)
    edges = np.array([[0.0, 1.0], [np.nan, 0.5]])
    np.testing.assert_array_equal(_special.ndtri(edges), sc.ndtri(edges))


@pytest.mark.parametrize("df", [1, 2, 3, 5, 10, 19, 20, 25.5, 100, 185, 300, 985, 1225])
def test_chi_square_tails_match_scipy(df: float) -> None:
    for x in [*np.linspace(0.01, 3 * df + 50, 80), df / 2, df, df + 1, 1e-5]:
        for ours, ref in ((_special.chi2_cdf, sc.chdtr), (_special.chi2_sf, sc.chdtrc)):
            # SciPy itself is good to about 1e-13 here; both tails are relative-accurate
            assert ours(df, x) == pytest.approx(ref(df, x), rel=2e-12, abs=1e-300)
    assert _special.chi2_sf(df, 0.0) == 1.0
    assert _special.chi2_cdf(df, 0.0) == 0.0
    # bfi's 5-factor chi-square, psych's p < 4.3e-264
    assert _special.chi2_sf(185, 1808.94) == pytest.approx(sc.chdtrc(185, 1808.94), rel=1e-12)


def test_noncentral_chi_square_matches_scipy() -> None:
    worst = 0.0
    for df in (1, 3, 10, 185, 985, 1225):
        for nc in (0.1, 0.5, 3, 50, 500, 1500, 5000, 30000, 60000):
            grid = np.linspace(0.5, 2 * (df + nc) + 100, 30)
            for x in [*grid, df + nc, 0.9 * (df + nc), 1.1 * (df + nc)]:
                worst = max(worst, abs(_special.ncx2_cdf(x, df, nc) - sc.chndtr(x, df, nc)))
    assert worst < 1e-13
    assert _special.ncx2_cdf(0.0, 5, 3) == 0.0
    assert np.isnan(_special.ncx2_cdf(np.nan, 5, 3)) and np.isnan(_special.chi2_sf(5, np.nan))
    assert _special.ncx2_cdf(7.0, 5, 0.0) == pytest.approx(sc.chdtr(5, 7.0), rel=1e-14)


def test_brentq_takes_scipys_steps() -> None:
    cases = [
        (lambda x: x**3 - 2 * x - 5, 2.0, 3.0, {}),
        (lambda x: np.cos(x) - x, 0.0, 1.0, {"xtol": 1e-10}),
        (lambda x: np.exp(x) - 1e4, -5.0, 50.0, {}),
        (lambda x: sc.chndtr(2057.0, 985, x) - 0.05, 0.0, 60_000.0, {"xtol": 1e-10}),
        (lambda x: x - 1.5, 1.5, 4.0, {}),
    ]
    for f, a, b, kwargs in cases:
        assert _special.brentq(f, a, b, **kwargs) == so.brentq(f, a, b, **kwargs)
    with pytest.raises(ValueError, match="different signs"):
        _special.brentq(lambda x: x * x + 1, -1.0, 1.0)
    for brentq in (_special.brentq, so.brentq):  # both give up alike
        with pytest.raises(RuntimeError):
            brentq(lambda x: x**9 - 0.5, 0.0, 1.0, maxiter=2)


def test_linear_sum_assignment_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    for n in (1, 2, 3, 5, 8, 12):
        for _ in range(20):
            cost = rng.normal(size=(n, n))
            rows, cols = _special.linear_sum_assignment(cost)
            ref_rows, ref_cols = so.linear_sum_assignment(cost)
            np.testing.assert_array_equal(rows, ref_rows)
            np.testing.assert_array_equal(cols, ref_cols)  # unique optimum for random costs
    with pytest.raises(ValueError, match="square"):
        _special.linear_sum_assignment(np.ones((2, 3)))


def _problems(count: int):
    rng = np.random.default_rng(5)
    for _ in range(count):
        p = int(rng.integers(4, 30))
        k = int(rng.integers(1, max(2, p // 3)))
        loadings = rng.uniform(-0.9, 0.9, (p, k)) * (rng.random((p, k)) < 0.5)
        x = rng.normal(size=(int(rng.integers(p + 5, 400)), k)) @ loadings.T
        x += rng.normal(size=x.shape)
        yield np.corrcoef(x, rowvar=False), k


@pytest.mark.parametrize(
    ("objective", "gradient"),
    [(ex._minres_objective, ex._minres_gradient), (ex._ml_objective, ex._ml_gradient)],
)
@pytest.mark.parametrize("fallback", [False, True])
def test_lbfgsb_driver_is_scipys_minimize(objective, gradient, fallback, monkeypatch) -> None:
    assert _lbfgsb._SETULB is not None  # the installed SciPy speaks the driver's protocol
    if fallback:
        monkeypatch.setattr(_lbfgsb, "_SETULB", None)
    low, high = ex.UNIQUENESS_BOUNDS
    scale = 0.01
    for r, k in _problems(60):
        start = np.clip(1.0 - ex.smc(r), low, high) / scale

        def f(z, r=r, k=k):
            return objective(z * scale, r, k)

        def g(z, r=r, k=k):
            return gradient(z * scale, r, k) * scale

        with warnings.catch_warnings(), single_threaded_blas():
            warnings.simplefilter("ignore", RuntimeWarning)
            ref = so.minimize(
                f,
                start,
                jac=g,
                method="L-BFGS-B",
                bounds=[(low / scale, high / scale)] * r.shape[0],
                options={"ftol": 1e7 * ex._EPS, "gtol": 0.0, "maxcor": 5, "maxiter": 100},
            )
            x, n_iter, converged = _lbfgsb.minimize_bounded(
                f, g, start, low / scale, high / scale, maxcor=5, ftol=1e7 * ex._EPS, maxiter=100
            )
        np.testing.assert_array_equal(x, ref.x)
        assert (n_iter, converged) == (ref.nit, ref.success)


def test_lbfgsb_refuses_an_unknown_protocol(monkeypatch) -> None:
    assert _lbfgsb._load_setulb() is not None
    monkeypatch.setattr(_lbfgsb, "_SIGNATURE", "setulb(something, else)")
    assert _lbfgsb._load_setulb() is None


def test_chi2_independence_matches_scipy_chi2_contingency():
    from scipy.stats import chi2_contingency

    rng = np.random.default_rng(7)
    for _ in range(50):
        shape = tuple(rng.integers(2, 7, 2))
        table = rng.integers(1, 400, shape) * (rng.random(shape) < 0.9) + 1
        chi2, p = _special.chi2_independence(table)
        want_chi2, want_p, _, _ = chi2_contingency(table, correction=False)
        assert chi2 == pytest.approx(want_chi2, rel=1e-12)
        assert p == pytest.approx(want_p, rel=1e-9, abs=1e-300)
