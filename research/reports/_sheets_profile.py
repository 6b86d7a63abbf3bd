"""The banner-style Profile table and the Scorecard sheet of the workbook."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from research.personas.model import SCORECARD_CRITERIA, ReportContent
from research.personas.significance import column_letter
from research.reports import _common as c
from research.reports._xlsx import (
    BOLD,
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
    title,
    write_table,
)

__all__ = ["profile_sheet", "scorecard_sheet", "PROFILE_STUB", "sig_text"]

#: Leading columns of the profile table (before Total and the segment blocks).
PROFILE_STUB = ("Section", "Question", "Category")
_KEY = ("section", "variable", "label", "category")
_CENTER_TOP = Alignment(horizontal="center", vertical="top")
_ABOVE_FONT = Font(name=FONT, bold=True, color=c.ABOVE.lstrip("#"))
_BELOW_FONT = Font(name=FONT, bold=True, color=c.BELOW.lstrip("#"))


def sig_text(sig: object, letters: object) -> str:
    """``▲ BC``: arrow for vs-rest significance, then the letters of segments beaten."""
    arrow = {"higher": c.UP, "lower": c.DOWN}.get(str(sig), "")
    text = "" if c.is_missing(letters) else str(letters)
    return " ".join(part for part in (arrow, text) if part)


def _rows(content: ReportContent) -> tuple[list[tuple], dict[tuple, dict]]:
    keys: dict[tuple, dict] = {}
    for record in content.profiles.to_dict("records"):
        key = tuple("" if c.is_missing(record.get(k)) else str(record[k]) for k in _KEY)
        entry = keys.setdefault(key, {"total": record.get("total"), "cells": {}})
        if c.is_missing(entry["total"]):
            entry["total"] = record.get("total")
        if c.is_missing(record.get("segment")):
            continue
        entry["cells"][int(record["segment"])] = record
    return list(keys), keys


def profile_sheet(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    """Banner table: per segment a value, a significance and an index column."""
    order, keys = _rows(content)
    labels = {int(p.segment): c.persona_label(p) for p in content.personas}
    segments = sorted({s for k in order for s in keys[k]["cells"]} | set(labels))
    letters = {s: column_letter(i) for i, s in enumerate(segments)}
    sizes = {int(p.segment): p.size for p in content.personas}

    columns = [
        Col(PROFILE_STUB[0], max_width=13),
        Col(PROFILE_STUB[1], max_width=40, wrap=True),
        Col(PROFILE_STUB[2], max_width=22, wrap=True),
        Col("Total", FMT_MEAN, width=9),
    ]
    for s in segments:
        fill = colors.get(s)
        name = labels.get(s, f"{s} {c.MID_DOT} Segment {s}")
        columns += [
            Col(f"{name} ({letters[s]})", FMT_MEAN, width=14, header_fill=fill),
            Col(f"{letters[s]} sig.", width=8, header_fill=fill, horizontal="center"),
            Col(f"{letters[s]} index", FMT_INDEX, 0, width=8, header_fill=fill),
        ]
    columns.append(Col("Variable", max_width=18))

    base = ["Base", "Respondents (unweighted)", "", sum(sizes.values()) or None]
    for s in segments:
        base += [sizes.get(s), "", None]
    rows, shares, sigs = [base + [""]], [False], [[]]
    for key in order:
        entry = keys[key]
        share = bool(key[3])  # categories carry shares; items carry means
        digits = 3 if share else 2
        row = [key[0], key[2], key[3], c.rounded(entry["total"], digits)]
        marks = []
        for s in segments:
            rec = entry["cells"].get(s, {})
            marks.append(rec.get("sig", ""))
            row += [
                c.rounded(rec.get("value"), digits),
                sig_text(rec.get("sig"), rec.get("letters")),
                c.rounded(rec.get("index"), 0),
            ]
        rows.append(row + [key[1]])
        shares.append(share)
        sigs.append(marks)

    note = (content.tests_note or "Significance tests were not run.") + (
        " Index = segment \u00f7 total \u00d7 100; blue above 100, red below."
    )
    put(ws, 1, 1, note, font=NOTE_FONT, align=TOP_WRAP)
    first, last = write_table(ws, 2, columns, rows, freeze_cols=len(PROFILE_STUB))
    span = min(len(columns), 12)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
    width = sum(ws.column_dimensions[get_column_letter(j)].width or 9 for j in range(1, span + 1))
    ws.row_dimensions[1].height = lines_needed(note, width - 2) * LINE_HEIGHT

    for i, (share, marks) in enumerate(zip(shares, sigs, strict=True)):
        r = first + i
        if i == 0:  # base row: counts
            for j in [4] + [5 + 3 * k for k in range(len(segments))]:
                ws.cell(row=r, column=j).number_format = FMT_COUNT
                ws.cell(row=r, column=j).font = BOLD
            continue
        fmt = FMT_SHARE if share else FMT_MEAN
        ws.cell(row=r, column=4).number_format = fmt
        for k, mark in enumerate(marks):
            value = ws.cell(row=r, column=5 + 3 * k)
            value.number_format = fmt
            if mark == "higher":
                value.font = _ABOVE_FONT
            elif mark == "lower":
                value.font = _BELOW_FONT
            ws.cell(row=r, column=6 + 3 * k).alignment = _CENTER_TOP
    if len(rows) > 1 and segments:
        ranges = " ".join(
            f"{get_column_letter(7 + 3 * k)}{first + 1}:{get_column_letter(7 + 3 * k)}{last}"
            for k in range(len(segments))
        )
        ws.conditional_formatting.add(
            ranges,
            diverging_scale(50, 100, 150),
        )


def scorecard_sheet(ws: Worksheet, content: ReportContent, colors: dict[int, str]) -> None:
    """Segments by the seven criteria (verdicts coloured), then every verdict with detail."""
    card = content.scorecard
    if card is None:
        return
    names = {int(p.segment): p.name for p in content.personas}
    criteria = [k for k in SCORECARD_CRITERIA if k in set(card["criterion"])]
    criteria += sorted(set(card["criterion"]) - set(criteria))
    groups = list(dict.fromkeys(card["segment"].tolist()))
    columns = [Col("Segment", width=10, horizontal="center"), Col("Name", max_width=32)]
    columns += [Col(k.capitalize(), width=15, wrap=True, horizontal="center") for k in criteria]
    rows, fills, statuses = [], [], []
    for seg in groups:
        mine = card[card["segment"].isna()] if c.is_missing(seg) else card[card["segment"] == seg]
        lookup = {r["criterion"]: r for r in mine.to_dict("records")}
        seg_id = None if c.is_missing(seg) else int(seg)
        row: list[object] = [seg_id, names.get(seg_id, "All segments") if seg_id else "All"]
        marks = []
        for k in criteria:
            rec = lookup.get(k)
            if rec is None:
                row.append("")
                marks.append(None)
                continue
            mark = c.STATUS_STYLE[rec["status"]][0]
            row.append(f"{mark} {c.cell_text(rec['verdict'])}".strip())
            marks.append(rec["status"])
        rows.append(row)
        statuses.append(marks)
        fills.append({0: colors[seg_id]} if seg_id in colors else {})
    first, last = write_table(ws, 1, columns, rows, row_fills=fills, freeze_cols=2)
    for i, marks in enumerate(statuses):
        for j, status in enumerate(marks):
            if status is None:
                continue
            _, strong, light = c.STATUS_STYLE[status]
            cell = ws.cell(row=first + i, column=3 + j)
            cell.fill = PatternFill("solid", fgColor=light.lstrip("#"))
            cell.font = Font(name=FONT, bold=True, color=strong.lstrip("#"))
    top = title(
        ws,
        last + 2,
        "Verdicts in detail",
        "\u2713 pass \u00b7 ! caution \u00b7 \u2717 fail \u00b7 \u2022 information only.",
    )
    detail_rows = [
        [
            None if c.is_missing(r["segment"]) else int(r["segment"]),
            str(r["criterion"]).capitalize(),
            c.cell_text(r["verdict"]),
            r["detail"],
        ]
        for r in card.to_dict("records")
    ]
    # Detail spans the criterion columns, so this table leaves the overview's widths alone.
    span = max(len(criteria) - 1, 1)
    width = sum(ws.column_dimensions[get_column_letter(4 + j)].width or 15 for j in range(span))
    columns = [
        Col("Segment", width=10, horizontal="center"),
        Col("Criterion", max_width=20),
        Col("Verdict", max_width=15),
        Col("Detail", width=15, wrap=True),
    ]
    first, _ = write_table(ws, top, columns, detail_rows, freeze=False, autofilter=False)
    for r in range(top, first + len(detail_rows)):
        if span > 1:
            ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=3 + span)
        needed = lines_needed(ws.cell(row=r, column=4).value, width)
        ws.row_dimensions[r].height = needed * LINE_HEIGHT if needed > 1 else None
