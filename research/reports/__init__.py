"""Stakeholder reports: the analysis workbook, the PDF and PNG charts for slides.

Every writer reads only a :class:`~research.personas.model.ReportContent`, rounds the
statistics it shows, colours each segment with its persona's colour, and writes atomically
(:func:`atomic_write`): a failed write leaves neither a partial file nor a temporary one.
:func:`write_reports` writes them all (and a content bundle :func:`rebuild_reports` reads).
"""

from research._lazy import lazy_attributes
from research.atomic import atomic_write as atomic_write

# Imported on first use (PEP 562), so a command that only needs atomic_write does not load
# matplotlib or openpyxl: the rule for every package __init__ the CLI touches.
_LAZY = {
    "sheet_names": "excel",
    "write_workbook": "excel",
    "load_content": "outputs",
    "rebuild_reports": "outputs",
    "rename_personas": "outputs",
    "save_content": "outputs",
    "write_reports": "outputs",
    "page_count": "pdf",
    "page_titles": "pdf",
    "write_pdf": "pdf",
    "write_pngs": "pdf",
}

__all__ = sorted([*_LAZY, "atomic_write"])


__getattr__, __dir__ = lazy_attributes(globals())
