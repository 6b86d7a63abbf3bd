"""Render a questionnaire as a Qualtrics Advanced Format TXT file (Survey > Tools > Import).

Layout of the file::

    [[AdvancedFormat]]

    [[Block:<block title>]]
    [[Question:MC:SingleAnswer:Vertical]]
    [[ID:<item id>]]
    <question text>
    [[Choices]]                 (codes 1..n in order; else [[AdvancedChoices]] + [[Choice:<code>]])
    ...

=====================  =====================================================================
questionnaire          Qualtrics
=====================  =====================================================================
single, likert,        ``[[Question:MC:SingleAnswer:Vertical]]``
importance
multi                  ``[[Question:MC:MultipleAnswer:Vertical]]``
grid                   ``[[Question:Matrix]]``: statements under ``[[Choices]]`` (ids 1..n),
                       scale points under ``[[Answers]]`` (or ``[[AdvancedAnswers]]``)
ranking                ``[[Question:RO]]``
numeric                ``[[Question:TE:SingleLine]]``
text                   ``[[Question:TE:Essay]]``
intro, outro, block    ``[[Question:DB]]`` (descriptive text, no data)
instructions
=====================  =====================================================================

A ``[[PageBreak]]`` follows every matrix, every screener and every question that later
display logic in its block depends on (Qualtrics evaluates display logic when a page is
submitted); each ``[[Block:...]]`` starts a new page anyway. Text is written on one line (HTML
allowed), with any ``[[``/``]]`` in it split so that it is never read as a tag.

Counting: the file has one ``[[Question:`` line per question, where a grid is one question and
every other item is one, plus one ``[[Question:DB]]`` per text-only element (intro, outro,
block instructions). Every data question has ``[[ID:<id>]]``, which Qualtrics uses as the
export tag, so exports carry the columns :func:`~research.questionnaire.platforms.export_columns`
lists for ``"qualtrics"``.

The TXT format cannot express required answers, numeric ranges, display logic, screeners,
question randomisation, exclusive options ("None of these") or recode values that do not
start at 1. :func:`setup_notes` lists
those steps; :func:`write_qualtrics` saves them next to the TXT file.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReportError
from .logic import describe_condition, exclusive_options
from .model import Choice, Grid, Item, Questionnaire

__all__ = ["to_qualtrics_txt", "setup_notes", "write_qualtrics"]

_TYPES = {
    "single": "MC:SingleAnswer:Vertical",
    "likert": "MC:SingleAnswer:Vertical",
    "importance": "MC:SingleAnswer:Vertical",
    "multi": "MC:MultipleAnswer:Vertical",
    "ranking": "RO",
    "numeric": "TE:SingleLine",
    "text": "TE:Essay",
}


def _text(text: str) -> str:
    # one line, and never a "[[" or "]]" that the importer would read as a tag
    return " ".join(str(text).split()).replace("[[", "[ [").replace("]]", "] ]")


def _options(options: list[Choice], simple: str, advanced: str, one: str) -> list[str]:
    """Options under ``[[Choices]]`` when their codes are 1..n, else with explicit codes."""
    codes = [c.code for c in options]
    if codes == list(range(1, len(codes) + 1)) or min(codes) < 1:
        # Qualtrics numbers plain options 1..n; codes below 1 cannot be choice ids at all,
        # so those scales keep 1..n here and setup_notes says how to recode them.
        return [simple] + [_text(c.label) for c in options]
    out = [advanced]
    for c in options:
        out += [f"[[{one}:{c.code}]]", _text(c.label)]
    return out


def _question(q: Questionnaire, item: Item) -> list[str]:
    text = _text(item.text)
    if item.instructions:
        text += f"<br><i>{_text(item.instructions)}</i>"
    lines = [f"[[Question:{_TYPES[item.type]}]]", f"[[ID:{item.id}]]", text]
    if item.type not in ("numeric", "text"):
        lines += _options(q.options(item), "[[Choices]]", "[[AdvancedChoices]]", "Choice")
    return lines


def _grid(q: Questionnaire, grid: Grid) -> list[str]:
    text = _text(grid.text)
    if grid.instructions:
        text += f"<br><i>{_text(grid.instructions)}</i>"
    lines = ["[[Question:Matrix]]", f"[[ID:{grid.id}]]", text, "[[Choices]]"]
    lines += [_text(s.text) for s in grid.statements]
    scale = q.all_scales()[grid.scale]
    return lines + _options(scale.labels, "[[Answers]]", "[[AdvancedAnswers]]", "Answer")


def _page_breaks(block) -> set[int]:
    """Positions in `block` after which a new page starts.

    After a matrix (one grid a page, as on a phone), after a screener (so skip logic can end
    the survey before anything else is shown) and after a question that later display logic
    in the same block depends on (Qualtrics evaluates display logic on page submit). Never
    after the last question: the next block starts a new page anyway.
    """
    questions = block.questions
    ids_at = {
        i.id: k for k, x in enumerate(questions) for i in (x.items if isinstance(x, Grid) else [x])
    }
    out = set()
    for k, x in enumerate(questions):
        items = x.items if isinstance(x, Grid) else [x]
        if isinstance(x, Grid) or any(i.screen_out is not None for i in items):
            out.add(k)
        if x.show_if is not None and x.show_if.item in ids_at and ids_at[x.show_if.item] < k:
            out.add(ids_at[x.show_if.item])
    return {k for k in out if k < len(questions) - 1}


def to_qualtrics_txt(q: Questionnaire) -> str:
    """The Advanced Format TXT text of a questionnaire.

    Parameters
    ----------
    q : Questionnaire

    Returns
    -------
    str
        Starts with ``[[AdvancedFormat]]``; see the module docstring for the layout.
    """
    out = ["[[AdvancedFormat]]", ""]
    taken = {x.id for x in q.questions} | {i.id for i in q.items}

    def fresh(name: str) -> str:
        while name in taken:
            name = f"{name}_text"
        taken.add(name)
        return name

    for b, block in enumerate(q.blocks):
        out += [f"[[Block:{_text(block.title) or block.id}]]", ""]
        if b == 0 and q.intro.strip():
            out += ["[[Question:DB]]", f"[[ID:{fresh('intro')}]]", _text(q.intro), ""]
        if block.instructions:
            out += [
                "[[Question:DB]]",
                f"[[ID:{fresh(block.id + '_instructions')}]]",
                _text(block.instructions),
            ]
            out.append("")
        breaks = _page_breaks(block)
        for k, question in enumerate(block.questions):
            lines = _grid(q, question) if isinstance(question, Grid) else _question(q, question)
            out += lines + [""]
            if k in breaks:
                out += ["[[PageBreak]]", ""]
    if q.outro.strip():
        out += ["[[Question:DB]]", f"[[ID:{fresh('outro')}]]", _text(q.outro), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def setup_notes(q: Questionnaire) -> list[str]:
    """Steps to finish in the Qualtrics editor that the TXT format cannot carry."""
    notes: list[str] = []
    for block in q.blocks:
        name = _text(block.title) or block.id
        if block.randomize:
            notes.append(f"Block '{name}': Block options > Question randomization > all.")
        if block.show_if is not None:
            cond = describe_condition(q, block.show_if, q.item(block.show_if.item))
            notes.append(f"Block '{name}': in Survey flow, show it only if {cond}.")
        for question in block.questions:
            if question.show_if is not None:
                cond = describe_condition(q, question.show_if, q.item(question.show_if.item))
                notes.append(f"{question.id}: add display logic, show only if {cond}.")
            if question.required:
                notes.append(f"{question.id}: turn on Force response.")
            items = question.items if isinstance(question, Grid) else [question]
            for item in items:
                if item.screen_out is not None:
                    cond = describe_condition(q, item.screen_out, item)
                    notes.append(
                        f"{item.id}: screener; in Survey flow add a branch after its block: "
                        f"if {cond}, End of Survey."
                    )
                if item.type == "numeric" and (item.min is not None or item.max is not None):
                    lo = "" if item.min is None else f"min {item.min:g}"
                    hi = "" if item.max is None else f"max {item.max:g}"
                    notes.append(
                        f"{item.id}: Validation > Content type > Number, {' '.join([lo, hi]).strip()}."
                    )
            alone = exclusive_options(q, items[0])
            if alone:
                names = ", ".join(repr(c.label) for c in alone)
                notes.append(
                    f"{question.id}: make {names} exclusive (choice options > Make answer "
                    "exclusive)."
                )
            options = q.options(items[0])
            if options and min(c.code for c in options) < 1 and not isinstance(question, Grid):
                codes = ", ".join(str(c.code) for c in options)
                notes.append(f"{question.id}: Recode values to {codes} (or export choice text).")
            if isinstance(question, Grid) and min(c.code for c in options) < 1:
                codes = ", ".join(str(c.code) for c in options)
                notes.append(f"{question.id}: Recode values of the scale to {codes}.")
    return notes


def write_qualtrics(q: Questionnaire, path: str | Path) -> Path:
    """Write the Advanced Format TXT (UTF-8) and, when needed, ``<stem>-setup.txt`` next to it.

    Returns
    -------
    Path
        The TXT file.

    Raises
    ------
    ReportError
        A file cannot be written.
    """
    path = Path(path)
    notes = setup_notes(q)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_qualtrics_txt(q), encoding="utf-8")
        if notes:
            head = f"Finish '{q.title}' in Qualtrics after importing {path.name}:\n"
            body = "".join(f"- {n}\n" for n in notes)
            path.with_name(f"{path.stem}-setup.txt").write_text(head + body, encoding="utf-8")
    except OSError as exc:
        raise ReportError(
            f"cannot write Qualtrics file: {exc.strerror or exc}", path=path
        ) from None
    return path
