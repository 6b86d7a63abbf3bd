"""Render a questionnaire's codebook as a workbook: what every variable means and how it is coded.

Sheets:

``variables``
    One row per item (grid statements each get a row): ``variable`` (the item id, the column
    name in the imported data), ``question`` (its text), ``grid`` and ``grid_question`` for a
    statement, ``block``, ``type``, ``scale``, ``codes`` (``1=Strongly disagree; 2=...``),
    ``reverse`` (``yes``/``no``), ``construct`` (the intended dimension), ``basis`` (the
    segmentation basis), ``required``, ``attention_check`` (the expected answer), ``range``
    (numeric), ``unit``, ``show_if`` and ``screen_out`` (in words).
``values``
    The same codes in long form: ``variable, code, label``.
``constructs``
    ``construct, label, description, source, items, n_items, n_reverse`` (``source``: the
    validated scale the items adapt).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ReportError
from .logic import describe_condition
from .model import Questionnaire
from .workbook import workbook_bytes

__all__ = ["VARIABLE_COLUMNS", "to_codebook", "write_codebook"]

VARIABLE_COLUMNS = (
    "variable",
    "question",
    "grid",
    "grid_question",
    "block",
    "type",
    "scale",
    "codes",
    "reverse",
    "construct",
    "basis",
    "required",
    "attention_check",
    "range",
    "unit",
    "show_if",
    "screen_out",
)


def _range(lo: float | None, hi: float | None) -> str:
    if lo is None and hi is None:
        return ""
    return f"{'' if lo is None else f'{lo:g}'}..{'' if hi is None else f'{hi:g}'}"


def to_codebook(q: Questionnaire) -> dict[str, pd.DataFrame]:
    """The codebook sheets (see the module docstring); every cell is a string."""
    rows, values = [], []
    for block in q.blocks:
        for item in block.items:
            options = q.options(item)
            values += [(item.id, str(c.code), c.label) for c in options]
            cond = item.show_if if item.show_if is not None else block.show_if
            rows.append(
                {
                    "variable": item.id,
                    "question": item.text,
                    "grid": item.grid or "",
                    "grid_question": item.grid_text or "",
                    "block": block.id,
                    "type": item.type,
                    "scale": item.scale_id if item.choices is None and item.scale_id else "",
                    "codes": "; ".join(f"{c.code}={c.label}" for c in options),
                    "reverse": "yes" if item.reverse else "no",
                    "construct": item.construct or "",
                    "basis": item.basis or "",
                    "required": "yes" if item.required else "no",
                    "attention_check": item.attention_check or "",
                    "range": _range(item.min, item.max),
                    "unit": item.unit or "",
                    "show_if": ""
                    if cond is None
                    else describe_condition(q, cond, q.item(cond.item)),
                    "screen_out": ""
                    if item.screen_out is None
                    else describe_condition(q, item.screen_out, item),
                }
            )
    constructs = []
    for c in q.constructs:
        members = [i for i in q.scale_items() if i.construct == c.id]
        constructs.append(
            {
                "construct": c.id,
                "label": c.label,
                "description": c.description,
                "source": c.source,
                "items": ", ".join(i.id for i in members),
                "n_items": str(len(members)),
                "n_reverse": str(sum(i.reverse for i in members)),
            }
        )
    cols = ["construct", "label", "description", "source", "items", "n_items", "n_reverse"]
    return {
        "variables": pd.DataFrame(rows, columns=list(VARIABLE_COLUMNS), dtype=object),
        "values": pd.DataFrame(values, columns=["variable", "code", "label"], dtype=object),
        "constructs": pd.DataFrame(constructs, columns=cols, dtype=object),
    }


def write_codebook(q: Questionnaire, path: str | Path) -> Path:
    """Write the codebook workbook (``.xlsx``, byte-identical for the same questionnaire).

    Raises
    ------
    ReportError
        The file cannot be written.
    """
    path = Path(path)
    data = workbook_bytes(to_codebook(q))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ReportError(f"cannot write codebook: {exc.strerror or exc}", path=path) from None
    return path
