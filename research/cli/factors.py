"""`research factors`: exploratory factor analysis of a responses CSV (see research.factors)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from ._app import app, err, out, user_errors

__all__ = ["factors"]

# A first column with one of these names holds respondent ids, not an item.
_ID_COLUMNS = {"respondent_id", "respondent", "id", "responseid", "response_id", "unnamed: 0", ""}


def _read_responses(path: Path) -> Any:
    """Read DATA: ``research import``'s responses.csv or any CSV of numeric item columns.

    The encoding (UTF-8 with or without BOM, UTF-16, cp1252) and the delimiter (comma,
    semicolon or tab) are detected as the importers do; with a semicolon or tab delimiter,
    decimal commas ("3,5") are read as numbers, as spreadsheet exports in many locales write
    them. Columns without a name and without values (trailing delimiters) are dropped.
    """
    import io
    import re

    import pandas as pd

    from ..errors import InputFileError
    from ..ingest.textio import decode_bytes, read_bytes, sniff_delimiter

    utf8, _, _ = decode_bytes(read_bytes(path), path)
    # The header line is found by position: strip() and split() would copy the whole file.
    first = re.search(rb"\S", utf8)
    if first is None:
        raise InputFileError("the file is empty", path=path)
    end = utf8.find(b"\n", first.start())
    sep = sniff_delimiter(utf8[first.start() : None if end < 0 else end].decode("utf-8"))
    try:
        frame = pd.read_csv(io.BytesIO(utf8), sep=sep, skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputFileError(f"not a readable CSV file ({exc})", path=path) from None
    blank = [c for c in frame.columns if str(c).startswith("Unnamed: ") and frame[c].isna().all()]
    frame = frame.drop(columns=blank)
    if frame.shape[1] == 0 or frame.empty:
        raise InputFileError("the file has no data rows", path=path)
    first = str(frame.columns[0])
    if first.strip().lower() in _ID_COLUMNS and frame.iloc[:, 0].is_unique:
        frame = frame.set_index(frame.columns[0])
        frame.index.name = "respondent_id" if not first.strip() else first
    else:
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    if sep != ",":
        for column in frame.columns:
            values = frame[column]
            if pd.api.types.is_numeric_dtype(values):
                continue
            text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
            numbers = pd.to_numeric(text, errors="coerce")
            if numbers.notna().sum() == values.notna().sum():  # every answer is a number
                frame[column] = numbers.astype("float64")
    return frame


def _n_factors(value: str) -> int | str:
    from ..errors import DataError

    text = value.strip().lower()
    if text == "auto":
        return "auto"
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise DataError(f"--factors must be 'auto' or an integer >= 1, got {value!r}")


def _write(out_dir: Path, tables: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    from ..atomic import atomic_write
    from ..safe_cells import write_csv

    written = []
    for name, frame in tables.items():
        write_csv(frame, out_dir / f"{name}.csv")
        written.append(f"{name}.csv")
    with atomic_write(out_dir / "fit.json") as tmp:
        tmp.write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    written.append("fit.json")
    return written


@app.command("factors")
@user_errors
def factors(
    data: Annotated[
        Path, typer.Argument(help="responses.csv from `research import`, or a CSV of items.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the results.")],
    items: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated item columns (default: all, or --questionnaire's scale items)."
        ),
    ] = None,
    n_factors: Annotated[
        str, typer.Option("--factors", help="Number of factors, or 'auto' (parallel analysis).")
    ] = "auto",
    method: Annotated[str, typer.Option(help="Extraction: minres, ml or pa.")] = "minres",
    rotation: Annotated[
        str, typer.Option(help="Rotation: oblimin, promax, varimax, geomin, quartimax or none.")
    ] = "oblimin",
    correlation: Annotated[
        str, typer.Option(help="Correlations: pearson, polychoric or auto (ordinal if <= 7 codes).")
    ] = "auto",
    scores: Annotated[
        str, typer.Option(help="Factor scores: regression, bartlett or tenberge.")
    ] = "regression",
    questionnaire: Annotated[
        Path | None,
        typer.Option(
            "--questionnaire", "-q", help="Questionnaire YAML: constructs and wording for labels."
        ),
    ] = None,
    n_iter: Annotated[int, typer.Option(help="Parallel-analysis data sets.")] = 20,
    seed: Annotated[int, typer.Option(help="Random seed for parallel analysis.")] = 0,
    show_progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Progress bar on stderr.")
    ] = True,
) -> None:
    """Factor-analyse item responses: suitability, number of factors, loadings, fit, scores.

    Writes loadings.csv, fit.json, reliability.csv, scores.csv (plus items.csv with item flags,
    phi.csv, structure.csv and, with --factors auto, n_factors.csv) to --out.

    Example: research factors data/responses.csv --factors auto --correlation auto --out factors/
    """
    from ..errors import DataError, ResearchError
    from ..factors import fit_factors, solution_summary, solution_tables

    k = _n_factors(n_factors)
    frame = _read_responses(data)
    constructs = construct_labels = wording = None
    chosen = None if items is None else [i.strip() for i in items.split(",") if i.strip()]
    if questionnaire is not None:
        from ..questionnaire import load_questionnaire

        q = load_questionnaire(questionnaire)
        constructs, construct_labels = q.construct_of(), q.construct_labels()
        wording = {i.id: i.text for i in q.items}
        if chosen is None:
            chosen = [i.id for i in q.scale_items() if i.id in frame.columns]
            if not chosen:
                raise DataError(
                    "none of the questionnaire's scale items is a column of the data",
                    path=data,
                )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            solution = fit_factors(
                frame,
                items=chosen,
                n_factors=k,
                method=method,
                rotation=rotation,
                correlation=correlation,
                scores=scores,
                constructs=constructs,
                construct_labels=construct_labels,
                wording=wording,
                n_iter=n_iter,
                random_state=seed,
                progress=show_progress,
            )
    except ResearchError as exc:
        if exc.path is None:
            raise type(exc)(exc.message, path=data, column=exc.column, row=exc.row) from None
        raise
    for message in dict.fromkeys(str(w.message) for w in caught):
        err.print(f"warning: {message}", markup=False)
    written = _write(out_dir, solution_tables(solution), solution_summary(solution))
    model, fit = solution.model, solution.fit
    info = model.correlation_info_
    out.print(
        f"{model.n_obs_:,} respondents, {len(model.items_)} items, {info.method} correlations"
        + (" (smoothed)" if info.smoothed else "")
        + f"; KMO {model.kmo_:.2f}"
    )
    if solution.n_factors is not None:
        out.print(f"Factors: {model.n_factors_} - {solution.n_factors.reason}")
    labels = ", ".join(f"{f} {solution.labels[f]}" for f in solution.loadings.columns)
    out.print(f"{method} / {rotation}: {labels}")
    out.print(
        f"RMSR {fit['rmsr']:.3f}, TLI {fit['tli']:.3f}, RMSEA {fit['rmsea']:.3f}, "
        f"BIC {fit['bic']:.1f}"
    )
    flagged = int((solution.flags["flag"] != "").sum())
    if flagged:
        out.print(f"{flagged} items flagged (see items.csv)")
    out.print(f"Wrote {', '.join(written)} to {out_dir}")
