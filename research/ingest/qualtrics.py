"""Read Qualtrics exports: current 3-row, early "Insights" 3-row and legacy 2-row CSV/TSV.

Layouts (row 1 is always the column names):

``3-row``
    Row 2 question text, row 3 ``{"ImportId":"QID5_1"}`` JSON (possibly with ``"timeZone"`` or
    ``"choiceId"`` keys). UTF-8 CSV or UTF-16 TSV ("Download data" → TSV).
``insights``
    The 2016–17 variant: row 3 is ``{'ImportId': 'QID1'}`` with single quotes.
``legacy``
    Two rows: ``V1``…``V10`` then export tags, and a row of labels (``ResponseID``,
    ``ResponseSet``, ..., then question text); usually with a UTF-8 byte-order mark. ``V1``…
    ``V10`` are renamed to the labels of row 2 so every layout has ``ResponseID``,
    ``StartDate``, ``Finished``.
``2-row``
    Current column names and question text but no ImportId row.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from .delimited import load_text, peek_records, read_delimited
from .excel import is_xlsx, read_xlsx_rows, rows_to_frame
from .meta import ExportMeta, QualtricsMeta, column_table
from .textio import read_bytes, read_text

__all__ = [
    "QualtricsMeta",
    "parse_import_id",
    "read_qualtrics",
    "read_text",
    "looks_like_qualtrics",
]

_IMPORT = re.compile(r"""^\s*\{\s*["']ImportId["']\s*:\s*["']([^"']*)["']""")
_V = [f"V{i}" for i in range(1, 11)]
_ID_NAMES = ("ResponseId", "ResponseID", "_recordId")


def parse_import_id(cell: str) -> tuple[str, str]:
    """``(import_id, choice_id)`` from a Qualtrics row-3 cell (``("", "")`` if not one)."""
    cell = (cell or "").strip()
    if not _IMPORT.match(cell):
        return "", ""
    try:
        data = json.loads(cell)
    except ValueError:
        try:
            data = ast.literal_eval(cell)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            m = _IMPORT.match(cell)
            return (m.group(1) if m else ""), ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("ImportId", "")), str(data.get("choiceId", "") or "")


def _layout(rows: list[list[str]]) -> str | None:
    if not rows:
        return None
    names = [c.strip().lstrip("\ufeff") for c in rows[0]]
    if names[:10] == _V:
        return "legacy"
    third = rows[2] if len(rows) > 2 else []
    quoted = [c for c in third if _IMPORT.match(c or "")]
    if quoted:
        return "insights" if quoted[0].lstrip().startswith("{'") else "3-row"
    if any(n in _ID_NAMES for n in names) and len(rows) > 1:
        second = rows[1]
        # Row 2 is question text when it repeats the metadata names' labels, not data.
        if any(c.strip() in ("Response ID", "Response Id", "ResponseID") for c in second):
            return "2-row"
        return "1-row"
    return None


_N_HEADER = {"3-row": 3, "insights": 3, "legacy": 2, "2-row": 2, "1-row": 1}


def _check_layout(layout: str | None, path) -> None:
    if layout is None:
        raise InputFileError(
            "no ResponseId column in the first row: is this a Qualtrics CSV export?", path=path
        )


def looks_like_qualtrics(rows: list[list[str]]) -> str | None:
    """The Qualtrics layout of these first records, or ``None`` if they are not Qualtrics."""
    return _layout(rows)


def read_qualtrics(path: str | Path) -> tuple[pd.DataFrame, ExportMeta]:
    """Read a Qualtrics CSV/TSV export, keeping every data row as text.

    Parameters
    ----------
    path : str or Path
        A file from Qualtrics "Download data" (CSV, TSV or Excel; choice text or numeric
        values; current, Insights or legacy layout).

    Returns
    -------
    data : pd.DataFrame
        Data rows only (header rows removed), cells as strings (``""`` for blank), columns as
        in the export's first row; duplicate names get ``.1``, ``.2`` suffixes.
    meta : ExportMeta
        ``format="qualtrics"``, the layout, encoding and per-column question text and ImportId.

    Raises
    ------
    InputFileError
        The file is missing, undecodable, truncated in its header, has a row with more cells
        than the header, or is not a Qualtrics export.

    Notes
    -----
    Checked against real exports in ``tests/data/qualtrics`` (qualtRics R package:
    3-row and legacy with BOM; QualtricsTools: legacy and Insights with matrix and
    multiple-answer questions and duplicate export tags).
    """
    if is_xlsx(read_bytes(path, 8)):  # "Download data" → Excel: the same rows in a workbook
        rows = read_xlsx_rows(path)
        layout = _layout(rows[:3])
        _check_layout(layout, path)
        n_header = _N_HEADER[layout]
        if len(rows) < n_header:
            raise InputFileError(
                f"has {len(rows)} header row(s) where {n_header} are expected", path=path
            )
        width = len(rows[0])
        header = [(r + [""] * width)[:width] for r in rows[:n_header]]
        names0 = [c.strip() for c in header[0]]
        data, notes = rows_to_frame(rows[n_header:], names0, path=path, first_line=n_header + 1)
        encoding, bom, delimiter = "binary (xlsx)", False, None
    else:
        text = load_text(path)
        peek, delimiter = peek_records(text.buf, 3)
        layout = _layout(peek)
        _check_layout(layout, path)
        n_header = _N_HEADER[layout]
        header, data, delimiter, notes = read_delimited(
            text, n_header, path=path, delimiter=delimiter
        )
        encoding, bom = text.encoding, text.bom
    names = [c.strip().lstrip("\ufeff") for c in header[0]]
    texts = header[1] if n_header > 1 else [""] * len(names)
    cells = header[2] if n_header > 2 else [""] * len(names)
    parsed = [parse_import_id(c) for c in cells]
    columns = list(data.columns)
    if layout == "legacy":
        # V1..V10 stand for ResponseID, ResponseSet, ..., Finished (their row-2 labels).
        rename: dict[str, str] = {}
        for i, v in enumerate(_V):
            label = texts[i].strip()
            if label and label not in columns and label not in rename.values():
                rename[v] = label
        columns = [rename.get(c, c) for c in columns]
        data = data.set_axis(columns, axis=1)
        notes.append("legacy columns V1..V10 renamed to " + ", ".join(rename.values()))
    table = column_table(
        columns,
        names=names,
        texts=texts,
        import_ids=[p[0] for p in parsed],
        option_codes=[p[1] for p in parsed],
    )
    if bom:
        notes.append("byte-order mark removed")
    meta = ExportMeta(
        path=str(path),
        format="qualtrics",
        encoding=encoding,
        layout=layout,
        columns=table,
        separator=",",
        delimiter=delimiter,
        notes=tuple(notes),
    )
    return data, meta
