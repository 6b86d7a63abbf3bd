"""Reliability: Cronbach's alpha (and alpha if dropped), McDonald's omega by Schmid-Leiman."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.factors._validation import numeric_items
from research.factors.extraction import HeywoodWarning, minres

__all__ = ["Omega", "alpha_if_dropped", "cronbach_alpha", "omega", "schmid_leiman"]


def cronbach_alpha(data: pd.DataFrame) -> float:
    """Cronbach's alpha of the items in ``data``, over listwise-complete respondents.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, numeric items in columns, all keyed in the same direction
        (reverse-keyed items must be reversed or negated first). Not modified.

    Returns
    -------
    float
        ``k / (k - 1) * (1 - sum(item variances) / variance(total))`` using only respondents who
        answered every item (listwise deletion) and variances with ``ddof=1``; NaN when there
        are fewer than 2 items or 2 complete respondents, or the total has no variance.

    Raises
    ------
    DataError
        If a column is non-numeric.

    Notes
    -----
    This is the "raw_alpha" of R ``psych::alpha`` on complete cases. On bfi the five
    neuroticism items give 0.81, psych's published value (checked in ``tests/test_factors.py``).
    """
    items = numeric_items(data).dropna(axis=0, how="any")
    return _alpha(items.to_numpy())


def _alpha(values: np.ndarray) -> float:
    """Cronbach's alpha of complete respondents x items ``values`` (see :func:`cronbach_alpha`)."""
    n, k = values.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = values.sum(axis=1).var(ddof=1)
    if not total_var > 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - values.var(axis=0, ddof=1).sum() / total_var))


def alpha_if_dropped(data: pd.DataFrame) -> pd.DataFrame:
    """Alpha of the remaining items when each item is dropped, and each item's item-rest r.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents x items keyed in the same direction. Not modified.

    Returns
    -------
    pandas.DataFrame
        Indexed by item: ``alpha_if_dropped`` (:func:`cronbach_alpha` of the other items, on the
        same listwise-complete respondents) and ``item_rest_r`` (correlation of the item with
        the sum of the others, psych's ``r.drop``).

    Notes
    -----
    psych::alpha's "Reliability if an item is dropped" (raw_alpha) and "r.drop" columns, on
    complete cases; checked against the alpha formula on the subsets in the tests.
    """
    items = numeric_items(data).dropna(axis=0, how="any")
    alphas, rest_r = _alpha_if_dropped(np.asfortranarray(items.to_numpy()))
    return pd.DataFrame(
        {"alpha_if_dropped": alphas, "item_rest_r": rest_r},
        index=pd.Index(list(items.columns), name="item"),
    )


def _alpha_if_dropped(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alpha without each item and each item's item-rest r, from complete ``values``.

    The same arithmetic as :func:`_alpha` on the remaining columns, without copying them: the
    rest's total is the total less the item, and its item variances are the others' (identical
    results for answer codes, whose sums are exact).
    """
    n, k = values.shape
    total = values.sum(axis=1)
    variances = values.var(axis=0, ddof=1) if n > 1 else np.full(k, np.nan)
    alphas, rest_r = np.full(k, np.nan), np.full(k, np.nan)
    for j in range(k):
        rest_sum = total - values[:, j]
        if n > 1:
            with np.errstate(invalid="ignore", divide="ignore"):
                rest_r[j] = np.corrcoef(values[:, j], rest_sum)[0, 1]
        if k > 2 and n > 1:
            rest_var = rest_sum.var(ddof=1)
            if rest_var > 0:
                share = np.delete(variances, j).sum() / rest_var
                alphas[j] = (k - 1) / (k - 2) * (1.0 - share)
    return alphas, rest_r


def _general_loadings(phi: np.ndarray) -> np.ndarray:
    """Loadings of the factors on the general factor, as ``psych::schmid`` finds them."""
    k = phi.shape[0]
    if k == 1:
        return np.ones(1)
    if k == 2:  # option="equal": two factors cannot identify g, psych sets equal loadings
        root = np.sqrt(abs(phi[0, 1]))
        return np.array([root, np.sign(phi[0, 1]) * root])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HeywoodWarning)
        return minres(phi, 1).loadings[:, 0]


def schmid_leiman(
    loadings: pd.DataFrame,
    phi: pd.DataFrame,
    communalities: pd.Series | None = None,
) -> pd.DataFrame:
    """Schmid-Leiman transformation of an oblique solution (``psych::schmid``).

    Parameters
    ----------
    loadings : pandas.DataFrame
        Oblique pattern loadings, items x factors.
    phi : pandas.DataFrame
        Their factor correlations.
    communalities : pandas.Series, optional
        ``h2`` per item; default ``diag(L phi L')`` (the extraction's communalities).

    Returns
    -------
    pandas.DataFrame
        Indexed by item: ``g`` (general factor loadings), ``<factor>*`` (residualised group
        factors), ``h2``, ``u2`` and ``p2`` (share of ``h2`` due to g).

    Notes
    -----
    psych's algorithm: the general factor is a one-factor minres fit of phi (three or more
    factors; with two, both load ``sqrt(phi12)``); item g loadings are ``L g``; group loadings
    are ``L * sqrt(1 - g^2)`` per factor.
    """
    lam = loadings.to_numpy(dtype=float)
    gload = _general_loadings(phi.to_numpy(dtype=float))
    general = lam @ gload
    group = lam * np.sqrt(np.maximum(1.0 - gload**2, 0.0))
    h2 = (
        np.einsum("ij,jk,ik->i", lam, phi.to_numpy(dtype=float), lam)
        if communalities is None
        else communalities.reindex(loadings.index).to_numpy(dtype=float)
    )
    table = pd.DataFrame(group, index=loadings.index.copy(), columns=[f"{c}*" for c in loadings])
    table.insert(0, "g", general)
    table["h2"] = h2
    table["u2"] = 1.0 - h2
    with np.errstate(invalid="ignore", divide="ignore"):
        table["p2"] = general**2 / h2
    return table


@dataclass(frozen=True, eq=False)
class Omega:
    """McDonald's omega coefficients of a set of items (``psych::omega``).

    Attributes
    ----------
    omega_hierarchical : float
        ``(sum g)^2 / V``: share of total-score variance due to the general factor.
    omega_total : float
        ``1 - sum(u2) / V``: share due to all common factors.
    omega_limit : float
        ``(sum g)^2 / (V - sum u2)`` (psych's ``omega.lim``).
    alpha : float
        Standardised alpha from the same correlation matrix.
    ecv : float
        Explained common variance of the general factor.
    schmid : pandas.DataFrame
        The Schmid-Leiman solution (:func:`schmid_leiman`), items flipped to positive g.
    groups : pandas.DataFrame
        Index ``"g"`` then each factor: ``total``, ``general``, ``group`` (psych's
        ``omega.group``; the ``g`` row holds omega total, omega hierarchical, and the group
        factors' share of the whole test).
    flipped : list of str
        Items reversed because they load negatively on g.
    """

    omega_hierarchical: float
    omega_total: float
    omega_limit: float
    alpha: float
    ecv: float
    schmid: pd.DataFrame
    groups: pd.DataFrame
    flipped: list[str]


def omega(
    corr: pd.DataFrame,
    loadings: pd.DataFrame,
    phi: pd.DataFrame,
    *,
    communalities: pd.Series | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> Omega:
    """Omega hierarchical and total from an oblique factor solution, as ``psych::omega``.

    Parameters
    ----------
    corr : pandas.DataFrame
        The correlation matrix that was factored.
    loadings, phi : pandas.DataFrame
        Oblique pattern loadings and factor correlations (psych uses oblimin).
    communalities : pandas.Series, optional
        Communalities of the extraction; default ``diag(L phi L')``.
    groups : mapping, optional
        Factor -> its items, for the per-factor (subscale) omegas; default psych's rule: each
        item belongs to the factor of its largest absolute Schmid-Leiman group loading.

    Returns
    -------
    Omega

    Notes
    -----
    Follows psych 2.2.9 ``omegah`` line by line: items with negative g loadings are flipped
    (``flip=TRUE``), ``V`` is the sum of the flipped correlation matrix, and for a subscale
    ``S`` of factor ``f``: ``total = ((sum_S f*)^2 + (sum_S g)^2) / V_S``,
    ``general = (sum_S g)^2 / V_S``, ``group = (sum_S f*)^2 / V_S``; the Schmid-Leiman step is
    psych's ``schmid`` (g from a one-factor fit of phi, group loadings ``L sqrt(1 - g^2)``).
    Checked on a population matrix built like ``psych::sim.hierarchical()`` (where omega is
    known exactly) in ``tests/test_factors_workbench.py``. Differences from ``psych::omega``
    by design: the oblique solution is the one fitted (psych re-fits with ``rotate="varimax"``
    and then rotates to oblimin, which reaches the same optimum), and per-factor groups passed
    by :func:`research.factors.fit_factors` leave out items whose largest loading is below 0.3,
    so they match the items of the alpha column. No published psych ``omega`` output on
    reproducible data was available to compare with.
    """
    sl = schmid_leiman(loadings, phi, communalities)
    names = list(loadings.index)
    r = corr.loc[names, names].to_numpy(dtype=float)
    key = np.sign(sl["g"].to_numpy())
    key[key == 0] = 1.0
    r = r * np.outer(key, key)
    factor_cols = ["g", *[f"{c}*" for c in loadings.columns]]
    sl.loc[:, factor_cols] = sl[factor_cols].to_numpy() * key[:, None]
    total_var = float(r.sum())
    p = len(names)
    gsum = float(sl["g"].sum())
    uniq = float(sl["u2"].sum())
    ev = (sl[factor_cols].to_numpy() ** 2).sum(axis=0)
    if groups is None:
        primary = sl[factor_cols[1:]].abs().to_numpy().argmax(axis=1)
        groups = {
            f: [n for n, j in zip(names, primary, strict=True) if j == i]
            for i, f in enumerate(loadings.columns)
        }
    rows, group_share = {}, 0.0
    position = {n: i for i, n in enumerate(names)}
    for factor in loadings.columns:
        members = [position[m] for m in groups.get(factor, []) if m in position]
        if not members:
            rows[factor] = (np.nan, np.nan, np.nan)
            continue
        v = float(r[np.ix_(members, members)].sum())
        gr = float(sl[f"{factor}*"].to_numpy()[members].sum())
        gg = float(sl["g"].to_numpy()[members].sum())
        group_share += gr**2
        rows[factor] = ((gr**2 + gg**2) / v, gg**2 / v, gr**2 / v)
    table = pd.DataFrame(
        [((total_var - uniq) / total_var, gsum**2 / total_var, group_share / total_var)]
        + list(rows.values()),
        index=pd.Index(["g", *rows], name="factor"),
        columns=["total", "general", "group"],
    )
    return Omega(
        omega_hierarchical=gsum**2 / total_var,
        omega_total=(total_var - uniq) / total_var,
        omega_limit=gsum**2 / (total_var - uniq),
        alpha=(total_var - p) / total_var * p / (p - 1),
        ecv=float(ev[0] / ev.sum()),
        schmid=sl,
        groups=table,
        flipped=[n for n, k in zip(names, key, strict=True) if k < 0],
    )
