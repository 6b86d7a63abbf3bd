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
from .excel import read_single_header
from .meta import ExportMeta, column_table

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
    header, data, notes, encoding, delimiter = read_single_header(path)
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
