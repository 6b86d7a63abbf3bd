"""Respondent ids in stakeholder outputs are pseudonyms; the key stays with the analyst.

Export ids are often e-mail addresses, panel ids or CRM numbers: personal data that must not
reach a report. :func:`pseudonymise` gives every respondent a stable pseudonym (``R0001``,
``R0002``, ... in import order, so the same inputs give the same pseudonyms), and
:func:`apply_pseudonyms` rewrites every id-bearing table of a run's outputs with one mapping.
The lookup (pseudonym -> original id) is written by the caller outside the report folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = ["pseudonymise", "map_index", "map_column"]


def pseudonymise(ids: Iterable[object], prefix: str = "R") -> dict[object, str]:
    """Original id -> pseudonym, numbered in the order the ids are given (duplicates once)."""
    unique = list(dict.fromkeys(ids))
    width = max(4, len(str(len(unique))))
    return {rid: f"{prefix}{n:0{width}d}" for n, rid in enumerate(unique, start=1)}


def map_index(frame: pd.DataFrame | None, mapping: Mapping[object, str]):
    """``frame`` with its index (respondent ids) replaced by pseudonyms; None stays None."""
    if frame is None:
        return None
    out = frame.copy()
    out.index = pd.Index(
        [mapping.get(i, mapping.get(str(i), "R?")) for i in frame.index], name=frame.index.name
    )
    return out


def map_column(frame: pd.DataFrame, column: str, mapping: Mapping[object, str]) -> pd.DataFrame:
    """``frame`` with ``column`` (respondent ids) replaced by pseudonyms."""
    if column not in frame.columns:
        return frame
    out = frame.copy()
    out[column] = [mapping.get(i, mapping.get(str(i), "R?")) for i in frame[column]]
    return out
