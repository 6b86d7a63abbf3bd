"""Decode text exports: the encoding is decided once (UTF-8 with or without BOM, UTF-16 with or
without BOM, then cp1252) and the text handed on as UTF-8 bytes.

Splitting the text into header records and a body frame is :mod:`research.ingest.delimited`.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputFileError

__all__ = ["decode_bytes", "dedupe", "read_bytes", "read_text", "sniff_delimiter"]

_BOM8 = b"\xef\xbb\xbf"
_LINE = re.compile(r"line (\d+)")
_ROW = re.compile(r"row (\d+)")
_NON_SPACE = re.compile(rb"\S")


def read_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """The file's bytes (the first `limit` only, if given), or :class:`InputFileError` naming
    what is wrong with the path."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file does not exist", path=path)
    if path.is_dir():
        raise InputFileError("is a folder, not an export file", path=path)
    try:
        if limit is None:
            return path.read_bytes()
        with path.open("rb") as fh:
            return fh.read(limit)
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
        return _lines(raw), "utf-8", False
    try:
        raw.decode("utf-8")
        return _lines(raw), "utf-8", False
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
    return _lines(text.encode("utf-8")), "cp1252", False


_EXCEL_SEP = re.compile(rb"^sep=.\r?\n")


def _lines(buf: bytes) -> bytes:
    """Classic-Mac line ends (CR only, as Excel for Mac's "CSV (Macintosh)" writes) as LF, and
    no ``sep=;`` line (Excel's delimiter hint; the delimiter is sniffed from the header).

    Only a file without a single LF has its CRs changed: elsewhere a CR is part of a CRLF or of
    a cell.
    """
    if b"\r" in buf and b"\n" not in buf:
        buf = buf.replace(b"\r", b"\n")
    m = _EXCEL_SEP.match(buf[:16].lower())
    return buf[m.end() :] if m else buf


def _check_utf8(body: bytes, path) -> bytes:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"starts with a UTF-8 byte-order mark but byte 0x{body[exc.start]:02x} at offset "
            f"{exc.start + 3} is not UTF-8",
            path=path,
        ) from None
    return _lines(body)


def _from_utf16(raw: bytes, codec: str, path) -> bytes:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"looks like UTF-16 but cannot be decoded at offset {exc.start}", path=path
        ) from None
    if "\x00" in text:
        raise InputFileError("contains NUL characters: a binary file, not a text export", path=path)
    return _lines(text.lstrip("\ufeff").encode("utf-8"))


def read_text(path: str | Path) -> tuple[str, str]:
    """Decode a text file trying UTF-8 (with or without BOM), UTF-16, then cp1252."""
    utf8, encoding, _ = decode_bytes(read_bytes(path), path)
    return utf8.decode("utf-8"), encoding


def sniff_delimiter(first_line: str) -> str:
    """Tab, semicolon or comma: whichever the header line has most of (comma on a tie)."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def column_names(names: list[str]) -> tuple[list[str], list[str]]:
    """Usable column names: blanks named ``column_<i>``, repeats suffixed; a note for each."""
    notes = [
        f"column {i + 1} has no name: read as 'column_{i + 1}'"
        for i, n in enumerate(names)
        if not n
    ]
    unique, renamed = dedupe([n or f"column_{i + 1}" for i, n in enumerate(names)])
    return unique, notes + renamed


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
