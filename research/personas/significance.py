"""Significance tests for segment profile tables, the way banner tables show them.

Two families of tests, both on (optionally weighted) means and proportions:

* **each segment against the rest** of the sample: a t-test for means, a two-proportion z-test
  for shares; the p-values of a whole table are corrected together (Holm or
  Benjamini–Hochberg) and a significant result is marked ``higher`` or ``lower``;
* **column letters** between segments (A = segment 1, B = segment 2, …): a cell carries the
  letter of every segment it is significantly *higher* than, pairwise tests corrected within
  each row — the convention of Q, Displayr and SPSS Custom Tables.

Weights are sampling weights: means and shares are weighted, and each group's sample size is
Kish's effective size ``(Σw)² / Σw²``, so a heavily weighted segment is tested on the
information it really holds. With no weights (or constant weights) every formula reduces to
the textbook unweighted test.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError, suggest

__all__ = [
    "CORRECTIONS",
    "TEST_COLUMNS",
    "adjust_pvalues",
    "column_letter",
    "segment_tests",
]

#: Multiple-comparison corrections: Holm (family-wise error), Benjamini–Hochberg (false
#: discovery rate), or none.
CORRECTIONS = ("holm", "bh", "none")
KINDS = ("mean", "proportion")

#: Columns of :func:`segment_tests`, in order.
TEST_COLUMNS = [
    "variable",
    "segment",
    "letter",
    "kind",
    "n",
    "n_effective",
    "value",
    "rest",
    "total",
    "statistic",
    "p_value",
    "p_adjusted",
    "sig",
    "letters",
]


def column_letter(position: int) -> str:
    """Banner letter of the 0-based column ``position``: A..Z, then AA, AB, …"""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def adjust_pvalues(pvalues: object, method: str = "holm") -> np.ndarray:
    """Correct p-values for multiple comparisons; NaNs are kept and not counted.

    Parameters
    ----------
    pvalues : array-like of float
    method : {"holm", "bh", "none"}
        Holm's step-down (controls the family-wise error) or Benjamini–Hochberg's step-up
        (controls the false discovery rate).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same shape, capped at 1.

    Notes
    -----
    Same results as R ``p.adjust(p, "holm")`` and ``p.adjust(p, "BH")``; checked against
    textbook examples and :func:`scipy.stats.false_discovery_control`.
    """
    if method not in CORRECTIONS:
        raise DataError(
            f"correction must be one of {list(CORRECTIONS)}, got {method!r}"
            + suggest(str(method), CORRECTIONS)
        )
    p = np.asarray(pvalues, dtype=float)
    out = p.copy()
    flat, res = p.ravel(), out.ravel()
    ok = np.flatnonzero(np.isfinite(flat))
    m = ok.size
    if method == "none" or m == 0:
        return out
    order = ok[np.argsort(flat[ok], kind="stable")]
    ranked = flat[order]
    if method == "holm":
        adjusted = np.maximum.accumulate((m - np.arange(m)) * ranked)
    else:  # Benjamini–Hochberg
        adjusted = np.minimum.accumulate((m * ranked / np.arange(1, m + 1))[::-1])[::-1]
    res[order] = np.minimum(adjusted, 1.0)
    return out


# ---------------------------------------------------------------------------------------------
# sums per group: everything a weighted t- or z-test needs
# ---------------------------------------------------------------------------------------------


def _moments(s0: np.ndarray, s0sq: np.ndarray, s1: np.ndarray, s2: np.ndarray):
    """Weighted mean, unbiased (reliability-weighted) variance and Kish effective size."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / s0
        n_eff = s0**2 / s0sq
        pop_var = np.maximum(s2 / s0 - mean**2, 0.0)
        var = pop_var * n_eff / (n_eff - 1)
    return mean, var, n_eff


def _t_test(a, b, equal_var: bool):
    (ma, va, na), (mb, vb, nb) = a, b
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if equal_var:
            df = na + nb - 2
            se2 = ((na - 1) * va + (nb - 1) * vb) / df * (1 / na + 1 / nb)
        else:
            qa, qb = va / na, vb / nb
            se2 = qa + qb
            df = se2**2 / (qa**2 / (na - 1) + qb**2 / (nb - 1))
        diff = ma - mb
        t = diff / np.sqrt(se2)
        p = 2 * stats.t.sf(np.abs(t), df)
    flat = se2 == 0
    t = np.where(flat & (diff == 0), 0.0, t)
    p = np.where(flat, np.where(diff == 0, 1.0, 0.0), p)
    return t, p


def _z_test(a, b, pooled):
    (pa, _, na), (pb, _, nb) = a, b
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        diff = pa - pb
        z = diff / se
        p = 2 * stats.norm.sf(np.abs(z))
    flat = se == 0
    z = np.where(flat & (diff == 0), 0.0, z)
    p = np.where(flat, np.where(diff == 0, 1.0, 0.0), p)
    return z, p


def _compare(sa, sb, is_prop, equal_var):
    """Test group sums ``sa`` against ``sb`` (tuples s0, s0sq, s1, s2), per column."""
    a, b = _moments(*sa), _moments(*sb)
    t, pt = _t_test(a, b, equal_var)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (sa[2] + sb[2]) / (sa[0] + sb[0])
    z, pz = _z_test(a, b, pooled)
    return np.where(is_prop, z, t), np.where(is_prop, pz, pt)


def _kinds(data: pd.DataFrame, kinds: Mapping[str, str] | None) -> np.ndarray:
    out = []
    for col in data.columns:
        kind = (kinds or {}).get(col)
        if kind is None:
            values = data[col].dropna()
            kind = "proportion" if values.isin([0, 1]).all() and len(values) else "mean"
        elif kind not in KINDS:
            raise DataError(
                f"kind of {col!r} must be one of {list(KINDS)}, got {kind!r}"
                + suggest(str(kind), KINDS)
            )
        out.append(kind == "proportion")
    return np.array(out, dtype=bool)


def _weights(weights: pd.Series | None, index: pd.Index) -> np.ndarray:
    if weights is None:
        return np.ones(len(index))
    w = pd.to_numeric(weights.reindex(index), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        row = index[np.flatnonzero(bad)[0]]
        raise DataError("weights must be finite and not negative", row=row, column="weight")
    return w


def segment_tests(
    data: pd.DataFrame,
    segments: pd.Series,
    *,
    kinds: Mapping[str, str] | None = None,
    weights: pd.Series | None = None,
    correction: str = "bh",
    alpha: float = 0.05,
    equal_var: bool = False,
    min_n: int = 10,
) -> pd.DataFrame:
    """Test every column of ``data`` in every segment against the rest and pairwise.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents (rows, indexed by respondent id) by variables: scores or codes for means,
        0/1 indicators (NaN = not asked) for proportions.
    segments : pandas.Series
        Segment per respondent id; respondents without a segment are left out.
    kinds : mapping, optional
        Column -> ``"mean"`` or ``"proportion"``; by default a column holding only 0 and 1 is
        a proportion.
    weights : pandas.Series, optional
        Sampling weight per respondent id.
    correction : {"bh", "holm", "none"}
        Correction of the segment-vs-rest p-values over the whole table, and of the pairwise
        p-values within each row.
    alpha : float
        Significance level after correction.
    equal_var : bool
        Pooled-variance (Student) t-test instead of Welch's.
    min_n : int
        Smallest unweighted base of each group for a test; smaller bases are not tested (NaN).

    Returns
    -------
    pandas.DataFrame
        One row per (variable, segment), columns :data:`TEST_COLUMNS`: ``value`` (segment mean
        or share), ``rest`` (everyone else), ``total``; ``statistic`` (t or z) and ``p_value`` of
        segment vs rest, ``p_adjusted``; ``sig`` is ``"higher"``, ``"lower"`` or ``""``;
        ``letters`` lists the segments this one is significantly higher than.

    Raises
    ------
    DataError
        Bad ``correction`` or ``kinds``, ``alpha`` outside (0, 1), or negative / missing
        weights of segmented respondents.

    Notes
    -----
    Unweighted, the t-test equals :func:`scipy.stats.ttest_ind` (Welch, or Student with
    ``equal_var=True``) and the z-test the pooled two-proportion z-test (z² equals the
    Pearson χ² of the 2×2 table, :func:`scipy.stats.chi2_contingency` without continuity
    correction); checked in ``tests/test_personas_significance.py``. Weighted: weighted means
    and shares, reliability-weighted variances and Kish effective sample sizes.
    """
    if correction not in CORRECTIONS:
        raise DataError(
            f"correction must be one of {list(CORRECTIONS)}, got {correction!r}"
            + suggest(str(correction), CORRECTIONS)
        )
    if not 0 < alpha < 1:
        raise DataError(f"alpha must be between 0 and 1, got {alpha!r}")
    seg = segments.reindex(data.index)
    keep = seg.notna().to_numpy()
    frame = data.loc[keep]
    seg = seg[keep]
    labels = sorted(seg.unique())
    is_prop = _kinds(frame, kinds)
    w = _weights(weights, frame.index)

    x = frame.to_numpy(dtype=float)
    present = np.isfinite(x)
    center = np.zeros(x.shape[1])
    if len(x) and (~is_prop).any():
        # Centre mean-type columns on their overall mean so Σw·x² does not lose digits.
        with np.errstate(invalid="ignore"):
            center[~is_prop] = np.nanmean(x[:, ~is_prop], axis=0)
    center = np.nan_to_num(center)
    xc = np.where(present, x - center, 0.0)
    groups = pd.Categorical(seg, categories=labels).codes
    onehot = np.zeros((len(x), len(labels)))
    onehot[np.arange(len(x)), groups] = 1.0
    wm = w[:, None] * present
    sums = (
        onehot.T @ wm,
        onehot.T @ (w[:, None] ** 2 * present),
        onehot.T @ (wm * xc),
        onehot.T @ (wm * xc**2),
    )
    counts = onehot.T @ present.astype(float)
    totals = tuple(s.sum(axis=0) for s in sums)
    rest = tuple(t - s for t, s in zip(totals, sums, strict=True))
    k = len(labels)

    stat, p = _compare(sums, rest, is_prop, equal_var)
    small = (counts < min_n) | ((counts.sum(axis=0) - counts) < min_n)
    stat, p = np.where(small, np.nan, stat), np.where(small, np.nan, p)
    p_adj = adjust_pvalues(p, correction)

    mean, _, n_eff = _moments(*sums)
    rest_mean = _moments(*rest)[0]
    total_mean = _moments(*totals)[0]
    mean, rest_mean, total_mean = mean + center, rest_mean + center, total_mean + center

    letters = _pairwise_letters(sums, counts, mean, is_prop, equal_var, correction, alpha, min_n)
    sig = np.where(p_adj < alpha, np.where(mean > rest_mean, "higher", "lower"), "")
    variables = list(frame.columns)
    out = pd.DataFrame(
        {
            "variable": np.repeat(variables, k),
            "segment": np.tile(labels, len(variables)),
            "letter": np.tile([column_letter(i) for i in range(k)], len(variables)),
            "kind": np.repeat(np.where(is_prop, "proportion", "mean"), k),
            "n": counts.T.ravel().astype(int),
            "n_effective": n_eff.T.ravel(),
            "value": mean.T.ravel(),
            "rest": rest_mean.T.ravel(),
            "total": np.repeat(total_mean, k),
            "statistic": stat.T.ravel(),
            "p_value": p.T.ravel(),
            "p_adjusted": p_adj.T.ravel(),
            "sig": sig.T.ravel(),
            "letters": letters.T.ravel(),
        }
    )
    return out


def _pairwise_letters(sums, counts, mean, is_prop, equal_var, correction, alpha, min_n):
    """(K, p) array of letter strings: segments each cell is significantly higher than."""
    k, p = mean.shape
    beaten: list[list[list[int]]] = [[[] for _ in range(p)] for _ in range(k)]
    if k >= 2:
        ia, ib = np.triu_indices(k, 1)
        _, pv = _compare(tuple(s[ia] for s in sums), tuple(s[ib] for s in sums), is_prop, equal_var)
        pv = np.where((counts[ia] < min_n) | (counts[ib] < min_n), np.nan, pv)
        # Correct within each row of the table (one variable = one column of pv).
        adj = np.column_stack([adjust_pvalues(pv[:, j], correction) for j in range(p)])
        for pair, (a, b) in enumerate(zip(ia, ib, strict=True)):
            for j in np.flatnonzero(adj[pair] < alpha):
                hi, lo = (a, b) if mean[a, j] > mean[b, j] else (b, a)
                beaten[hi][j].append(int(lo))
    out = np.empty((k, p), dtype=object)
    for i in range(k):
        for j in range(p):
            out[i, j] = "".join(column_letter(lo) for lo in sorted(beaten[i][j]))
    return out
