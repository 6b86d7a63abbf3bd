"""Segment profile tables: means and shares per segment, indexed against the total and tested."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ingest import SurveyData
from ..questionnaire import Item
from .significance import segment_tests

__all__ = [
    "PROFILE_COLUMNS",
    "TESTED_COLUMNS",
    "segment_profiles",
    "factor_means",
    "section_of",
    "display_codes",
    "short_label",
    "survey_weights",
]

PROFILE_COLUMNS = ["section", "variable", "label", "category", "segment", "value", "total", "index"]
#: Extra columns of a tested profile table.
TESTED_COLUMNS = ["n", "p_value", "p_adjusted", "sig", "letters"]

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


def short_label(item: Item) -> str:
    """A few words naming a question in a table or chart ("Age", "Main device").

    The questionnaire's ``label`` when it has one, otherwise the item id made readable
    (``purchase_freq`` -> "Purchase freq").
    """
    label = getattr(item, "label", None) or getattr(item, "short_label", None)
    if label:
        return " ".join(str(label).split())
    words = " ".join(item.id.replace("_", " ").split())
    return words[:1].upper() + words[1:]


def survey_weights(survey: SurveyData) -> pd.Series | None:
    """The survey's weights aligned to its respondents, or None when unweighted."""
    weights = getattr(survey, "weights", None)
    if weights is None:
        return None
    return pd.to_numeric(pd.Series(weights), errors="coerce").reindex(survey.responses.index)


def _variables(survey: SurveyData):
    """(section, variable, label, category, kind, values) for every profiled question."""
    q = survey.questionnaire
    for item in q.items:
        section = section_of(item)
        if section is None or not survey.columns_of(item):
            continue
        if item.type in ("likert", "importance", "numeric"):
            yield section, item.id, item.text, None, "mean", display_codes(survey, item)
        elif item.type == "single":
            values = survey.responses[item.id]
            answered = values.notna()
            for c in q.options(item):
                hit = (values == c.code).astype(float).where(answered)
                yield section, item.id, item.text, c.label, "proportion", hit
        elif item.type == "multi":
            for c in q.options(item):
                hit = survey.responses[f"{item.id}_{c.code}"].astype(float)
                yield section, item.id, item.text, c.label, "proportion", hit


def segment_profiles(
    survey: SurveyData,
    assignments: pd.Series,
    *,
    weights: pd.Series | None = None,
    correction: str = "bh",
    alpha: float = 0.05,
    min_n: int = 10,
) -> pd.DataFrame:
    """Long profile table of every closed question by segment, with significance tests.

    Scale and numeric items give a mean (on the answer scale as asked), single-choice items a
    share per category, multiple-choice items a share per option. ``index`` is
    ``100 * value / total``: above 100 means over-represented in the segment. Each value is
    tested against the rest of the sample and against every other segment with
    :func:`~research.personas.significance.segment_tests` (t-test for means, z-test for
    shares, ``correction`` over the table).

    Parameters
    ----------
    survey : SurveyData
    assignments : pandas.Series
        Segment (1..K) per respondent id.
    weights : pandas.Series, optional
        Sampling weight per respondent; defaults to the survey's own ``weights`` if it has
        them. Means, shares and tests are then weighted.
    correction, alpha, min_n
        Passed to :func:`~research.personas.significance.segment_tests`.

    Returns
    -------
    pd.DataFrame
        Columns :data:`PROFILE_COLUMNS` + :data:`TESTED_COLUMNS`.
    """
    if weights is None:
        weights = survey_weights(survey)
    meta, columns, kinds = [], {}, {}
    for j, (section, variable, label, category, kind, values) in enumerate(_variables(survey)):
        meta.append((section, variable, label, category))
        columns[j] = values.astype(float)
        kinds[j] = kind
    if not meta:
        return pd.DataFrame(columns=PROFILE_COLUMNS + TESTED_COLUMNS)
    data = pd.DataFrame(columns, index=survey.responses.index)
    tests = segment_tests(
        data,
        assignments,
        kinds=kinds,
        weights=weights,
        correction=correction,
        alpha=alpha,
        min_n=min_n,
    )
    info = pd.DataFrame(meta, columns=["section", "variable", "label", "category"])
    info["key"] = range(len(meta))
    out = tests.rename(columns={"variable": "key"}).merge(info, on="key", how="left", sort=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["index"] = np.where(out["total"] != 0, 100 * out["value"] / out["total"], np.nan)
    out["segment"] = out["segment"].astype(int)
    return out[PROFILE_COLUMNS + TESTED_COLUMNS].reset_index(drop=True)


def _weighted_standardise(scores: pd.DataFrame, weights: pd.Series | None) -> pd.DataFrame:
    if weights is None:
        return (scores - scores.mean()) / scores.std(ddof=0)
    w = weights.reindex(scores.index).fillna(0).to_numpy(dtype=float)
    mean = (scores.mul(w, axis=0)).sum() / w.sum()
    sd = np.sqrt(((scores - mean) ** 2).mul(w, axis=0).sum() / w.sum())
    return (scores - mean) / sd


def factor_means(
    scores: pd.DataFrame,
    assignments: pd.Series,
    labels: dict,
    *,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Mean standardised factor score per segment (rows 1..K, columns factor labels).

    Scores are standardised over all respondents (weighted when ``weights`` are given), so 0
    is the sample average and 0.5 half a standard deviation above it.
    """
    z = _weighted_standardise(scores, weights)
    seg = assignments.reindex(z.index)
    if weights is None:
        out = z.groupby(seg).mean()
    else:
        w = weights.reindex(z.index).fillna(0)
        out = z.mul(w, axis=0).groupby(seg).sum().div(w.groupby(seg).sum(), axis=0)
    out = out.rename(columns=labels)
    out.index = out.index.astype(int).rename("segment")
    return out
