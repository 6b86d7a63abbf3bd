"""YAML files validated by pydantic, with errors that name the file, line and field."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import InputFileError, ResearchError, suggest

__all__ = ["read_yaml", "parse_yaml", "load_guarded", "validate_yaml", "line_of", "describe_errors"]

M = TypeVar("M", bound=BaseModel)


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so ``[Yes, No]`` stays a list of words."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _line_index(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict:
    """Map each key path (as pydantic reports it) to the 1-based line it starts on."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            _line_index(value, sub, out)
            out[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _line_index(value, path + (i,), out)
    return out


def line_of(lines: dict, loc: Sequence) -> int | None:
    """The line of `loc`, or of its nearest enclosing key."""
    loc = tuple(loc)
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc)


def read_yaml(path: str | Path, what: str, error: type[ResearchError]) -> str:
    """Read a YAML file's text, or raise InputFileError naming it."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(f"{what} file does not exist", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read {what} file: {exc}", path=path) from None


#: Caps on what a YAML file may ask of the parser (a few kilobytes of aliases can otherwise
#: expand to gigabytes, and deep nesting exhausts the recursion limit).
MAX_YAML_BYTES = 20 * 1024 * 1024
MAX_YAML_DEPTH = 100
MAX_YAML_NODES = 500_000
_NUMBER = re.compile(r"^[-+]?[0-9_.eE]+$")


def _check_node(node: yaml.Node, path, error: type[ResearchError]) -> None:
    """Refuse recursive aliases, deep nesting, alias bombs and huge numbers, naming the line.

    Counts the nodes the document expands to, with each alias counted at its full size, without
    expanding anything (sizes of shared nodes are memoised).
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node, depth: int) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        line = n.start_mark.line + 1
        if key in active:
            raise error("a YAML alias refers to itself (recursive alias)", path=path, line=line)
        if depth > MAX_YAML_DEPTH:
            raise error(
                f"nested more than {MAX_YAML_DEPTH} levels deep (nesting cap)", path=path, line=line
            )
        if isinstance(n, yaml.ScalarNode):
            if len(n.value) > 4000 and not n.style and _NUMBER.match(n.value):
                raise error(
                    f"a number with {len(n.value):,} digits (at most 4,000)", path=path, line=line
                )
            sizes[key] = 1
            return 1
        active.add(key)
        children = (
            n.value if isinstance(n, yaml.SequenceNode) else [v for kv in n.value for v in kv]
        )
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_YAML_NODES:
                raise error(
                    f"the YAML expands to more than {MAX_YAML_NODES:,} values, e.g. through "
                    "nested aliases (alias expansion cap)",
                    path=path,
                    line=line,
                )
        active.discard(key)
        sizes[key] = total
        return total

    size(node, 0)


def load_guarded(loader: yaml.SafeLoader, text_length: int, path, error: type[ResearchError]):
    """Compose ``loader``'s document, check it against the caps, construct it: ``(data, node)``.

    The one way YAML is parsed in this package (questionnaires, study files, codebooks). YAML
    syntax errors propagate as ``yaml.YAMLError`` for the caller to word; caps, recursion and
    numbers too long to convert are raised as ``error`` naming the file and line.
    """
    if text_length > MAX_YAML_BYTES:
        raise error(
            f"the YAML file is larger than {MAX_YAML_BYTES // 2**20} MB (size cap)", path=path
        )
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_node(node, path, error)
        return loader.construct_document(node), node
    except RecursionError:
        raise error(
            f"nested more than {MAX_YAML_DEPTH} levels deep (nesting cap)", path=path
        ) from None
    except (ValueError, OverflowError) as exc:
        raise error(f"not valid YAML: {str(exc)[:200]}", path=path) from None


def parse_yaml(text: str, path: str | Path, error: type[ResearchError]) -> tuple[dict, dict]:
    """Parse YAML text into a mapping and a key-path -> line index (see :func:`load_guarded`)."""
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters already here
        data, node = load_guarded(loader, len(text), path, error)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(
            f"not valid YAML: {str(problem)[:200]}",
            path=path,
            line=None if mark is None else mark.line + 1,
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise error("expected a YAML mapping at the top level", path=path, line=1)
    return data, _line_index(node)


def _literal_values(expected: str) -> list[str]:
    return [v.strip().strip("'") for v in expected.replace(" or ", ",").split(",") if v.strip()]


def describe_errors(
    exc: ValidationError, prefix: Sequence = (), name: Callable[[tuple], str] | None = None
) -> list[tuple[tuple, str]]:
    """Every error of a pydantic ValidationError as ``(loc, "field: message")``.

    `prefix` is prepended to each location (for a part validated on its own). The field named
    in the message is the dotted path, or ``name(loc)`` when given (e.g. ids instead of list
    positions); for an unknown field it is the part holding it. A message that already names
    what it is about (a model check such as "item 'x': min 5 is above max 1") gets no prefix.
    """
    out: list[tuple[tuple, str]] = []
    for err in exc.errors():
        loc = tuple(prefix) + tuple(
            p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
        )
        where = loc[:-1] if err["type"] == "extra_forbidden" else loc
        field = (name(where) if name else ".".join(str(p) for p in where)) or "top level"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "value_error" and re.match(r"^(\w+ ){1,2}'[^']+'", msg) and name:
            out.append((loc, msg))
            continue
        if err["type"] == "extra_forbidden":
            msg = f"unknown field {loc[-1]!r}"
        elif err["type"] == "literal_error" and "expected" in (err.get("ctx") or {}):
            msg += suggest(str(err.get("input")), _literal_values(err["ctx"]["expected"]))
        elif err["type"] == "missing":
            msg = f"required field {loc[-1]!r} is missing" if loc else msg
        out.append((loc, f"{field}: {msg}"))
    return out


def validate_yaml(
    model: type[M], data: dict, lines: dict, path: str | Path, error: type[ResearchError]
) -> M:
    """Validate `data` with pydantic, turning the first error into `error` at its line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        loc, msg = describe_errors(exc)[0]
        raise error(msg, path=path, line=line_of(lines, loc)) from None
