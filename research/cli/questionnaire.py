"""`research questionnaire ...`: compose, check and build questionnaires for fielding."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import out, questionnaire_app, user_errors

#: --format value -> (file name pattern, what it is).
FORMATS = {
    "xlsform": ("{id}.xlsx", "XLSForm for KoboToolbox / ODK"),
    "qualtrics": ("{id}.qualtrics.txt", "Qualtrics Advanced Format TXT"),
    "docx": ("{id}.docx", "Word document for review"),
    "codebook": ("{id}-codebook.xlsx", "codebook workbook"),
}


def _formats(value: str) -> list[str]:
    from ..errors import QuestionnaireError, suggest

    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    if names == ["all"]:
        return list(FORMATS)
    for name in names:
        if name not in FORMATS:
            raise QuestionnaireError(
                f"--format must be 'all' or a comma-separated list of {list(FORMATS)}, got "
                f"{name!r}{suggest(name, [*FORMATS, 'all'])}"
            )
    if not names:
        raise QuestionnaireError(f"--format must name one of {list(FORMATS)} or 'all'")
    return list(dict.fromkeys(names))


@questionnaire_app.command("build")
@user_errors
def questionnaire_build(
    questionnaire: Annotated[Path, typer.Argument(help="The questionnaire YAML.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the rendered files.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="'all' (default) or a comma-separated list of: xlsform, qualtrics, docx, "
            "codebook.",
        ),
    ] = "all",
) -> None:
    """Render a questionnaire for fielding: XLSForm (KoboToolbox / ODK), Qualtrics TXT, Word
    document for review, codebook workbook.

    Example: research questionnaire build questionnaires/examples/thrift-shoppers.yaml --out forms/
    """
    from ..questionnaire import load_questionnaire
    from ..questionnaire.codebook import write_codebook
    from ..questionnaire.qualtrics import write_qualtrics
    from ..questionnaire.word import write_docx
    from ..questionnaire.xlsform import write_xlsform

    formats = _formats(fmt)
    q = load_questionnaire(questionnaire)
    writers = {
        "xlsform": write_xlsform,
        "qualtrics": write_qualtrics,
        "docx": write_docx,
        "codebook": write_codebook,
    }
    for name in formats:
        path = writers[name](q, Path(out_dir) / FORMATS[name][0].format(id=q.id))
        out.print(f"Wrote {path} ({FORMATS[name][1]})", markup=False)
        setup = path.with_name(f"{path.stem}-setup.txt")
        if name == "qualtrics" and setup.exists():
            out.print(f"Wrote {setup} (steps to finish in Qualtrics)", markup=False)
    out.print(f"{len(q.items)} items in {len(q.blocks)} blocks", markup=False)


@questionnaire_app.command("check")
@user_errors
def questionnaire_check(
    questionnaire: Annotated[Path, typer.Argument(help="The questionnaire YAML.")],
    max_minutes: Annotated[
        float, typer.Option(help="Warn when the estimated completion time is longer.")
    ] = 20,
    max_grid: Annotated[int, typer.Option(help="Warn when a grid has more statements.")] = 10,
    strict: Annotated[bool, typer.Option(help="Exit 1 when there are warnings.")] = False,
) -> None:
    """Check a questionnaire: every error with its file and line (exit 2), then wording and
    design warnings and the estimated completion time.

    Example: research questionnaire check questionnaires/examples/thrift-shoppers.yaml
    """
    from ..questionnaire.lint import check_questionnaire

    found = check_questionnaire(questionnaire, max_minutes=max_minutes, max_grid=max_grid)
    for row in found.itertuples(index=False):
        where = row.path if row.line is None or row.line != row.line else f"{row.path}:{row.line}"
        rule = "" if row.rule == "schema" else f" [{row.rule}]"
        out.print(f"{where}: {row.severity}: {row.message}{rule}", markup=False)
    n_err = int((found["severity"] == "error").sum())
    n_warn = int((found["severity"] == "warning").sum())
    out.print(f"{n_err} error(s), {n_warn} warning(s)", markup=False)
    if n_err:
        raise typer.Exit(2)
    if strict and n_warn:
        raise typer.Exit(1)


@questionnaire_app.command("new")
@user_errors
def questionnaire_new(
    name: Annotated[str, typer.Argument(help="Questionnaire id, also the file name.")],
    bases: Annotated[
        str,
        typer.Option(
            help="Comma-separated segmentation bases: needs, psychographic, behavioural, value, "
            "demographic, firmographic, technographic, geographic."
        ),
    ] = "needs,psychographic,demographic",
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write NAME.yaml in.")] = Path(),
    title: Annotated[str | None, typer.Option(help="Title shown to respondents.")] = None,
    category: Annotated[
        str | None,
        typer.Option(
            help="Product category in the plural (e.g. 'running shoes'), written wherever the "
            "templates say 'products like these'."
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a new questionnaire composed from the template library, one module per basis.

    Example: research questionnaire new shoppers --bases needs,psychographic,demographic
    --category "running shoes"
    """
    from ..questionnaire import load_questionnaire
    from ..questionnaire.compose import write_new_questionnaire

    path = write_new_questionnaire(
        name, bases, out_dir, title=title, category=category, overwrite=force
    )
    q = load_questionnaire(path)
    out.print(
        f"Wrote {path} ({len(q.items)} items in {len(q.blocks)} blocks); next: "
        f"research questionnaire check {path}",
        markup=False,
    )
