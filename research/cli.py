"""The ``research`` command: one thin command per stage, plus ``run`` and ``demo``.

Each command parses its options, calls one library function and prints a short summary. A
:class:`ResearchError` (a user mistake) becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .errors import ResearchError

__all__ = ["app", "main"]

app = typer.Typer(
    name="research",
    help="Needs-based and psychographic segmentation: questionnaires, import, factors, "
    "segments, personas.\n\nExample: research demo --out reports/demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
questionnaire_app = typer.Typer(
    help="Build questionnaires.\n\nExample: research questionnaire build Q.yaml --out forms/",
    no_args_is_help=True,
)
app.add_typer(questionnaire_app, name="questionnaire")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a ResearchError into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ResearchError as exc:
            err.print(f"error: {exc}", soft_wrap=True, markup=False)
            raise typer.Exit(2) from None

    return wrapper


def _report(result: Any, out_dir: Path) -> None:
    s = result.survey
    out.print(
        f"Imported {s.n_read:,} respondents: kept {s.n_kept:,}, excluded {s.n_excluded:,} "
        f"({', '.join(f'{r} {n}' for r, n in s.exclusions['reason'].value_counts().items())})"
    )
    out.print(
        f"Factors: {result.factors.loadings.shape[1]} ({', '.join(result.factors.labels.values())})"
    )
    out.print(f"Segments: {result.segments.k}. {result.segments.reason}")
    for p in result.personas:
        out.print(f"  {p.segment}. {p.name}: {p.size:,} ({p.share:.0%})")
    if result.recovery is not None:
        out.print(f"Adjusted Rand index vs planted segments: {result.recovery:.3f}")
    out.print(f"Reports written to {out_dir}/: personas.xlsx, personas.pdf, charts/")


def _progress(message: str) -> None:
    err.print(f"[dim]· {message}[/dim]")


@app.command()
@user_errors
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the reports.")] = Path(
        "reports/demo"
    ),
) -> None:
    """Run the whole pipeline on the bundled Second Stitch study.

    Example: research demo --out reports/demo
    """
    from .datasets import demo_paths
    from .study import run_study

    result = run_study(demo_paths()["study"], out_dir, progress=_progress)
    _report(result, out_dir)


@app.command()
@user_errors
def run(
    study: Annotated[Path, typer.Argument(help="The study file (study.yaml).")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for the reports (default: the study's).")
    ] = None,
) -> None:
    """Run every stage of a study: import, factors, segments, interviews, personas, reports.

    Example: research run studies/thrift/study.yaml --out reports/thrift
    """
    from .study import load_study, run_study

    spec = load_study(study)
    target = out_dir if out_dir is not None else Path(spec.output)
    result = run_study(spec, target, progress=_progress)
    _report(result, target)


@questionnaire_app.command("build")
@user_errors
def questionnaire_build(
    questionnaire: Annotated[Path, typer.Argument(help="The questionnaire YAML.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the rendered files.")],
    fmt: Annotated[str, typer.Option("--format", help="Output format: xlsform.")] = "xlsform",
) -> None:
    """Render a questionnaire for fielding (XLSForm for KoboToolbox / ODK).

    Example: research questionnaire build questionnaires/examples/thrift-shoppers.yaml --out forms/
    """
    from .errors import QuestionnaireError
    from .questionnaire import load_questionnaire
    from .questionnaire.xlsform import write_xlsform

    if fmt != "xlsform":
        raise QuestionnaireError(f"--format must be one of ['xlsform'], got {fmt!r}")
    q = load_questionnaire(questionnaire)
    path = write_xlsform(q, Path(out_dir) / f"{q.id}.xlsx")
    out.print(f"Wrote {path} ({len(q.items)} items in {len(q.blocks)} blocks)")


@app.command("import")
@user_errors
def import_(
    export: Annotated[Path, typer.Argument(help="The survey export (Qualtrics CSV).")],
    questionnaire: Annotated[
        Path, typer.Option("--questionnaire", "-q", help="The questionnaire YAML fielded.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the cleaned data.")],
    lenient: Annotated[
        bool, typer.Option(help="Set answers outside an item's scale missing instead of failing.")
    ] = False,
    strict: Annotated[
        bool, typer.Option(help="Fail when a questionnaire item has no column in the export.")
    ] = False,
) -> None:
    """Import an export: map columns to items, recode, apply the quality rules.

    Writes responses.csv (one numeric column per item, indexed by respondent_id) and
    exclusions.csv (respondent_id, reason, detail).

    Example: research import export.csv --questionnaire Q.yaml --out data/
    """
    from .ingest import import_responses
    from .questionnaire import load_questionnaire
    from .reports import atomic_write

    q = load_questionnaire(questionnaire)
    survey = import_responses(export, q, lenient=lenient, strict=strict)
    for name, frame, index in (
        ("responses.csv", survey.responses, True),
        ("exclusions.csv", survey.exclusions, False),
    ):
        with atomic_write(Path(out_dir) / name) as tmp:
            frame.to_csv(tmp, index=index, lineterminator="\n")
    reasons = survey.exclusions["reason"].value_counts()
    out.print(
        f"Read {survey.n_read:,} respondents: kept {survey.n_kept:,}, excluded "
        f"{survey.n_excluded:,}"
        + (f" ({', '.join(f'{r} {n}' for r, n in reasons.items())})" if len(reasons) else "")
    )
    out.print(f"Wrote {Path(out_dir) / 'responses.csv'} and {Path(out_dir) / 'exclusions.csv'}")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="research")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
