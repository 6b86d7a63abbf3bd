"""Decode text exports and read delimited files fast, with errors that name the line.

Every text reader goes through here: the encoding is decided once (UTF-8 with or without BOM,
UTF-16 with or without BOM, then cp1252), the header rows are parsed with :mod:`csv`, and the
body is read by pandas' C parser as strings (``dtype=object``, nothing turned into NaN) so that
recoding can work on whole columns.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path

import pandas as pd

from ..errors import InputFileError

__all__ = [
    "decode_bytes",
    "dedupe",
    "read_bytes",
    "read_delimited",
    "peek_records",
    "read_text",
    "sniff_delimiter",
]

_BOM8 = b"\xef\xbb\xbf"
_LINE = re.compile(r"line (\d+)")
_ROW = re.compile(r"row (\d+)")
_NON_SPACE = re.compile(rb"\S")


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, or :class:`InputFileError` naming what is wrong with the path."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file does not exist", path=path)
    if path.is_dir():
        raise InputFileError("is a folder, not an export file", path=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read the file: {exc.strerror or exc}", path=path) from None


def decode_bytes(raw: bytes, path: str | Path | None = None) -> tuple[bytes, str, bool]:
    """Decide the encoding and return the content as UTF-8 bytes.

    Returns
    -------
    utf8 : bytes
        The text re-encoded as UTF-8 without BOM (the input itself when it already was).
    encoding : str
        ``utf-8``, ``utf-16`` or ``cp1252``: what the file was written in.
    bom : bool
        Whether the file started with a byte-order mark.
    """
    if raw.startswith(_BOM8):
        body, bom = raw[len(_BOM8) :], True
        return _check_utf8(body, path), "utf-8", bom
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _from_utf16(raw, "utf-16", path), "utf-16", True
    head = raw[:4096]
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without BOM: every other byte is 0
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        return _from_utf16(raw, codec, path), "utf-16", False
    if b"\x00" in raw:
        pos = raw.index(b"\x00")
        raise InputFileError(
            f"contains a NUL byte at offset {pos}: a binary file, not a text export", path=path
        )
    if raw.isascii():
        return raw, "utf-8", False
    try:
        raw.decode("utf-8")
        return raw, "utf-8", False
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"cannot decode the file as UTF-8, UTF-16 or cp1252 (byte 0x{raw[exc.start]:02x} "
            f"at offset {exc.start})",
            path=path,
        ) from None
    return text.encode("utf-8"), "cp1252", False


def _check_utf8(body: bytes, path) -> bytes:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"starts with a UTF-8 byte-order mark but byte 0x{body[exc.start]:02x} at offset "
            f"{exc.start + 3} is not UTF-8",
            path=path,
        ) from None
    return body


def _from_utf16(raw: bytes, codec: str, path) -> bytes:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"looks like UTF-16 but cannot be decoded at offset {exc.start}", path=path
        ) from None
    if "\x00" in text:
        raise InputFileError("contains NUL characters: a binary file, not a text export", path=path)
    return text.lstrip("\ufeff").encode("utf-8")


def read_text(path: str | Path) -> tuple[str, str]:
    """Decode a text file trying UTF-8 (with or without BOM), UTF-16, then cp1252."""
    utf8, encoding, _ = decode_bytes(read_bytes(path), path)
    return utf8.decode("utf-8"), encoding


def sniff_delimiter(first_line: str) -> str:
    """Tab, semicolon or comma: whichever the header line has most of (comma on a tie)."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def dedupe(names: list[str]) -> tuple[list[str], list[str]]:
    """Unique column names (``.1``, ``.2`` suffixes) and a note for each renamed one."""
    seen: dict[str, int] = {}
    taken = set(names)
    out, notes = [], []
    for n in names:
        if n in seen:
            k = seen[n]
            while True:
                k += 1
                new = f"{n}.{k}"
                if new not in taken:
                    break
            seen[n] = k
            taken.add(new)
            out.append(new)
            notes.append(f"duplicate column name {n!r} read as {new!r}")
        else:
            seen[n] = 0
            out.append(n)
    return out, notes


def _record_ends(buf: bytes, n: int) -> list[int]:
    """Byte offsets just after each of the first `n` records (newlines inside quotes skipped)."""
    ends: list[int] = []
    pos = prev = quotes = 0
    while len(ends) < n and pos < len(buf):
        nl = buf.find(b"\n", pos)
        stop = len(buf) if nl < 0 else nl + 1
        quotes += buf.count(b'"', pos, stop)
        pos = stop
        if quotes % 2 == 0:
            if buf[prev:pos].strip():  # blank lines are not records
                ends.append(pos)
            prev = pos
    return ends


def peek_records(buf: bytes, n: int, delimiter: str | None = None) -> tuple[list[list[str]], str]:
    """The first `n` non-blank records of UTF-8 `buf` (fewer if the file is shorter)."""
    ends = _record_ends(buf, n)
    head = buf[: ends[-1]].decode("utf-8") if ends else ""
    if delimiter is None:
        delimiter = sniff_delimiter(head.lstrip("\r\n").split("\n", 1)[0])
    try:
        rows = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    except csv.Error:
        rows = []
    return [r for r in rows if any(c.strip() for c in r)][:n], delimiter


def read_delimited(
    buf: bytes,
    n_header: int,
    *,
    path: str | Path | None = None,
    delimiter: str | None = None,
    names_row: int = 0,
) -> tuple[list[list[str]], pd.DataFrame, str, list[str]]:
    """Split UTF-8 `buf` into its first `n_header` records and a body frame of strings.

    Parameters
    ----------
    buf : bytes
        UTF-8 text (see :func:`decode_bytes`).
    n_header : int
        Header records before the data.
    path : str or Path, optional
        For error messages.
    delimiter : str, optional
        Field delimiter; sniffed from the first line when omitted.
    names_row : int
        Which header record holds the column names.

    Returns
    -------
    header : list of list of str
        The header records, padded to the width of the names row.
    body : pd.DataFrame
        Data rows; columns are the de-duplicated names; cells are strings, ``NaN`` only where a
        short row has no cell.
    delimiter : str
    notes : list of str
        Blank or repeated column names and how they were renamed.
    """
    ends = _record_ends(buf, n_header)
    if len(ends) < n_header:
        raise InputFileError(
            f"has {len(ends)} header row(s) where {n_header} are expected: the file is empty "
            "or truncated",
            path=path,
        )
    head = buf[: ends[-1]].decode("utf-8")
    if delimiter is None:
        delimiter = sniff_delimiter(head.split("\n", 1)[0])
    try:
        header = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputFileError(f"header rows cannot be parsed: {exc}", path=path, line=1) from None
    header = [r for r in header if any(c.strip() for c in r)][:n_header]
    width = len(header[names_row])
    header = [r + [""] * (width - len(r)) if len(r) <= width else r for r in header]
    for i, r in enumerate(header):
        if len(r) > width:
            raise InputFileError(
                f"header row {i + 1} has {len(r)} cells but the column names row has {width}",
                path=path,
                line=i + 1,
            )
    names = [c.strip() for c in header[names_row]]
    notes = [
        f"column {i + 1} has no name: read as 'column_{i + 1}'"
        for i, n in enumerate(names)
        if not n
    ]
    names = [n or f"column_{i + 1}" for i, n in enumerate(names)]
    unique, renamed = dedupe(names)
    body = _read_body(buf, ends[-1], unique, delimiter, path, n_header)
    return header, body, delimiter, notes + renamed


def _read_body(
    buf: bytes, start: int, names: list[str], delimiter: str, path, offset: int
) -> pd.DataFrame:
    if _NON_SPACE.search(buf, start) is None:
        return pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    stream = io.BytesIO(buf)  # shares `buf`: no copy of a large export
    stream.seek(start)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                stream,
                sep=delimiter,
                header=None,
                names=names,
                index_col=False,
                dtype=object,
                na_filter=False,
                skip_blank_lines=True,
                encoding="utf-8",
                engine="c",
                quotechar='"',
                doublequote=True,
                low_memory=False,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as exc:
        raise _parse_error(exc, buf[start:], names, delimiter, path, offset) from None


def _parse_error(exc, body: bytes, names, delimiter, path, offset) -> InputFileError:
    msg = str(exc)
    if "EOF inside string" in msg:
        m = _ROW.search(msg)
        line = offset + int(m.group(1)) + 1 if m else None
        return InputFileError(
            "a quoted cell is never closed (the file may be truncated)", path=path, line=line
        )
    # Find the offending record ourselves so the message names the line and the counts.
    text = body.decode("utf-8", errors="replace")
    try:
        for i, rec in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
            if len(rec) > len(names):
                return InputFileError(
                    f"row has {len(rec)} cells but the header has {len(names)}",
                    path=path,
                    line=offset + i + 1,
                )
    except csv.Error as cexc:
        return InputFileError(f"cannot be parsed as CSV: {cexc}", path=path)
    m = _LINE.search(msg)
    return InputFileError(
        f"cannot be parsed as CSV: {msg.splitlines()[-1] if msg else type(exc).__name__}",
        path=path,
        line=offset + int(m.group(1)) if m else None,
    )
