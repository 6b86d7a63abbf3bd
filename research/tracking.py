"""Wave tracking: how a saved segmentation holds up in later survey waves.

Every wave is scored with the same model file; the first wave given is the baseline. Tables:

- ``sizes``: share of each segment per wave with a Wilson 95% interval, and the change from the
  baseline with a two-proportion z-test (Holm-adjusted across the segments of a wave);
- ``drift``: per segment and item, the mean answer per wave against the baseline, Welch's
  t-test, Holm-adjusted within the segment's items (which items moved);
- ``typing``: agreement of the typing tool with the full model per wave, and its change;
- ``migration``: where respondent ids repeat across two waves, baseline segment x wave segment.

Statistics only: nothing here reads or writes files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Tracking", "track_waves", "holm", "wilson_interval"]


@dataclass(frozen=True)
class Tracking:
    """Everything :func:`track_waves` found (long tables, one row per wave x segment...)."""

    sizes: pd.DataFrame
    drift: pd.DataFrame
    typing: pd.DataFrame
    migration: dict[str, pd.DataFrame] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    alpha: float = 0.05

    def shifted(self) -> pd.DataFrame:
        """The rows of ``sizes`` whose change from the baseline is significant."""
        return self.sizes[self.sizes["significant"]]

    def moved_items(self) -> pd.DataFrame:
        """The rows of ``drift`` whose change is significant."""
        return self.drift[self.drift["significant"]]


def wilson_interval(count: np.ndarray, n: np.ndarray, z: float = 1.959963984540054):
    """Wilson score interval of a proportion (lower, upper)."""
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    p = np.divide(count, n, out=np.zeros_like(count), where=n > 0)
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return centre - half, centre + half


def holm(p: np.ndarray) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (NaN kept as NaN)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    vals = p[ok]
    m = len(vals)
    if m == 0:
        return out
    order = np.argsort(vals, kind="stable")
    adj = np.maximum.accumulate((m - np.arange(m)) * vals[order])
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def _two_proportions(x1, n1, x2, n2) -> np.ndarray:
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (p2 - p1) / se, 0.0)
    return 2 * stats.norm.sf(np.abs(z))


def _sizes(waves: dict[str, pd.DataFrame], k: int, alpha: float) -> pd.DataFrame:
    rows = []
    base_name = next(iter(waves))
    base = waves[base_name]["segment"].dropna().astype(int)
    base_counts = base.value_counts().reindex(range(1, k + 1), fill_value=0).to_numpy()
    for name, scores in waves.items():
        seg = scores["segment"].dropna().astype(int)
        n = len(seg)
        counts = seg.value_counts().reindex(range(1, k + 1), fill_value=0).to_numpy()
        lo, hi = wilson_interval(counts, np.full(k, n))
        if name == base_name:
            p = np.full(k, np.nan)
        else:
            p = _two_proportions(base_counts, len(base), counts, n)
        p_adj = holm(p)
        for s in range(k):
            rows.append(
                {
                    "wave": name,
                    "segment": s + 1,
                    "n": int(counts[s]),
                    "share": counts[s] / n if n else np.nan,
                    "ci_low": lo[s],
                    "ci_high": hi[s],
                    "change": counts[s] / n - base_counts[s] / len(base) if n else np.nan,
                    "p_value": p[s],
                    "p_holm": p_adj[s],
                    "significant": bool(p_adj[s] < alpha) if not np.isnan(p_adj[s]) else False,
                }
            )
    return pd.DataFrame(rows)


def _drift(
    waves: dict[str, pd.DataFrame], answers: dict[str, pd.DataFrame], items, k, alpha
) -> pd.DataFrame:
    rows = []
    base_name = next(iter(waves))
    for name in list(waves)[1:]:
        for s in range(1, k + 1):
            a = answers[base_name][waves[base_name]["segment"] == s]
            b = answers[name][waves[name]["segment"] == s]
            block = []
            for item in items:
                x = pd.to_numeric(a[item], errors="coerce").dropna().to_numpy(float)
                y = pd.to_numeric(b[item], errors="coerce").dropna().to_numpy(float)
                if len(x) > 1 and len(y) > 1 and (x.var() > 0 or y.var() > 0):
                    p = float(stats.ttest_ind(x, y, equal_var=False).pvalue)
                else:
                    p = np.nan
                block.append(
                    {
                        "wave": name,
                        "segment": s,
                        "item": item,
                        "baseline_mean": x.mean() if len(x) else np.nan,
                        "wave_mean": y.mean() if len(y) else np.nan,
                        "change": (y.mean() - x.mean()) if len(x) and len(y) else np.nan,
                        "p_value": p,
                    }
                )
            adj = holm(np.array([r["p_value"] for r in block]))
            for r, pa in zip(block, adj, strict=True):
                r["p_holm"] = pa
                r["significant"] = bool(pa < alpha) if not np.isnan(pa) else False
            rows.extend(block)
    cols = ["wave", "segment", "item", "baseline_mean", "wave_mean", "change", "p_value"]
    return pd.DataFrame(rows, columns=[*cols, "p_holm", "significant"])


def _typing(waves: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    base_name = next(iter(waves))
    base = None
    for name, scores in waves.items():
        both = scores[["segment", "typing_segment"]].dropna()
        n = len(both)
        hits = int((both["segment"].astype(int) == both["typing_segment"].astype(int)).sum())
        if name == base_name:
            base = (hits, n)
        lo, hi = wilson_interval(np.array([hits]), np.array([n])) if n else ([np.nan], [np.nan])
        p = np.nan if name == base_name or not n else float(_two_proportions(*base, hits, n))
        rows.append(
            {
                "wave": name,
                "n": n,
                "accuracy": hits / n if n else np.nan,
                "ci_low": float(lo[0]),
                "ci_high": float(hi[0]),
                "change": hits / n - base[0] / base[1] if n and base[1] else np.nan,
                "p_value": p,
            }
        )
    return pd.DataFrame(rows)


def _migration(waves: dict[str, pd.DataFrame], k: int) -> dict[str, pd.DataFrame]:
    base_name = next(iter(waves))
    base = waves[base_name]["segment"].dropna().astype(int)
    out = {}
    for name in list(waves)[1:]:
        seg = waves[name]["segment"].dropna().astype(int)
        common = base.index.intersection(seg.index)
        if not len(common) or base.index.has_duplicates or seg.index.has_duplicates:
            continue
        table = pd.crosstab(
            base.loc[common].rename(f"segment in {base_name}"),
            seg.loc[common].rename(f"segment in {name}"),
        )
        out[name] = table.reindex(index=range(1, k + 1), columns=range(1, k + 1), fill_value=0)
    return out


def track_waves(
    waves: dict[str, pd.DataFrame],
    answers: dict[str, pd.DataFrame],
    *,
    k: int,
    items: list[str],
    names: dict[int, str] | None = None,
    alpha: float = 0.05,
) -> Tracking:
    """Compare scored waves with the first (the baseline).

    Parameters
    ----------
    waves : dict of str to DataFrame
        Wave name -> scores (``segment``, ``typing_segment``; index = respondent id), in order;
        the first is the baseline. Unscored rows (segment NA) are left out.
    answers : dict of str to DataFrame
        Wave name -> answers (same index) for the profile drift.
    k : int
        Number of segments.
    items : list of str
        Items whose drift is tested.
    alpha : float
        Significance level after Holm adjustment (per wave across segments for sizes; per
        segment across items for drift).
    """
    if len(waves) < 2:
        from .errors import DataError

        raise DataError("tracking needs at least two waves (the first is the baseline)")
    return Tracking(
        sizes=_sizes(waves, k, alpha),
        drift=_drift(waves, answers, items, k, alpha),
        typing=_typing(waves),
        migration=_migration(waves, k),
        names=dict(names or {}),
        alpha=alpha,
    )
