"""A study file (study.yaml) and run_study(), which chains every stage.

The study file names the inputs (questionnaire, export, interviews) and the options of each
stage; paths are relative to the study file. ``run_study`` goes one way through the stages —
import, factors, segments, interviews, personas, reports — and returns every intermediate
object so a notebook can look inside.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ._yaml import parse_yaml, read_yaml, validate_yaml
from .clock import created_timestamp
from .errors import InputFileError, StudyConfigError, suggest
from .factors import FactorSolution, fit_factors, max_identified_factors
from .factors.flags import empty_factors
from .factors.model import MIN_ITEMS
from .ingest import QualityRules, SurveyData, WeightSpec, import_responses
from .ingest.quality import missing_out
from .ingest.routing import SEGMENTABLE, route_out
from .model_file import write_run_model
from .personas import Persona, ReportContent, assemble_report
from .personas.profiles import display_codes, short_label
from .pseudonyms import map_column, map_index, pseudonymise
from .questionnaire import Questionnaire, load_questionnaire
from .reports import write_reports
from .reportset import report_set
from .safe_cells import write_csv
from .segments import (
    DEFAULT_THRESHOLDS,
    SegmentAnalysis,
    SegmentSolution,
    adjusted_rand_index,
    analyse_segments,
)
from .text import (
    attach_segments,
    code_turns,
    load_codebook,
    pick_quotes,
    read_transcripts,
)

__all__ = ["NO_FACTORS", "Study", "StudyResult", "load_study", "run_study"]

#: What a run without a rating battery says, first thing in its reports.
NO_FACTORS = "No rating battery: no factor analysis; segments are profiled on their items."


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InterviewOptions(_Section):
    transcripts: str
    codebook: str
    links: str | None = None
    interviewer_names: list[str] = Field(default_factory=list)
    redact_names: list[str] = Field(default_factory=list)
    quotes_per_segment: int = Field(3, ge=1, le=10)


class FactorOptions(_Section):
    n_factors: int | Literal["auto"] = "auto"
    method: Literal["minres", "ml", "pa"] = "minres"
    rotation: Literal["oblimin", "promax", "varimax", "geomin", "none"] = "oblimin"
    correlation: Literal["pearson", "polychoric", "auto"] = "auto"
    scores: Literal["regression", "bartlett", "tenberge"] = "regression"
    labels: dict[str, str] = Field(default_factory=dict)


class SegmentOptions(_Section):
    k_min: int = Field(2, ge=1)
    k_max: int = Field(8, ge=1)
    #: gmm / lpa (Gaussian mixtures), kmeans, or lca (latent classes of the answers). Default:
    #: lca when segmenting rating answers (it takes "Don't know" and skipped answers as
    #: missing), gmm on factor scores.
    kind: Literal["gmm", "lpa", "kmeans", "lca"] | None = None
    #: What is segmented: factor scores, or the rating items' answers (default: answers for
    #: lca, factor scores otherwise).
    basis: Literal["factor_scores", "items"] | None = None
    #: Items to segment on when the basis is items (default: every rating item): rating
    #: (likert, importance) or single-choice items; single-choice ones need kind lca.
    items: list[str] | None = None
    #: LCA only: adjacent-category logit for ordered answers.
    ordinal: bool = False
    covariance_type: Literal["full", "tied", "diag", "spherical"] = "full"
    n_init: int = Field(10, ge=1)
    min_share: float = Field(0.03, ge=0, lt=1)
    names: dict[int, str] = Field(default_factory=dict)
    #: Bootstrap re-fits for the stability check (0 skips it).
    n_boot: int = Field(20, ge=0, le=1000)
    #: Most golden questions in the typing tool (0: no typing tool).
    golden_questions: int = Field(8, ge=0, le=30)
    typing_method: Literal["logistic", "lda"] = "logistic"
    #: Items segments are reached by (accessible); default: every demographic, geographic,
    #: behavioural and technographic question that is not a rating scale.
    reach: list[str] | None = None
    #: Scorecard thresholds, e.g. ``{substantial: {pass: 0.15}}``.
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict)


class PersonaOptions(_Section):
    #: The value or behaviour measure shown in each persona's header (a numeric question's id,
    #: e.g. annual spend); without it the header shows the segment's size only.
    headline: str | None = None


class ReportOptions(_Section):
    correction: Literal["bh", "holm", "none"] = "bh"
    alpha: float = Field(0.05, gt=0, lt=1)


class PrivacyOptions(_Section):
    #: ``pseudonymise``: reports and CSVs show R0001, R0002, ...; the lookup to the export's
    #: ids is written to ``<report folder>-private/respondent_ids.csv``, outside the report
    #: set. ``keep``: show the export's own ids (only when they are not personal data).
    respondent_ids: Literal["pseudonymise", "keep"] = "pseudonymise"


class Study(_Section):
    """The contents of a study file. Load one with :func:`load_study`."""

    title: str
    subtitle: str = ""
    questionnaire: str
    export: str
    format: str | None = None
    mapping: str | None = None
    weights: dict[str, Any] | None = None
    interviews: InterviewOptions | None = None
    quality: dict[str, float | int | bool | None] = Field(default_factory=dict)
    factors: FactorOptions = Field(default_factory=FactorOptions)
    segments: SegmentOptions = Field(default_factory=SegmentOptions)
    personas: PersonaOptions = Field(default_factory=PersonaOptions)
    report: ReportOptions = Field(default_factory=ReportOptions)
    privacy: PrivacyOptions = Field(default_factory=PrivacyOptions)
    truth: str | None = None
    random_state: int = 0
    output: str = "reports/study"
    base_dir: str = "."

    def resolve(self, relative: str) -> Path:
        """A path from the study file, relative to the study file's folder."""
        p = Path(relative)
        return p if p.is_absolute() else Path(self.base_dir) / p


def load_study(path: str | Path) -> Study:
    """Read and validate a study file; errors name the file, line and field."""
    path = Path(path)
    data, lines = parse_yaml(read_yaml(path, "study", StudyConfigError), path, StudyConfigError)
    data = {**data, "base_dir": str(path.resolve().parent)}
    study = validate_yaml(Study, data, lines, path, StudyConfigError)
    QualityRules.from_dict(study.quality, path=str(path))
    _check_thresholds(study.segments.thresholds, path, lines)
    WeightSpec.from_dict(study.weights, path=str(path))
    for name in ("questionnaire", "export"):
        if not study.resolve(getattr(study, name)).exists():
            raise StudyConfigError(
                f"{name} file {getattr(study, name)!r} does not exist",
                path=path,
                line=lines.get((name,)),
            )
    return study


def _check_thresholds(thresholds: dict, path: Path, lines: dict) -> None:
    for crit, rule in thresholds.items():
        where = lines.get(("segments", "thresholds", crit))
        if crit not in DEFAULT_THRESHOLDS:
            raise StudyConfigError(
                f"segments.thresholds: {crit!r} is not a scorecard criterion"
                f"{suggest(crit, DEFAULT_THRESHOLDS)}",
                path=path,
                line=where,
            )
        unknown = set(rule) - set(DEFAULT_THRESHOLDS[crit])
        if unknown:
            raise StudyConfigError(
                f"segments.thresholds.{crit}: unknown setting {sorted(unknown)[0]!r}; "
                f"allowed: {', '.join(DEFAULT_THRESHOLDS[crit])}",
                path=path,
                line=where,
            )


@dataclass
class StudyResult:
    """Everything one run produced."""

    study: Study
    questionnaire: Questionnaire
    survey: SurveyData
    #: None when the study has no rating battery (fewer than 3 rating items).
    factors: FactorSolution | None
    segments: SegmentSolution
    coded: pd.DataFrame | None
    quotes: pd.DataFrame | None
    personas: list[Persona]
    content: ReportContent
    recovery: float | None = None
    files: dict[str, Path] = field(default_factory=dict)
    analysis: SegmentAnalysis | None = None


def _noop(message: str) -> None:  # default progress callback
    return None


def run_study(
    study: Study | str | Path,
    out_dir: str | Path | None = None,
    *,
    progress: Callable[[str], None] = _noop,
    progress_bars: bool = False,
    created: str | None = None,
) -> StudyResult:
    """Run every stage of a study and write its reports.

    Parameters
    ----------
    study : Study or path to a study file
    out_dir : path, optional
        Where reports go (default: the study's ``output``, relative to the current folder).
    progress : callable
        Called with a short message as each stage starts (the CLI prints them).
    progress_bars : bool
        Let the long statistics (model sweep, stability bootstrap) report their progress on
        stderr: bars in a terminal, plain lines when piped.
    created : str, optional
        Timestamp written into the reports (ISO); default ``SOURCE_DATE_EPOCH`` when set, else
        now (UTC), see :func:`research.clock.created_timestamp`. Everything else in the output
        is a function of the inputs and ``random_state``.

    Returns
    -------
    StudyResult
    """
    if not isinstance(study, Study):
        study = load_study(study)
    out = Path(out_dir if out_dir is not None else study.output)
    created = created_timestamp(created)
    seed = study.random_state

    progress("reading the questionnaire")
    q = load_questionnaire(study.resolve(study.questionnaire))
    _check_items(study, q)
    progress("importing responses")
    rules = QualityRules.from_dict(study.quality)
    survey = import_responses(
        study.resolve(study.export),
        q,
        rules=rules,
        format=study.format,
        mapping_file=study.resolve(study.mapping) if study.mapping else None,
        weights=study.weights,
    )
    scale = survey.scale_items()
    if study.segments.items is None and not scale:
        from .ingest.infer import rating_hint

        raise StudyConfigError(
            rating_hint(q, survey.responses)
            + "; or name single-choice items to segment on in segments.items",
            path=str(study.resolve(study.questionnaire)),
        )
    items = _segment_items(study, survey)
    # Respondents routed past every segmentation item are listed as not_shown, not segmented.
    survey, outside = route_out(survey, items)
    categorical = [i for i in items if i not in scale]
    if categorical:
        # The import's missing-answer rule counts rating items only; apply it to these too.
        survey, _ = missing_out(survey, items, rules.max_missing_share)

    factors, labels, notes = None, {}, []
    fo = study.factors
    if len(scale) >= MIN_ITEMS and max_identified_factors(len(scale)) >= 1:
        progress("factor analysis")
        factors = fit_factors(
            survey.responses[scale],
            n_factors=fo.n_factors,
            method=fo.method,
            rotation=fo.rotation,
            correlation=fo.correlation,
            scores=fo.scores,
            constructs=q.construct_of(),
            construct_labels=q.construct_labels(),
            wording=_wording(q),
            labels=fo.labels,
            random_state=seed,
        )
        hollow = empty_factors(factors.loadings)
        # Flagged, not dropped: the run's model file scores new data on every factor.
        labels = {
            f: f"{v} (no primary item)" if f in hollow else v for f, v in factors.labels.items()
        }
        notes = [
            f"Factor {f} has no item loading on it primarily (|loading| >= 0.30): it is noise "
            "more than an attitude; it is not used to name personas and should not be "
            "interpreted."
            for f in hollow
        ]
    else:
        # Too few rating items to identify a factor: segment and profile on the items.
        notes = [NO_FACTORS]

    progress("choosing segments")
    so = study.segments
    if so.kind is None:
        on_items = so.basis == "items" or (
            so.basis is None and (so.items is not None or factors is None)
        )
        so = so.model_copy(update={"kind": "lca" if on_items else "gmm"})
        study = study.model_copy(update={"segments": so})
    basis_name, basis = _basis(study, survey, factors, items)
    on_scores = basis_name == "factor scores"
    questions = _as_answered(survey, [] if on_scores else list(basis.columns))
    if not questions.shape[1] and so.golden_questions:
        notes.append(
            "No typing tool: its golden questions are rating or yes/no questions, and the "
            "segmentation items have none."
        )
    analysis = analyse_segments(
        basis,
        kind=so.kind,
        ordinal=so.ordinal,
        k_min=so.k_min,
        k_max=so.k_max,
        n_init=so.n_init,
        min_share=so.min_share,
        covariance_type=so.covariance_type,
        sample_weight=survey.weights,
        n_boot=so.n_boot,
        questions=questions,
        max_questions=so.golden_questions if questions.shape[1] else 0,
        typing_method=so.typing_method,
        reach=_reach(study, survey),
        needs=_needs(survey, list(basis.columns) if not on_scores else []),
        thresholds=so.thresholds or None,
        random_state=seed,
        progress=progress_bars,
        screen="none" if on_scores else "items",
        warnings=tuple(notes),
    )
    segments = analysis.solution
    if len(analysis.basis_columns) < basis.shape[1]:  # the screen dropped columns
        basis = basis[[c for c in basis.columns if str(c) in analysis.basis_columns]]

    coded = quotes = None
    if study.interviews is not None:
        progress("coding interviews")
        coded, quotes = _interviews(study, segments.assignments)

    recovery = _recovery(study, segments.assignments)
    facts: list[tuple[str, object]] = []
    if factors is not None:
        facts += [
            (
                "Factor method",
                f"{fo.method} extraction, {fo.rotation} rotation, "
                f"{factors.correlation_method} correlations",
            ),
            (
                "Factors",
                f"{factors.loadings.shape[1]}"
                + (" (parallel analysis)" if fo.n_factors == "auto" else " (set in study file)"),
            ),
        ]
    else:
        facts.append(
            ("Factors", f"none (no rating battery: {len(scale)} rating items, {MIN_ITEMS} needed)")
        )
    facts += [
        ("Segmentation", f"{so.kind} on {basis_name}, K = {so.k_min}..{so.k_max}"),
        ("Segments chosen because", segments.reason),
    ]
    if outside:
        facts.append(("Outside the segmentation base", outside))
    if recovery is not None:
        facts.append(("Planted-segment recovery (adjusted Rand index)", round(recovery, 3)))
    progress("building personas")
    content = assemble_report(
        title=study.title,
        subtitle=study.subtitle,
        survey=survey,
        assignments=segments.assignments,
        factor_scores=None if factors is None else factors.scores,
        factor_labels=labels,
        loadings=None if factors is None else factors.loadings,
        model_selection=segments.fit_table,
        facts=facts,
        created=created,
        posteriors=segments.posteriors,
        coded=coded,
        quotes=quotes,
        names=so.names,
        scorecard=analysis.verdicts(),
        typing_tool=analysis.typing_tool,
        reliability=None if factors is None else factors.reliability,
        variance=None if factors is None else factors.variance,
        correction=study.report.correction,
        alpha=study.report.alpha,
        warnings=analysis.warnings,
        headline=_headline(study, survey),
        # Answers name the personas when they are what the segments were found from.
        basis_items=(
            list(basis.columns) if not on_scores and (categorical or factors is None) else None
        ),
    )
    personas = content.personas

    progress("writing reports")
    ids = None
    if study.privacy.respondent_ids == "pseudonymise":
        ids = pseudonymise([*survey.responses.index, *survey.exclusions["respondent_id"]])
        _write_id_key(out, ids)
    # The whole set is written into a staging folder and swapped in at once (research.reportset).
    with report_set(out) as staging:
        staged = _write_outputs(staging, content, survey, analysis, ids)
        staged |= write_run_model(
            staging,
            study=study,
            questionnaire=q,
            analysis=analysis,
            basis=basis,
            factors=factors,
            personas=personas,
            created=created,
            ids=ids,
        )
    files = {role: out / path.relative_to(staging) for role, path in staged.items()}
    return StudyResult(
        study=study,
        questionnaire=q,
        survey=survey,
        factors=factors,
        segments=segments,
        coded=coded,
        quotes=quotes,
        personas=personas,
        content=content,
        recovery=recovery,
        files=files,
        analysis=analysis,
    )


def _read_table(path: Path, what: str) -> pd.DataFrame:
    """A small CSV the study file names (links, planted segments), as text; one-line errors."""
    from .ingest.textio import decode_bytes, read_bytes

    try:
        utf8, _, _ = decode_bytes(read_bytes(path), path)
        frame = pd.read_csv(io.BytesIO(utf8), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(
            f"the {what} file is not a readable CSV ({first})", path=path
        ) from None
    if frame.empty:
        raise InputFileError(f"the {what} file has no rows", path=path)
    return frame


def _interviews(study: Study, assignments: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    opts = study.interviews
    assert opts is not None  # invariant: caller checked
    turns = read_transcripts(
        study.resolve(opts.transcripts), interviewer_names=opts.interviewer_names or None
    )
    codebook = load_codebook(study.resolve(opts.codebook))
    coded = code_turns(turns, codebook)
    if opts.links:
        links_path = study.resolve(opts.links)
        if not links_path.exists():
            raise InputFileError("interview links file does not exist", path=links_path)
        links = _read_table(links_path, "interview links")
        missing = {"transcript", "respondent_id"} - set(links.columns)
        if missing:
            raise InputFileError(
                f"interview links need columns transcript, respondent_id; missing {sorted(missing)}",
                path=links_path,
            )
        coded = attach_segments(coded, links, assignments)
    quotes = pick_quotes(
        coded, by="segment", per_group=opts.quotes_per_segment, names=opts.redact_names
    )
    return coded, quotes


#: Bases of the questions a segment can be reached or targeted by (the scorecard's accessible).
_REACH_BASES = ("demographic", "geographic", "behavioural", "technographic")


def _reach(study: Study, survey: SurveyData) -> pd.DataFrame | None:
    """Categorical columns of the reach questions (one 0/1 column per option of a multi)."""
    q = survey.questionnaire
    ids = study.segments.reach
    if ids is None:
        # Not the segmentation items themselves: a segment is trivially reached by its basis.
        basis = set(study.segments.items or [])
        ids = [
            i.id
            for i in q.items
            if i.basis in _REACH_BASES and i.type in ("single", "multi") and i.id not in basis
        ]
    else:
        known = {i.id for i in q.items}
        for i in ids:
            if i not in known:
                raise StudyConfigError(
                    f"segments.reach: {i!r} is not a question of the questionnaire"
                    f"{suggest(i, known)}"
                )
    names: dict[str, str] = {}
    for i in ids:
        item = q.item(i)
        label = short_label(item)
        options = {f"{item.id}_{o.code}": o.label for o in q.options(item)}
        for col in survey.columns_of(item):
            # Readable names: the scorecard's evidence quotes them to stakeholders.
            names[col] = f"{label}: {options[col]}" if item.type == "multi" else label
    if not names:
        return None
    return survey.responses[list(names)].rename(columns=names)


def _wording(q: Questionnaire) -> dict[str, str]:
    """Item wording that names the high end of each item's imported codes (factor labels).

    A reverse-keyed item's wording names the other pole, so it is left out. When every item
    on a scale is reversed, the scale ran from the top down (``1 = Strongly agree``, as
    ``questionnaire infer`` marks it): the wording still names the high end.
    """
    on_scale: dict[str, list[bool]] = {}
    for i in q.items:
        if i.scale_id is not None:
            on_scale.setdefault(i.scale_id, []).append(i.reverse)
    top_down = {s for s, rev in on_scale.items() if len(rev) > 1 and all(rev)}
    return {i.id: i.text for i in q.items if not i.reverse or i.scale_id in top_down}


def _check_items(study: Study, q: Questionnaire) -> None:
    """segments.items names rating or single-choice questions of the questionnaire."""
    known = {i.id: i for i in q.items}
    for i in study.segments.items or []:
        item = known.get(i)
        if item is None:
            usable = [x.id for x in q.items if x.type in SEGMENTABLE]
            raise StudyConfigError(
                f"segments.items: {i!r} is not a rating item or single-choice question of the "
                f"questionnaire{suggest(i, usable)}"
            )
        if item.type not in SEGMENTABLE:
            raise StudyConfigError(
                f"segments.items: {i!r} is a {item.type} item; segments are found from rating "
                "(likert, importance) or single-choice items"
            )


def _segment_items(study: Study, survey: SurveyData) -> list[str]:
    """The items segments are found from when the basis is items (default: the ratings)."""
    if study.segments.items is None:
        return survey.scale_items()
    for i in study.segments.items:
        if i not in survey.responses:
            raise StudyConfigError(f"segments.items: {i!r} has no column in the export")
    return list(dict.fromkeys(study.segments.items))


def _basis(
    study: Study, survey: SurveyData, factors: FactorSolution | None, items: list[str]
) -> tuple[str, pd.DataFrame]:
    """What the segments are found in, named for the reports."""
    so = study.segments
    # Naming the items to segment is asking to segment on them; without factors, so is none.
    on_items = so.kind == "lca" or so.items is not None or factors is None
    basis = so.basis or ("items" if on_items else "factor_scores")
    if basis == "factor_scores":
        if so.items is not None:
            raise StudyConfigError(
                "segments.items needs segments.basis: items (leave basis out to segment on them)"
            )
        if factors is None:
            raise StudyConfigError(
                "segments.basis: factor_scores needs a factor analysis, and the study has no "
                f"rating battery (at least {MIN_ITEMS} rating items); segment on items instead"
            )
        return "factor scores", factors.scores
    q = survey.questionnaire
    single = [i for i in items if q.item(i).type == "single"]
    if single and so.kind != "lca":
        raise StudyConfigError(
            f"segments.kind: {so.kind} needs numeric answers; single-choice items "
            f"({', '.join(single[:3])}) are segmented with kind: lca"
        )
    rating = len(items) - len(single)
    if not single:
        name = f"{rating} rating items"
    elif not rating:
        name = f"{len(single)} single-choice items"
    else:
        name = f"{rating} rating and {len(single)} single-choice items"
    return name, survey.responses[items]


def _headline(study: Study, survey: SurveyData) -> str | None:
    """The persona header's measure: a numeric question the study file declares, or None."""
    item = study.personas.headline
    if item is None:
        return None
    ids = [i.id for i in survey.questionnaire.items]
    if item not in ids or item not in survey.responses:
        raise StudyConfigError(
            f"personas.headline: {item!r} is not a question of the export{suggest(item, ids)}"
        )
    if pd.to_numeric(survey.responses[item], errors="coerce").notna().sum() == 0:
        raise StudyConfigError(
            f"personas.headline: {item!r} holds no numbers; name a value or behaviour measure "
            "(spend, frequency)"
        )
    return item


def _as_answered(survey: SurveyData, basis: list[str] | tuple = ()) -> pd.DataFrame:
    """Typing-tool candidates as respondents gave them (reverse-keying undone): the rating
    items, and yes/no (two-answer) items of the basis, whose code is a 0/1 indicator; codes
    of a question with more answers have no order a linear score could use."""
    q = survey.questionnaire
    scale = survey.scale_items()
    binary = [
        i
        for i in basis
        if i not in scale and q.item(i).type == "single" and len(q.options(q.item(i))) == 2
    ]
    return pd.DataFrame(
        {i: display_codes(survey, q.item(i)) for i in [*scale, *binary]},
        index=survey.responses.index,
    )


def _needs(survey: SurveyData, basis: list[str]) -> pd.DataFrame:
    """Needs items (basis ``needs``), else every rating-scale item: actionable, differentiable.

    Without rating items, one 0/1 column per answer of the single-choice basis items: what
    stands out in a behavioural segmentation is what its segments do.
    """
    scale = survey.scale_items()
    q = survey.questionnaire
    needs = [i for i in scale if q.item(i).basis == "needs"]
    if scale or not basis:
        return survey.responses[needs or scale]
    columns = {}
    for i in basis:
        values = survey.responses[i]
        for c in q.options(q.item(i)):
            columns[f"{i}: {c.label}"] = (values == c.code).astype(float).where(values.notna())
    return pd.DataFrame(columns, index=survey.responses.index)


def _recovery(study: Study, assignments: pd.Series) -> float | None:
    """Adjusted Rand index against planted segments, when the study ships its truth."""
    if not study.truth:
        return None
    truth_path = study.resolve(study.truth)
    table = _read_table(truth_path, "planted segments")
    if "segment" not in table.columns:
        raise InputFileError("the planted-segments file needs a 'segment' column", path=truth_path)
    truth = pd.to_numeric(table["segment"], errors="coerce").set_axis(table.iloc[:, 0])
    common = assignments.index.intersection(truth.index)
    return adjusted_rand_index(truth.loc[common], assignments.loc[common])


def _write_id_key(out: Path, ids: dict) -> Path:
    """The pseudonym -> export id lookup, beside (never inside) the report folder."""
    key = pd.DataFrame({"pseudonym": list(ids.values()), "respondent_id": list(ids.keys())})
    return write_csv(key, out.parent / f"{out.name}-private" / "respondent_ids.csv", index=False)


def _write_outputs(
    out: Path,
    content: ReportContent,
    survey: SurveyData,
    analysis: SegmentAnalysis,
    ids: dict | None = None,
) -> dict[str, Path]:
    assignments, exclusions = analysis.assignments_table(), survey.exclusions
    if ids is not None:  # every id-bearing output, in one place
        content = replace(
            content,
            respondents=map_index(content.respondents, ids),
            exclusions=map_column(content.exclusions, "respondent_id", ids),
        )
        assignments = map_index(assignments, ids)
        exclusions = map_column(exclusions, "respondent_id", ids)
    files = write_reports(content, out)
    for name, frame, index in (
        ("segments.csv", assignments, True),
        ("exclusions.csv", exclusions, False),
        ("scorecard.csv", analysis.scorecard, False),
    ):
        files[name.removesuffix(".csv")] = write_csv(frame, out / name, index=index)
    return files
