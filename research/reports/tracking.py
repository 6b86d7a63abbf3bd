"""The Tracking sheet (Excel) and Tracking page (PDF) of a wave comparison."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import atomic_write
from ..safe_cells import save_workbook_bytes
from ..tracking import Tracking

__all__ = ["write_tracking_workbook", "write_tracking_pdf"]


def _num(x: object) -> object:
    if isinstance(x, float | np.floating) and not np.isfinite(x):
        return None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    return [[_num(v) for v in row] for row in frame.itertuples(index=False)]


def write_tracking_workbook(tr: Tracking, path: str | Path) -> Path:
    """Write ``Tracking`` (sizes, typing accuracy, moved items) and ``Drift`` sheets."""
    from openpyxl import Workbook

    from ._xlsx import Col, print_setup, title, write_table

    wb = Workbook()
    ws = wb.active
    ws.title = "Tracking"
    pct = "0.0%"
    sizes = tr.sizes.assign(name=tr.sizes["segment"].map(tr.names).fillna(""))
    cols = ["wave", "segment", "name", "n", "share", "ci_low", "ci_high", "change", "p_holm"]
    row = title(
        ws,
        1,
        "Segment sizes per wave",
        f"Share with Wilson 95% interval; change from the first wave, two-proportion z-test, "
        f"Holm-adjusted across segments; significant at {tr.alpha:g}: "
        f"{', '.join(f'{w} segment {s}' for w, s in tr.shifted()[['wave', 'segment']].values) or 'none'}",
    )
    spec = [
        Col("Wave"),
        Col("Segment"),
        Col("Persona"),
        Col("n", fmt="#,##0"),
        Col("Share", fmt=pct),
        Col("95% CI low", fmt=pct),
        Col("95% CI high", fmt=pct),
        Col("Change", fmt="+0.0%;-0.0%;0.0%"),
        Col("p (Holm)", fmt="0.000"),
    ]
    _, last = write_table(ws, row + 1, spec, _rows(sizes[cols]), autofilter=False)
    row = title(ws, last + 2, "Typing-tool accuracy per wave", "Agreement with the full model")
    spec = [
        Col("Wave"),
        Col("n", fmt="#,##0"),
        Col("Accuracy", fmt=pct),
        Col("95% CI low", fmt=pct),
        Col("95% CI high", fmt=pct),
        Col("Change", fmt="+0.0%;-0.0%;0.0%"),
        Col("p", fmt="0.000"),
    ]
    _, last = write_table(ws, row + 1, spec, _rows(tr.typing), autofilter=False, freeze=False)
    for wave, table in tr.migration.items():
        row = title(
            ws,
            last + 2,
            f"Migration to {wave}",
            "Respondents in both waves: rows = baseline segment, columns = segment now",
        )
        frame = table.reset_index()
        spec = [Col("Baseline segment")] + [Col(f"Now {c}", fmt="#,##0") for c in table.columns]
        _, last = write_table(ws, row + 1, spec, _rows(frame), autofilter=False, freeze=False)
    print_setup(ws)
    ws2 = wb.create_sheet("Drift")
    row = title(
        ws2,
        1,
        "Profile drift per segment",
        "Mean answer in the wave vs the first wave, Welch t-test, Holm-adjusted per segment",
    )
    spec = [
        Col("Wave"),
        Col("Segment"),
        Col("Item"),
        Col("Baseline mean", fmt="0.00"),
        Col("Wave mean", fmt="0.00"),
        Col("Change", fmt="+0.00;-0.00;0.00"),
        Col("p", fmt="0.000"),
        Col("p (Holm)", fmt="0.000"),
        Col("Moved"),
    ]
    write_table(ws2, row + 1, spec, _rows(tr.drift))
    print_setup(ws2)
    path = Path(path)
    with atomic_write(path) as tmp:
        tmp.write_bytes(save_workbook_bytes(wb, _FIXED_TIME))
    return path


#: Workbook timestamp: tracking output depends only on its inputs.
_FIXED_TIME = datetime(2000, 1, 1)


def write_tracking_pdf(tr: Tracking, path: str | Path) -> Path:
    """One A4 landscape page: segment shares per wave with intervals, and what moved."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    sizes = tr.sizes
    waves = list(dict.fromkeys(sizes["wave"]))
    segs = sorted(sizes["segment"].unique())
    fig = plt.figure(figsize=(11.69, 8.27))
    ax = fig.add_axes((0.07, 0.42, 0.55, 0.48))
    width = 0.8 / len(waves)
    for j, w in enumerate(waves):
        part = sizes[sizes["wave"] == w].set_index("segment").loc[segs]
        x = np.arange(len(segs)) + (j - (len(waves) - 1) / 2) * width
        err = [part["share"] - part["ci_low"], part["ci_high"] - part["share"]]
        ax.bar(x, part["share"], width, yerr=err, capsize=3, label=str(w))
        for xi, sig in zip(x, part["significant"], strict=True):
            if sig:
                ax.text(xi, 0.005, "*", ha="center", va="bottom", fontsize=14)
    ax.set_xticks(np.arange(len(segs)))
    ax.set_xticklabels([f"{s}. {tr.names.get(int(s), '')}"[:28] for s in segs], fontsize=8)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("Share of scored respondents")
    ax.legend(title="Wave", fontsize=8)
    fig.text(0.07, 0.95, "Tracking: segment sizes per wave", fontsize=16, weight="bold")
    fig.text(
        0.07,
        0.915,
        f"95% Wilson intervals; * = change from {waves[0]} significant at {tr.alpha:g} (Holm)",
        fontsize=9,
        style="italic",
    )
    lines = ["Typing-tool accuracy:"]
    for r in tr.typing.itertuples():
        lines.append(f"  {r.wave}: {r.accuracy:.1%} (n = {r.n:,})")
    lines.append("")
    lines.append("Items that moved (Holm, per segment):")
    moved = tr.moved_items()
    if moved.empty:
        lines.append("  none")
    for r in moved.head(18).itertuples():
        lines.append(f"  {r.wave} seg {r.segment} {r.item}: {r.change:+.2f}")
    if len(moved) > 18:
        lines.append(f"  ... and {len(moved) - 18} more (workbook, Drift sheet)")
    fig.text(0.66, 0.88, "\n".join(lines), fontsize=8.5, va="top", family="monospace")
    rows = []
    for r in tr.shifted().itertuples():
        rows.append(f"{r.wave}: segment {r.segment} {r.change:+.1%} (p = {r.p_holm:.3g})")
    fig.text(
        0.07,
        0.33,
        "Significant size changes:\n" + ("\n".join(rows) if rows else "none"),
        fontsize=9,
        va="top",
    )
    path = Path(path)
    with atomic_write(path) as tmp, PdfPages(tmp, metadata={"CreationDate": None}) as pdf:
        pdf.savefig(fig)
    plt.close(fig)
    return path
