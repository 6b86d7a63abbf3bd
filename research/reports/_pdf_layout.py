"""Page geometry, measured text wrapping and text tables for the PDF report.

Everything is placed in inches from the top-left corner of an A4 landscape page. Text is
wrapped to widths *measured* with the font that will be embedded, so it never leaves its box;
lists that do not fit are shortened with a note rather than overflowing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from research.personas.model import ReportContent
from research.reports import _common as c
from research.reports.charts import esc, pin_layout

__all__ = [
    "PAGE_SIZE",
    "PAGE_W",
    "PAGE_H",
    "MARGIN",
    "CONTENT_TOP",
    "CONTENT_BOTTOM",
    "HEADER_FILL",
    "Page",
    "wrap",
    "fit_size",
    "lh",
    "text_table",
    "width_pt",
]

#: A4 landscape, in inches.
PAGE_SIZE = (11.69, 8.27)
_W, _H = PAGE_SIZE
PAGE_W, PAGE_H = PAGE_SIZE
MARGIN = 0.6
CONTENT_TOP = 1.75  # below page title and subtitle
FOOTER_Y = 7.9
CONTENT_BOTTOM = 7.5
HEADER_FILL = "#2F3B4C"  # same as the workbook's table headers
_LINE = 1.32  # line height as a multiple of the font size
# ---------------------------------------------------------------------------------------------
# text measurement and wrapping
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(10, 10, 72)  # 72 dpi: one pixel is one point


@lru_cache(maxsize=4096)
def width_pt(text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
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
    chars = max(6, int(limit / (width_pt(sample, size, weight, style) / len(sample))))
    while True:
        lines = textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=True)
        if chars <= 6 or all(width_pt(line, size, weight, style) <= limit for line in lines):
            break
        chars -= max(1, chars // 25)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and width_pt(last + c.ELLIPSIS, size, weight, style) > limit:
            last = last[:-1]
        lines[-1] = last.rstrip(" ,;:.") + c.ELLIPSIS
    return lines


def fit_size(text: str, width_in: float, size: float, minimum: float, weight: str) -> float:
    """The largest font size (down to ``minimum``) at which ``text`` fits on one line."""
    while size > minimum and width_pt(text, size, weight) > width_in * 72:
        size -= 0.5
    return size


def lh(size: float) -> float:
    """Line height in inches."""
    return size * _LINE / 72


# ---------------------------------------------------------------------------------------------
# page canvas (inches from the top-left corner)
# ---------------------------------------------------------------------------------------------


@dataclass
class Page:
    fig: Figure
    draw: bool = True  # False: only measure (layout dry run)

    @classmethod
    def new(cls, charts_rect: tuple[float, float, float, float] | None = None) -> Page:
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
            self.text(x, y + i * lh(size), line, size, **kw)  # type: ignore[arg-type]
        return y + len(lines) * lh(size)

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
        width = _W - 2 * MARGIN
        size = fit_size(title, width, 22, 15, "bold")
        self.text(
            MARGIN,
            0.55,
            wrap(title, width, size, weight="bold", max_lines=1)[0],
            size,
            color=color,
            weight="bold",
        )
        if subtitle:
            self.lines(MARGIN, 1.05, wrap(subtitle, width, 11, max_lines=2), 11, color=c.MUTED)

    def freeze_layout(self) -> None:
        """Run the charts' constrained layout once and pin the result, rounded.

        Text metrics can differ in the last bits between the first and later renders in a
        process, and constrained layout passes that on; pinning positions rounded to 1e-6 of
        the page keeps two writes of the same content byte-identical (and draws faster).
        """
        pin_layout(self.fig)

    def footer(self, content: ReportContent, created: datetime, number: int, total: int) -> None:
        self.hline(MARGIN, _W - MARGIN, FOOTER_Y - 0.1)
        left = f"{c.truncate(content.title, 90)}  {c.MID_DOT}  {c.display_date(created)}"
        self.text(MARGIN, FOOTER_Y, left, 8, color=c.MUTED)
        self.text(_W - MARGIN, FOOTER_Y, f"Page {number} of {total}", 8, color=c.MUTED, ha="right")

    def axes(self, x: float, y: float, w: float, h: float):
        return self.fig.add_axes((x / _W, 1 - (y + h) / _H, w / _W, h / _H))


# ---------------------------------------------------------------------------------------------
# tables drawn with text (methodology page)
# ---------------------------------------------------------------------------------------------


def _cell_x(x: float, w: float, pad: float, align: str) -> float:
    return {"left": x + pad, "center": x + w / 2}.get(align, x + w - pad)


def text_table(
    page: Page,
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
    colors: Sequence[Sequence[str | None]] | None = None,
) -> float:
    """A table with a filled header and ruled rows; rows that do not fit are summarised.

    ``colors`` optionally gives a text colour per cell (None: the default ink).
    """
    aligns = aligns or ["left"] * len(widths)
    pad = 0.07
    line = lh(size)
    header_lines = [
        wrap(h, w - 2 * pad, size, weight="bold") for h, w in zip(headers, widths, strict=True)
    ]
    head_h = max(len(lines) for lines in header_lines) * line + 2 * pad
    page.rect(x, y, sum(widths), head_h, HEADER_FILL)
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
        row_h = max(len(lines) for lines in cells) * line + 2 * pad
        remaining = len(rows) - i
        if y + row_h + (line + pad if remaining > 1 else 0) > bottom:
            page.text(
                x + pad,
                y + pad,
                f"{c.ELLIPSIS} {remaining} more rows ({more_note})",
                size,
                color=c.MUTED,
                style="italic",
            )
            return y + line + 2 * pad
        cx = x
        for j, (lines, w, align) in enumerate(zip(cells, widths, aligns, strict=True)):
            color = (colors[i][j] if colors else None) or c.INK
            page.lines(
                _cell_x(cx, w, pad, align),
                y + pad,
                lines,
                size,
                weight=weight,
                ha=align,
                color=color,
            )
            cx += w
        y += row_h
        page.hline(x, x + sum(widths), y, lw=0.6)
    return y
