"""Interview metadata: which respondent, segment and attributes each transcript belongs to.

A metadata CSV has one row per transcript: a ``transcript`` column (the file name without
suffix; ``file``, ``document`` or ``interview`` also work) and any of ``respondent_id``,
``segment`` and other attributes (``age_band``, ``region``...). Columns that hold people's
names (``name``, ``participant_name``, ``first_name``, ``last_name``, ``full_name``,
``interviewee``) are read only to redact those names; they are never copied onto passages.
"""

from __future__ import annotations

import io
import re
from os import PathLike
from pathlib import Path

import pandas as pd

from ..errors import DataError, InputFileError
from .passages import require_columns

__all__ = ["NAME_COLUMNS", "attach_metadata", "metadata_names", "read_metadata"]

#: Column names (compared without case, spaces or underscores) that hold people's names.
NAME_COLUMNS = (
    "name",
    "participantname",
    "firstname",
    "lastname",
    "surname",
    "fullname",
    "interviewee",
    "respondentname",
    "intervieweename",
)
_TRANSCRIPT = ("transcript", "transcriptid", "file", "filename", "document", "interview")
_INTERVIEWER = ("interviewer", "interviewername", "moderator")


def _key(name: object) -> str:
    return re.sub(r"[\s_\-.]+", "", str(name)).casefold()


def read_metadata(path: str | PathLike) -> pd.DataFrame:
    """Read a metadata CSV linking transcripts to respondents, segments and attributes.

    Parameters
    ----------
    path : str or path-like
        UTF-8 CSV with a header row (see the module docstring), separated by commas,
        semicolons or tabs.

    Returns
    -------
    pandas.DataFrame
        All columns as text, the transcript column renamed ``transcript`` (file suffixes
        such as ``.txt`` removed) and ``respondent id``-like names normalised to
        ``respondent_id``; one row per transcript.

    Raises
    ------
    InputFileError
        If the file is missing or unreadable, has no transcript column, or a transcript is
        empty or listed twice (the message names the line).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("metadata file does not exist", path=path)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
        first = text.splitlines()[0] if text.strip() else ""
        sep = max([",", ";", "\t"], key=first.count)  # Excel in many locales writes ";"
        raw = pd.read_csv(io.StringIO(text), dtype=str, sep=sep, keep_default_na=False)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            f"metadata is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8",
            path=path,
            line=line,
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise InputFileError(f"cannot read the metadata CSV: {exc}", path=path) from None
    keys = {_key(c): c for c in raw.columns}
    column = next((keys[k] for k in _TRANSCRIPT if k in keys), None)
    if column is None:
        raise InputFileError(
            f"metadata needs a 'transcript' column; found {list(raw.columns)}", path=path
        )
    rename = {column: "transcript"}
    for k in ("respondentid", "respondent", "responseid", "id"):
        if k in keys and keys[k] != column:
            rename[keys[k]] = "respondent_id"
            break
    if "segment" in keys:
        rename[keys["segment"]] = "segment"
    out = raw.rename(columns=rename)
    out["transcript"] = [
        Path(t.strip()).stem
        if t.strip().lower().endswith((".txt", ".md", ".markdown", ".docx", ".vtt", ".srt"))
        else t.strip()
        for t in out["transcript"]
    ]
    for i, value in enumerate(out["transcript"]):
        if not value:
            raise InputFileError("a row has no transcript", path=path, line=i + 2)
    duplicated = out["transcript"].duplicated()
    if duplicated.any():
        i = int(duplicated.to_numpy().nonzero()[0][0])
        first = int((out["transcript"] == out["transcript"].iloc[i]).to_numpy().nonzero()[0][0])
        raise InputFileError(
            f"transcript {out['transcript'].iloc[i]!r} is listed twice (first on line {first + 2})",
            path=path,
            line=i + 2,
        )
    return out


def metadata_names(metadata: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Participants' and interviewers' names held in the metadata (for redaction).

    Returns
    -------
    (list of str, list of str)
        Non-empty values of the name columns (:data:`NAME_COLUMNS`), and of ``interviewer``
        columns.
    """
    participants, interviewers = [], []
    for col in metadata.columns:
        target = (
            participants
            if _key(col) in NAME_COLUMNS
            else interviewers
            if _key(col) in _INTERVIEWER
            else None
        )
        if target is not None:
            target += [str(v).strip() for v in metadata[col] if isinstance(v, str) and v.strip()]
    return list(dict.fromkeys(participants)), list(dict.fromkeys(interviewers))


def attach_metadata(frame: pd.DataFrame, metadata: pd.DataFrame) -> pd.DataFrame:
    """Add each transcript's metadata (respondent, segment, attributes) to a table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Turns, passages or a coded corpus (column ``transcript``).
    metadata : pandas.DataFrame
        From :func:`read_metadata`.

    Returns
    -------
    pandas.DataFrame
        A copy of `frame` with the metadata columns (except name columns, which only serve
        redaction) replacing any of the same name; transcripts without metadata get NA.

    Raises
    ------
    DataError
        If a column is missing or a transcript is listed twice.
    """
    require_columns(frame, ["transcript"], "the table")
    require_columns(metadata, ["transcript"], "the metadata")
    if metadata["transcript"].duplicated().any():
        dup = metadata["transcript"][metadata["transcript"].duplicated()].iloc[0]
        raise DataError(f"transcript {dup!r} is listed twice in the metadata")
    private = [c for c in metadata.columns if _key(c) in NAME_COLUMNS + _INTERVIEWER]
    extra = metadata.drop(columns=private).astype({"transcript": str})
    columns = [c for c in extra.columns if c != "transcript"]
    base = frame.drop(columns=[c for c in columns if c in frame.columns])
    merged = base.assign(_t=base["transcript"].astype(str)).merge(
        extra.rename(columns={"transcript": "_t"}), on="_t", how="left"
    )
    merged.index = frame.index
    return merged.drop(columns="_t")
