"""The column names each fielding platform gives a questionnaire's items in its exports.

This is the contract of the round trip: what a renderer writes (ids in an XLSForm, export tags
in a Qualtrics TXT) decides the columns the platform exports, and the importer maps exactly
those columns back to items.

``qualtrics`` (a survey imported from :func:`~research.questionnaire.qualtrics.to_qualtrics_txt`)
    Every question carries ``[[ID:<id>]]``, which Qualtrics uses as its export tag.

    - single choice, Likert and importance items, numeric and text: one column ``<id>``;
    - multiple choice: one column ``<id>`` (the selected options joined by commas, as codes or
      as choice text), or with *Split multi-value fields into columns* one column
      ``<id>_<code>`` per option;
    - ranking: one column ``<id>_<code>`` per option, holding the rank given to it;
    - a grid is one matrix question tagged with the grid id; its statements are choices
      ``1..n`` in written order, so statement ``k`` exports as ``<grid id>_<k>``.
      (Per-statement export tags exist in Qualtrics but cannot be set from a TXT import.)

``xlsform`` (KoboToolbox, ODK Central, Enketo; from :mod:`~research.questionnaire.xlsform`)
    Every field is named by its item id inside a group per block (and a nested group per grid).
    Exports name a column either by the bare name (``sus_1``) or, with *include groups in
    headers*, by the group path (``attitudes/sus_1``; ``attitudes/sus/sus_1`` in a grid).

    - select_multiple: one column of the selected codes joined by spaces, plus one
      ``<column>/<code>`` column per option (0/1);
    - rank: one column of the codes in ranked order, joined by spaces;
    - every other type: one column.

``codebook`` (a plain CSV, Excel or SPSS file laid out as the codebook workbook says)
    One column ``<id>`` per item, except multiple choice and ranking: one ``<id>_<code>``
    column per option (0/1, or the rank).
"""

from __future__ import annotations

import pandas as pd

from ..errors import QuestionnaireError, suggest
from .model import Grid, Item, Questionnaire

__all__ = ["PLATFORMS", "export_columns"]

PLATFORMS = ("qualtrics", "xlsform", "codebook")


def _qualtrics(q: Questionnaire, split: bool | None) -> list[tuple]:
    rows: list[tuple] = []
    for question in q.questions:
        if isinstance(question, Grid):
            rows += [(f"{question.id}_{k}", s.id, None) for k, s in enumerate(question.items, 1)]
            continue
        options = q.options(question)
        if question.type == "ranking":
            rows += [(f"{question.id}_{c.code}", question.id, c.code) for c in options]
        elif question.type == "multi":
            if split is not True:
                rows.append((question.id, question.id, None))
            if split is not False:
                rows += [(f"{question.id}_{c.code}", question.id, c.code) for c in options]
        else:
            rows.append((question.id, question.id, None))
    return rows


def _xlsform(q: Questionnaire, groups: bool | None) -> list[tuple]:
    rows: list[tuple] = []
    prefixes = {False: [False], True: [True], None: [False, True]}[groups]
    for with_groups in prefixes:
        for block in q.blocks:
            for question in block.questions:
                path = [block.id] + ([question.id] if isinstance(question, Grid) else [])
                items: list[Item] = question.items if isinstance(question, Grid) else [question]
                for item in items:
                    col = "/".join(path + [item.id]) if with_groups else item.id
                    rows.append((col, item.id, None))
                    if item.type == "multi":
                        rows += [(f"{col}/{c.code}", item.id, c.code) for c in q.options(item)]
    return rows


def _codebook(q: Questionnaire) -> list[tuple]:
    rows: list[tuple] = []
    for item in q.items:
        if item.type in ("multi", "ranking"):
            rows += [(f"{item.id}_{c.code}", item.id, c.code) for c in q.options(item)]
        else:
            rows.append((item.id, item.id, None))
    return rows


def export_columns(
    q: Questionnaire,
    platform: str,
    *,
    split_multi: bool | None = None,
    group_names: bool | None = None,
) -> pd.DataFrame:
    """Columns that `platform` exports for `q`.

    Parameters
    ----------
    q : Questionnaire
    platform : {"qualtrics", "xlsform", "codebook"}
        See the module docstring for what each platform writes.
    split_multi : bool, optional
        Qualtrics only: ``True`` for the ``<id>_<code>`` columns of a multiple-choice item,
        ``False`` for its single joined column, ``None`` (default) for both, since the export
        setting decides which one a file has.
    group_names : bool, optional
        XLSForm only: ``True`` for group-path names (``attitudes/sus_1``), ``False`` for bare
        names, ``None`` (default) for both.

    Returns
    -------
    pd.DataFrame
        ``column, item, option``: the export column name, the item id it holds, and for a
        multiple-choice or ranking option spread over its own column the option's code (else
        ``None``). Each column name appears once; an item may have several columns.

    Raises
    ------
    QuestionnaireError
        `platform` is not one of :data:`PLATFORMS`.

    Examples
    --------
    >>> from research.questionnaire import load_questionnaire
    >>> q = load_questionnaire("questionnaires/examples/thrift-shoppers.yaml")
    >>> export_columns(q, "xlsform", group_names=True).iloc[0].tolist()
    ['screener/purchase_freq', 'purchase_freq', None]
    """
    if platform not in PLATFORMS:
        raise QuestionnaireError(
            f"platform must be one of {list(PLATFORMS)}, got {platform!r}"
            f"{suggest(platform, PLATFORMS)}"
        )
    if platform == "qualtrics":
        rows = _qualtrics(q, split_multi)
    elif platform == "xlsform":
        rows = _xlsform(q, group_names)
    else:
        rows = _codebook(q)
    seen: set[str] = set()
    rows = [r for r in rows if not (r[0] in seen or seen.add(r[0]))]
    return pd.DataFrame(
        {
            "column": pd.Series([r[0] for r in rows], dtype=object),
            "item": pd.Series([r[1] for r in rows], dtype=object),
            "option": pd.Series([r[2] for r in rows], dtype=object),
        }
    )
