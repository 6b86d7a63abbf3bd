"""`research segment`: fit segments to a CSV of answers or scores (see research.segments)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ._app import app, err, out, user_errors

__all__ = ["segment"]

_ID_COLUMNS = {"respondent_id", "respondent", "id", "responseid", "response_id", "unnamed: 0", ""}


def _read(path: Path, id_column: str | None) -> Any:
    import numpy as np
    import pandas as pd

    from ..errors import InputFileError

    if not path.is_file():
        raise InputFileError("file not found", path=path)
    try:
        frame = pd.read_csv(path, na_values=[""], keep_default_na=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputFileError(f"not a readable CSV file ({exc})", path=path) from None
    if frame.shape[1] == 0 or frame.empty:
        raise InputFileError("the file has no data rows", path=path)
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and any(isinstance(v, int) for v in values.head(1000)):
            # Python ints too large for int64 (a 5,000-digit cell): the column is text.
            frame[column] = values.astype(str)
        elif values.dtype.kind == "f" and not np.isfinite(values.dropna()).all():
            raise InputFileError("holds a number too large to use", path=path, column=str(column))
    if id_column is not None:
        if id_column not in frame.columns:
            from ..errors import suggest

            raise InputFileError(
                f"--id column {id_column!r} is not in the file" + suggest(id_column, frame.columns),
                path=path,
            )
        key = id_column
    else:
        first = str(frame.columns[0])
        key = frame.columns[0] if first.strip().lower() in _ID_COLUMNS else None
    if key is not None:
        dup = frame[key].duplicated()
        if dup.any():
            raise InputFileError(
                f"respondent id {frame[key][dup].iloc[0]!r} appears twice",
                path=path,
                column=str(key),
                line=int(dup.to_numpy().argmax()) + 2,
            )
        frame = frame.set_index(key)
        frame.index.name = "respondent_id"
    else:
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="respondent_id")
    return frame


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [t.strip() for t in text.split(",") if t.strip()]


def _classes(text: str) -> tuple[int, int]:
    from ..errors import DataError

    parts = text.replace(" ", "").split("-")
    if len(parts) in (1, 2) and all(p.isdigit() and int(p) >= 1 for p in parts):
        lo, hi = int(parts[0]), int(parts[-1])
        if lo <= hi:
            return lo, hi
    raise DataError(f"--classes must be K or a range such as 2-8, got {text!r}")


@app.command("segment")
@user_errors
def segment(
    data: Annotated[Path, typer.Argument(help="CSV: one row per respondent, one column per item.")],
    items: Annotated[
        str | None,
        typer.Option(help="Comma-separated basis columns (default: every column but id/reach)."),
    ] = None,
    classes: Annotated[str, typer.Option(help="K, or a range K_MIN-K_MAX to sweep.")] = "2-8",
    starts: Annotated[int, typer.Option(help="Random starts per K.")] = 10,
    model: Annotated[str, typer.Option(help="lca, lpa or kmeans.")] = "lca",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the results.")] = Path(
        "reports/segments"
    ),
    id_column: Annotated[
        str | None, typer.Option("--id", help="Respondent id column (default: first, if named so).")
    ] = None,
    reach: Annotated[
        str | None, typer.Option(help="Comma-separated columns to reach segments by (accessible).")
    ] = None,
    ordinal: Annotated[bool, typer.Option(help="Ordinal (adjacent-category) LCA items.")] = False,
    min_share: Annotated[float, typer.Option(help="Smallest segment share to recommend.")] = 0.03,
    blrt: Annotated[int, typer.Option(help="Bootstrap samples for the BLRT (0 = skip).")] = 0,
    stability: Annotated[int, typer.Option(help="Bootstrap replicates for stability.")] = 20,
    questions: Annotated[int, typer.Option(help="Most golden questions in the typing tool.")] = 8,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the chosen model's LL, BIC and shares as JSON.")
    ] = False,
    show_progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Progress bars on stderr.")
    ] = True,
    raw_csv: Annotated[
        bool,
        typer.Option(
            "--raw-csv", help="Write CSV text cells without the formula-guard apostrophe."
        ),
    ] = False,
    extras: Annotated[
        bool,
        typer.Option(
            "--extras/--no-extras",
            help="Run the stability bootstrap and build the typing tool (--no-extras: the fit "
            "and scorecard only; same as --stability 0 --questions 0).",
        ),
    ] = True,
    created: Annotated[
        str | None,
        typer.Option(
            "--created",
            help="Timestamp stored in typing_tool.xlsx (ISO); default $SOURCE_DATE_EPOCH, else now.",
        ),
    ] = None,
) -> None:
    """Fit latent class / profile segments, choose K, check them and build a typing tool.

    Writes fit.csv (one row per K), assignments.csv (respondent_id, segment, posterior per
    class), profiles.csv (segment means and index per item), scorecard.csv (the seven-part test;
    segment_scorecard.csv per segment),
    typing_tool.csv and typing_tool.xlsx (golden questions with working formulas) to --out.

    Example: research segment answers.csv --classes 2-6 --starts 10 --model lca --seed 1 --out seg/
    """
    from datetime import datetime

    from ..atomic import atomic_write
    from ..clock import created_timestamp
    from ..errors import DataError, ResearchError
    from ..safe_cells import write_csv
    from ..segments import analyse_segments

    if model not in ("lca", "lpa", "kmeans"):
        raise DataError(f"--model must be one of ['lca', 'lpa', 'kmeans'], got {model!r}")
    k_min, k_max = _classes(classes)
    frame = _read(data, id_column)
    reach_cols = _split(reach) or []
    basis_cols = _split(items) or [c for c in frame.columns if c not in reach_cols]
    try:
        missing = [c for c in basis_cols + reach_cols if c not in frame.columns]
        if missing:
            from ..errors import suggest

            raise DataError(
                "not a column of the file" + suggest(missing[0], frame.columns),
                column=missing[0],
            )
        basis = frame[basis_cols]
        text_cols = [c for c in basis_cols if not _numeric(basis[c])]
        if text_cols and model != "lca":
            raise DataError(
                f"--model {model} needs numeric columns; {text_cols[0]!r} holds text",
                column=text_cols[0],
            )
        result = analyse_segments(
            basis,
            kind=model,
            k_min=k_min,
            k_max=k_max,
            n_init=starts,
            min_share=min_share,
            ordinal=ordinal,
            blrt=blrt,
            n_boot=stability if extras else 0,
            questions=basis[[c for c in basis_cols if c not in text_cols]],
            max_questions=questions if extras else 0,
            reach=frame[reach_cols] if reach_cols else None,
            random_state=seed,
            progress=show_progress,
        )
    except ResearchError as exc:
        if exc.path is None:
            raise type(exc)(exc.message, path=data, column=exc.column, row=exc.row) from None
        raise
    tables = {
        "fit": (result.solution.fit_table, False),
        "assignments": (result.assignments_table(), True),
        "profiles": (result.profiles, False),
        "scorecard": (result.scorecard, False),
    }
    if result.segment_scorecard is not None:
        tables["segment_scorecard"] = (result.segment_scorecard, False)
    if model == "lca":
        tables["item_probabilities"] = (result.solution.model.item_probabilities_, True)
    tool = result.typing_tool
    if tool is not None:
        coef = tool.coefficients.copy()
        coef.insert(0, "intercept", tool.intercepts)
        tables["typing_tool"] = (coef, True)
    written = []
    for name, (frame_out, index) in tables.items():
        write_csv(frame_out, out_dir / f"{name}.csv", index=index, raw=raw_csv or None)
        written.append(f"{name}.csv")
    if tool is not None:
        from openpyxl import Workbook

        from ..safe_cells import save_workbook_bytes
        from ..segments import add_typing_tool_sheet

        book = Workbook()
        book.remove(book.active)
        add_typing_tool_sheet(book, tool)
        stamp = datetime.fromisoformat(created_timestamp(created))
        with atomic_write(out_dir / "typing_tool.xlsx") as tmp:
            tmp.write_bytes(save_workbook_bytes(book, stamp))
        written.append("typing_tool.xlsx")
    summary = result.summary()
    if as_json:
        typer.echo(json.dumps(summary, allow_nan=False))
        return
    shares = ", ".join(f"{s:.0%}" for s in summary["shares"])
    out.print(f"{len(basis):,} respondents, {len(basis_cols)} basis variables, model {model}")
    out.print(f"K = {summary['k']} ({shares}): {result.solution.reason}", markup=False)
    for note in result.warnings:
        err.print(f"warning: {note}", markup=False)
    statuses = dict(zip(result.scorecard["criterion"], result.scorecard["status"], strict=True))
    out.print("Scorecard: " + ", ".join(f"{c} {s}" for c, s in statuses.items()))
    if tool is not None:
        out.print(
            f"Typing tool: {len(tool.questions)} questions, CV accuracy {tool.cv_accuracy:.1%}"
        )
    out.print(_timing_line(result.timings, stability if extras else 0, questions if extras else 0))
    out.print(f"Wrote {', '.join(written)} to {out_dir}")


def _timing_line(timings: dict, n_boot: int, questions: int) -> str:
    """``Time: fit 1.2 s; extras: stability (20 refits) 3.4 s, typing tool 0.8 s (...)``."""
    fit = f"fit {timings.get('fit', 0):.1f} s"
    extras = []
    if n_boot:
        extras.append(f"stability ({n_boot} refits) {timings.get('stability', 0):.1f} s")
    if questions:
        extras.append(f"typing tool {timings.get('typing_tool', 0):.1f} s")
    if extras:
        return f"Time: {fit}; extras: {', '.join(extras)} (skip them with --no-extras)"
    return f"Time: {fit}; no extras (stability, typing tool) were run"


def _numeric(col: Any) -> bool:
    import pandas as pd

    return (
        pd.api.types.is_numeric_dtype(col)
        or col.dropna().map(lambda v: isinstance(v, int | float)).all()
    )
