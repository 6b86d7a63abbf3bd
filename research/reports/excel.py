"""The analysis workbook: every table behind the personas, ready to filter, sort and chart.

One sheet per question a researcher or stakeholder asks (how big, how different, which items,
which model, how good, who are they, what did they say, how clean was the data, who is in
which segment). Numbers are rounded here and shown with number formats; text that looks like
a formula is always stored as plain text. The only formulas are the typing tool's.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from openpyxl import Workbook

from research.atomic import atomic_write
from research.personas.model import ReportContent
from research.reports import _common as c
from research.reports._sheets_persona import (
    persona_sheet,
    personas_overview_sheet,
    quotes_sheet,
    themes_sheet,
)
from research.reports._sheets_profile import profile_sheet, scorecard_sheet
from research.reports._sheets_study import (
    loadings_sheet,
    model_sheet,
    quality_sheet,
    respondents_sheet,
    sizes_sheet,
    summary_sheet,
)
from research.reports._xlsx import print_setup, sheet_title
from research.safe_cells import save_workbook_bytes

__all__ = ["write_workbook", "build_workbook", "sheet_names", "FIXED_SHEETS", "TYPING_TOOL"]

#: Sheets every workbook has, in order; persona sheets come after Scorecard, and Themes by
#: segment, Quotes, Typing tool and Respondents appear when the content has them.
FIXED_SHEETS = (
    "Summary",
    "Segment sizes",
    "Profile table",
    "Factor loadings",
    "Model selection",
    "Data quality",
)
TYPING_TOOL = "Typing tool"


def _persona_titles(content: ReportContent) -> list[str]:
    used = set(FIXED_SHEETS) | {
        "Scorecard",
        "Personas",
        "Themes by segment",
        "Quotes",
        "Respondents",
    }
    used.add(TYPING_TOOL)
    return [sheet_title(c.persona_label(p).replace(c.MID_DOT, ""), used) for p in content.personas]


def sheet_names(content: ReportContent) -> list[str]:
    """The sheet names :func:`write_workbook` writes for ``content``, in order.

    The Typing tool sheet is listed when ``content.typing_tool`` is set; its name is the one
    ``research.segments.add_typing_tool_sheet`` gives it.
    """
    names = list(FIXED_SHEETS[:5])
    if content.scorecard is not None:
        names.append("Scorecard")
    names.append("Personas")
    names += _persona_titles(content)
    if content.themes is not None and len(content.themes):
        names.append("Themes by segment")
    if len(content.quotes):
        names.append("Quotes")
    if content.typing_tool is not None and _typing_tool_writer() is not None:
        names.append(TYPING_TOOL)
    names.append("Data quality")
    if content.respondents is not None:
        names.append("Respondents")
    return names


def _typing_tool_writer():
    """``research.segments.add_typing_tool_sheet`` when that stage provides it, else None."""
    try:
        module = importlib.import_module("research.segments")
    except ImportError:  # pragma: no cover - the package always has segments
        return None
    return getattr(module, "add_typing_tool_sheet", None)


def _add_typing_tool(wb: Workbook, content: ReportContent, before: str) -> None:
    writer = _typing_tool_writer()
    if content.typing_tool is None or writer is None:
        return
    existing = set(wb.sheetnames)
    writer(
        wb,
        content.typing_tool,
        segment_names={int(p.segment): p.name for p in content.personas},
        question_text=content.question_text or None,
        answer_labels=content.answer_labels or None,
    )
    for name in [n for n in wb.sheetnames if n not in existing]:
        ws = wb[name]
        wb.move_sheet(ws, wb.sheetnames.index(before) - wb.sheetnames.index(name))


def build_workbook(content: ReportContent) -> Workbook:
    """The workbook as an openpyxl object (not saved); see :func:`write_workbook`."""
    created = c.parse_created(content)
    colors = c.segment_colors(content)
    wb = Workbook()
    wb.active.title = "Summary"

    def sheet(name: str):
        ws = wb.create_sheet(name)
        ws.sheet_view.zoomScale = 100
        return ws

    summary_sheet(wb["Summary"], content, created)
    sizes_sheet(sheet("Segment sizes"), content, colors)
    profile_sheet(sheet("Profile table"), content, colors)
    loadings_sheet(sheet("Factor loadings"), content)
    model_sheet(sheet("Model selection"), content)
    if content.scorecard is not None:
        scorecard_sheet(sheet("Scorecard"), content, colors)
    personas_overview_sheet(sheet("Personas"), content, colors)
    for persona, name in zip(content.personas, _persona_titles(content), strict=True):
        persona_sheet(sheet(name), content, persona)
    if content.themes is not None and len(content.themes):
        themes_sheet(sheet("Themes by segment"), content, colors)
    if len(content.quotes):
        quotes_sheet(sheet("Quotes"), content, colors)
    quality_sheet(sheet("Data quality"), content)
    if content.respondents is not None:
        respondents_sheet(sheet("Respondents"), content, colors)
    for ws in wb.worksheets:
        print_setup(ws)
    _add_typing_tool(wb, content, before="Data quality")

    props = wb.properties
    props.title = c.truncate(content.title, 250)
    props.subject = c.truncate(content.subtitle, 250)
    props.creator = "research (segment-research)"
    props.keywords = "segmentation, personas"
    props.created = created
    props.modified = created
    props.lastModifiedBy = None
    return wb


def write_workbook(content: ReportContent, path: str | os.PathLike[str]) -> Path:
    """Write the analysis workbook (.xlsx) for ``content``.

    Parameters
    ----------
    content : ReportContent
        What to report; statistics unrounded (rounded here).
    path : str or PathLike
        Target file; parent folders are created. Written atomically: on any error no file (and
        no temporary file) is left, and an existing file is kept unchanged.

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
    Sheets: see :func:`sheet_names`. Two writes of the same content give byte-identical files
    (the timestamps stored are ``content.created``). Text starting with ``=``, ``+``, ``-`` or
    ``@`` is stored as text, never as a formula; the typing tool's formulas are the only ones.
    """
    target = Path(path)
    wb = build_workbook(content)
    created = c.parse_created(content)
    with atomic_write(target) as tmp:
        tmp.write_bytes(save_workbook_bytes(wb, created))
    return target
