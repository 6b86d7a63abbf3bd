"""`research report`: rewrite a study's reports from its last run, with the study file's words."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import CreatedOption, app, out, user_errors


@app.command()
@user_errors
def report(
    study: Annotated[Path, typer.Argument(help="The study file (study.yaml).")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="The folder `research run` wrote (default: the study's)."),
    ] = None,
    charts: Annotated[
        bool, typer.Option("--charts/--no-charts", help="Also rewrite the PNG charts for slides.")
    ] = True,
    created: CreatedOption = None,
) -> None:
    """Rewrite the workbook, PDF and slide charts of a study that has been run.

    Takes the title, subtitle and persona names (segments.names) from the study file as it is
    now, so renaming a persona does not need the analysis to run again.

    Example: research report studies/thrift/study.yaml --out reports/thrift
    """
    from ..reports.outputs import rebuild_reports
    from ..study import load_study

    spec = load_study(study)
    target = out_dir if out_dir is not None else Path(spec.output)
    from ..clock import created_timestamp

    content, files = rebuild_reports(
        target,
        title=spec.title,
        subtitle=spec.subtitle,
        names=spec.segments.names or None,
        created=created_timestamp(created),
        pngs=charts,
    )
    for p in content.personas:
        out.print(f"  {p.segment}. {p.name}: {p.size:,} ({p.share:.0%})")
    out.print(f"Reports written to {target}/: {', '.join(f.name for f in files.values())}")
