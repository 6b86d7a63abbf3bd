"""Workbook sheets about the whole study: summary, sizes, loadings, models, quality, people."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from research.personas.model import ReportContent
from research.reports import _common as c
from research.reports._xlsx import (
    BOLD,
    FMT_COUNT,
    FMT_DECIMAL,
    FMT_LOADING,
    FMT_MEAN,
    FMT_SHARE,
    FMT_STAT,
    FONT,
    GREY_FONT,
    NOTE_FONT,
    TITLE_FONT,
    Col,
    diverging_scale,
    note_block,
    put,
    title,
    write_table,
)

__all__ = [
    "summary_sheet",
    "sizes_sheet",
    "loadings_sheet",
    "model_sheet",
    "quality_sheet",
    "respondents_sheet",
    "HOW_TO_READ",
]

HOW_TO_READ = (
    "Segment sizes: how many respondents each segment holds, with its one-line description, "
    "and the attitude profile (mean factor score of each segment, in standard deviations).",
    "Profile table: every attitude, need, demographic, behaviour and channel question by "
    "segment. Items show means (0.00), categories show shares (%). Index = segment \u00f7 "
    "total \u00d7 100: 100 is the same as all respondents; blue cells are above, red below. "
    "\u25b2/\u25bc: significantly above / below the rest of the sample; letters: the segments "
    "(A = segment 1, \u2026) the value is significantly higher than.",
    "Factor loadings: which questionnaire items make up each attitude factor. Bold = |loading| "
    "of 0.40 or more; grey = below 0.30; amber = a cross-loading; flagged rows load weakly or "
    "on two factors.",
    "Model selection: the fit of every number of segments tried, and the one chosen.",
    "Scorecard: each segment against the seven-part test of a good segment.",
    "One sheet per persona: its attitudes, top needs, distinctive items, who they are, how to "
    "reach them, interview themes, quotes and scorecard.",
    "Themes by segment and Quotes: what interviews said, redacted.",
    "Typing tool: enter a new respondent's answers to classify them into a segment.",
    "Data quality: respondents removed before analysis and why. Respondents: the segment and "
    "posterior probability of every respondent kept.",
    "Use the filter buttons in each header row to sort and filter. Numbers are rounded: means, "
    "scores and loadings to 2 decimals, shares to 0.1 point (shown as whole %), indices to "
    "whole numbers.",
)


def summary_sheet(ws: Worksheet, content: ReportContent, created: datetime) -> None:
    rows: list[list[object]] = [["Study", content.title]]
    if content.subtitle:
        rows.append(["Subtitle", content.subtitle])
    for record in content.summary.itertuples(index=False):
        if record.field == "Study":
            continue
        value = record.value
        if isinstance(value, float | np.floating) and math.isfinite(value):
            value = int(value) if float(value).is_integer() else c.rounded(value, 3)
        rows.append([record.field, value])
    rows.append(["Report created", created.strftime("%Y-%m-%d %H:%M") + " UTC"])
    columns = [Col("Field", max_width=36), Col("Value", wrap=True, width=70)]
    _, last = write_table(ws, 1, columns, rows)
    for r in range(2, last + 1):
        ws.cell(row=r, column=1).font = BOLD
        cell = ws.cell(row=r, column=2)
        if isinstance(cell.value, int):
            cell.number_format = FMT_COUNT
        elif isinstance(cell.value, float):
            cell.number_format = FMT_DECIMAL
        cell.alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")
    row = last + 2
    width = (ws.column_dimensions["A"].width or 10) + (ws.column_dimensions["B"].width or 10)
    row = _warnings_block(ws, row, content, width)
    put(ws, row, 1, "How to read this workbook", font=TITLE_FONT)
    note_block(ws, row + 1, HOW_TO_READ, span=2, width=width)


_WARNING_FONT = Font(name=FONT, color="9C2A00")


def _warnings_block(ws: Worksheet, row: int, content: ReportContent, width: float) -> int:
    """ "Read this first": the run's warnings, one per row; returns the next free row."""
    warnings = list(getattr(content, "warnings", ()) or ())
    if not warnings:
        return row
    put(ws, row, 1, "Read this first", font=TITLE_FONT)
    end = note_block(ws, row + 1, [f"\u26a0 {w}" for w in warnings], span=2, width=width)
    for r in range(row + 1, end):
        ws.cell(row=r, column=1).font = _WARNING_FONT
    return end + 1


def _bar_colours(series, segments: list[int], colors: dict[int, str]) -> None:
    for i, seg in enumerate(segments):
        color = colors.get(seg, c.FALLBACK_COLOR).lstrip("#")
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = color
        point.graphicalProperties.line.solidFill = color
        series.dPt.append(point)


def sizes_sheet(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    sizes = content.segment_sizes.reset_index(drop=True)
    weighted = "weighted_n" in sizes
    names = {int(p.segment): p.name for p in content.personas}  # personas hold the names
    rows, fills = [], []
    for record in sizes.to_dict("records"):
        seg = int(record["segment"])
        row = [seg, names.get(seg, record["name"]), record["n"], record["share"]]
        rows.append([*row, record["weighted_n"]] if weighted else row)
        fills.append({0: colors[seg]} if seg in colors else {})
    columns = [
        Col("Segment", width=10, horizontal="center"),
        Col("Name", max_width=34, wrap=True),
        Col("Respondents", FMT_COUNT, 0, width=13),
        Col("Weighted share" if weighted else "Share", FMT_SHARE, 3, width=11),
    ]
    if weighted:
        columns.append(Col("Weighted respondents", FMT_STAT, 1, width=13))
    first, last = write_table(ws, 1, columns, rows, row_fills=fills)
    segments = [int(s) for s in sizes["segment"]]

    chart_col = get_column_letter(len(columns) + 3)
    if rows:
        chart = BarChart()
        chart.type, chart.style, chart.gapWidth = "bar", 10, 60
        chart.title = "Share of respondents per segment"
        chart.add_data(Reference(ws, min_col=4, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
        _bar_colours(chart.series[0], segments, colors)
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
            setattr(chart.dataLabels, flag, False)
        chart.legend = None
        chart.x_axis.scaling.orientation = "maxMin"  # segment 1 at the top
        chart.y_axis.crosses = "max"
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.y_axis.majorGridlines = None
        chart.y_axis.numFmt = "0%"
        chart.width, chart.height = 16, 7.5
        ws.add_chart(chart, f"{chart_col}2")

    top = max(last + 3, 18)
    if not c.has_factors(content):
        _answer_profile(ws, top, content, colors)
        return
    # Attitude profile: segments x factors, colour-scaled, with a clustered bar chart.
    frame = content.factor_means.sort_index()
    top = title(
        ws,
        top,
        "Attitude profile",
        "Mean factor score of each segment in standard deviations from the all-respondent "
        "average (0). Blue: above average; red: below.",
    )
    factors = [str(f) for f in frame.columns]
    names = {p.segment: c.persona_label(p) for p in content.personas}
    short = {p.segment: p.name for p in content.personas}
    att_rows = [[int(s), short.get(int(s), ""), *frame.loc[s].tolist()] for s in frame.index]
    att_cols = [Col("Segment", width=10, horizontal="center"), Col("Name", max_width=34)]
    att_cols += [Col(f, FMT_MEAN, 2, width=max(11, min(len(f) + 2, 22))) for f in factors]
    a_first, a_last = write_table(
        ws,
        top,
        att_cols,
        att_rows,
        freeze=False,
        autofilter=False,
        row_fills=[{0: colors[s]} if s in colors else {} for s, *_ in att_rows],
    )
    if att_rows and factors:
        end = get_column_letter(2 + len(factors))
        ws.conditional_formatting.add(
            f"C{a_first}:{end}{a_last}",
            diverging_scale(-1, 0, 1),
        )
        chart = BarChart()
        chart.type, chart.style = "col", 10
        chart.title = "Attitude profile by segment (mean factor score, z)"
        data = Reference(ws, min_col=3, max_col=2 + len(factors), min_row=a_first, max_row=a_last)
        chart.add_data(data, from_rows=True, titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=3, max_col=2 + len(factors), min_row=top))
        for s, series in zip(frame.index, chart.series, strict=True):
            series.tx = SeriesLabel(v=names.get(int(s), f"Segment {s}"))
            color = colors.get(int(s), c.FALLBACK_COLOR).lstrip("#")
            series.graphicalProperties.solidFill = color
            series.graphicalProperties.line.solidFill = color
        chart.y_axis.numFmt = "0.0"
        chart.y_axis.title = "z"
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.x_axis.tickLblPos = "low"
        chart.legend.position = "b"
        chart.width, chart.height = 24, 9
        ws.add_chart(chart, f"A{a_last + 2}")


def _answer_profile(ws: Worksheet, top: int, content: ReportContent, colors: dict) -> None:
    """Without factors: each segment's share giving each answer it was found from."""
    from research.reports.charts import answers_frame

    shares, _ = answers_frame(content, max_columns=1_000)
    note = (
        "No factor analysis: the study has no rating battery, so there is no attitude "
        "profile. "
        + (
            "Share of each segment giving each answer to the segmentation questions (of a "
            "yes/no question, the yes); every answer is in the Profile table."
            if len(shares.columns)
            else "The Profile table shows every question by segment."
        )
    )
    top = title(ws, top, "Answer profile" if len(shares.columns) else "Attitude profile", note)
    if not len(shares.columns):
        return
    short = {p.segment: p.name for p in content.personas}
    answers = [str(a) for a in shares.columns]
    rows = [[int(s), short.get(int(s), ""), *shares.loc[s].tolist()] for s in shares.index]
    cols = [Col("Segment", width=10, horizontal="center"), Col("Name", max_width=34)]
    cols += [Col(a, FMT_SHARE, 3, width=max(11, min(len(a) + 2, 22)), wrap=True) for a in answers]
    write_table(
        ws,
        top,
        cols,
        rows,
        freeze=False,
        autofilter=False,
        row_fills=[{0: colors[s]} if s in colors else {} for s, *_ in rows],
    )


def loadings_sheet(ws: Worksheet, content: ReportContent) -> None:
    frame = content.loadings
    if not c.has_factors(content):
        put(
            ws,
            1,
            1,
            "No factor analysis was run: the study has no rating battery (at least 3 rating "
            "items are needed), so there are no loadings. The segments are profiled on their "
            "items: see the Profile table and each persona's sheet.",
            font=NOTE_FONT,
        )
        return
    factors = [col for col in frame.columns if col not in ("text", "construct")]
    note = (
        "Rotated pattern loadings. Bold: |loading| \u2265 0.40, the item belongs to the factor. "
        "Grey: |loading| < 0.30, negligible. Amber: a second loading \u2265 0.30 (cross-loading)."
        " Flag: items with no loading \u2265 0.40 (weak) or loading on two factors."
    )
    put(ws, 1, 1, note, font=NOTE_FONT, align=Alignment(vertical="center"))
    columns = [
        Col("Item", max_width=16),
        Col("Text", max_width=55, wrap=True),
        Col("Construct", max_width=22),
    ] + [Col(str(f), FMT_LOADING, 2, width=max(10, min(len(str(f)) + 2, 18))) for f in factors]
    columns.append(Col("Flag", max_width=40, wrap=True))
    rows, flags = [], []
    for item, record in frame.iterrows():
        values = np.array([c.as_float(record[f]) or 0.0 for f in factors])
        strong = np.abs(values) >= 0.3
        flag = []
        if values.size and np.abs(values).max() < 0.4:
            flag.append("weak: no loading \u2265 0.40")
        if strong.sum() >= 2:
            flag.append("cross-loading: " + ", ".join(np.array(factors)[strong].astype(str)))
        flags.append((values, strong, bool(flag)))
        rows.append(
            [item, record.get("text"), record.get("construct"), *values.tolist(), "; ".join(flag)]
        )
    first, _ = write_table(ws, 2, columns, rows, freeze_cols=1)
    amber = c.STATUS_STYLE["caution"][2].lstrip("#")
    red = c.STATUS_STYLE["fail"][2].lstrip("#")
    for i, (values, strong, flagged) in enumerate(flags):
        primary = int(np.argmax(np.abs(values))) if values.size else -1
        for j, value in enumerate(values):
            cell = ws.cell(row=first + i, column=4 + j)
            if abs(round(value, 2)) >= 0.4:
                cell.font = BOLD
            elif abs(round(value, 2)) < 0.3:
                cell.font = GREY_FONT
            if strong[j] and strong.sum() >= 2 and j != primary:
                cell.fill = PatternFill("solid", fgColor=amber)
        if flagged:
            ws.cell(row=first + i, column=4 + len(factors)).fill = PatternFill("solid", fgColor=red)

    summary = content.factor_summary
    if summary is not None and len(summary):
        top = title(ws, first + len(rows) + 2, "Factor solution")
        srows = [
            [r["label"], r["items"], r["n_items"], r["alpha"], r["variance"]]
            for r in summary.to_dict("records")
        ]
        scols = [
            Col("Factor", max_width=26),
            Col("Items (primary loading \u2265 0.30)", max_width=55, wrap=True),
            Col("Number of items", FMT_COUNT, 0, width=12),
            Col("Cronbach's alpha", FMT_MEAN, 2, width=10),
            Col("Variance explained", FMT_SHARE, 3, width=10),
        ]
        write_table(ws, top, scols, srows, freeze=False, autofilter=False)


def model_sheet(ws: Worksheet, content: ReportContent) -> None:
    ms = content.model_selection
    spec = [
        ("k", Col("Segments (k)", FMT_COUNT, 0, width=13)),
        ("log_likelihood", Col("Log-likelihood", FMT_STAT, 1, width=15)),
        ("n_parameters", Col("Parameters", FMT_COUNT, 0, width=12)),
        ("bic", Col("BIC", FMT_STAT, 1, width=12)),
        ("aic", Col("AIC", FMT_STAT, 1, width=12)),
        ("relative_entropy", Col("Relative entropy", FMT_MEAN, 2, width=12)),
        ("smallest_share", Col("Smallest segment", FMT_SHARE, 3, width=12)),
        ("chosen", Col("Chosen", width=9, horizontal="center")),
    ]
    spec = [(k, col) for k, col in spec if k in ms.columns]
    rows = [[r[k] for k, _ in spec] for r in ms.to_dict("records")]
    chosen = [bool(r.get("chosen")) for r in ms.to_dict("records")]
    first, last = write_table(
        ws, 1, [col for _, col in spec], rows, row_fonts=[BOLD if ch else None for ch in chosen]
    )
    why = [
        str(v)
        for f, v in zip(content.summary["field"], content.summary["value"], strict=True)
        if "chosen" in str(f).lower() or "why" in str(f).lower()
    ]
    row = last + 2
    lines = [
        "BIC and AIC: lower is a better fit for the model's complexity. Relative entropy: how "
        "clearly respondents are classified (1 = perfectly). 'yes' marks the solution used.",
        *why,
    ]
    row = note_block(ws, row, lines, span=len(spec), width=sum(col.width or 12 for _, col in spec))
    keys = [k for k, _ in spec]
    if rows and "k" in keys and ("bic" in keys or "aic" in keys):
        chart = LineChart()
        chart.title = "BIC and AIC by number of segments"
        chart.style = 12
        for key, color in (("bic", c.ABOVE), ("aic", c.TOTAL_GREY)):
            if key in keys:
                col = keys.index(key) + 1
                chart.add_data(
                    Reference(ws, min_col=col, min_row=1, max_row=last), titles_from_data=True
                )
                series = chart.series[-1]
                series.smooth = False
                series.marker.symbol = "circle"
                series.graphicalProperties.line.solidFill = color.lstrip("#")
                series.marker.graphicalProperties.solidFill = color.lstrip("#")
        chart.set_categories(
            Reference(ws, min_col=keys.index("k") + 1, min_row=first, max_row=last)
        )
        chart.y_axis.numFmt = "#,##0"
        chart.x_axis.title = "Segments (k)"
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.legend.position = "b"
        chart.width, chart.height = 18, 8
        ws.add_chart(chart, f"A{row + 1}")


def quality_sheet(ws: Worksheet, content: ReportContent) -> None:
    row = title(ws, 1, "Data quality summary")
    quality_rows = [[r.reason, r.respondents] for r in content.quality.itertuples(index=False)]
    fonts = [BOLD if str(r[0]).strip().lower() == "kept" else None for r in quality_rows]
    _, last = write_table(
        ws,
        row,
        [Col("Reason", max_width=40), Col("Respondents", FMT_COUNT, 0, width=14)],
        quality_rows,
        freeze=False,
        autofilter=False,
        row_fonts=fonts,
    )
    row = title(ws, last + 2, "Excluded respondents", "One row per respondent removed.")
    excl = content.exclusions
    excl_rows = [[r.respondent_id, r.reason, r.detail] for r in excl.itertuples(index=False)]
    columns = [
        Col("Respondent", max_width=20),
        Col("Reason", max_width=40),
        Col("Detail", max_width=60, wrap=True),
    ]
    first, _ = write_table(ws, row, columns, excl_rows)
    if not excl_rows:
        put(ws, first, 1, "No respondents were excluded.", font=NOTE_FONT)


def respondents_sheet(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    frame = content.respondents
    if frame is None:
        return
    has_post, has_weight = "posterior" in frame, "weight" in frame
    columns = [
        Col("Respondent", max_width=24),
        Col("Segment", FMT_COUNT, 0, width=10, horizontal="center"),
        Col("Persona", max_width=34),
    ]
    if has_post:
        columns.append(Col("Posterior probability", FMT_MEAN, 3, width=13))
    if has_weight:
        columns.append(Col("Weight", "0.000", 4, width=10))
    rows = []
    for rid, record in zip(frame.index, frame.to_dict("records"), strict=True):
        row = [rid, record["segment"], record.get("persona")]
        if has_post:
            row.append(record["posterior"])
        if has_weight:
            row.append(record["weight"])
        rows.append(row)
    first, last = write_table(ws, 1, columns, rows)
    # Segment colours by conditional formatting: one rule per segment, not a style per row.
    for seg, color in colors.items():
        font = Font(name=FONT, bold=True, color=c.readable_on_white(color).lstrip("#"))
        ws.conditional_formatting.add(
            f"B{first}:B{last}", CellIsRule(operator="equal", formula=[str(seg)], font=font)
        )
