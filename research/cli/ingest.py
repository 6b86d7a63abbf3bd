"""`research import` (read, map, recode, clean, weight an export) and
`research questionnaire infer` (draft a questionnaire from a .qsf, an SPSS file or an export)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app, out, progress, questionnaire_app, user_errors

__all__ = ["import_", "questionnaire_infer"]


def _options(config: Path | None, weight_column: str | None):
    """Quality rules and weighting from a study file's ``quality`` and ``weights`` sections."""
    from .._yaml import parse_yaml, read_yaml
    from ..errors import StudyConfigError
    from ..ingest import QualityRules, WeightSpec

    spec: dict = {}
    if config is not None:
        spec, _ = parse_yaml(read_yaml(config, "study", StudyConfigError), config, StudyConfigError)
    rules = QualityRules.from_dict(
        spec.get("quality"), path=None if config is None else str(config)
    )
    weights = WeightSpec.from_dict(
        spec.get("weights"), path=None if config is None else str(config)
    )
    if weight_column:
        if weights is not None and weights.targets:
            raise StudyConfigError(
                "--weight-column and raking targets in --config exclude each other"
            )
        weights = WeightSpec(column=weight_column)
    return rules, weights


@app.command("import")
@user_errors
def import_(
    export: Annotated[
        Path,
        typer.Argument(
            help="The survey export: Qualtrics, SurveyMonkey, Google Forms, KoboToolbox/ODK "
            "(CSV/TSV/XLSX), SPSS .sav/.zsav/.por, Stata .dta, any CSV/XLSX, or a ZIP "
            "download holding one of them."
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the cleaned data.")],
    questionnaire: Annotated[
        Path | None,
        typer.Option(
            "--questionnaire",
            "-q",
            help="The questionnaire YAML fielded. Without it one is drafted from the export.",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Skip detection: qualtrics, surveymonkey, google_forms, kobo, spss, stata, "
            "generic.",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="CSV/XLSX/YAML mapping export columns to item ids."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="A study file: its 'quality' rules and 'weights' are applied."
        ),
    ] = None,
    weight_column: Annotated[
        str | None, typer.Option("--weight-column", help="Export column holding weights.")
    ] = None,
    lenient: Annotated[
        bool, typer.Option(help="Set answers outside an item's scale missing instead of failing.")
    ] = False,
    strict: Annotated[
        bool, typer.Option(help="Fail when a questionnaire item has no column in the export.")
    ] = False,
    sav: Annotated[
        bool, typer.Option("--sav", help="Also write responses.sav with variable/value labels.")
    ] = False,
    keep_personal: Annotated[
        bool,
        typer.Option("--keep-personal", help="Write recognised personal columns to personal.csv."),
    ] = False,
) -> None:
    """Import an export: detect its format, map columns to items, recode, apply the quality
    rules, weight.

    Writes responses.csv (one numeric column per item, indexed by respondent_id),
    exclusions.csv (respondent_id, reason, detail) and quality.json (counts by reason,
    encoding, detected format, mapping, answers set missing, personal columns left out,
    weights); text.csv and weights.csv when there are open answers or weights; responses.sav
    with --sav.

    Example: research import export.csv --questionnaire Q.yaml --out data/ --sav
    """
    from ..ingest import import_responses, write_import
    from ..questionnaire import load_questionnaire

    rules, weights = _options(config, weight_column)
    q = load_questionnaire(questionnaire) if questionnaire is not None else None
    progress(f"reading {export}")
    survey = import_responses(
        export,
        q,
        rules=rules,
        lenient=lenient,
        strict=strict,
        format=fmt,
        mapping_file=mapping,
        weights=weights,
        keep_personal=keep_personal,
    )
    files = write_import(survey, out_dir, sav=sav, keep_personal=keep_personal)
    reasons = survey.exclusions["reason"].value_counts()
    report = survey.mapping_report()
    out.print(
        f"Detected {survey.format} ({survey.layout}, {survey.encoding}): {survey.detection}",
        markup=False,
    )
    out.print(
        f"Read {survey.n_read:,} respondent{'s' if survey.n_read != 1 else ''}: kept "
        f"{survey.n_kept:,}, excluded {survey.n_excluded:,}"
        + (f" ({', '.join(f'{r} {n}' for r, n in reasons.items())})" if len(reasons) else "")
    )
    if survey.n_read and not survey.n_kept:
        first = str(reasons.index[0])
        out.print(
            "Every respondent was excluded: if that is not right, switch the rule off or tune it "
            f"in the study file's quality section (e.g. 'quality: {{{first}: ...}}') and pass "
            "it with --config",
            markup=False,
        )
    out.print(
        f"Mapped {report['mapped']} of {report['columns']} columns; unmapped "
        f"{len(report['unmapped'])}, ambiguous {len(report['ambiguous'])}; items without a "
        f"column {len(report['items_without_column'])}",
        markup=False,
    )
    if survey.n_set_missing:
        out.print(f"Set {survey.n_set_missing:,} out-of-scale answers missing (--lenient)")
    if survey.personal_columns:
        out.print(
            f"Left out {len(survey.personal_columns)} personal columns: "
            + ", ".join(survey.personal_columns),
            markup=False,
        )
    if survey.weight_report:
        wr = survey.weight_report
        out.print(
            f"Weights: efficiency {wr.get('efficiency', float('nan')):.1%}, effective n "
            f"{wr.get('effective_n', 0):,.0f}, range {wr.get('min', 0):.2f}-{wr.get('max', 0):.2f}"
        )
    out.print("Wrote " + ", ".join(str(p) for p in files.values()), markup=False)


@questionnaire_app.command("infer")
@user_errors
def questionnaire_infer(
    source: Annotated[
        Path,
        typer.Argument(help="A Qualtrics survey definition (.qsf), an SPSS file, or any export."),
    ],
    out_file: Annotated[Path, typer.Option("--out", help="The questionnaire YAML to write.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="Force the export reader (as for import).")
    ] = None,
) -> None:
    """Draft a questionnaire (items, scales, choices, ids) from what a survey file says about
    itself, so the next import maps by id. Check types, reverse keying and constructs after.

    Example: research questionnaire infer Sample_Survey.qsf --out questionnaire.yaml
    """
    from ..ingest import infer_questionnaire
    from ..reports.safe_write import atomic_write

    q, text, notes = infer_questionnaire(source, format=fmt)
    with atomic_write(out_file) as tmp:
        tmp.write_text(text, encoding="utf-8")
    out.print(f"Wrote {out_file} ({len(q.items)} items in {len(q.blocks)} blocks)", markup=False)
    for note in notes:
        out.print(f"  not drafted: {note}", markup=False)
