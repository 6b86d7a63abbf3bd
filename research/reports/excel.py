"""The analysis workbook: every table behind the personas, ready to filter, sort and chart.

One sheet per question a researcher or stakeholder asks (how big, how different, which items,
how clean was the data, who are they, what did they say). Numbers are rounded here and shown
with number formats; text that looks like a formula is always stored as plain text.
"""

from __future__ import annotations

import io
import math
import os
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from research.personas.model import ReportContent
from research.reports import _common as c
from research.reports.safe_write import atomic_write

__all__ = ["write_workbook", "SHEETS"]

#: Sheet names, in workbook order.
SHEETS = (
    "Summary",
    "Segments",
    "Profiles",
    "Factor loadings",
    "Data quality",
    "Personas",
    "Quotes",
)

FMT_COUNT = "#,##0"
FMT_SHARE = "0%"
FMT_MEAN = "0.00"
FMT_INDEX = "0"
FMT_LOADING = "0.00;-0.00;0.00"
FMT_DECIMAL = "#,##0.00"
FMT_STAT = "#,##0.0"

_HEADER_FILL = "2F3B4C"
_FONT = "Calibri"
_HEADER_FONT = Font(name=_FONT, bold=True, color="FFFFFF")
_TITLE_FONT = Font(name=_FONT, bold=True, size=13, color="2F3B4C")
_NOTE_FONT = Font(name=_FONT, italic=True, color="595959")
_GREY_FONT = Font(name=_FONT, color="A6A6A6")
_BOLD = Font(name=_FONT, bold=True)
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_HEADER_BORDER = Border(bottom=Side(style="thin", color="2F3B4C"))

_MAX_WIDTH = 60
_MIN_WIDTH = 8
_LINE_HEIGHT = 15.0  # points per wrapped line at the default 11 pt font
_MAX_CELL = 32_767  # Excel's limit on characters in a cell
_FORMULA_START = ("=", "+", "-", "@")
# Control characters that are not allowed in XML 1.0 (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_HOW_TO_READ = (
    "Summary: study facts and this guide.",
    "Segments: how many respondents each segment holds, with a bar chart, and how the number "
    "of segments was chosen.",
    "Profiles: every attitude, need, demographic, behaviour and channel question by segment. "
    "Items show means (0.00), categories show shares (%). Index = segment ÷ total × 100: "
    "100 is the same as all respondents, 120 is 20% higher; blue cells are above, red below.",
    "Factor loadings: which questionnaire items make up each attitude factor. Bold = |loading| "
    "of 0.40 or more (the item belongs to the factor); grey = below 0.30 (negligible).",
    "Data quality: respondents removed before analysis and why, one row per respondent.",
    "Personas: one row per segment with what sets it apart, ready to paste into a deck.",
    "Quotes: redacted interview quotes by segment and theme.",
    "Use the filter buttons in each header row to sort and filter. Numbers are rounded: means, "
    "scores and loadings to 2 decimals, shares to 0.1 point (shown as whole %), indices to "
    "whole numbers.",
)


# ---------------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------------


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


def _put(
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


def _lines_needed(value: object, width: float | None) -> int:
    """Lines a wrapped cell needs at a column width (in characters), estimated."""
    if not isinstance(value, str):
        return 1
    chars = max(int(width or _MIN_WIDTH) - 2, 4)
    return sum(max(1, len(textwrap.wrap(part, chars))) for part in value.split("\n"))


@dataclass
class Col:
    """One table column: header, number format, rounding and width rules."""

    header: str
    fmt: str | None = None
    digits: int | None = None
    width: float | None = None  # fixed width; otherwise fitted to the content (capped)
    max_width: float = _MAX_WIDTH
    wrap: bool = False
    header_fill: str | None = None
    horizontal: str | None = None  # "center", "right", ... (default: Excel's own)


def _write_table(
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
) -> tuple[int, int]:
    """Write a header row at ``top`` and ``rows`` under it; return (first, last) data row.

    Styles the header (bold, filled, wrapped), freezes the rows above the first data row,
    sets the autofilter on the table, fits column widths (capped at 60 characters, long text
    wrapped) and sets row heights for wrapped text.
    """
    widths = [len(col.header) + 2 for col in columns]
    for j, col in enumerate(columns):
        fill = col.header_fill or _HEADER_FILL
        font = (
            _HEADER_FONT
            if col.header_fill is None
            else Font(name=_FONT, bold=True, color=c.text_on(fill).lstrip("#"))
        )
        horizontal = col.horizontal or ("right" if col.fmt else None)
        align = Alignment(vertical="center", wrap_text=True, horizontal=horizontal)
        cell = _put(ws, top, left + j, col.header, font=font, align=align, fill=fill)
        cell.border = _HEADER_BORDER

    line_counts: dict[int, int] = {}
    for i, values in enumerate(rows):
        r = top + 1 + i
        fills = row_fills[i] if row_fills else {}
        font = row_fonts[i] if row_fonts else None
        for j, (col, value) in enumerate(zip(columns, values, strict=True)):
            fill = fills.get(j)
            cell_font = font
            if fill is not None:
                cell_font = Font(name=_FONT, bold=True, color=c.text_on(fill).lstrip("#"))
            cell = _put(
                ws,
                r,
                left + j,
                value,
                fmt=col.fmt,
                digits=col.digits,
                font=cell_font,
                align=Alignment(vertical="top", wrap_text=col.wrap, horizontal=col.horizontal),
                fill=fill,
            )
            widths[j] = max(widths[j], max(_display_len(cell.value, col.fmt)) + 2)

    for j, col in enumerate(columns):
        letter = get_column_letter(left + j)
        width = col.width or max(_MIN_WIDTH, min(widths[j], col.max_width))
        current = ws.column_dimensions[letter].width or 0
        ws.column_dimensions[letter].width = max(width, current)
    # Wrapped text needs taller rows; estimate from the (final) column widths.
    for j, col in enumerate(columns):
        if not col.wrap:
            continue
        width = ws.column_dimensions[get_column_letter(left + j)].width
        for i in range(len(rows)):
            r = top + 1 + i
            lines = _lines_needed(ws.cell(row=r, column=left + j).value, width)
            line_counts[r] = max(line_counts.get(r, 1), lines)
    for r, lines in line_counts.items():
        if lines > 1:
            ws.row_dimensions[r].height = min(409.0, lines * _LINE_HEIGHT)
    header_lines = max(
        _lines_needed(col.header, ws.column_dimensions[get_column_letter(left + j)].width)
        for j, col in enumerate(columns)
    )
    if header_lines > 1:
        height = min(header_lines, 4) * _LINE_HEIGHT
        ws.row_dimensions[top].height = max(ws.row_dimensions[top].height or 0, height)

    first, last = top + 1, top + max(len(rows), 1)
    if autofilter:
        ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + len(columns) - 1)}{last}"
        ws.auto_filter.ref = ref
    if freeze:
        ws.freeze_panes = ws.cell(row=top + 1, column=1)
    return first, last


def _title(ws: Worksheet, row: int, text: str, note: str | None = None) -> int:
    """A bold title (and an italic note under it); returns the next free row."""
    _put(ws, row, 1, text, font=_TITLE_FONT)
    if note:
        row += 1
        _put(ws, row, 1, note, font=_NOTE_FONT)
    return row + 1


def _note_block(ws: Worksheet, row: int, lines: Sequence[str], *, span: int, width: float) -> int:
    """Wrapped note lines merged across ``span`` columns; returns the next free row."""
    for line in lines:
        cell = _put(ws, row, 1, line, font=_NOTE_FONT, align=_TOP_WRAP)
        if span > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
        lines_needed = _lines_needed(cell.value, width - 2)
        if lines_needed > 1:
            ws.row_dimensions[row].height = lines_needed * _LINE_HEIGHT
        row += 1
    return row


# ---------------------------------------------------------------------------------------------
# sheets
# ---------------------------------------------------------------------------------------------


def _summary(ws: Worksheet, content: ReportContent, created: datetime) -> None:
    rows: list[list[object]] = [["Study", content.title]]
    if content.subtitle:
        rows.append(["Subtitle", content.subtitle])
    for record in content.summary.itertuples(index=False):
        value = record.value
        if isinstance(value, float | np.floating) and math.isfinite(value):
            value = int(value) if float(value).is_integer() else c.rounded(value, 2)
        rows.append([record.field, value])
    rows.append(["Report created", created.strftime("%Y-%m-%d %H:%M") + " UTC"])
    columns = [Col("Field", max_width=36), Col("Value", wrap=True, width=60)]
    _, last = _write_table(ws, 1, columns, rows)
    for r in range(2, last + 1):
        ws.cell(row=r, column=1).font = _BOLD
        cell = ws.cell(row=r, column=2)
        if isinstance(cell.value, int):
            cell.number_format = FMT_COUNT
        elif isinstance(cell.value, float):
            cell.number_format = FMT_DECIMAL
        cell.alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")
    row = last + 2
    _put(ws, row, 1, "How to read this workbook", font=_TITLE_FONT)
    width = (ws.column_dimensions["A"].width or 10) + (ws.column_dimensions["B"].width or 10)
    _note_block(ws, row + 1, _HOW_TO_READ, span=2, width=width)


def _segments(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    sizes = content.segment_sizes.reset_index(drop=True)
    rows, fills = [], []
    for record in sizes.itertuples(index=False):
        seg = int(record.segment)
        rows.append([seg, record.name, record.n, record.share])
        fills.append({0: colors[seg]} if seg in colors else {})
    columns = [
        Col("Segment", width=10, horizontal="center"),
        Col("Name", max_width=40, wrap=True),
        Col("Respondents", FMT_COUNT, 0, width=13),
        Col("Share", FMT_SHARE, 3, width=10),
    ]
    first, last = _write_table(ws, 1, columns, rows, row_fills=fills)

    chart_rows = 16
    if rows:
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = "Respondents per segment"
        chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
        series = chart.series[0]
        for i, record in enumerate(sizes.itertuples(index=False)):
            color = colors.get(int(record.segment), c.FALLBACK_COLOR).lstrip("#")
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = color
            point.graphicalProperties.line.solidFill = color
            series.dPt.append(point)
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        chart.dataLabels.showSerName = False
        chart.dataLabels.showCatName = False
        chart.dataLabels.showLegendKey = False
        chart.dataLabels.showPercent = False
        chart.legend = None
        chart.gapWidth = 60
        chart.x_axis.scaling.orientation = "maxMin"  # segment 1 at the top
        chart.y_axis.crosses = "max"  # ... and the value axis still at the bottom
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.majorGridlines = None
        chart.y_axis.numFmt = FMT_COUNT
        chart.y_axis.title = "Respondents"
        chart.width, chart.height = 17, 8
        ws.add_chart(chart, "F2")

    top = max(last, chart_rows) + 3
    top = _title(
        ws,
        top,
        "Choosing the number of segments",
        "BIC and AIC: lower is a better fit for the model's complexity. "
        "'yes' marks the solution used in this report.",
    )
    ms = content.model_selection
    model_rows = [
        [r.k, r.log_likelihood, r.n_parameters, r.bic, r.aic, r.smallest_share, bool(r.chosen)]
        for r in ms.itertuples(index=False)
    ]
    model_cols = [
        Col("Segments (k)", FMT_COUNT, 0, width=13),
        Col("Log-likelihood", FMT_STAT, 1, width=15),
        Col("Parameters", FMT_COUNT, 0, width=12),
        Col("BIC", FMT_STAT, 1, width=12),
        Col("AIC", FMT_STAT, 1, width=12),
        Col("Smallest segment", FMT_SHARE, 3, width=17),
        Col("Chosen", width=9, horizontal="center"),
    ]
    fonts = [_BOLD if r[-1] else None for r in model_rows]
    _write_table(
        ws, top + 1, model_cols, model_rows, freeze=False, autofilter=False, row_fonts=fonts
    )


def _profile_key(record: pd.Series) -> tuple[str, str, str, str]:
    return tuple("" if c.is_missing(record[k]) else str(record[k]) for k in _KEY)  # type: ignore[return-value]


_KEY = ("section", "variable", "label", "category")


def _profiles(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    frame = content.profiles.copy()
    labels = {int(p.segment): c.persona_label(p) for p in content.personas}
    segments = sorted({int(s) for s in frame["segment"].dropna()} | set(labels))
    keys: dict[tuple[str, str, str, str], dict[str, object]] = {}
    for record in frame.to_dict("records"):
        key = _profile_key(record)  # type: ignore[arg-type]
        entry = keys.setdefault(key, {"total": record.get("total"), "value": {}, "index": {}})
        if c.is_missing(entry["total"]):
            entry["total"] = record.get("total")
        if c.is_missing(record.get("segment")):
            continue
        seg = int(record["segment"])
        entry["value"][seg] = record.get("value")  # type: ignore[index]
        entry["index"][seg] = record.get("index")  # type: ignore[index]

    seg_names = [labels.get(s, f"{s} {c.MID_DOT} Segment {s}") for s in segments]
    columns = [
        Col("Section", max_width=14),
        Col("Variable", max_width=24),
        Col("Label", max_width=45, wrap=True),
        Col("Category", max_width=24, wrap=True),
    ]
    columns += [
        Col(name, FMT_MEAN, width=16, header_fill=colors.get(s))
        for s, name in zip(segments, seg_names, strict=True)
    ]
    columns.append(Col("Total", FMT_MEAN, width=10))
    columns += [Col(f"Index {name}", FMT_INDEX, 0, width=16) for name in seg_names]

    rows = []
    is_share = []
    for key, entry in keys.items():
        share = bool(key[3])  # categories carry shares; items (no category) carry means
        is_share.append(share)
        digits = 3 if share else 2
        values = [c.rounded(entry["value"].get(s), digits) for s in segments]  # type: ignore[union-attr]
        indices = [c.rounded(entry["index"].get(s), 0) for s in segments]  # type: ignore[union-attr]
        rows.append([*key, *values, c.rounded(entry["total"], digits), *indices])
    first, last = _write_table(ws, 1, columns, rows)

    n = len(segments)
    for i, share in enumerate(is_share):
        r = first + i
        for j in range(4, 4 + n + 1):
            ws.cell(row=r, column=j + 1).number_format = FMT_SHARE if share else FMT_MEAN
    if rows and n:
        start = get_column_letter(4 + n + 2)
        end = get_column_letter(4 + 2 * n + 1)
        ws.conditional_formatting.add(
            f"{start}{first}:{end}{last}",
            ColorScaleRule(
                start_type="num",
                start_value=50,
                start_color="EF8A62",
                mid_type="num",
                mid_value=100,
                mid_color="FFFFFF",
                end_type="num",
                end_value=150,
                end_color="67A9CF",
            ),
        )


def _loadings(ws: Worksheet, content: ReportContent) -> None:
    frame = content.loadings
    factors = [col for col in frame.columns if col not in ("text", "construct")]
    ncols = 3 + len(factors)
    note = (
        "Rotated pattern loadings. Bold: |loading| \u2265 0.40, the item belongs to the factor. "
        "Grey: |loading| < 0.30, negligible."
    )
    _put(ws, 1, 1, note, font=_NOTE_FONT, align=Alignment(vertical="center"))
    columns = [
        Col("Item", max_width=16),
        Col("Text", max_width=55, wrap=True),
        Col("Construct", max_width=22),
    ] + [Col(str(f), FMT_LOADING, 2, width=max(10, min(len(str(f)) + 2, 18))) for f in factors]
    rows = []
    for item, record in frame.iterrows():
        rows.append(
            [item, record.get("text"), record.get("construct"), *(record[f] for f in factors)]
        )
    first, _ = _write_table(ws, 2, columns, rows)
    for i in range(len(rows)):
        for j in range(3, ncols):
            cell = ws.cell(row=first + i, column=j + 1)
            value = cell.value
            if isinstance(value, int | float):
                if abs(value) >= 0.4:
                    cell.font = _BOLD
                elif abs(value) < 0.3:
                    cell.font = _GREY_FONT


def _quality(ws: Worksheet, content: ReportContent) -> None:
    row = _title(ws, 1, "Data quality summary")
    quality_rows = [[r.reason, r.respondents] for r in content.quality.itertuples(index=False)]
    fonts = [_BOLD if str(r[0]).strip().lower() == "kept" else None for r in quality_rows]
    _, last = _write_table(
        ws,
        row,
        [Col("Reason", max_width=40), Col("Respondents", FMT_COUNT, 0, width=14)],
        quality_rows,
        freeze=False,
        autofilter=False,
        row_fonts=fonts,
    )
    row = _title(ws, last + 2, "Excluded respondents", "One row per respondent removed.")
    excl = content.exclusions
    excl_rows = [[r.respondent_id, r.reason, r.detail] for r in excl.itertuples(index=False)]
    columns = [
        Col("Respondent", max_width=20),
        Col("Reason", max_width=40),
        Col("Detail", max_width=60, wrap=True),
    ]
    first, _ = _write_table(ws, row, columns, excl_rows)
    if not excl_rows:
        _put(ws, first, 1, "No respondents were excluded.", font=_NOTE_FONT)


def _personas(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    columns = [
        Col("Segment", width=10, horizontal="center"),
        Col("Name", max_width=28, wrap=True),
        Col("Description", width=40, wrap=True),
        Col("Respondents", FMT_COUNT, 0, width=13),
        Col("Share", FMT_SHARE, 3, width=9),
        Col("Top attitudes", width=34, wrap=True),
        Col("Distinctive items", width=55, wrap=True),
        Col("Demographics highlights", width=48, wrap=True),
        Col("Top themes", width=36, wrap=True),
        Col("Quotes", width=60, wrap=True),
    ]
    rows, fills = [], []
    for p in content.personas:
        rows.append(
            [
                int(p.segment),
                p.name,
                p.description,
                p.size,
                p.share,
                "\n".join(c.attitude_lines(p)),
                "\n".join(c.distinctive_lines(p)),
                "\n".join(c.demographic_lines(p)),
                "\n".join(c.theme_lines(p)),
                "\n\n".join(c.quote_lines(p)),
            ]
        )
        fills.append({0: colors[int(p.segment)]})
    _write_table(ws, 1, columns, rows, row_fills=fills)


def _quotes(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    columns = [
        Col("Segment", width=10, horizontal="center"),
        Col("Persona", max_width=30),
        Col("Code", max_width=24),
        Col("Transcript", width=12),
        Col("Quote", width=60, wrap=True),
    ]
    rows, fills = [], []
    for r in content.quotes.itertuples(index=False):
        seg = None if c.is_missing(r.segment) else int(r.segment)
        rows.append([seg, r.persona, r.code, r.transcript, r.quote])
        fills.append({0: colors[seg]} if seg in colors else {})
    _write_table(ws, 1, columns, rows, row_fills=fills)


# ---------------------------------------------------------------------------------------------
# workbook
# ---------------------------------------------------------------------------------------------


def _print_setup(ws: Worksheet) -> None:
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


def build_workbook(content: ReportContent) -> Workbook:
    """The workbook as an openpyxl object (not saved); see :func:`write_workbook`."""
    created = c.parse_created(content)
    colors = c.segment_colors(content)
    wb = Workbook()
    sheets = [wb.active] + [wb.create_sheet() for _ in SHEETS[1:]]
    for ws, name in zip(sheets, SHEETS, strict=True):
        ws.title = name
        ws.sheet_view.zoomScale = 100
    _summary(sheets[0], content, created)
    _segments(sheets[1], content, colors)
    _profiles(sheets[2], content, colors)
    _loadings(sheets[3], content)
    _quality(sheets[4], content)
    _personas(sheets[5], content, colors)
    _quotes(sheets[6], content, colors)

    for ws in sheets:
        _print_setup(ws)

    props = wb.properties
    props.title = c.truncate(content.title, 250)
    props.subject = c.truncate(content.subtitle, 250)
    props.creator = "research (segment-research)"
    props.keywords = "segmentation, personas"
    props.created = created
    props.modified = created
    props.lastModifiedBy = None
    return wb


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    when = max(when, datetime(1980, 1, 1))  # the zip format cannot store earlier times
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def _save(wb: Workbook, path: Path, created: datetime) -> None:
    """Save with fixed zip entry times so identical content gives identical bytes."""
    buffer = io.BytesIO()
    archive = ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    # ExcelWriter directly: openpyxl's save_workbook stamps "modified" with the current time.
    ExcelWriter(wb, archive).save()
    stamp = _zip_time(created)
    with ZipFile(io.BytesIO(buffer.getvalue())) as src, ZipFile(path, "w", ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info))


def write_workbook(content: ReportContent, path: str | os.PathLike[str]) -> Path:
    """Write the analysis workbook (.xlsx) for ``content``.

    Parameters
    ----------
    content : ReportContent
        What to report; statistics unrounded (rounded here).
    path : str or PathLike
        Target file; parent folders are created. Written atomically: on any error no file (and
        no temporary file) is left, and an existing file is kept unchanged.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ReportError
        If the file cannot be written, a persona colour is not a colour, or ``content.created``
        is not an ISO timestamp.

    Notes
    -----
    Sheets, in order: Summary, Segments, Profiles, Factor loadings, Data quality, Personas,
    Quotes. Two writes of the same content give byte-identical files (the timestamps stored are
    ``content.created``). Text starting with ``=``, ``+``, ``-`` or ``@`` is stored as text,
    never as a formula.
    """
    target = Path(path)
    wb = build_workbook(content)
    created = c.parse_created(content)
    with atomic_write(target) as tmp:
        _save(wb, tmp, created)
    return target
