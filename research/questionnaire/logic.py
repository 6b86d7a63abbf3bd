"""Display logic and screeners: resolve conditions to codes, write them for each platform."""

from __future__ import annotations

import re

from .model import Choice, Condition, Item, Questionnaire

__all__ = [
    "EXCLUSIVE_LABEL",
    "condition_codes",
    "condition_xpath",
    "describe_condition",
    "exclusive_options",
    "screen_outs",
]

#: Option labels of a multiple-choice item that exclude every other answer.
EXCLUSIVE_LABEL = re.compile(
    r"^(none|none of (these|the above|them)|nothing|no(ne)?,? not applicable|"
    r"(i )?(don't|do not) know|not sure|prefer not to (say|answer))\W*$",
    re.IGNORECASE,
)


def _norm(text: str) -> str:
    return " ".join(str(text).lower().split())


def condition_codes(q: Questionnaire, cond: Condition, item: Item) -> list[int]:
    """Codes the condition's ``equals``/``any_of`` name among `item`'s options.

    Labels match case- and whitespace-insensitively; integers (or digit strings) are codes.

    Raises
    ------
    KeyError
        A value is neither a label nor a code of the item (the loader reports it first).
    """
    options = q.options(item)
    by_label = {_norm(c.label): c.code for c in options}
    codes = {c.code for c in options}
    out: list[int] = []
    for value in cond.values:
        if isinstance(value, str) and _norm(value) in by_label:
            out.append(by_label[_norm(value)])
        elif isinstance(value, int) and value in codes:
            out.append(value)
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            if int(value) not in codes:
                raise KeyError(value)
            out.append(int(value))
        else:
            raise KeyError(value)
    return out


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def condition_xpath(q: Questionnaire, cond: Condition, item: Item) -> str:
    """An XLSForm expression true when `item`'s answer meets `cond` (``${name}`` syntax)."""
    ref = f"${{{item.id}}}"
    if cond.min is not None or cond.max is not None:
        parts = []
        if cond.min is not None:
            parts.append(f"{ref} >= {_number(cond.min)}")
        if cond.max is not None:
            parts.append(f"{ref} <= {_number(cond.max)}")
        return f"({ref} != '' and " + " and ".join(parts) + ")"
    codes = condition_codes(q, cond, item)
    if item.type in ("multi", "ranking"):
        terms = [f"selected({ref}, '{c}')" for c in codes]
    else:
        terms = [f"{ref} = '{c}'" for c in codes]
    return terms[0] if len(terms) == 1 else "(" + " or ".join(terms) + ")"


def describe_condition(q: Questionnaire, cond: Condition, item: Item) -> str:
    """Plain words for a reviewer: ``Q3 is 'Weekly' or 'Daily'``."""
    if cond.min is not None and cond.max is not None:
        return f"{item.id} is from {_number(cond.min)} to {_number(cond.max)}"
    if cond.min is not None:
        return f"{item.id} is at least {_number(cond.min)}"
    if cond.max is not None:
        return f"{item.id} is at most {_number(cond.max)}"
    labels = {c.code: c.label for c in q.options(item)}
    names = " or ".join(repr(labels[c]) for c in condition_codes(q, cond, item))
    verb = "includes" if item.type == "multi" else "is"
    return f"{item.id} {verb} {names}"


def exclusive_options(q: Questionnaire, item: Item) -> list[Choice]:
    """Options of a multiple-choice item that cannot be ticked with another one.

    "None of these", "Don't know", "Prefer not to say" and the like (:data:`EXCLUSIVE_LABEL`):
    the XLSForm gets a constraint, the Qualtrics setup notes say to make them exclusive.
    Empty for every other item type.
    """
    if item.type != "multi":
        return []
    return [c for c in q.options(item) if EXCLUSIVE_LABEL.match(_norm(c.label).replace("’", "'"))]


def screen_outs(q: Questionnaire) -> list[Item]:
    """Items that end the survey for some answers, in questionnaire order."""
    return [i for i in q.items if i.screen_out is not None]
