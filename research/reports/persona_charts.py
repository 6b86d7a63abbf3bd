"""Charts of one persona: attitude profile (or the answers it was found from), top needs, who
they are and how to reach them.

Same conventions as :mod:`research.reports.charts`: draw on ``ax`` or on a new 16:9 figure,
return the figure; the segment's own colour for its bars, grey for all respondents, blue /
red for above / below average.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from research.personas.model import Persona
from research.reports import _common as c
from research.reports.charts import _axes, _empty, _title, _wrap, chart_style

__all__ = ["answers_chart", "attitude_profile_chart", "needs_chart", "demographics_chart"]


def _index_value(index: object) -> float:
    value = c.as_float(index)
    return 100.0 if value is None else value


def _index_column(ax: Axes, y, indexes, bold: Sequence[bool], *, header_y: float) -> None:
    """Index figures at the right edge of a bar chart: blue above 100, red below."""
    blend = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(1.0, header_y, "Index", transform=blend, ha="right", fontsize=8, color=c.MUTED)
    for yi, index, strong in zip(y, indexes, bold, strict=True):
        ax.text(
            1.0,
            yi,
            c.fmt_number(index, 0),
            transform=blend,
            ha="right",
            va="center",
            fontsize=9,
            color=c.ABOVE if _index_value(index) >= 100 else c.BELOW,
            fontweight="bold" if strong else "normal",
        )


def attitude_profile_chart(
    persona: Persona,
    ax: Axes | None = None,
    *,
    limit: float | None = None,
    title: str | None = "Attitudes compared with all respondents",
    xlabel: str | None = "Mean factor score, in standard deviations (0 = all respondents)",
    label_width: int = 22,
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
        ax.set_yticks(y, labels=[_wrap(k, label_width, max_lines=2) for k, _ in pairs])
        ax.set_ylim(len(pairs) - 0.5, -0.5)
        ax.set_xlim(-limit * 1.6, limit * 1.6)
        if xlabel:
            ax.set_xlabel(xlabel)
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
    sections: Sequence[str] | None = None,
    label_width: int = 26,
    legend: bool = True,
    over_first: bool = False,
    title_color: str | None = None,
) -> Figure:
    """Share of the segment vs all respondents for its most over/under-represented categories.

    Bars in the segment colour (segment) and grey (all respondents); the index
    (segment ÷ total × 100) is printed on the right, blue above 100, red below. ``sections``
    keeps only those profile sections (``["Channels"]`` for "how to reach them");
    ``over_first`` shows the most over-represented categories (where to find them) rather than
    the largest differences either way.
    """
    with chart_style():
        fig, ax = _axes(ax)
        rows = c.demographic_highlights(
            persona, n=max_rows, sections=sections, over_first=over_first
        )
        if rows.empty:
            _empty(ax, "No demographic data")
            return fig
        labels = [f"{r.category} ({r.label})" for r in rows.itertuples(index=False)]
        _share_bars(ax, persona, rows, labels, label_width, legend)
        _title(ax, title, title_color)
        return fig


def answers_chart(
    persona: Persona,
    ax: Axes | None = None,
    *,
    max_rows: int = 6,
    title: str | None = "What sets them apart",
    label_width: int = 26,
    legend: bool = True,
    title_color: str | None = None,
) -> Figure:
    """The answers to the segmentation questions this segment gives most over the average.

    Share of the segment (its colour) and of all respondents (grey) giving each answer, the
    answers with the largest positive difference first (``Persona.answers``, ordered by z);
    the index is printed on the right.
    """
    with chart_style():
        fig, ax = _axes(ax)
        frame = persona.answers
        rows = frame.head(max_rows) if frame is not None else None
        if rows is None or rows.empty:
            _empty(ax, "No segmentation answers")
            return fig
        # A statement ("Never gamble") as it is; "Question: answer" answer first, as the
        # demographics charts do, so wrapping never cuts the answer off.
        labels = [
            f"{r.category} ({r.label})" if str(r.phrase).endswith(f": {r.category}") else r.phrase
            for r in rows.itertuples(index=False)
        ]
        _share_bars(ax, persona, rows, labels, label_width, legend)
        _title(ax, title, title_color)
        return fig


def _share_bars(ax: Axes, persona: Persona, rows, labels, label_width: int, legend: bool) -> None:
    """Paired bars (segment, all respondents) of ``rows``' shares, with the index column."""
    color = c.hex_color(persona.color, segment=persona.segment)
    y = np.arange(len(rows))
    seg = rows["share"].astype(float).to_numpy() * 100
    tot = rows["total_share"].astype(float).to_numpy() * 100
    ax.barh(y - 0.2, seg, height=0.38, color=color, zorder=2, label="This segment")
    ax.barh(y + 0.2, tot, height=0.38, color=c.TOTAL_GREY, zorder=2, label="All respondents")
    top = max(float(np.nanmax(np.concatenate([seg, tot]))), 1.0)
    for yi, s, t in zip(y, rows["share"], rows["total_share"], strict=True):
        ax.text(float(s) * 100 + top * 0.015, yi - 0.2, c.fmt_share(s), va="center", fontsize=8.5)
        ax.text(
            float(t) * 100 + top * 0.015,
            yi + 0.2,
            c.fmt_share(t),
            va="center",
            fontsize=8,
            color=c.MUTED,
        )
    values = [_index_value(i) for i in rows["index"]]
    bold = [abs(v - 100) >= 20 for v in values]
    _index_column(ax, y, rows["index"], bold, header_y=-0.75)
    ax.set_yticks(y, labels=[_wrap(t, label_width, max_lines=2) for t in labels])
    ax.set_ylim(len(rows) - 0.45, -0.85)
    ax.set_xlim(0, top * 1.6)
    ax.xaxis.set_visible(False)
    ax.spines[["bottom", "top", "right"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    if legend:
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


def needs_chart(
    persona: Persona,
    ax: Axes | None = None,
    *,
    max_rows: int = 5,
    title: str | None = "Top needs",
    label_width: int = 30,
    title_color: str | None = None,
) -> Figure:
    """The segment's most important needs: its mean importance (bar) and everyone's (tick).

    Needs are in the persona's rank order; the index vs all respondents is printed on the
    right (blue above 100, red below), bold when the difference is significant.
    """
    with chart_style():
        fig, ax = _axes(ax)
        rows = persona.needs.head(max_rows) if persona.needs is not None else None
        if rows is None or rows.empty:
            _empty(ax, "No needs items")
            return fig
        color = c.hex_color(persona.color, segment=persona.segment)
        y = np.arange(len(rows))
        seg = rows["mean"].astype(float).to_numpy()
        tot = rows["total_mean"].astype(float).to_numpy()
        ax.barh(y, seg, height=0.55, color=color, zorder=2, label="This segment")
        ax.scatter(tot, y, marker="|", s=300, linewidth=2.2, color=c.INK, zorder=3)
        top = float(np.nanmax(np.concatenate([seg, tot])))
        for yi, v in zip(y, seg, strict=True):
            ax.text(
                top * 0.02,
                yi,
                c.fmt_number(v, 1),
                va="center",
                ha="left",
                fontsize=8.5,
                color=c.text_on(color),
                zorder=4,
            )
        sigs = rows["sig"] if "sig" in rows else [""] * len(rows)
        bold = [sig in ("higher", "lower") for sig in sigs]
        _index_column(ax, y, rows["index"], bold, header_y=-0.7)
        ax.set_yticks(y, labels=[_wrap(t, label_width, max_lines=2) for t in rows["text"]])
        ax.set_ylim(len(rows) - 0.45, -0.8)
        ax.set_xlim(0, top * 1.22)
        ax.xaxis.set_visible(False)
        ax.spines[["bottom", "top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.legend(
            handles=[
                Patch(color=color, label="This segment"),
                Line2D([], [], marker="|", linestyle="", markersize=9, color=c.INK, label="All"),
            ],
            loc="upper left",
            bbox_to_anchor=(0.0, 0.0),
            ncol=2,
            borderaxespad=0.3,
            handlelength=1.2,
        )
        _title(ax, title, title_color)
        return fig
