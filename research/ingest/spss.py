"""Read SPSS ``.sav`` / ``.zsav`` / ``.por`` and Stata ``.dta`` files (pyreadstat); write ``.sav``."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError, ReportError
from .meta import ExportMeta, column_table
from .textio import read_bytes

__all__ = ["read_spss", "read_stata", "spss_name", "statfile_kind", "write_spss"]

_MAGIC = (b"$FL2", b"$FL3")


def statfile_kind(head: bytes) -> str | None:
    """``sav``, ``zsav``, ``por`` (SPSS portable) or ``dta`` (Stata) from a file's first bytes."""
    if head[:4] == b"$FL2":
        return "sav"
    if head[:4] == b"$FL3":
        return "zsav"
    if b"SPSSPORT" in head[:1024] and b"PORT FILE" in head[:200]:
        return "por"
    if head.startswith(b"<stata_dta>"):
        return "dta"
    # Stata 8-12 (formats 113-115) and older: version byte, byte order 1/2, filetype 1.
    if len(head) > 3 and 102 <= head[0] <= 115 and head[1] in (1, 2) and head[2] == 1:
        return "dta"
    return None


def read_spss(path: str | Path) -> tuple[pd.DataFrame, ExportMeta]:
    """Read an SPSS data file with its variable labels, value labels and missing codes.

    Parameters
    ----------
    path : str or Path
        ``.sav``, ``.zsav`` or SPSS portable ``.por``.

    Returns
    -------
    data : pd.DataFrame
        Numeric variables as floats (codes, not labels), string variables as text; values
        declared user-missing (discrete values or ranges, numeric or string) are set missing.
    meta : ExportMeta
        ``format="spss"``; ``question_text`` is each variable label, ``value_labels`` maps
        column -> {code: label}, ``missing_codes`` column -> the user-missing values found,
        ``notes`` the file encoding and any multiple-response sets.

    Raises
    ------
    InputFileError
        Missing file, or not a readable SPSS file (the message carries pyreadstat's reason).

    Notes
    -----
    Checked against pyreadstat's own test files (``tests/data/spss``): ``sample.sav`` decodes
    to the published ``sample.csv``; ``sample_missing.sav`` and ``missing_test.sav`` carry
    user-missing ranges; ``test_width.sav`` is a Qualtrics SPSS export whose ``Finished`` is
    coded 1 = False, 2 = True.
    """
    kind = statfile_kind(read_bytes(path, 1024))
    if kind not in ("sav", "zsav", "por"):
        raise InputFileError(
            "is not an SPSS .sav/.zsav/.por file (it does not start with $FL2 or $FL3, nor "
            "carry the SPSS PORT FILE header)",
            path=path,
        )
    return _read_stat(path, kind, "spss")


def read_stata(path: str | Path) -> tuple[pd.DataFrame, ExportMeta]:
    """Read a Stata ``.dta`` file (formats 104-119) like :func:`read_spss`.

    Variable labels become question text and value labels are kept; Stata's extended missing
    values (``.a`` … ``.z``) are missing.

    Raises
    ------
    InputFileError
        Missing file, or not a readable Stata file.
    """
    if statfile_kind(read_bytes(path, 1024)) != "dta":
        raise InputFileError("is not a Stata .dta file", path=path)
    return _read_stat(path, "dta", "stata")


def _read_stat(path: str | Path, kind: str, fmt: str) -> tuple[pd.DataFrame, ExportMeta]:
    import pyreadstat

    reader = {
        "sav": pyreadstat.read_sav,
        "zsav": pyreadstat.read_sav,
        "por": pyreadstat.read_por,
        "dta": pyreadstat.read_dta,
    }[kind]
    options = {"user_missing": True} if kind in ("sav", "zsav") else {}
    try:
        data, m = reader(str(path), apply_value_formats=False, **options)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and plain errors
        what = "an SPSS" if fmt == "spss" else "a Stata"
        raise InputFileError(f"cannot read {what} file: {exc}", path=path) from None
    data = data.copy()
    missing = _user_missing(data, m.missing_ranges or {})
    labels = m.column_names_to_labels or {}
    value_labels = {
        col: {_code(k): str(v) for k, v in vl.items()}
        for col, vl in (m.variable_value_labels or {}).items()
    }
    notes = [f"file encoding {m.file_encoding}"] if m.file_encoding else []
    for name, mr in (getattr(m, "mr_sets", None) or {}).items():
        notes.append(f"multiple-response set {name!r}: {', '.join(mr['variable_list'])}")
    table = column_table(list(data.columns), texts=[labels.get(c) or "" for c in data.columns])
    meta = ExportMeta(
        path=str(path),
        format=fmt,
        encoding=str(m.file_encoding or "binary"),
        layout=kind,
        columns=table,
        value_labels=value_labels,
        missing_codes=missing,
        notes=tuple(notes),
    )
    return data, meta


def _user_missing(data: pd.DataFrame, ranges: dict) -> dict[str, list]:
    """Set declared user-missing values missing (in place); the values found, by column."""
    missing: dict[str, list] = {}
    for col, spec in ranges.items():
        if col not in data:
            continue
        values = data[col]
        hit = pd.Series(False, index=data.index)
        if pd.api.types.is_numeric_dtype(values):
            for r in spec:
                hit |= values.between(r["lo"], r["hi"])
        else:  # string variables declare discrete codes ("DK", "NA")
            codes = {str(r["lo"]).rstrip() for r in spec} | {str(r["hi"]).rstrip() for r in spec}
            text = values.astype(object).where(values.notna(), "").astype(str).str.rstrip()
            hit = text.isin(codes) & values.notna()
        if hit.any():
            found = values[hit].unique()
            missing[col] = sorted(
                (float(v) for v in found) if pd.api.types.is_numeric_dtype(values)
                else (str(v) for v in found)
            )  # fmt: skip
            data[col] = values.where(~hit, np.nan if values.dtype.kind == "f" else None)
    return missing


def _code(key: object) -> object:
    if isinstance(key, float) and math.isfinite(key) and key.is_integer():
        return int(key)
    return key


def spss_name(name: str, taken: set[str]) -> str:
    """A valid, unique SPSS variable name (letters, digits, ``_``; at most 64 bytes)."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", name) or "v"
    if not out[0].isalpha():
        out = "v" + out
    out = out[:64]
    base, k = out, 1
    while out.lower() in taken:
        k += 1
        out = f"{base[:60]}_{k}"
    taken.add(out.lower())
    return out


def write_spss(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    variable_labels: dict[str, str] | None = None,
    value_labels: dict[str, dict[int, str]] | None = None,
    measure: dict[str, str] | None = None,
    created: str | None = None,
) -> Path:
    """Write `frame` (index becomes the first variable) to an SPSS ``.sav`` file.

    Column names are made valid SPSS names; labels follow the renamed columns. The header's
    creation date and time are `created` (ISO, UTC) or :func:`research.clock.created_timestamp`
    (``SOURCE_DATE_EPOCH`` when set), so two runs write identical bytes.

    Raises
    ------
    ReportError
        The file cannot be written.
    """
    import pyreadstat

    from ..atomic import atomic_write

    df = frame.reset_index()
    taken: set[str] = set()
    rename = {c: spss_name(str(c), taken) for c in df.columns}
    df = df.rename(columns=rename)
    for col in df.columns:
        if df[col].dtype == object or str(df[col].dtype) in ("str", "string"):
            df[col] = df[col].astype(object).where(df[col].notna(), "").astype(str)
    var_labels = {
        rename[k]: str(v)[:255] for k, v in (variable_labels or {}).items() if k in rename
    }
    val_labels = {
        rename[k]: {float(c): str(lab)[:120] for c, lab in v.items()}
        for k, v in (value_labels or {}).items()
        if k in rename
    }
    meas = {rename[k]: v for k, v in (measure or {}).items() if k in rename}
    path = Path(path)
    with atomic_write(path) as tmp:
        try:
            pyreadstat.write_sav(
                df,
                str(tmp),
                column_labels=[var_labels.get(c) for c in df.columns],
                variable_value_labels=val_labels,
                variable_measure=meas or None,
            )
        except Exception as exc:  # pyreadstat reports write problems with its own types
            raise ReportError(f"cannot write the SPSS file: {exc}", path=path) from None
        _stamp_header(Path(tmp), created)
    return path


def _stamp_header(path: Path, created: str | None) -> None:
    """Overwrite the creation date/time ReadStat takes from the wall clock.

    The file header record (SPSS "System File Format", record type 1) holds ``creation_date``
    ("dd mmm yy", 9 bytes) at offset 92 and ``creation_time`` ("hh:mm:ss", 8 bytes) at 101.
    """
    from datetime import datetime

    from ..clock import created_timestamp

    when = datetime.fromisoformat(created_timestamp(created))
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    stamp = f"{when.day:02d} {months[when.month - 1]} {when.year % 100:02d}{when:%H:%M:%S}"
    with open(path, "r+b") as fh:
        if fh.read(4) not in (b"$FL2", b"$FL3"):
            return
        fh.seek(92)
        fh.write(stamp.encode("ascii"))
