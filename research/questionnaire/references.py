"""Cross-field checks pydantic cannot do alone, each located in the file it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import QuestionnaireError, suggest
from .logic import condition_codes
from .model import Condition, Grid, Item, Questionnaire

if TYPE_CHECKING:
    from .loader import Sources

__all__ = ["RESERVED_NAMES", "check_references"]


def _condition(
    q: Questionnaire,
    cond: Condition,
    target: Item,
    owner: str,
    key: str,
    loc: tuple,
    src: Sources,
) -> list[QuestionnaireError]:
    """Check a show_if / screen_out against the item it looks at."""
    out = []
    numeric = cond.min is not None or cond.max is not None
    if numeric and target.type != "numeric":
        out.append(
            src.error(
                f"{owner}: {key} uses min/max, but {target.id!r} is a {target.type} item; "
                "use 'equals' or 'any_of' with its options",
                loc,
            )
        )
    elif not numeric and target.type in ("numeric", "text"):
        out.append(
            src.error(
                f"{owner}: {key} names options, but {target.id!r} is a {target.type} item"
                + ("; use 'min'/'max'" if target.type == "numeric" else ""),
                loc,
            )
        )
    elif not numeric:
        labels = [c.label for c in q.options(target)]
        for value in cond.values:
            try:
                condition_codes(q, Condition(equals=value), target)
            except KeyError:
                out.append(
                    src.error(
                        f"{owner}: {key} value {value!r} is not an option of {target.id!r}"
                        f"{suggest(str(value), labels)}; options are {labels}",
                        loc,
                    )
                )
    return out


def _show_if(q, cond, owner, loc, order, position, src) -> list[QuestionnaireError]:
    ref = cond.item
    if ref not in order and ref in {i.id for i in q.items}:
        return [
            src.error(
                f"{owner}: show_if refers to {ref!r}, which is not asked before it", loc + ("item",)
            )
        ]
    if ref not in order and ref in {r for r, _ in src.raw_item_ids}:
        return []  # that item is invalid and already reported
    if ref not in order:
        return [
            src.error(
                f"{owner}: show_if refers to unknown item {ref!r}{suggest(ref, order)}",
                loc + ("item",),
            )
        ]
    if order[ref] >= position:
        return [
            src.error(
                f"{owner}: show_if refers to {ref!r}, which is not asked before it", loc + ("item",)
            )
        ]
    return _condition(q, cond, q.item(ref), owner, "show_if", loc, src)


def _duplicates(ids: list[tuple[str, tuple]], what: str, src: Sources) -> list:
    out = []
    first: dict[str, tuple] = {}
    for key, loc in ids:
        if key in first:
            path, line = src.locate(first[key] + ("id",))
            here = src.locate(loc + ("id",))[0]
            out.append(
                src.error(
                    f"{what} id {key!r} is used twice (first at line {line}"
                    + (f" of {path}" if path != here else "")
                    + ")",
                    loc + ("id",),
                )
            )
        first.setdefault(key, loc)
    return out


#: Names XLSForm tools reserve for themselves (pyxform adds a ``meta`` group to every form).
RESERVED_NAMES = ("meta",)


def _names(src: Sources) -> list[QuestionnaireError]:
    """Block and question ids share one namespace in an XLSForm, and 'meta' is taken."""
    out = []
    items = {key: loc for key, loc in reversed(src.raw_item_ids)}
    for key, loc in src.raw_block_ids:
        if key in items:
            path, line = src.locate(items[key] + ("id",))
            here = src.locate(loc + ("id",))[0]
            out.append(
                src.error(
                    f"block id {key!r} is also the id of the item at line {line}"
                    + (f" of {path}" if path != here else "")
                    + "; XLSForm needs every name to be unique, rename one",
                    loc + ("id",),
                )
            )
    for key, loc in [*src.raw_block_ids, *src.raw_item_ids]:
        if key.lower() in RESERVED_NAMES:
            out.append(
                src.error(
                    f"id {key!r} is reserved by XLSForm for form metadata; choose another",
                    loc + ("id",),
                )
            )
    return out


def check_references(q: Questionnaire, src: Sources) -> list[QuestionnaireError]:
    """Unique ids (blocks and items share one namespace), known scales and constructs, attention checks, display logic, screeners.

    Parameters
    ----------
    q : Questionnaire
        A (possibly partial) questionnaire.
    src : Sources
        Where each block and item was written.

    Returns
    -------
    list of QuestionnaireError
        One per problem, in file order.
    """
    errors: list[QuestionnaireError] = []
    scales = q.all_scales()
    constructs = {c.id for c in q.constructs}
    errors += _duplicates(src.raw_block_ids, "block", src)
    errors += _duplicates(src.raw_item_ids, "item", src)
    errors += _names(src)
    order: dict[str, int] = {}
    position = 0
    for b, block in enumerate(q.blocks):
        block_start = position
        bloc = src.loc_of(block, ("blocks", b))
        if block.show_if is not None:
            errors += _show_if(
                q,
                block.show_if,
                f"block {block.id!r}",
                bloc + ("show_if",),
                order,
                block_start,
                src,
            )
        for i, question in enumerate(block.questions):
            qloc = src.loc_of(question, bloc + ("items", i))
            scale = question.scale
            if scale is not None and scale not in scales:
                errors.append(
                    src.error(
                        f"item {question.id!r}: scale {scale!r} is not defined{suggest(scale, scales)}",
                        qloc + ("scale",),
                    )
                )
            if question.show_if is not None:
                errors += _show_if(
                    q,
                    question.show_if,
                    f"item {question.id!r}",
                    qloc + ("show_if",),
                    order,
                    position,
                    src,
                )
            items = question.items if isinstance(question, Grid) else [question]
            for k, item in enumerate(items):
                iloc = qloc
                if isinstance(question, Grid):
                    # the statement's own place in the file (a salvaged grid may skip some)
                    known = src.items.get(item.id, ())
                    iloc = known if known[: len(qloc)] == qloc else qloc + ("statements", k)
                if item.construct is not None and constructs and item.construct not in constructs:
                    key = "construct" if (iloc + ("construct",)) in src.where else None
                    errors.append(
                        src.error(
                            f"item {item.id!r}: construct {item.construct!r} is not declared under "
                            f"'constructs'{suggest(item.construct, constructs)}",
                            iloc + ((key,) if key else ("construct",)),
                        )
                    )
                if item.attention_check is not None and item.scale_id in scales:
                    labels = [c.label for c in q.options(item)]
                    if item.attention_check not in labels:
                        errors.append(
                            src.error(
                                f"item {item.id!r}: expected answer {item.attention_check!r} is not "
                                f"a label of its scale{suggest(item.attention_check, labels)}",
                                iloc + ("attention_check",),
                            )
                        )
                if item.screen_out is not None and item.type == "text":
                    errors.append(
                        src.error(
                            f"item {item.id!r}: a text item cannot screen respondents out",
                            iloc + ("screen_out",),
                        )
                    )
                elif item.screen_out is not None and item.scale_id in (None, *scales):
                    errors += _condition(
                        q,
                        item.screen_out,
                        item,
                        f"item {item.id!r}",
                        "screen_out",
                        iloc + ("screen_out",),
                        src,
                    )
                order.setdefault(item.id, position)
                position += 1
    return sorted(errors, key=lambda e: (e.path or "", e.line or 0))
