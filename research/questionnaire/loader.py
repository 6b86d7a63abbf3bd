"""Load a questionnaire from YAML with errors that name the file, line and field."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import InputFileError, QuestionnaireError, suggest
from .model import Questionnaire

__all__ = ["load_questionnaire", "parse_questionnaire"]


def _line_index(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict:
    """Map each key path (as pydantic reports it) to the 1-based line it starts on."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            out[sub] = key.start_mark.line + 1
            _line_index(value, sub, out)
            out[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _line_index(value, path + (i,), out)
    return out


def _nearest_line(lines: dict, loc: Sequence) -> int | None:
    loc = tuple(loc)
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc)


def parse_questionnaire(text: str, *, path: str | Path = "<string>") -> Questionnaire:
    """Parse questionnaire YAML text; see :func:`load_questionnaire`."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise QuestionnaireError(
            f"not valid YAML: {problem}",
            path=path,
            line=None if mark is None else mark.line + 1,
        ) from None
    if not isinstance(data, dict):
        raise QuestionnaireError("a questionnaire must be a YAML mapping", path=path, line=1)
    lines = _line_index(node)
    try:
        q = Questionnaire.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        field = ".".join(str(p) for p in loc) or "questionnaire"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown field {loc[-1]!r}"
        elif err["type"] == "literal_error" and "expected" in (err.get("ctx") or {}):
            msg = f"{msg}{suggest(str(err.get('input')), _literal_values(err['ctx']['expected']))}"
        raise QuestionnaireError(
            f"{field}: {msg}", path=path, line=_nearest_line(lines, loc)
        ) from None
    _check_references(q, lines, path)
    return q


def _literal_values(expected: str) -> list[str]:
    return [v.strip().strip("'") for v in expected.replace(" or ", ",").split(",") if v.strip()]


def _check_references(q: Questionnaire, lines: dict, path: str | Path) -> None:
    """Cross-field checks pydantic cannot do alone: unique ids, known scales and constructs."""
    scales = q.all_scales()
    constructs = {c.id for c in q.constructs}
    seen: dict[str, tuple] = {}
    for b, block in enumerate(q.blocks):
        for i, item in enumerate(block.items):
            loc = ("blocks", b, "items", i)
            line = _nearest_line(lines, loc + ("id",))
            if item.id in seen:
                raise QuestionnaireError(
                    f"item id {item.id!r} is used twice (first at line "
                    f"{_nearest_line(lines, seen[item.id])})",
                    path=path,
                    line=line,
                )
            seen[item.id] = loc + ("id",)
            if item.scale is not None and item.scale not in scales:
                raise QuestionnaireError(
                    f"item {item.id!r}: scale {item.scale!r} is not defined"
                    f"{suggest(item.scale, scales)}",
                    path=path,
                    line=_nearest_line(lines, loc + ("scale",)),
                )
            if item.construct is not None and constructs and item.construct not in constructs:
                raise QuestionnaireError(
                    f"item {item.id!r}: construct {item.construct!r} is not declared under "
                    f"'constructs'{suggest(item.construct, constructs)}",
                    path=path,
                    line=_nearest_line(lines, loc + ("construct",)),
                )
            if item.attention_check is not None:
                labels = [c.label for c in q.options(item)]
                if item.attention_check not in labels:
                    raise QuestionnaireError(
                        f"item {item.id!r}: expected answer {item.attention_check!r} is not a "
                        f"label of its scale{suggest(item.attention_check, labels)}",
                        path=path,
                        line=_nearest_line(lines, loc + ("attention_check",)),
                    )


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
    QuestionnaireError
        The YAML is malformed or the questionnaire is inconsistent; the message names the file,
        line and field, and suggests the nearest valid value where there is one.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError("questionnaire file does not exist", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read questionnaire: {exc}", path=path) from None
    return parse_questionnaire(text, path=path)
