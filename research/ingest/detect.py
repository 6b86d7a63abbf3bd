"""Say what an export is (platform, layout, encoding) and read it with the right reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ..errors import InputFileError, suggest
from .archive import archive_member, extracted, not_an_export
from .delimited import peek_records
from .excel import is_xlsx, read_xlsx_rows
from .generic import read_table
from .google import looks_like_google_forms, read_google_forms
from .kobo import looks_like_kobo, read_kobo
from .meta import ExportMeta
from .qualtrics import looks_like_qualtrics, read_qualtrics
from .spss import read_spss, read_stata, statfile_kind
from .surveymonkey import looks_like_surveymonkey, read_surveymonkey
from .textio import decode_bytes, read_bytes

__all__ = ["FORMATS", "READERS", "Detection", "detect_format", "read_export"]

#: Readers by format name; each is ``read_<source>(path) -> (DataFrame, ExportMeta)``.
READERS: dict[str, Callable[[str | Path], tuple[pd.DataFrame, ExportMeta]]] = {
    "qualtrics": read_qualtrics,
    "surveymonkey": read_surveymonkey,
    "google_forms": read_google_forms,
    "kobo": read_kobo,
    "spss": read_spss,
    "stata": read_stata,
    "generic": read_table,
}
FORMATS = tuple(READERS)
_ALIASES = {"google": "google_forms", "odk": "kobo", "kobotoolbox": "kobo", "sav": "spss",
            "zsav": "spss", "por": "spss", "dta": "stata", "csv": "generic", "xlsx": "generic",
            "excel": "generic"}  # fmt: skip
_HEAD = 256 * 1024


@dataclass(frozen=True)
class Detection:
    """What :func:`detect_format` found.

    Attributes
    ----------
    format : str
        One of :data:`FORMATS`.
    encoding : str
        ``utf-8``, ``utf-16``, ``cp1252`` (judged on the first 256 KB), or ``binary (xlsx)``
        / ``binary (sav)`` / ``binary (zsav)`` / ``binary (por)`` / ``binary (dta)``.
    layout : str
        Format-specific layout (Qualtrics ``3-row`` / ``insights`` / ``legacy``...).
    evidence : str
        Why, in words: the cells or bytes that gave the format away.
    """

    format: str
    encoding: str
    layout: str
    evidence: str

    def __str__(self) -> str:
        return f"{self.format} ({self.layout}, {self.encoding}): {self.evidence}"


def _from_rows(rows: list[list[str]]) -> tuple[str, str, str]:
    layout = looks_like_qualtrics(rows)
    if layout is not None:
        first = [c.strip().lstrip("\ufeff") for c in rows[0]]
        why = (
            "V1..V10 columns" if layout == "legacy"
            else "ImportId row 3" if layout in ("3-row", "insights")
            else "ResponseId column"
        )  # fmt: skip
        return "qualtrics", layout, f"{why} ({len(first)} columns)"
    sm = looks_like_surveymonkey(rows)
    if sm == "2-row" and rows[0][0].strip().lstrip("\ufeff") not in (
        "RespondentID",
        "Respondent ID",
    ):
        return "surveymonkey", sm, "row 2 'Response' / option text (id and date columns removed)"
    if sm == "2-row":
        return "surveymonkey", sm, "Respondent ID first, row 2 'Response' / option text"
    if sm == "condensed":
        return "surveymonkey", sm, "Respondent ID first, one header row (condensed columns)"
    if looks_like_google_forms(rows):
        return "google_forms", "1-row", f"{rows[0][0].strip()!r} first column"
    if looks_like_kobo(rows):
        return "kobo", "1-row", "submission metadata columns (_uuid / meta/instanceID / KEY)"
    return "generic", "1-row", "no platform's header recognised: one header row assumed"


def _head(path: Path) -> bytes:
    """The first 256 KB of the file (detection never needs more)."""
    if path.is_dir() or not path.exists():
        read_bytes(path, 8)  # raises the usual "does not exist" / "is a folder"
    try:
        with path.open("rb") as fh:
            return fh.read(_HEAD)
    except OSError as exc:
        raise InputFileError(f"cannot read the file: {exc.strerror or exc}", path=path) from None


def detect_format(path: str | Path) -> Detection:
    """Look at the start of an export and say which platform wrote it.

    A ZIP download holding one data file is judged by that file (``evidence`` says so).

    Raises
    ------
    InputFileError
        The file is missing, empty, cannot be decoded, or is no export (old ``.xls``, PDF...).
    """
    path = Path(path)
    raw = _head(path)
    if not raw.strip():
        raise InputFileError("the file is empty", path=path)
    kind = statfile_kind(raw)
    if kind == "dta":
        return Detection("stata", "binary (dta)", "dta", "Stata .dta header")
    if kind is not None:
        what = "SPSS portable header" if kind == "por" else f"SPSS header {raw[:4].decode()}"
        return Detection("spss", f"binary ({kind})", kind, what)
    if is_xlsx(raw):
        member = archive_member(path)
        if member is not None:
            with extracted(path, member) as inner:
                found = detect_format(inner)
            return Detection(
                found.format,
                found.encoding,
                found.layout,
                f"{found.evidence} (file {member!r} in the ZIP archive)",
            )
        rows = read_xlsx_rows(path, max_rows=3)
        fmt, layout, why = _from_rows(rows)
        return Detection(fmt, "binary (xlsx)", layout, why + " in the first worksheet")
    problem = not_an_export(raw)
    if problem:
        raise InputFileError(problem, path=path)
    head = raw[:_HEAD]
    if len(raw) >= _HEAD and raw[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        end = max(head.rfind(b"\n"), head.rfind(b"\r"))  # do not cut a UTF-8 character
        head = head[: end + 1] or head
    utf8, encoding, bom = decode_bytes(head, path)
    rows, _ = peek_records(utf8, 3)
    if not rows:
        raise InputFileError("has no header row", path=path)
    fmt, layout, why = _from_rows(rows)
    return Detection(
        fmt, encoding + (" with BOM" if bom and encoding == "utf-8" else ""), layout, why
    )


def read_export(
    path: str | Path, *, format: str | None = None
) -> tuple[pd.DataFrame, ExportMeta, Detection]:
    """Detect (unless `format` is given) and read an export.

    Parameters
    ----------
    path : str or Path
        The export, or a ZIP download holding it.
    format : str, optional
        Force a reader: one of :data:`FORMATS` (or ``google``, ``odk``, ``sav``, ``dta``,
        ``csv``, ``xlsx``).

    Returns
    -------
    data, meta, detection

    Raises
    ------
    InputFileError
        Unknown `format`, or whatever the chosen reader raises.
    """
    key = None
    if format is not None:
        key = _ALIASES.get(format.lower(), format.lower())
        if key not in READERS:
            allowed = sorted(set(READERS) | set(_ALIASES))
            raise InputFileError(
                f"format must be one of {allowed}, got {format!r}{suggest(format, allowed)}",
                path=path,
            )
    head = _head(Path(path))[:1024]
    if is_xlsx(head):
        member = archive_member(path)
        if member is not None:
            with extracted(path, member) as inner:
                data, meta, found = read_export(inner, format=format)
            meta = replace(
                meta, path=str(path), notes=(*meta.notes, f"read {member!r} from the ZIP archive")
            )
            evidence = f"{found.evidence} (file {member!r} in the ZIP archive)"
            return data, meta, replace(found, evidence=evidence)
    if key is not None:
        data, meta = READERS[key](path)
        detection = Detection(key, meta.encoding, meta.layout, "format given by the caller")
        return data, meta, detection
    detection = detect_format(path)
    data, meta = READERS[detection.format](path)
    seen = detection.encoding.replace(" with BOM", "")
    if not seen.startswith("binary") and meta.encoding != seen:
        detection = Detection(
            detection.format,
            meta.encoding,
            meta.layout,
            detection.evidence + f"; encoding {meta.encoding} (seen past the first 256 KB)",
        )
    return data, meta, detection
