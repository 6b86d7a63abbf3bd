"""Turn answer text into numeric codes using each item's scale or choices."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import RecodeError
from ..questionnaire import Item, Questionnaire

__all__ = ["recode_item", "reverse_key"]


def _fold(value: str) -> str:
    return " ".join(str(value).lower().split())


def recode_item(
    values: pd.Series,
    item: Item,
    q: Questionnaire,
    *,
    lenient: bool = False,
    path: str | None = None,
    column: str | None = None,
) -> pd.DataFrame:
    """Codes for one item's answers.

    Labels are matched case- and whitespace-insensitively; answers that are already a valid
    code (numeric-value exports) are kept. Multiple-choice answers (choices joined with ``,``
    as Qualtrics writes them) become one 0/1 column per option.

    Returns
    -------
    pd.DataFrame
        One column (``item.id``) or one per option (``<item>_<code>``), float, NaN for blank.

    Raises
    ------
    RecodeError
        An answer is not a label or code of the item (unless `lenient`, which sets it missing).
        The message names the row (respondent id), column and the offending value.
    """
    blank = values.isna() | (values.astype(str).str.strip() == "")
    if item.type == "numeric":
        num = pd.to_numeric(values.where(~blank), errors="coerce")
        bad = num.isna() & ~blank
        if item.min is not None:
            bad |= num < item.min
        if item.max is not None:
            bad |= num > item.max
        _complain(values, bad, item, "not a number in range", lenient, path, column)
        return pd.DataFrame({item.id: num.where(~bad)}, index=values.index)
    options = q.options(item)
    lookup = {_fold(c.label): c.code for c in options}
    lookup.update({str(c.code): c.code for c in options})
    if item.type == "multi":
        out = pd.DataFrame(
            0.0, index=values.index, columns=[f"{item.id}_{c.code}" for c in options]
        )
        labels = sorted(lookup, key=len, reverse=True)
        bad = pd.Series(False, index=values.index)
        for rid, cell in values[~blank].items():
            rest = _fold(cell)
            for lab in labels:  # longest first, so labels containing commas survive
                if lab and lab in rest and not lab.isdigit():
                    out.loc[rid, f"{item.id}_{lookup[lab]}"] = 1.0
                    rest = rest.replace(lab, "")
            leftover = [p for p in (x.strip() for x in rest.split(",")) if p]
            for p in leftover:
                if p in lookup:
                    out.loc[rid, f"{item.id}_{lookup[p]}"] = 1.0
                else:
                    bad[rid] = True
        _complain(values, bad, item, "has an option not in the choice list", lenient, path, column)
        out[blank] = np.nan
        return out
    codes = values.map(lambda v: lookup.get(_fold(v), np.nan) if isinstance(v, str) else np.nan)
    bad = codes.isna() & ~blank
    _complain(values, bad, item, "is not a label or code of its scale", lenient, path, column)
    return pd.DataFrame({item.id: codes.astype(float)}, index=values.index)


def _complain(values, bad, item, what, lenient, path, column) -> None:
    if bad.any() and not lenient:
        rid = bad.idxmax()
        raise RecodeError(
            f"answer {values[rid]!r} to item {item.id!r} {what} "
            f"({int(bad.sum())} such answers; use lenient to set them missing)",
            path=path,
            row=rid,
            column=column or item.id,
        )


def reverse_key(codes: pd.Series, item: Item, q: Questionnaire) -> pd.Series:
    """Reverse a reverse-keyed item's codes within its scale (min + max - code)."""
    if not item.reverse:
        return codes
    scale = [c.code for c in q.options(item)]
    return min(scale) + max(scale) - codes
