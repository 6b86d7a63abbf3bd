"""Workbook sheets about people: one sheet per persona, themes by segment, quotes."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from research.personas.model import Persona, ReportContent
from research.reports import _common as c
from research.reports._xlsx import (
    FMT_COUNT,
    FMT_INDEX,
    FMT_MEAN,
    FMT_SHARE,
    FONT,
    LINE_HEIGHT,
    NOTE_FONT,
    TOP_WRAP,
    Col,
    diverging_scale,
    lines_needed,
    put,
    write_table,
)

__all__ = ["persona_sheet", "themes_sheet", "quotes_sheet", "PERSONA_SECTIONS"]

#: Section titles of a persona sheet, in order (a section without data is left out).
PERSONA_SECTIONS = (
    "Segmentation answers",
    "Attitude profile",
    "Top needs",
    "What sets them apart",
    "Who they are",
    "What they do",
    "How to reach them",
    "Interview themes",
    "In their words",
    "Scorecard",
)
_ARROW = {"higher": c.UP + " higher", "lower": c.DOWN + " lower"}
_WIDE = 58  # the text column (B) of every persona table


def _vs_rest(sig: object) -> str:
    return _ARROW.get(str(sig), "")


def _section(
    ws: Worksheet,
    row: int,
    heading: str,
    color: str,
    columns: Sequence[Col],
    rows: Sequence[Sequence[object]],
) -> int:
    """A section title in the persona colour and its table; returns the next free row."""
    put(ws, row, 1, heading.upper(), font=Font(name=FONT, bold=True, size=11, color=color))
    write_table(ws, row + 1, columns, rows, freeze=False, autofilter=False)
    return row + 1 + len(rows) + 2


def _header(ws: Worksheet, persona: Persona, content: ReportContent, color: str) -> None:
    fill = c.hex_color(persona.color, segment=persona.segment)
    put(
        ws,
        1,
        1,
        c.persona_label(persona),
        font=Font(name=FONT, bold=True, size=16, color=c.text_on(fill).lstrip("#")),
        fill=fill,
        align=Alignment(vertical="center"),
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws.row_dimensions[1].height = 26
    put(ws, 2, 1, persona.description, font=Font(name=FONT, size=11), align=TOP_WRAP)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    ws.row_dimensions[2].height = lines_needed(persona.description, 20 + _WIDE + 40) * LINE_HEIGHT
    size = c.size_line(persona, len(content.personas))
    if persona.weighted_size is not None:
        size += f" (weighted: {c.fmt_number(persona.weighted_size, 1)})"
    for line in c.headline_lines(persona)[:1]:  # the study's declared value measure
        size += f" {c.MID_DOT} {line}"
    put(ws, 3, 1, size, font=NOTE_FONT)
    if persona.interviews:
        talk = f"{persona.interviews} interview" + ("s" if persona.interviews != 1 else "")
        if persona.sentiment is not None:
            talk += f"; overall sentiment {c.sentiment_word(persona.sentiment)}"
        put(ws, 4, 1, talk, font=NOTE_FONT)
    ws.freeze_panes = "A5"


def _attitude_chart(ws: Worksheet, first: int, last: int, values: list[float]) -> None:
    chart = BarChart()
    chart.type, chart.style, chart.gapWidth = "bar", 10, 50
    chart.title = "Attitudes vs all respondents (z)"
    chart.add_data(Reference(ws, min_col=3, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    series = chart.series[0]
    for i, v in enumerate(values):
        color = (c.ABOVE if v >= 0 else c.BELOW).lstrip("#")
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = color
        point.graphicalProperties.line.solidFill = color
        series.dPt.append(point)
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.tickLblPos = "low"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.numFmt = "0.0"
    chart.width, chart.height = 14, 6.5
    ws.add_chart(chart, f"F{first - 1}")


def _describing_rows(persona: Persona, sections: Sequence[str], metrics: bool) -> list[list]:
    rows: list[list] = []
    frame = persona.demographics
    if frame is not None and len(frame):
        section = frame["section"] if "section" in frame else "Demographics"
        mine = frame[pd.Series(section, index=frame.index).isin(sections)]
        if persona.answers is not None and len(persona.answers):  # shown in their own section
            mine = mine[~mine["variable"].isin(set(persona.answers["variable"]))]
        for r in mine.to_dict("records"):
            label = r.get("label") if not c.is_missing(r.get("label")) else r["variable"]
            rows.append(
                [label, r["category"], r["share"], r["total_share"], r["index"], r.get("sig")]
            )
    if metrics and persona.metrics is not None:
        for r in persona.metrics.to_dict("records"):
            unit = f" ({r['unit']})" if r.get("unit") else ""
            rows.append(
                [r["label"], f"Average{unit}", r["mean"], r["total_mean"], r["index"], r["sig"]]
            )
    return [[*row[:5], _vs_rest(row[5])] for row in rows]


def persona_sheet(ws: Worksheet, content: ReportContent, persona: Persona) -> None:
    """Everything about one persona, section by section (see :data:`PERSONA_SECTIONS`)."""
    color = c.readable_on_white(c.hex_color(persona.color, segment=persona.segment), 4.5)
    accent = color.lstrip("#")
    _header(ws, persona, content, color)
    row = 6

    answers = persona.answers
    if answers is not None and len(answers):
        rows = [
            [
                r["label"],
                r["category"],
                r["share"],
                r["total_share"],
                r["index"],
                r["z"],
                _vs_rest(r.get("sig")),
            ]
            for r in answers.to_dict("records")
        ]
        cols = [
            Col("Question", width=20, wrap=True),
            Col("Answer", width=_WIDE, wrap=True),
            Col("Segment", FMT_SHARE, 3, width=13),
            Col("All respondents", FMT_SHARE, 3, width=15),
            Col("Index", FMT_INDEX, 0, width=9),
            Col("Difference (SD)", FMT_MEAN, 2, width=11),
            Col("vs rest", width=10),
        ]
        row = _section(ws, row, "Segmentation answers", accent, cols, rows)

    att = [(str(k), c.as_float(v)) for k, v in persona.attitudes.items()]
    att = [(k, v) for k, v in att if v is not None]
    if att:
        rows = [
            [i, k, v, "above average" if v >= 0.2 else "below average" if v <= -0.2 else "average"]
            for i, (k, v) in enumerate(att, start=1)
        ]
        cols = [
            Col("#", width=20, horizontal="center"),
            Col("Factor", width=_WIDE),
            Col("Mean score (z)", FMT_MEAN, 2, width=13),
            Col("Compared with all", width=15),
        ]
        start = row + 2
        row = _section(ws, row, "Attitude profile", accent, cols, rows)
        _attitude_chart(ws, start, start + len(rows) - 1, [v for _, v in att])
        row = max(row, start + 14)

    needs = persona.needs
    if needs is not None and len(needs):
        rows = [
            [
                r["rank"],
                r["text"],
                r["mean"],
                r["total_mean"],
                r["index"],
                r["top_box"],
                r["total_top_box"],
                r["total_rank"],
                _vs_rest(r["sig"]),
            ]
            for r in needs.to_dict("records")
        ]
        cols = [
            Col("Rank", FMT_COUNT, 0, width=20, horizontal="center"),
            Col("Need", width=_WIDE, wrap=True),
            Col("Importance (mean)", FMT_MEAN, 2, width=13),
            Col("All respondents", FMT_MEAN, 2, width=15),
            Col("Index", FMT_INDEX, 0, width=9),
            Col("Top-2 box", FMT_SHARE, 3, width=10),
            Col("All top-2 box", FMT_SHARE, 3, width=10),
            Col("Rank among all", FMT_COUNT, 0, width=10),
            Col("vs rest", width=10),
        ]
        row = _section(ws, row, "Top needs", accent, cols, rows)

    items = persona.distinctive_items
    if items is not None and len(items):
        rows = [
            [
                i,
                r.get("text") or r.get("item"),
                r.get("mean"),
                r.get("total_mean"),
                r.get("index"),
                r.get("direction"),
                _vs_rest(r.get("sig")),
            ]
            for i, r in enumerate(items.to_dict("records"), start=1)
        ]
        cols = [
            Col("#", width=20, horizontal="center"),
            Col("Item", width=_WIDE, wrap=True),
            Col("Segment mean", FMT_MEAN, 2, width=13),
            Col("All respondents", FMT_MEAN, 2, width=15),
            Col("Index", FMT_INDEX, 0, width=9),
            Col("Direction", width=10),
            Col("vs rest", width=10),
        ]
        row = _section(ws, row, "What sets them apart", accent, cols, rows)

    groups = (
        ("Who they are", ("Demographics",), False),
        ("What they do", ("Behaviour", "Technology", "Other"), True),
        ("How to reach them", ("Channels",), False),
    )
    for heading, sections, metrics in groups:
        rows = _describing_rows(persona, sections, metrics)
        if not rows:
            continue
        cols = [
            Col("Question", width=20, wrap=True),
            Col("Answer", width=_WIDE, wrap=True),
            Col("Segment", FMT_SHARE, 3, width=13),
            Col("All respondents", FMT_SHARE, 3, width=15),
            Col("Index", FMT_INDEX, 0, width=9),
            Col("vs rest", width=10),
        ]
        first = row + 2
        row = _section(ws, row, heading, accent, cols, rows)
        for i, values in enumerate(rows):
            if str(values[1]).startswith("Average"):
                for j in (3, 4):
                    ws.cell(row=first + i, column=j).number_format = "#,##0"

    codes = persona.top_codes
    if codes is not None and len(codes):
        rows = [
            [
                i,
                r.get("label") or r.get("code"),
                r.get("transcripts"),
                r.get("transcript_share"),
                r.get("passages"),
                r.get("sentiment"),
            ]
            for i, r in enumerate(codes.to_dict("records"), start=1)
        ]
        cols = [
            Col("#", width=20, horizontal="center"),
            Col("Theme", width=_WIDE),
            Col("Interviews", FMT_COUNT, 0, width=13),
            Col("Share of interviews", FMT_SHARE, 3, width=15),
            Col("Passages", FMT_COUNT, 0, width=9),
            Col("Sentiment (\u22121..1)", FMT_MEAN, 2, width=10),
        ]
        row = _section(ws, row, "Interview themes", accent, cols, rows)

    quotes = persona.quotes
    if quotes is not None and len(quotes):
        rows = [
            [r.get("transcript"), r.get("quote"), r.get("label") or r.get("code")]
            for r in quotes.to_dict("records")
        ]
        cols = [
            Col("Interview", width=20),
            Col("Quote (redacted)", width=_WIDE, wrap=True),
            Col("Theme", width=13, wrap=True),
        ]
        row = _section(ws, row, "In their words", accent, cols, rows)

    card = persona.scorecard
    if card is not None and len(card):
        rows = [
            [
                str(r["criterion"]).capitalize(),
                r["detail"],
                f"{c.STATUS_STYLE[r['status']][0]} {c.cell_text(r['verdict'])}",
            ]
            for r in card.to_dict("records")
        ]
        cols = [Col("Criterion", width=20), Col("Detail", width=_WIDE, wrap=True), Col("Verdict")]
        first = row + 2
        row = _section(ws, row, "Scorecard", accent, cols, rows)
        for i, r in enumerate(card.to_dict("records")):
            _, strong, light = c.STATUS_STYLE[r["status"]]
            cell = ws.cell(row=first + i, column=3)
            cell.fill = PatternFill("solid", fgColor=light.lstrip("#"))
            cell.font = Font(name=FONT, bold=True, color=strong.lstrip("#"))


def themes_sheet(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    frame = content.themes
    if frame is None:
        return
    columns = [
        Col("Segment", width=10, horizontal="center"),
        Col("Persona", max_width=32),
        Col("Theme", max_width=36),
        Col("Code", max_width=22),
        Col("Interviews", FMT_COUNT, 0, width=11),
        Col("Share of the segment's interviews", FMT_SHARE, 3, width=14),
        Col("Passages", FMT_COUNT, 0, width=10),
        Col("Mean sentiment (\u22121..1)", FMT_MEAN, 2, width=13),
    ]
    rows, fills = [], []
    for r in frame.to_dict("records"):
        seg = int(r["segment"])
        rows.append(
            [
                seg,
                r["persona"],
                r["label"],
                r["code"],
                r["transcripts"],
                r["transcript_share"],
                r["passages"],
                r["sentiment"],
            ]
        )
        fills.append({0: colors[seg]} if seg in colors else {})
    first, last = write_table(ws, 1, columns, rows, row_fills=fills)
    if rows:
        ws.conditional_formatting.add(
            f"H{first}:H{last}",
            diverging_scale(-1, 0, 1),
        )


def quotes_sheet(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    columns = [
        Col("Segment", width=10, horizontal="center"),
        Col("Persona", max_width=30),
        Col("Theme", max_width=26),
        Col("Transcript", width=12),
        Col("Quote", width=60, wrap=True),
    ]
    rows, fills = [], []
    has_label = "label" in content.quotes
    for r in content.quotes.to_dict("records"):
        seg = None if c.is_missing(r["segment"]) else int(r["segment"])
        theme = r["label"] if has_label and not c.is_missing(r["label"]) else r["code"]
        rows.append([seg, r["persona"], theme, r["transcript"], r["quote"]])
        fills.append({0: colors[seg]} if seg in colors else {})
    write_table(ws, 1, columns, rows, row_fills=fills)


def personas_overview_sheet(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    """All personas side by side, one row each: the sheet to filter and paste from."""
    columns = [
        Col("Segment", width=10, horizontal="center"),
        Col("Persona", max_width=30),
        Col("Description", width=50, wrap=True),
        Col("Respondents", width=13, fmt="#,##0"),
        Col("Share", width=9, fmt="0%"),
        Col(
            "Highest attitudes" if c.has_factors(content) else "Stand-out answers",
            width=34,
            wrap=True,
        ),
        Col("Top needs", width=40, wrap=True),
        Col("Top interview themes", width=34, wrap=True),
        Col("Quote", width=60, wrap=True),
    ]
    rows, fills = [], []
    for p in content.personas:
        att = p.attitudes.sort_values(ascending=False).head(2)
        attitudes = "; ".join(f"{name} ({z:+.1f} SD)" for name, z in att.items())
        if not len(att) and len(p.answers):
            top = p.answers[p.answers["z"] > 0].head(2)
            attitudes = "; ".join(
                f"{r.phrase} ({r.share:.0%} vs {r.total_share:.0%})" for r in top.itertuples()
            )
        needs = "; ".join(p.needs["text"].head(3)) if len(p.needs) and "text" in p.needs else ""
        labels = p.top_codes["label"] if "label" in p.top_codes else p.top_codes.get("code", [])
        themes = "; ".join(list(labels)[:3])
        quote = str(p.quotes["quote"].iloc[0]) if len(p.quotes) else ""
        rows.append(
            [p.segment, p.name, p.description, p.size, p.share, attitudes, needs, themes, quote]
        )
        fills.append({0: colors[p.segment]} if p.segment in colors else {})
    write_table(ws, 1, columns, rows, row_fills=fills)
