"""Persona names and one-line descriptions, generated from what sets a segment apart."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..questionnaire import Questionnaire

__all__ = ["factor_constructs", "name_segments", "describe_segment"]


def factor_constructs(loadings: pd.DataFrame, q: Questionnaire) -> dict[str, str | None]:
    """Factor -> the intended construct its primary items mostly belong to."""
    constructs = q.construct_of()
    primary = loadings.abs().idxmax(axis=1)
    out: dict[str, str | None] = {}
    for factor in loadings.columns:
        items = [i for i in primary.index[primary == factor] if i in constructs]
        weight: dict[str, float] = {}
        for i in items:
            weight[constructs[i]] = weight.get(constructs[i], 0.0) + abs(loadings.loc[i, factor])
        out[factor] = max(weight, key=weight.get) if weight else None
    return out


def name_segments(
    attitudes: pd.DataFrame,
    factor_construct: Mapping[str, str | None],
    q: Questionnaire,
    overrides: Mapping[int, str] | None = None,
    *,
    needs: pd.DataFrame | None = None,
) -> dict[int, str]:
    """A distinct name per segment from its most distinctive attitude dimensions and needs.

    The highest dimension gives the noun ("Bargain Hunters"), the second gives the adjective
    ("Eco-minded") when it is also clearly above average. A segment close to the average on
    every dimension is named from the construct of its most over-indexed need (``needs``:
    segments by construct id, mean index vs total). Words come from each construct's
    ``adjective`` and ``noun`` in the questionnaire; study-file ``overrides`` win.
    """
    overrides = {int(k): str(v) for k, v in (overrides or {}).items()}
    by_id = {c.id: c for c in q.constructs}
    names: dict[int, str] = {}
    used: set[str] = set(overrides.values())
    for seg, row in attitudes.iterrows():
        seg = int(seg)
        if seg in overrides:
            names[seg] = overrides[seg]
            continue
        ranked = [f for f in row.sort_values(ascending=False).index if factor_construct.get(f)]
        words = [(by_id.get(factor_construct[f]), row[f]) for f in ranked]
        words = [(c, z) for c, z in words if c is not None]
        need_order = []
        if needs is not None and seg in needs.index:
            top = needs.loc[seg].dropna().sort_values(ascending=False)
            need_order = [by_id[k] for k, v in top.items() if k in by_id and v > 105]
        candidates = []
        if words and words[0][1] > 0.2:
            lead = words[0][0]
            noun = lead.noun or lead.label
            candidates += [f"{c.adjective} {noun}" for c, z in words[1:] if z > 0.5 and c.adjective]
            candidates.append(noun)
            # Taken already: let the segment's strongest needs, then its other leanings, say more.
            candidates += [f"{c.adjective} {noun}" for c in need_order if c.adjective and c != lead]
            candidates += [f"{c.adjective} {noun}" for c, z in words[1:] if z > 0 and c.adjective]
        elif need_order:
            c = need_order[0]
            candidates.append(f"{c.adjective or c.label} Mainstream")
        low = [c for c, _ in reversed(words)]
        if low:
            candidates.append(f"Low-{low[0].label.split()[0].lower()} Middle Ground")
        candidates.append(f"Segment {seg}")
        name = next((c for c in candidates if c not in used), f"Segment {seg}")
        used.add(name)
        names[seg] = name
    return names


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_segment(attitudes: pd.Series, demographics: pd.DataFrame) -> str:
    """One line: the dimensions a segment is high and low on, and who it over-represents.

    ``attitudes`` are mean z-scores by factor label; ``demographics`` has ``label, category,
    share, index`` (and optionally ``sig``). Only categories held by at least 30% of the
    segment with an index of 130 or more are named.
    """
    ordered = attitudes.dropna().sort_values(ascending=False)
    high = [str(f) for f, z in ordered.items() if z >= 0.4][:2]
    low = [str(f) for f, z in ordered[::-1].items() if z <= -0.4][:1]
    parts = []
    if high:
        parts.append("High on " + _join(high))  # labels as written: acronyms stay intact
    if low:
        parts.append(("low on " if parts else "Low on ") + low[0])
    text = "; ".join(parts) if parts else "Close to the average on every dimension"
    if demographics is not None and len(demographics):
        over = demographics[(demographics["share"] >= 0.3) & (demographics["index"] >= 130)]
        if "sig" in over:
            over = over[over["sig"].isin(["higher", ""])]
        over = over.sort_values(["index", "category"], ascending=[False, True]).head(2)
        if len(over):
            label = over["label"] if "label" in over else over["variable"]
            shown = [
                f"{cat} ({lab}, {share:.0%})"
                for cat, lab, share in zip(over["category"], label, over["share"], strict=True)
            ]
            text += ". Over-represented: " + ", ".join(shown)
    return text + "."
