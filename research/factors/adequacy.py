"""Is a correlation matrix worth factoring? Kaiser-Meyer-Olkin MSA and Bartlett's test."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from research._special import chi2_sf

__all__ = ["bartlett_sphericity", "kmo"]


def kmo(corr: pd.DataFrame) -> tuple[float, pd.Series]:
    """Kaiser-Meyer-Olkin measure of sampling adequacy.

    Parameters
    ----------
    corr : pandas.DataFrame
        Item correlation matrix.

    Returns
    -------
    overall : float
        Overall MSA: ``sum r_ij^2 / (sum r_ij^2 + sum q_ij^2)`` over ``i != j``, where ``q`` are
        the partial correlations (anti-image correlations from ``R^-1``).
    per_item : pandas.Series
        The same ratio per item, indexed by item.

    Notes
    -----
    Same formula as R ``psych::KMO``; computed from the given (pairwise-complete) correlation
    matrix, so missing answers are handled as psych does. (``factor_analyzer.calculate_kmo``
    recomputes correlations from raw data without handling missing values, so it is not used.)
    On bfi the overall MSA is 0.8459, psych's value (checked in ``tests/test_factors.py``). A
    singular matrix is handled with the pseudo-inverse.
    """
    r = corr.to_numpy(dtype=float)
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    d = np.sqrt(np.abs(np.diag(inv)))
    with np.errstate(divide="ignore", invalid="ignore"):
        q = -inv / np.outer(d, d)
    off = ~np.eye(r.shape[0], dtype=bool)
    r2 = np.where(off, r**2, 0.0)
    q2 = np.where(off, q**2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_item = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
        overall = r2.sum() / (r2.sum() + q2.sum())
    return float(overall), pd.Series(per_item, index=corr.index.copy(), name="msa")


def bartlett_sphericity(corr: pd.DataFrame, n_obs: int) -> dict[str, float | int]:
    """Bartlett's test that the item correlation matrix is the identity.

    Parameters
    ----------
    corr : pandas.DataFrame
        Item correlation matrix (p x p).
    n_obs : int
        Number of respondents.

    Returns
    -------
    dict
        ``{"chi2": ..., "df": p (p - 1) / 2, "p_value": ...}``. If the matrix is not positive
        definite (possible with pairwise deletion) chi2 and p_value are NaN and a warning is
        issued.

    Notes
    -----
    ``chi2 = -(n - 1 - (2p + 5) / 6) * log det R``, as R ``psych::cortest.bartlett``. psych,
    given raw data, takes ``n`` as the number of rows (respondents with missing answers
    included) and the pairwise correlation matrix: on bfi, n = 2,800 gives 20163.79 on 300 df,
    psych's value (checked in ``tests/test_factors.py``).
    """
    r = corr.to_numpy(dtype=float)
    p = r.shape[0]
    df = p * (p - 1) // 2
    sign, logdet = np.linalg.slogdet(r)
    if sign <= 0 or not np.isfinite(logdet):
        warnings.warn(
            "Bartlett's test is undefined: the correlation matrix is not positive definite",
            RuntimeWarning,
            stacklevel=2,
        )
        return {"chi2": float("nan"), "df": df, "p_value": float("nan")}
    statistic = -logdet * (n_obs - 1 - (2 * p + 5) / 6)
    return {"chi2": float(statistic), "df": df, "p_value": chi2_sf(df, statistic)}
