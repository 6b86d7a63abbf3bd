"""Build one persona per segment from the numbers, then let interviews add the why."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..ingest import SurveyData
from ..questionnaire import Questionnaire
from .model import Persona
from .profiles import display_codes

__all__ = ["PALETTE", "build_personas", "name_segments", "factor_constructs"]

#: Segment colours, used in every chart of every report (colour-blind-safe, Okabe–Ito order).
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#8C6D1F",
    "#6A6A6A",
]


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
) -> dict[int, str]:
    """A distinct name per segment from its two most distinctive attitude dimensions.

    The highest dimension gives the noun ("Bargain Hunters"), the second gives the adjective
    ("Eco-minded") when it is also above average. Names come from each construct's
    ``adjective`` and ``noun`` in the questionnaire; study-file `overrides` win.
    """
    overrides = dict(overrides or {})
    by_id = {c.id: c for c in q.constructs}
    names: dict[int, str] = {}
    used: set[str] = set()
    for seg, row in attitudes.iterrows():
        if seg in overrides:
            names[seg] = overrides[seg]
            used.add(overrides[seg])
            continue
        ranked = [f for f in row.sort_values(ascending=False).index if factor_construct.get(f)]
        words = [(by_id.get(factor_construct[f]), row[f]) for f in ranked]
        words = [(c, z) for c, z in words if c is not None]
        candidates = []
        if words and words[0][1] > 0.2:
            noun = words[0][0].noun or words[0][0].label
            for c, z in words[1:]:
                if z > 0.5 and c.adjective:
                    candidates.append(f"{c.adjective} {noun}")
            candidates.append(noun)
        low = [c for c, _ in reversed(words)]
        if low:
            candidates.append(f"Low-{low[0].label.split()[0].lower()} Middle Ground")
        candidates.append(f"Segment {seg}")
        name = next((c for c in candidates if c not in used), f"Segment {seg}")
        used.add(name)
        names[seg] = name
    return names


def _describe(attitudes: pd.Series, demographics: pd.DataFrame) -> str:
    high = [
        f"{f} (+{z:.1f} SD)" for f, z in attitudes.sort_values(ascending=False).items() if z >= 0.4
    ][:2]
    low = [f"{f} ({z:.1f} SD)" for f, z in attitudes.sort_values().items() if z <= -0.4][:1]
    parts = []
    if high:
        parts.append("Above average on " + " and ".join(high))
    if low:
        parts.append(("below on " if parts else "Below average on ") + low[0])
    text = "; ".join(parts) if parts else "Close to the average on every dimension"
    over = demographics[(demographics["share"] >= 0.3) & (demographics["index"] >= 130)]
    over = over.sort_values("index", ascending=False).head(2)
    if len(over):
        text += ". Over-represented: " + ", ".join(
            f"{r.category} ({r.share:.0%})" for r in over.itertuples()
        )
    return text + "."


def build_personas(
    survey: SurveyData,
    assignments: pd.Series,
    factor_scores: pd.DataFrame,
    factor_labels: Mapping[str, str],
    loadings: pd.DataFrame,
    *,
    coded: pd.DataFrame | None = None,
    quotes: pd.DataFrame | None = None,
    names: Mapping[int, str] | None = None,
    n_items: int = 6,
) -> list[Persona]:
    """One :class:`Persona` per segment.

    Parameters
    ----------
    survey : SurveyData
    assignments : pd.Series
        Segment (1..K) per respondent id.
    factor_scores : pd.DataFrame
        Factor scores per respondent (columns F1..Fk).
    factor_labels : mapping
        Factor column -> label.
    loadings : pd.DataFrame
        Rotated loadings (to tie factors to the questionnaire's constructs for naming).
    coded : pd.DataFrame, optional
        Coded interview passages with a ``segment`` column.
    quotes : pd.DataFrame, optional
        ``segment, code, transcript, quote`` (already redacted).
    names : mapping, optional
        Segment -> name, overriding the generated names.
    n_items : int
        Distinctive items kept per persona.
    """
    q = survey.questionnaire
    seg = assignments.reindex(survey.responses.index)
    z = (factor_scores - factor_scores.mean()) / factor_scores.std(ddof=0)
    attitudes = z.groupby(assignments.reindex(z.index)).mean()
    attitudes.index = attitudes.index.astype(int)
    named = attitudes.rename(columns=dict(factor_labels))
    seg_names = name_segments(attitudes, factor_constructs(loadings, q), q, names)
    segments = sorted(int(s) for s in seg.dropna().unique())
    sizes = seg.value_counts()

    scale_items = [i for i in q.scale_items() if i.id in survey.responses]
    shown = pd.DataFrame({i.id: display_codes(survey, i) for i in scale_items})
    total_mean, total_sd = shown.mean(), shown.std(ddof=0).replace(0, np.nan)
    seg_means = shown.groupby(seg).mean()

    demo_rows = []
    for item in q.items:
        if item.type not in ("single", "multi") or item.basis in (None, "psychographic", "needs"):
            continue
        for c in q.options(item):
            col = item.id if item.type == "single" else f"{item.id}_{c.code}"
            if col not in survey.responses:
                continue
            values = survey.responses[col]
            hit = (values == (c.code if item.type == "single" else 1)).astype(float)
            hit = hit.where(values.notna())
            demo_rows.append((item.id, c.label, hit.groupby(seg).mean(), float(hit.mean())))

    personas = []
    for s in segments:
        d = ((seg_means.loc[s] - total_mean) / total_sd).dropna()
        top = d.abs().sort_values(ascending=False).head(n_items).index
        distinctive = pd.DataFrame(
            {
                "item": list(top),
                "text": [q.item(i).text for i in top],
                "construct": [q.item(i).construct for i in top],
                "mean": [float(seg_means.loc[s, i]) for i in top],
                "total_mean": [float(total_mean[i]) for i in top],
            }
        )
        distinctive["index"] = 100 * distinctive["mean"] / distinctive["total_mean"]
        distinctive["direction"] = np.where(
            distinctive["mean"] >= distinctive["total_mean"], "higher", "lower"
        )
        demographics = pd.DataFrame(
            [(v, cat, float(sh.get(s, np.nan)), tot) for v, cat, sh, tot in demo_rows],
            columns=["variable", "category", "share", "total_share"],
        )
        demographics["index"] = 100 * demographics["share"] / demographics["total_share"]
        top_codes, seg_quotes = _interview_part(coded, quotes, s)
        attitude = named.loc[s] if s in named.index else pd.Series(dtype=float)
        personas.append(
            Persona(
                segment=s,
                name=seg_names[s],
                description=_describe(attitude, demographics),
                size=int(sizes.get(s, 0)),
                share=float(sizes.get(s, 0) / sizes.sum()),
                color=PALETTE[(s - 1) % len(PALETTE)],
                attitudes=attitude.astype(float),
                distinctive_items=distinctive,
                demographics=demographics,
                top_codes=top_codes,
                quotes=seg_quotes,
            )
        )
    return personas


def _interview_part(
    coded: pd.DataFrame | None, quotes: pd.DataFrame | None, segment: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = pd.DataFrame(columns=["code", "label", "passages", "transcripts"])
    if coded is not None and len(coded) and "segment" in coded:
        mine = coded[coded["segment"] == segment]
        if len(mine):
            codes = (
                mine.groupby(["code", "label"], sort=True)
                .agg(passages=("turn", "size"), transcripts=("transcript", "nunique"))
                .reset_index()
                .sort_values(["transcripts", "passages", "code"], ascending=[False, False, True])
                .reset_index(drop=True)
            )
    picked = pd.DataFrame(columns=["code", "transcript", "quote"])
    if quotes is not None and len(quotes):
        mine = quotes[quotes["segment"] == segment]
        picked = mine[["code", "transcript", "quote"]].reset_index(drop=True)
    return codes, picked
