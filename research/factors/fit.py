"""Goodness of fit of a factor solution, computed as ``psych::fa`` reports it (``factor.stats``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from research._special import brentq, chi2_cdf, chi2_sf, ncx2_cdf
from research.factors.extraction import degrees_of_freedom
from research.factors.polychoric import cor_smooth

__all__ = ["FIT_KEYS", "fit_statistics"]

#: Keys of the dictionary :func:`fit_statistics` returns, in reporting order.
FIT_KEYS: tuple[str, ...] = (
    "n_obs",
    "n_items",
    "n_factors",
    "df",
    "objective",
    "chi2",
    "p_value",
    "null_df",
    "null_objective",
    "null_chi2",
    "tli",
    "rmsea",
    "rmsea_lower",
    "rmsea_upper",
    "bic",
    "rmsr",
    "crms",
    "harmonic_n",
    "empirical_chi2",
    "empirical_p_value",
    "empirical_bic",
    "fit_off_diagonal",
)


def _noncentrality(statistic: float, df: int, target: float, upper: float) -> float:
    """Noncentrality ``x`` with ``P(chi2(df, x) <= statistic) == target`` (R's ``uniroot``)."""

    def gap(x: float) -> float:
        cdf = chi2_cdf(df, statistic) if x <= 0 else ncx2_cdf(statistic, df, x)
        return float(cdf - target)

    return brentq(gap, 0.0, upper, xtol=1e-10)


def _rmsea_bounds(statistic: float, df: int, n_obs: int, alpha: float) -> tuple[float, float]:
    tail = alpha / 2.0
    upper_bracket = max(n_obs, statistic) + 2.0 * n_obs
    below = chi2_cdf(df, statistic)
    upper = lower = 0.0
    try:
        if below > tail:
            upper = np.sqrt(_noncentrality(statistic, df, tail, upper_bracket) / (n_obs - 1) / df)
        if below > 1.0 - tail:
            lower = np.sqrt(
                _noncentrality(statistic, df, 1.0 - tail, upper_bracket) / (n_obs - 1) / df
            )
    except ValueError:  # no sign change in the bracket, as psych's try(uniroot) failing
        return float("nan"), float("nan")
    return float(lower), float(upper)


def fit_statistics(
    corr: pd.DataFrame | np.ndarray,
    loadings: pd.DataFrame | np.ndarray,
    phi: pd.DataFrame | np.ndarray | None = None,
    *,
    n_obs: int,
    n_pairs: pd.DataFrame | np.ndarray | None = None,
    alpha: float = 0.1,
) -> dict[str, float | int]:
    """Fit statistics of a factor solution, as ``psych::fa`` prints them.

    Parameters
    ----------
    corr : array-like
        The correlation matrix that was factored (p x p).
    loadings : array-like
        Pattern loadings (p x k).
    phi : array-like, optional
        Factor correlations (identity if omitted).
    n_obs : int
        Number of respondents (psych's ``n.obs``: all rows, including incomplete ones).
    n_pairs : array-like, optional
        Pairwise-complete counts; when given, the empirical chi-square, RMSR and CRMS weight
        each residual by its pair's count and use the harmonic mean count, as psych does for
        raw data (``np.obs``).
    alpha : float
        The RMSEA interval is the ``1 - alpha`` confidence interval (psych's 90 %).

    Returns
    -------
    dict
        Keys :data:`FIT_KEYS`. ``objective`` is ``F = tr(M^-1 R) - log det(M^-1 R) - p`` with
        the model ``M = L phi L'`` given a unit diagonal (the ML discrepancy, which psych
        reports for every extraction method); ``chi2 = (n - 1 - (2p + 5) / 6 - 2k / 3) F``;
        ``tli = (M0 - Mm) / (M0 - 1 / nm)`` with ``M0 = F0 / null_df``, ``Mm = F / df``;
        ``rmsea = sqrt(max(F / df - 1 / (n - 1), 0))`` with its noncentral chi-square interval;
        ``bic = chi2 - df log n``; ``rmsr`` is the root mean square off-diagonal residual.

    Notes
    -----
    A line-by-line port of psych 2.2.9 ``factor.stats`` (including ``cor.smooth`` of the model
    and data matrices before inverting). On bfi the 5-factor minres/oblimin solution gives
    psych's printed figures: chi-square 1808.94 (p < 4.3e-264), TLI 0.867, RMSEA 0.056
    (0.054-0.058), BIC 340.53, null chi-square 20163.79 on 300 df, harmonic n 2762, empirical
    chi-square 1392.16 and RMSR 0.03 (``tests/test_factors_extraction.py``). The formulas do not
    depend on the extraction method, as in psych. For an ML solution ``objective`` is the
    minimised ML discrepancy and ``chi2`` the likelihood-ratio statistic with Bartlett's
    correction (factanal's); the ML objective and the null-model chi-square match SAS PROC
    FACTOR on Spearman's five tests (0.00759; 87.205 on 10 df) and the discrepancy matches the
    likelihood of scikit-learn's ``FactorAnalysis`` (``tests/test_factors_psych.py``).
    """
    r = np.asarray(corr, dtype=float)
    lam = np.asarray(loadings, dtype=float)
    p, k = lam.shape
    ph = np.eye(k) if phi is None else np.asarray(phi, dtype=float)
    model = lam @ ph @ lam.T
    residual = r - model
    np.fill_diagonal(residual, 0.0)
    df = degrees_of_freedom(p, k)
    off = ~np.eye(p, dtype=bool)
    r2_off = float(np.sum(r[off] ** 2))
    if n_pairs is None:
        chi_emp = float(np.sum(residual**2)) * n_obs
        nh = float(n_obs)
        weighted_r2 = r2_off * n_obs
    else:
        counts = np.asarray(n_pairs, dtype=float)
        chi_emp = float(np.sum(residual**2 * counts))
        nh = float(counts.size / np.sum(1.0 / counts))
        weighted_r2 = float(np.sum((r * r * counts)[off]))
    rmsr = np.sqrt(chi_emp / (nh * p * (p - 1)))
    stats: dict[str, float | int] = {
        "n_obs": int(n_obs),
        "n_items": p,
        "n_factors": k,
        "df": df,
        "rmsr": float(rmsr),
        "harmonic_n": nh,
        "empirical_chi2": chi_emp,
        "fit_off_diagonal": 1.0 - chi_emp / weighted_r2 if weighted_r2 > 0 else float("nan"),
    }
    if df > 0:
        stats["crms"] = float(np.sqrt(chi_emp / (2 * nh * df)))
        stats["empirical_p_value"] = chi2_sf(df, chi_emp)
        stats["empirical_bic"] = chi_emp - df * np.log(nh)
    model_full = model.copy()
    np.fill_diagonal(model_full, np.diag(r))
    model_full, _, _ = cor_smooth(model_full)
    smooth_r, _, _ = cor_smooth(r)
    m_inv_r = np.linalg.solve(model_full, smooth_r)
    objective = float(np.trace(m_inv_r) - np.linalg.slogdet(m_inv_r)[1] - p)
    null_objective = float(np.trace(smooth_r) - np.linalg.slogdet(smooth_r)[1] - p)
    null_df = p * (p - 1) // 2
    factor = (n_obs - 1) - (2 * p + 5) / 6 - (2 * k) / 3
    statistic = max(objective * factor, 0.0)
    stats.update(
        {
            "objective": objective,
            "chi2": statistic,
            "p_value": chi2_sf(df, statistic) if df > 0 else float("nan"),
            "null_df": null_df,
            "null_objective": null_objective,
            "null_chi2": null_objective * ((n_obs - 1) - (2 * p + 5) / 6),
        }
    )
    m0 = null_objective / null_df
    if df > 0:
        mm = objective / df
        stats["tli"] = float((m0 - mm) / (m0 - 1.0 / factor))
        rmsea = float(np.sqrt(max(objective / df - 1.0 / (n_obs - 1), 0.0)))
        lower, upper = _rmsea_bounds(statistic, df, n_obs, alpha)
        stats["rmsea"] = rmsea
        stats["rmsea_lower"] = lower if np.isnan(lower) or lower <= rmsea else float("nan")
        stats["rmsea_upper"] = upper if np.isnan(upper) or upper >= rmsea else float("nan")
        stats["bic"] = float(statistic - df * np.log(n_obs))
    return {key: stats.get(key, float("nan")) for key in FIT_KEYS}
