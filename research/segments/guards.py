"""Guards around a segmentation: indicators that must not define segments, and fits to doubt.

:func:`screen_indicators` drops columns that identify respondents rather than describe them
(ids, totals of other items, durations and timestamps, near-unique or near-constant columns);
:func:`model_warnings` states what a reader of the report must know about the chosen model
(K at the edge of the range searched, saturated posteriors, empty segments, failed checks).
Both return plain sentences, carried into the executive summary of the reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["screen_indicators", "model_warnings", "ID_WORDS", "TIME_WORDS", "TOTAL_WORDS"]

#: Name words that say "identifier", "time" or "total" (whole words of a column name, split at
#: punctuation, digits and camelCase: "ResponseId", "duration_s", "StartDate", "Q5_total").
ID_WORDS = frozenset("id ids uuid guid respondent responseid record case serial".split())
TIME_WORDS = frozenset(
    "duration seconds secs sec minutes mins timestamp time date start end submitted recorded "
    "started ended".split()
)
TOTAL_WORDS = frozenset("total sum score count".split())


def _words(name: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    return {w.lower() for w in re.split(r"[^A-Za-z]+", spaced) if w}


#: Most distinct answers a rating/choice indicator plausibly has; more is "near-unique".
MAX_CATEGORIES = 30
#: Share of answers in the most common category above which a column is near-constant.
NEAR_CONSTANT = 0.98


def _numeric(col: pd.Series) -> pd.Series:
    return pd.to_numeric(col, errors="coerce")


@dataclass(frozen=True)
class _Stats:
    """What the checks need to know of one column's answers (missing answers left out)."""

    n: int  # answers
    distinct: int  # distinct answers
    top: float  # share of the most common answer
    numbers: np.ndarray | None  # the answers as float64 if every one is a number, else None


def _number_stats(x: np.ndarray, exact: np.ndarray | None = None) -> _Stats:
    """:class:`_Stats` of a float64 column (NaN = missing), counted in NumPy: pandas' per-column
    value counts took 40 ms of a 1 s ``research segment`` run on 30 items. `exact`: the same
    answers as integers, counted instead when floats could merge them (beyond 2**53)."""
    v = x[~np.isnan(x)]
    if v.size == 0:
        return _Stats(0, 0, 0.0, v)
    lo, hi = v.min(), v.max()
    if max(-lo, hi) < 2**53 and hi - lo < 100_000 and not (v % 1).any():
        counts = np.bincount((v - lo).astype(np.int64))  # whole numbers: ratings, codes, counts
        counts = counts[counts > 0]
    else:
        counts = np.unique(v if exact is None else exact, return_counts=True)[1]
    return _Stats(v.size, counts.size, float(counts.max() / v.size), v)


def _column_stats(col: pd.Series) -> _Stats:
    kind = col.dtype.kind
    if kind in "iuf":
        exact = col.dropna().to_numpy() if kind in "iu" else None
        return _number_stats(col.to_numpy(dtype=np.float64, na_value=np.nan), exact)
    values = col.dropna()
    if values.empty:
        return _Stats(0, 0, 0.0, None)
    num = _numeric(values)
    top = values.value_counts(normalize=True).iloc[0]
    numbers = num.to_numpy(dtype=np.float64) if num.notna().all() else None
    return _Stats(len(values), int(values.nunique()), float(top), numbers)


class _Items:
    """The candidates as numbers, with what a total check needs, computed once for all."""

    def __init__(self, data: pd.DataFrame) -> None:
        self.stats = [_column_stats(data.iloc[:, j]) for j in range(data.shape[1])]
        self.columns = list(data.columns)
        # Each column as float64 (text coerced, NaN where not a number), column-major.
        self.nums = np.empty((len(self.columns), len(data)))
        distinct = np.empty(len(self.columns))
        share = np.empty(len(self.columns))
        for j in range(len(self.columns)):
            col, stats = data.iloc[:, j], self.stats[j]
            if col.dtype.kind in "iuf":
                self.nums[j] = col.to_numpy(dtype=np.float64, na_value=np.nan)
                distinct[j] = stats.distinct
            else:
                self.nums[j] = _numeric(col).to_numpy(dtype=np.float64, na_value=np.nan)
                distinct[j] = _number_stats(self.nums[j]).distinct
            share[j] = np.mean(~np.isnan(self.nums[j])) if len(data) else 0.0
        self.distinct = distinct
        # Only item-like columns can be summed into a total (not ids, times or other totals).
        self.itemlike = (share > 0.5) & (distinct <= MAX_CATEGORIES)


def _reason(j: int, name, col: pd.Series, items: _Items, *, continuous: bool) -> str | None:
    """Why column `j` (named `name`) must not be an indicator, or None."""
    stats = items.stats[j]
    n = stats.n
    if n == 0:
        return "has no answers"
    if pd.api.types.is_datetime64_any_dtype(col):
        return "holds dates/times"
    if stats.top >= NEAR_CONSTANT:
        return f"is near-constant ({stats.top:.0%} give the same answer)"
    num = stats.numbers
    distinct = stats.distinct
    # Fractional numbers are scores or measurements (factor scores, a profile basis): many
    # distinct values are expected there; ids and codes are whole numbers or text.
    with np.errstate(invalid="ignore"):  # inf % 1 is NaN: not whole, as pandas says
        continuous = continuous or bool(num is not None and (num % 1 != 0).any())
    if num is not None and n >= 10:
        steps = np.diff(num)
        whole = not continuous
        if whole and distinct == n and (np.all(steps > 0) or np.all(steps < 0)):
            return "is a monotone sequence (an id or a row number)"
        if np.abs(num).max() > 1e8:
            return "holds timestamps (values above 10^8)"
    words = _words(str(name))
    if words & ID_WORDS and distinct >= 0.9 * n:
        return "is named and behaves like an id"
    if words & TIME_WORDS and distinct > MAX_CATEGORIES:
        return "is a duration or time"
    if not continuous and distinct > MAX_CATEGORIES:
        return f"is near-unique ({distinct} distinct values in {n} answers)"
    if continuous and distinct >= 0.99 * n and words & ID_WORDS:
        return "is near-unique"
    total = _total_of(j, items, named=bool(words & TOTAL_WORDS))
    if total:
        return f"is the total of {total}"
    return None


def _total_of(j: int, items: _Items, *, named: bool = False) -> str | None:
    """The other columns column `j` sums (or averages) almost exactly, as text; None if not a
    total."""
    col = items.nums[j]
    keep = items.itemlike.copy()
    keep[j] = False
    answered = ~np.isnan(col)
    if keep.sum() < 2 or answered.sum() < 10:
        return None
    if not named and items.distinct[j] <= items.distinct[keep].max():
        return None  # a total or mean takes more distinct values than any item it sums
    others = items.nums[keep][:, answered]
    rest = np.where(np.isnan(others).all(axis=0), np.nan, np.nansum(others, axis=0))
    both = ~np.isnan(rest)
    x, y = col[answered][both], rest[both]
    if both.sum() < 10 or x.std() == 0 or y.std() == 0:
        return None
    r = float(np.corrcoef(x, y)[0, 1])
    # A total (or mean) of the other items correlates almost perfectly with their sum, far above
    # what any one item of a scale does with the rest (corrected item-total r is rarely > 0.9).
    if r < (0.9 if named else 0.97):
        return None
    names = [c for c, k in zip(items.columns, keep, strict=True) if k]
    shown = names[:3] + (["..."] if len(names) > 3 else [])
    return "the other items (" + ", ".join(map(str, shown)) + f"; r = {r:.3f})"


def screen_indicators(
    data: pd.DataFrame, *, continuous: bool = False, named: bool = False
) -> tuple[list[str], list[str]]:
    """Columns fit to be segmentation indicators, and one sentence per column dropped.

    Parameters
    ----------
    data : pd.DataFrame
        Candidate indicators (respondents by columns).
    continuous : bool
        The columns are scores (factor scores): many distinct values are expected there.
    named : bool
        The user named these columns explicitly (the error then says so).

    Returns
    -------
    kept : list of str
    warnings : list of str
        E.g. ``"'duration_s' was not used to segment: it is a duration or time."``

    Raises
    ------
    DataError
        When no column is left.
    """
    kept, warnings = [], []
    items = _Items(data)
    for j, name in enumerate(data.columns):
        why = _reason(j, name, data.iloc[:, j], items, continuous=continuous)
        if why is None:
            kept.append(name)
        else:
            warnings.append(f"'{name}' was not used to segment: it {why}.")
    if not kept:
        who = "the items named in segments.items" if named else "the candidate indicators"
        raise DataError(
            f"nothing left to segment on: {who} are ids, totals, times or near-unique/constant "
            f"columns ({'; '.join(w.split(': ', 1)[1].rstrip('.') for w in warnings[:2])})"
        )
    return kept, warnings


def model_warnings(
    fit_table: pd.DataFrame,
    k: int,
    posteriors: pd.DataFrame,
    scorecard: pd.DataFrame | None = None,
    *,
    k_min: int,
    k_max: int,
    min_share: float = 0.03,
    item_probabilities: pd.DataFrame | None = None,
) -> list[str]:
    """Sentences a reader must see before trusting the chosen segmentation.

    Parameters
    ----------
    fit_table : pd.DataFrame
        The sweep's table (``k``, ``bic``).
    k : int
        K chosen.
    posteriors : pd.DataFrame
        Posterior probabilities (respondents by segments).
    scorecard : pd.DataFrame, optional
        The whole-solution scorecard (``criterion, status, detail``).
    k_min, k_max : int
        The range searched.
    min_share : float
        Smallest share a segment should hold.
    item_probabilities : pd.DataFrame, optional
        LCA ``item_probabilities_`` (column ``probability``), for boundary solutions.
    """
    out: list[str] = []
    bic = fit_table.set_index("k")["bic"] if "bic" in fit_table else pd.Series(dtype=float)
    bic = pd.to_numeric(bic, errors="coerce").dropna()
    if k_max > k_min and k == k_max:
        still = len(bic) >= 2 and k in bic and bic.drop(k).min() > bic[k]
        out.append(
            f"K = {k} is the largest number of segments tried"
            + ("; the criterion (BIC) still improves there" if still else "")
            + ", so more segments may fit: raise segments.k_max and compare."
        )
    elif k_max > k_min and k == k_min and k_min > 2:
        out.append(
            f"K = {k} is the smallest number of segments tried; fewer may fit: lower "
            "segments.k_min and compare."
        )
    post = posteriors.to_numpy(dtype=float)
    if post.size and post.shape[1] > 1:
        top = post.max(axis=1)
        saturated = float(np.mean(top > 1 - 1e-9))
        if saturated >= 0.99 and float(np.min(post)) < 1e-100:
            out.append(
                f"Degenerate fit: {saturated:.0%} of respondents are assigned with certainty "
                "(posterior 1.000, others near 1e-100 or below). Segments this sharp usually "
                "mean an indicator nearly identifies them (an id, total, date or a near-unique "
                "column), or too few respondents for the model: check the basis."
            )
        shares = np.bincount(post.argmax(axis=1), minlength=post.shape[1])
        shares = shares / max(len(post), 1)
        tiny = [i + 1 for i, s in enumerate(shares) if s < max(min_share, 0.01)]
        if tiny:
            listed = ", ".join(f"{s} ({shares[s - 1]:.1%})" for s in tiny)
            out.append(
                f"Segment(s) {listed} hold almost no respondents: the model has an empty or "
                "near-empty class; treat those personas as unreliable."
            )
    if item_probabilities is not None and len(item_probabilities):
        p = item_probabilities["probability"].to_numpy(dtype=float)
        boundary = float(np.mean((p < 1e-6) | (p > 1 - 1e-6)))
        if boundary >= 0.25:
            out.append(
                f"Boundary solution: {boundary:.0%} of the answer probabilities are 0 or 1; "
                "segments are defined by answers nobody (or everybody) in them gave."
            )
    if scorecard is not None and len(scorecard):
        for r in scorecard.to_dict("records"):
            if str(r.get("status", "")).lower() == "fail":
                detail = str(r.get("detail") or "").strip()
                out.append(
                    f"Scorecard: the segmentation fails '{r['criterion']}'"
                    + (f" ({detail})" if detail else "")
                    + "."
                )
    return out
