"""Read SurveyMonkey exports (CSV or XLSX, "expanded" layout with two header rows).

Row 1 holds the question text, written once above the first of a question's columns and left
blank over its continuation columns; row 2 says what each column holds: ``Response``,
``Open-Ended Response``, or an option / statement text for questions spread over several
columns (multiple answers, matrices, rankings). Respondent metadata (``Respondent ID``,
``Collector ID``, dates, IP address, e-mail, names, custom data) have a blank row 2.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from .excel import read_xlsx_rows, rows_to_frame
from .meta import ExportMeta, column_table
from .textio import decode_bytes, dedupe, peek_records, read_bytes, read_delimited

__all__ = ["SURVEYMONKEY_METADATA", "looks_like_surveymonkey", "read_surveymonkey"]

#: Metadata columns SurveyMonkey writes before the questions (both spellings).
SURVEYMONKEY_METADATA = (
    "RespondentID", "Respondent ID", "CollectorID", "Collector ID", "StartDate", "Start Date",
    "EndDate", "End Date", "IP Address", "Email Address", "First Name", "FirstName",
    "Last Name", "LastName", "Custom Data", "Custom Data 1",
)  # fmt: skip
_SUBS = ("response", "open-ended response")


def looks_like_surveymonkey(rows: list[list[str]]) -> bool:
    """Whether the first two records have SurveyMonkey's header shape."""
    if len(rows) < 2 or not rows[0]:
        return False
    first = rows[0][0].strip().lstrip("\ufeff")
    subs = {c.strip().lower() for c in rows[1]}
    return first in ("RespondentID", "Respondent ID") and bool(subs & set(_SUBS))


def _columns(top: list[str], sub: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Column names, question text and option label for each column."""
    width = max(len(top), len(sub))
    top = [c.strip() for c in top] + [""] * (width - len(top))
    sub = [c.strip() for c in sub] + [""] * (width - len(sub))
    starts = [i for i, t in enumerate(top) if t]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    names, texts, options = [""] * width, [""] * width, [""] * width
    for k, s in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else width
        question = top[s]
        for i in range(s, stop):
            texts[i] = question
            label = sub[i]
            if stop - s == 1 or not label:
                names[i] = question if i == s else f"{question} - column {i - s + 1}"
            else:
                names[i] = f"{question} - {label}"
            if label.lower() not in _SUBS:
                options[i] = label
            elif label.lower() == "open-ended response" and stop - s > 1:
                options[i] = "Other (please specify)"
    return names, texts, options


def read_surveymonkey(path: str | Path) -> tuple[pd.DataFrame, ExportMeta]:
    """Read a SurveyMonkey export.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (any of UTF-8, UTF-16, cp1252) or ``.xlsx`` from Analyze → Save as → All
        individual responses.

    Returns
    -------
    data : pd.DataFrame
        One string column per export column, named ``question`` for one-column questions and
        ``question - option`` for the columns of a spread question.
    meta : ExportMeta
        ``format="surveymonkey"``; ``option_label`` is the option or statement of a spread
        column (empty for ``Response``).

    Raises
    ------
    InputFileError
        Missing or unreadable file, fewer than two header rows, or a row wider than the header.

    Notes
    -----
    Checked against real exports from FiveThirtyEight (``tests/data/surveymonkey``): the
    cp1252-encoded ``StarWars.csv`` with a six-column multiple-answer question, a ranking and a
    fourteen-statement matrix, and ``steak-risk-survey.csv``.
    """
    raw = read_bytes(path)
    if raw[:4] == b"PK\x03\x04":
        rows = read_xlsx_rows(path)
        if len(rows) < 2:
            raise InputFileError("needs two header rows (question text, then Response)", path=path)
        names, texts, options = _columns(rows[0], rows[1])
        data, notes = rows_to_frame(rows[2:], names, path=path, first_line=3)
        encoding, delimiter = "binary (xlsx)", None
    else:
        utf8, encoding, _ = decode_bytes(raw, path)
        peek, delimiter = peek_records(utf8, 2)
        if len(peek) < 2:
            raise InputFileError("needs two header rows (question text, then Response)", path=path)
        header, body, delimiter, notes = read_delimited(utf8, 2, path=path, delimiter=delimiter)
        names, texts, options = _columns(header[0], header[1])
        unique, renamed = dedupe(names)
        data = body.set_axis(unique, axis=1)
        notes = [n for n in notes if "has no name" not in n] + renamed
    table = column_table(list(data.columns), names=names, texts=texts, options=options)
    meta = ExportMeta(
        path=str(path),
        format="surveymonkey",
        encoding=encoding,
        layout="2-row",
        columns=table,
        separator=None,
        delimiter=delimiter,
        notes=tuple(notes),
    )
    return data, meta
