"""Segment profile tables: means and shares per segment, indexed against the total."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ingest import SurveyData
from ..questionnaire import Item

__all__ = ["PROFILE_COLUMNS", "segment_profiles", "factor_means", "section_of", "display_codes"]

PROFILE_COLUMNS = ["section", "variable", "label", "category", "segment", "value", "total", "index"]
_SECTIONS = {
    "demographic": "Demographics",
    "geographic": "Demographics",
    "firmographic": "Demographics",
    "behavioural": "Behaviour",
    "value": "Behaviour",
    "technographic": "Technology",
}


def section_of(item: Item) -> str | None:
    """Which profile section an item belongs to (None for open text and attention checks)."""
    if item.attention_check is not None or item.type in ("text", "ranking"):
        return None
    if item.type == "likert":
        return "Attitudes"
    if item.type == "importance":
        return "Needs"
    if item.type == "multi":
        return "Channels"
    return _SECTIONS.get(item.basis or "", "Other")


def display_codes(survey: SurveyData, item: Item) -> pd.Series:
    """An item's codes as respondents ticked them (reverse-keying undone for display)."""
    values = survey.responses[item.id]
    if not item.reverse:
        return values
    codes = [c.code for c in survey.questionnaire.options(item)]
    return min(codes) + max(codes) - values


def _index(value: float, total: float) -> float:
    return float(100 * value / total) if total else float("nan")


def segment_profiles(survey: SurveyData, assignments: pd.Series) -> pd.DataFrame:
    """Long profile table of every closed question by segment.

    Scale and numeric items give a mean (on the answer scale as asked), single-choice items a
    share per category, multiple-choice items a share per option. ``index`` is
    ``100 * value / total``: above 100 means over-represented in the segment.

    Returns
    -------
    pd.DataFrame
        Columns ``section, variable, label, category, segment, value, total, index``.
    """
    q = survey.questionnaire
    seg = assignments.reindex(survey.responses.index)
    segments = sorted(seg.dropna().unique())
    rows = []
    for item in q.items:
        section = section_of(item)
        if section is None or not survey.columns_of(item):
            continue
        if item.type in ("likert", "importance", "numeric"):
            values = display_codes(survey, item)
            total = float(values.mean())
            means = values.groupby(seg).mean()
            for s in segments:
                v = float(means.get(s, np.nan))
                rows.append((section, item.id, item.text, "mean", s, v, total, _index(v, total)))
        elif item.type == "single":
            values = survey.responses[item.id]
            answered = values.notna()
            for c in q.options(item):
                hit = (values == c.code).astype(float).where(answered)
                total = float(hit.mean())
                shares = hit.groupby(seg).mean()
                for s in segments:
                    v = float(shares.get(s, np.nan))
                    rows.append(
                        (section, item.id, item.text, c.label, s, v, total, _index(v, total))
                    )
        elif item.type == "multi":
            for c in q.options(item):
                hit = survey.responses[f"{item.id}_{c.code}"]
                total = float(hit.mean())
                shares = hit.groupby(seg).mean()
                for s in segments:
                    v = float(shares.get(s, np.nan))
                    rows.append(
                        (section, item.id, item.text, c.label, s, v, total, _index(v, total))
                    )
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    out["segment"] = out["segment"].astype(int)
    return out


def factor_means(scores: pd.DataFrame, assignments: pd.Series, labels: dict) -> pd.DataFrame:
    """Mean standardised factor score per segment (rows 1..K, columns factor labels)."""
    z = (scores - scores.mean()) / scores.std(ddof=0)
    seg = assignments.reindex(z.index)
    out = z.groupby(seg).mean().rename(columns=labels)
    out.index = out.index.astype(int).rename("segment")
    return out
