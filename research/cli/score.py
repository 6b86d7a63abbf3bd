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
        typer.Option(
            "--out",
            help="Scores to write: .csv, .parquet or .sav (by its suffix); with --engine dask "
            ".parquet is a folder of part files, and .sav is not offered.",
        ),
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
    chunk_rows: Annotated[
        int,
        typer.Option("--chunk-rows", help="Rows read and scored at a time (bounds memory)."),
    ] = 200_000,
) -> None:
    """Score DATA with a saved segmentation model: segment, posterior per segment and the
    typing tool's answer per row; rows that cannot be scored are listed with the reason.

    Example: research score reports/demo/model.json wave2.csv --out wave2_segments.csv
    """
    from ..errors import ResearchError
    from ..model_file import load_model
    from ..scoring import ScoreSummary, score_export, score_table, write_scores

    mf = load_model(model)
    progress("scoring")
    if engine not in ("pandas", "dask"):
        raise ResearchError(f"--engine must be one of ['dask', 'pandas'], got {engine!r}")
    if chunk_rows < 1:
        raise ResearchError(f"--chunk-rows must be at least 1, got {chunk_rows}")
    plain = table or data.suffix.lower() == ".parquet" or data.is_dir()
    exclusions = None
    # Tables are read, scored and written chunk by chunk: memory does not grow with the rows.
    if engine == "dask":
        from ..scale_out import score_dask

        if not plain:
            raise ResearchError("--engine dask reads a Parquet or --table customer table")
        summary = score_dask(
            mf,
            data,
            out_file,
            id_column=id_column,
            scheduler=scheduler,
            workers=workers,
            chunk_rows=chunk_rows,
        )
    elif plain:
        summary = score_table(mf, data, out_file, id_column=id_column, chunk_rows=chunk_rows)
    else:  # a survey export: imported whole, as the fitted run imported it
        scores, exclusions = score_export(mf, data)
        write_scores(scores, out_file, mf)
        summary = ScoreSummary.of(scores)
    out.print(f"Scored {summary.scored:,} of {summary.rows:,} rows into {out_file}")
    failed = summary.rows - summary.scored
    if failed:
        out.print(f"{failed:,} rows could not be scored:")
        for reason, n in summary.reasons.most_common(10):
            out.print(f"  {n:,}  {reason}")
    if exclusions is not None and len(exclusions):
        out.print(f"{len(exclusions):,} rows of the export were not imported:")
        for reason, n in exclusions["reason"].value_counts().head(10).items():
            out.print(f"  {n:,}  {reason}")
    names = mf.names()
    for s in sorted(summary.segments):
        share = summary.segments[s] / summary.scored
        out.print(f"  {s}. {names.get(int(s), '')}: {share:.0%}")
