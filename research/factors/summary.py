"""A fitted factor solution as plain tables and a JSON-ready summary (for files and reports)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from research.factors.solution import FactorSolution

__all__ = ["solution_summary", "solution_tables"]


def _plain(value: object) -> object:
    """JSON-safe Python value: numpy scalars unwrapped, NaN and infinities as None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def solution_tables(solution: FactorSolution) -> dict[str, pd.DataFrame]:
    """The solution's tables, each indexed for writing as CSV.

    Returns
    -------
    dict
        ``loadings`` (item x factors, plus ``communality`` and ``uniqueness``), ``reliability``
        (per factor, with its ``label``), ``scores`` (respondent x factors), ``items`` (per item:
        primary factor and loading, flags, alpha if dropped), ``phi``, ``structure`` and, when
        the number of factors was chosen automatically, ``n_factors``.
    """
    loadings = solution.loadings.copy()
    loadings["communality"] = solution.communalities
    loadings["uniqueness"] = 1.0 - solution.communalities
    loadings.index.name = "item"
    reliability = solution.reliability.copy()
    reliability.insert(0, "label", [solution.labels.get(f, f) for f in reliability.index])
    items = solution.flags.copy()
    if not solution.item_reliability.empty:
        items = items.join(solution.item_reliability[["alpha_if_dropped", "item_rest_r"]])
    scores = solution.scores.copy()
    if scores.index.name is None:
        scores.index.name = "respondent"
    structure = solution.structure.copy()
    structure.index.name = "item"
    tables = {
        "loadings": loadings,
        "reliability": reliability,
        "scores": scores,
        "items": items,
        "phi": solution.phi.rename_axis("factor"),
        "structure": structure,
    }
    if solution.n_factors is not None:
        tables["n_factors"] = solution.n_factors.table
    return tables


def solution_summary(solution: FactorSolution) -> dict[str, object]:
    """Everything about the fit that is not a table, as JSON-ready values (NaN as None).

    Keys: ``n_obs``, ``items``, ``settings``, ``correlation`` (method, reason, smoothing),
    ``suitability`` (KMO overall and per item, Bartlett), ``n_factors`` (chosen, suggestions,
    reason), ``fit`` (:func:`research.factors.fit_statistics`), ``heywood``, ``factors`` (label
    and variance per factor), ``omega`` (whole battery) and ``flagged_items``.
    """
    model = solution.model
    info = model.correlation_info_
    variance = solution.variance
    factors = {
        f: {
            "label": solution.labels.get(f, f),
            "ss_loadings": float(variance.loc[f, "ss_loadings"]),
            "proportion": float(variance.loc[f, "proportion"]),
            "cumulative": float(variance.loc[f, "cumulative"]),
        }
        for f in solution.loadings.columns
    }
    n_factors: dict[str, object] = {"chosen": model.n_factors_}
    if solution.n_factors is not None:
        n_factors.update(
            suggestions=solution.n_factors.suggestions,
            recommended=solution.n_factors.recommended,
            reason=solution.n_factors.reason,
        )
    else:
        n_factors["reason"] = "set by the analyst"
    om = solution.omega
    summary = {
        "n_obs": model.n_obs_,
        "items": list(model.items_),
        "settings": {
            "method": model.method,
            "rotation": model.rotation,
            "correlation": model.correlation,
            "scores": model.scores,
            "n_iter": model.n_iter,
            "random_state": model.random_state if isinstance(model.random_state, int) else None,
        },
        "correlation": {
            "method": info.method,
            "reason": info.reason,
            "smoothed": info.smoothed,
            "min_eigenvalue": info.min_eigenvalue,
            "corrected_pairs": info.corrected_pairs,
        },
        "suitability": {
            "kmo": model.kmo_,
            "kmo_items": model.kmo_items_.to_dict(),
            "bartlett": dict(model.bartlett_),
        },
        "n_factors": n_factors,
        "fit": dict(solution.fit),
        "heywood": list(model.heywood_),
        "factors": factors,
        "phi": solution.phi.to_numpy().tolist(),
        "omega": None
        if om is None
        else {
            "omega_hierarchical": om.omega_hierarchical,
            "omega_total": om.omega_total,
            "omega_limit": om.omega_limit,
            "alpha_standardized": om.alpha,
            "ecv": om.ecv,
            "flipped_items": om.flipped,
        },
        "flagged_items": {str(item): flag for item, flag in solution.flags["flag"].items() if flag},
    }
    return _plain(summary)
