"""Bring a segment scorecard (the seven-part test) into one long shape for the reports.

The segmentation stage scores each segment on the seven-part test of a good segment
(identifiable, substantial, accessible, stable, differentiable, actionable, measurable).
Reports accept its table in any of three common shapes and turn it into
``segment, criterion, verdict, status, detail``:

* long: one row per segment and criterion (``segment, criterion, verdict[, detail]``);
* wide: one row per segment, one column per criterion (optionally ``<criterion>_detail``);
* transposed: one row per criterion, one column per segment.

``status`` is ``pass``, ``caution``, ``fail`` or ``info`` (a number or free text with no
verdict word), so every writer colours verdicts the same way.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..errors import DataError
from .model import SCORECARD_CRITERIA

__all__ = ["SCORECARD_COLUMNS", "STATUSES", "normalise_scorecard", "verdict_status"]

SCORECARD_COLUMNS = ["segment", "criterion", "verdict", "status", "detail"]
STATUSES = ("pass", "caution", "fail", "info")

_WORDS = {
    "pass": {"pass", "passed", "passes", "yes", "ok", "good", "strong", "met", "true", "green"},
    "caution": {
        "caution",
        "warn",
        "warning",
        "borderline",
        "partial",
        "partly",
        "moderate",
        "amber",
        "review",
        "marginal",
    },
    "fail": {"fail", "failed", "fails", "no", "poor", "false", "red", "unmet"},
}
_SYMBOLS = {"\u2713": "pass", "\u2714": "pass", "\u2717": "fail", "\u2718": "fail", "~": "caution"}
_CRITERION_COLS = ("criterion", "test", "check", "dimension", "part")
_VERDICT_COLS = ("verdict", "status", "result", "passed", "pass", "ok", "rating", "score", "value")
_DETAIL_COLS = ("detail", "evidence", "reason", "note", "comment", "metric", "explanation")


def verdict_status(value: object) -> str:
    """``pass``, ``caution``, ``fail`` or ``info`` for a verdict cell (bool, number or text)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "info"
    if isinstance(value, bool | np.bool_):
        return "pass" if value else "fail"
    if isinstance(value, numbers.Number):
        return {1: "pass", 0: "fail"}.get(value, "info")  # type: ignore[call-overload]
    text = str(value).strip().lower()
    if text[:1] in _SYMBOLS:
        return _SYMBOLS[text[:1]]
    first = text.replace(":", " ").replace("-", " ").replace(",", " ").split()
    for status, words in _WORDS.items():
        if first and first[0] in words:
            return status
    return "info"


def _display(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "pass" if value else "fail"
    return value


def _criterion(name: object) -> str:
    return " ".join(str(name).replace("_", " ").split()).lower()


def _pick(columns, names) -> str | None:
    lower = {str(c).strip().lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _segment(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return pd.NA
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return pd.NA  # "all", "solution": a whole-solution row


def _long(frame: pd.DataFrame) -> pd.DataFrame:
    crit = _pick(frame.columns, _CRITERION_COLS)
    verdict = _pick(frame.columns, _VERDICT_COLS)
    if crit is None or verdict is None:
        raise DataError(
            "scorecard needs a criterion column and a verdict column, got columns "
            f"{[str(c) for c in frame.columns]}"
        )
    detail = _pick(frame.columns, _DETAIL_COLS)
    return pd.DataFrame(
        {
            "segment": frame["segment"].map(_segment),
            "criterion": frame[crit].map(_criterion),
            "verdict": frame[verdict],
            "detail": frame[detail] if detail is not None else "",
        }
    )


def _wide(frame: pd.DataFrame, criteria: list) -> pd.DataFrame:
    rows = []
    names = {str(c).strip().lower(): c for c in frame.columns}
    for seg, record in frame.iterrows():
        for col in criteria:
            key = _criterion(col)
            detail_col = names.get(f"{key}_detail") or names.get(f"{key} detail")
            rows.append(
                {
                    "segment": _segment(seg),
                    "criterion": key,
                    "verdict": record[col],
                    "detail": record[detail_col] if detail_col is not None else "",
                }
            )
    return pd.DataFrame(rows)


def normalise_scorecard(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as ``segment, criterion, verdict, status, detail``, criteria in order.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        Long, wide or transposed (see the module docstring). Segments are integers; a row
        whose segment is not a number (``"all"``) is kept with segment NA (whole solution).

    Returns
    -------
    pandas.DataFrame
        Sorted by segment (NA last) then criterion in the seven-part order (others after).

    Raises
    ------
    DataError
        If no segment / criterion structure can be found.
    """
    frame = scorecard.copy()
    if frame.index.name == "segment" or (
        "segment" not in frame.columns and _pick(frame.columns, _CRITERION_COLS) is not None
    ):
        frame = frame.reset_index()
    known = set(SCORECARD_CRITERIA)
    if "segment" in frame.columns and _pick(frame.columns, _CRITERION_COLS) is not None:
        long = _long(frame)
    elif any(_criterion(c) in known for c in frame.columns):
        if "segment" in frame.columns:
            frame = frame.set_index("segment")
        long = _wide(frame, [c for c in frame.columns if _criterion(c) in known])
    elif any(_criterion(i) in known for i in frame.index):
        long = _wide(frame.T, [i for i in frame.index if _criterion(i) in known])
    else:
        raise DataError(
            "scorecard must have a segment column with criterion and verdict columns, or "
            f"columns named after the criteria {list(SCORECARD_CRITERIA)}"
        )
    long["status"] = long["verdict"].map(verdict_status)
    long["verdict"] = long["verdict"].map(_display)
    long["detail"] = long["detail"].fillna("").astype(str)
    order = {c: i for i, c in enumerate(SCORECARD_CRITERIA)}
    long["_c"] = long["criterion"].map(lambda c: order.get(c, len(order)))
    long["segment"] = long["segment"].astype("Int64")
    long = long.sort_values(["segment", "_c", "criterion"], na_position="last", kind="stable")
    return long[SCORECARD_COLUMNS].reset_index(drop=True)
