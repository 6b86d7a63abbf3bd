"""Item diagnostics: weak items, cross-loadings, items off their intended construct."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = [
    "CROSS_LOADING_MIN",
    "FLAG_COLUMNS",
    "WEAK_LOADING",
    "empty_factors",
    "item_flags",
]

#: An item whose largest absolute loading is below this is weak.
WEAK_LOADING = 0.4
#: A second absolute loading at least this large is a cross-loading.
CROSS_LOADING_MIN = 0.3

#: Columns of :func:`item_flags`.
FLAG_COLUMNS: tuple[str, ...] = (
    "primary_factor",
    "primary_loading",
    "secondary_factor",
    "secondary_loading",
    "construct",
    "construct_factor",
    "weak",
    "cross_loading",
    "off_construct",
    "flag",
)


def _construct_factors(
    loadings: pd.DataFrame, constructs: Mapping[str, str]
) -> dict[str, tuple[str, float]]:
    """Each construct's factor and direction on it.

    The factor is the one most of the construct's items load on primarily (ties: the larger sum
    of absolute loadings), so reverse-keyed items that were not reversed cannot hide it; the
    direction is the sign most of those items share (ties: the sign of their sum).
    """
    primary = loadings.abs().idxmax(axis=1)
    members: dict[str, list[str]] = {}
    for item in loadings.index:
        if item in constructs:
            members.setdefault(str(constructs[item]), []).append(item)
    owners = {}
    for construct, items in members.items():
        votes = primary[items].value_counts()
        weight = loadings.loc[items].abs().sum()
        home = max(votes.index, key=lambda f: (votes[f], weight[f]))
        on_home = loadings.loc[[i for i in items if primary[i] == home], home]
        direction = np.sign(np.sign(on_home).sum()) or np.sign(on_home.sum()) or 1.0
        owners[construct] = (str(home), float(direction))
    return owners


def item_flags(
    loadings: pd.DataFrame,
    constructs: Mapping[str, str] | None = None,
    *,
    weak: float = WEAK_LOADING,
    cross: float = CROSS_LOADING_MIN,
) -> pd.DataFrame:
    """Flag items that do not behave: weak, cross-loading, or loading against their construct.

    Parameters
    ----------
    loadings : pandas.DataFrame
        Pattern loadings, items x factors.
    constructs : mapping, optional
        Item id -> intended construct (from the questionnaire). Answers are assumed keyed so
        that a higher code means more of the construct (``research import`` reverses
        reverse-keyed items).
    weak : float
        Largest absolute loading below which an item is weak (default 0.4).
    cross : float
        Second-largest absolute loading from which an item cross-loads (default 0.3).

    Returns
    -------
    pandas.DataFrame
        Indexed by item, columns :data:`FLAG_COLUMNS`. ``construct_factor`` is the factor most
        of the construct's items load on; ``off_construct`` is True when the item's primary
        factor is another one, or when its loading there has the opposite sign to most of the
        construct's items (a sign of a keying error). ``flag`` is a comma-separated summary (empty
        for a clean item).

    Notes
    -----
    Thresholds are the usual rules of thumb (salient loading 0.4, cross-loading 0.3); they
    are not statistical tests. Checked on bfi in ``tests/test_factors_workbench.py``.
    """
    abs_load = loadings.abs()
    values = abs_load.to_numpy()
    order = np.argsort(-values, axis=1, kind="stable")
    factors = np.asarray(loadings.columns)
    k = loadings.shape[1]
    rows = []
    owners = _construct_factors(loadings, constructs) if constructs else {}
    for i, item in enumerate(loadings.index):
        first = factors[order[i, 0]]
        second = factors[order[i, 1]] if k > 1 else None
        construct = str(constructs[item]) if constructs and item in constructs else None
        home, direction = owners.get(construct, (None, 1.0)) if construct else (None, 1.0)
        row = {
            "primary_factor": first,
            "primary_loading": float(loadings.iloc[i, order[i, 0]]),
            "secondary_factor": second,
            "secondary_loading": float(loadings.iloc[i, order[i, 1]]) if k > 1 else np.nan,
            "construct": construct,
            "construct_factor": home,
            "weak": bool(values[i, order[i, 0]] < weak),
            "cross_loading": bool(k > 1 and values[i, order[i, 1]] >= cross),
            "off_construct": False,
        }
        reasons = []
        if row["weak"]:
            reasons.append(f"weak (max |loading| {values[i, order[i, 0]]:.2f} < {weak})")
        if row["cross_loading"]:
            reasons.append(f"cross-loads on {second} ({row['secondary_loading']:.2f})")
        if home is not None:
            if first != home:
                row["off_construct"] = True
                reasons.append(f"loads on {first}, not on {construct}'s factor {home}")
            elif np.sign(loadings.loc[item, home]) != direction:
                row["off_construct"] = True
                reasons.append(f"loads against {construct} on {home} (check reverse keying)")
        row["flag"] = "; ".join(reasons)
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(list(loadings.index), name="item"))[list(FLAG_COLUMNS)]


def empty_factors(loadings: pd.DataFrame, *, salient: float = CROSS_LOADING_MIN) -> list[str]:
    """Factors no item loads on primarily with at least `salient` (absolute loading).

    Such a factor has no item to interpret it by: its scores are mostly noise and rotation
    residue, so it should not define segments or be named (default threshold 0.3).
    """
    abs_load = loadings.abs()
    primary = abs_load.idxmax(axis=1)
    owned = {f for f in loadings.columns if (abs_load.loc[primary == f, f] >= salient).any()}
    return [str(f) for f in loadings.columns if f not in owned]
