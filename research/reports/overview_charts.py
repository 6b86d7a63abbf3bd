"""Charts comparing all segments beyond the heat map: needs by segment, model selection.

Same conventions as :mod:`research.reports.charts` (draw on ``ax`` or a new 16:9 figure and
return the figure; segment colours from the personas).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from research.personas.model import ReportContent
from research.reports import _common as c
from research.reports.charts import _axes, _empty, _title, _wrap, chart_style, esc

__all__ = ["needs_frame", "needs_overview_chart", "model_selection_chart"]


# ---------------------------------------------------------------------------------------------
# needs, all segments
# ---------------------------------------------------------------------------------------------


def needs_frame(content: ReportContent) -> pd.DataFrame:
    """Needs (rows, item text) by segment (columns) mean importance, plus ``Total``.

    Rows are sorted by the all-respondent mean, most important first.
    """
    prof = content.profiles
    if prof is None or prof.empty or "section" not in prof:
        return pd.DataFrame()
    rows = prof[(prof["section"] == "Needs") & prof["category"].isna()]
    if rows.empty:
        return pd.DataFrame()
    wide = rows.pivot_table(index="label", columns="segment", values="value", aggfunc="first")
    wide["Total"] = rows.groupby("label")["total"].first()
    return wide.sort_values("Total", ascending=False, kind="stable")


def needs_overview_chart(
    content: ReportContent,
    ax: Axes | None = None,
    *,
    title: str | None = "What each segment needs",
) -> Figure:
    """Dot plot: each need's mean importance per segment (segment colours) and overall (|)."""
    with chart_style():
        fig, ax = _axes(ax)
        frame = needs_frame(content)
        if frame.empty:
            _empty(ax, "No needs items")
            return fig
        colors = c.segment_colors(content)
        segs = [s for s in frame.columns if s != "Total"]
        y = np.arange(len(frame))
        spread = min(0.6, 0.09 * len(segs))
        offsets = np.linspace(-spread / 2, spread / 2, len(segs)) if len(segs) > 1 else [0.0]
        for i in range(0, len(frame), 2):  # zebra rows guide the eye across
            ax.axhspan(i - 0.5, i + 0.5, color="#F4F4F4", zorder=0, linewidth=0)
        for off, s in zip(offsets, segs, strict=True):
            ax.scatter(
                frame[s].to_numpy(dtype=float),
                y + off,
                s=34,
                color=colors.get(int(s), c.FALLBACK_COLOR),
                edgecolor="white",
                linewidth=0.6,
                zorder=3,
            )
        ax.scatter(
            frame["Total"].to_numpy(dtype=float),
            y,
            marker="|",
            s=260,
            color=c.INK,
            linewidth=2,
            zorder=4,
        )
        values = frame.to_numpy(dtype=float)
        low, high = np.nanmin(values), np.nanmax(values)
        pad = max(0.1, (high - low) * 0.06)
        ax.set_xlim(math.floor((low - pad) * 2) / 2, math.ceil((high + pad) * 2) / 2)
        ax.set_yticks(y, labels=[_wrap(t, 42) for t in frame.index])
        ax.set_ylim(len(frame) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0, labelsize=8.5)
        ax.grid(axis="x", color=c.RULE, linewidth=0.6, zorder=1)
        ax.spines[["left", "top", "right"]].set_visible(False)
        ax.set_xlabel("Mean importance rating (higher = more important)")
        names = {int(p.segment): c.persona_label(p) for p in content.personas}
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=6,
                color=colors.get(int(s), c.FALLBACK_COLOR),
                label=esc(c.truncate(names.get(int(s), f"Segment {s}"), 34)),
            )
            for s in segs
        ]
        handles.append(
            Line2D([], [], marker="|", linestyle="", markersize=10, color=c.INK, label="All")
        )
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.1),
            ncol=min(len(handles), 3),
            handletextpad=0.3,
            columnspacing=1.2,
        )
        _title(ax, title)
        return fig


def model_selection_chart(
    content: ReportContent,
    ax: Axes | None = None,
    *,
    title: str | None = "BIC and AIC by number of segments",
) -> Figure:
    """BIC (blue) and AIC (grey) against the number of segments; the chosen K marked."""
    with chart_style():
        fig, ax = _axes(ax)
        ms = content.model_selection
        if ms.empty or "k" not in ms or not ({"bic", "aic"} & set(ms.columns)):
            _empty(ax, "No model comparison")
            return fig
        k = ms["k"].astype(int).to_numpy()
        for key, color, label in (("bic", c.ABOVE, "BIC"), ("aic", c.MUTED, "AIC")):
            if key in ms:
                ax.plot(k, ms[key].astype(float), "o-", color=color, label=label, lw=1.8, ms=4)
        if "chosen" in ms and ms["chosen"].fillna(False).astype(bool).any():
            chosen = int(ms.loc[ms["chosen"].fillna(False).astype(bool), "k"].iloc[0])
            ax.axvline(chosen, color=c.INK, lw=1, ls="--", zorder=0)
            ax.annotate(
                f"chosen: {chosen}",
                (chosen, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, -2),
                textcoords="offset points",
                va="top",
                fontsize=8.5,
                color=c.INK,
            )
        ax.set_xticks(k)
        ax.set_xlabel("Number of segments")
        ax.yaxis.set_major_formatter(lambda v, _: c.fmt_number(v, 0))
        ax.grid(axis="y", color=c.RULE, linewidth=0.6)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, borderaxespad=0.2)
        _title(ax, title)
        return fig
