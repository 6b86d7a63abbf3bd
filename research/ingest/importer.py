"""import_responses: read any export, map it, recode it, apply the quality rules, weight it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError, MappingError
from ..questionnaire import Questionnaire
from .detect import read_export
from .generic import read_mapping_file
from .infer import build_questionnaire, infer_from_export
from .mapping import map_columns
from .paradata import paradata as read_paradata
from .paradata import respondent_ids
from .personal import find_personal_columns
from .quality import QualityRules, evaluate_rules
from .recode import recode_columns, reverse_key, to_number
from .routing import SEGMENTABLE, export_not_shown, routing_of, shown_items
from .survey import SurveyData
from .weights import WeightSpec, rake, weight_report

__all__ = ["import_responses"]


def import_responses(
    path: str | Path,
    questionnaire: Questionnaire | None = None,
    *,
    rules: QualityRules | None = None,
    lenient: bool = False,
    strict: bool = False,
    format: str | None = None,
    mapping_file: str | Path | None = None,
    weights: WeightSpec | dict | None = None,
    keep_personal: bool = False,
) -> SurveyData:
    """Import a survey export into :class:`SurveyData`.

    Parameters
    ----------
    path : str or Path
        The export: Qualtrics, SurveyMonkey, Google Forms, KoboToolbox/ODK, SPSS, Stata or a
        plain CSV/XLSX, or a ZIP download holding one (the format is detected; see
        :func:`research.ingest.detect_format`).
    questionnaire : Questionnaire, optional
        The questionnaire fielded; its scales recode the answers. Without it, one is drafted
        from the export (every answer column kept, value labels decoded where the export
        carries them).
    rules : QualityRules, optional
        Exclusion rules (defaults as documented on :class:`QualityRules`).
    lenient : bool
        Set answers outside an item's scale missing (listed in ``recode_problems``) instead of
        raising :class:`RecodeError`.
    strict : bool
        Raise :class:`MappingError` when a questionnaire item has no column.
    format : str, optional
        Skip detection and use this reader (``qualtrics``, ``surveymonkey``, ``google_forms``,
        ``kobo``, ``spss``, ``stata``, ``generic``).
    mapping_file : str or Path, optional
        CSV/XLSX/YAML saying which column (or ImportId) holds which item.
    weights : WeightSpec or dict, optional
        A weight column, or raking targets (the study file's ``weights`` section).
    keep_personal : bool
        Keep personal columns of kept respondents in ``SurveyData.personal`` (never in
        ``responses``).

    Returns
    -------
    SurveyData
        Every data row read is either kept (in ``responses``) or listed in ``exclusions`` with
        a reason: ``n_kept + n_excluded == n_read`` always.

    Raises
    ------
    InputFileError, MappingError, RecodeError, DataError, StudyConfigError
        A problem with the export, the mapping, an answer, or the weighting options; the
        message names the file, row and column.
    """
    rules = rules or QualityRules()
    lenient = lenient or rules.lenient
    spath = str(path)
    data, meta, detection = read_export(path, format=format)
    notes = list(meta.notes)
    ids, id_column = respondent_ids(data, meta)
    if questionnaire is None:
        if len(data) == 0:
            raise InputFileError(
                "has no data rows (only the header rows): there are no answers to draft a "
                "questionnaire from",
                path=spath,
            )
        personal = find_personal_columns(data, meta.columns)
        draft, mapping = infer_from_export(
            data, meta, skip=set(personal["column"]), id_column=id_column
        )
        notes += draft.pop("_notes", [])
        q = build_questionnaire(draft, source=spath, via_yaml=False)
        notes.append("no questionnaire given: one was drafted from the export")
    else:
        q = questionnaire
        mfile = read_mapping_file(mapping_file) if mapping_file is not None else None
        mapping = map_columns(
            meta.columns, q, strict=strict, path=spath, platform=meta.format, mapping_file=mfile
        )
        text_items = {i.id for i in q.items if i.type == "text"}
        protected = set(
            mapping.loc[mapping["item"].notna() & ~mapping["item"].isin(text_items), "column"]
        )
        personal = find_personal_columns(data, meta.columns, protected=protected)
        hit = mapping["column"].isin(set(personal["column"]))
        mapping.loc[hit, "detail"] = mapping.loc[hit, "item"].map(
            lambda i: f"would be item {i}" if isinstance(i, str) else ""
        )
        mapping.loc[hit, ["item", "option", "how"]] = [None, None, "personal"]
        if mapping["item"].notna().sum() == 0:
            raise MappingError(
                "no column of the export matches an item of the questionnaire (by id, ImportId, "
                "name or question text); is this the right questionnaire, or is a mapping file "
                "needed?",
                path=spath,
            )
    personal_cols = tuple(personal["column"])
    blank = _blank_columns(data, mapping)
    mapping.loc[mapping["column"].isin(blank) & (mapping["how"] == "unmapped"), "how"] = "empty"

    para = read_paradata(data, meta, ids)
    recoded = recode_columns(
        data,
        mapping,
        q,
        value_labels=meta.value_labels,
        separator=meta.separator,
        platform=meta.format,
        lenient=lenient,
        path=spath,
        row_ids=ids,
        decimal_comma=meta.delimiter == ";",
    )
    raw = recoded.codes
    marks = export_not_shown(data, mapping, meta.format)
    exclusions, excluded = evaluate_rules(raw, para, q, rules, ids, not_shown=marks)
    keep = ~excluded

    index = pd.Index(ids.to_numpy()[keep], name="respondent_id")
    responses = raw.loc[keep].set_axis(index)  # a new frame: reversing it leaves `raw` alone
    keyed = already_keyed(path)
    if keyed:
        done = [i.id for i in q.items if i.reverse and i.id in keyed and i.id in responses]
        if done:
            notes.append(
                "items already reverse-keyed by the import that wrote this file (quality.json "
                f"beside it), not reversed again: {', '.join(done)}"
            )
    for item in q.items:
        if item.reverse and item.id in responses and item.id not in keyed:
            responses[item.id] = reverse_key(responses[item.id], item, q)
    text = recoded.text.loc[keep].set_axis(index)
    kept_personal = data.loc[keep, list(personal_cols)].set_axis(index) if keep_personal else None
    w, wreport = None, None
    if weights is not None:  # only then is the export itself needed again, for kept rows
        w, wreport = _weights(
            weights, data.loc[keep].set_axis(index), responses, q, meta.delimiter == ";"
        )
    problems = recoded.problems.copy()
    problems.insert(0, "respondent_id", ids.to_numpy()[problems["row"].to_numpy(dtype=int)])
    problems = problems.drop(columns="row")
    para = para.set_index("respondent_id")
    shown = _shown(raw, q, marks, keep, index)
    if shown is not None and marks.shape[1]:
        notes.append(
            "the export marks questions not shown (blank) apart from seen but unanswered "
            "(-99): blanks count as not asked, not as missing"
        )
    rated = [] if shown is None else [i.id for i in q.scale_items() if i.id in shown]
    unshown = int((~shown[rated].to_numpy().any(axis=1)).sum()) if rated else 0
    if unshown:
        notes.append(
            f"{unshown} respondents kept were shown none of the rating items (routing); a study "
            "lists them as not_shown, outside the segmentation base"
        )
    if len(exclusions) + len(responses) != len(data):  # invariant, not user input
        raise AssertionError("import lost respondents")
    return SurveyData(
        responses=responses,
        text=text,
        paradata=para,
        exclusions=exclusions.reset_index(drop=True),
        mapping=mapping,
        questionnaire=q,
        source=spath,
        n_read=len(data),
        weights=w,
        personal_columns=personal_cols,
        format=meta.format,
        encoding=meta.encoding,
        layout=meta.layout,
        detection=detection.evidence,
        recode_problems=problems,
        weight_report=wreport,
        personal=kept_personal,
        notes=tuple(notes),
        shown=shown,
    )


def _shown(raw, q, marks, keep, index) -> pd.DataFrame | None:
    """Which rating and single-choice items (those a study can segment on) each kept
    respondent was shown; None when nothing is routed."""
    items = [i.id for i in q.items if i.type in SEGMENTABLE and i.id in raw]
    screens = any(i.screen_out is not None for i in q.items)
    if not (routing_of(q) or marks.shape[1] or screens) or not items:
        return None
    shown = shown_items(raw, q, items, not_shown=marks)
    return shown.loc[keep].set_axis(index)


def already_keyed(path: str | Path) -> set[str]:
    """Items an earlier import already reverse-keyed in this file (its ``quality.json``).

    ``research import`` writes ``responses.csv`` with reverse-keyed items reversed and lists
    them in ``quality.json`` beside it; importing that ``responses.csv`` again must not reverse
    them a second time.
    """
    import json

    side = Path(path).with_name("quality.json")
    if not side.is_file():
        return set()
    try:
        report = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(report, dict) or report.get("responses_file") != Path(path).name:
        return set()
    keyed = report.get("reverse_keyed")
    return {str(k) for k in keyed} if isinstance(keyed, list) else set()


def _blank_columns(data: pd.DataFrame, mapping: pd.DataFrame) -> set[str]:
    """Unmapped columns without a single answer (reported as ``empty``, not ``unmapped``)."""
    out = set()
    for col in mapping.loc[mapping["how"] == "unmapped", "column"]:
        values = data[col]
        if values.dtype.kind in "fiub":
            empty = values.isna().all()
        else:
            empty = (
                values.astype(object).where(values.notna(), "").astype(str).str.strip() == ""
            ).all()
        if empty:
            out.add(col)
    return out


def _weights(spec, kept: pd.DataFrame, responses: pd.DataFrame, q: Questionnaire, comma=False):
    """Weights of kept respondents from a column or by raking, with their report."""
    from ..errors import DataError

    if spec is None:
        return None, None
    if isinstance(spec, dict):
        spec = WeightSpec.from_dict(spec)
        if spec is None:
            return None, None
    if spec.column:
        if spec.column not in kept.columns:
            from ..errors import suggest

            raise DataError(
                f"weight column {spec.column!r} is not in the export"
                f"{suggest(spec.column, kept.columns)}",
                column=spec.column,
            )
        num, _ = to_number(kept[spec.column], decimal_comma=comma)
        w = pd.Series(num, index=kept.index)
        bad = w.isna() | (w < 0)
        if bad.any():
            raise DataError(
                f"weight {kept[spec.column][bad].iloc[0]!r} is not a non-negative number",
                row=bad.idxmax(),
                column=spec.column,
            )
        w = w.astype(float).rename("weight")
        return w, weight_report(w)
    frame = pd.DataFrame(index=responses.index)
    targets = {}
    for var, shares in spec.targets.items():
        parts = [p.strip() for p in str(var).split(" x ")]
        cols = [_rake_variable(p, kept, responses, q) for p in parts]
        frame[var] = cols[0] if len(cols) == 1 else _cross(cols)
        targets[var] = {_category(var, parts, k, q): float(v) for k, v in shares.items()}
    if len(frame) == 0:
        return pd.Series(dtype=float, name="weight"), weight_report(pd.Series(dtype=float))
    return rake(frame, targets, trim=spec.trim, max_iter=spec.max_iter, tol=spec.tol)


def _rake_variable(name: str, kept: pd.DataFrame, responses: pd.DataFrame, q) -> pd.Series:
    from ..errors import DataError, suggest

    if name in responses.columns:
        return responses[name].map(
            lambda v: np.nan if pd.isna(v) else str(int(v)) if float(v).is_integer() else str(v)
        )
    if name in kept.columns:
        s = kept[name].astype(object).where(kept[name].notna(), "").astype(str).str.strip()
        return s.where(s != "", np.nan)
    raise DataError(
        f"raking variable {name!r} is neither an item nor an export column"
        f"{suggest(name, list(responses.columns) + list(kept.columns))}",
        column=name,
    )


def _cross(cols: list[pd.Series]) -> pd.Series:
    out = cols[0].astype(object)
    for c in cols[1:]:
        out = out + " x " + c.astype(object)
    return out


def _category(var: str, parts: list[str], key: object, q: Questionnaire) -> str:
    """A target category as the raking frame spells it (labels of items become codes)."""
    pieces = [p.strip() for p in str(key).split(" x ")] if len(parts) > 1 else [str(key).strip()]
    out = []
    for part, piece in zip(parts, pieces, strict=False):
        try:
            item = q.item(part)
        except KeyError:
            out.append(piece)
            continue
        labels = {" ".join(c.label.lower().split()): c.code for c in q.options(item)}
        code = labels.get(" ".join(piece.lower().split()))
        out.append(str(code) if code is not None else piece)
    return " x ".join(out)
