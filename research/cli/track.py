"""`research track`: segment sizes, profiles and typing accuracy across survey waves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app, out, progress, user_errors


@app.command()
@user_errors
def track(
    model: Annotated[Path, typer.Argument(help="The model.json a run wrote.")],
    waves: Annotated[
        list[Path],
        typer.Argument(help="Two or more waves, baseline first (exports, or tables with --table)."),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for tracking.xlsx/.pdf.")],
    table: Annotated[
        bool, typer.Option("--table", help="Read waves as plain tables of item ids.")
    ] = False,
    id_column: Annotated[
        str | None, typer.Option("--id", help="Respondent id column of --table waves.")
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level (Holm).")] = 0.05,
) -> None:
    """Review a segmentation against new waves in one command: segment sizes with intervals
    and significance of change, which items moved per segment, typing-tool accuracy, and a
    migration matrix where respondent ids repeat. Writes tracking.xlsx (Tracking and Drift
    sheets), tracking.pdf and the tables as CSV.

    Example: research track reports/demo/model.json wave2025.csv wave2026.csv --out tracking/
    """
    from ..errors import DataError
    from ..model_file import load_model
    from ..reports.tracking import write_tracking_pdf, write_tracking_workbook
    from ..scoring import import_export, read_table, score_frame
    from ..tracking import track_waves

    if len(waves) < 2:
        raise DataError("track needs at least two waves (the first is the baseline)")
    mf = load_model(model)
    scored, answers = {}, {}
    for path in waves:
        name = path.stem
        if name in scored:
            name = str(path)
        progress(f"scoring {name}")
        if table or path.suffix.lower() == ".parquet":
            frame = read_table(path)
            if id_column is not None:
                if id_column not in frame.columns:
                    raise DataError(f"{path}: no column {id_column!r} (--id)")
                frame = frame.set_index(id_column)
        else:
            frame, _ = import_export(mf, path)
        scored[name] = score_frame(mf, frame)
        answers[name] = frame
    items = mf.basis_columns if mf.basis == "items" else mf.factor_basis.items
    tr = track_waves(scored, answers, k=mf.k, items=items, names=mf.names(), alpha=alpha)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_tracking_workbook(tr, out_dir / "tracking.xlsx")
    write_tracking_pdf(tr, out_dir / "tracking.pdf")
    from ..safe_cells import write_csv

    write_csv(tr.sizes, out_dir / "tracking_sizes.csv", index=False)
    write_csv(tr.drift, out_dir / "tracking_drift.csv", index=False)
    for r in tr.sizes.itertuples():
        flag = " *" if r.significant else ""
        out.print(f"  {r.wave} segment {r.segment}: {r.share:.1%} ({r.change:+.1%}){flag}")
    for r in tr.typing.itertuples():
        out.print(f"  typing tool {r.wave}: {r.accuracy:.1%}")
    moved = tr.moved_items()
    out.print(f"{len(moved)} segment-item means moved significantly (Drift sheet)")
    out.print(f"Tracking written to {out_dir}/: tracking.xlsx, tracking.pdf")
