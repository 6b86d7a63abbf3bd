"""Item correlation matrices for factor analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.errors import DataError
from research.factors._validation import check_choice, numeric_items

__all__ = ["CORRELATION_METHODS", "correlation_matrix"]

#: Correlation types :func:`correlation_matrix` computes (polychoric is planned).
CORRELATION_METHODS: tuple[str, ...] = ("pearson",)


def correlation_matrix(data: pd.DataFrame, *, method: str = "pearson") -> pd.DataFrame:
    """Correlate every pair of items using pairwise-complete observations.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, numeric items in columns; missing answers are NaN. Not modified.
    method : {"pearson"}
        Correlation type.

    Returns
    -------
    pandas.DataFrame
        Square, symmetric matrix with unit diagonal, indexed and labelled by ``data.columns``.

    Raises
    ------
    DataError
        If ``method`` is unknown, a column is non-numeric, or a pair of items has no
        correlation (an item without variance, or fewer than two respondents answering both).

    Notes
    -----
    Each pair uses every respondent who answered both items, with means and standard deviations
    taken over those respondents, exactly as R's ``cor(x, use="pairwise")`` (the default of
    ``psych::fa``). On the psych ``bfi`` data the result reproduces ``psych::KMO`` (MSA 0.8459),
    Bartlett's chi-square (20163.79 on 300 df) and the ``psych::fa`` 5-factor minres/oblimin
    loadings (see ``tests/test_factors.py``).
    """
    check_choice("method", method, CORRELATION_METHODS)
    items = numeric_items(data)
    corr = items.corr(method="pearson", min_periods=2)
    values = corr.to_numpy(copy=True)
    bad = np.argwhere(np.isnan(np.triu(values, 1)) & np.triu(np.ones_like(values, bool), 1))
    if bad.size:
        labels = [str(c) for c in corr.columns]
        pairs = [(labels[i], labels[j]) for i, j in bad[:5]]
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise DataError(
            f"cannot correlate item pairs {pairs}{more}: an item has no variance or too few "
            "respondents answered both"
        )
    values = (values + values.T) / 2.0
    np.fill_diagonal(values, 1.0)
    return pd.DataFrame(values, index=corr.index.copy(), columns=corr.columns.copy())
