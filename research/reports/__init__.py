"""Stakeholder reports: the analysis workbook, the PDF and PNG charts for slides.

Every writer reads only a :class:`~research.personas.model.ReportContent`, rounds the
statistics it shows, colours each segment with its persona's colour, and writes atomically
(:func:`atomic_write`): a failed write leaves neither a partial file nor a temporary one.
:func:`write_reports` writes them all (and a content bundle :func:`rebuild_reports` reads).
"""

from research.atomic import atomic_write
from research.reports.excel import sheet_names, write_workbook
from research.reports.outputs import (
    load_content,
    rebuild_reports,
    rename_personas,
    save_content,
    write_reports,
)
from research.reports.pdf import page_count, page_titles, write_pdf, write_pngs

__all__ = [
    "atomic_write",
    "load_content",
    "page_count",
    "page_titles",
    "rebuild_reports",
    "rename_personas",
    "save_content",
    "sheet_names",
    "write_pdf",
    "write_pngs",
    "write_reports",
    "write_workbook",
]
