"""``include:`` of template-library modules and other questionnaire files.

``include:`` pulls in library modules (``questionnaires/library/<name>.yaml``) or other files
(a path ending in ``.yaml``, relative to the including file): at the top level, each module's
blocks are appended after the file's own; as an entry of ``blocks:`` (``- include: needs``,
optionally ``blocks: [ids]``) they go in that place. Constructs and scales come along; an id
defined in two places is reported with both locations. An include entry may also carry
``replace: {products like these: running shoes}``, applied to every text of the module (ids
excepted), so the library's placeholder wording fits the category.
"""

from __future__ import annotations

from pathlib import Path

from .._yaml import parse_yaml, read_yaml
from ..errors import QuestionnaireError, suggest

__all__ = ["LIBRARY_DIR", "compose_includes", "library_modules"]

#: The template library shipped with the project.
# A link to the repository's questionnaires/library, so the modules ship inside the package.
LIBRARY_DIR = Path(__file__).resolve().parent / "library"
#: Keys whose values are ids or keywords, never wording: ``replace`` leaves them alone.
_ID_KEYS = frozenset({"id", "item", "scale", "construct", "type", "basis", "rating", "include"})


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


def _replaced(value: object, pairs: dict[str, str]) -> object:
    """`value` with every ``old -> new`` of `pairs` applied to its text (not to its keys)."""
    if isinstance(value, str):
        for old, new in pairs.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {k: v if k in _ID_KEYS else _replaced(v, pairs) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, pairs) for v in value]
    return value


def compose_includes(text: str, path: Path, stack: tuple, errors: list) -> tuple[dict, dict]:
    """Parse `text`, expand its includes, and return ``(data, where)``.

    ``where`` maps each key path of the composed data to ``(file, line)``; problems with
    includes are appended to `errors`. `stack` holds the files being included (for cycles).
    """
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
        extra = set(entry) - {"include", "blocks", "replace"}
        if extra:
            errors.append(
                QuestionnaireError(
                    f"include: unknown field {sorted(extra)[0]!r}; an include takes 'blocks' "
                    f"and 'replace'{suggest(sorted(extra)[0], ('blocks', 'replace'))}",
                    path=at[0],
                    line=at[1],
                )
            )
        replace = entry.get("replace") or {}
        if not (
            isinstance(replace, dict)
            and all(isinstance(k, str) and k and isinstance(v, str) for k, v in replace.items())
        ):
            rat = where.get(loc + ("replace",), at)
            errors.append(
                QuestionnaireError(
                    "include: 'replace' must map text to text, e.g. "
                    "{products like these: running shoes}",
                    path=rat[0],
                    line=rat[1],
                )
            )
            replace = {}
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
            mdata, mwhere = compose_includes(
                read_yaml(target, "included", QuestionnaireError), target, stack + (target,), errors
            )
        except QuestionnaireError as exc:
            errors.append(exc)
            continue
        if replace:
            mdata = _replaced(mdata, replace)
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
