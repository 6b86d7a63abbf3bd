"""Report generation for 8 segments and 10,000 respondents (simulated content).

Measured, on :func:`research.reports.simulate.simulate_report_inputs` (the bundled
questionnaire: 30 attitude/needs items, demographics, channels; interviews and a scorecard):

* ``assemble_report``: profile table with t/z-tests vs rest, pairwise letters and BH
  correction, personas, report content;
* ``write_workbook``: every sheet (banner profile table, 8 persona sheets, 10,000-row
  Respondents sheet, native charts). Peer: ``pandas.DataFrame.to_excel`` (openpyxl engine,
  no styling) of the same tables, timed in the same run;
* ``write_pdf``: the stakeholder PDF. Peer: matplotlib writing the same number of A4 pages,
  one plain bar chart each;
* ``write_pngs``: every slide chart at 150 dpi. Peer: the same number of plain bar charts.

Peak memory: ``tracemalloc`` peak of a second, untimed pass of each stage (numpy, pandas and
matplotlib report their buffers to it), and the process's maximum resident set size.

Run: ``.venv/bin/python benchmarks/bench_reports.py [n_segments] [n_respondents]``
"""

from __future__ import annotations

import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from research.personas import assemble_report  # noqa: E402
from research.reports import page_count, write_pdf, write_pngs, write_workbook  # noqa: E402
from research.reports.pdf import png_charts  # noqa: E402
from research.reports.simulate import simulate_report_inputs  # noqa: E402


def best_of(func, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_mib(func) -> float:
    gc.collect()
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def peer_excel(content, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        content.summary.to_excel(xl, sheet_name="Summary", index=False)
        content.segment_sizes.to_excel(xl, sheet_name="Segment sizes", index=False)
        content.profiles.to_excel(xl, sheet_name="Profile table", index=False)
        content.loadings.to_excel(xl, sheet_name="Factor loadings")
        content.model_selection.to_excel(xl, sheet_name="Model selection", index=False)
        content.scorecard.to_excel(xl, sheet_name="Scorecard", index=False)
        for p in content.personas:
            p.needs.to_excel(xl, sheet_name=f"{p.segment} needs", index=False)
            p.demographics.to_excel(xl, sheet_name=f"{p.segment} profile", index=False)
        content.themes.to_excel(xl, sheet_name="Themes by segment", index=False)
        content.quotes.to_excel(xl, sheet_name="Quotes", index=False)
        content.exclusions.to_excel(xl, sheet_name="Data quality", index=False)
        content.respondents.to_excel(xl, sheet_name="Respondents")


def plain_figure(i: int, size=(11.69, 8.27)) -> Figure:
    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    ax.barh(range(8), range(1, 9))
    ax.set_title(f"Chart {i}")
    return fig


def peer_pdf(pages: int, path: Path) -> None:
    with PdfPages(path) as pdf:
        for i in range(pages):
            pdf.savefig(plain_figure(i))


def peer_pngs(count: int, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(count):
        plain_figure(i, (10, 5.625)).savefig(folder / f"{i}.png", dpi=150)


def row(label: str, ours: float, peer: float | None, mem: float | None) -> None:
    ratio = f"{ours / peer:6.1f}x" if peer else "      "
    peer_text = f"{peer:8.2f} s" if peer is not None else " " * 10
    mem_text = f"{mem:8.0f} MiB" if mem is not None else ""
    print(f"{label:<34} {ours:8.2f} s  {peer_text}  {ratio}  {mem_text}")


def main() -> None:
    k = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    inputs = simulate_report_inputs(k, n, weighted=True, random_state=0)
    t_assemble, content = best_of(lambda: assemble_report(**inputs), 3)
    pages, charts = page_count(content), len(png_charts(content))
    print(f"Report generation: {k} segments, {n:,} respondents (weighted, simulated)")
    print(f"{'stage':<34} {'ours':>10}  {'peer':>10}  {'ratio':>7}  {'peak memory':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        row(
            "assemble (profiles, tests, personas)",
            t_assemble,
            None,
            peak_mib(lambda: assemble_report(**inputs)),
        )
        t_xlsx, _ = best_of(lambda: write_workbook(content, out / "r.xlsx"), 3)
        t_peer, _ = best_of(lambda: peer_excel(content, out / "peer.xlsx"), 3)
        size = (out / "r.xlsx").stat().st_size / 2**20
        row(
            f"workbook ({size:.1f} MB)",
            t_xlsx,
            t_peer,
            peak_mib(lambda: write_workbook(content, out / "m.xlsx")),
        )
        t_pdf, _ = best_of(lambda: write_pdf(content, out / "r.pdf"), 2)
        t_peer, _ = best_of(lambda: peer_pdf(pages, out / "peer.pdf"), 2)
        size = (out / "r.pdf").stat().st_size / 2**20
        row(
            f"PDF ({pages} pages, {size:.1f} MB)",
            t_pdf,
            t_peer,
            peak_mib(lambda: write_pdf(content, out / "m.pdf")),
        )
        t_png, _ = best_of(lambda: write_pngs(content, out / "png"), 1)
        t_peer, _ = best_of(lambda: peer_pngs(charts, out / "peer_png"), 1)
        row(f"PNG charts ({charts})", t_png, t_peer, None)
        total = t_assemble + t_xlsx + t_pdf + t_png
        print(f"{'total (assemble + all writers)':<34} {total:8.2f} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory: {rss:,.0f} MiB")
    print(f"per PDF page: {t_pdf / pages:.2f} s; per PNG: {t_png / charts:.2f} s")


if __name__ == "__main__":
    main()
