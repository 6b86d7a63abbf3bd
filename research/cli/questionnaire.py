"""`research questionnaire ...`: build questionnaires for fielding."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import out, questionnaire_app, user_errors


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
    from ..errors import QuestionnaireError
    from ..questionnaire import load_questionnaire
    from ..questionnaire.xlsform import write_xlsform

    if fmt != "xlsform":
        raise QuestionnaireError(f"--format must be one of ['xlsform'], got {fmt!r}")
    q = load_questionnaire(questionnaire)
    path = write_xlsform(q, Path(out_dir) / f"{q.id}.xlsx")
    out.print(f"Wrote {path} ({len(q.items)} items in {len(q.blocks)} blocks)")
