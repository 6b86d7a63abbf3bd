"""Internal-consistency reliability of a set of items."""

from __future__ import annotations

import pandas as pd

from research.factors._validation import numeric_items

__all__ = ["cronbach_alpha"]


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
    n, k = items.shape
    if k < 2 or n < 2:
        return float("nan")
    values = items.to_numpy()
    total_var = values.sum(axis=1).var(ddof=1)
    if not total_var > 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - values.var(axis=0, ddof=1).sum() / total_var))
