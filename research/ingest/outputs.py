"""Write an import's results: responses, exclusions, quality report, optionally SPSS."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .survey import SurveyData

__all__ = ["quality_report", "write_import"]

_PROBLEM_EXAMPLES = 20


def quality_report(survey: SurveyData) -> dict:
    """What ``quality.json`` holds: source, format, encoding, counts by reason, mapping,
    answers set missing, personal columns kept out, weights."""
    reasons = survey.exclusions["reason"].value_counts(sort=False)
    problems = survey.recode_problems
    out_of_scale: dict = {}
    if problems is not None and len(problems):
        for col, grp in problems.groupby("column", sort=False):
            out_of_scale[str(col)] = {
                "answers": int(len(grp)),
                "item": str(grp["item"].iloc[0]),
                "values": sorted({str(v) for v in grp["value"]})[:10],
                "rows": [str(r) for r in grp["respondent_id"].iloc[:_PROBLEM_EXAMPLES]],
            }
    return {
        "source": Path(survey.source).name,
        "format": survey.format,
        "layout": survey.layout,
        "encoding": survey.encoding,
        "detected_because": survey.detection,
        "respondents": {
            "read": survey.n_read,
            "kept": survey.n_kept,
            "excluded": survey.n_excluded,
            "excluded_by_reason": {str(k): int(v) for k, v in reasons.items()},
        },
        "answers_set_missing": survey.n_set_missing,
        "out_of_scale": out_of_scale,
        "mapping": survey.mapping_report(),
        "personal_columns_left_out": list(survey.personal_columns),
        # responses.csv holds these items reverse-keyed already: a re-import of it must not
        # reverse them again (the importer reads this list next to the file).
        "responses_file": "responses.csv",
        "reverse_keyed": _reverse_keyed(survey),
        "weights": survey.weight_report,
        "notes": list(survey.notes),
    }


def _reverse_keyed(survey: SurveyData) -> list[str]:
    q = survey.questionnaire
    return [i.id for i in q.items if i.reverse and i.id in survey.responses.columns]


def _value_labels(survey: SurveyData) -> tuple[dict, dict, dict]:
    q = survey.questionnaire
    var_labels, val_labels, measure = {}, {}, {}
    for item in q.items:
        if item.type == "multi":
            for c in q.options(item):
                col = f"{item.id}_{c.code}"
                var_labels[col] = f"{item.text} - {c.label}"[:255]
                val_labels[col] = {0: "Not selected", 1: "Selected"}
                measure[col] = "nominal"
            continue
        var_labels[item.id] = item.text
        if item.type in ("numeric", "text"):
            measure[item.id] = "scale" if item.type == "numeric" else "nominal"
            continue
        options = q.options(item)
        if item.reverse:  # codes were reversed on import: label the reversed codes
            lo, hi = min(c.code for c in options), max(c.code for c in options)
            val_labels[item.id] = {lo + hi - c.code: f"{c.label} (reversed)" for c in options}
        else:
            val_labels[item.id] = {c.code: c.label for c in options}
        measure[item.id] = "ordinal" if item.type in ("likert", "importance") else "nominal"
    return var_labels, val_labels, measure


def write_import(
    survey: SurveyData,
    out_dir: str | Path,
    *,
    sav: bool = False,
    keep_personal: bool = False,
    raw_csv: bool | None = None,
) -> dict[str, Path]:
    """Write ``responses.csv``, ``exclusions.csv``, ``quality.json`` and the optional files.

    ``text.csv`` holds open-ended answers when there are any, ``weights.csv`` the weights when
    the survey is weighted, ``personal.csv`` the personal columns only with `keep_personal`,
    and ``responses.sav`` (with `sav`) codes, open text and weights with variable and value
    labels.

    Text cells that a spreadsheet would run as a formula get a leading apostrophe unless
    ``raw_csv`` (default: the ``RESEARCH_RAW_CSV`` environment variable), see
    :mod:`research.safe_cells`; this package's importer removes it again on re-import.

    Returns
    -------
    dict
        File role -> path written.

    Raises
    ------
    ReportError
        A file cannot be written.
    """
    from ..atomic import atomic_write
    from ..safe_cells import write_csv
    from .spss import write_spss

    out = Path(out_dir)
    files: dict[str, Path] = {}
    frames = [
        ("responses.csv", survey.responses, True),
        ("exclusions.csv", survey.exclusions, False),
    ]
    if survey.text.shape[1]:
        frames.append(("text.csv", survey.text, True))
    if survey.weights is not None:
        frames.append(("weights.csv", survey.weights.rename("weight").to_frame(), True))
    if keep_personal and survey.personal is not None and survey.personal.shape[1]:
        frames.append(("personal.csv", survey.personal, True))
    for name, frame, index in frames:
        files[name.removesuffix(".csv")] = write_csv(frame, out / name, index=index, raw=raw_csv)
    with atomic_write(out / "quality.json") as tmp:
        tmp.write_text(
            json.dumps(quality_report(survey), indent=2, default=str) + "\n", encoding="utf-8"
        )
    files["quality"] = out / "quality.json"
    if sav:
        frame = pd.concat([survey.responses, survey.text], axis=1)
        if survey.weights is not None:
            frame["weight"] = survey.weights
        var_labels, val_labels, measure = _value_labels(survey)
        var_labels["respondent_id"] = "Respondent id"
        files["sav"] = write_spss(
            frame,
            out / "responses.sav",
            variable_labels=var_labels,
            value_labels=val_labels,
            measure=measure,
        )
    return files
