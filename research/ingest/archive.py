"""Exports that arrive packed or in a format no reader takes: ZIP downloads, old Excel, HTML.

Qualtrics' "Download data" and SurveyMonkey's exports arrive as a ZIP holding the CSV/XLSX/SAV;
the importer reads the one data file inside. Files that are not survey data at all (an Excel
97-2003 ``.xls``, a web page saved as ``.xls``, a PDF, a gzip stream) get an error saying what
they are and what to export instead, rather than a decoding error about their bytes.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..errors import InputFileError, ResearchError
from ..zipguard import check_zip

__all__ = ["DATA_SUFFIXES", "archive_member", "extracted", "not_an_export"]

#: Files inside an archive the importer can read.
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".sav", ".zsav", ".por", ".dta")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def not_an_export(head: bytes) -> str | None:
    """What a file is when its first bytes show it is no export any reader takes, else None."""
    if head.startswith(_OLE2):
        return (
            "is an Excel 97-2003 .xls workbook (or a password-protected one), which is not "
            "read: save it as .xlsx or CSV"
        )
    low = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table")):
        return "is an HTML page (a web table saved as .xls?): export the data as CSV or XLSX"
    if low.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "is an Excel 2003 XML spreadsheet, which is not read: save it as .xlsx or CSV"
    if head.startswith(b"%PDF"):
        return "is a PDF document, not a data export"
    if head.startswith(b"\x1f\x8b"):
        return "is gzip-compressed: decompress it and import the file inside"
    if head.startswith(b"PAR1"):
        return "is a Parquet file, which is not read: export the data as CSV or XLSX"
    return None


def archive_member(path: str | Path) -> str | None:
    """The data file inside a ZIP archive, or ``None`` when the ZIP is an XLSX workbook.

    Raises
    ------
    InputFileError
        The ZIP cannot be opened, or holds no readable data file or several.
    """
    check_zip(path, "export")
    try:
        with zipfile.ZipFile(path) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputFileError(
            f"is not a readable ZIP archive or workbook ({exc})", path=path
        ) from None
    if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
        return None
    data = [
        n
        for n in names
        if PurePosixPath(n).suffix.lower() in DATA_SUFFIXES
        and not PurePosixPath(n).name.startswith((".", "~$"))
        and not n.startswith("__MACOSX/")
    ]
    if len(data) == 1:
        return data[0]
    if not data:
        raise InputFileError(
            f"is a ZIP archive without a data file ({', '.join(DATA_SUFFIXES)}); it holds "
            f"{names[:5]}",
            path=path,
        )
    raise InputFileError(
        f"is a ZIP archive with {len(data)} data files {data[:5]}: unzip it and import one",
        path=path,
    )


@contextmanager
def extracted(path: str | Path, member: str) -> Iterator[Path]:
    """The archive member written to a temporary folder; errors name ``archive!member``."""
    tmp = Path(tempfile.mkdtemp(prefix="research-import-"))
    target = tmp / PurePosixPath(member).name
    try:
        try:
            with zipfile.ZipFile(path) as zf, zf.open(member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            # zlib errors, CRC mismatches and encrypted members all mean "cannot unpack".
            raise InputFileError(
                f"cannot unpack {member!r} from the ZIP archive ({exc})", path=path
            ) from None
        except Exception as exc:  # noqa: BLE001 - zlib.error and friends from a corrupt member
            raise InputFileError(
                f"cannot unpack {member!r} from the ZIP archive ({type(exc).__name__}: {exc})",
                path=path,
            ) from None
        try:
            yield target
        except ResearchError as exc:
            if exc.path is not None and Path(exc.path) == target:
                exc.path = f"{path}!{member}"
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
