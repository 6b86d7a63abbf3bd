"""Stakeholder reports: the analysis workbook, the PDF and PNG charts for slides.

Every writer reads only a :class:`~research.personas.model.ReportContent`, rounds the
statistics it shows, colours each segment with its persona's colour, and writes atomically
(:func:`atomic_write`): a failed write leaves neither a partial file nor a temporary one.
"""

from research.reports.excel import write_workbook
from research.reports.pdf import write_pdf, write_pngs
from research.reports.safe_write import atomic_write

__all__ = ["write_workbook", "write_pdf", "write_pngs", "atomic_write"]
