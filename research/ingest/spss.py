"""Read SPSS ``.sav`` / ``.zsav`` files (pyreadstat) and write imported data back to ``.sav``."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError, ReportError
from .meta import ExportMeta, column_table
from .textio import read_bytes

__all__ = ["read_spss", "write_spss", "spss_name"]

_MAGIC = (b"$FL2", b"$FL3")


def read_spss(path: str | Path) -> tuple[pd.DataFrame, ExportMeta]:
    """Read an SPSS data file with its variable labels, value labels and missing codes.

    Parameters
    ----------
    path : str or Path
        ``.sav`` or ``.zsav``.

    Returns
    -------
    data : pd.DataFrame
        Numeric variables as floats (codes, not labels), string variables as text; values
        declared user-missing (discrete values or ranges) are set to NaN.
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
    import pyreadstat

    raw = read_bytes(path)
    if raw[:4] not in _MAGIC:
        raise InputFileError(
            "is not an SPSS .sav/.zsav file (it does not start with $FL2 or $FL3)", path=path
        )
    try:
        data, m = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and plain errors
        raise InputFileError(f"cannot read the SPSS file: {exc}", path=path) from None
    missing: dict[str, list] = {}
    data = data.copy()
    for col, ranges in (m.missing_ranges or {}).items():
        if col not in data or data[col].dtype == object:
            continue
        values = pd.to_numeric(data[col], errors="coerce")
        hit = pd.Series(False, index=data.index)
        for r in ranges:
            hit |= values.between(r["lo"], r["hi"])
        if hit.any():
            missing[col] = sorted(float(v) for v in values[hit].unique())
            data.loc[hit, col] = np.nan
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
        format="spss",
        encoding=str(m.file_encoding or "binary"),
        layout="zsav" if raw[:4] == b"$FL3" else "sav",
        columns=table,
        value_labels=value_labels,
        missing_codes=missing,
        notes=tuple(notes),
    )
    return data, meta


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
) -> Path:
    """Write `frame` (index becomes the first variable) to an SPSS ``.sav`` file.

    Column names are made valid SPSS names; labels follow the renamed columns.

    Raises
    ------
    ReportError
        The file cannot be written.
    """
    import pyreadstat

    from ..reports import atomic_write

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
    return path
