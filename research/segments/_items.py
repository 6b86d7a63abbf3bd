"""Turning a DataFrame of categorical answers into integer codes, and back into tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError, suggest

__all__ = ["learn_categories", "encode_items", "select_items", "category_labels"]


def select_items(frame: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """The columns `items` of `frame`, with a clear error for any that are missing."""
    missing = [i for i in items if i not in frame.columns]
    if missing:
        raise DataError(
            f"items {missing} are not columns of the data"
            + suggest(str(missing[0]), map(str, frame.columns)),
            column=str(missing[0]),
        )
    return frame[items]


def _numeric(frame: pd.DataFrame) -> bool:
    """True when every column holds numbers (then columns are read as float arrays)."""
    return all(
        pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in frame.dtypes
    )


def _column(frame: pd.DataFrame, j: int) -> np.ndarray:
    return frame.iloc[:, j].to_numpy(dtype=float, na_value=np.nan)


def _integer_codes(values: np.ndarray) -> bool:
    return (
        bool(len(values))
        and np.array_equal(values, np.round(values))
        and (values.max() - values.min() < 10_000)
    )


def learn_categories(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Sorted observed answers of each item; an item needs at least two."""
    cats = {}
    numeric = _numeric(frame)
    for j, col in enumerate(frame.columns):
        if numeric:
            values = _column(frame, j)
            values = values[~np.isnan(values)]
            if _integer_codes(values):
                # Integer codes: counting is much faster than sorting.
                low = values.min()
                uniq = low + np.flatnonzero(np.bincount((values - low).astype(np.int64)))
            else:
                uniq = np.unique(values)
        else:
            try:
                uniq = np.sort(np.asarray(pd.unique(frame[col].dropna())))
            except TypeError:
                raise DataError(
                    "answers mix numbers and text; recode the item first", column=str(col)
                ) from None
        if len(uniq) < 2:
            raise DataError(
                f"item has {len(uniq)} distinct answer(s) {category_labels(uniq)}; a latent "
                "class model needs items that vary (drop it)",
                column=str(col),
            )
        cats[str(col)] = uniq
    return cats


def encode_items(frame: pd.DataFrame, categories: dict[str, np.ndarray]) -> np.ndarray:
    """Integer codes ``0..C-1`` per item (int8 when they fit), ``-1`` for a missing answer.

    Raises DataError naming the column and respondent of an answer not seen when fitting.
    """
    widest = max((len(c) for c in categories.values()), default=0)
    codes = np.full(frame.shape, -1, dtype=np.int8 if widest < 127 else np.int32)
    numeric = _numeric(frame)
    for j, (name, cats) in enumerate(categories.items()):
        if numeric:
            col = _column(frame, j)
            seen = ~np.isnan(col)
        else:
            col = frame.iloc[:, j].to_numpy()
            seen = frame.iloc[:, j].notna().to_numpy()
        vals = col[seen]
        numeric_cats = np.issubdtype(np.asarray(cats).dtype, np.number)
        if numeric and numeric_cats and _is_run(cats):
            # Consecutive integer categories: the code is an offset.
            pos = vals - cats[0]
            bad = (pos < 0) | (pos >= len(cats)) | (pos != np.round(pos))
            pos = np.where(bad, 0, pos).astype(np.int64)
        else:
            try:
                pos = np.minimum(np.searchsorted(cats, vals), len(cats) - 1)
                bad = cats[pos] != vals
            except TypeError:
                bad = np.array([v not in set(cats) for v in vals])
                pos = np.zeros(len(vals), dtype=np.int64)
        if bad.any():
            first = int(np.flatnonzero(seen)[np.argmax(bad)])
            raise DataError(
                f"answer {_plain(vals[np.argmax(bad)])!r} is not one of the categories seen "
                f"when the model was fitted {[_plain(c) for c in cats]}",
                column=name,
                row=frame.index[first],
            )
        codes[seen, j] = pos
    return codes


def _is_run(cats: np.ndarray) -> bool:
    return bool(np.array_equal(cats, cats[0] + np.arange(len(cats))))


def _plain(value: object) -> object:
    """1.0 -> 1 for display; other values unchanged."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def category_labels(cats: np.ndarray) -> list[object]:
    return [_plain(c) for c in cats]
