"""Workbooks with the same bytes for the same content (XLSForm and codebook)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..safe_cells import save_workbook_bytes

__all__ = ["workbook_bytes"]

#: Timestamp written into every workbook so that the same questionnaire gives the same bytes.
_FIXED_TIME = dt.datetime(2000, 1, 1)


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The sheets as ``.xlsx`` bytes: bold frozen header, fitted widths, fixed timestamps."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        for cell in ws[1]:
            cell.font = bold
        for values in frame.itertuples(index=False):
            ws.append([None if v in ("", None) else str(v) for v in values])
        ws.freeze_panes = "A2"
        for i, col in enumerate(frame.columns, start=1):
            longest = max([len(str(col))] + [len(str(v)) for v in frame[col]])
            ws.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 8), 60)
    wb.properties.creator = "research"
    return save_workbook_bytes(wb, _FIXED_TIME)
