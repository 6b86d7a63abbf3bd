"""The seven-part test for each segment on its own: the verdicts a persona page carries.

:func:`~research.segments.scorecard` judges the whole segmentation by its weakest segment;
:func:`segment_scorecard` says which segment is the weak one, criterion by criterion, with the
same thresholds (see :data:`~research.segments.scorecard.DEFAULT_THRESHOLDS`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._special import chi2_independence
from ..errors import DataError
from .scorecard import CRITERIA, _grade, _thresholds, _worse, pairwise_cohen_d

__all__ = ["segment_scorecard", "SEGMENT_MEASURES"]

#: What each criterion measures for one segment.
SEGMENT_MEASURES = {
    "identifiable": "typing-tool CV recall",
    "substantial": "weighted share",
    "accessible": "strongest Cramér's V, segment vs rest (p < alpha)",
    "stable": "mean bootstrap Jaccard",
    "differentiable": "mean posterior of members",
    "actionable": "needs items with index >= high or <= low",
    "measurable": "respondents",
}
COLUMNS = ["segment", "criterion", "measure", "value", "status", "detail"]


def _vs_rest_v(member: pd.Series, reach: pd.DataFrame, alpha: float) -> tuple[float, str]:
    """Strongest significant Cramér's V of membership (0/1) with each reach variable."""
    best, name = 0.0, ""
    for col in reach.columns:
        both = pd.concat([member.rename("_m"), reach[col].rename("_v")], axis=1).dropna()
        table = pd.crosstab(both["_m"], both["_v"])
        if min(table.shape) < 2:
            continue
        chi2, p = chi2_independence(table.to_numpy())
        v = float(np.sqrt(chi2 / table.to_numpy().sum()))  # min(shape) - 1 == 1
        if p < alpha and v > best:
            best, name = v, str(col)
    return best, name


def segment_scorecard(
    assignments: pd.Series,
    *,
    needs: pd.DataFrame | None = None,
    reach: pd.DataFrame | None = None,
    posteriors: pd.DataFrame | None = None,
    typing_recall: pd.Series | None = None,
    jaccard: pd.Series | None = None,
    weights: pd.Series | None = None,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """Score every segment on the seven-part test.

    Parameters
    ----------
    assignments : pd.Series
        Segment per respondent id.
    needs : pd.DataFrame, optional
        Needs items (actionable: index vs the sample mean; differentiable: Cohen's d against
        every other segment).
    reach : pd.DataFrame, optional
        Categorical variables the segments can be reached by.
    posteriors : pd.DataFrame, optional
        Posterior probabilities (columns = segments).
    typing_recall : pd.Series, optional
        ``TypingTool.cv_recall``: per segment, the cross-validated share put back in it.
    jaccard : pd.Series, optional
        Mean bootstrap Jaccard per segment (``StabilityResult.summary``).
    weights : pd.Series, optional
    thresholds : mapping, optional
        As :func:`~research.segments.scorecard`. A segment's stability is judged on Jaccard
        with Hennig's (2007) cut-offs, ``stable.jaccard_pass`` 0.75 and ``jaccard_warn`` 0.6.

    Returns
    -------
    pd.DataFrame
        ``segment, criterion, measure, value, status, detail``: seven rows per segment.
        ``status`` is pass / warn / fail, or "not assessed" when its input was not given.
    """
    rules = _thresholds(thresholds)
    seg = assignments.dropna().astype(int)
    if seg.empty:
        raise DataError("no respondent has a segment")
    w = pd.Series(1.0, index=seg.index) if weights is None else weights.reindex(seg.index)
    if w.isna().any() or (w < 0).any():
        raise DataError("weights must be given and non-negative for every assigned respondent")
    shares = w.groupby(seg).sum() / w.sum()
    counts = seg.value_counts().sort_index()
    n_eff = w.sum() ** 2 / (w**2).sum()
    data = None if needs is None or needs.shape[1] == 0 else needs.reindex(seg.index).astype(float)
    index = None
    pairs = None
    if data is not None:
        index = data.groupby(seg).mean() / data.mean().replace(0, np.nan) * 100
        if seg.nunique() > 1:
            d = pairwise_cohen_d(seg, data)
            d = d.assign(big=d["cohen_d"].abs() >= rules["differentiable"]["cohen_d"])
            pairs = d.groupby(["segment_a", "segment_b"])["big"].sum()
    post = None
    if posteriors is not None:
        post = posteriors.reindex(seg.index)
    rows = []
    for s in counts.index:
        member = (seg == s).astype(int)
        out: dict[str, tuple[float | None, str, str]] = {}
        recall = None if typing_recall is None else typing_recall.get(s)
        out["identifiable"] = (
            recall,
            "",
            "no typing tool"
            if recall is None
            else f"golden questions put {recall:.0%} of its members back in it (cross-validated)",
        )
        out["substantial"] = (float(shares[s]), "", f"{shares[s]:.1%} of the (weighted) sample")
        if reach is None or reach.shape[1] == 0:
            out["accessible"] = (None, "", "no reachable variables given")
        else:
            v, name = _vs_rest_v(member, reach.reindex(seg.index), rules["accessible"]["alpha"])
            out["accessible"] = (
                v,
                "",
                f"differs most on {name} (V = {v:.2f})" if name else "no reach variable differs",
            )
        jac = None if jaccard is None else jaccard.get(s)
        out["stable"] = (
            jac,
            "",
            "no stability check" if jac is None else f"mean bootstrap Jaccard {jac:.2f}",
        )
        cap, parts, certainty = "", [], None
        if post is not None and s in post.columns:
            certainty = float(post.loc[seg == s, s].mean())
            parts.append(f"members' mean posterior {certainty:.2f}")
        if pairs is not None:
            mine = pairs[
                (pairs.index.get_level_values(0) == s) | (pairs.index.get_level_values(1) == s)
            ]
            worst = mine.idxmin()
            other = worst[1] if worst[0] == s else worst[0]
            parts.append(
                f"closest to segment {other}: {int(mine.min())} items with "
                f"|d| >= {rules['differentiable']['cohen_d']:g}"
            )
            if mine.min() < rules["differentiable"]["min_items"]:
                cap = "warn"
        out["differentiable"] = (certainty, cap, "; ".join(parts) or "no posteriors given")
        if index is None:
            out["actionable"] = (None, "", "no needs items given")
        else:
            row = index.loc[s]
            high = row[row >= rules["actionable"]["high"]].sort_values(ascending=False)
            low = row[row <= rules["actionable"]["low"]].sort_values()
            named = [f"{i} {v:.0f}" for i, v in list(high.items())[:2] + list(low.items())[:1]]
            out["actionable"] = (
                float(len(high) + len(low)),
                "",
                f"{len(high)} needs above index {rules['actionable']['high']:g}, {len(low)} below "
                f"{rules['actionable']['low']:g}" + (f" ({', '.join(named)})" if named else ""),
            )
        moe = 1.96 * np.sqrt(shares[s] * (1 - shares[s]) / n_eff)
        out["measurable"] = (
            float(counts[s]),
            "" if moe <= rules["measurable"]["max_moe"] else "warn",
            f"{counts[s]} respondents; share ±{moe:.1%} (95%)",
        )
        for crit in CRITERIA:
            value, cap_, detail = out[crit]
            rule = rules[crit]
            if crit == "stable":
                rule = {"pass": rule["jaccard_pass"], "warn": rule["jaccard_warn"]}
            status = _grade(value, rule)
            if cap_ and status != "not assessed":
                status = _worse(status, cap_)
            value = np.nan if value is None else float(value)
            rows.append((int(s), crit, SEGMENT_MEASURES[crit], value, status, detail))
    return pd.DataFrame(rows, columns=COLUMNS)
