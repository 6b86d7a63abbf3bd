"""import_responses: read an export, map it, recode it, apply the quality rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from ..questionnaire import Questionnaire
from .mapping import PERSONAL_COLUMNS, map_columns
from .quality import QualityRules, flag_respondents
from .qualtrics import read_qualtrics
from .recode import recode_item, reverse_key
from .survey import SurveyData

__all__ = ["import_responses"]

_ID_COLUMNS = ("ResponseId", "ResponseID", "respondent_id", "V1")


def import_responses(
    path: str | Path,
    questionnaire: Questionnaire,
    *,
    rules: QualityRules | None = None,
    lenient: bool = False,
    strict: bool = False,
) -> SurveyData:
    """Import a survey export into :class:`SurveyData`.

    Parameters
    ----------
    path : str or Path
        The export (Qualtrics CSV; other platforms arrive with the import issue).
    questionnaire : Questionnaire
        The questionnaire fielded; its scales recode the answers.
    rules : QualityRules, optional
        Exclusion rules (defaults as documented on :class:`QualityRules`).
    lenient : bool
        Set answers outside an item's scale missing instead of raising :class:`RecodeError`.
    strict : bool
        Raise :class:`MappingError` when a questionnaire item has no column.

    Returns
    -------
    SurveyData
        Every data row read is either kept (in ``responses``) or listed in ``exclusions`` with
        a reason: ``n_kept + n_excluded == n_read`` always.
    """
    rules = rules or QualityRules()
    data, meta = read_qualtrics(path)
    spath = str(path)
    mapping = map_columns(meta.columns, questionnaire, strict=strict, path=spath)
    id_col = next((c for c in _ID_COLUMNS if c in data.columns), None)
    if id_col is None:
        raise InputFileError("no respondent id column (ResponseId) in the export", path=path)
    ids = data[id_col].astype(str).str.strip()
    if (ids == "").any():
        first = int(np.flatnonzero(ids == "")[0])
        raise InputFileError("a data row has no respondent id", path=path, row=first + 1)

    paradata = pd.DataFrame(index=data.index)
    paradata["respondent_id"] = ids
    paradata["duration"] = pd.to_numeric(data.get("Duration (in seconds)"), errors="coerce")
    fin = data.get("Finished", pd.Series("", index=data.index)).astype(str).str.lower()
    paradata["finished"] = fin.map({"true": True, "1": True, "false": False, "0": False})
    paradata["progress"] = pd.to_numeric(data.get("Progress"), errors="coerce")
    paradata["start"] = data.get("StartDate")

    item_cols = mapping.dropna(subset=["item"]).set_index("item")["column"]
    raw_parts, text_parts = [], {}
    for item in questionnaire.items:
        if item.id not in item_cols:
            continue
        col = item_cols[item.id]
        values = data[col].set_axis(ids.where(~ids.duplicated(), ids + "#dup"))
        if item.type == "text":
            text_parts[item.id] = data[col].to_numpy()
            continue
        coded = recode_item(values, item, questionnaire, lenient=lenient, path=spath, column=col)
        raw_parts.append(coded.set_axis(data.index))
    raw = pd.concat(raw_parts, axis=1) if raw_parts else pd.DataFrame(index=data.index)

    exclusions = flag_respondents(raw, paradata, questionnaire, rules, ids)
    excluded_rows = set()
    if len(exclusions):
        # Positions of excluded rows (duplicate ids exclude the later row only).
        seen: set[str] = set()
        excl_ids = set(exclusions["respondent_id"])
        dup_ids = set(exclusions.loc[exclusions["reason"] == "duplicate_id", "respondent_id"])
        for pos, rid in enumerate(ids):
            if rid in excl_ids and (rid not in dup_ids or rid in seen):
                excluded_rows.add(pos)
            seen.add(rid)
    keep = np.array([pos not in excluded_rows for pos in range(len(data))])

    responses = raw.copy()
    for item in questionnaire.items:
        if item.reverse and item.id in responses:
            responses[item.id] = reverse_key(responses[item.id], item, questionnaire)
    responses = responses.loc[keep].set_axis(pd.Index(ids[keep], name="respondent_id"))
    text = pd.DataFrame(text_parts, index=data.index).loc[keep]
    text.index = responses.index
    paradata = paradata.drop(columns=[c for c in PERSONAL_COLUMNS if c in paradata])
    paradata = paradata.set_index("respondent_id")
    if len(exclusions) + len(responses) != len(data):  # invariant, not user input
        raise AssertionError("import lost respondents")
    return SurveyData(
        responses=responses,
        text=text,
        paradata=paradata,
        exclusions=exclusions.reset_index(drop=True),
        mapping=mapping,
        questionnaire=questionnaire,
        source=spath,
        n_read=len(data),
    )
