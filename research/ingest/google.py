"""Read Google Forms responses (CSV download or the linked sheet saved as XLSX).

The first column is the submission ``Timestamp``; then, if the form collected them,
``Email Address`` and ``Score``; then one column per question, headed by its text. Grid
questions get one column per row, headed ``Question [Row]``. Checkbox answers are the ticked
options' labels joined with ``", "`` in one cell, so an option whose label contains a comma can
only be told apart using the questionnaire's choice list (the recoder does that).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from .excel import read_xlsx_rows, rows_to_frame
from .meta import ExportMeta, column_table
from .textio import decode_bytes, peek_records, read_bytes, read_delimited

__all__ = ["GOOGLE_METADATA", "TIMESTAMP_NAMES", "looks_like_google_forms", "read_google_forms"]

#: The first header cell of a Google Forms export, in the form owner's language.
TIMESTAMP_NAMES = (
    "Timestamp", "Marca temporal", "Horodateur", "Zeitstempel", "Informazioni cronologiche",
    "Carimbo de data/hora", "Tijdstempel", "Sygnatura czasowa", "Tidsstempel", "Tidstämpel",
)  # fmt: skip
#: Columns Google adds that are not questions.
GOOGLE_METADATA = ("Timestamp", "Email Address", "Email address", "Score", "Total score")
_GRID = re.compile(r"^(?P<q>.+?)\s*\[(?P<row>[^\[\]]+)\]\s*$")


def looks_like_google_forms(rows: list[list[str]]) -> bool:
    """Whether the first record is a Google Forms header (``Timestamp`` first)."""
    return bool(rows and rows[0]) and rows[0][0].strip().lstrip("\ufeff") in TIMESTAMP_NAMES


def read_google_forms(path: str | Path) -> tuple[pd.DataFrame, ExportMeta]:
    """Read a Google Forms export.

    Parameters
    ----------
    path : str or Path
        The responses CSV (Responses → Download responses) or the sheet as ``.xlsx``.

    Returns
    -------
    data : pd.DataFrame
        One string column per question, named by its header; ``Timestamp`` first.
    meta : ExportMeta
        ``format="google_forms"``, ``separator=", "``; grid columns ``Question [Row]`` have
        ``question_text`` ``"Question - Row"`` so they map like other grid statements.

    Raises
    ------
    InputFileError
        Missing or unreadable file, no ``Timestamp`` column first, or a row wider than the
        header.
    """
    raw = read_bytes(path)
    if raw[:4] == b"PK\x03\x04":
        rows = read_xlsx_rows(path)
        if not rows:
            raise InputFileError("the workbook is empty", path=path)
        header = [c.strip() for c in rows[0]]
        data, notes = rows_to_frame(rows[1:], header, path=path, first_line=2)
        encoding, delimiter = "binary (xlsx)", None
    else:
        utf8, encoding, _ = decode_bytes(raw, path)
        peek, delimiter = peek_records(utf8, 1)
        if not peek:
            raise InputFileError("the file is empty", path=path)
        head_rows, data, delimiter, notes = read_delimited(utf8, 1, path=path, delimiter=delimiter)
        header = [c.strip().lstrip("\ufeff") for c in head_rows[0]]
    if not header or header[0] not in TIMESTAMP_NAMES:
        raise InputFileError(
            f"the first column is {header[0] if header else ''!r}, not 'Timestamp': is this a "
            "Google Forms export?",
            path=path,
        )
    texts = []
    for h in header:
        m = _GRID.match(h)
        texts.append(f"{m['q']} - {m['row']}" if m else h)
    table = column_table(list(data.columns), names=header, texts=texts)
    meta = ExportMeta(
        path=str(path),
        format="google_forms",
        encoding=encoding,
        layout="1-row",
        columns=table,
        separator=", ",
        delimiter=delimiter,
        notes=tuple(notes),
    )
    return data, meta
