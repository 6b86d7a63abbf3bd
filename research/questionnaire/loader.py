"""Load a questionnaire from YAML with errors that name the file, line and field.

Loading collects every problem it can find in one pass (each part is validated on its own, then
cross-references are checked on the parts that are valid), so ``research questionnaire check``
lists them all at once. :func:`load_questionnaire` raises :class:`QuestionnaireErrors`, whose
message is the first problem and whose ``errors`` holds them all.

``include:`` pulls in library modules (``questionnaires/library/<name>.yaml``) or other files
(a path ending in ``.yaml``, relative to the including file): at the top level, each module's
blocks are appended after the file's own; as an entry of ``blocks:`` (``- include: needs``,
optionally ``blocks: [ids]``) they go in that place. Constructs and scales come along; an id
defined in two places is reported with both locations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .._yaml import describe_errors, parse_yaml, read_yaml
from ..errors import QuestionnaireError, suggest
from .model import ITEM_TYPES, Block, Construct, Grid, Item, Questionnaire, Scale
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

#: The template library shipped with the project.
# A link to the repository's questionnaires/library, so the modules ship inside the package.
LIBRARY_DIR = Path(__file__).resolve().parent / "library"
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


def library_modules(directory: Path = LIBRARY_DIR) -> dict[str, Path]:
    """Module name -> file for every ``.yaml`` in the template library."""
    return {p.stem: p for p in sorted(Path(directory).glob("*.yaml"))}


def _shift(where: dict, old: tuple, new: tuple, out: dict) -> None:
    for loc, src in where.items():
        if loc[: len(old)] == old:
            out[new + loc[len(old) :]] = src


def _resolve(name: object, here: Path) -> Path | str:
    if not isinstance(name, str) or not name.strip():
        return f"include must name a library module or a .yaml file, got {name!r}"
    if name.endswith((".yaml", ".yml")) or "/" in name:
        path = (here.parent / name).resolve()
        return path if path.is_file() else f"included file {name!r} does not exist"
    modules = library_modules()
    if name not in modules:
        return (
            f"unknown library module {name!r}, not one of {list(modules)}{suggest(name, modules)}"
        )
    return modules[name]


def _compose(text: str, path: Path, stack: tuple, errors: list) -> tuple[dict, dict]:
    """Parse `text`, expand its includes, and return (data, where)."""
    data, lines = parse_yaml(text, path, QuestionnaireError)
    data = dict(data)
    where = {loc: (str(path), line) for loc, line in lines.items()}
    raw_blocks = data.get("blocks", [])
    top = data.pop("include", None)
    if not isinstance(raw_blocks, list):
        return data, where
    entries = [(b, ("blocks", i)) for i, b in enumerate(raw_blocks)]
    if top is not None:
        tops = top if isinstance(top, list) else [top]
        entries += [
            ({"include": n}, ("include", k) if isinstance(top, list) else ("include",))
            for k, n in enumerate(tops)
        ]
    blocks: list = []
    new_where = {k: v for k, v in where.items() if k[:1] not in (("blocks",), ("constructs",))}
    constructs = (
        list(data.get("constructs") or []) if isinstance(data.get("constructs"), list) else []
    )
    _shift(where, ("constructs",), ("constructs",), new_where)
    scales = dict(data.get("scales") or {}) if isinstance(data.get("scales"), dict) else {}
    for entry, loc in entries:
        if not (isinstance(entry, dict) and "include" in entry):
            _shift(where, loc, ("blocks", len(blocks)), new_where)
            blocks.append(entry)
            continue
        at = where.get(loc + ("include",), where.get(loc, (str(path), None)))
        extra = set(entry) - {"include", "blocks"}
        if extra:
            errors.append(
                QuestionnaireError(
                    f"include: unknown field {sorted(extra)[0]!r}; an include takes 'blocks'",
                    path=at[0],
                    line=at[1],
                )
            )
        target = _resolve(entry["include"], path)
        if isinstance(target, str):
            errors.append(QuestionnaireError(target, path=at[0], line=at[1]))
            continue
        if target in stack:
            errors.append(
                QuestionnaireError(
                    f"include {entry['include']!r} includes itself", path=at[0], line=at[1]
                )
            )
            continue
        try:
            mdata, mwhere = _compose(
                read_yaml(target, "included", QuestionnaireError), target, stack + (target,), errors
            )
        except QuestionnaireError as exc:
            errors.append(exc)
            continue
        mblocks = mdata.get("blocks") if isinstance(mdata.get("blocks"), list) else []
        wanted = entry.get("blocks")
        ids = [b.get("id") for b in mblocks if isinstance(b, dict)]
        if wanted is not None:
            for w in wanted if isinstance(wanted, list) else [wanted]:
                if w not in ids:
                    errors.append(
                        QuestionnaireError(
                            f"include {entry['include']!r}: no block {w!r}{suggest(str(w), ids)}",
                            path=at[0],
                            line=at[1],
                        )
                    )
        for k, block in enumerate(mblocks):
            if wanted is not None and isinstance(block, dict) and block.get("id") not in wanted:
                continue
            _shift(mwhere, ("blocks", k), ("blocks", len(blocks)), new_where)
            blocks.append(block)
        for k, construct in enumerate(mdata.get("constructs") or []):
            cid = construct.get("id") if isinstance(construct, dict) else None
            same = [c for c in constructs if isinstance(c, dict) and c.get("id") == cid]
            if same and same[0] != construct:
                first = new_where.get(("constructs", constructs.index(same[0]), "id"), ("?", 0))
                src = mwhere.get(("constructs", k, "id"), ("?", 0))
                errors.append(
                    QuestionnaireError(
                        f"construct id {cid!r} is defined differently in two places (first at "
                        f"{first[0]}:{first[1]})",
                        path=src[0],
                        line=src[1],
                    )
                )
            if not same:
                _shift(mwhere, ("constructs", k), ("constructs", len(constructs)), new_where)
                constructs.append(construct)
        for sid, scale in (mdata.get("scales") or {}).items():
            if sid in scales and scales[sid] != scale:
                first = new_where.get(("scales", sid), ("?", 0))
                src = mwhere.get(("scales", sid), ("?", 0))
                errors.append(
                    QuestionnaireError(
                        f"scale {sid!r} is defined differently in two places (first at "
                        f"{first[0]}:{first[1]})",
                        path=src[0],
                        line=src[1],
                    )
                )
            elif sid not in scales:
                _shift(mwhere, ("scales", sid), ("scales", sid), new_where)
                scales[sid] = scale
    data["blocks"] = blocks
    if constructs or "constructs" in data:
        data["constructs"] = constructs
    if scales or "scales" in data:
        data["scales"] = scales
    return data, new_where


def _validate(model: type[BaseModel], value: object, loc: tuple, src: Sources, errors: list):
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        for eloc, msg in describe_errors(exc, loc):
            errors.append(src.error(msg, eloc))
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
                            f"{'.'.join(map(str, loc))}.type: {kind!r} is not one of "
                            f"{[*ITEM_TYPES, 'grid']}{suggest(kind, (*ITEM_TYPES, 'grid'))}",
                            loc + ("type",),
                        )
                    )
                    continue
                model = Grid if kind == "grid" else Item
                question = _validate(model, raw, loc, src, errors)
                if question is not None:
                    questions.append(question)
                    src._objects[id(question)] = loc
                    src.items.setdefault(question.id, loc)
                    if isinstance(question, Grid):
                        for s, st in enumerate(question.statements):
                            src.items.setdefault(st.id, loc + ("statements", s))
            checked = _validate(
                Block, {**block, "items": questions or [_PLACEHOLDER]}, ("blocks", b), src, errors
            )
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
        data, src.where = _compose(text, Path(path), (Path(path).resolve(),), errors)
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
