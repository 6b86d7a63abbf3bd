"""The stakeholder PDF (A4 landscape) and the PNG charts for slides.

Pages, for ``n`` personas (:func:`page_count`):

1. cover: title, subtitle, date, key facts, contents;
2. executive summary: every segment at a glance (colour, name, share, one line, top need,
   where to reach them);
3. segment sizes; 4. attitude heat map (without a factor analysis: the answers the segments
   were found from, by segment); 5. needs by segment (when the study has needs items);
6. one page per persona: header, scorecard verdicts, attitudes, top needs, who they are, how
   to reach them, interview themes and quotes;
7. appendix: study facts, data quality, factor solution; model selection and significance
   tests; the segment scorecard (when the segments were scored).

Every page carries a footer with the study title, the report date and ``Page i of N``. Text is
wrapped to measured widths so it never leaves its column; long lists are shortened to fit.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from research.atomic import atomic_write
from research.personas.model import ReportContent
from research.reports import _common as c
from research.reports._pdf_layout import PAGE_SIZE, Page
from research.reports._pdf_method import method_pages, method_titles
from research.reports._pdf_pages import (
    answers_page,
    cover_page,
    has_needs,
    heatmap_page,
    needs_page,
    sizes_page,
    summary_page,
)
from research.reports._pdf_persona import persona_page
from research.reports.charts import (
    answers_chart,
    answers_heatmap,
    attitude_heatmap,
    attitude_limit,
    attitude_profile_chart,
    chart_style,
    demographics_chart,
    needs_chart,
    needs_overview_chart,
    pin_layout,
    segment_sizes_chart,
)

__all__ = ["write_pdf", "write_pngs", "page_count", "page_titles", "png_charts", "PAGE_SIZE"]


def page_titles(content: ReportContent) -> list[str]:
    """What each page of the PDF is, in order (the cover lists them as contents)."""
    titles = ["Cover", "Executive summary", "Segment sizes"]
    if c.has_factors(content):
        titles.append("Attitudes by segment")
    elif c.has_answers(content):
        titles.append("Answers by segment")
    if has_needs(content):
        titles.append("Needs by segment")
    titles += [c.persona_label(p) for p in content.personas]
    return titles + method_titles(content)


def page_count(content: ReportContent) -> int:
    """Pages :func:`write_pdf` writes (see the module docstring)."""
    return len(page_titles(content))


def _builders(content: ReportContent, created: datetime) -> list[Callable[[], Page]]:
    limit = attitude_limit(content)
    contents = [(t, i) for i, t in enumerate(page_titles(content), start=1)][1:]
    builders: list[Callable[[], Page]] = [
        lambda: cover_page(content, created, contents),
        lambda: summary_page(content),
        lambda: sizes_page(content),
    ]
    if c.has_factors(content):
        builders.append(lambda: heatmap_page(content))
    elif c.has_answers(content):
        builders.append(lambda: answers_page(content))
    if has_needs(content):
        builders.append(lambda: needs_page(content))
    builders += [(lambda p=p: persona_page(content, p, limit)) for p in content.personas]
    builders += method_pages(content)
    return builders


def _pages(content: ReportContent, created: datetime) -> Iterator[Figure]:
    builders = _builders(content, created)
    for number, build in enumerate(builders, start=1):
        page = build()
        page.freeze_layout()
        page.footer(content, created, number, len(builders))
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
    c.segment_colors(content)  # a bad colour fails before any file is created
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
    ]
    if c.has_factors(content):
        charts.append(("attitude_heatmap.png", lambda: attitude_heatmap(content)))
    elif c.has_answers(content):
        charts.append(("answers_heatmap.png", lambda: answers_heatmap(content)))
    if has_needs(content):
        charts.append(("needs_by_segment.png", lambda: needs_overview_chart(content)))
    for p in content.personas:
        label = c.persona_label(p)
        s = p.segment
        if len(p.answers):
            charts.append(
                (
                    f"segment_{s}_answers.png",
                    lambda p=p, label=label: answers_chart(
                        p, title=f"{label}: what sets them apart"
                    ),
                )
            )
        if c.has_factors(content):
            charts.append(
                (
                    f"segment_{s}_attitudes.png",
                    lambda p=p, label=label: attitude_profile_chart(
                        p, limit=limit, title=f"{label}: attitudes compared with all respondents"
                    ),
                )
            )
        charts += [
            (
                f"segment_{s}_needs.png",
                lambda p=p, label=label: needs_chart(p, title=f"{label}: top needs"),
            ),
            (
                f"segment_{s}_demographics.png",
                lambda p=p, label=label: demographics_chart(
                    p, title=f"{label}: who they are", sections=["Demographics"]
                ),
            ),
            (
                f"segment_{s}_channels.png",
                lambda p=p, label=label: demographics_chart(
                    p,
                    title=f"{label}: how to reach them",
                    sections=["Channels", "Technology"],
                    over_first=True,
                ),
            ),
        ]
    return charts


def write_pngs(content: ReportContent, folder: str | os.PathLike[str]) -> list[Path]:
    """Write every chart as a 16:9 PNG at 150 dpi, for slides; return the paths in order.

    Files: ``segment_sizes.png``, ``attitude_heatmap.png`` (or ``answers_heatmap.png`` when
    the study ran no factor analysis and segmented single-choice answers),
    ``needs_by_segment.png`` (when the study has needs items), then for each segment ``s``
    ``segment_{s}_answers.png`` (answers basis), ``segment_{s}_attitudes.png`` (with factors),
    ``segment_{s}_needs.png``, ``segment_{s}_demographics.png`` and
    ``segment_{s}_channels.png``. Each file is written atomically; the folder is created if
    needed. Raises :class:`ReportError` if a file cannot be written.
    """
    folder = Path(folder)
    written = []
    with chart_style():
        for name, make in png_charts(content):
            fig = pin_layout(make())
            target = folder / name
            with atomic_write(target) as tmp:
                fig.savefig(tmp, format="png", dpi=150, metadata={"Software": None})
            written.append(target)
    return written
