"""Split delimited text exports into header records and a body frame of strings, fast.

The header rows are parsed with :mod:`csv`; the body by pandas' C parser as strings
(``dtype=object``, nothing turned into NaN) so that recoding can work on whole columns. A large
UTF-8 file is not held in memory: only its head is decoded, and the parser reads the body
straight from disk (falling back to decoding the whole file if a byte past the head is not
UTF-8). Errors name the file and the line.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from .textio import _lines, column_names, decode_bytes, read_bytes, sniff_delimiter

__all__ = ["STREAM_ABOVE", "Text", "load_text", "peek_records", "read_delimited"]

#: Files larger than this (bytes) have their body parsed from disk, not from memory.
STREAM_ABOVE = 8 * 2**20
#: How much of a streamed file is decoded up front (header rows must fit in it).
HEAD_BYTES = 2**20
_HEADER_ROWS = 3  # the most any export has (Qualtrics)
_BOM8 = b"\xef\xbb\xbf"
_LINE = re.compile(r"line (\d+)")
_ROW = re.compile(r"row (\d+)")
_NON_SPACE = re.compile(rb"\S")


class _NotUtf8(Exception):
    """A streamed body is not UTF-8 after its head."""


@dataclass
class Text:
    """A decoded text export.

    Attributes
    ----------
    buf : bytes
        UTF-8 text: the whole file, or (``offset`` set) only its head.
    encoding : str
        ``utf-8``, ``utf-16`` or ``cp1252``; updated if reading the body finds the file is not
        UTF-8 after all.
    bom : bool
        Whether the file started with a byte-order mark.
    path : Path or None
    offset : int or None
        File offset of ``buf[0]`` when only the head is in memory (BOM and an Excel ``sep=``
        line skipped); ``None`` when ``buf`` holds the whole file.
    """

    buf: bytes
    encoding: str
    bom: bool
    path: Path | None = None
    offset: int | None = None

    def load_all(self) -> None:
        """Decode the whole file into memory (the fallback of a streamed file)."""
        if self.offset is not None and self.path is not None:
            self.buf, self.encoding, self.bom = decode_bytes(read_bytes(self.path), self.path)
            self.offset = None


def load_text(path: str | Path) -> Text:
    """Decode a text export; a large UTF-8 file is decoded only as far as its head.

    Raises
    ------
    InputFileError
        Missing file, or not decodable as UTF-8, UTF-16 or cp1252.
    """
    path = Path(path)
    try:
        size = path.stat().st_size if path.is_file() else -1
    except OSError:
        size = -1
    if size <= STREAM_ABOVE:
        return Text(*decode_bytes(read_bytes(path), path), path=path)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
    bom = head.startswith(_BOM8)
    raw = head[len(_BOM8) if bom else 0 : cut + 1]
    ascii_like = b"\x00" not in raw and head[:2] not in (b"\xff\xfe", b"\xfe\xff")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        ascii_like = False
    utf8 = _lines(raw)
    if cut < 0 or not ascii_like or len(_record_ends(utf8, _HEADER_ROWS + 1)) <= _HEADER_ROWS:
        # UTF-16, cp1252, or header rows longer than the head: decode it all
        return Text(*decode_bytes(read_bytes(path), path), path=path)
    skipped = len(raw) - len(utf8)  # an Excel "sep=;" line (CR-only files keep their length)
    return Text(utf8, "utf-8", bom, path, (len(_BOM8) if bom else 0) + skipped)


_LINE_END = re.compile(rb"\r\n|\n|\r")


def _record_ends(buf: bytes, n: int) -> list[int]:
    """Byte offsets just after each of the first `n` records (newlines inside quotes skipped).

    A record ends at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Mac files, and one stray CR
    after a Qualtrics header row, which would otherwise hide respondent 1 in the header).
    """
    ends: list[int] = []
    pos = prev = quotes = 0
    while len(ends) < n and pos < len(buf):
        found = _LINE_END.search(buf, pos)
        stop = len(buf) if found is None else found.end()
        quotes += buf.count(b'"', pos, stop)
        pos = stop
        if quotes % 2 == 0:
            if buf[prev:pos].strip():  # blank lines are not records
                ends.append(pos)
            prev = pos
    return ends


#: Most columns an export may have: real surveys stay in the low thousands, and a header of
#: millions of cells would take gigabytes to parse.
MAX_COLUMNS = 20_000


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
    buf: bytes | Text,
    n_header: int,
    *,
    path: str | Path | None = None,
    delimiter: str | None = None,
    names_row: int = 0,
) -> tuple[list[list[str]], pd.DataFrame, str, list[str]]:
    """Split UTF-8 `buf` into its first `n_header` records and a body frame of strings.

    Parameters
    ----------
    buf : bytes or Text
        UTF-8 text (see :func:`research.ingest.textio.decode_bytes`), or a :class:`Text` from
        :func:`load_text` (whose ``encoding`` is updated if the body turns out not UTF-8).
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
    text = buf if isinstance(buf, Text) else Text(buf, "utf-8", False)
    ends = _record_ends(text.buf, n_header)
    if len(ends) < n_header and text.offset is not None:  # headers longer than the head
        text.load_all()
        ends = _record_ends(text.buf, n_header)
    buf = text.buf
    if len(ends) < n_header:
        raise InputFileError(
            f"has {len(ends)} header row(s) where {n_header} are expected: the file is empty "
            "or truncated",
            path=path,
        )
    head = buf[: ends[-1]].decode("utf-8")
    first_line = head.split("\n", 1)[0]
    if delimiter is None:
        delimiter = sniff_delimiter(first_line[:1_000_000])
    widest = max(line.count(delimiter) + 1 for line in head.split("\n")[: n_header + 1])
    if widest > MAX_COLUMNS:
        raise InputFileError(
            f"a header row has {widest:,} columns, more than {MAX_COLUMNS:,} (column cap)",
            path=path,
            line=1,
        )
    try:
        header = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputFileError(f"header rows cannot be parsed: {exc}", path=path, line=1) from None
    blank = [i + 1 for i, r in enumerate(header[:n_header]) if not any(c.strip() for c in r)]
    filled = [r for r in header if any(c.strip() for c in r)]
    if len(filled) > n_header:  # never drop a record hidden in the header block
        raise InputFileError(
            f"the {n_header} header row(s) hold {len(filled)} records: a line break inside the "
            "header (a stray carriage return or quote?)",
            path=path,
            line=n_header,
        )
    header = filled[:n_header]
    if len(header) <= names_row or len(header) < n_header:
        raise InputFileError(
            f"header row {blank[0] if blank else len(header) + 1} is blank, where this format "
            f"has {n_header} header row(s): remove the blank row or export the file again",
            path=path,
            line=blank[0] if blank else None,
        )
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
    unique, notes = column_names(names)
    try:
        body = _unneutralise(_read_body(text, ends[-1], unique, delimiter, path, n_header))
    except _NotUtf8:  # a byte past the head is not UTF-8: decode it all (cp1252), start again
        text.load_all()
        return read_delimited(text, n_header, path=path, delimiter=None, names_row=names_row)
    _check_records(text, ends[-1], body, width, delimiter, path, n_header)
    body, n_blank = _drop_blank_rows(body)
    if n_blank:
        notes.append(f"{n_blank} row(s) with every cell blank skipped (not respondents)")
    return header, body, delimiter, notes


_FILLED_LINE = re.compile(rb"[^\r\n]*[^\s][^\r\n]*")


def _shape(value: str) -> str:
    """``R_8TpklNS`` -> ``A_AAAAAAA``, ``2026-03-19 14:20`` -> ``9999-99-99 99:99``."""
    return re.sub(r"[0-9]", "9", re.sub(r"[^\W\d_]", "A", value.strip()))


def _check_records(
    text: Text, start: int, body: pd.DataFrame, width: int, delimiter: str, path, offset: int
) -> None:
    """Count the body's lines without the CSV parser; refuse a row that swallowed another.

    A stray ``"`` opens a quoted cell that runs on into the next respondent's row, so the
    parser returns one row where the file has two, and a respondent vanishes without a trace.
    Lines outnumber parsed rows also when an open answer spans lines, which is fine; so when
    they differ, each row spanning lines is checked: a continuation line that holds most of a
    row's delimiters is another respondent's row, and the import stops naming both lines.
    """
    data = text.buf[start:] if text.offset is None else read_bytes(text.path)[text.offset + start :]
    if b'"' not in data:
        return  # without quotes every line is one record: the parser cannot merge rows
    lines = sum(1 for _ in _FILLED_LINE.finditer(data))
    if lines <= len(body) or not body.shape[1]:
        return
    threshold = max(2, (width - 1) // 2)
    # What the first cell of a row looks like (an id or a date): shapes shared by 90% of rows.
    shapes = body.iloc[:, 0].fillna("").astype(str).map(_shape).value_counts(normalize=True)
    common = set(shapes.index[shapes.cumsum().shift(fill_value=0) < 0.9]) - {""}
    sep = delimiter.encode()
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter)
        line = offset
        for record in reader:
            first, line = line + 1, offset + reader.line_num
            if line == first:
                continue
            for cell in record:
                parts = re.split(r"\r\n|\n|\r", cell)
                for k, part in enumerate(parts[1:], start=1):
                    cells = part.encode().count(sep)
                    looks_like_row = cells >= 2 and _shape(part.split(delimiter, 1)[0]) in common
                    if cells >= threshold or looks_like_row:
                        raise InputFileError(
                            f"the row on line {first} runs on into line {first + k}, which looks "
                            f"like another respondent's row: a stray quote (\") on line {first}? "
                            "Remove it or export the file again",
                            path=path,
                            line=first,
                        )
    except (csv.Error, UnicodeDecodeError):
        return  # the parser has already read the body; nothing more to learn here


def _drop_blank_rows(body: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows of delimiters only (``,,,,``, as spreadsheets leave below the data) removed."""
    if body.empty or not body.shape[1]:
        return body, 0
    first = body.iloc[:, 0].to_numpy()
    cand = pd.isna(first) | (first == "")  # only a row blank in column 1 can be all blank
    if not cand.any():
        return body, 0
    sub = body.loc[cand]
    blank = sub.apply(lambda c: c.isna() | c.astype(str).str.strip().eq("")).all(axis=1)
    if not blank.any():
        return body, 0
    return body.drop(index=blank.index[blank]).reset_index(drop=True), int(blank.sum())


def _unneutralise(body: pd.DataFrame) -> pd.DataFrame:
    """Drop the apostrophe our CSV writers put before formula-like text (research.safe_cells)."""
    for col in body.columns:
        values = body[col]
        if values.dtype != object:
            continue
        marked = values.str.match(r"'[=+\-@\t\r]", na=False)
        if marked.any():
            body[col] = values.where(~marked, values.str.slice(1))
    return body


def _read_body(
    text: Text, start: int, names: list[str], delimiter: str, path, offset: int
) -> pd.DataFrame:
    if text.offset is None and _NON_SPACE.search(text.buf, start) is None:
        return pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    options = dict(
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
        low_memory=True,  # chunked: several times faster for object columns
    )
    if text.offset is not None:
        try:
            with text.path.open("rb") as fh, warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                fh.seek(text.offset + start)
                return pd.read_csv(fh, **options)
        except UnicodeDecodeError:
            raise _NotUtf8 from None
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as exc:
            body = read_bytes(text.path)[text.offset + start :]
            raise _parse_error(exc, body, names, delimiter, path, offset) from None
    stream = io.BytesIO(text.buf)  # shares the buffer: no copy of a large export
    stream.seek(start)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(stream, **options)
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as exc:
        raise _parse_error(exc, text.buf[start:], names, delimiter, path, offset) from None


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
