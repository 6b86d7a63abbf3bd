"""Read KoboToolbox and ODK Central exports of our XLSForms (XLSX or CSV).

Column names are the question names with their group path: ``attitudes/sus_1`` (KoboToolbox,
separator ``/``) or ``attitudes-sus_1`` (ODK Central, separator ``-``). With "XML values and
headers" a select cell holds the choice *name*, which our XLSForms set to the numeric code; a
``select_multiple`` question gives one cell of space-separated names and, with "separate
columns", one ``0``/``1`` column per option named ``group/question/option``. Submission
metadata (``start``, ``end``, ``_uuid``, ``_submission_time``, ``meta/instanceID``, ``KEY``,
``SubmissionDate``...) come before or after the questions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .excel import read_single_header
from .meta import ExportMeta, column_table

__all__ = ["KOBO_METADATA", "looks_like_kobo", "read_kobo", "short_name"]

#: Submission metadata KoboToolbox and ODK Central add (path prefixes removed).
KOBO_METADATA = (
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "audit", "instanceID", "instanceName", "deprecatedID", "_id", "_uuid", "_submission_time",
    "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_version_",
    "_tags", "_index", "_parent_index", "_parent_table_name", "_submission__id",
    "_submission__uuid", "SubmissionDate", "KEY", "SubmitterID", "SubmitterName",
    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
    "FormVersion",
)  # fmt: skip
_MARKERS = {"_uuid", "_submission_time", "meta/instanceID", "meta-instanceID", "KEY", "_index"}


def looks_like_kobo(rows: list[list[str]]) -> bool:
    """Whether the first record is a KoboToolbox / ODK header (its metadata columns)."""
    names = {c.strip().lstrip("\ufeff") for c in (rows[0] if rows else [])}
    return bool(names & _MARKERS) or {"start", "end"} <= names or "SubmissionDate" in names


def short_name(column: str, sep: str = "/") -> str:
    """The question name without its group path (``attitudes/sus_1`` → ``sus_1``)."""
    return column.rsplit(sep, 1)[-1] if sep else column


def _group_sep(names: list[str]) -> str:
    if any(n.startswith("meta-") for n in names) or "SubmissionDate" in names:
        return "-"
    return "/"


def read_kobo(path: str | Path) -> tuple[pd.DataFrame, ExportMeta]:
    """Read a KoboToolbox / ODK export of a form rendered by :mod:`research.questionnaire`.

    Parameters
    ----------
    path : str or Path
        ``.xlsx`` (first sheet; repeat groups on other sheets are not read) or ``.csv``
        (KoboToolbox writes ``;``-separated CSV by default; the delimiter is sniffed).

    Returns
    -------
    data : pd.DataFrame
        String columns named as in the export (group paths kept).
    meta : ExportMeta
        ``format="kobo"``, ``separator=" "``; ``name`` is the question name without its group
        path and, for a ``group/question/option`` column, ``option_code`` is the option.

    Raises
    ------
    InputFileError
        Missing or unreadable file, empty, or a row wider than the header.
    """
    header, data, notes, encoding, delimiter = read_single_header(path)
    sep = _group_sep(header)
    present = set(header)
    short, codes = [], []
    for col in header:
        parent = col.rsplit(sep, 1)[0] if sep in col else ""
        if parent and parent in present:  # group/question/option beside group/question
            short.append(short_name(parent, sep))
            codes.append(short_name(col, sep))
        else:
            short.append(short_name(col, sep))
            codes.append("")
    table = column_table(list(data.columns), names=short, texts=header, option_codes=codes)
    meta = ExportMeta(
        path=str(path),
        format="kobo",
        encoding=encoding,
        layout=f"group separator {sep!r}",
        columns=table,
        separator=" ",
        delimiter=delimiter,
        notes=tuple(notes),
    )
    return data, meta
