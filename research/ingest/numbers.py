"""Numbers from export cells: padded text, thousands separators and decimal commas."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["to_number"]

_GROUPED = re.compile(
    r"^[+-]?\d{1,3}(?:,\d{3})+$"
)  # 1,234: thousands, or 1.234 with a decimal comma
_DECIMAL_COMMA = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d*),\d+$")  # 3,5  1.234,5  ,5
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d*$|^[+-]?\d{1,3}(?:,\d{3}){2,}$")


def _comma_is_decimal(cells: pd.Series, hint: bool) -> bool:
    """Whether commas in these numbers are decimal marks (``3,5``) or thousands (``1,234``).

    Cells that can only be one reading decide; when every cell fits both (``12,500``), the
    file's convention decides (`hint`: a ``;``-delimited export is from a decimal-comma
    locale).
    """
    grouped = cells.str.match(_GROUPED)
    leading_zero = cells.str.match(r"^[+-]?0,")
    decimal = (cells.str.match(_DECIMAL_COMMA) & (~grouped | leading_zero)).any()
    thousands = cells.str.match(_THOUSANDS).any()
    if decimal != thousands:
        return bool(decimal)
    return hint


def to_number(values: pd.Series, *, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Numbers from text cells, and where a non-blank cell is not a number.

    Padded cells, thousands separators (``1,234``) and decimal commas (``3,5``, ``1.234,5``, as
    exports from decimal-comma locales write them) are read; which one a comma is, is judged per
    column (see :func:`_comma_is_decimal`; `decimal_comma` decides when the cells do not).
    """
    if values.dtype.kind in "fiub":
        num = values.to_numpy(dtype=float)
        return num, np.zeros(len(num), dtype=bool)
    num = np.array(pd.to_numeric(values, errors="coerce"), dtype=float)
    fail = np.isnan(num)
    if fail.any():  # only the cells the fast path could not read are cleaned
        raw = values.to_numpy(dtype=object)[fail]
        cleaned = pd.Series(raw, dtype=object).where(pd.notna(raw), "").astype(str).str.strip()
        has_comma = cleaned.str.contains(",", regex=False)
        if has_comma.any() and _comma_is_decimal(cleaned[has_comma], decimal_comma):
            fixed = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            fixed = cleaned.str.replace(",", "", regex=False)
        again = pd.to_numeric(fixed, errors="coerce")
        num[fail] = again.to_numpy(dtype=float)
        bad = np.zeros(len(num), dtype=bool)
        bad[fail] = np.isnan(again.to_numpy(dtype=float)) & (cleaned != "").to_numpy()
        return num, bad
    return num, np.zeros(len(num), dtype=bool)
