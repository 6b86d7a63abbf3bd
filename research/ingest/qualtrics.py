"""Read Qualtrics CSV exports (current 3-header-row format and the legacy 2-row format)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputFileError

__all__ = ["QualtricsMeta", "read_qualtrics", "read_text"]

_ENCODINGS = ("utf-8-sig", "utf-16", "cp1252")
_IMPORT_ID = re.compile(r"""^\{\s*["']ImportId["']\s*:\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class QualtricsMeta:
    """What the reader found in a Qualtrics export.

    Attributes
    ----------
    path : str
        The file read.
    encoding : str
        Encoding used to decode it.
    layout : str
        ``"3-row"`` (names, question text, ImportId JSON) or ``"legacy"`` (names, text).
    columns : pd.DataFrame
        One row per column: ``column, question_text, import_id`` (``import_id`` empty for
        legacy exports).
    """

    path: str
    encoding: str
    layout: str
    columns: pd.DataFrame


def read_text(path: str | Path) -> tuple[str, str]:
    """Decode a text file trying UTF-8 (with or without BOM), UTF-16, then cp1252."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file does not exist", path=path)
    if path.is_dir():
        raise InputFileError("is a folder, not an export file", path=path)
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        order = ("utf-16",)
    else:
        order = tuple(e for e in _ENCODINGS if e != "utf-16")
    for enc in order:
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise InputFileError("cannot decode the file as UTF-8, UTF-16 or cp1252", path=path)


def read_qualtrics(path: str | Path) -> tuple[pd.DataFrame, QualtricsMeta]:
    """Read a Qualtrics CSV export as text, keeping every row.

    Parameters
    ----------
    path : str or Path
        A CSV exported from Qualtrics ("Download data" → CSV), with choice text or numeric
        values.

    Returns
    -------
    data : pd.DataFrame
        Data rows only (header rows removed), every cell a string (``""`` for blank), columns
        as in the export's first row; duplicate names get ``.1``, ``.2`` suffixes.
    meta : QualtricsMeta

    Raises
    ------
    InputFileError
        The file is missing, undecodable, empty, or not a Qualtrics export.

    Notes
    -----
    Checked against the real exports in ``tests/data/qualtrics`` (from the qualtRics R
    package): the current format with ``{"ImportId": ...}`` in the third row and the legacy
    two-row format with a byte-order mark.
    """
    text, encoding = read_text(path)
    delimiter = (
        "\t" if text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(",") else ","
    )
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise InputFileError("no header rows found: is this a Qualtrics CSV export?", path=path)
    names = rows[0]
    if not any(n in ("ResponseId", "ResponseID", "V1") for n in names):
        raise InputFileError(
            "no ResponseId column in the first row: is this a Qualtrics CSV export?", path=path
        )
    third = rows[2] if len(rows) > 2 else []
    layout = "3-row" if any(_IMPORT_ID.match(c or "") for c in third) else "legacy"
    n_header = 3 if layout == "3-row" else 2
    texts = rows[1] + [""] * (len(names) - len(rows[1]))
    import_ids = (
        [(m.group(1) if (m := _IMPORT_ID.match(c or "")) else "") for c in third]
        if layout == "3-row"
        else [""] * len(names)
    )
    import_ids += [""] * (len(names) - len(import_ids))
    unique = _dedupe(names)
    body = []
    for i, r in enumerate(rows[n_header:], start=n_header + 1):
        if len(r) > len(names):
            raise InputFileError(
                f"row has {len(r)} cells but the header has {len(names)}", path=path, line=i
            )
        body.append(r + [""] * (len(names) - len(r)))
    data = pd.DataFrame(body, columns=unique, dtype=object)
    columns = pd.DataFrame(
        {"column": unique, "question_text": texts[: len(names)], "import_id": import_ids}
    )
    return data, QualtricsMeta(str(path), encoding, layout, columns)


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}.{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out
