"""Choose the number of segments: fit K = k_min..k_max and compare."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from .profile import ProfileModel

__all__ = ["SegmentSolution", "select_segments"]


@dataclass(frozen=True)
class SegmentSolution:
    """The segmentation chosen, and the evidence for it.

    Attributes
    ----------
    fit_table : pd.DataFrame
        One row per K: ``k, log_likelihood, n_parameters, aic, bic, relative_entropy,
        smallest_share, chosen``.
    k : int
        Number of segments chosen.
    reason : str
        Why this K, in words (for the report).
    model : ProfileModel
        The fitted model for K = `k`; ``model.predict`` classifies new respondents.
    assignments : pd.Series
        Segment (1 = largest) per respondent id.
    posteriors : pd.DataFrame
        Posterior probabilities per respondent (columns 1..K).
    basis : list of str
        Variables the segments were derived from (factor score columns).
    """

    fit_table: pd.DataFrame
    k: int
    reason: str
    model: ProfileModel
    assignments: pd.Series
    posteriors: pd.DataFrame
    basis: list[str]

    @property
    def sizes(self) -> pd.DataFrame:
        """``segment, n, share`` in segment order."""
        n = self.assignments.value_counts().reindex(range(1, self.k + 1), fill_value=0)
        return pd.DataFrame(
            {"segment": n.index, "n": n.to_numpy(), "share": (n / n.sum()).to_numpy()}
        )


def select_segments(
    data: pd.DataFrame,
    *,
    k_min: int = 2,
    k_max: int = 8,
    kind: str = "gmm",
    covariance_type: str = "full",
    n_init: int = 10,
    min_share: float = 0.03,
    random_state: int = 0,
) -> SegmentSolution:
    """Fit K = `k_min`..`k_max` profile models and choose K by BIC.

    Solutions whose smallest segment is below `min_share` of respondents are not chosen (a
    segment too small to act on is the "too narrow" failure of segmentation practice).

    Returns
    -------
    SegmentSolution

    Raises
    ------
    DataError
        Bad K range, missing values in `data`, or too few respondents.
    """
    if not 1 <= k_min <= k_max:
        raise DataError(f"need 1 <= k_min <= k_max, got k_min={k_min}, k_max={k_max}")
    if data.isna().any().any():
        bad = data.columns[data.isna().any()].tolist()
        raise DataError(f"segmentation basis has missing values in {bad}")
    rows, models = [], {}
    for k in range(k_min, k_max + 1):
        model = ProfileModel(
            k, kind=kind, covariance_type=covariance_type, n_init=n_init, random_state=random_state
        ).fit(data)
        models[k] = model
        shares = model.labels_.value_counts(normalize=True).reindex(range(1, k + 1), fill_value=0)
        rows.append(
            {
                "k": k,
                "log_likelihood": model.log_likelihood_,
                "n_parameters": model.n_parameters_,
                "aic": model.aic(),
                "bic": model.bic(),
                "relative_entropy": model.relative_entropy(),
                "smallest_share": float(shares.min()),
            }
        )
    table = pd.DataFrame(rows)
    eligible = table[table["smallest_share"] >= min_share]
    if eligible.empty or kind == "kmeans":
        eligible = table
    if kind == "kmeans":
        # k-means has no likelihood: fall back to the largest relative drop in inertia.
        inertia = np.array([models[k].model_.inertia_ for k in table["k"]])
        gains = -np.diff(inertia) / inertia[:-1]
        best = int(table["k"].iloc[int(np.argmax(gains)) + 1]) if len(gains) else k_min
        reason = f"K = {best} gives the largest relative drop in within-segment variance"
    else:
        best = int(eligible.loc[eligible["bic"].idxmin(), "k"])
        ordered = eligible.sort_values("bic")
        runner = ordered.iloc[1] if len(ordered) > 1 else None
        reason = f"K = {best} has the lowest BIC ({ordered.iloc[0]['bic']:,.0f})"
        if runner is not None:
            reason += (
                f", {runner['bic'] - ordered.iloc[0]['bic']:,.0f} below the next best "
                f"(K = {int(runner['k'])})"
            )
        skipped = table.loc[table["smallest_share"] < min_share, "k"].tolist()
        if skipped:
            reason += f"; K = {skipped} skipped: a segment under {min_share:.0%}"
    table["chosen"] = table["k"] == best
    chosen = models[best]
    return SegmentSolution(
        fit_table=table,
        k=best,
        reason=reason,
        model=chosen,
        assignments=chosen.labels_.rename_axis(data.index.name or "respondent_id"),
        posteriors=chosen.posteriors_,
        basis=list(map(str, data.columns)),
    )
