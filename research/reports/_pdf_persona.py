"""One PDF page per persona: who they are at a glance, in numbers and in their own words.

Layout (A4 landscape): a header with the name in the persona colour, size and share, the
one-line description and the value measure the study declares (``personas.headline``); a
strip of scorecard verdicts when scored; then a grid of the charts the study has data for on
the left (the answers the segments were found from, attitudes, top needs, who they are, how to
reach them) and a text column on the right (interview themes with sentiment, quotes), filled with as much as fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from research.personas.model import Persona, ReportContent
from research.reports import _common as c
from research.reports._pdf_layout import (
    CONTENT_BOTTOM,
    MARGIN,
    PAGE_W,
    Page,
    fit_size,
    wrap,
)
from research.reports.persona_charts import (
    answers_chart,
    attitude_profile_chart,
    demographics_chart,
    needs_chart,
)

__all__ = ["persona_page"]

_LEFT_W = 7.15  # width of the chart grid
_GAP = 0.35


@dataclass(frozen=True)
class _Budget:
    themes: int
    quotes: int
    quote_lines: int


# From the fullest right-hand column to the sparest; the first that fits is used.
_BUDGETS = [
    _Budget(4, 4, 6),
    _Budget(4, 3, 6),
    _Budget(4, 3, 5),
    _Budget(3, 3, 5),
    _Budget(3, 3, 4),
    _Budget(3, 2, 5),
    _Budget(3, 2, 4),
    _Budget(2, 2, 4),
    _Budget(2, 2, 3),
    _Budget(2, 1, 3),
    _Budget(1, 1, 2),
    _Budget(1, 0, 0),
]


def _text_column(
    page: Page, persona: Persona, x: float, y: float, w: float, budget: _Budget, accent: str
) -> float:
    """Themes and quotes; returns the y it ends at."""

    def heading(y: float, text: str) -> float:
        page.text(x, y, text.upper(), 9, weight="bold", color=accent)
        return y + 0.27

    themes = c.theme_lines(persona, budget.themes, sentiment=True, compact=True)
    if themes:
        y = heading(y, "Top themes in interviews")
        for line in themes:
            page.text(x, y, "\u2022", 9.5, color=accent)
            y = page.lines(x + 0.18, y, wrap(line, w - 0.18, 9, max_lines=2), 9) + 0.04
        if persona.sentiment is not None:
            mood = f"Overall tone of their interviews: {c.sentiment_word(persona.sentiment)}"
            y = page.lines(x, y + 0.02, wrap(mood, w, 8, max_lines=2), 8, color=c.MUTED)
        y += 0.18
    quotes = c.persona_quotes(persona, budget.quotes)
    if quotes and budget.quotes:
        y = heading(y, "In their words")
        for quote, source in quotes:
            lines = wrap(
                f"\u201c{quote}\u201d", w - 0.2, 9, style="italic", max_lines=budget.quote_lines
            )
            if lines and not lines[-1].endswith("\u201d"):
                lines[-1] = lines[-1] + "\u201d"
            top = y
            y = page.lines(x + 0.18, y, lines, 9, style="italic")
            if source:
                src = wrap(source, w - 0.18, 7.5, max_lines=1)
                y = page.lines(x + 0.18, y + 0.02, src, 7.5, color=c.MUTED)
            page.rect(x, top + 0.02, 0.05, y - top - 0.02, accent)
            y += 0.14
    if not themes and not quotes:
        y = heading(y, "Interviews")
        y = page.lines(
            x, y, wrap("No interviews were linked to this segment.", w, 9), 9, color=c.MUTED
        )
    return y


def _scorecard_strip(page: Page, persona: Persona, y: float) -> bool:
    """Seven verdict badges in one row; False when the persona has no scorecard."""
    card = persona.scorecard
    if card is None or card.empty:
        return False
    x, right = MARGIN, PAGE_W - MARGIN
    page.text(x, y, "SCORECARD", 8, weight="bold", color=c.MUTED)
    x += 0.95
    step = (right - x) / max(len(card), 1)
    for i, r in enumerate(card.to_dict("records")):
        mark, strong, light = c.STATUS_STYLE[r["status"]]
        bx = x + i * step
        page.rect(bx, y - 0.04, step - 0.08, 0.24, light)
        label = f"{mark} {str(r['criterion']).capitalize()}"
        size = fit_size(label, step - 0.2, 8.5, 6.5, "bold")
        page.text(bx + 0.06, y, label, size, weight="bold", color=strong)
    return True


_headline_lines = c.headline_lines


def _panels(persona: Persona) -> list[str]:
    """The chart panels this persona has data for, in reading order (at most four, the grid's
    cells: beside the segmentation answers, "how to reach them" is the one left out)."""
    panels = []
    if persona.attitudes is not None and persona.attitudes.notna().any():
        panels.append("attitudes")
    if persona.answers is not None and len(persona.answers):
        panels.append("answers")
    if persona.needs is not None and len(persona.needs):
        panels.append("needs")
    demo = persona.demographics
    if demo is not None and len(demo) and "section" not in demo:
        panels += ["who", "reach"]  # a table without sections: let the charts sort it out
    else:
        sections = set(demo["section"]) if demo is not None and len(demo) else set()
        if "Demographics" in sections:
            panels.append("who")
        if sections & {"Channels", "Technology"}:
            panels.append("reach")
    return panels[:4]


def _header(page: Page, content: ReportContent, persona: Persona, color: str) -> float:
    """Name, size, share, description and value metric; returns where the body starts."""
    title_color = c.readable_on_white(color)
    page.rect(MARGIN, 0.5, 0.1, 0.82, color)
    share_w = 1.6
    name_w = PAGE_W - 2 * MARGIN - 0.3 - share_w
    label = c.persona_label(persona)
    size = fit_size(label, name_w, 22, 15, "bold")
    name = wrap(label, name_w, size, weight="bold", max_lines=1)[0]
    page.text(MARGIN + 0.28, 0.48, name, size, weight="bold", color=title_color)
    line = c.size_line(persona, len(content.personas), share=False)
    metrics = _headline_lines(persona)
    if metrics:
        line += f" {c.MID_DOT} " + metrics[0]
    line = wrap(line, name_w, 10.5, max_lines=1)[0]
    page.text(MARGIN + 0.28, 0.98, line, 10.5, color=c.MUTED)
    page.text(
        PAGE_W - MARGIN,
        0.42,
        c.fmt_share(persona.share),
        30,
        weight="bold",
        color=title_color,
        ha="right",
    )
    of = "of customers (weighted)" if content.weighted else "of respondents"
    page.text(PAGE_W - MARGIN, 1.02, of, 9, color=c.MUTED, ha="right")
    description = wrap(persona.description, PAGE_W - 2 * MARGIN - 0.28, 11.5, max_lines=2)
    y = page.lines(MARGIN + 0.28, 1.42, description, 11.5) + 0.12
    y = max(y, 1.95)
    if _scorecard_strip(page, persona, y):
        y += 0.34
    page.hline(MARGIN, PAGE_W - MARGIN, y)
    return y + 0.12


def persona_page(content: ReportContent, persona: Persona, limit: float) -> Page:
    color = c.hex_color(persona.color, segment=persona.segment)
    accent = c.readable_on_white(color, 4.5)
    dry = Page.new()
    top = _header(Page(dry.fig, draw=False), content, persona, color)
    page = Page.new(charts_rect=(MARGIN - 0.05, top, _LEFT_W, CONTENT_BOTTOM - top))
    _header(page, content, persona, color)

    panels = _panels(persona)
    # Only the panels the study has data for: no empty "Who they are" on an attitudes-only study.
    rows = 1 if len(panels) <= 2 else 2
    cols = 1 if len(panels) <= 1 else 2
    grid = page.fig.add_gridspec(rows, cols)
    cells = [grid[i // cols, i % cols] for i in range(len(panels))]
    for panel, cell in zip(panels, cells, strict=True):
        ax = page.fig.add_subplot(cell)
        if panel == "answers":
            answers_chart(
                persona,
                ax,
                max_rows=5,
                title="What sets them apart",
                label_width=22,
                title_color=accent,
            )
        elif panel == "attitudes":
            attitude_profile_chart(
                persona,
                ax,
                limit=limit,
                title="Attitudes vs all respondents",
                xlabel="z-score (0 = all respondents)",
                label_width=20,
            )
        elif panel == "needs":
            needs_chart(persona, ax, max_rows=5, label_width=22, title_color=accent)
        elif panel == "who":
            demographics_chart(
                persona,
                ax,
                max_rows=4,
                title="Who they are",
                sections=["Demographics"],
                label_width=18,
                title_color=accent,
            )
        else:
            demographics_chart(
                persona,
                ax,
                max_rows=4,
                title="How to reach them",
                sections=["Channels", "Technology"],
                label_width=18,
                legend=False,
                over_first=True,
                title_color=accent,
            )

    x = MARGIN + _LEFT_W + _GAP
    w = PAGE_W - MARGIN - x
    budget = _BUDGETS[-1]
    for candidate in _BUDGETS:
        trial = Page(page.fig, draw=False)
        if _text_column(trial, persona, x, top + 0.05, w, candidate, accent) <= CONTENT_BOTTOM:
            budget = candidate
            break
    _text_column(page, persona, x, top + 0.05, w, budget, accent)
    return page
