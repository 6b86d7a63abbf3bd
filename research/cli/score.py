"""`research score`: assign saved segments to a new export or a customer table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app, out, progress, user_errors


@app.command()
@user_errors
def score(
    model: Annotated[Path, typer.Argument(help="The model.json a run wrote.")],
    data: Annotated[
        Path,
        typer.Argument(
            help="A survey export (imported with the model's questionnaire) or a customer "
            "table (.parquet, or --table) whose columns are item ids, answers as ticked."
        ),
    ],
    out_file: Annotated[
        Path,
        typer.Option("--out", help="Scores to write: .csv, .parquet or .sav (by its suffix)."),
    ],
    table: Annotated[
        bool,
        typer.Option("--table", help="Read DATA as a plain table of item ids, not an export."),
    ] = False,
    id_column: Annotated[
        str | None,
        typer.Option("--id", help="Column of DATA identifying rows in a table (default: row)."),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="pandas (one process) or dask (partitions).")
    ] = "pandas",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (default: a local cluster)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local Dask workers.")] = 2,
) -> None:
    """Score DATA with a saved segmentation model: segment, posterior per segment and the
    typing tool's answer per row; rows that cannot be scored are listed with the reason.

    Example: research score reports/demo/model.json wave2.csv --out wave2_segments.csv
    """
    from ..errors import ResearchError
    from ..model_file import load_model
    from ..scoring import read_table, score_export, score_frame, write_scores

    mf = load_model(model)
    progress("scoring")
    if engine not in ("pandas", "dask"):
        raise ResearchError(f"--engine must be one of ['dask', 'pandas'], got {engine!r}")
    plain = table or data.suffix.lower() == ".parquet"
    exclusions = None
    if engine == "dask":
        from ..scale_out import score_dask

        if not plain:
            raise ResearchError("--engine dask reads a Parquet or --table customer table")
        scores = score_dask(mf, data, id_column=id_column, scheduler=scheduler, workers=workers)
    elif plain:
        frame = read_table(data)
        if id_column is not None:
            if id_column not in frame.columns:
                raise ResearchError(f"{data}: no column {id_column!r} (--id)")
            frame = frame.set_index(id_column)
        scores = score_frame(mf, frame)
    else:
        scores, exclusions = score_export(mf, data)
    write_scores(scores, out_file, mf)
    n_ok = int(scores["scored"].sum())
    out.print(f"Scored {n_ok:,} of {len(scores):,} rows into {out_file}")
    failed = scores.loc[~scores["scored"], "reason"]
    if len(failed):
        out.print(f"{len(failed):,} rows could not be scored:")
        for reason, n in failed.value_counts().head(10).items():
            out.print(f"  {n:,}  {reason}")
    if exclusions is not None and len(exclusions):
        out.print(f"{len(exclusions):,} rows of the export were not imported:")
        for reason, n in exclusions["reason"].value_counts().head(10).items():
            out.print(f"  {n:,}  {reason}")
    shares = scores.loc[scores["scored"], "segment"].value_counts(normalize=True).sort_index()
    names = mf.names()
    for s, share in shares.items():
        out.print(f"  {s}. {names.get(int(s), '')}: {share:.0%}")
