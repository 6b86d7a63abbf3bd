"""PDF pages about the whole study: cover, executive summary, chart pages, method appendix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from research.personas.model import ReportContent
from research.reports import _common as c
from research.reports._pdf_layout import (
    CONTENT_BOTTOM,
    CONTENT_TOP,
    HEADER_FILL,
    MARGIN,
    PAGE_W,
    Page,
    lh,
    wrap,
)
from research.reports.charts import (
    answers_heatmap,
    attitude_heatmap,
    needs_frame,
    needs_overview_chart,
    segment_sizes_chart,
)

__all__ = [
    "cover_page",
    "summary_page",
    "sizes_page",
    "heatmap_page",
    "answers_page",
    "needs_page",
    "has_needs",
]


def has_needs(content: ReportContent) -> bool:
    return not needs_frame(content).empty


def _facts(content: ReportContent) -> list[tuple[str, str]]:
    kept = sum(int(c.as_float(n) or 0) for n in content.segment_sizes["n"])
    facts = [(f"{kept:,}", "respondents analysed"), (str(len(content.personas)), "segments")]
    if len(content.factor_means.columns):
        facts.append((str(len(content.factor_means.columns)), "attitude dimensions"))
    interviews = sum(p.interviews for p in content.personas)
    if interviews:
        facts.append((str(interviews), "interviews linked"))
    return facts


def cover_page(content: ReportContent, created: datetime, contents: Sequence[tuple]) -> Page:
    page = Page.new()
    colors = c.segment_colors(content)
    # A band of segment colours across the top, each as wide as the segment's share.
    shares = [
        (colors[int(p.segment)], max(c.as_float(p.share) or 0.0, 0.0)) for p in content.personas
    ]
    total = sum(s for _, s in shares) or 1.0
    x = 0.0
    for color, share in shares:
        page.rect(x, 0, PAGE_W * share / total, 0.28, color)
        x += PAGE_W * share / total

    left = MARGIN + 0.2
    width = PAGE_W - 2 * MARGIN - 0.2
    for title_size in (30, 27, 24, 21):  # shrink a long title before cutting it
        if len(wrap(content.title, width, title_size, weight="bold")) <= 2:
            break
    lines = wrap(content.title, width, title_size, weight="bold", max_lines=2)
    y = page.lines(left, 1.05, lines, title_size, weight="bold") + 0.1
    y = page.lines(left, y, wrap(content.subtitle, width, 14, max_lines=2), 14, color=c.MUTED)
    page.text(left, y + 0.12, f"Report created {c.display_date(created)}", 11, color=c.MUTED)

    # Key facts as big numbers.
    y = 3.35
    facts = _facts(content)
    tile = width / max(len(facts), 1)
    for i, (number, label) in enumerate(facts):
        fx = left + i * tile
        page.rect(fx, y, 0.06, 0.85, HEADER_FILL)
        page.text(fx + 0.2, y - 0.02, number, 28, weight="bold", color=HEADER_FILL)
        page.text(fx + 0.2, y + 0.55, label, 10.5, color=c.MUTED)

    y = 4.75
    page.text(left, y, "Contents", 13, weight="bold")
    y += 0.38
    page.hline(left, PAGE_W - MARGIN, y - 0.08)
    half = (len(contents) + 1) // 2
    col_w = (width - 0.4) / 2
    for i, (label, number) in enumerate(contents):
        cx = left + (0 if i < half else col_w + 0.4)
        cy = y + (i if i < half else i - half) * 0.27
        text = wrap(label, col_w - 0.6, 10, max_lines=1)[0]
        page.text(cx, cy, text, 10)
        page.text(cx + col_w, cy, str(number), 10, color=c.MUTED, ha="right")
    return page


def _best(frame, column: str = "index"):
    if frame is None or frame.empty:
        return None
    return frame.iloc[0]


def _warnings_box(page: Page, content: ReportContent, y: float) -> float:
    """The run's warnings above the segments (at most six lines); returns where rows start."""
    warnings = list(getattr(content, "warnings", ()) or ())
    if not warnings:
        return y
    width = PAGE_W - 2 * MARGIN - 0.3
    lines: list[str] = []
    for w in warnings:
        lines += wrap(f"\u26a0 {w}", width, 8.5, max_lines=2)
    shown = lines[:6]
    if len(lines) > 6:
        shown[-1] = "\u2026 more in the workbook, sheet Summary (Read this first)"
    height = len(shown) * lh(8.5) + 0.16
    page.rect(MARGIN, y, PAGE_W - 2 * MARGIN, height, "#FCEFE6")
    page.lines(MARGIN + 0.15, y + 0.08, shown, 8.5, color="#9C2A00")
    return y + height + 0.1


def summary_page(content: ReportContent) -> Page:
    """Segments at a glance: colour, name, share, one line, top need and where to reach them."""
    page = Page.new()
    page.header(
        "Executive summary: the segments at a glance",
        "Who each segment is, how big it is, what it needs most and where to reach it.",
    )
    colors = c.segment_colors(content)
    n = max(len(content.personas), 1)
    y = _warnings_box(page, content, CONTENT_TOP)
    row_h = min(1.05, (CONTENT_BOTTOM - y) / n)
    desc_lines = 2 if row_h >= 0.86 else 1
    name_size = 13 if row_h >= 0.7 else 11.5
    right = PAGE_W - MARGIN
    text_x = MARGIN + 0.5
    text_w = right - 1.5 - text_x
    page.hline(MARGIN, right, y)
    for p in content.personas:
        color = colors[int(p.segment)]
        top = y + 0.1
        page.rect(MARGIN, top + 0.03, 0.3, 0.3, color)
        label = wrap(c.persona_label(p), text_w, name_size, weight="bold", max_lines=1)[0]
        page.text(text_x, top, label, name_size, weight="bold")
        ty = top + lh(name_size) + 0.02
        if p.description:
            lines = wrap(p.description, text_w, 9.5, max_lines=desc_lines)
            ty = page.lines(text_x, ty, lines, 9.5)
        keys = []
        need = _best(p.needs)
        if need is not None:
            keys.append(f"Top need: {need['text']}")
        reach = c.demographic_highlights(p, 1, sections=["Channels"])
        if len(reach) and (c.as_float(reach.iloc[0]["index"]) or 0) > 100:
            r = reach.iloc[0]
            keys.append(f"Reach: {r['category']} ({c.fmt_share(r['share'])})")
        if keys and ty + lh(8.5) <= y + row_h:
            line = wrap(f" {c.MID_DOT} ".join(keys), text_w, 8.5, max_lines=1)[0]
            page.text(text_x, ty + 0.01, line, 8.5, color=c.MUTED)
        page.text(
            right,
            top - 0.03,
            c.fmt_share(p.share),
            20,
            weight="bold",
            color=c.readable_on_white(color),
            ha="right",
        )
        page.text(
            right, top + 0.36, f"{c.fmt_count(p.size)} respondents", 8.5, color=c.MUTED, ha="right"
        )
        y += row_h
        page.hline(MARGIN, right, y, lw=0.5)
    if not content.personas:
        page.text(MARGIN, y + 0.2, "No segments in this report.", 11, color=c.MUTED)
    return page


def _chart_page(title: str, subtitle: str, draw: Callable[..., object], note: str) -> Page:
    page = Page.new(
        charts_rect=(MARGIN, CONTENT_TOP, PAGE_W - 2 * MARGIN, CONTENT_BOTTOM - 0.35 - CONTENT_TOP)
    )
    page.header(title, subtitle)
    draw(page.fig.add_subplot())
    lines = wrap(note, PAGE_W - 2 * MARGIN, 8.5, max_lines=2)
    page.lines(MARGIN, CONTENT_BOTTOM - 0.3, lines, 8.5, color=c.MUTED, style="italic")
    return page


def sizes_page(content: ReportContent) -> Page:
    kept = sum(int(c.as_float(n) or 0) for n in content.segment_sizes["n"])
    weighted = " Shares are weighted." if content.weighted else ""
    return _chart_page(
        "How big is each segment?",
        f"Share of the {kept:,} respondents kept for analysis.{weighted}",
        lambda ax: segment_sizes_chart(content, ax, title=None),
        "Segments are numbered by size, largest first. Shares are rounded to whole percentages, "
        "so they may not add up to exactly 100%.",
    )


def heatmap_page(content: ReportContent) -> Page:
    return _chart_page(
        "What each segment thinks",
        "Average attitude factor score of each segment, in standard deviations from the "
        "all-respondent average (0). Blue: above average; red: below.",
        lambda ax: attitude_heatmap(content, ax, title=None),
        "Scores of \u00b10.50 or more are in bold. Which questionnaire items make up each "
        "factor: see the workbook, sheet Factor loadings.",
    )


def answers_page(content: ReportContent) -> Page:
    return _chart_page(
        "What each segment answered",
        "Share of each segment giving each answer to the questions the segments were found "
        "from. Colour: difference from all respondents (blue above, red below).",
        lambda ax: answers_heatmap(content, ax, title=None),
        "No factor analysis: the study has no rating battery, so the segments are profiled on "
        "these answers. Every answer by segment, with significance tests: see the workbook, "
        "sheet Profile table.",
    )


def needs_page(content: ReportContent) -> Page:
    return _chart_page(
        "What each segment needs",
        "Mean importance of each need in each segment (dots, in segment colours) and among all "
        "respondents (black line). Needs are ordered by overall importance.",
        lambda ax: needs_overview_chart(content, ax, title=None),
        "Where a segment's dot sits well right of the line, that need matters more to it than to "
        "customers in general. Significance tests: see the workbook, sheet Profile table.",
    )
