"""Input checks shared by the factor-analysis modules.

Every check raises :class:`research.errors.DataError` naming the parameter or columns at fault,
what is allowed, and what was received; none uses ``assert``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research.errors import DataError, suggest

__all__ = ["check_choice", "numeric_items", "positive_int"]


def check_choice(name: str, value: object, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`DataError`.

    The message reads ``"<name> must be one of [...], got <value>"`` plus a did-you-mean hint.
    """
    if isinstance(value, str) and value in allowed:
        return value
    hint = suggest(value, allowed) if isinstance(value, str) else ""
    raise DataError(f"{name} must be one of {list(allowed)}, got {value!r}{hint}")


def positive_int(name: str, value: object, *, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer ``>= minimum``, else raise DataError."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise DataError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def numeric_items(data: object, *, what: str = "data") -> pd.DataFrame:
    """Return the item columns of ``data`` as a new float DataFrame.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, items in columns. Never modified.
    what : str
        How to call ``data`` in error messages.

    Returns
    -------
    pandas.DataFrame
        A float64 copy with the same index and column labels.

    Raises
    ------
    DataError
        If ``data`` is not a DataFrame, has no columns, has duplicate column labels, has
        non-numeric columns, or has infinite values (the columns at fault are named).
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame, got {type(data).__name__}")
    if data.shape[1] == 0:
        raise DataError(f"{what} has no item columns")
    duplicated = data.columns[data.columns.duplicated()].unique().tolist()
    if duplicated:
        raise DataError(f"{what} has duplicate column labels: {duplicated}")
    # Dtypes and infinities are checked on whole arrays, not column by column: factor code
    # calls this for every item subset it scores, and per-column lookups dominated whole fits.
    non_numeric = [
        str(c)
        for c, dtype in data.dtypes.items()
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))
    ]
    if non_numeric:
        raise DataError(
            f"{what} has non-numeric columns {non_numeric}; factor analysis needs numeric item "
            "scores (recode answer labels first, or leave these columns out)",
            column=non_numeric[0] if len(non_numeric) == 1 else None,
        )
    if all(isinstance(dtype, np.dtype) for dtype in data.dtypes):
        # A new array (the caller's data are never touched), column-major like a frame's block.
        values = np.array(data.to_numpy(dtype=np.float64), order="F", copy=True)
    else:  # extension dtypes: astype turns pd.NA into NaN
        values = data.astype("float64").to_numpy()
    infinite_columns = np.isinf(values).any(axis=0)
    infinite = [str(c) for c, bad in zip(data.columns, infinite_columns, strict=True) if bad]
    if infinite:
        raise DataError(
            f"{what} has infinite values in columns {infinite}; answer codes must be finite "
            "numbers (leave a missing answer empty)",
            column=infinite[0] if len(infinite) == 1 else None,
        )
    # One 2-D block, not one per column as read_csv gives: every later selection, copy and
    # reduction of the items then runs once instead of once per column.
    return pd.DataFrame(values, index=data.index, columns=data.columns, copy=False)
