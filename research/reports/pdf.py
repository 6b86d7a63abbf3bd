"""The stakeholder PDF (A4 landscape) and the PNG charts for slides.

Page layout, for ``n`` personas (``3 + n + 1`` pages):

1. cover: title, subtitle, date, segments at a glance (colour, name, share, one line each);
2. segment sizes;
3. attitude heat map;
4. one page per persona: name in the persona colour, size and share, description, attitude
   profile and demographics charts, what sets them apart, top interview themes, quotes;
5. method and data quality: study facts, data-quality summary, model selection.

Every page carries a footer with the study title, the report date and ``Page i of N``. Text is
wrapped to measured widths so it never leaves its column; long lists are shortened to fit.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from research.personas.model import Persona, ReportContent
from research.reports import _common as c
from research.reports.charts import (
    attitude_heatmap,
    attitude_limit,
    attitude_profile_chart,
    chart_style,
    demographics_chart,
    esc,
    segment_sizes_chart,
)
from research.reports.safe_write import atomic_write

__all__ = ["write_pdf", "write_pngs", "page_count", "PAGE_SIZE"]

#: A4 landscape, in inches.
PAGE_SIZE = (11.69, 8.27)
_W, _H = PAGE_SIZE
_MARGIN = 0.6
_CONTENT_TOP = 1.75  # below page title and subtitle
_FOOTER_Y = 7.9
_CONTENT_BOTTOM = 7.5
_HEADER_FILL = "#2F3B4C"  # same as the workbook's table headers
_LINE = 1.32  # line height as a multiple of the font size


def page_count(content: ReportContent) -> int:
    """Pages :func:`write_pdf` writes: cover, sizes, heat map, one per persona, method."""
    return 3 + len(content.personas) + 1


# ---------------------------------------------------------------------------------------------
# text measurement and wrapping
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(10, 10, 72)  # 72 dpi: one pixel is one point


@lru_cache(maxsize=4096)
def _width_pt(text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
    prop = FontProperties(family="DejaVu Sans", size=size, weight=weight, style=style)
    width, _, _ = _renderer().get_text_width_height_descent(esc(text), prop, ismath=False)
    return float(width)


def wrap(
    text: object,
    width_in: float,
    size: float,
    *,
    weight: str = "normal",
    style: str = "normal",
    max_lines: int | None = None,
) -> list[str]:
    """Wrap ``text`` (textwrap) so every line fits ``width_in`` inches at ``size`` points.

    The character count passed to :func:`textwrap.wrap` starts from the font's average
    character width and shrinks until every line, measured, fits. With ``max_lines``, the
    last kept line ends with an ellipsis.
    """
    text = " ".join(str(text).split())
    if not text:
        return []
    limit = width_in * 72
    sample = "The quick brown fox jumps over the lazy dog 0123456789"
    chars = max(6, int(limit / (_width_pt(sample, size, weight, style) / len(sample))))
    while True:
        lines = textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=True)
        if chars <= 6 or all(_width_pt(line, size, weight, style) <= limit for line in lines):
            break
        chars -= max(1, chars // 25)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _width_pt(last + c.ELLIPSIS, size, weight, style) > limit:
            last = last[:-1]
        lines[-1] = last.rstrip(" ,;:.") + c.ELLIPSIS
    return lines


def _fit_size(text: str, width_in: float, size: float, minimum: float, weight: str) -> float:
    """The largest font size (down to ``minimum``) at which ``text`` fits on one line."""
    while size > minimum and _width_pt(text, size, weight) > width_in * 72:
        size -= 0.5
    return size


def _lh(size: float) -> float:
    """Line height in inches."""
    return size * _LINE / 72


# ---------------------------------------------------------------------------------------------
# page canvas (inches from the top-left corner)
# ---------------------------------------------------------------------------------------------


@dataclass
class _Page:
    fig: Figure
    draw: bool = True  # False: only measure (layout dry run)

    @classmethod
    def new(cls, charts_rect: tuple[float, float, float, float] | None = None) -> _Page:
        """A blank A4 page; ``charts_rect`` (x, y, w, h inches) gets constrained layout."""
        fig = Figure(figsize=PAGE_SIZE)
        if charts_rect is not None:
            x, y, w, h = charts_rect
            rect = (x / _W, 1 - (y + h) / _H, w / _W, h / _H)
            fig.set_layout_engine(
                ConstrainedLayoutEngine(rect=rect, w_pad=0.05, h_pad=0.08, hspace=0.06)
            )
        return cls(fig)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 10,
        *,
        color: str = c.INK,
        weight: str = "normal",
        style: str = "normal",
        ha: str = "left",
        va: str = "top",
    ) -> None:
        if self.draw:
            self.fig.text(
                x / _W,
                1 - y / _H,
                esc(text),
                fontsize=size,
                color=color,
                fontweight=weight,
                fontstyle=style,
                ha=ha,
                va=va,
            )

    def lines(
        self,
        x: float,
        y: float,
        lines: Sequence[str],
        size: float,
        **kw: object,
    ) -> float:
        """Draw ``lines`` one under the other from ``y``; return the y below the last."""
        for i, line in enumerate(lines):
            self.text(x, y + i * _lh(size), line, size, **kw)  # type: ignore[arg-type]
        return y + len(lines) * _lh(size)

    def rect(self, x: float, y: float, w: float, h: float, color: str) -> None:
        if self.draw:
            self.fig.add_artist(
                Rectangle(
                    (x / _W, 1 - (y + h) / _H),
                    w / _W,
                    h / _H,
                    transform=self.fig.transFigure,
                    facecolor=color,
                    edgecolor="none",
                    linewidth=0,
                )
            )

    def hline(self, x0: float, x1: float, y: float, color: str = c.RULE, lw: float = 0.8) -> None:
        if self.draw:
            self.fig.add_artist(
                Line2D(
                    [x0 / _W, x1 / _W],
                    [1 - y / _H, 1 - y / _H],
                    transform=self.fig.transFigure,
                    color=color,
                    linewidth=lw,
                )
            )

    def header(self, title: str, subtitle: str | None = None, color: str = c.INK) -> None:
        width = _W - 2 * _MARGIN
        size = _fit_size(title, width, 22, 15, "bold")
        self.text(
            _MARGIN,
            0.55,
            wrap(title, width, size, weight="bold", max_lines=1)[0],
            size,
            color=color,
            weight="bold",
        )
        if subtitle:
            self.lines(_MARGIN, 1.05, wrap(subtitle, width, 11, max_lines=2), 11, color=c.MUTED)

    def footer(self, content: ReportContent, created: datetime, number: int, total: int) -> None:
        self.hline(_MARGIN, _W - _MARGIN, _FOOTER_Y - 0.1)
        left = f"{c.truncate(content.title, 90)}  {c.MID_DOT}  {c.display_date(created)}"
        self.text(_MARGIN, _FOOTER_Y, left, 8, color=c.MUTED)
        self.text(
            _W - _MARGIN, _FOOTER_Y, f"Page {number} of {total}", 8, color=c.MUTED, ha="right"
        )

    def axes(self, x: float, y: float, w: float, h: float):
        return self.fig.add_axes((x / _W, 1 - (y + h) / _H, w / _W, h / _H))


# ---------------------------------------------------------------------------------------------
# tables drawn with text (methodology page)
# ---------------------------------------------------------------------------------------------


def _cell_x(x: float, w: float, pad: float, align: str) -> float:
    return {"left": x + pad, "center": x + w / 2}.get(align, x + w - pad)


def _table(
    page: _Page,
    x: float,
    y: float,
    widths: Sequence[float],
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    bottom: float,
    aligns: Sequence[str] | None = None,
    bold_rows: Sequence[bool] | None = None,
    size: float = 8.5,
    more_note: str = "see the workbook",
) -> float:
    """A table with a filled header and ruled rows; rows that do not fit are summarised."""
    aligns = aligns or ["left"] * len(widths)
    pad = 0.07
    lh = _lh(size)
    header_lines = [
        wrap(h, w - 2 * pad, size, weight="bold") for h, w in zip(headers, widths, strict=True)
    ]
    head_h = max(len(lines) for lines in header_lines) * lh + 2 * pad
    page.rect(x, y, sum(widths), head_h, _HEADER_FILL)
    cx = x
    for lines, w, align in zip(header_lines, widths, aligns, strict=True):
        page.lines(
            _cell_x(cx, w, pad, align), y + pad, lines, size, color="white", weight="bold", ha=align
        )
        cx += w
    y += head_h
    for i, row in enumerate(rows):
        bold = bool(bold_rows and bold_rows[i])
        weight = "bold" if bold else "normal"
        cells = [
            wrap(v, w - 2 * pad, size, weight=weight, max_lines=6) or [""]
            for v, w in zip(row, widths, strict=True)
        ]
        row_h = max(len(lines) for lines in cells) * lh + 2 * pad
        remaining = len(rows) - i
        if y + row_h + (lh + pad if remaining > 1 else 0) > bottom:
            page.text(
                x + pad,
                y + pad,
                f"{c.ELLIPSIS} {remaining} more rows ({more_note})",
                size,
                color=c.MUTED,
                style="italic",
            )
            return y + lh + 2 * pad
        cx = x
        for lines, w, align in zip(cells, widths, aligns, strict=True):
            page.lines(_cell_x(cx, w, pad, align), y + pad, lines, size, weight=weight, ha=align)
            cx += w
        y += row_h
        page.hline(x, x + sum(widths), y, lw=0.6)
    return y


# ---------------------------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------------------------


def _cover(content: ReportContent, created: datetime) -> _Page:
    page = _Page.new()
    colors = c.segment_colors(content)
    # A band of segment colours across the top, each as wide as the segment's share.
    shares = [
        (colors[int(p.segment)], max(c.as_float(p.share) or 0.0, 0.0)) for p in content.personas
    ]
    total = sum(s for _, s in shares) or 1.0
    x = 0.0
    for color, share in shares:
        page.rect(x, 0, _W * share / total, 0.28, color)
        x += _W * share / total

    width = _W - 2 * _MARGIN - 0.2
    y = 1.05
    for title_size in (30, 27, 24, 21):  # shrink a long title before cutting it
        if len(wrap(content.title, width, title_size, weight="bold")) <= 2:
            break
    title_lines = wrap(content.title, width, title_size, weight="bold", max_lines=2)
    y = page.lines(_MARGIN + 0.2, y, title_lines, title_size, weight="bold")
    y += 0.1
    y = page.lines(
        _MARGIN + 0.2, y, wrap(content.subtitle, width, 14, max_lines=2), 14, color=c.MUTED
    )
    y += 0.12
    page.text(_MARGIN + 0.2, y, f"Report created {c.display_date(created)}", 11, color=c.MUTED)
    y += 0.65

    page.text(_MARGIN + 0.2, y, "Segments at a glance", 14, weight="bold")
    y += 0.4
    page.hline(_MARGIN + 0.2, _W - _MARGIN, y)
    n = max(len(content.personas), 1)
    row_h = min(0.78, (_CONTENT_BOTTOM + 0.1 - y) / n)
    with_description = row_h >= 0.5
    name_size = 13 if row_h >= 0.6 else 11
    right = _W - _MARGIN
    text_x = _MARGIN + 0.75
    text_w = right - 1.6 - text_x
    for p in content.personas:
        color = colors[int(p.segment)]
        top = y + 0.12
        page.rect(_MARGIN + 0.2, top + 0.02, 0.34, 0.34, color)
        label = wrap(c.persona_label(p), text_w, name_size, weight="bold", max_lines=1)[0]
        page.text(text_x, top, label, name_size, weight="bold")
        if with_description and p.description:
            line = wrap(p.description, text_w, 10, max_lines=1)[0]
            page.text(text_x, top + _lh(name_size) + 0.02, line, 10, color=c.MUTED)
        page.text(
            right,
            top - 0.02,
            c.fmt_share(p.share),
            18,
            weight="bold",
            color=c.readable_on_white(color),
            ha="right",
        )
        if with_description:
            page.text(
                right,
                top + 0.33,
                f"{c.fmt_count(p.size)} respondents",
                8.5,
                color=c.MUTED,
                ha="right",
            )
        y += row_h
        page.hline(_MARGIN + 0.2, right, y, lw=0.5)
    if not content.personas:
        page.text(_MARGIN + 0.2, y + 0.2, "No segments in this report.", 11, color=c.MUTED)
    return page


def _chart_page(
    title: str,
    subtitle: str,
    draw: Callable[..., object],
    note: str | None = None,
) -> _Page:
    page = _Page.new(
        charts_rect=(_MARGIN, _CONTENT_TOP, _W - 2 * _MARGIN, _CONTENT_BOTTOM - 0.35 - _CONTENT_TOP)
    )
    page.header(title, subtitle)
    draw(page.fig.add_subplot())
    if note:
        lines = wrap(note, _W - 2 * _MARGIN, 8.5, max_lines=2)
        page.lines(_MARGIN, _CONTENT_BOTTOM - 0.3, lines, 8.5, color=c.MUTED, style="italic")
    return page


def _sizes_page(content: ReportContent) -> _Page:
    kept = sum(int(c.as_float(n) or 0) for n in content.segment_sizes["n"])
    return _chart_page(
        "How big is each segment?",
        f"Share of the {kept:,} respondents kept for analysis.",
        lambda ax: segment_sizes_chart(content, ax, title=None),
        "Segments are numbered by size, largest first. Shares are rounded to whole percentages, "
        "so they may not add up to exactly 100%.",
    )


def _heatmap_page(content: ReportContent) -> _Page:
    return _chart_page(
        "What each segment thinks",
        "Average attitude factor score of each segment, in standard deviations from the "
        "all-respondent average (0). Blue: above average; red: below.",
        lambda ax: attitude_heatmap(content, ax, title=None),
        "Scores of \u00b10.50 or more are in bold. Which questionnaire items make up each "
        "factor: see the workbook, sheet Factor loadings.",
    )


@dataclass(frozen=True)
class _Budget:
    items: int
    themes: int
    quotes: int
    quote_lines: int


# From the fullest right-hand column to the sparest; the first that fits is used.
_BUDGETS = [
    _Budget(5, 4, 3, 5),
    _Budget(5, 3, 3, 4),
    _Budget(5, 3, 3, 3),
    _Budget(4, 3, 3, 4),
    _Budget(4, 3, 3, 3),
    _Budget(4, 3, 2, 4),
    _Budget(4, 2, 2, 3),
    _Budget(3, 2, 2, 3),
    _Budget(3, 2, 1, 3),
    _Budget(2, 2, 1, 2),
    _Budget(2, 1, 0, 0),
]


def _persona_text(
    page: _Page, persona: Persona, x: float, y: float, w: float, budget: _Budget, accent: str
) -> float:
    """The right-hand column of a persona page; returns the y it ends at."""

    def heading(y: float, text: str) -> float:
        page.text(x, y, text.upper(), 9, weight="bold", color=accent)
        return y + 0.27

    items = c.distinctive_items(persona, budget.items)
    if items:
        y = heading(y, "What sets them apart")
        for item in items:
            marker, color = (c.UP, c.ABOVE) if item.higher else (c.DOWN, c.BELOW)
            page.text(x, y + 0.01, marker, 7.5, color=color)
            y = page.lines(x + 0.2, y, wrap(item.text, w - 0.2, 9.5, max_lines=2), 9.5)
            y = page.lines(x + 0.2, y, wrap(item.detail, w - 0.2, 8, max_lines=1), 8, color=c.MUTED)
            y += 0.07
        y += 0.12
    themes = c.theme_lines(persona, budget.themes)
    if themes:
        y = heading(y, "Top themes in interviews")
        for line in themes:
            page.text(x, y, "\u2022", 9.5, color=accent)
            y = page.lines(x + 0.2, y, wrap(line, w - 0.2, 9.5, max_lines=2), 9.5) + 0.03
        y += 0.16
    quotes = c.persona_quotes(persona, budget.quotes)
    if quotes and budget.quotes:
        y = heading(y, "In their words")
        for quote, source in quotes:
            lines = wrap(
                f"\u201c{quote}\u201d", w - 0.22, 9.5, style="italic", max_lines=budget.quote_lines
            )
            if lines and not lines[-1].endswith("\u201d"):
                lines[-1] = lines[-1] + "\u201d"
            top = y
            y = page.lines(x + 0.2, y, lines, 9.5, style="italic")
            if source:
                y = page.lines(
                    x + 0.2, y + 0.02, wrap(source, w - 0.2, 7.5, max_lines=1), 7.5, color=c.MUTED
                )
            page.rect(x, top + 0.02, 0.05, y - top - 0.02, accent)
            y += 0.14
    return y


def _persona_page(content: ReportContent, persona: Persona, limit: float) -> _Page:
    color = c.hex_color(persona.color, segment=persona.segment)
    title_color = c.readable_on_white(color)
    left_w = 5.55
    top = 2.05
    page = _Page.new(charts_rect=(_MARGIN - 0.05, top, left_w, _CONTENT_BOTTOM - top))

    # Header: accent bar, name in the persona colour, size line, share, description.
    page.rect(_MARGIN, 0.5, 0.1, 0.82, color)
    share_w = 1.5
    name_w = _W - 2 * _MARGIN - 0.3 - share_w
    label = c.persona_label(persona)
    size = _fit_size(label, name_w, 22, 15, "bold")
    name = wrap(label, name_w, size, weight="bold", max_lines=1)[0]
    page.text(_MARGIN + 0.28, 0.48, name, size, weight="bold", color=title_color)
    size_text = c.size_line(persona, len(content.personas), share=False)
    page.text(_MARGIN + 0.28, 0.98, size_text, 10.5, color=c.MUTED)
    page.text(
        _W - _MARGIN,
        0.42,
        c.fmt_share(persona.share),
        30,
        weight="bold",
        color=title_color,
        ha="right",
    )
    page.text(_W - _MARGIN, 1.02, "of respondents", 9, color=c.MUTED, ha="right")
    description = wrap(persona.description, _W - 2 * _MARGIN - 0.28, 12, max_lines=2)
    page.lines(_MARGIN + 0.28, 1.42, description, 12)
    page.hline(_MARGIN, _W - _MARGIN, top - 0.12)

    # Left: charts (constrained layout inside the left column).
    grid = page.fig.add_gridspec(2, 1, height_ratios=[1, 1.05])
    attitude_profile_chart(
        persona,
        page.fig.add_subplot(grid[0]),
        limit=limit,
        title="Attitudes compared with all respondents",
    )
    demographics_chart(
        persona,
        page.fig.add_subplot(grid[1]),
        max_rows=6,
        title="Who they are: most over- and under-represented",
    )

    # Right: text column, as much as fits.
    x = _MARGIN + left_w + 0.45
    w = _W - _MARGIN - x
    budget = _BUDGETS[-1]
    for candidate in _BUDGETS:
        dry = _Page(page.fig, draw=False)
        if _persona_text(dry, persona, x, top + 0.08, w, candidate, title_color) <= _CONTENT_BOTTOM:
            budget = candidate
            break
    _persona_text(page, persona, x, top + 0.08, w, budget, title_color)
    return page


def _sentence(value: object) -> str:
    text = c.cell_text(value)
    return text[:1].upper() + text[1:]


def _fmt_row(record: dict, keys: Sequence[str], formats: dict[str, Callable[[object], str]]):
    return [formats.get(k, c.cell_text)(record.get(k)) for k in keys]


def _method_page(content: ReportContent) -> _Page:
    page = _Page.new()
    page.header(
        "How this study was done",
        "Study facts, data quality and how the number of "
        "segments was chosen. Full tables are in the workbook.",
    )
    top = _CONTENT_TOP
    left_w = 4.6
    x2 = _MARGIN + left_w + 0.45
    right_w = _W - _MARGIN - x2

    page.text(_MARGIN, top, "STUDY FACTS", 9, weight="bold", color=_HEADER_FILL)
    facts = [[str(r.field), c.cell_text(r.value)] for r in content.summary.itertuples(index=False)]
    _table(
        page,
        _MARGIN,
        top + 0.27,
        [1.9, left_w - 1.9],
        ["Field", "Value"],
        facts,
        bottom=_CONTENT_BOTTOM,
        more_note="see the workbook, sheet Summary",
    )

    page.text(x2, top, "DATA QUALITY", 9, weight="bold", color=_HEADER_FILL)
    quality = [
        [_sentence(r.reason), c.fmt_count(r.respondents)]
        for r in content.quality.itertuples(index=False)
    ]
    bold = [str(r[0]).strip().lower() == "kept" for r in quality]
    y = _table(
        page,
        x2,
        top + 0.27,
        [right_w - 1.4, 1.4],
        ["Reason", "Respondents"],
        quality,
        bottom=_CONTENT_BOTTOM - 2.0,
        aligns=["left", "right"],
        bold_rows=bold,
        more_note="see the workbook, sheet Data quality",
    )

    y += 0.35
    page.text(x2, y, "CHOOSING THE NUMBER OF SEGMENTS", 9, weight="bold", color=_HEADER_FILL)
    formats: dict[str, Callable[[object], str]] = {
        "k": c.fmt_count,
        "log_likelihood": lambda v: c.fmt_number(v, 1),
        "n_parameters": c.fmt_count,
        "bic": lambda v: c.fmt_number(v, 1),
        "aic": lambda v: c.fmt_number(v, 1),
        "smallest_share": c.fmt_share,
        "chosen": lambda v: "\u2713" if (not c.is_missing(v) and bool(v)) else "",
    }
    keys = list(formats)
    records = content.model_selection.to_dict("records")
    rows = [_fmt_row(r, keys, formats) for r in records]
    chosen = [bool(r.get("chosen")) and not c.is_missing(r.get("chosen")) for r in records]
    widths = [0.78, 0.88, 0.86, 0.78, 0.78, 0.74]
    widths.append(right_w - sum(widths))
    headers = [
        "Segments",
        "Log-likelihood",
        "Parameters",
        "BIC",
        "AIC",
        "Smallest segment",
        "Chosen",
    ]
    y = _table(
        page,
        x2,
        y + 0.27,
        widths,
        headers,
        rows,
        bottom=_CONTENT_BOTTOM - 0.35,
        aligns=["right"] * 6 + ["center"],
        bold_rows=chosen,
        size=8,
        more_note="see the workbook, sheet Segments",
    )
    note = (
        "BIC and AIC: lower is a better fit for the model's complexity. Smallest: share of "
        "respondents in the smallest segment. \u2713 marks the solution in this report."
    )
    page.lines(x2, y + 0.1, wrap(note, right_w, 8, max_lines=3), 8, color=c.MUTED, style="italic")
    return page


def _pages(content: ReportContent, created: datetime) -> Iterator[Figure]:
    total = page_count(content)
    limit = attitude_limit(content)
    builders: list[Callable[[], _Page]] = [
        lambda: _cover(content, created),
        lambda: _sizes_page(content),
        lambda: _heatmap_page(content),
        *[(lambda p=p: _persona_page(content, p, limit)) for p in content.personas],
        lambda: _method_page(content),
    ]
    for number, build in enumerate(builders, start=1):
        page = build()
        page.footer(content, created, number, total)
        yield page.fig


def write_pdf(content: ReportContent, path: str | os.PathLike[str]) -> Path:
    """Write the stakeholder PDF (A4 landscape, :func:`page_count` pages) for ``content``.

    Parameters
    ----------
    content : ReportContent
        What to report; statistics unrounded (rounded here).
    path : str or PathLike
        Target file; parent folders are created. Written atomically.

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
    Fonts are embedded (TrueType). The PDF dates are ``content.created``, so the same content
    gives byte-identical files.
    """
    target = Path(path)
    created = c.parse_created(content)
    stamp = created.replace(tzinfo=UTC)
    metadata = {
        "Title": content.title,
        "Subject": content.subtitle,
        "Author": "research (segment-research)",
        "Creator": "research (segment-research)",
        "Keywords": "segmentation, personas",
        "CreationDate": stamp,
        "ModDate": stamp,
    }
    with chart_style(), atomic_write(target) as tmp:
        with PdfPages(tmp, metadata=metadata) as pdf:
            for fig in _pages(content, created):
                pdf.savefig(fig)
    return target


# ---------------------------------------------------------------------------------------------
# PNG export
# ---------------------------------------------------------------------------------------------


def png_charts(content: ReportContent) -> list[tuple[str, Callable[[], Figure]]]:
    """(file name, figure factory) for every chart :func:`write_pngs` writes."""
    limit = attitude_limit(content)
    charts: list[tuple[str, Callable[[], Figure]]] = [
        ("segment_sizes.png", lambda: segment_sizes_chart(content)),
        ("attitude_heatmap.png", lambda: attitude_heatmap(content)),
    ]
    for p in content.personas:
        label = c.persona_label(p)
        charts.append(
            (
                f"segment_{p.segment}_attitudes.png",
                lambda p=p, label=label: attitude_profile_chart(
                    p, limit=limit, title=f"{label}: attitudes compared with all respondents"
                ),
            )
        )
        charts.append(
            (
                f"segment_{p.segment}_demographics.png",
                lambda p=p, label=label: demographics_chart(p, title=f"{label}: who they are"),
            )
        )
    return charts


def write_pngs(content: ReportContent, folder: str | os.PathLike[str]) -> list[Path]:
    """Write every chart as a 16:9 PNG at 150 dpi, for slides; return the paths in order.

    Files: ``segment_sizes.png``, ``attitude_heatmap.png``, then for each segment ``s``
    ``segment_{s}_attitudes.png`` and ``segment_{s}_demographics.png``. Each file is written
    atomically; the folder is created if needed. Raises :class:`ReportError` if a file cannot
    be written.
    """
    folder = Path(folder)
    written = []
    with chart_style():
        for name, make in png_charts(content):
            fig = make()
            target = folder / name
            with atomic_write(target) as tmp:
                fig.savefig(tmp, format="png", dpi=150)
            written.append(target)
    return written
