"""Load a questionnaire from YAML with errors that name the file, line and field.

Loading collects every problem it can find in one pass (each part is validated on its own, then
cross-references are checked on the parts that are valid), so ``research questionnaire check``
lists them all at once. :func:`load_questionnaire` raises :class:`QuestionnaireErrors`, whose
message is the first problem and whose ``errors`` holds them all. ``include:`` of library
modules and other files is expanded first (see :mod:`research.questionnaire.include`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .._yaml import describe_errors, read_yaml
from ..errors import QuestionnaireError, suggest
from .include import LIBRARY_DIR, compose_includes, library_modules
from .model import ITEM_TYPES, Block, Construct, Grid, Item, Questionnaire, Scale, Statement
from .references import check_references

__all__ = [
    "LIBRARY_DIR",
    "QuestionnaireErrors",
    "Sources",
    "library_modules",
    "load_questionnaire",
    "parse_questionnaire",
    "read_questionnaire",
]

_PLACEHOLDER = {"id": "placeholder__", "type": "text", "text": "placeholder"}


class QuestionnaireErrors(QuestionnaireError):
    """Several problems in one questionnaire; the message is the first, ``errors`` holds all."""

    def __init__(self, errors: list[QuestionnaireError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        more = len(self.errors) - 1
        message = first.message + (
            f" (and {more} more problem{'s' * (more > 1)}: run `research questionnaire check`)"
            if more
            else ""
        )
        super().__init__(message, path=first.path, line=first.line, column=first.column)


@dataclass
class Sources:
    """Where each part of a composed questionnaire was written: key path -> (file, line)."""

    where: dict[tuple, tuple[str, int]] = field(default_factory=dict)
    items: dict[str, tuple] = field(default_factory=dict)
    blocks: dict[str, tuple] = field(default_factory=dict)
    #: Every item, grid, statement and block id as written (valid or not), with its key path.
    raw_item_ids: list[tuple[str, tuple]] = field(default_factory=list)
    raw_block_ids: list[tuple[str, tuple]] = field(default_factory=list)
    #: The composed YAML data (includes expanded), for naming locations by id.
    data: dict = field(default_factory=dict)
    _objects: dict[int, tuple] = field(default_factory=dict)

    def loc_of(self, obj: object, default: tuple) -> tuple:
        """Key path of a validated block or question object."""
        return self._objects.get(id(obj), default)

    def locate(self, loc: tuple) -> tuple[str | None, int | None]:
        loc = tuple(loc)
        while loc not in self.where and loc:
            loc = loc[:-1]
        return self.where.get(loc, (None, None))

    def error(self, message: str, loc: tuple) -> QuestionnaireError:
        path, line = self.locate(loc)
        return QuestionnaireError(message, path=path, line=line)

    def item(self, item_id: str, key: str | None = None) -> tuple[str | None, int | None]:
        """File and line of an item (or of one of its fields)."""
        loc = self.items.get(item_id, ())
        if key is not None and loc + (key,) in self.where:
            return self.where[loc + (key,)]
        return self.locate(loc) if loc else (None, None)


_KINDS = {
    "blocks": "block",
    "items": "item",
    "statements": "statement",
    "constructs": "construct",
    "scales": "scale",
}


def _readable(loc: tuple, data: object) -> str:
    """A location for people: ``block 'about', grid 'g', statement 'g1', reverse``.

    Parts of a list are named by their id (blocks are numbered after includes, so a position
    would not match the file); a part without a usable id by its 1-based position.
    """
    parts: list[str] = []
    node, i = data, 0
    while i < len(loc):
        key = loc[i]
        if key in _KINDS and i + 1 < len(loc) and isinstance(node, dict):
            coll, idx = node.get(key), loc[i + 1]
            elem = None
            if isinstance(coll, list) and isinstance(idx, int) and 0 <= idx < len(coll):
                elem = coll[idx]
            elif isinstance(coll, dict):
                elem = coll.get(idx)
            ident = elem.get("id") if isinstance(elem, dict) else None
            kind = _KINDS[key]
            if kind == "item" and isinstance(elem, dict) and elem.get("type") == "grid":
                kind = "grid"
            if key == "scales":
                parts.append(f"scale {idx!r}")
            elif isinstance(ident, str):
                parts.append(f"{kind} {ident!r}")
            else:
                parts.append(f"{kind} {idx + 1 if isinstance(idx, int) else idx}")
            node, i = elem, i + 2
            continue
        parts.append(".".join(str(p) for p in loc[i:]))
        break
    return ", ".join(parts)


def _validate(model: type[BaseModel], value: object, loc: tuple, src: Sources, errors: list):
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        for eloc, msg in describe_errors(exc, loc, name=lambda x: _readable(x, src.data)):
            errors.append(src.error(msg, eloc))
        return None


def _salvage_grid(raw: dict) -> Grid | None:
    """A grid without its invalid statements (already reported), so the valid ones are still
    checked against scales, constructs and logic; None when the grid itself is broken."""
    statements = raw.get("statements")
    if not isinstance(statements, list):
        return None
    good = []
    for st in statements:
        try:
            Statement.model_validate(st)
            good.append(st)
        except ValidationError:
            continue
    try:
        return Grid.model_validate({**raw, "statements": good})
    except ValidationError:
        return None


def _raw_ids(raw: object, loc: tuple, src: Sources) -> None:
    if not isinstance(raw, dict):
        return
    if isinstance(raw.get("id"), str):
        src.raw_item_ids.append((raw["id"], loc))
    if isinstance(raw.get("statements"), list):
        for k, st in enumerate(raw["statements"]):
            if isinstance(st, dict) and isinstance(st.get("id"), str):
                src.raw_item_ids.append((st["id"], loc + ("statements", k)))


def _build(data: dict, src: Sources, errors: list) -> Questionnaire | None:
    """Validate each part on its own so one bad item does not hide the next one's problems."""
    src.data = dict(data)
    constructs = data.get("constructs")
    if isinstance(constructs, list):
        valid = [
            _validate(Construct, c, ("constructs", i), src, errors)
            for i, c in enumerate(constructs)
        ]
        data["constructs"] = [c for c in valid if c is not None]
    scales = data.get("scales")
    if isinstance(scales, dict):
        parsed = Questionnaire._scale_ids(scales)
        valid_scales = {
            sid: _validate(Scale, s, ("scales", sid), src, errors) for sid, s in parsed.items()
        }
        data["scales"] = {k: v for k, v in valid_scales.items() if v is not None}
    blocks = data.get("blocks")
    if isinstance(blocks, list):
        valid_blocks = []
        for b, block in enumerate(blocks):
            if isinstance(block, dict) and isinstance(block.get("id"), str):
                src.raw_block_ids.append((block["id"], ("blocks", b)))
            if not isinstance(block, dict) or not isinstance(block.get("items"), list):
                _validate(Block, block, ("blocks", b), src, errors)
                continue
            questions = []
            for i, raw in enumerate(block["items"]):
                loc = ("blocks", b, "items", i)
                _raw_ids(raw, loc, src)
                kind = raw.get("type") if isinstance(raw, dict) else None
                if isinstance(kind, str) and kind not in (*ITEM_TYPES, "grid"):
                    errors.append(
                        src.error(
                            f"{_readable(loc, src.data)}, type: {kind!r} is not one of "
                            f"{[*ITEM_TYPES, 'grid']}{suggest(kind, (*ITEM_TYPES, 'grid'))}",
                            loc + ("type",),
                        )
                    )
                    continue
                model = Grid if kind == "grid" else Item
                question = _validate(model, raw, loc, src, errors)
                if question is None and model is Grid:
                    question = _salvage_grid(raw)
                if question is not None:
                    questions.append(question)
                    src._objects[id(question)] = loc
                    src.items.setdefault(question.id, loc)
                    if isinstance(question, Grid):
                        at = {
                            st.get("id"): k
                            for k, st in enumerate(raw["statements"])
                            if isinstance(st, dict)
                        }
                        for st in question.statements:
                            src.items.setdefault(st.id, loc + ("statements", at[st.id]))
            checked = _validate(
                Block, {**block, "items": questions or [_PLACEHOLDER]}, ("blocks", b), src, errors
            )
            if checked is None and questions:
                # the block's own fields are wrong (reported); keep checking its questions
                bid = block.get("id") if isinstance(block.get("id"), str) else f"block{b + 1}"
                try:
                    checked = Block(id=bid, items=questions)
                except ValidationError:
                    checked = Block(id=f"block{b + 1}", items=questions)
            if checked is not None and questions:
                valid_blocks.append(checked)
                src._objects[id(checked)] = ("blocks", b)
                src.blocks.setdefault(checked.id, ("blocks", b))
        data["blocks"] = valid_blocks or [{"id": "placeholder__", "items": [_PLACEHOLDER]}]
    q = _validate(Questionnaire, data, (), src, errors)
    if q is None:
        # Report the top-level problems, then carry on with safe stand-ins to check the rest.
        fallback = {**data, "id": "x", "title": "x"}
        fallback = {k: v for k, v in fallback.items() if k in Questionnaire.model_fields}
        try:
            q = Questionnaire.model_validate(fallback)
        except ValidationError:
            return None
    return q


def read_questionnaire(
    text: str, *, path: str | Path = "<string>"
) -> tuple[Questionnaire | None, Sources, list[QuestionnaireError]]:
    """Parse questionnaire YAML and collect every problem instead of stopping at the first.

    Returns
    -------
    (Questionnaire or None, Sources, list of QuestionnaireError)
        The questionnaire is ``None`` only when the YAML cannot be read at all; when the list of
        errors is not empty it is a best-effort partial questionnaire, for linting only.
    """
    errors: list[QuestionnaireError] = []
    src = Sources()
    try:
        data, src.where = compose_includes(text, Path(path), (Path(path).resolve(),), errors)
    except QuestionnaireError as exc:
        return None, src, [exc]
    q = _build(data, src, errors)
    if q is not None:
        errors += check_references(q, src)
    for e in errors:
        if e.path is None:
            e.path = str(path)
    errors.sort(key=lambda e: (e.path != str(path), e.path or "", e.line or 0))
    return q, src, errors


def parse_questionnaire(text: str, *, path: str | Path = "<string>") -> Questionnaire:
    """Parse questionnaire YAML text; see :func:`load_questionnaire`."""
    q, _, errors = read_questionnaire(text, path=path)
    if errors:
        raise QuestionnaireErrors(errors)
    assert q is not None  # no errors means a full questionnaire
    return q


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire YAML file.

    Parameters
    ----------
    path : str or Path
        The ``.yaml`` file.

    Returns
    -------
    Questionnaire

    Raises
    ------
    InputFileError
        The file does not exist or cannot be read.
    QuestionnaireErrors
        The YAML is malformed or the questionnaire is inconsistent; the message names the file,
        line and field of the first problem (suggesting the nearest valid value where there is
        one), and ``errors`` holds every problem found.
    """
    return parse_questionnaire(read_yaml(path, "questionnaire", QuestionnaireError), path=path)
