"""Charts shared by the PDF report and the PNG export for slides.

Every function draws on ``ax`` when given (the PDF lays several charts out on one page) or on a
new 16:9 figure, and returns the :class:`~matplotlib.figure.Figure`. Figures are created with
:class:`matplotlib.figure.Figure` directly (not pyplot), so nothing is shown, nothing is kept
in pyplot's registry, and any backend works. Segment colours are each persona's ``color``;
above / below the all-respondent average is always blue / red.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import blended_transform_factory

from research.personas.model import Persona, ReportContent
from research.reports import _common as c

__all__ = [
    "SLIDE_SIZE",
    "STYLE",
    "chart_style",
    "segment_sizes_chart",
    "attitude_heatmap",
    "attitude_profile_chart",
    "demographics_chart",
    "attitude_limit",
    "esc",
]

#: Size of a standalone chart, in inches (16:9, for slides).
SLIDE_SIZE = (10.0, 5.625)

#: Matplotlib settings for every report figure (fonts embedded as TrueType in PDFs).
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10,
    "axes.titlecolor": c.INK,
    "axes.labelsize": 9,
    "axes.labelcolor": c.MUTED,
    "axes.edgecolor": "#9E9E9E",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": True,
    "xtick.color": c.MUTED,
    "ytick.color": c.INK,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 9,
    "text.color": c.INK,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "pdf.compression": 6,
    "svg.fonttype": "none",
}

_HEATMAP_CMAP = "RdBu"  # red = below average, blue = above (as in the workbook's index scale)


@contextmanager
def chart_style() -> Iterator[None]:
    """Apply :data:`STYLE` for the duration of the block (and restore the caller's settings)."""
    with rc_context(STYLE):
        yield


def esc(text: object) -> str:
    """Text shown literally by matplotlib (a ``$`` in a quote must not start mathtext)."""
    return str(text).replace("$", r"\$")


def _wrap(text: object, width: int) -> str:
    return esc("\n".join(textwrap.wrap(str(text), width, break_long_words=True)) or str(text))


def _axes(ax: Axes | None, figsize: tuple[float, float] = SLIDE_SIZE) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig = Figure(figsize=figsize, layout=ConstrainedLayoutEngine(w_pad=0.2, h_pad=0.2))
    return fig, fig.add_subplot()


def _empty(ax: Axes, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", color=c.MUTED, transform=ax.transAxes)


def _title(ax: Axes, title: str | None, color: str | None = None) -> None:
    if title:
        ax.set_title(esc(title), color=color or c.INK)


def attitude_limit(content: ReportContent) -> float:
    """One symmetric axis limit for all attitude charts, so pages compare at a glance."""
    values = [abs(v) for p in content.personas for _, v in c.top_attitudes(p, n=10_000)]
    frame = content.factor_means.to_numpy(dtype=float, na_value=np.nan)
    if frame.size and np.isfinite(frame).any():
        values.append(float(np.nanmax(np.abs(frame))))
    biggest = max(values, default=0.0)
    return max(0.5, math.ceil(biggest * 10) / 10)


# ---------------------------------------------------------------------------------------------
# segment sizes
# ---------------------------------------------------------------------------------------------


def segment_sizes_chart(
    content: ReportContent,
    ax: Axes | None = None,
    *,
    title: str | None = "How big is each segment?",
) -> Figure:
    """Horizontal bars of segment shares, in segment colours, labelled ``31%  (n = 124)``."""
    with chart_style():
        fig, ax = _axes(ax)
        colors = c.segment_colors(content)
        sizes = content.segment_sizes.sort_values("segment", kind="stable")
        if sizes.empty:
            _empty(ax, "No segments")
            return fig
        segs = [int(s) for s in sizes["segment"]]
        shares = [c.as_float(s) or 0.0 for s in sizes["share"]]
        y = np.arange(len(segs))
        ax.barh(
            y,
            [s * 100 for s in shares],
            height=0.62,
            color=[colors.get(s, c.FALLBACK_COLOR) for s in segs],
            zorder=2,
        )
        top = max(max(shares) * 100, 1.0)
        for yi, share, n in zip(y, shares, sizes["n"], strict=True):
            ax.text(
                share * 100 + top * 0.015,
                yi,
                f"{c.fmt_share(share)}",
                va="center",
                ha="left",
                fontsize=11,
                fontweight="bold",
                color=c.INK,
            )
            ax.text(
                share * 100 + top * 0.11,
                yi,
                f"n = {c.fmt_count(n)}",
                va="center",
                ha="left",
                fontsize=9,
                color=c.MUTED,
            )
        labels = [
            _wrap(f"{s} {c.MID_DOT} {name}", 30)
            for s, name in zip(segs, sizes["name"], strict=True)
        ]
        ax.set_yticks(y, labels=labels)
        ax.set_ylim(len(segs) - 0.5, -0.5)  # segment 1 at the top
        ax.set_xlim(0, top * 1.32)
        ax.xaxis.set_visible(False)
        ax.spines[["bottom", "top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0, pad=8, labelsize=10.5)
        _title(ax, title)
        return fig


# ---------------------------------------------------------------------------------------------
# attitude heat map
# ---------------------------------------------------------------------------------------------


def attitude_heatmap(
    content: ReportContent,
    ax: Axes | None = None,
    *,
    title: str | None = "What each segment thinks",
) -> Figure:
    """Segments (rows, persona names) by factors: mean z-scores on a diverging map centred at 0.

    A strip of each segment's colour sits left of its row; every cell is annotated with its
    rounded value.
    """
    with chart_style():
        fig, ax = _axes(ax)
        frame = content.factor_means.sort_index()
        if frame.empty:
            _empty(ax, "No factor scores")
            return fig
        personas = {int(p.segment): p for p in content.personas}
        colors = c.segment_colors(content)
        values = frame.to_numpy(dtype=float, na_value=np.nan)
        nrow, ncol = values.shape
        limit = attitude_limit(content)
        mesh = ax.pcolormesh(
            np.ma.masked_invalid(values),
            cmap=_HEATMAP_CMAP,
            vmin=-limit,
            vmax=limit,
            edgecolors="white",
            linewidth=2,
        )
        size = 11 if ncol <= 6 else 9
        for i in range(nrow):
            for j in range(ncol):
                v = values[i, j]
                if not np.isfinite(v):
                    ax.text(j + 0.5, i + 0.5, "\u2013", ha="center", va="center", color=c.MUTED)
                    continue
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    c.fmt_signed(v),
                    ha="center",
                    va="center",
                    fontsize=size,
                    color="white" if abs(v) > 0.55 * limit else c.INK,
                    fontweight="bold" if abs(v) >= 0.5 else "normal",
                )
        segs = [int(s) for s in frame.index]
        for i, s in enumerate(segs):
            ax.add_patch(
                Rectangle(
                    (-0.3, i + 0.12),
                    0.18,
                    0.76,
                    color=colors.get(s, c.FALLBACK_COLOR),
                    clip_on=False,
                    linewidth=0,
                )
            )
        labels = [
            _wrap(c.persona_label(personas[s]) if s in personas else f"Segment {s}", 28)
            for s in segs
        ]
        ax.set_yticks(np.arange(nrow) + 0.5, labels=labels)
        wrap = max(10, int(90 / max(ncol, 1)))
        ax.set_xticks(np.arange(ncol) + 0.5, labels=[_wrap(f, wrap) for f in frame.columns])
        ax.xaxis.tick_top()
        ax.set_xlim(-0.36, ncol)
        ax.set_ylim(nrow, 0)
        ax.tick_params(length=0)
        ax.tick_params(axis="x", labelsize=9.5, labelcolor=c.INK, pad=6)
        ax.tick_params(axis="y", pad=4)
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(mesh, ax=ax, shrink=0.75, pad=0.02, aspect=25)
        bar.set_ticks([-limit, 0, limit], labels=[c.fmt_signed(-limit), "0", c.fmt_signed(limit)])
        bar.outline.set_visible(False)
        bar.ax.tick_params(length=0, labelsize=8)
        bar.set_label("Mean factor score (z)\n0 = all respondents", color=c.MUTED, fontsize=8.5)
        if title:
            ax.set_title(esc(title), pad=28)
        return fig


# ---------------------------------------------------------------------------------------------
# persona charts
# ---------------------------------------------------------------------------------------------


def attitude_profile_chart(
    persona: Persona,
    ax: Axes | None = None,
    *,
    limit: float | None = None,
    title: str | None = "Attitudes compared with all respondents",
) -> Figure:
    """Bars of the segment's mean factor scores: blue above average, red below.

    The zero line and the title are in the segment colour. ``limit`` fixes a symmetric axis
    (use :func:`attitude_limit` so every persona is drawn on the same scale).
    """
    with chart_style():
        fig, ax = _axes(ax)
        pairs = [(str(k), c.as_float(v)) for k, v in persona.attitudes.items()]
        if not pairs:
            _empty(ax, "No attitude factors")
            return fig
        color = c.hex_color(persona.color, segment=persona.segment)
        values = [v if v is not None else 0.0 for _, v in pairs]
        if limit is None:
            limit = max(0.5, math.ceil(max(abs(v) for v in values) * 10) / 10)
        y = np.arange(len(pairs))
        ax.barh(
            y,
            values,
            height=0.6,
            color=[c.ABOVE if v >= 0 else c.BELOW for v in values],
            zorder=2,
        )
        pad = limit * 0.04
        for yi, (_, v) in zip(y, pairs, strict=True):
            shown = 0.0 if v is None else v
            ax.text(
                shown + (pad if shown >= 0 else -pad),
                yi,
                c.fmt_signed(v),
                va="center",
                ha="left" if shown >= 0 else "right",
                fontsize=9,
                color=c.INK,
            )
        ax.axvline(0, color=color, linewidth=2.2, zorder=3)
        ax.set_yticks(y, labels=[_wrap(k, 22) for k, _ in pairs])
        ax.set_ylim(len(pairs) - 0.5, -0.5)
        ax.set_xlim(-limit * 1.3, limit * 1.3)
        ax.set_xlabel("Mean factor score, in standard deviations (0 = all respondents)")
        ax.grid(axis="x", color=c.RULE, linewidth=0.6, zorder=0)
        ax.spines[["left", "top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        _title(ax, title, c.readable_on_white(color, 4.5))
        return fig


def demographics_chart(
    persona: Persona,
    ax: Axes | None = None,
    *,
    max_rows: int = 8,
    title: str | None = "Who they are",
) -> Figure:
    """Share of the segment vs all respondents for its most over/under-represented categories.

    Bars in the segment colour (segment) and grey (all respondents); the index
    (segment ÷ total × 100) is printed on the right, blue above 100, red below.
    """
    with chart_style():
        fig, ax = _axes(ax)
        rows = c.demographic_highlights(persona, n=max_rows)
        if rows.empty:
            _empty(ax, "No demographic data")
            return fig
        color = c.hex_color(persona.color, segment=persona.segment)
        y = np.arange(len(rows))
        seg = rows["share"].astype(float).to_numpy() * 100
        tot = rows["total_share"].astype(float).to_numpy() * 100
        ax.barh(y - 0.2, seg, height=0.38, color=color, zorder=2, label="This segment")
        ax.barh(y + 0.2, tot, height=0.38, color=c.TOTAL_GREY, zorder=2, label="All respondents")
        top = max(float(np.nanmax(np.concatenate([seg, tot]))), 1.0)
        for yi, s, t in zip(y, rows["share"], rows["total_share"], strict=True):
            ax.text(
                float(s) * 100 + top * 0.015, yi - 0.2, c.fmt_share(s), va="center", fontsize=8.5
            )
            ax.text(
                float(t) * 100 + top * 0.015,
                yi + 0.2,
                c.fmt_share(t),
                va="center",
                fontsize=8,
                color=c.MUTED,
            )
        blend = blended_transform_factory(ax.transAxes, ax.transData)
        ax.text(1.0, -0.75, "Index", transform=blend, ha="right", fontsize=8, color=c.MUTED)
        for yi, index in zip(y, rows["index"], strict=True):
            value = c.as_float(index) or 100.0
            ax.text(
                1.0,
                yi,
                c.fmt_number(index, 0),
                transform=blend,
                ha="right",
                va="center",
                fontsize=9,
                color=c.ABOVE if value >= 100 else c.BELOW,
                fontweight="bold" if abs(value - 100) >= 20 else "normal",
            )
        labels = [_wrap(f"{r.variable}: {r.category}", 26) for r in rows.itertuples(index=False)]
        ax.set_yticks(y, labels=labels)
        ax.set_ylim(len(rows) - 0.45, -0.85)
        ax.set_xlim(0, top * 1.42)
        ax.xaxis.set_visible(False)
        ax.spines[["bottom", "top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.legend(
            handles=[
                Patch(color=color, label="This segment"),
                Patch(color=c.TOTAL_GREY, label="All respondents"),
            ],
            loc="upper left",
            bbox_to_anchor=(0.0, 0.0),
            ncol=2,
            borderaxespad=0.3,
            handlelength=1.2,
        )
        _title(ax, title)
        return fig
