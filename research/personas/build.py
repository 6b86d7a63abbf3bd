"""Build one persona per segment from the numbers, then let interviews add the why."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..ingest import SurveyData
from .model import NEEDS_COLUMNS, Persona
from .naming import describe_segment, factor_constructs, factor_orientation, name_segments
from .profiles import display_codes, factor_means, segment_profiles, short_label, survey_weights
from .scorecard import SCORECARD_COLUMNS, normalise_scorecard

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
_CORE = ("Attitudes", "Needs")


def _wmean(values: pd.DataFrame, seg: pd.Series, w: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Weighted means per segment and overall, ignoring missing values."""
    present = values.notna()
    wv = values.fillna(0).mul(w, axis=0)
    ww = present.mul(w, axis=0)
    by_seg = wv.groupby(seg).sum() / ww.groupby(seg).sum()
    return by_seg, wv.sum() / ww.sum()


def _needs_table(survey, profiles, seg, w, s, n_needs) -> pd.DataFrame:
    q = survey.questionnaire
    rows = profiles[(profiles["section"] == "Needs") & profiles["category"].isna()]
    if rows.empty:
        return pd.DataFrame(columns=list(NEEDS_COLUMNS))
    items = list(dict.fromkeys(rows["variable"]))
    top = {}
    for i in items:
        item = q.item(i)
        codes = [c.code for c in q.options(item)]
        shown = display_codes(survey, item)
        top[i] = (shown >= sorted(codes)[-2]).astype(float).where(shown.notna())
    box_seg, box_total = _wmean(pd.DataFrame(top), seg, w)
    mine = rows[rows["segment"] == s].drop_duplicates("variable").set_index("variable")
    total = rows.drop_duplicates("variable").set_index("variable")["total"]
    out = pd.DataFrame(
        {
            "item": items,
            "text": [q.item(i).text for i in items],
            "mean": [float(mine["value"].get(i, np.nan)) for i in items],
            "total_mean": [float(total[i]) for i in items],
            "index": [float(mine["index"].get(i, np.nan)) for i in items],
            "top_box": [float(box_seg.loc[s, i]) if s in box_seg.index else np.nan for i in items],
            "total_top_box": [float(box_total[i]) for i in items],
            "sig": [str(mine["sig"].get(i, "")) if "sig" in mine else "" for i in items],
        }
    )
    out["total_rank"] = out["total_mean"].rank(ascending=False, method="min").astype(int)
    out = out.sort_values(["mean", "index", "item"], ascending=[False, False, True], kind="stable")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out[list(NEEDS_COLUMNS)].head(n_needs).reset_index(drop=True)


def _describing(survey, profiles, s) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demographics, metrics) rows of segment ``s`` from the profile table."""
    q = survey.questionnaire
    mine = profiles[(profiles["segment"] == s) & ~profiles["section"].isin(_CORE)]
    sig = mine["sig"] if "sig" in mine else pd.Series("", index=mine.index)
    labels = mine["variable"].map(lambda v: short_label(q.item(v)))
    cats = mine["category"].notna()
    demographics = pd.DataFrame(
        {
            "section": mine["section"],
            "variable": mine["variable"],
            "label": labels,
            "category": mine["category"],
            "share": mine["value"],
            "total_share": mine["total"],
            "index": mine["index"],
            "sig": sig,
        }
    )[cats.to_numpy()]
    metrics = pd.DataFrame(
        {
            "variable": mine["variable"],
            "label": labels,
            "unit": mine["variable"].map(lambda v: q.item(v).unit or ""),
            "mean": mine["value"],
            "total_mean": mine["total"],
            "index": mine["index"],
            "sig": sig,
        }
    )[(~cats).to_numpy()]
    return demographics.reset_index(drop=True), metrics.reset_index(drop=True)


def _distinctive(survey, profiles, seg, w, s, n_items) -> pd.DataFrame:
    q = survey.questionnaire
    scale = [i for i in q.scale_items() if i.id in survey.responses]
    shown = pd.DataFrame({i.id: display_codes(survey, i) for i in scale})
    seg_means, total = _wmean(shown, seg, w)
    spread = np.sqrt(_wmean((shown - total) ** 2, seg, w)[1]).replace(0, np.nan)
    d = ((seg_means.loc[s] - total) / spread).dropna()
    top = list(d.abs().sort_values(ascending=False, kind="stable").head(n_items).index)
    sig = profiles[(profiles["segment"] == s) & profiles["category"].isna()]
    sig = sig.drop_duplicates("variable").set_index("variable")
    out = pd.DataFrame(
        {
            "item": top,
            "text": [q.item(i).text for i in top],
            "construct": [q.item(i).construct for i in top],
            "mean": [float(seg_means.loc[s, i]) for i in top],
            "total_mean": [float(total[i]) for i in top],
        }
    )
    out["index"] = 100 * out["mean"] / out["total_mean"]
    out["direction"] = np.where(out["mean"] >= out["total_mean"], "higher", "lower")
    out["sig"] = [str(sig["sig"].get(i, "")) if "sig" in sig else "" for i in top]
    return out


def _needs_by_construct(survey, profiles) -> pd.DataFrame | None:
    constructs = survey.questionnaire.construct_of()
    rows = profiles[(profiles["section"] == "Needs") & profiles["category"].isna()]
    rows = rows.assign(construct=rows["variable"].map(constructs)).dropna(subset=["construct"])
    if rows.empty:
        return None
    return rows.pivot_table(index="segment", columns="construct", values="index", aggfunc="mean")


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
    n_needs: int = 5,
    max_quotes: int = 4,
    profiles: pd.DataFrame | None = None,
    weights: pd.Series | None = None,
    scorecard: pd.DataFrame | None = None,
    headline: str | None = None,
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
        Coded interview passages with a ``segment`` column (and ``sentiment``).
    quotes : pd.DataFrame, optional
        ``segment, code, transcript, quote`` (already redacted).
    names : mapping, optional
        Segment -> name, overriding the generated names (the study file's ``segments.names``).
    n_items, n_needs, max_quotes : int
        Distinctive items, needs and quotes kept per persona.
    profiles : pd.DataFrame, optional
        The tested profile table (:func:`segment_profiles`); computed when not given.
    weights : pd.Series, optional
        Sampling weights; default the survey's ``weights`` when it has them.
    scorecard : pd.DataFrame, optional
        The seven-part scorecard in any shape :func:`normalise_scorecard` reads.
    headline : str, optional
        The numeric question shown in each persona's header (``Persona.headline``).
    """
    q = survey.questionnaire
    if weights is None:
        weights = survey_weights(survey)
    seg = assignments.reindex(survey.responses.index)
    w = pd.Series(1.0, index=seg.index) if weights is None else weights.reindex(seg.index)
    w = w.fillna(0.0)
    if profiles is None:
        profiles = segment_profiles(survey, assignments, weights=weights)
    attitudes = factor_means(factor_scores, assignments, {}, weights=weights)
    named = attitudes.rename(columns=dict(factor_labels))
    seg_names = name_segments(
        attitudes,
        factor_constructs(loadings, q),
        q,
        names,
        needs=_needs_by_construct(survey, profiles),
        labels=factor_labels,
        orientation=factor_orientation(loadings),
    )
    segments = sorted(int(s) for s in seg.dropna().unique())
    counts = seg.value_counts()
    mass = w.groupby(seg).sum()
    card = normalise_scorecard(scorecard) if scorecard is not None else None

    personas = []
    for s in segments:
        demographics, metrics = _describing(survey, profiles, s)
        top_codes, seg_quotes, sentiment, interviews = _interview_part(coded, quotes, s, max_quotes)
        attitude = named.loc[s] if s in named.index else pd.Series(dtype=float)
        mine = pd.DataFrame(columns=SCORECARD_COLUMNS[1:])
        if card is not None:
            mine = card[card["segment"] == s][SCORECARD_COLUMNS[1:]].reset_index(drop=True)
        personas.append(
            Persona(
                segment=s,
                name=seg_names[s],
                description=describe_segment(attitude, demographics),
                size=int(counts.get(s, 0)),
                share=float(mass.get(s, 0) / mass.sum()),
                color=PALETTE[(s - 1) % len(PALETTE)],
                attitudes=attitude.astype(float),
                distinctive_items=_distinctive(survey, profiles, seg, w, s, n_items),
                demographics=demographics,
                top_codes=top_codes,
                quotes=seg_quotes,
                needs=_needs_table(survey, profiles, seg, w, s, n_needs),
                metrics=metrics,
                weighted_size=None if weights is None else float(mass.get(s, 0)),
                sentiment=sentiment,
                interviews=interviews,
                scorecard=mine,
                headline=headline if headline in set(metrics["variable"]) else None,
            )
        )
    return personas


def _interview_part(
    coded: pd.DataFrame | None, quotes: pd.DataFrame | None, segment: int, max_quotes: int
) -> tuple[pd.DataFrame, pd.DataFrame, float | None, int]:
    cols = ["code", "label", "passages", "transcripts", "transcript_share", "sentiment"]
    codes = pd.DataFrame(columns=cols)
    sentiment, interviews, labels = None, 0, {}
    if coded is not None and len(coded) and "segment" in coded:
        labels = dict(zip(coded["code"], coded["label"], strict=False))
        mine = coded[coded["segment"] == segment]
        if len(mine):
            interviews = int(mine["transcript"].nunique())
            if "sentiment" not in mine:
                mine = mine.assign(sentiment=np.nan)
            codes = (
                mine.groupby(["code", "label"], sort=True)
                .agg(
                    passages=("transcript", "size"),
                    transcripts=("transcript", "nunique"),
                    sentiment=("sentiment", "mean"),
                )
                .reset_index()
                .sort_values(["transcripts", "passages", "code"], ascending=[False, False, True])
                .reset_index(drop=True)
            )
            codes["transcript_share"] = codes["transcripts"] / interviews
            codes = codes[cols]
            # One score per turn: a turn coded twice must not count twice.
            turns = mine.drop_duplicates(["transcript", "turn"]) if "turn" in mine else mine
            value = turns["sentiment"].mean()
            sentiment = None if pd.isna(value) else float(value)
    picked = pd.DataFrame(columns=["code", "label", "transcript", "quote"])
    if quotes is not None and len(quotes):
        mine = quotes[quotes["segment"] == segment].head(max_quotes)
        picked = mine[["code", "transcript", "quote"]].reset_index(drop=True)
        picked.insert(1, "label", picked["code"].map(lambda c: labels.get(c, c)))
    return codes, picked, sentiment, interviews
