"""What a persona holds, and what a report is made from.

These two dataclasses are the contract between the analysis stages and the report writers:
the writers read nothing else, so a report can be rebuilt from a notebook without re-running
the study.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Persona", "ReportContent"]


@dataclass(frozen=True)
class Persona:
    """One segment with a face.

    Attributes
    ----------
    segment : int
        1-based segment number (segments are ordered by size, largest first).
    name : str
        Generated (or study-file) name, e.g. "Eco-minded Style Seekers".
    description : str
        One line saying what sets the segment apart.
    size : int
        Respondents assigned to the segment.
    share : float
        Share of kept respondents, 0..1.
    color : str
        Hex colour used for this segment in every chart.
    attitudes : pd.Series
        Factor label -> segment mean of the standardised factor score (z units).
    distinctive_items : pd.DataFrame
        Columns ``item, text, construct, mean, total_mean, index, direction`` where
        ``index = 100 * mean / total_mean`` and ``direction`` is ``"higher"`` or ``"lower"``;
        the items that most set the segment apart, most distinctive first.
    demographics : pd.DataFrame
        Columns ``variable, category, share, total_share, index`` (shares 0..1) for
        demographic, behavioural and channel questions.
    top_codes : pd.DataFrame
        Columns ``code, label, passages, transcripts`` from coded interviews, most frequent first.
    quotes : pd.DataFrame
        Columns ``code, transcript, quote``: redacted quotes, two or three per persona.
    """

    segment: int
    name: str
    description: str
    size: int
    share: float
    color: str
    attitudes: pd.Series
    distinctive_items: pd.DataFrame
    demographics: pd.DataFrame
    top_codes: pd.DataFrame
    quotes: pd.DataFrame


@dataclass(frozen=True)
class ReportContent:
    """Everything a stakeholder report shows; statistics unformatted (writers round).

    Attributes
    ----------
    title : str
        Study title for the cover.
    subtitle : str
        One line under the title (method, date of fieldwork).
    personas : list of Persona
        One per segment, in segment order.
    summary : pd.DataFrame
        Columns ``field, value``: study facts for the Summary sheet and cover page
        (respondents read, kept, excluded, factors, segments chosen and why, ...).
    segment_sizes : pd.DataFrame
        Columns ``segment, name, n, share``.
    profiles : pd.DataFrame
        Long table: ``section, variable, label, category, segment, value, total, index``.
        ``section`` is "Attitudes", "Needs", "Demographics", "Behaviour" or "Channels";
        ``value`` is a segment mean (items) or share (categories); ``index = 100 * value / total``.
    factor_means : pd.DataFrame
        Segment (rows, 1-based) by factor label (columns): mean standardised factor score,
        for the heat map.
    loadings : pd.DataFrame
        Items (rows) by factor label (columns) with extra leading columns ``text`` and
        ``construct``; rotated pattern loadings.
    model_selection : pd.DataFrame
        Columns ``k, log_likelihood, n_parameters, bic, aic, smallest_share, chosen``.
    quality : pd.DataFrame
        Columns ``reason, respondents``: the data-quality summary, including a "kept" row.
    exclusions : pd.DataFrame
        Columns ``respondent_id, reason, detail``.
    quotes : pd.DataFrame
        Columns ``segment, persona, code, transcript, quote`` (all personas' quotes).
    created : str
        ISO timestamp of the run; the only field allowed to differ between two identical runs.
    """

    title: str
    subtitle: str
    personas: list[Persona]
    summary: pd.DataFrame
    segment_sizes: pd.DataFrame
    profiles: pd.DataFrame
    factor_means: pd.DataFrame
    loadings: pd.DataFrame
    model_selection: pd.DataFrame
    quality: pd.DataFrame
    exclusions: pd.DataFrame
    quotes: pd.DataFrame
    created: str = field(default="1970-01-01T00:00:00")
