"""Read the first sheet of an Excel export as rows of strings."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
import zlib
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from ..zipguard import check_zip
from .delimited import load_text, peek_records, read_delimited
from .textio import column_names, read_bytes

__all__ = ["is_xlsx", "read_xlsx_rows", "read_single_header", "rows_to_frame"]


def is_xlsx(raw_head: bytes) -> bool:
    """Whether these leading bytes start a ZIP container (XLSX workbooks are ZIP files)."""
    return raw_head[:4] == b"PK\x03\x04"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_xlsx_rows(path: str | Path, *, max_rows: int | None = None) -> list[list[str]]:
    """Cells of the first worksheet as strings (``""`` for empty), blank rows dropped.

    Raises
    ------
    InputFileError
        The file is missing or is not a readable XLSX workbook.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    read_bytes(path, 8)  # existence and folder checks with the usual messages
    check_zip(path, "xlsx")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                if not wb.worksheets:
                    raise InputFileError("the workbook has no worksheet", path=path)
                ws = wb.worksheets[0]
                # Read-only mode trusts the sheet's <dimension>, which some writers understate;
                # forget it so every row and column in the XML is read.
                if hasattr(ws, "reset_dimensions"):
                    ws.reset_dimensions()
                rows = []
                for row in ws.iter_rows(values_only=True):
                    cells = [_cell(v) for v in row]
                    if any(c.strip() for c in cells):
                        rows.append(cells)
                    if max_rows is not None and len(rows) >= max_rows:
                        break
            finally:
                wb.close()
    except InputFileError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, zlib.error) as exc:
        raise InputFileError(
            f"is not a readable Excel workbook ({type(exc).__name__}: {exc})", path=path
        ) from None
    except Exception as exc:  # noqa: BLE001 - a corrupt part of the ZIP reaches openpyxl's
        # XML parsers, which raise whatever their parser raises: all of it means "corrupt".
        raise InputFileError(
            f"is not a readable Excel workbook ({type(exc).__name__}: {exc})", path=path
        ) from None
    return rows


def rows_to_frame(
    rows: list[list[str]], names: list[str], *, path: str | Path | None = None, first_line: int = 1
) -> tuple[pd.DataFrame, list[str]]:
    """Data rows as a string frame with unique column names; notes on renamed columns."""
    width = len(names)
    for i, r in enumerate(rows):
        if len(r) > width and any(c.strip() for c in r[width:]):
            raise InputFileError(
                f"row has {len(r)} cells but the header has {width}",
                path=path,
                line=first_line + i,
            )
    body = [(r + [""] * width)[:width] for r in rows]
    unique, notes = column_names(names)
    frame = pd.DataFrame(body, columns=unique, dtype=object)
    if not body:
        frame = pd.DataFrame({n: pd.Series([], dtype=object) for n in unique})
    return frame, notes


def read_single_header(
    path: str | Path,
) -> tuple[list[str], pd.DataFrame, list[str], str, str | None]:
    """Read a one-header-row table from XLSX or delimited text (any supported encoding).

    Returns
    -------
    header, data, notes, encoding, delimiter
        Header cells (stripped), the body as text, reader notes, the encoding used and the
        delimiter (``None`` for XLSX).
    """
    if read_bytes(path, 8)[:4] == b"PK\x03\x04":
        rows = read_xlsx_rows(path)
        if not rows:
            raise InputFileError("the workbook is empty", path=path)
        header = [c.strip() for c in rows[0]]
        data, notes = rows_to_frame(rows[1:], header, path=path, first_line=2)
        return header, data, notes, "binary (xlsx)", None
    text = load_text(path)
    peek, delimiter = peek_records(text.buf, 1)
    if not peek:
        raise InputFileError("the file is empty", path=path)
    head_rows, data, delimiter, notes = read_delimited(text, 1, path=path, delimiter=delimiter)
    encoding = text.encoding
    header = [c.strip().lstrip("\ufeff") for c in head_rows[0]]
    return header, data, notes, encoding, delimiter
