"""What a persona holds, and what a report is made from.

These two dataclasses are the contract between the analysis stages and the report writers:
the writers read nothing else, so a report can be rebuilt from a notebook without re-running
the study.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "Persona",
    "ReportContent",
    "SCORECARD_CRITERIA",
    "NEEDS_COLUMNS",
    "METRICS_COLUMNS",
    "ANSWERS_COLUMNS",
]

#: The seven-part test of a good segment, in the order reports show it.
SCORECARD_CRITERIA = (
    "identifiable",
    "substantial",
    "accessible",
    "stable",
    "differentiable",
    "actionable",
    "measurable",
)


#: Columns of :attr:`Persona.needs` and :attr:`Persona.metrics`.
NEEDS_COLUMNS = (
    "rank", "item", "text", "mean", "total_mean", "index", "total_rank", "top_box",
    "total_top_box", "sig",
)  # fmt: skip
METRICS_COLUMNS = ("variable", "label", "unit", "mean", "total_mean", "index", "sig")
#: Columns of :attr:`Persona.answers`.
ANSWERS_COLUMNS = (
    "variable", "label", "category", "phrase", "share", "total_share", "index", "z", "sig",
)  # fmt: skip


def _empty(*columns: str):
    return field(default_factory=lambda: pd.DataFrame(columns=list(columns)))


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
        Respondents assigned to the segment (unweighted count).
    share : float
        Share of kept respondents, 0..1 (weighted when the survey has weights).
    color : str
        Hex colour used for this segment in every chart.
    attitudes : pd.Series
        Factor label -> segment mean of the standardised factor score (z units); empty when
        the study ran no factor analysis (no rating battery).
    distinctive_items : pd.DataFrame
        Columns ``item, text, construct, mean, total_mean, index, direction`` where
        ``index = 100 * mean / total_mean`` and ``direction`` is ``"higher"`` or ``"lower"``;
        the items that most set the segment apart, most distinctive first.
    demographics : pd.DataFrame
        Columns ``section, variable, label, category, share, total_share, index, sig`` (shares
        0..1) for demographic, geographic, behavioural, technology and channel questions;
        ``label`` is the question's short label, ``sig`` is ``"higher"``, ``"lower"`` or ``""``
        (segment vs rest, corrected).
    top_codes : pd.DataFrame
        Columns ``code, label, passages, transcripts, transcript_share, sentiment`` from coded
        interviews, most widespread first (``transcript_share``: share of the segment's
        interviews that raise the theme; ``sentiment``: mean VADER compound score, −1..1).
    quotes : pd.DataFrame
        Columns ``code, transcript, quote`` (and ``label``, the theme): redacted quotes, two to
        four per persona.
    needs : pd.DataFrame
        Columns ``rank, item, text, mean, total_mean, index, total_rank, top_box,
        total_top_box, sig``: the needs (importance items) ranked by the segment's mean
        importance (rank 1 = most important); ``top_box`` is the share rating the top two
        points of the scale.
    metrics : pd.DataFrame
        Columns ``variable, label, unit, mean, total_mean, index, sig`` for numeric questions
        (spend, frequency counts).
    weighted_size : float or None
        Sum of the weights of the segment's respondents (None when unweighted).
    sentiment : float or None
        Mean sentiment of the segment's coded interview passages (None without interviews).
    interviews : int
        Interviews linked to the segment.
    scorecard : pd.DataFrame
        Columns ``criterion, verdict, status, detail`` (``status`` is ``pass``, ``caution``,
        ``fail`` or ``info``): the seven-part test for this segment, when scored.
    headline : str or None
        The value or behaviour measure (a numeric question id, a row of ``metrics``) the study
        declares for the persona header (study file ``personas: {headline: ...}``); None: the
        header shows the segment's size only.
    answers : pd.DataFrame
        Columns :data:`ANSWERS_COLUMNS`: every answer to the single-choice items the segments
        were found from (a categorical basis), most over-represented first: the segment's
        ``share`` giving it and ``total_share`` of all respondents, ``index``, ``z`` (the
        difference in the answer's standard deviations), ``sig`` and ``phrase`` (what the
        answer says, as the persona's name uses it: "Gamble", "Never been skydiving").
        Empty when the segments were found from attitudes.
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
    needs: pd.DataFrame = _empty(*NEEDS_COLUMNS)
    metrics: pd.DataFrame = _empty(*METRICS_COLUMNS)
    weighted_size: float | None = None
    sentiment: float | None = None
    interviews: int = 0
    scorecard: pd.DataFrame = _empty("criterion", "verdict", "status", "detail")
    headline: str | None = None
    answers: pd.DataFrame = _empty(*ANSWERS_COLUMNS)


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
        Columns ``segment, name, n, share`` (and ``weighted_n`` when weighted); ``share`` is
        weighted when the survey has weights.
    profiles : pd.DataFrame
        Long table: ``section, variable, label, category, segment, value, total, index`` and,
        when tested, ``n, p_value, p_adjusted, sig, letters``. ``section`` is "Attitudes",
        "Needs", "Demographics", "Behaviour", "Technology" or "Channels"; ``value`` is a
        segment mean (items) or share (categories); ``index = 100 * value / total``; ``sig``
        is ``"higher"``/``"lower"``/``""`` (segment vs rest), ``letters`` the segments'
        letters (A = segment 1) this segment is significantly higher than.
    factor_means : pd.DataFrame
        Segment (rows, 1-based) by factor label (columns): mean standardised factor score,
        for the heat map; no columns when the study ran no factor analysis.
    loadings : pd.DataFrame
        Items (rows) by factor label (columns) with extra leading columns ``text`` and
        ``construct``; rotated pattern loadings (no rows without a factor analysis).
    model_selection : pd.DataFrame
        Columns ``k, log_likelihood, n_parameters, bic, aic, relative_entropy,
        smallest_share, chosen`` (the ones present).
    quality : pd.DataFrame
        Columns ``reason, respondents``: the data-quality summary, including a "kept" row.
    exclusions : pd.DataFrame
        Columns ``respondent_id, reason, detail``.
    quotes : pd.DataFrame
        Columns ``segment, persona, code, transcript, quote`` (all personas' quotes).
    created : str
        ISO timestamp of the run; the only field allowed to differ between two identical runs.
    weighted : bool
        Whether sizes, shares, means and tests are weighted.
    tests_note : str
        How the significance tests were done (test, correction, level), for the readers.
    themes : pd.DataFrame or None
        Interview themes by segment: ``segment, persona, code, label, passages, transcripts,
        transcript_share, sentiment``.
    scorecard : pd.DataFrame or None
        The seven-part test, long: ``segment, criterion, verdict, status, detail``
        (``segment`` NA for whole-solution rows).
    respondents : pd.DataFrame or None
        Indexed by respondent id: ``segment, persona, posterior`` (and ``weight``).
    typing_tool : object or None
        A fitted typing tool; the workbook adds its sheet with
        ``research.segments.add_typing_tool_sheet``.
    factor_summary : pd.DataFrame or None
        One row per factor: ``factor, label, n_items, items, alpha, variance``.
    question_text : dict
        Wording of the typing tool's questions (id to text), for its sheet.
    answer_labels : dict
        Answer hint of each typing-tool question ("1 = Strongly disagree … 5 = ...").
    warnings : list of str
        What a reader must know before trusting the segments (indicators dropped, K at the
        edge of the range, a degenerate fit, failed checks, generated names); shown first on
        the executive summary of the workbook and the PDF.
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
    weighted: bool = False
    tests_note: str = ""
    themes: pd.DataFrame | None = None
    scorecard: pd.DataFrame | None = None
    respondents: pd.DataFrame | None = None
    typing_tool: object | None = None
    factor_summary: pd.DataFrame | None = None
    question_text: dict[str, str] = field(default_factory=dict)
    answer_labels: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
