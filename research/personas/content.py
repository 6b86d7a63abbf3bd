"""Assemble everything a report shows into one :class:`ReportContent`."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..ingest import SurveyData
from .build import build_personas
from .model import Persona, ReportContent
from .profiles import factor_means as _factor_means
from .profiles import segment_profiles, survey_weights
from .scorecard import normalise_scorecard

__all__ = ["build_report_content", "assemble_report", "tests_note"]

_SELECTION = (
    "k",
    "log_likelihood",
    "n_parameters",
    "bic",
    "aic",
    "relative_entropy",
    "smallest_share",
    "chosen",
)
_THEME_COLUMNS = [
    "segment",
    "persona",
    "code",
    "label",
    "passages",
    "transcripts",
    "transcript_share",
    "sentiment",
]
_CORRECTION_NAMES = {"holm": "Holm", "bh": "Benjamini\u2013Hochberg", "none": "no"}


def tests_note(*, weighted: bool, correction: str = "bh", alpha: float = 0.05) -> str:
    """How the profile table was tested, in words for the readers of a report."""
    how = _CORRECTION_NAMES.get(correction, correction)
    w = "weighted " if weighted else ""
    return (
        f"Each segment is compared with the rest of the sample ({w}Welch t-test for means, "
        f"{w}z-test for shares), {how} correction over the whole table, significant at "
        f"{alpha:.0%}. Letters: the segments (A = segment 1, B = segment 2, \u2026) a value is "
        f"significantly higher than, same tests between pairs of segments, corrected within "
        f"each row. Groups under 10 respondents are not tested."
        + (" Weighted bases use Kish's effective sample size." if weighted else "")
    )


def _respondents(
    personas: list[Persona],
    assignments: pd.Series | None,
    posteriors: pd.DataFrame | None,
    weights: pd.Series | None,
) -> pd.DataFrame | None:
    if assignments is None and posteriors is None:
        return None
    if assignments is None:
        assignments = posteriors.idxmax(axis=1)  # type: ignore[union-attr]
    seg = assignments.dropna().astype(int)
    out = pd.DataFrame({"segment": seg})
    out["persona"] = seg.map({p.segment: p.name for p in personas})
    if posteriors is not None:
        post = posteriors.reindex(seg.index)
        cols = {int(c): c for c in post.columns}
        values = post.to_numpy(dtype=float)
        pos = [list(post.columns).index(cols[s]) if s in cols else -1 for s in seg]
        out["posterior"] = [values[i, j] if j >= 0 else np.nan for i, j in enumerate(pos)]
    if weights is not None:
        out["weight"] = weights.reindex(seg.index)
    out.index.name = assignments.index.name or "respondent_id"
    return out


def _factor_summary(
    loadings: pd.DataFrame,
    factor_labels: Mapping[str, str],
    reliability: pd.DataFrame | None,
    variance: pd.DataFrame | None,
) -> pd.DataFrame:
    rows = []
    for f in loadings.columns:
        rel = reliability.loc[f] if reliability is not None and f in reliability.index else None
        var = variance.loc[f] if variance is not None and f in variance.index else None
        rows.append(
            {
                "factor": f,
                "label": factor_labels.get(f, f),
                "n_items": None if rel is None else int(rel["n_items"]),
                "items": None if rel is None else rel["items"],
                "alpha": None if rel is None else float(rel["cronbach_alpha"]),
                "variance": None if var is None else float(var["proportion"]),
            }
        )
    return pd.DataFrame(rows)


def build_report_content(
    *,
    title: str,
    subtitle: str,
    survey: SurveyData,
    personas: list[Persona],
    profiles: pd.DataFrame,
    factor_means: pd.DataFrame | None,
    loadings: pd.DataFrame | None,
    factor_labels: dict[str, str],
    model_selection: pd.DataFrame,
    facts: list[tuple[str, object]],
    created: str,
    assignments: pd.Series | None = None,
    posteriors: pd.DataFrame | None = None,
    scorecard: pd.DataFrame | None = None,
    typing_tool: object | None = None,
    reliability: pd.DataFrame | None = None,
    variance: pd.DataFrame | None = None,
    correction: str = "bh",
    alpha: float = 0.05,
    warnings: tuple[str, ...] | list[str] = (),
) -> ReportContent:
    """Collect the tables for the writers; nothing here rounds or formats.

    Parameters
    ----------
    factor_means, loadings : pandas.DataFrame or None
        None when the study ran no factor analysis: the content then holds empty tables.
    facts : list of (field, value)
        Extra study facts for the Summary sheet (method, K chosen and why, recovery...).
    assignments, posteriors : optional
        Segment and posterior probabilities per respondent, for the Respondents sheet.
    scorecard : pandas.DataFrame, optional
        The seven-part scorecard (any shape :func:`normalise_scorecard` reads).
    typing_tool : object, optional
        Passed to ``research.segments.add_typing_tool_sheet`` by the workbook writer.
    reliability, variance : pandas.DataFrame, optional
        ``FactorSolution.reliability`` and ``.variance``, for the factor solution summary.
    correction, alpha
        How ``profiles`` was tested (for the note shown to readers).
    warnings : sequence of str
        Sentences for the top of the executive summary (see ``ReportContent.warnings``).
    """
    q = survey.questionnaire
    weights = survey_weights(survey)
    weighted = weights is not None
    note = tests_note(weighted=weighted, correction=correction, alpha=alpha)
    quality = survey.quality_summary()
    summary = pd.DataFrame(
        [
            ("Study", title),
            ("Source file", survey.source.rsplit("/", 1)[-1]),
            ("Respondents read", survey.n_read),
            ("Respondents excluded", survey.n_excluded),
            ("Respondents kept", survey.n_kept),
            ("Weighting", "weighted (sizes, shares, means and tests)" if weighted else "none"),
            *facts,
            ("Segments", len(personas)),
            ("Significance tests", note),
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
    if weighted:
        sizes["weighted_n"] = [p.weighted_size for p in personas]
    segments = pd.Index([p.segment for p in personas], name="segment")
    if factor_means is None:
        factor_means = pd.DataFrame(index=segments, dtype=float)
    summary_of_factors = None
    if loadings is None:
        loadings = pd.DataFrame(index=pd.Index([], dtype=object, name="item"), dtype=float)
    else:
        summary_of_factors = _factor_summary(loadings, factor_labels, reliability, variance)
    load = loadings.rename(columns=factor_labels).copy()
    load.insert(0, "construct", [q.item(i).construct or "" for i in load.index])
    load.insert(0, "text", [q.item(i).text for i in load.index])
    load.index.name = "item"
    selection = model_selection[[c for c in _SELECTION if c in model_selection]]
    quote_cols = ["segment", "persona", "code", "label", "transcript", "quote"]
    quotes = [
        p.quotes.assign(segment=p.segment, persona=p.name).reindex(columns=quote_cols)
        for p in personas
        if len(p.quotes)
    ]
    quotes_df = pd.concat(quotes, ignore_index=True) if quotes else pd.DataFrame(columns=quote_cols)
    themes = [p.top_codes.assign(segment=p.segment, persona=p.name) for p in personas]
    themes = [t for t in themes if len(t)]
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
        weighted=weighted,
        tests_note=note,
        themes=pd.concat(themes, ignore_index=True)[_THEME_COLUMNS] if themes else None,
        scorecard=normalise_scorecard(scorecard) if scorecard is not None else None,
        respondents=_respondents(personas, assignments, posteriors, weights),
        typing_tool=typing_tool,
        factor_summary=summary_of_factors,
        warnings=list(dict.fromkeys(str(w) for w in warnings)),
        **_typing_text(survey, typing_tool),
    )


def _typing_text(survey: SurveyData, tool: object | None) -> dict[str, dict[str, str]]:
    """Wording and answer hints of the typing tool's questions, from the questionnaire."""
    text: dict[str, str] = {}
    hints: dict[str, str] = {}
    q = survey.questionnaire
    for qid in getattr(tool, "questions", None) or []:
        try:
            item = q.item(qid)
        except KeyError:  # a question outside the questionnaire (e.g. a derived score)
            continue
        text[qid] = " ".join(str(item.text).split())
        options = q.options(item)
        if options:
            lo, hi = options[0], options[-1]
            hints[qid] = f"{lo.code} = {lo.label} \u2026 {hi.code} = {hi.label}"
    return {"question_text": text, "answer_labels": hints}


def assemble_report(
    *,
    title: str,
    subtitle: str,
    survey: SurveyData,
    assignments: pd.Series,
    factor_scores: pd.DataFrame | None,
    factor_labels: dict[str, str],
    loadings: pd.DataFrame | None,
    model_selection: pd.DataFrame,
    facts: list[tuple[str, object]],
    created: str,
    posteriors: pd.DataFrame | None = None,
    coded: pd.DataFrame | None = None,
    quotes: pd.DataFrame | None = None,
    names: Mapping[int, str] | None = None,
    scorecard: pd.DataFrame | None = None,
    typing_tool: object | None = None,
    reliability: pd.DataFrame | None = None,
    variance: pd.DataFrame | None = None,
    correction: str = "bh",
    alpha: float = 0.05,
    warnings: tuple[str, ...] | list[str] = (),
    headline: str | None = None,
    basis_items: list[str] | None = None,
) -> ReportContent:
    """Profiles, significance tests, personas and report content in one call.

    The one function a pipeline needs between the analysis stages and the writers: it tests
    the profile table once (``correction``, ``alpha``), builds the personas from it and
    collects everything into a :class:`ReportContent` (``content.personas`` are the personas).
    Weights are taken from ``survey.weights`` when the survey has them. ``headline`` is the
    numeric question each persona's header shows (default: none, the size only); ``warnings``
    go to the top of the executive summary. ``factor_scores`` and ``loadings`` are None when
    the study ran no factor analysis; ``basis_items`` (the segmentation items) name the
    personas instead of the factors (see :func:`~research.personas.build_personas`).
    """
    weights = survey_weights(survey)
    profiles = segment_profiles(
        survey, assignments, weights=weights, correction=correction, alpha=alpha
    )
    personas = build_personas(
        survey,
        assignments,
        factor_scores,
        factor_labels,
        loadings,
        coded=coded,
        quotes=quotes,
        names=names,
        profiles=profiles,
        weights=weights,
        scorecard=scorecard,
        headline=headline,
        basis_items=basis_items,
    )
    means = None
    if factor_scores is not None:
        means = _factor_means(factor_scores, assignments, factor_labels, weights=weights)
    return build_report_content(
        title=title,
        subtitle=subtitle,
        survey=survey,
        personas=personas,
        profiles=profiles,
        factor_means=means,
        loadings=loadings,
        factor_labels=factor_labels,
        model_selection=model_selection,
        facts=facts,
        created=created,
        assignments=assignments,
        posteriors=posteriors,
        scorecard=scorecard,
        typing_tool=typing_tool,
        reliability=reliability,
        variance=variance,
        correction=correction,
        alpha=alpha,
        warnings=[*warnings, *_naming_note(personas, names)],
    )


def _naming_note(personas: list, names: Mapping[int, str] | None) -> list[str]:
    """Generated names are a draft: say so once, unless the study file named every segment."""
    named = {int(k) for k in (names or {})}
    if personas and all(int(p.segment) in named for p in personas):
        return []
    return ["Persona names are generated from the segment profiles; review them before sharing."]
