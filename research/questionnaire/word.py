"""Render a questionnaire as a Word document for review with stakeholders (python-docx).

The document opens with the title, the intro respondents read and a short note for reviewers;
then one heading per block with its instructions, and numbered questions. Every question shows
its id (the column name in the data), routing (``Ask if ...``, ``Ends the survey if ...``) and
its answers: options and scales as tables with their codes, a grid as a table of statements by
scale points, a numeric range, or room for an open answer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import ReportError
from .logic import describe_condition, exclusive_options
from .model import Choice, Grid, Item, Questionnaire

__all__ = ["to_docx", "write_docx"]

_REVIEW_NOTE = (
    "For review. Questions are numbered in the order respondents see them; the id in brackets "
    "is the column name in the data. Numbers in the answer tables are the codes answers are "
    "stored as. (R) marks a reverse-keyed statement: agreement counts against its dimension. "
    "Blocks marked 'shown in random order' are shuffled for each respondent. (check) marks an "
    "attention check, a statement with one right answer that flags careless respondents."
)
_FIXED_TIME = dt.datetime(2000, 1, 1)


def _small(paragraph, text: str, *, italic: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    run.font.size = Pt(8.5)
    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    run.italic = italic


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def _options_table(doc, options: list[Choice], horizontal: bool) -> None:
    if horizontal:
        _table(doc, [c.label for c in options], [[str(c.code) for c in options]])
    else:
        _table(doc, ["Code", "Answer"], [[str(c.code), c.label] for c in options])


def _answer_hint(item: Item) -> str:
    return {
        "multi": "Select all that apply.",
        "ranking": "Rank in order of preference (1 = first).",
        "text": "Open answer.",
    }.get(item.type, "")


def _logic(q: Questionnaire, doc, show_if, screen_items: list[Item]) -> None:
    if show_if is not None:
        _small(
            doc.add_paragraph(), f"Ask if {describe_condition(q, show_if, q.item(show_if.item))}."
        )
    for item in screen_items:
        text = describe_condition(q, item.screen_out, item)
        _small(doc.add_paragraph(), f"Ends the survey if {text}.", italic=True)


def _question(q: Questionnaire, doc, number: int, question: Item | Grid) -> None:
    para = doc.add_paragraph()
    para.add_run(f"{number}. ").bold = True
    para.add_run(" ".join(question.text.split())).bold = True
    _small(para, f"  [{question.id}]")
    if question.required:
        _small(para, "  required")
    if question.instructions:
        _small(doc.add_paragraph(), question.instructions, italic=True)
    screens = [question] if isinstance(question, Item) and question.screen_out else []
    _logic(q, doc, question.show_if, screens)
    if isinstance(question, Grid):
        scale = q.all_scales()[question.scale].labels
        header = ["Statement"] + [f"{c.label} ({c.code})" for c in scale]
        rows = [
            [
                f"{s.text}{' (R)' if s.reverse else ''}{' (check)' if s.attention_check else ''}"
                f"  [{s.id}]"
            ]
            + [""] * len(scale)
            for s in question.statements
        ]
        _table(doc, header, rows)
        return
    hint = _answer_hint(question)
    if hint and hint.lower().rstrip(".") in question.instructions.lower():
        hint = ""  # the instructions already say it
    alone = exclusive_options(q, question)
    if alone:
        names = " or ".join(repr(c.label) for c in alone)
        hint = f"{hint} {names} cannot be combined with other answers.".strip()
    if question.attention_check:
        hint = (hint + f" Attention check: expected answer {question.attention_check!r}.").strip()
    if question.reverse:
        hint = (hint + " Reverse-keyed (R).").strip()
    if hint:
        _small(doc.add_paragraph(), hint, italic=True)
    if question.type == "numeric":
        lo, hi = question.min, question.max
        rng = (
            f"from {lo:g} to {hi:g}"
            if lo is not None and hi is not None
            else f"at least {lo:g}"
            if lo is not None
            else f"at most {hi:g}"
            if hi is not None
            else "any number"
        )
        unit = f" ({question.unit})" if question.unit else ""
        doc.add_paragraph(f"Number {rng}{unit}: ________")
    elif question.type == "text":
        doc.add_paragraph("_" * 60)
    else:
        options = q.options(question)
        _options_table(doc, options, horizontal=question.type in ("likert", "importance"))


def to_docx(q: Questionnaire):
    """Build the review document.

    Parameters
    ----------
    q : Questionnaire

    Returns
    -------
    docx.document.Document
        Not yet saved; see :func:`write_docx`.
    """
    from docx import Document

    doc = Document()
    doc.core_properties.title = q.title
    doc.core_properties.author = "research"
    doc.core_properties.created = _FIXED_TIME
    doc.core_properties.modified = _FIXED_TIME
    doc.core_properties.last_modified_by = "research"
    doc.core_properties.revision = 1
    doc.add_heading(q.title, level=0)
    _small(doc.add_paragraph(), f"Questionnaire {q.id}, version {q.version} ({q.language})")
    _small(doc.add_paragraph(), _REVIEW_NOTE, italic=True)
    if q.intro.strip():
        doc.add_heading("Introduction read by respondents", level=2)
        doc.add_paragraph(" ".join(q.intro.split()))
    number = 0
    for block in q.blocks:
        doc.add_heading(block.title or block.id, level=1)
        notes = [f"Block {block.id}"] + (["shown in random order"] if block.randomize else [])
        _small(doc.add_paragraph(), "; ".join(notes))
        if block.instructions:
            doc.add_paragraph(block.instructions).runs[0].italic = True
        _logic(q, doc, block.show_if, [])
        for question in block.questions:
            number += 1
            _question(q, doc, number, question)
    if q.outro.strip():
        doc.add_heading("Closing text", level=2)
        doc.add_paragraph(" ".join(q.outro.split()))
    _dimensions(q, doc)
    return doc


def _dimensions(q: Questionnaire, doc) -> None:
    """Appendix for reviewers: each intended dimension, its items and the scale it adapts."""
    if not q.constructs:
        return
    doc.add_heading("Dimensions measured", level=1)
    _small(
        doc.add_paragraph(),
        "The attitude and needs statements are written to measure these dimensions; (R) marks "
        "a reverse-keyed statement. Sources are the validated scales the wording adapts.",
        italic=True,
    )
    rows = []
    for c in q.constructs:
        members = [i for i in q.scale_items() if i.construct == c.id]
        items = ", ".join(f"{i.id}{' (R)' if i.reverse else ''}" for i in members)
        rows.append([c.label, c.description, items, c.source or "Written for this study"])
    _table(doc, ["Dimension", "What it means", "Items", "Source"], rows)


def write_docx(q: Questionnaire, path: str | Path) -> Path:
    """Write the review document (``.docx``).

    Raises
    ------
    ReportError
        The file cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        to_docx(q).save(str(path))
    except OSError as exc:
        raise ReportError(f"cannot write Word document: {exc.strerror or exc}", path=path) from None
    return path
