"""Assemble everything a report shows into one :class:`ReportContent`."""

from __future__ import annotations

import pandas as pd

from ..ingest import SurveyData
from .model import Persona, ReportContent

__all__ = ["build_report_content"]


def build_report_content(
    *,
    title: str,
    subtitle: str,
    survey: SurveyData,
    personas: list[Persona],
    profiles: pd.DataFrame,
    factor_means: pd.DataFrame,
    loadings: pd.DataFrame,
    factor_labels: dict[str, str],
    model_selection: pd.DataFrame,
    facts: list[tuple[str, object]],
    created: str,
) -> ReportContent:
    """Collect the tables for the writers; nothing here rounds or formats.

    Parameters
    ----------
    facts : list of (field, value)
        Extra study facts for the Summary sheet (method, K chosen and why, recovery...).
    """
    q = survey.questionnaire
    quality = survey.quality_summary()
    summary = pd.DataFrame(
        [
            ("Study", title),
            ("Source file", survey.source.rsplit("/", 1)[-1]),
            ("Respondents read", survey.n_read),
            ("Respondents excluded", survey.n_excluded),
            ("Respondents kept", survey.n_kept),
            *facts,
            ("Segments", len(personas)),
        ],
        columns=["field", "value"],
    )
    sizes = pd.DataFrame(
        {
            "segment": [p.segment for p in personas],
            "name": [p.name for p in personas],
            "n": [p.size for p in personas],
            "share": [p.share for p in personas],
        }
    )
    load = loadings.rename(columns=factor_labels).copy()
    load.insert(0, "construct", [q.item(i).construct or "" for i in load.index])
    load.insert(0, "text", [q.item(i).text for i in load.index])
    load.index.name = "item"
    selection = model_selection[
        [
            c
            for c in (
                "k",
                "log_likelihood",
                "n_parameters",
                "bic",
                "aic",
                "relative_entropy",
                "smallest_share",
                "chosen",
            )
            if c in model_selection
        ]
    ]
    quotes = [
        p.quotes.assign(segment=p.segment, persona=p.name)[
            ["segment", "persona", "code", "transcript", "quote"]
        ]
        for p in personas
        if len(p.quotes)
    ]
    quotes_df = (
        pd.concat(quotes, ignore_index=True)
        if quotes
        else pd.DataFrame(columns=["segment", "persona", "code", "transcript", "quote"])
    )
    return ReportContent(
        title=title,
        subtitle=subtitle,
        personas=personas,
        summary=summary,
        segment_sizes=sizes,
        profiles=profiles,
        factor_means=factor_means,
        loadings=load,
        model_selection=selection,
        quality=quality,
        exclusions=survey.exclusions,
        quotes=quotes_df,
        created=created,
    )
