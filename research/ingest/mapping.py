"""Match export columns to questionnaire items."""

from __future__ import annotations

import html
import re

import pandas as pd

from ..errors import MappingError, suggest
from ..questionnaire import Questionnaire

__all__ = ["QUALTRICS_METADATA", "PERSONAL_COLUMNS", "map_columns", "normalise_text"]

#: Columns Qualtrics adds to every export; never mapped to items.
QUALTRICS_METADATA = {
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "ResponseID", "ResponseSet",
    "RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference",
    "ExternalDataReference", "LocationLatitude", "LocationLongitude", "LocationAccuracy",
    "DistributionChannel", "UserLanguage",
}  # fmt: skip
#: Personal data: read only to be dropped, so it can never reach a report.
PERSONAL_COLUMNS = {
    "IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
    "LocationLatitude", "LocationLongitude", "LocationAccuracy",
}  # fmt: skip

_TAG = re.compile(r"<[^>]+>")


def normalise_text(text: str) -> str:
    """Question text with HTML stripped, entities decoded, whitespace folded, lower case."""
    return " ".join(html.unescape(_TAG.sub(" ", str(text))).split()).lower()


def map_columns(
    columns: pd.DataFrame, q: Questionnaire, *, strict: bool = False, path: str | None = None
) -> pd.DataFrame:
    """Map each export column to a questionnaire item.

    Parameters
    ----------
    columns : pd.DataFrame
        ``column, question_text, import_id`` as a reader returns them.
    q : Questionnaire
    strict : bool
        Raise when a questionnaire item has no column.
    path : str, optional
        The export, for error messages.

    Returns
    -------
    pd.DataFrame
        ``column, item, how``; ``how`` is ``id`` (column named as the item), ``text`` (question
        text equals the item text, or ends with ``" - "`` + item text as Qualtrics writes grid
        statements), ``metadata`` or ``unmapped``.

    Raises
    ------
    MappingError
        Two columns map to one item, or (`strict`) an item has no column.
    """
    ids = {i.id for i in q.items}
    by_text: dict[str, list[str]] = {}
    for item in q.items:
        by_text.setdefault(normalise_text(item.text), []).append(item.id)
    rows = []
    for col, qtext in zip(columns["column"], columns["question_text"], strict=True):
        if col in ids:
            rows.append((col, col, "id"))
            continue
        if col in QUALTRICS_METADATA:
            rows.append((col, None, "metadata"))
            continue
        norm = normalise_text(qtext)
        candidates = by_text.get(norm) or by_text.get(norm.rsplit(" - ", 1)[-1]) or []
        if len(candidates) == 1:
            rows.append((col, candidates[0], "text"))
        else:
            rows.append((col, None, "ambiguous" if candidates else "unmapped"))
    out = pd.DataFrame(rows, columns=["column", "item", "how"])
    dup = out["item"].dropna()
    dup = dup[dup.duplicated()]
    if len(dup):
        item = dup.iloc[0]
        cols = out.loc[out["item"] == item, "column"].tolist()
        raise MappingError(f"columns {cols} all map to item {item!r}", path=path)
    missing = sorted(ids - set(out["item"].dropna()))
    if strict and missing:
        raise MappingError(
            f"questionnaire items with no column in the export: {missing}"
            f"{suggest(missing[0], out.loc[out['how'] == 'unmapped', 'column'])}",
            path=path,
        )
    return out
