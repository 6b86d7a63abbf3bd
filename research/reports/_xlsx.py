"""Cells, tables and sheet set-up shared by every sheet of the analysis workbook.

Numbers are rounded to what the reader sees and given number formats; strings are always
stored as text, never as formulas (a quote starting with ``=`` stays a quote); column widths
are fitted to the content, long text wraps, header rows are styled, frozen and filterable.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from research.reports import _common as c

__all__ = [
    "Col",
    "put",
    "write_table",
    "title",
    "note_block",
    "print_setup",
    "sheet_title",
    "lines_needed",
    "diverging_scale",
]

FMT_COUNT = "#,##0"
FMT_SHARE = "0%"
FMT_MEAN = "0.00"
FMT_INDEX = "0"
FMT_LOADING = "0.00;-0.00;0.00"
FMT_DECIMAL = "#,##0.00"
FMT_STAT = "#,##0.0"

HEADER_FILL = "2F3B4C"
FONT = "Calibri"
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
TITLE_FONT = Font(name=FONT, bold=True, size=13, color="2F3B4C")
NOTE_FONT = Font(name=FONT, italic=True, color="595959")
GREY_FONT = Font(name=FONT, color="A6A6A6")
BOLD = Font(name=FONT, bold=True)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
HEADER_BORDER = Border(bottom=Side(style="thin", color="2F3B4C"))

MAX_WIDTH = 60
MIN_WIDTH = 8
LINE_HEIGHT = 15.0  # points per wrapped line at the default 11 pt font
_MAX_CELL = 32_767  # Excel's limit on characters in a cell
_FORMULA_START = ("=", "+", "-", "@")
# Control characters that are not allowed in XML 1.0 (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(value: object, digits: int | None) -> object:
    """A value openpyxl can store: rounded number, naive datetime, safe string or None."""
    if c.is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            return None
        if digits is None:
            return number
        return c.rounded(number, digits)
    text = _ILLEGAL.sub("", str(value))
    return text[:_MAX_CELL]


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value: object,
    *,
    fmt: str | None = None,
    digits: int | None = None,
    font: Font | None = None,
    align: Alignment | None = None,
    fill: str | None = None,
):
    """Write one cell. Strings are always stored as text, never as a formula."""
    value = _clean(value, digits)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        # openpyxl turns strings starting with "=" into formulas; force text for all of them,
        # and for the other spreadsheet formula starters set the quote prefix so Excel keeps
        # them as text even when a user edits the cell. The visible text is unchanged.
        cell.data_type = "s"
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True
    if fmt is not None and not isinstance(value, str):
        cell.number_format = fmt
    if font is not None:
        cell.font = font
    if align is not None:
        cell.alignment = align
    if fill is not None:
        cell.fill = PatternFill("solid", fgColor=fill.lstrip("#"))
    return cell


def _display_len(value: object, fmt: str | None) -> list[int]:
    """Lengths of the displayed lines of a cell value (for column widths and row heights)."""
    if value is None:
        return [0]
    if isinstance(value, str):
        return [len(line) for line in value.split("\n")]
    if isinstance(value, int | float):
        if fmt == FMT_SHARE:
            return [len(f"{value * 100:.0f}%")]
        if fmt in (FMT_MEAN, FMT_LOADING, FMT_DECIMAL):
            return [len(f"{value:+,.2f}")]
        return [len(f"{value:,.1f}")]
    return [len(str(value))]


def lines_needed(value: object, width: float | None) -> int:
    """Lines a wrapped cell needs at a column width (in characters), estimated."""
    if not isinstance(value, str):
        return 1
    chars = max(int(width or MIN_WIDTH) - 2, 4)
    return sum(max(1, len(textwrap.wrap(part, chars))) for part in value.split("\n"))


@dataclass
class Col:
    """One table column: header, number format, rounding and width rules."""

    header: str
    fmt: str | None = None
    digits: int | None = None
    width: float | None = None  # fixed width; otherwise fitted to the content (capped)
    max_width: float = MAX_WIDTH
    wrap: bool = False
    header_fill: str | None = None
    horizontal: str | None = None  # "center", "right", ... (default: Excel's own)


def write_table(
    ws: Worksheet,
    top: int,
    columns: Sequence[Col],
    rows: Sequence[Sequence[object]],
    *,
    left: int = 1,
    freeze: bool = True,
    autofilter: bool = True,
    row_fills: Sequence[dict[int, str]] | None = None,
    row_fonts: Sequence[Font | None] | None = None,
    freeze_cols: int = 0,
) -> tuple[int, int]:
    """Write a header row at ``top`` and ``rows`` under it; return (first, last) data row.

    Styles the header (bold, filled, wrapped), freezes the rows above the first data row,
    sets the autofilter on the table, fits column widths (capped at 60 characters, long text
    wrapped) and sets row heights for wrapped text.
    """
    widths = [len(col.header) + 2 for col in columns]
    for j, col in enumerate(columns):
        fill = col.header_fill or HEADER_FILL
        font = (
            HEADER_FONT
            if col.header_fill is None
            else Font(name=FONT, bold=True, color=c.text_on(fill).lstrip("#"))
        )
        horizontal = col.horizontal or ("right" if col.fmt else None)
        align = Alignment(vertical="center", wrap_text=True, horizontal=horizontal)
        cell = put(ws, top, left + j, col.header, font=font, align=align, fill=fill)
        cell.border = HEADER_BORDER

    # One Alignment per column, and none where Excel's default looks the same (single-line
    # rows): styling 10,000-row tables cell by cell is what makes openpyxl slow.
    any_wrap = any(col.wrap for col in columns)
    aligns = [
        Alignment(vertical="top", wrap_text=col.wrap, horizontal=col.horizontal)
        if (any_wrap or col.wrap or col.horizontal)
        else None
        for col in columns
    ]
    line_counts: dict[int, int] = {}
    for i, values in enumerate(rows):
        r = top + 1 + i
        fills = row_fills[i] if row_fills else {}
        font = row_fonts[i] if row_fonts else None
        for j, (col, value) in enumerate(zip(columns, values, strict=True)):
            fill = fills.get(j)
            cell_font = font
            if fill is not None:
                cell_font = Font(name=FONT, bold=True, color=c.text_on(fill).lstrip("#"))
            cell = put(
                ws,
                r,
                left + j,
                value,
                fmt=col.fmt,
                digits=col.digits,
                font=cell_font,
                align=aligns[j],
                fill=fill,
            )
            widths[j] = max(widths[j], max(_display_len(cell.value, col.fmt)) + 2)

    for j, col in enumerate(columns):
        letter = get_column_letter(left + j)
        width = col.width or max(MIN_WIDTH, min(widths[j], col.max_width))
        current = ws.column_dimensions[letter].width or 0
        ws.column_dimensions[letter].width = max(width, current)
    # Wrapped text needs taller rows; estimate from the (final) column widths.
    for j, col in enumerate(columns):
        if not col.wrap:
            continue
        width = ws.column_dimensions[get_column_letter(left + j)].width
        for i in range(len(rows)):
            r = top + 1 + i
            lines = lines_needed(ws.cell(row=r, column=left + j).value, width)
            line_counts[r] = max(line_counts.get(r, 1), lines)
    for r, lines in line_counts.items():
        if lines > 1:
            ws.row_dimensions[r].height = min(409.0, lines * LINE_HEIGHT)
    header_lines = max(
        lines_needed(col.header, ws.column_dimensions[get_column_letter(left + j)].width)
        for j, col in enumerate(columns)
    )
    if header_lines > 1:
        height = min(header_lines, 4) * LINE_HEIGHT
        ws.row_dimensions[top].height = max(ws.row_dimensions[top].height or 0, height)

    first, last = top + 1, top + max(len(rows), 1)
    if autofilter:
        ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + len(columns) - 1)}{last}"
        ws.auto_filter.ref = ref
    if freeze:
        ws.freeze_panes = ws.cell(row=top + 1, column=1 + freeze_cols)
    return first, last


def title(ws: Worksheet, row: int, text: str, note: str | None = None) -> int:
    """A bold title (and an italic note under it); returns the next free row."""
    put(ws, row, 1, text, font=TITLE_FONT)
    if note:
        row += 1
        put(ws, row, 1, note, font=NOTE_FONT)
    return row + 1


def note_block(ws: Worksheet, row: int, lines: Sequence[str], *, span: int, width: float) -> int:
    """Wrapped note lines merged across ``span`` columns; returns the next free row."""
    for line in lines:
        cell = put(ws, row, 1, line, font=NOTE_FONT, align=TOP_WRAP)
        if span > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
        needed = lines_needed(cell.value, width - 2)
        if needed > 1:
            ws.row_dimensions[row].height = needed * LINE_HEIGHT
        row += 1
    return row


# ---------------------------------------------------------------------------------------------
# sheets
# ---------------------------------------------------------------------------------------------


def print_setup(ws: Worksheet) -> None:
    """Print on A4 landscape, one page wide, repeating the frozen header rows."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if ws.freeze_panes:
        frozen = ws[ws.freeze_panes].row - 1
        if 0 < frozen <= 12:
            ws.print_title_rows = f"1:{frozen}"


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    base = " ".join(_SHEET_BAD.sub(" ", str(text)).split()).strip("'") or "Sheet"
    name, n = base[:31].rstrip(), 2
    while name.lower() in {u.lower() for u in used}:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)].rstrip() + suffix, n + 1
    used.add(name)
    return name


def diverging_scale(low: float, mid: float, high: float) -> ColorScaleRule:
    """Red below `mid`, white at it, blue above: the colours of every index and score shading."""
    return ColorScaleRule(
        start_type="num",
        start_value=low,
        start_color="EF8A62",
        mid_type="num",
        mid_value=mid,
        mid_color="FFFFFF",
        end_type="num",
        end_value=high,
        end_color="67A9CF",
    )
