"""SurveyData: imported, recoded and cleaned responses with everything known about them."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
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
        ``column, item, option, how, detail`` for every export column (see
        :func:`research.ingest.map_columns`; ``personal`` and ``empty`` columns included).
    questionnaire : Questionnaire
        The questionnaire given, or the one drafted from the export.
    source : str
        The export file read.
    n_read : int
        Respondents (data rows) read from the export.
    weights : pd.Series or None
        Weight per kept respondent (mean 1), or None when unweighted.
    personal_columns : tuple of str
        Export columns recognised as personal data and kept out.
    format : str
        The export's platform format (``qualtrics``, ``surveymonkey``, ...).
    encoding : str
        Encoding the export was decoded with.
    layout : str
        The platform layout found (``3-row``, ``legacy``, ...).
    detection : str
        Why the format was chosen, in words.
    recode_problems : pd.DataFrame or None
        ``respondent_id, column, item, value, problem``: answers set missing because they were
        outside their item's scale (only with ``lenient``).
    weight_report : dict or None
        Weight range, design effect, effective n and efficiency; raking convergence.
    personal : pd.DataFrame or None
        The personal columns of kept respondents, only when the import was asked to keep them.
    notes : tuple of str
        What the reader repaired or noticed, and drafting notes.
    shown : pd.DataFrame or None
        Bool per kept respondent and rating or single-choice item (the items a study can
        segment on): whether routing (``show_if``, the export's "not shown" markers) showed
        it; None when no item is routed (everyone saw everything).
    """

    responses: pd.DataFrame
    text: pd.DataFrame
    paradata: pd.DataFrame
    exclusions: pd.DataFrame
    mapping: pd.DataFrame
    questionnaire: Questionnaire
    source: str
    n_read: int
    weights: pd.Series | None = None
    personal_columns: tuple[str, ...] = ()
    format: str = "qualtrics"
    encoding: str = "utf-8"
    layout: str = ""
    detection: str = ""
    recode_problems: pd.DataFrame | None = None
    weight_report: dict | None = None
    personal: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    shown: pd.DataFrame | None = None

    @property
    def n_kept(self) -> int:
        return len(self.responses)

    @property
    def n_excluded(self) -> int:
        return len(self.exclusions)

    @property
    def n_set_missing(self) -> int:
        """Answers set missing because they were outside their item's scale (lenient)."""
        return 0 if self.recode_problems is None else len(self.recode_problems)

    def quality_summary(self) -> pd.DataFrame:
        """``reason, respondents``: read, each exclusion reason, kept."""
        counts = self.exclusions["reason"].value_counts(sort=False)
        rows = [("read", self.n_read)]
        rows += [(str(reason), int(n)) for reason, n in counts.items()]
        rows.append(("kept", self.n_kept))
        return pd.DataFrame(rows, columns=["reason", "respondents"])

    def exclude(self, out: np.ndarray, rows: pd.DataFrame, note: str) -> SurveyData:
        """A new SurveyData without the kept respondents marked in `out`, listed in `rows`.

        Parameters
        ----------
        out : numpy.ndarray
            Bool per kept respondent (row of `responses`): True moves it to the exclusions.
        rows : pandas.DataFrame
            Their exclusion rows (``respondent_id, reason, detail``), one per True in `out`.
        note : str
            A sentence for `notes` saying what was moved and why.
        """
        keep = ~np.asarray(out, dtype=bool)

        def sub(frame):
            return None if frame is None else frame.loc[keep]

        return replace(
            self,
            responses=self.responses.loc[keep],
            text=self.text.loc[keep],
            exclusions=pd.concat([self.exclusions, rows[EXCLUSION_COLUMNS]], ignore_index=True),
            weights=sub(self.weights),
            personal=sub(self.personal),
            shown=sub(self.shown),
            notes=(*self.notes, note),
        )

    def columns_of(self, item: Item) -> list[str]:
        """Response columns holding `item` (several for multiple choice)."""
        if item.type == "multi":
            cols = [f"{item.id}_{c.code}" for c in self.questionnaire.options(item)]
            return [c for c in cols if c in self.responses.columns]
        return [item.id] if item.id in self.responses.columns else []

    def scale_items(self) -> list[str]:
        """Attitude and needs item columns (the segmentation base)."""
        return [i.id for i in self.questionnaire.scale_items() if i.id in self.responses]

    def mapping_report(self) -> dict:
        """Columns mapped (by rule), unmapped, ambiguous, duplicate; items without a column."""
        from .mapping import mapping_report

        return mapping_report(self.mapping, self.questionnaire)

    def counts(self, item_id: str) -> pd.DataFrame:
        """Unweighted and weighted counts of one item's answers among kept respondents.

        Returns
        -------
        pd.DataFrame
            ``code, label, n, weighted_n``; for multiple choice one row per option (ticked),
            for numeric items one row per distinct value.
        """
        item = self.questionnaire.item(item_id)
        w = self.weights if self.weights is not None else pd.Series(1.0, index=self.responses.index)
        w = w.reindex(self.responses.index).fillna(0.0)
        rows = []
        if item.type == "multi":
            for c in self.questionnaire.options(item):
                hit = self.responses.get(f"{item.id}_{c.code}", pd.Series(dtype=float)) == 1
                rows.append((c.code, c.label, int(hit.sum()), float(w[hit].sum())))
        elif item.id in self.responses:
            values = self.responses[item.id]
            options = self.questionnaire.options(item)
            labels = {c.code: c.label for c in options}
            if item.reverse and options:  # responses hold reversed codes
                lo, hi = min(labels), max(labels)
                labels = {lo + hi - code: label for code, label in labels.items()}
            for code in sorted(values.dropna().unique()):
                hit = values == code
                rows.append((code, labels.get(code, ""), int(hit.sum()), float(w[hit].sum())))
        return pd.DataFrame(rows, columns=["code", "label", "n", "weighted_n"])
