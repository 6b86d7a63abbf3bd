"""The column names each fielding platform gives a questionnaire's items in its exports.

This is the contract of the round trip: what a renderer writes (ids in an XLSForm, export tags
in a Qualtrics TXT) decides the columns the platform exports, and the importer maps exactly
those columns back to items.
"""

from __future__ import annotations

import pandas as pd

from ..errors import QuestionnaireError
from .model import Questionnaire

__all__ = ["PLATFORMS", "export_columns"]

PLATFORMS = ("qualtrics", "xlsform")


def export_columns(q: Questionnaire, platform: str) -> pd.DataFrame:
    """Columns that `platform` exports for `q`.

    Returns
    -------
    pd.DataFrame
        ``column, item, option``: the export column name, the item id it holds, and for a
        multiple-choice option spread over its own column the option's code (else ``None``).
    """
    if platform not in PLATFORMS:
        raise QuestionnaireError(f"platform must be one of {list(PLATFORMS)}, got {platform!r}")
    rows = [(item.id, item.id, None) for item in q.items]
    return pd.DataFrame(rows, columns=["column", "item", "option"])
