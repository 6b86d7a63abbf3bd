"""Read SurveyMonkey exports (CSV or XLSX; "expanded" with two header rows, or "condensed").

In the default "expanded" layout row 1 holds the question text, written once above the first of a question's columns and left
blank over its continuation columns; row 2 says what each column holds: ``Response``,
``Open-Ended Response``, or an option / statement text for questions spread over several
columns (multiple answers, matrices, rankings). Respondent metadata (``Respondent ID``,
``Collector ID``, dates, IP address, e-mail, names, custom data) have a blank row 2. The
"condensed" layout has only the question row: one column per question, several answers joined
in one cell (split with the questionnaire's choice list, like Google Forms checkboxes).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from .delimited import load_text, peek_records, read_delimited
from .excel import read_xlsx_rows, rows_to_frame
from .meta import ExportMeta, column_table
from .textio import dedupe, read_bytes

__all__ = ["SURVEYMONKEY_METADATA", "looks_like_surveymonkey", "read_surveymonkey"]

#: Metadata columns SurveyMonkey writes before the questions (both spellings).
SURVEYMONKEY_METADATA = (
    "RespondentID", "Respondent ID", "CollectorID", "Collector ID", "StartDate", "Start Date",
    "EndDate", "End Date", "IP Address", "Email Address", "First Name", "FirstName",
    "Last Name", "LastName", "Custom Data", "Custom Data 1",
)  # fmt: skip
_SUBS = ("response", "open-ended response")


def looks_like_surveymonkey(rows: list[list[str]]) -> str | None:
    """SurveyMonkey's layout of these first records (``2-row`` or ``condensed``), or None.

    The "expanded" export (the default) has a second header row: ``Response`` / option text
    under the questions, blank under the respondent metadata. The "condensed" export has one
    header row, so its second record is already a respondent, with an id in column 1.
    """
    if not rows or not rows[0]:
        return None
    first = rows[0][0].strip().lstrip("\ufeff")
    if first not in ("RespondentID", "Respondent ID"):
        return "2-row" if _stripped(rows) else None
    if len(rows) < 2:
        return "condensed"
    subs = {c.strip().lower() for c in rows[1]}
    if subs & set(_SUBS) or not rows[1][0].strip():
        return "2-row"
    return "condensed"


def _stripped(rows: list[list[str]]) -> bool:
    """An expanded export whose id and date columns were deleted: row 1 question text, row 2
    ``Response`` / ``Open-Ended Response`` under one-column questions and option texts under
    the columns a question spreads over (blank in row 1)."""
    if len(rows) < 2 or not rows[0][0].strip():
        return False
    top = [c.strip() for c in rows[0]]
    sub = [c.strip().lower() for c in rows[1]]
    marked = sum(c in _SUBS for c in sub)
    if not marked:
        return False
    # Every row-2 cell is a marker, or an option under a spread question (a blank top cell,
    # or the first column of a spread question).
    for i, c in enumerate(sub):
        if not c or c in _SUBS:
            continue
        spread = (i + 1 < len(top) and not top[i + 1]) or (i < len(top) and not top[i])
        if not spread:
            return False
    return True


def _header(rows: list[list[str]], layout: str) -> tuple[list[str], list[str], list[str]]:
    if layout == "2-row":
        return _columns(rows[0], rows[1])
    names = [c.strip().lstrip("\ufeff") for c in rows[0]]
    names = [n or f"column_{i + 1}" for i, n in enumerate(names)]
    return names, names, [""] * len(names)


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
        individual responses, expanded (two header rows) or condensed (one).

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
    if read_bytes(path, 8)[:4] == b"PK\x03\x04":
        rows = read_xlsx_rows(path)
        layout = looks_like_surveymonkey(rows[:2]) or "2-row"
        n_header = 2 if layout == "2-row" else 1
        if len(rows) < n_header:
            raise InputFileError("needs two header rows (question text, then Response)", path=path)
        names, texts, options = _header(rows, layout)
        data, notes = rows_to_frame(rows[n_header:], names, path=path, first_line=n_header + 1)
        encoding, delimiter = "binary (xlsx)", None
    else:
        text = load_text(path)
        peek, delimiter = peek_records(text.buf, 2)
        layout = looks_like_surveymonkey(peek) or "2-row"
        n_header = 2 if layout == "2-row" else 1
        if len(peek) < n_header:
            raise InputFileError("needs two header rows (question text, then Response)", path=path)
        header, body, delimiter, notes = read_delimited(
            text, n_header, path=path, delimiter=delimiter
        )
        encoding = text.encoding
        names, texts, options = _header(header, layout)
        unique, renamed = dedupe(names)
        data = body.set_axis(unique, axis=1)
        notes = [n for n in notes if "has no name" not in n] + renamed
    table = column_table(list(data.columns), names=names, texts=texts, options=options)
    meta = ExportMeta(
        path=str(path),
        format="surveymonkey",
        encoding=encoding,
        layout=layout,
        columns=table,
        separator=", " if layout == "condensed" else None,
        delimiter=delimiter,
        notes=tuple(notes),
    )
    return data, meta
