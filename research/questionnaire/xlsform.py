"""Render a questionnaire as an XLSForm for ODK Collect, Enketo, KoboToolbox and similar tools.

The workbook has the three standard sheets (https://xlsform.org):

``survey``
    One ``begin group``/``end group`` pair per block (name = block id, label = block title,
    hint = block instructions), preceded by a ``note`` with the questionnaire's intro text and
    followed by one with its outro. Blocks made only of single Likert and importance items get
    ``appearance: field-list`` so they show on one screen; a grid (``type: grid``) is a nested
    ``field-list`` group named by the grid id, labelled with the grid's question, holding one
    ``select_one`` per statement; scale items get ``appearance: likert``. Item types map as
    follows:

    =========================  ================================================
    questionnaire              XLSForm
    =========================  ================================================
    likert, importance, single ``select_one <list>``
    multi                      ``select_multiple <list>``
    ranking                    ``rank <list>``
    numeric                    ``integer`` when every given bound is a whole
                               number, else ``decimal``; ``constraint`` from
                               ``min``/``max`` and the unit as ``hint``
    text                       ``text``
    =========================  ================================================

    ``relevant`` comes from ``show_if`` (on a block, grid or item, e.g.
    ``${purchase_freq} = '4' or ${purchase_freq} = '5'``; ``selected(...)`` for a multiple
    choice; ``>=``/``<=`` for a numeric range). A screener (``screen_out``) is followed by a
    ``note`` with its message, relevant when the respondent is screened out, and every later
    question and block gets ``not(...)`` of that condition, so the form ends there.

    Two extra columns carry the codebook: ``construct`` and ``reverse`` (``yes``/``no`` for
    items with a construct or reverse keying). Reverse-keyed items are asked as written; the
    importer reverses their codes. Attention checks are ordinary ``select_one`` items.
    XLSForm tools ignore extra columns (pyxform accepts them without warnings).

    A multiple choice with an option such as "None of these", "Don't know" or "Prefer not to
    say" gets a ``constraint`` that stops it being ticked with another option. Text is written
    as is, except that ``${`` becomes ``$ {``: XLSForm would read it as a field reference.

``choices``
    One list per scale (``list_name`` = scale id) and one per item with its own choices
    (``list_name`` = item id). A choice's ``name`` is its numeric code, so exported data are
    the codes the importer expects, and ``label`` is what respondents see.

``settings``
    ``form_title``, ``form_id`` (questionnaire id with ``-`` replaced by ``_``), ``version``,
    ``default_language`` (the questionnaire's language, which the untranslated ``label``
    column is written in, as XLSForm names languages: ``English (en)``, so a translation added
    later as ``label::French (fr)`` sits beside it) and ``style: pages`` (web forms show one
    question, or one field-list group, per page, as on a phone).

Names: block, grid and item ids share one namespace (``${name}`` must be unambiguous) and
``meta`` is reserved; the loader rejects both, :func:`to_xlsform` checks again for questionnaires
built in code.

Randomised blocks: XLSForm's ``randomize=true`` parameter only shuffles the *choices* of a
select or rank question; ODK cannot randomise the order of questions in a group, and pyxform
silently drops the parameter on a ``begin group`` row. So a block with ``randomize: true`` is
rendered in questionnaire order, with a ``comment`` on its ``begin group`` row saying the order
should be randomised in the survey platform. Answer options are never shuffled: scales keep
their order.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import QuestionnaireError, ReportError
from .logic import condition_xpath, exclusive_options
from .model import SCALE_TYPES, Grid, Item, Questionnaire
from .workbook import workbook_bytes

__all__ = ["SURVEY_COLUMNS", "CHOICES_COLUMNS", "SETTINGS_COLUMNS", "to_xlsform", "write_xlsform"]

#: Columns of the ``survey`` sheet, in order (the last three are extra, codebook-only columns).
SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "appearance",
    "constraint",
    "constraint_message",
    "relevant",
    "construct",
    "reverse",
    "comment",
)
#: Columns of the ``choices`` sheet.
CHOICES_COLUMNS = ("list_name", "name", "label")
#: Columns of the ``settings`` sheet.
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language", "style")

_SELECT = {
    "likert": "select_one",
    "importance": "select_one",
    "single": "select_one",
    "multi": "select_multiple",
    "ranking": "rank",
}
_RANDOMIZE_COMMENT = (
    "Randomise the order of these items in the survey platform: XLSForm cannot randomise "
    "question order."
)
_SCREENED_OUT = "Thank you. Those are all the questions we have for you today."
#: ISO 639-1 code -> language name, for ``default_language`` written as XLSForm asks:
#: ``English (en)``, the same form translated columns use (``label::French (fr)``).
_LANGUAGES = {
    "ar": "Arabic",
    "da": "Danish",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nb": "Norwegian Bokmål",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "sw": "Swahili",
    "tr": "Turkish",
    "zh": "Chinese",
}


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _safe(text: str) -> str:
    """Text as XLSForm shows it: ``${`` would be read as a reference to a field."""
    return str(text).replace("${", "$ {")


def _language(code: str) -> str:
    code = code.strip()
    name = _LANGUAGES.get(code.lower())
    return f"{name} ({code.lower()})" if name else code


def _numeric_row(item: Item) -> dict[str, str]:
    bounds = [b for b in (item.min, item.max) if b is not None]
    whole = bool(bounds) and all(float(b).is_integer() for b in bounds)
    row = {"type": "integer" if whole else "decimal"}
    if item.min is not None and item.max is not None:
        row["constraint"] = f". >= {_number(item.min)} and . <= {_number(item.max)}"
        row["constraint_message"] = (
            f"Enter a number from {_number(item.min)} to {_number(item.max)}."
        )
    elif item.min is not None:
        row["constraint"] = f". >= {_number(item.min)}"
        row["constraint_message"] = f"Enter a number of at least {_number(item.min)}."
    elif item.max is not None:
        row["constraint"] = f". <= {_number(item.max)}"
        row["constraint_message"] = f"Enter a number no greater than {_number(item.max)}."
    if item.unit:
        row["hint"] = f"In {item.unit}."
    return row


def _list_names(q: Questionnaire) -> dict[str, str]:
    """Item id -> choice list name for every select and rank item.

    Scale items share the list named after their scale; items with their own choices get a list
    named after the item (suffixed with ``_choices`` in the unlikely case that an item id is
    also the id of a scale in use).
    """
    scale_lists = {
        item.scale_id for item in q.items if item.type in _SELECT and item.choices is None
    }
    out: dict[str, str] = {}
    for item in q.items:
        if item.type not in _SELECT:
            continue
        if item.choices is None:
            out[item.id] = str(item.scale_id)
        else:
            out[item.id] = f"{item.id}_choices" if item.id in scale_lists else item.id
    return out


def _and(*parts: str) -> str:
    # condition_xpath already brackets every "or", so joining with "and" is safe
    return " and ".join(p for p in parts if p)


def _item_row(q: Questionnaire, item: Item, lists: dict[str, str], relevant: str) -> dict:
    row: dict[str, str] = {"name": item.id, "label": _safe(item.text)}
    if item.instructions:
        row["hint"] = _safe(item.instructions)
    if item.type in _SELECT:
        row["type"] = f"{_SELECT[item.type]} {lists[item.id]}"
        if item.type in SCALE_TYPES:
            row["appearance"] = "likert"
        alone = exclusive_options(q, item)
        if alone:
            # "None of these" and the like cannot be ticked together with another option
            row["constraint"] = " and ".join(
                f"not(selected(., '{c.code}') and count-selected(.) > 1)" for c in alone
            )
            names = " or ".join(repr(c.label) for c in alone)
            row["constraint_message"] = _safe(f"{names} cannot be combined with other answers.")
    elif item.type == "numeric":
        row.update(_numeric_row(item))
    else:
        row["type"] = "text"
    if item.required:
        row["required"] = "yes"
    if item.construct:
        row["construct"] = item.construct
    if item.construct or item.reverse:
        row["reverse"] = "yes" if item.reverse else "no"
    own = "" if item.show_if is None or item.grid else _show(q, item.show_if)
    row["relevant"] = _and(relevant, own)
    return row


def _show(q: Questionnaire, cond) -> str:
    return condition_xpath(q, cond, q.item(cond.item))


def _survey(q: Questionnaire, lists: dict[str, str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    names = {b.id for b in q.blocks} | {i.id for i in q.items} | {g.id for g in q.questions}

    def fresh(name: str) -> str:
        while name in names:
            name = f"{name}_note"
        names.add(name)
        return name

    if q.intro.strip():
        rows.append(
            {"type": "note", "name": fresh("intro"), "label": _safe(" ".join(q.intro.split()))}
        )
    carried: list[str] = []  # "not screened out" conditions from earlier blocks
    for block in q.blocks:
        grid = all(isinstance(x, Item) and x.type in SCALE_TYPES for x in block.questions)
        begin = {"type": "begin group", "name": block.id, "label": _safe(block.title)}
        if block.instructions:
            begin["hint"] = _safe(block.instructions)
        if grid:
            begin["appearance"] = "field-list"
        if block.randomize:
            begin["comment"] = _RANDOMIZE_COMMENT
        show = "" if block.show_if is None else _show(q, block.show_if)
        begin["relevant"] = _and(*carried, show)
        rows.append(begin)
        local: list[str] = []  # screeners earlier in this block
        for question in block.questions:
            if isinstance(question, Grid):
                own = "" if question.show_if is None else _show(q, question.show_if)
                rows.append(
                    {
                        "type": "begin group",
                        "name": question.id,
                        "label": _safe(question.text),
                        "hint": _safe(question.instructions),
                        "appearance": "field-list",
                        "relevant": _and(*local, own),
                    }
                )
                rows += [_item_row(q, item, lists, "") for item in question.items]
                rows.append({"type": "end group", "name": question.id})
                continue
            rows.append(_item_row(q, question, lists, _and(*local)))
            if question.screen_out is not None:
                out = condition_xpath(q, question.screen_out, question)
                rows.append(
                    {
                        "type": "note",
                        "name": fresh(f"{question.id}_screened_out"),
                        "label": _safe(question.screen_out.message or _SCREENED_OUT),
                        "relevant": out,
                    }
                )
                local.append(f"not({out})")
        rows.append({"type": "end group", "name": block.id})
        carried += local
    if q.outro.strip():
        rows.append(
            {
                "type": "note",
                "name": fresh("outro"),
                "label": _safe(" ".join(q.outro.split())),
                "relevant": _and(*carried),
            }
        )
    return rows


def _choices(q: Questionnaire, lists: dict[str, str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    done: set[str] = set()
    for item in q.items:
        list_name = lists.get(item.id)
        if list_name is None or list_name in done:
            continue
        done.add(list_name)
        try:
            options = q.options(item)
        except KeyError:
            raise QuestionnaireError(
                f"item {item.id!r}: scale {item.scale_id!r} is not defined"
            ) from None
        rows.extend(
            {"list_name": list_name, "name": str(c.code), "label": _safe(c.label)} for c in options
        )
    return rows


def _frame(rows: list[dict[str, str]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        [[row.get(col, "") for col in columns] for row in rows], columns=list(columns), dtype=object
    )


def to_xlsform(q: Questionnaire) -> dict[str, pd.DataFrame]:
    """Render a questionnaire as the sheets of an XLSForm.

    Parameters
    ----------
    q : Questionnaire
        A validated questionnaire (see :func:`research.questionnaire.load_questionnaire`).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"survey"``, ``"choices"`` and ``"settings"`` in that order. Every cell is a string;
        an empty string means an empty cell. The columns are :data:`SURVEY_COLUMNS`,
        :data:`CHOICES_COLUMNS` and :data:`SETTINGS_COLUMNS`.

    Raises
    ------
    QuestionnaireError
        An item refers to a scale that neither the questionnaire nor the library defines
        (only possible for a questionnaire built in code rather than loaded from YAML), or two
        blocks share an id.

    Notes
    -----
    See the module docstring for the mapping. A block with ``randomize: true`` keeps its
    written order and gets a ``comment``, because XLSForm cannot randomise question order.

    Examples
    --------
    >>> from research.questionnaire import load_questionnaire
    >>> sheets = to_xlsform(load_questionnaire("questionnaires/examples/thrift-shoppers.yaml"))
    >>> sheets["settings"].loc[0, "form_id"]
    'thrift_shoppers'
    """
    seen: set[str] = set()
    names = [b.id for b in q.blocks] + [x.id for x in q.questions if isinstance(x, Grid)]
    for name in names + [i.id for i in q.items]:
        what = "block" if name in {b.id for b in q.blocks} else "item"
        if name in seen:
            raise QuestionnaireError(
                f"{what} id {name!r} is used twice; XLSForm needs every name to be unique"
            )
        if name.lower() == "meta":
            raise QuestionnaireError(f"{what} id {name!r} is reserved by XLSForm for form metadata")
        seen.add(name)
    lists = _list_names(q)
    settings = {
        "form_title": _safe(q.title),
        "form_id": q.id.replace("-", "_"),
        "version": q.version,
        "default_language": _language(q.language),
        "style": "pages",
    }
    return {
        "survey": _frame(_survey(q, lists), SURVEY_COLUMNS),
        "choices": _frame(_choices(q, lists), CHOICES_COLUMNS),
        "settings": _frame([settings], SETTINGS_COLUMNS),
    }


def write_xlsform(q: Questionnaire, path: str | Path) -> Path:
    """Write a questionnaire as an XLSForm workbook.

    Parameters
    ----------
    q : Questionnaire
        A validated questionnaire.
    path : str or Path
        The ``.xlsx`` file to write; missing parent folders are created.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ReportError
        The file cannot be written.
    QuestionnaireError
        As for :func:`to_xlsform`.

    Notes
    -----
    Header rows are bold and frozen. The workbook's created/modified timestamps and the zip
    entry times are fixed, so the same questionnaire always gives byte-identical files.
    """
    path = Path(path)
    data = workbook_bytes(to_xlsform(q))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ReportError(f"cannot write XLSForm: {exc.strerror or exc}", path=path) from None
    return path
