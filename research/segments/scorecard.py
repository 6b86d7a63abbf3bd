"""The seven-part test of a good segmentation, one figure and a pass / warn / fail each."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._special import chi2_independence
from ..errors import DataError, suggest

__all__ = ["scorecard", "DEFAULT_THRESHOLDS", "CRITERIA", "cramers_v_table", "pairwise_cohen_d"]

CRITERIA = (
    "identifiable",
    "substantial",
    "accessible",
    "stable",
    "differentiable",
    "actionable",
    "measurable",
)

#: Defaults of every threshold; ``scorecard(thresholds=...)`` overrides any of them. A figure at
#: or beyond ``pass`` passes, at or beyond ``warn`` warns, otherwise fails.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    # typing-tool cross-validated accuracy
    "identifiable": {"pass": 0.80, "warn": 0.65},
    # smallest (weighted) segment share
    "substantial": {"pass": 0.10, "warn": 0.05},
    # strongest Cramér's V of segment with a reachable variable, among those with p < alpha
    "accessible": {"pass": 0.20, "warn": 0.10, "alpha": 0.05},
    # mean bootstrap adjusted Rand index; per segment, mean bootstrap Jaccard (Hennig 2007)
    "stable": {"pass": 0.80, "warn": 0.60, "jaccard_pass": 0.75, "jaccard_warn": 0.60},
    # relative entropy; and every pair of segments should differ on at least `min_items`
    # items by |Cohen's d| >= `cohen_d` (else at best "warn")
    "differentiable": {"pass": 0.80, "warn": 0.60, "cohen_d": 0.5, "min_items": 1},
    # fewest needs items with index >= high or <= low (100 = sample mean) in any segment
    "actionable": {"pass": 2, "warn": 1, "high": 115, "low": 85},
    # respondents in the smallest segment; the 95% margin of error of a segment's share should
    # not exceed `max_moe` (else at best "warn")
    "measurable": {"pass": 100, "warn": 30, "max_moe": 0.05},
}

_QUESTIONS = {
    "identifiable": "Can a few questions tell the segments apart?",
    "substantial": "Is the smallest segment big enough to act on?",
    "accessible": "Do segments differ on variables we can reach them by?",
    "stable": "Do the segments come back when the data are resampled?",
    "differentiable": "Are members alike and segments clearly different?",
    "actionable": "Does every segment have needs that stand out?",
    "measurable": "Are there enough respondents to track each segment?",
}
_MEASURES = {
    "identifiable": "typing-tool CV accuracy",
    "substantial": "smallest segment share",
    "accessible": "strongest Cramér's V (p < alpha)",
    "stable": "mean bootstrap ARI",
    "differentiable": "relative entropy",
    "actionable": "fewest stand-out needs items in a segment",
    "measurable": "respondents in the smallest segment",
}
COLUMNS = ["criterion", "question", "measure", "value", "pass_at", "warn_at", "status", "detail"]


def _thresholds(thresholds: Mapping[str, Mapping[str, float]] | None) -> dict:
    merged = {k: dict(v) for k, v in DEFAULT_THRESHOLDS.items()}
    for crit, values in (thresholds or {}).items():
        if crit not in merged:
            raise DataError(
                f"scorecard threshold criterion must be one of {list(CRITERIA)}, got {crit!r}"
                + suggest(str(crit), CRITERIA)
            )
        if not isinstance(values, Mapping):
            raise DataError(f"thresholds[{crit!r}] must be a mapping such as {{'pass': 0.8}}")
        for key, value in values.items():
            if key not in merged[crit]:
                raise DataError(
                    f"threshold {crit}.{key} is unknown; {crit} takes {list(merged[crit])}"
                    + suggest(str(key), merged[crit])
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise DataError(f"threshold {crit}.{key} must be a number, got {value!r}")
            merged[crit][key] = float(value)
    return merged


def _grade(value: float, rule: Mapping[str, float]) -> str:
    if value is None or not np.isfinite(value):
        return "not assessed"
    if value >= rule["pass"]:
        return "pass"
    return "warn" if value >= rule["warn"] else "fail"


def _worse(a: str, b: str) -> str:
    rank = {"pass": 0, "warn": 1, "fail": 2, "not assessed": -1}
    return a if rank[a] >= rank[b] else b


def cramers_v_table(segments: pd.Series, reach: pd.DataFrame) -> pd.DataFrame:
    """``variable, cramers_v, p_value, n`` of the segment by each reachable variable."""
    rows = []
    for col in reach.columns:
        both = pd.concat([segments.rename("_seg"), reach[col].rename("_var")], axis=1).dropna()
        table = pd.crosstab(both["_seg"], both["_var"])
        if min(table.shape) < 2:
            rows.append((str(col), np.nan, np.nan, len(both)))
            continue
        chi2, p = chi2_independence(table.to_numpy())
        v = np.sqrt(chi2 / (table.to_numpy().sum() * (min(table.shape) - 1)))
        rows.append((str(col), float(v), float(p), len(both)))
    out = pd.DataFrame(rows, columns=["variable", "cramers_v", "p_value", "n"])
    return out.sort_values("cramers_v", ascending=False, kind="stable").reset_index(drop=True)


def segment_moments(
    x: np.ndarray, member: np.ndarray, labels
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Answers, means and variances ``(K, items)`` of the rows of `x` in each segment of
    `labels` (`member`: each row's segment), missing answers (NaN) left out as pandas'
    ``count``/``mean``/``var`` do: NaN where a segment has no answer (no variance: fewer than 2).
    """
    n = np.empty((len(labels), x.shape[1]))
    mean, var = np.empty_like(n), np.empty_like(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, s in enumerate(labels):
            group = x[member == s]
            seen = ~np.isnan(group)
            n[i] = seen.sum(axis=0)
            mean[i] = np.where(seen, group, 0.0).sum(axis=0) / n[i]
            var[i] = (np.where(seen, group - mean[i], 0.0) ** 2).sum(axis=0) / (n[i] - 1)
    var[n < 2] = np.nan
    return n, mean, var


def pairwise_cohen_d(segments: pd.Series, items: pd.DataFrame) -> pd.DataFrame:
    """``segment_a, segment_b, item, cohen_d`` (pooled SD) for every pair of segments.

    Each segment's counts, means and variances are taken once in NumPy (missing answers left
    out, as pandas' ``mean``/``var`` do) rather than per pair: 95 ms -> 9 ms for 5 segments x
    30 items x 10,000 respondents, with the same figures to 1e-12.
    """
    labels = sorted(segments.dropna().unique())
    x = items.to_numpy(dtype=np.float64, na_value=np.nan)
    n, mean, var = segment_moments(x, segments.reindex(items.index).to_numpy(), labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        pairs = list(itertools.combinations(range(len(labels)), 2))
        a = np.array([p[0] for p in pairs], dtype=np.intp)
        b = np.array([p[1] for p in pairs], dtype=np.intp)
        pooled = np.sqrt(((n[a] - 1) * var[a] + (n[b] - 1) * var[b]) / (n[a] + n[b] - 2))
        d = (mean[a] - mean[b]) / np.where(pooled == 0, np.nan, pooled)
    names = [str(c) for c in items.columns]
    labels = np.array(labels, dtype=object)
    return pd.DataFrame(
        {
            "segment_a": np.repeat(labels[a], len(names)),
            "segment_b": np.repeat(labels[b], len(names)),
            "item": names * len(pairs),
            "cohen_d": d.ravel(),
        }
    )


def scorecard(
    assignments: pd.Series,
    *,
    needs: pd.DataFrame | None = None,
    reach: pd.DataFrame | None = None,
    posteriors: pd.DataFrame | None = None,
    typing_accuracy: float | None = None,
    stability_ari: float | None = None,
    weights: pd.Series | None = None,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """Score a segmentation on the seven-part test.

    Parameters
    ----------
    assignments : pd.Series
        Segment per respondent id.
    needs : pd.DataFrame, optional
        Needs / attitude items (numeric, same respondents): actionable (index vs sample mean)
        and differentiable (Cohen's d between pairs of segments).
    reach : pd.DataFrame, optional
        Variables segments can be reached by (channel, region, demographics), categorical.
    posteriors : pd.DataFrame, optional
        Posterior segment probabilities, for relative entropy.
    typing_accuracy : float, optional
        ``TypingTool.cv_accuracy``.
    stability_ari : float, optional
        ``StabilityResult.ari``.
    weights : pd.Series, optional
        Respondent weights for shares and the margin of error.
    thresholds : mapping, optional
        Overrides of :data:`DEFAULT_THRESHOLDS`, e.g. ``{"substantial": {"pass": 0.15}}``.

    Returns
    -------
    pd.DataFrame
        One row per criterion: ``criterion, question, measure, value, pass_at, warn_at,
        status`` (pass / warn / fail, or "not assessed" when its input was not given),
        ``detail``.
    """
    rules = _thresholds(thresholds)
    seg = assignments.dropna().astype(int)
    w = pd.Series(1.0, index=seg.index) if weights is None else weights.reindex(seg.index)
    if w.isna().any() or (w < 0).any():
        raise DataError("weights must be given and non-negative for every assigned respondent")
    shares = w.groupby(seg).sum() / w.sum()
    counts = seg.value_counts().sort_index()
    out: dict[str, tuple[float | None, str, str]] = {}

    out["identifiable"] = (
        typing_accuracy,
        "",
        "no typing tool given"
        if typing_accuracy is None
        else f"golden questions reproduce {typing_accuracy:.1%} of assignments (cross-validated)",
    )
    small = shares.idxmin()
    out["substantial"] = (
        float(shares.min()),
        "",
        f"segment {small} is {shares.min():.1%}; shares "
        + ", ".join(f"{s}: {v:.0%}" for s, v in shares.items()),
    )
    if reach is None or reach.shape[1] == 0:
        out["accessible"] = (None, "", "no reachable variables given")
    else:
        table = cramers_v_table(seg, reach.reindex(seg.index))
        sig = table[table["p_value"] < rules["accessible"]["alpha"]]
        top = ", ".join(f"{r.variable} (V = {r.cramers_v:.2f})" for r in sig.head(3).itertuples())
        out["accessible"] = (
            float(sig["cramers_v"].max()) if len(sig) else 0.0,
            "",
            f"{len(sig)} of {len(table)} variables differ by segment: {top or 'none'}",
        )
    out["stable"] = (
        stability_ari,
        "",
        "no stability check given" if stability_ari is None else f"mean ARI {stability_ari:.2f}",
    )
    out["differentiable"] = _differentiable(seg, needs, posteriors, rules["differentiable"])
    out["actionable"] = _actionable(seg, needs, rules["actionable"])
    n_eff = w.sum() ** 2 / (w**2).sum()
    moe = 1.96 * np.sqrt(shares * (1 - shares) / n_eff)
    extra = "" if moe.max() <= rules["measurable"]["max_moe"] else "warn"
    out["measurable"] = (
        float(counts.min()),
        extra,
        f"smallest segment {counts.idxmin()} has {counts.min()} respondents; margin of error of "
        f"the shares up to ±{moe.max():.1%} (95%)",
    )
    rows = []
    for crit in CRITERIA:
        value, cap, detail = out[crit]
        status = _grade(value, rules[crit])
        if cap and status != "not assessed":
            status = _worse(status, cap)
        rows.append(
            (
                crit,
                _QUESTIONS[crit],
                _MEASURES[crit],
                np.nan if value is None else float(value),
                rules[crit]["pass"],
                rules[crit]["warn"],
                status,
                detail,
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _differentiable(seg, needs, posteriors, rule) -> tuple[float | None, str, str]:
    entropy = None
    parts = []
    if posteriors is not None:
        p = np.clip(posteriors.reindex(seg.index).to_numpy(dtype=float), 1e-300, 1)
        k = p.shape[1]
        entropy = 1.0 if k == 1 else float(1 + (p * np.log(p)).sum() / (len(p) * np.log(k)))
        parts.append(f"relative entropy {entropy:.2f}")
    cap = ""
    if needs is not None and seg.nunique() > 1:
        d = pairwise_cohen_d(seg, needs.reindex(seg.index))
        big = d.assign(big=d["cohen_d"].abs() >= rule["cohen_d"])
        per_pair = big.groupby(["segment_a", "segment_b"])["big"].sum()
        worst = per_pair.idxmin()
        parts.append(
            f"least separated pair {worst[0]} vs {worst[1]}: {int(per_pair.min())} items with "
            f"|d| >= {rule['cohen_d']:g}"
        )
        if per_pair.min() < rule["min_items"]:
            cap = "warn"
    if not parts:
        return None, "", "no posteriors or needs items given"
    if entropy is None:
        entropy = np.nan  # no figure, but the pairwise check still speaks in the detail
    return entropy, cap, "; ".join(parts)


def _actionable(seg, needs, rule) -> tuple[float | None, str, str]:
    if needs is None or needs.shape[1] == 0:
        return None, "", "no needs items given"
    data = needs.reindex(seg.index).astype(float)
    overall = data.mean()
    index = data.groupby(seg).mean() / overall.replace(0, np.nan) * 100
    stand_out = ((index >= rule["high"]) | (index <= rule["low"])).sum(axis=1)
    low = stand_out.idxmin()
    return (
        float(stand_out.min()),
        "",
        f"segment {low} has {int(stand_out.min())} needs items with index >= {rule['high']:g} "
        f"or <= {rule['low']:g}; per segment "
        + ", ".join(f"{s}: {int(v)}" for s, v in stand_out.items()),
    )
