"""The typing tool as an Excel worksheet: type the answers, working formulas show the segment."""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import ReportError
from ..safe_cells import allow_formula
from .typing_tool import TypingTool

__all__ = ["add_typing_tool_sheet", "typing_sheet_cells"]

_FIRST = 6  # first question row
_INPUT = PatternFill("solid", fgColor="FFF2CC")
_RESULT = PatternFill("solid", fgColor="D9EAD3")
_BOLD = Font(bold=True)


def typing_sheet_cells(tool: TypingTool) -> dict[str, object]:
    """Where things are on the sheet: answer cells per question, result cells."""
    q = len(tool.questions)
    k = len(tool.intercepts)
    score_row = _FIRST + q + 1
    return {
        "answers": {name: f"C{_FIRST + i}" for i, name in enumerate(tool.questions)},
        "scores": [f"{get_column_letter(6 + s)}{score_row}" for s in range(k)],
        "segment": f"C{score_row + 2}",
        "segment_name": f"C{score_row + 3}",
    }


def add_typing_tool_sheet(
    workbook: Workbook,
    tool: TypingTool,
    *,
    title: str = "Typing tool",
    segment_names: Mapping[int, str] | None = None,
    question_text: Mapping[str, str] | None = None,
    answer_labels: Mapping[str, str] | None = None,
) -> Worksheet:
    """Add a worksheet where a user types a customer's answers and sees the segment.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        Workbook to add the sheet to (not saved here).
    tool : TypingTool
    title : str
        Sheet name (at most 31 characters, unique in the workbook).
    segment_names : mapping of segment number to name, optional
    question_text : mapping of question id to wording, optional
    answer_labels : mapping of question id to a hint such as "1 = disagree … 5 = agree"

    Returns
    -------
    openpyxl.worksheet.worksheet.Worksheet

    Notes
    -----
    Layout: answers in column C (yellow, validated to the answer range), the answer used in E
    (a blank answer counts as the training mean), one weight column per segment from F on
    (segment numbers above, names below them), an intercept row, a score row
    ``= intercept + SUMPRODUCT(weights, answers used)``, then the segment of the highest score,
    ``= INDEX(numbers, MATCH(MAX(scores), scores, 0))``, and its name. Only functions every
    spreadsheet has (IF, SUMPRODUCT, MAX, MATCH, INDEX), so it also works in LibreOffice and
    Google Sheets. :func:`typing_sheet_cells` gives the cell addresses.
    """
    if len(title) > 31 or any(ch in title for ch in "[]:*?/\\"):
        raise ReportError(f"sheet title {title!r} must be at most 31 characters without []:*?/\\")
    if title in workbook.sheetnames:
        raise ReportError(f"the workbook already has a sheet named {title!r}")
    names = dict(segment_names or {})
    texts = dict(question_text or {})
    hints = dict(answer_labels or {})
    ws = workbook.create_sheet(title)
    q, segs = len(tool.questions), list(tool.intercepts.index)
    last = _FIRST + q - 1
    cells = typing_sheet_cells(tool)

    ws["A1"] = "Segment typing tool"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        f"Type the customer's answers in the yellow cells (column C); the segment appears in "
        f"{cells['segment']}. A blank answer counts as the average answer."
    )
    ws["A3"] = (
        f"{tool.method} classifier on {q} golden question(s); cross-validated accuracy "
        f"{tool.cv_accuracy:.1%}."
    )
    header = ["Question", "Wording", "Answer", "Allowed answers", "Answer used"]
    for col, text in enumerate(header + [int(s) for s in segs], start=1):
        ws.cell(row=_FIRST - 2, column=col, value=text).font = _BOLD
    ws.cell(row=_FIRST - 1, column=5, value="Segment name").font = _BOLD
    for i, s in enumerate(segs):
        ws.cell(row=_FIRST - 1, column=6 + i, value=names.get(int(s), f"Segment {s}"))

    for i, name in enumerate(tool.questions):
        row = _FIRST + i
        lo, hi = tool.answer_range.loc[name, "min"], tool.answer_range.loc[name, "max"]
        ws.cell(row=row, column=1, value=name)
        ws.cell(row=row, column=2, value=texts.get(name, ""))
        answer = ws.cell(row=row, column=3)
        answer.fill = _INPUT
        ws.cell(row=row, column=4, value=hints.get(name, f"{_num(lo)} to {_num(hi)}"))
        fill = float(tool.fill_values[name])
        _formula(ws, row, 5, f'=IF(C{row}="",{fill!r},C{row})')
        check = DataValidation(
            type="decimal",
            operator="between",
            formula1=repr(float(lo)),
            formula2=repr(float(hi)),
            allow_blank=True,
            showErrorMessage=True,
            error=f"Answers to {name} run from {_num(lo)} to {_num(hi)}",
        )
        ws.add_data_validation(check)
        check.add(answer.coordinate)
        for j, s in enumerate(segs):
            ws.cell(row=row, column=6 + j, value=float(tool.coefficients.loc[s, name]))

    inter_row, score_row = last + 1, last + 2
    ws.cell(row=inter_row, column=5, value="Intercept").font = _BOLD
    ws.cell(row=score_row, column=5, value="Score").font = _BOLD
    for j, s in enumerate(segs):
        col = get_column_letter(6 + j)
        ws.cell(row=inter_row, column=6 + j, value=float(tool.intercepts.loc[s]))
        _formula(
            ws,
            score_row,
            6 + j,
            f"={col}{inter_row}+SUMPRODUCT({col}{_FIRST}:{col}{last},$E${_FIRST}:$E${last})",
        )
    first_col, last_col = get_column_letter(6), get_column_letter(5 + len(segs))
    scores = f"${first_col}${score_row}:${last_col}${score_row}"
    seg_row = score_row + 2
    ws.cell(row=seg_row, column=2, value="Segment").font = _BOLD
    numbers = f"${first_col}${_FIRST - 2}:${last_col}${_FIRST - 2}"
    _formula(ws, seg_row, 3, f"=INDEX({numbers},MATCH(MAX({scores}),{scores},0))")
    ws.cell(row=seg_row + 1, column=2, value="Segment name").font = _BOLD
    _formula(
        ws,
        seg_row + 1,
        3,
        f"=INDEX(${first_col}${_FIRST - 1}:${last_col}${_FIRST - 1},"
        f"MATCH(MAX({scores}),{scores},0))",
    )
    for r in (seg_row, seg_row + 1):
        ws.cell(row=r, column=3).fill = _RESULT
        ws.cell(row=r, column=3).font = _BOLD
    _accuracy_table(ws, tool, seg_row + 3, names)
    for col, width in zip("ABCDE", (14, 48, 10, 18, 14), strict=True):
        ws.column_dimensions[col].width = width
    for row in range(_FIRST, last + 1):
        ws.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{_FIRST}"
    return ws


def _accuracy_table(ws, tool: TypingTool, top: int, names: Mapping[int, str]) -> None:
    """How accuracy grew with each question added, and how well each segment is recovered."""
    ws.cell(row=top, column=1, value="How many questions").font = _BOLD
    header = ["Questions", "Question added", "CV accuracy", "CV SD", "Kept"]
    for col, text in enumerate(header, start=1):
        ws.cell(row=top + 1, column=col, value=text).font = _BOLD
    for i, rec in enumerate(tool.accuracy.to_dict("records")):
        row = top + 2 + i
        values = [
            int(rec["n_questions"]),
            str(rec["question"]),
            float(rec["cv_accuracy"]),
            float(rec["cv_sd"]),
            "yes" if rec["selected"] else "",
        ]
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value)
        for col in (3, 4):
            ws.cell(row=row, column=col).number_format = "0.0%"
    if tool.cv_recall is None:
        return
    top += len(tool.accuracy) + 3
    ws.cell(row=top, column=1, value="Members put back in their segment").font = _BOLD
    for col, text in enumerate(["Segment", "Name", "CV recall"], start=1):
        ws.cell(row=top + 1, column=col, value=text).font = _BOLD
    for i, (seg, recall) in enumerate(tool.cv_recall.items()):
        row = top + 2 + i
        ws.cell(row=row, column=1, value=int(seg))
        ws.cell(row=row, column=2, value=names.get(int(seg), f"Segment {seg}"))
        ws.cell(row=row, column=3, value=float(recall)).number_format = "0.0%"


def _formula(ws, row: int, column: int, text: str) -> None:
    """Write one of the sheet's own formulas; the only cells the saver keeps live."""
    allow_formula(ws, ws.cell(row=row, column=column, value=text))


def _num(value: float) -> object:
    value = float(value)
    return int(value) if value.is_integer() else round(value, 3)
