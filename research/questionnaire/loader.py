"""Load a questionnaire from YAML with errors that name the file, line and field."""

from __future__ import annotations

from pathlib import Path

from .._yaml import line_of, parse_yaml, read_yaml, validate_yaml
from ..errors import QuestionnaireError, suggest
from .model import Questionnaire

__all__ = ["load_questionnaire", "parse_questionnaire"]


def parse_questionnaire(text: str, *, path: str | Path = "<string>") -> Questionnaire:
    """Parse questionnaire YAML text; see :func:`load_questionnaire`."""
    data, lines = parse_yaml(text, path, QuestionnaireError)
    q = validate_yaml(Questionnaire, data, lines, path, QuestionnaireError)
    _check_references(q, lines, path)
    return q


def _check_references(q: Questionnaire, lines: dict, path: str | Path) -> None:
    """Cross-field checks pydantic cannot do alone: unique ids, known scales and constructs."""
    scales = q.all_scales()
    constructs = {c.id for c in q.constructs}
    seen: dict[str, tuple] = {}
    blocks: dict[str, int] = {}
    for b, block in enumerate(q.blocks):
        line = line_of(lines, ("blocks", b, "id"))
        if block.id in blocks:
            raise QuestionnaireError(
                f"block id {block.id!r} is used twice (first at line {blocks[block.id]})",
                path=path,
                line=line,
            )
        blocks[block.id] = line
        for i, item in enumerate(block.items):
            loc = ("blocks", b, "items", i)
            line = line_of(lines, loc + ("id",))
            if item.id in seen:
                raise QuestionnaireError(
                    f"item id {item.id!r} is used twice (first at line "
                    f"{line_of(lines, seen[item.id])})",
                    path=path,
                    line=line,
                )
            seen[item.id] = loc + ("id",)
            if item.scale is not None and item.scale not in scales:
                raise QuestionnaireError(
                    f"item {item.id!r}: scale {item.scale!r} is not defined"
                    f"{suggest(item.scale, scales)}",
                    path=path,
                    line=line_of(lines, loc + ("scale",)),
                )
            if item.construct is not None and constructs and item.construct not in constructs:
                raise QuestionnaireError(
                    f"item {item.id!r}: construct {item.construct!r} is not declared under "
                    f"'constructs'{suggest(item.construct, constructs)}",
                    path=path,
                    line=line_of(lines, loc + ("construct",)),
                )
            if item.attention_check is not None:
                labels = [c.label for c in q.options(item)]
                if item.attention_check not in labels:
                    raise QuestionnaireError(
                        f"item {item.id!r}: expected answer {item.attention_check!r} is not a "
                        f"label of its scale{suggest(item.attention_check, labels)}",
                        path=path,
                        line=line_of(lines, loc + ("attention_check",)),
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
    return parse_questionnaire(read_yaml(path, "questionnaire", QuestionnaireError), path=path)
