"""SurveyData: imported, recoded and cleaned responses with everything known about them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..questionnaire import Item, Questionnaire

__all__ = ["SurveyData", "EXCLUSION_COLUMNS"]

EXCLUSION_COLUMNS = ["respondent_id", "reason", "detail"]


@dataclass(frozen=True)
class SurveyData:
    """Responses ready for analysis, and the record of who was left out.

    Attributes
    ----------
    responses : pd.DataFrame
        Kept respondents, indexed by ``respondent_id``; one numeric column per item (codes of
        the item's scale, reverse-keyed items already reversed so that a higher code means more
        of the construct), one 0/1 column ``<item>_<code>`` per option of multiple-choice items,
        floats for numeric items. Open-ended answers are in `text`.
    text : pd.DataFrame
        Open-ended answers of kept respondents (same index), as written.
    paradata : pd.DataFrame
        Per respondent read (kept or not): ``duration, finished, progress, start``. Personal
        data (names, e-mails, IP addresses, locations) are never carried.
    exclusions : pd.DataFrame
        ``respondent_id, reason, detail``: one row per excluded respondent; ``reason`` is the
        first rule failed, ``detail`` says by how much and lists any other rule failed.
    mapping : pd.DataFrame
        ``column, item, how`` for every export column (``how`` = id / import_id / text /
        metadata / unmapped).
    questionnaire : Questionnaire
    source : str
        The export file read.
    n_read : int
        Respondents (data rows) read from the export.
    """

    responses: pd.DataFrame
    text: pd.DataFrame
    paradata: pd.DataFrame
    exclusions: pd.DataFrame
    mapping: pd.DataFrame
    questionnaire: Questionnaire
    source: str
    n_read: int

    @property
    def n_kept(self) -> int:
        return len(self.responses)

    @property
    def n_excluded(self) -> int:
        return len(self.exclusions)

    def quality_summary(self) -> pd.DataFrame:
        """``reason, respondents``: read, each exclusion reason, kept."""
        counts = self.exclusions["reason"].value_counts(sort=False)
        rows = [("read", self.n_read)]
        rows += [(str(reason), int(n)) for reason, n in counts.items()]
        rows.append(("kept", self.n_kept))
        return pd.DataFrame(rows, columns=["reason", "respondents"])

    def columns_of(self, item: Item) -> list[str]:
        """Response columns holding `item` (several for multiple choice)."""
        if item.type == "multi":
            return [f"{item.id}_{c.code}" for c in self.questionnaire.options(item)]
        return [item.id] if item.id in self.responses.columns else []

    def scale_items(self) -> list[str]:
        """Attitude and needs item columns (the segmentation base)."""
        return [i.id for i in self.questionnaire.scale_items() if i.id in self.responses]
