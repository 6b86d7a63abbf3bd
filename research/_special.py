"""The few special functions factor analysis and the scorecards need, in NumPy and the
standard library.

``research factors`` used ``scipy.special`` (normal and chi-square distributions) and
``scipy.optimize`` (``brentq``, ``linear_sum_assignment``). Importing them costs about a quarter
of a second before any work is done (SciPy's array-API layer imports most of NumPy's optional
submodules and rewrites hundreds of docstrings), more than the whole fit of 50 items x 20,000
respondents. These replacements are checked against SciPy in ``tests/test_factors_special.py``:
the normal CDF and quantile agree to about 5e-15 (relative), the chi-square tails to 2e-13
(2e-12 in the far tails of hundreds of degrees of freedom, where SciPy's own rounding is of
that order), the non-central chi-square CDF to 1e-13 (absolute); ``brentq`` and
``linear_sum_assignment`` give identical results.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np

__all__ = [
    "brentq",
    "chi2_cdf",
    "chi2_sf",
    "linear_sum_assignment",
    "ncx2_cdf",
    "ndtr",
    "ndtri",
]

_EPS = float(np.finfo(float).eps)
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)
_HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)

# W. J. Cody (1969), "Rational Chebyshev approximations for the error function", Math. Comp.
# 23, 631-637: erf on |x| <= 0.46875 (A / B), erfc on 0.46875 < |x| <= 4 (C / D) and beyond
# (P / Q, in 1 / x^2); near full double precision on each interval.
_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
      3.20937758913846947e03, 1.85777706184603153e-1)  # fmt: skip
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
      2.84423683343917062e03)  # fmt: skip
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
      2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
      2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)  # fmt: skip
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
      1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
      3.43936767414372164e03, 1.23033935480374942e03)  # fmt: skip
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
      1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)  # fmt: skip
_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1,
      6.05183413124413191e-2, 2.33520497626869185e-3)  # fmt: skip
_ERFC_UNDERFLOW = 26.543  # erfc(x) is below the smallest normal double beyond this


def _exp_minus_square(y: np.ndarray) -> np.ndarray:
    """``exp(-y^2)`` without the rounding error of squaring a large ``y`` (Cody's split)."""
    head = np.trunc(y * 16.0) / 16.0
    return np.exp(-head * head) * np.exp(-(y - head) * (y + head))


def _erfc(x: np.ndarray) -> np.ndarray:
    """Complementary error function of a float array (Cody's approximations)."""
    y = np.abs(x)
    out = np.full(x.shape, np.nan)
    small = y <= 0.46875
    if small.any():
        z = y[small] ** 2
        num, den = _A[4] * z, z
        for a, b in zip(_A[:3], _B[:3], strict=True):
            num, den = (num + a) * z, (den + b) * z
        out[small] = 1.0 - x[small] * (num + _A[3]) / (den + _B[3])
    middle = (y > 0.46875) & (y <= 4.0)
    if middle.any():
        ym = y[middle]
        num, den = _C[8] * ym, ym
        for c, d in zip(_C[:7], _D[:7], strict=True):
            num, den = (num + c) * ym, (den + d) * ym
        out[middle] = _exp_minus_square(ym) * (num + _C[7]) / (den + _D[7])
    large = y > 4.0
    if large.any():
        yl = np.minimum(y[large], _ERFC_UNDERFLOW)
        z = 1.0 / (yl * yl)
        num, den = _P[5] * z, z
        for p, q in zip(_P[:4], _Q[:4], strict=True):
            num, den = (num + p) * z, (den + q) * z
        tail = (_INV_SQRT_PI - z * (num + _P[4]) / (den + _Q[4])) / yl
        out[large] = np.where(y[large] < _ERFC_UNDERFLOW, _exp_minus_square(yl) * tail, 0.0)
    negative = (x < 0) & ~small
    out[negative] = 2.0 - out[negative]
    return out


def ndtr(x: np.ndarray | float) -> np.ndarray:
    """Standard normal CDF, elementwise (``scipy.special.ndtr``).

    Notes
    -----
    ``erfc(-x / sqrt(2)) / 2`` with Cody's rational approximations: within 5e-15 (relative) of
    SciPy for ``|x| < 8`` and 1e-13 further down the lower tail, where SciPy rounds the square
    of ``x`` before exponentiating; 0 or 1 beyond ``|x| = 37.5``.
    """
    values = np.asarray(x, dtype=float)
    return 0.5 * _erfc(np.atleast_1d(-values * _SQRT_HALF)).reshape(values.shape)


_INV_CDF = NormalDist().inv_cdf


def ndtri(p: np.ndarray | float) -> np.ndarray:
    """Standard normal quantile, elementwise (``scipy.special.ndtri``): -inf at 0, inf at 1.

    Notes
    -----
    Wichura's algorithm AS241 through :meth:`statistics.NormalDist.inv_cdf` (about 16 correct
    digits), one element at a time: factor analysis asks for a few hundred thresholds.
    """
    values = np.asarray(p, dtype=float)
    out = np.full(values.shape, np.nan)
    flat, result = values.ravel(), out.reshape(-1)
    for i, q in enumerate(flat.tolist()):
        if q == 0.0:
            result[i] = -np.inf
        elif q == 1.0:
            result[i] = np.inf
        elif 0.0 < q < 1.0:
            result[i] = _INV_CDF(q)
    return out


# Bernoulli-number terms of Stirling's series for log Gamma(a) - Stirling's formula.
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156,
             -3617 / 122400)  # fmt: skip


def _log_gamma_prefix(a: float, x: float) -> float:
    """``a log(x) - x - log Gamma(a)`` for ``a, x > 0``, accurate for large ``a`` too.

    For ``a >= 10`` Stirling's series turns it into ``a log(x / a) - (x - a) + log(a / 2 pi) / 2
    - series(a)``, with ``a (log1p(t) - t)``, ``t = (x - a) / a``, for the first two terms near
    ``x = a``: the rounding error then grows with ``a |t|`` instead of ``a log x`` (this is the
    prefactor of both incomplete gamma functions, so of both chi-square tails).
    """
    if a < 10.0:
        return a * math.log(x) - x - math.lgamma(a)
    t = (x - a) / a
    main = a * (math.log1p(t) - t) if abs(t) < 0.5 else a * math.log(x / a) - (x - a)
    correction = 0.0
    inv, inv_sq = 1.0 / a, 1.0 / (a * a)
    for coefficient in _STIRLING:
        correction += coefficient * inv
        inv *= inv_sq
    return main + 0.5 * math.log(a) - _HALF_LOG_TWO_PI - correction


def _gamma_inc(a: float, x: float) -> tuple[float, float]:
    """Regularized incomplete gamma functions ``(P(a, x), Q(a, x))`` for ``a > 0``.

    The power series of ``P`` below ``x = a + 1`` and the continued fraction of ``Q`` (modified
    Lentz) above, each to machine precision; the other is its complement.
    """
    if math.isnan(a) or math.isnan(x):
        return math.nan, math.nan
    if x <= 0.0:
        return 0.0, 1.0
    if math.isinf(x):
        return 1.0, 0.0
    log_prefix = _log_gamma_prefix(a, x)
    if x < a + 1.0:
        term = total = 1.0 / a
        n = a
        while abs(term) > total * _EPS:
            n += 1.0
            term *= x / n
            total += term
        lower = math.exp(log_prefix) * total
        return lower, 1.0 - lower
    tiny = 1e-300
    b = x + 1.0 - a
    c, d = 1.0 / tiny, 1.0 / b
    fraction = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        step = d * c
        fraction *= step
        if abs(step - 1.0) <= _EPS:
            break
    upper = math.exp(log_prefix) * fraction
    return 1.0 - upper, upper


def chi2_cdf(df: float, x: float) -> float:
    """Chi-square CDF ``P(X <= x)`` with ``df`` degrees of freedom (``scipy.special.chdtr``)."""
    return _gamma_inc(df / 2.0, x / 2.0)[0]


def chi2_sf(df: float, x: float) -> float:
    """Chi-square upper tail ``P(X > x)`` (``scipy.special.chdtrc``); accurate when tiny."""
    return _gamma_inc(df / 2.0, x / 2.0)[1]


def chi2_independence(table: np.ndarray) -> tuple[float, float]:
    """Pearson's chi-square test of independence on a contingency table: ``(chi2, p)``.

    As ``scipy.stats.chi2_contingency(table, correction=False)[:2]`` (checked in
    ``tests/test_factors_special.py``), without importing ``scipy.stats`` (most of a second).
    """
    obs = np.asarray(table, dtype=float)
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / obs.sum()
    chi2 = float(((obs - expected) ** 2 / expected).sum())
    dof = (obs.shape[0] - 1) * (obs.shape[1] - 1)
    return chi2, (1.0 if dof == 0 else chi2_sf(dof, chi2))


def ncx2_cdf(x: float, df: float, nc: float) -> float:
    """Non-central chi-square CDF (``scipy.special.chndtr``; argument order as SciPy's).

    Notes
    -----
    The Poisson(nc / 2) mixture of central chi-square CDFs on ``df + 2j`` degrees of freedom,
    summed outward from the Poisson mode (Benton & Krishnamoorthy 2003): the CDFs follow by
    the recurrence ``P(a + 1, y) = P(a, y) - y^a e^-y / Gamma(a + 1)`` and the weights by ratios.
    Each direction stops once a bound on what is left falls below 1e-16 of the sum, or at
    ``sqrt(80 lam) + 27`` terms from the mode, beyond which the Poisson mass is below 1e-17:
    the absolute error stays near 1e-14 (what root-finding on the CDF needs) and large
    non-centralities cost a few thousand terms, not tens of thousands.
    """
    if math.isnan(x) or math.isnan(df) or math.isnan(nc):
        return math.nan
    if not x > 0.0:
        return 0.0
    if nc <= 0.0:
        return chi2_cdf(df, x)
    lam, y, a = nc / 2.0, x / 2.0, df / 2.0
    mode = math.floor(lam)
    reach = math.sqrt(80.0 * lam) + 27.0
    start = a + mode
    weight0 = math.exp(-lam if mode == 0 else _log_gamma_prefix(mode, lam) - math.log(mode))
    cdf0 = _gamma_inc(start, y)[0]
    step0 = math.exp(_log_gamma_prefix(start, y)) / start  # y^s e^-y / Gamma(s + 1)
    total = weight0 * cdf0
    # Upwards: weights shrink by lam / (j + 1) < 1, so the rest is below cdf * weight / (1 - r).
    weight, cdf, step, j = weight0, cdf0, step0, mode
    while j < lam + reach:
        cdf -= step
        j += 1
        weight *= lam / j
        step *= y / (a + j)
        if cdf <= 0.0 or weight == 0.0:
            break
        total += weight * cdf
        ratio = lam / (j + 1)
        if ratio < 1.0 and cdf * weight * ratio / (1.0 - ratio) <= 1e-16 * total:
            break
    # Downwards: the CDFs grow towards 1 and the weights shrink by j / lam. When even the CDF
    # at the far end underflows, every term does.
    low = max(0, math.floor(lam - reach))
    weight, cdf, step, j = weight0, cdf0, step0, mode
    if j > low and _gamma_inc(a + low, y)[0] > 0.0:
        while j > low:
            step *= (a + j) / y
            cdf = min(cdf + step, 1.0)
            weight *= j / lam
            j -= 1
            total += weight * cdf
            if weight == 0.0 or weight * j / (lam - j) <= 1e-16 * total:
                break
    return min(total, 1.0)


def brentq(
    f: Callable[[float], float],
    a: float,
    b: float,
    *,
    xtol: float = 2e-12,
    rtol: float = 4 * _EPS,
    maxiter: int = 100,
) -> float:
    """A root of ``f`` in ``[a, b]`` by Brent's method, as ``scipy.optimize.brentq``.

    The same iteration as SciPy's (inverse quadratic or linear interpolation when it shrinks
    the bracket fast enough, bisection otherwise; stop when half the bracket is below
    ``(xtol + rtol |x|) / 2``), so the same ``f`` gives the same root.

    Raises
    ------
    ValueError
        If ``f(a)`` and ``f(b)`` have the same sign, or ``f`` returns NaN.
    RuntimeError
        If ``maxiter`` iterations do not converge.
    """

    def value(x: float) -> float:
        fx = float(f(x))
        if math.isnan(fx):
            raise ValueError(f"the function value at x={x} is NaN; the root cannot be found")
        return fx

    x_prev, x_cur = float(a), float(b)
    f_prev, f_cur = value(x_prev), value(x_cur)
    if f_prev * f_cur > 0:
        raise ValueError("f(a) and f(b) must have different signs")
    if f_prev == 0:
        return x_prev
    if f_cur == 0:
        return x_cur
    x_blk = f_blk = s_prev = s_cur = 0.0
    for _ in range(maxiter):
        if f_prev * f_cur < 0:  # the root lies between x_prev and x_cur: x_prev bounds it
            x_blk, f_blk = x_prev, f_prev
            s_prev = s_cur = x_cur - x_prev
        if abs(f_blk) < abs(f_cur):  # keep the best estimate in x_cur
            x_prev, x_cur, x_blk = x_cur, x_blk, x_cur
            f_prev, f_cur, f_blk = f_cur, f_blk, f_cur
        delta = (xtol + rtol * abs(x_cur)) / 2
        s_bis = (x_blk - x_cur) / 2
        if f_cur == 0 or abs(s_bis) < delta:
            return x_cur
        if abs(s_prev) > delta and abs(f_cur) < abs(f_prev):
            if x_prev == x_blk:  # secant
                s_try = -f_cur * (x_cur - x_prev) / (f_cur - f_prev)
            else:  # inverse quadratic interpolation
                d_prev = (f_prev - f_cur) / (x_prev - x_cur)
                d_blk = (f_blk - f_cur) / (x_blk - x_cur)
                s_try = (
                    -f_cur * (f_blk * d_blk - f_prev * d_prev) / (d_blk * d_prev * (f_blk - f_prev))
                )
            if 2 * abs(s_try) < min(abs(s_prev), 3 * abs(s_bis) - delta):
                s_prev, s_cur = s_cur, s_try
            else:
                s_prev = s_cur = s_bis
        else:
            s_prev = s_cur = s_bis
        x_prev, f_prev = x_cur, f_cur
        x_cur += s_cur if abs(s_cur) > delta else (delta if s_bis > 0 else -delta)
        f_cur = value(x_cur)
    raise RuntimeError(f"brentq did not converge in {maxiter} iterations")


def linear_sum_assignment(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a minimum-cost perfect matching of a square matrix.

    The Hungarian algorithm with potentials (O(n^3)); returns ``(rows, cols)`` with ``rows``
    ``0..n-1`` as ``scipy.optimize.linear_sum_assignment`` does. Used to match a handful of
    factors, so plain Python loops are fast enough.
    """
    c = np.asarray(cost, dtype=float)
    n = c.shape[0]
    if c.ndim != 2 or c.shape[1] != n:
        raise ValueError(f"cost must be a square matrix, got shape {c.shape}")
    matrix = c.tolist()
    inf = math.inf
    u, v = [0.0] * (n + 1), [0.0] * (n + 1)
    owner = [0] * (n + 1)  # owner[j]: row (1-based) matched to column j; column 0 is a sentinel
    for row in range(1, n + 1):
        owner[0] = row
        j0 = 0
        slack = [inf] * (n + 1)
        previous = [0] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0, gap, j1 = owner[j0], inf, 0
            for j in range(1, n + 1):
                if used[j]:
                    continue
                reduced = matrix[i0 - 1][j - 1] - u[i0] - v[j]
                if reduced < slack[j]:
                    slack[j], previous[j] = reduced, j0
                if slack[j] < gap:
                    gap, j1 = slack[j], j
            for j in range(n + 1):
                if used[j]:
                    u[owner[j]] += gap
                    v[j] -= gap
                else:
                    slack[j] -= gap
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:  # flip the augmenting path
            j1 = previous[j0]
            owner[j0] = owner[j1]
            j0 = j1
    cols = np.empty(n, dtype=np.intp)
    for j in range(1, n + 1):
        cols[owner[j] - 1] = j - 1
    return np.arange(n, dtype=np.intp), cols
