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
import pandas as pd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Rectangle

from research.personas.model import ReportContent
from research.reports import _common as c

__all__ = [
    "SLIDE_SIZE",
    "STYLE",
    "chart_style",
    "segment_sizes_chart",
    "attitude_heatmap",
    "answers_heatmap",
    "answers_frame",
    "needs_overview_chart",
    "needs_frame",
    "model_selection_chart",
    "attitude_profile_chart",
    "answers_chart",
    "needs_chart",
    "demographics_chart",
    "attitude_limit",
    "esc",
    "pin_layout",
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


def pin_layout(fig: Figure) -> Figure:
    """Run a figure's constrained layout once and pin the axes there, rounded to 1e-6.

    Text metrics can differ in their last bits between the first and later renders in a
    process; pinned, rounded positions keep two writes of the same chart byte-identical.
    """
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        # The layout alone (what a draw runs first), without drawing every artist once more.
        engine.execute(fig)
        boxes = [(ax, ax.get_position().bounds) for ax in fig.axes]
        fig.set_layout_engine("none")
        for ax, bounds in boxes:
            ax.set_position([round(v, 6) for v in bounds])
    return fig


def esc(text: object) -> str:
    """Text shown literally by matplotlib (a ``$`` in a quote must not start mathtext)."""
    return str(text).replace("$", r"\$")


def _wrap(text: object, width: int, max_lines: int | None = None) -> str:
    """Wrap at ``width`` characters; with ``max_lines``, end the last line with an ellipsis."""
    lines = textwrap.wrap(str(text), width, break_long_words=True) or [str(text)]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip(" ,;:.") + c.ELLIPSIS
    return esc("\n".join(lines))


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
        if frame.empty or not len(frame.columns):
            _empty(ax, "No factor scores")
            return fig
        values = frame.to_numpy(dtype=float, na_value=np.nan)
        text = [[c.fmt_signed(v) for v in row] for row in values]
        _segment_heatmap(
            fig,
            ax,
            content,
            [int(s) for s in frame.index],
            [str(f) for f in frame.columns],
            values,
            text,
            attitude_limit(content),
            "Mean factor score (z)\n0 = all respondents",
            title,
        )
        return fig


def answers_heatmap(
    content: ReportContent,
    ax: Axes | None = None,
    *,
    title: str | None = "What each segment answered",
) -> Figure:
    """Segments by the answers they were found from: each segment's share giving each answer,
    coloured by its difference from all respondents (blue above, red below).

    Of a yes/no question only the yes is shown (the no is its mirror image); with many
    answers, the 12 that differ most between segments (:func:`answers_frame`).
    """
    with chart_style():
        fig, ax = _axes(ax)
        shares, z = answers_frame(content)
        if shares.empty:
            _empty(ax, "No segmentation answers")
            return fig
        text = [[c.fmt_share(v) for v in row] for row in shares.to_numpy(dtype=float)]
        _segment_heatmap(
            fig,
            ax,
            content,
            [int(s) for s in shares.index],
            [str(f) for f in shares.columns],
            z.to_numpy(dtype=float, na_value=np.nan),
            text,
            1.0,
            "Difference from all respondents,\nin SDs of the answer (share shown)",
            title,
        )
        return fig


def answers_frame(content: ReportContent, max_columns: int = 12):
    """(shares, z): segments (rows) by answer phrase (columns) of the personas' ``answers``.

    One column per answer of the segmentation items, in questionnaire order; of a question
    with two answers only one (its yes, else the rarer answer), since the other mirrors it;
    at most `max_columns`, those whose z differs most from 0 in some segment.
    """
    parts = [p.answers.assign(segment=int(p.segment)) for p in content.personas if len(p.answers)]
    if not parts:
        return pd.DataFrame(), pd.DataFrame()
    rows = pd.concat(parts, ignore_index=True)
    chosen = []
    for variable, group in rows.groupby("variable", sort=False):
        cats = list(dict.fromkeys(group["category"]))
        if len(cats) == 2:
            yes = [k for k in cats if str(k).strip().lower() in ("yes", "y", "true")]
            totals = group.drop_duplicates("category").set_index("category")["total_share"]
            cats = yes[:1] or [totals.astype(float).idxmin()]
        chosen += [(variable, k) for k in cats]
    # Questionnaire order, as the profile table lists the answers.
    order: dict[tuple, int] = {}
    profiles = content.profiles
    if {"variable", "category"} <= set(profiles.columns):
        for v, k in zip(profiles["variable"], profiles["category"], strict=True):
            order.setdefault((v, k), len(order))
    chosen.sort(key=lambda vk: order.get(vk, len(order)))
    rows = rows.set_index(["variable", "category"])
    wide = {}
    for key in chosen:
        mine = rows.loc[[key]]
        wide[key] = mine.set_index("segment")[["share", "z", "phrase"]]
    strongest = sorted(chosen, key=lambda k: -float(wide[k]["z"].abs().max()))[:max_columns]
    chosen = [k for k in chosen if k in strongest]
    names = [str(wide[k]["phrase"].iloc[0]) for k in chosen]
    shares = pd.DataFrame({n: wide[k]["share"] for n, k in zip(names, chosen, strict=True)})
    z = pd.DataFrame({n: wide[k]["z"] for n, k in zip(names, chosen, strict=True)})
    return shares.sort_index().astype(float), z.sort_index().astype(float)


def _segment_heatmap(fig, ax, content, segs, columns, values, text, limit, bar_label, title):
    """Segments (rows, with a colour strip) by `columns`: `values` on a diverging map from
    -`limit` to `limit`, each cell annotated with its `text`."""
    personas = {int(p.segment): p for p in content.personas}
    colors = c.segment_colors(content)
    nrow, ncol = values.shape
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
                text[i][j],
                ha="center",
                va="center",
                fontsize=size,
                color="white" if abs(v) > 0.55 * limit else c.INK,
                fontweight="bold" if abs(v) >= 0.5 else "normal",
            )
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
        _wrap(c.persona_label(personas[s]) if s in personas else f"Segment {s}", 28) for s in segs
    ]
    ax.set_yticks(np.arange(nrow) + 0.5, labels=labels)
    wrap = max(10, int(90 / max(ncol, 1)))
    ax.set_xticks(np.arange(ncol) + 0.5, labels=[_wrap(f, wrap) for f in columns])
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
    bar.set_label(bar_label, color=c.MUTED, fontsize=8.5)
    if title:
        ax.set_title(esc(title), pad=28)


# Needs and model-selection charts, and the persona charts, live in their own modules;
# re-exported so every chart comes from one place.
from research.reports.overview_charts import (  # noqa: E402
    model_selection_chart,
    needs_frame,
    needs_overview_chart,
)
from research.reports.persona_charts import (  # noqa: E402
    answers_chart,
    attitude_profile_chart,
    demographics_chart,
    needs_chart,
)
