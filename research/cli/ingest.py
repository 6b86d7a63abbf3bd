"""`research import`: read an export, recode it, apply the quality rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app, out, user_errors


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
    from ..ingest import import_responses
    from ..questionnaire import load_questionnaire
    from ..reports import atomic_write

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
