"""Respondent ids and paradata (duration, finished, progress, start) from any platform's export."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import InputFileError
from .meta import ExportMeta
from .recode import to_number

__all__ = ["ID_COLUMNS", "find_column", "paradata", "respondent_ids"]

#: Respondent id columns, most specific first (Qualtrics, SurveyMonkey, Kobo/ODK, generic).
ID_COLUMNS = (
    "ResponseId", "ResponseID", "_recordId", "RespondentID", "Respondent ID", "_uuid",
    "meta/instanceID", "meta-instanceID", "instanceID", "KEY", "_id", "respondent_id",
    "Respondent_ID", "respondent", "respid", "resp_id", "caseid", "case_id", "id", "ID",
)  # fmt: skip
_ROLES = {
    "duration": ("Duration (in seconds)", "Duration__in_seconds_", "duration", "Q_TotalDuration"),
    "finished": ("Finished", "finished"),
    "progress": ("Progress", "progress"),
    "start": ("StartDate", "Start Date", "start", "Timestamp", "SubmissionDate"),
    "end": ("EndDate", "End Date", "end", "_submission_time"),
}
_TRUE = {"true", "1", "yes", "finished", "complete", "completed"}
_FALSE = {"false", "0", "no", "unfinished", "incomplete", "partial"}


def _key(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(s).lower())


def find_column(meta: ExportMeta, names: tuple[str, ...]) -> str | None:
    """The first column whose name, short name or label is one of `names` (loosely spelled)."""
    wanted = [_key(n) for n in names]
    cols = meta.columns
    for w in wanted:
        for field in ("column", "name", "question_text"):
            hits = cols.loc[cols[field].map(_key) == w, "column"]
            if len(hits):
                return str(hits.iloc[0])
    return None


def respondent_ids(data: pd.DataFrame, meta: ExportMeta) -> tuple[pd.Series, str | None]:
    """Respondent ids as strings, and the column they came from.

    Exports without an id column (Google Forms) get ``row_<n>`` ids by data row.

    Raises
    ------
    InputFileError
        The id column has a blank cell.
    """
    col = None
    imp = meta.columns.loc[meta.columns["import_id"].isin(["_recordId", "responseId"]), "column"]
    if len(imp):
        col = str(imp.iloc[0])
    col = col or next((c for c in ID_COLUMNS if c in data.columns), None)
    col = col or find_column(meta, ID_COLUMNS)
    if col is None:
        return pd.Series(
            [f"row_{i + 1}" for i in range(len(data))], index=data.index, dtype=object
        ), None
    values = data[col]
    if values.dtype.kind == "f":
        ids = values.map(
            lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v))
        )
    else:
        ids = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    blank = (ids == "").to_numpy()
    if blank.any():
        raise InputFileError(
            f"a data row has no respondent id in column {col!r}",
            path=meta.path,
            row=int(np.flatnonzero(blank)[0]) + 1,
        )
    return ids.astype(object), col


def _finished(values: pd.Series, labels: dict | None) -> pd.Series:
    if labels:
        values = values.map(
            lambda v: (
                labels.get(int(v), v)
                if isinstance(v, float) and v == v and float(v).is_integer()
                else v
            )
        )
    codes, uniques = pd.factorize(
        values.astype(object).where(values.notna(), "").astype(str).to_numpy()
    )
    lut = []
    for u in uniques:
        f = u.strip().lower().removesuffix(".0")
        lut.append(True if f in _TRUE else False if f in _FALSE else np.nan)
    lut.append(np.nan)
    return pd.Series(np.array(lut, dtype=object)[codes], index=values.index)


def _times(values: pd.Series) -> pd.Series:
    if values.dtype.kind in "Mm":
        return values
    s = values.astype(object).where(values.notna(), None)
    out = pd.to_datetime(s, errors="coerce", format="mixed", utc=True)
    return out


def paradata(data: pd.DataFrame, meta: ExportMeta, ids: pd.Series) -> pd.DataFrame:
    """``respondent_id, duration, finished, progress, start`` for every row read.

    ``duration`` is seconds (the platform's own figure, else end − start); ``finished`` is
    True / False / NaN (unknown); ``progress`` percent. Qualtrics exports also get ``status``:
    the status of survey previews, test responses and spam, None for real responses.
    """
    cols = {role: find_column(meta, names) for role, names in _ROLES.items()}
    comma = meta.delimiter == ";"  # decimal-comma locales delimit with semicolons
    out = pd.DataFrame(index=data.index)
    out["respondent_id"] = ids.to_numpy()
    if cols["duration"] is not None:
        out["duration"] = to_number(data[cols["duration"]], decimal_comma=comma)[0]
    elif cols["start"] is not None and cols["end"] is not None:
        start, end = _times(data[cols["start"]]), _times(data[cols["end"]])
        out["duration"] = (end - start).dt.total_seconds()
    else:
        out["duration"] = np.nan
    if cols["finished"] is not None:
        out["finished"] = _finished(data[cols["finished"]], meta.value_labels.get(cols["finished"]))
    else:
        out["finished"] = np.nan
    out["progress"] = (
        to_number(data[cols["progress"]], decimal_comma=comma)[0] if cols["progress"] else np.nan
    )
    out["start"] = data[cols["start"]].astype(str).to_numpy() if cols["start"] else None
    if meta.format == "qualtrics" or (meta.format == "spss" and "ResponseId" in data):
        status = find_column(meta, ("Status",))
        if status is not None:
            out["status"] = _not_real(data[status], meta.value_labels.get(status))
    return out


#: Qualtrics ``Status`` codes and labels of responses that are not real respondents.
_NOT_REAL = {
    1: "Survey Preview", 2: "Survey Test", 8: "Spam", 9: "Preview Spam", 12: "Imported Spam",
    17: "Offline Survey Preview",
}  # fmt: skip
_NOT_REAL_WORDS = ("preview", "test", "spam")


def _not_real(values: pd.Series, labels: dict | None) -> np.ndarray:
    """The status label of previews, test responses and spam; None for real responses."""
    codes, uniques = pd.factorize(values.astype(object).where(values.notna(), "").to_numpy())
    lut: list[object] = []
    for u in uniques:
        text = str(u).strip()
        key = text.removesuffix(".0")
        label = (labels or {}).get(int(key)) if key.isdigit() else None
        if label is None and key.isdigit():
            label = _NOT_REAL.get(int(key))
        label = label or text
        lut.append(label if any(w in label.lower() for w in _NOT_REAL_WORDS) else None)
    lut.append(None)
    return np.array(lut, dtype=object)[codes]
