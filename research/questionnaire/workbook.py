"""Workbooks with the same bytes for the same content (XLSForm and codebook)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd

__all__ = ["workbook_bytes"]

#: Timestamp written into every workbook so that the same questionnaire gives the same bytes.
_FIXED_TIME = dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The sheets as ``.xlsx`` bytes: bold frozen header, fitted widths, fixed timestamps."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

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
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME

    # openpyxl's save() stamps "modified" with the current time and the zip entries with the
    # local time; write through ExcelWriter and re-pack with fixed entry times instead.
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
