"""Build one persona per segment from the numbers, then let interviews add the why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..ingest import SurveyData
from .model import ANSWERS_COLUMNS, NEEDS_COLUMNS, Persona
from .naming import (
    answer_phrase,
    describe_answers,
    describe_segment,
    factor_constructs,
    factor_orientation,
    name_by_answers,
    name_segments,
    question_phrase,
)
from .profiles import display_codes, factor_means, segment_profiles, short_label, survey_weights
from .scorecard import SCORECARD_COLUMNS, normalise_scorecard

__all__ = ["PALETTE", "answer_traits", "build_personas", "name_segments", "factor_constructs"]

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


def _item_z(survey, ids, seg, w) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Segment means, sample means and standardised differences of rating items as answered."""
    q = survey.questionnaire
    shown = pd.DataFrame({i: display_codes(survey, q.item(i)) for i in ids}, index=seg.index)
    seg_means, total = _wmean(shown, seg, w)
    spread = np.sqrt(_wmean((shown - total) ** 2, seg, w)[1]).replace(0, np.nan)
    return seg_means, total, (seg_means - total) / spread


def answer_traits(
    survey: SurveyData,
    items: Sequence[str],
    profiles: pd.DataFrame,
    assignments: pd.Series,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """What each segment is high or low on among the segmentation items, for names and lines.

    Parameters
    ----------
    survey : SurveyData
    items : sequence of str
        The segmentation items (single-choice and rating items; others are ignored).
    profiles : pandas.DataFrame
        The tested profile table (:func:`segment_profiles`): shares and tests of the answers.
    assignments : pandas.Series
        Segment per respondent id.
    weights : pandas.Series, optional

    Returns
    -------
    pandas.DataFrame
        One row per segment and trait: ``segment, variable, label, category, kind, phrase,
        value, total, index, z, sig``. ``kind`` is ``"answer"`` (one answer of a single-choice
        item: ``value`` and ``total`` are the segment's and the sample's shares, ``z`` the
        difference in the answer's standard deviations, ``(p - P) / sqrt(P (1 - P))``) or
        ``"rating"`` (``value``, ``total``: means as answered; ``z`` in the item's standard
        deviations, the scale of the factor scores' z).
    """
    q = survey.questionnaire
    cols = ["segment", "variable", "label", "category", "kind", "phrase", "value", "total"]
    cols += ["index", "z", "sig"]
    by_id = {i.id: i for i in q.items}
    single = [i for i in items if i in by_id and by_id[i].type == "single"]
    rating = [i for i in items if i in by_id and by_id[i].type in ("likert", "importance")]
    parts = []
    rows = profiles[profiles["variable"].isin(single) & profiles["category"].notna()]
    if len(rows):
        item_of = rows["variable"].map(by_id)
        labels = {i: [c.label for c in q.options(by_id[i])] for i in single}
        total = rows["total"].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (rows["value"].astype(float) - total) / np.sqrt(total * (1 - total))
        parts.append(
            pd.DataFrame(
                {
                    "segment": rows["segment"].astype(int),
                    "variable": rows["variable"],
                    "label": item_of.map(lambda it: question_phrase(it, 80)),
                    "category": rows["category"],
                    "kind": "answer",
                    "phrase": [
                        answer_phrase(it, cat, labels[it.id])
                        for it, cat in zip(item_of, rows["category"], strict=True)
                    ],
                    "value": rows["value"].astype(float),
                    "total": total,
                    "index": rows["index"].astype(float),
                    "z": z.where(np.isfinite(z)),
                    "sig": rows["sig"] if "sig" in rows else "",
                }
            )
        )
    if rating:
        from ..factors.naming import _phrase

        seg = assignments.reindex(survey.responses.index)
        w = pd.Series(1.0, index=seg.index) if weights is None else weights.reindex(seg.index)
        means, total, z = _item_z(survey, rating, seg, w.fillna(0.0))
        tested = profiles[profiles["category"].isna()].set_index(["segment", "variable"])
        for s in means.index:
            for i in rating:
                item = by_id[i]
                sig = tested["sig"].get((s, i), "") if "sig" in tested else ""
                parts.append(
                    pd.DataFrame(
                        [
                            {
                                "segment": int(s),
                                "variable": i,
                                "label": question_phrase(item, 80),
                                "category": None,
                                "kind": "rating",
                                # As answered (reverse keys undone): the wording is the pole.
                                "phrase": _phrase(item.text) or question_phrase(item),
                                "value": float(means.loc[s, i]),
                                "total": float(total[i]),
                                "index": 100 * float(means.loc[s, i]) / float(total[i]),
                                "z": float(z.loc[s, i]),
                                "sig": sig,
                            }
                        ]
                    )
                )
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)[cols]
    return out.dropna(subset=["z"]).reset_index(drop=True)


def _answers(traits: pd.DataFrame, s: int) -> pd.DataFrame:
    """One segment's answers to the segmentation items, most over-represented first."""
    mine = traits[(traits["segment"] == s) & (traits["kind"] == "answer")]
    mine = mine.sort_values(["z", "phrase"], ascending=[False, True], kind="stable")
    out = mine.rename(columns={"value": "share", "total": "total_share"})
    return out[list(ANSWERS_COLUMNS)].reset_index(drop=True)


def _distinctive(survey, profiles, seg, w, s, n_items) -> pd.DataFrame:
    q = survey.questionnaire
    scale = [i for i in q.scale_items() if i.id in survey.responses]
    if not scale:
        columns = ["item", "text", "construct", "mean", "total_mean", "index", "direction", "sig"]
        return pd.DataFrame(columns=columns)
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
    factor_scores: pd.DataFrame | None,
    factor_labels: Mapping[str, str],
    loadings: pd.DataFrame | None,
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
    basis_items: Sequence[str] | None = None,
) -> list[Persona]:
    """One :class:`Persona` per segment.

    Parameters
    ----------
    survey : SurveyData
    assignments : pd.Series
        Segment (1..K) per respondent id.
    factor_scores : pd.DataFrame or None
        Factor scores per respondent (columns F1..Fk); None when no factor analysis was run
        (the personas then have no attitudes).
    factor_labels : mapping
        Factor column -> label.
    loadings : pd.DataFrame or None
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
    basis_items : sequence of str, optional
        The segmentation items, when they (not the factors) should name and describe the
        personas: a basis of single-choice items, or a study without a factor analysis. The
        personas are then named for the answers they are high on (:func:`answer_traits`,
        :func:`~research.personas.naming.name_by_answers`) and carry them in ``answers``.
    """
    q = survey.questionnaire
    if weights is None:
        weights = survey_weights(survey)
    seg = assignments.reindex(survey.responses.index)
    w = pd.Series(1.0, index=seg.index) if weights is None else weights.reindex(seg.index)
    w = w.fillna(0.0)
    if profiles is None:
        profiles = segment_profiles(survey, assignments, weights=weights)
    segments = sorted(int(s) for s in seg.dropna().unique())
    if factor_scores is not None:
        attitudes = factor_means(factor_scores, assignments, {}, weights=weights)
    else:  # no factor analysis: no attitude dimensions to show or name by
        attitudes = pd.DataFrame(index=pd.Index(segments, name="segment"))
    named = attitudes.rename(columns=dict(factor_labels))
    traits = None
    if basis_items:
        traits = answer_traits(survey, list(basis_items), profiles, assignments, weights)
        seg_names = name_by_answers(traits, names)
        for s in segments:  # a segment with no trait at all still gets a name
            seg_names.setdefault(s, (names or {}).get(s, f"Segment {s}"))
    else:
        seg_names = name_segments(
            attitudes,
            factor_constructs(loadings, q) if loadings is not None else {},
            q,
            names,
            needs=_needs_by_construct(survey, profiles),
            labels=factor_labels,
            orientation=factor_orientation(loadings) if loadings is not None else {},
        )
    counts = seg.value_counts()
    mass = w.groupby(seg).sum()
    card = normalise_scorecard(scorecard) if scorecard is not None else None

    personas = []
    for s in segments:
        demographics, metrics = _describing(survey, profiles, s)
        top_codes, seg_quotes, sentiment, interviews = _interview_part(coded, quotes, s, max_quotes)
        attitude = named.loc[s] if s in named.index else pd.Series(dtype=float)
        if traits is not None:
            others = demographics[~demographics["variable"].isin(list(basis_items or []))]
            description = describe_answers(traits[traits["segment"] == s], others)
            answers = _answers(traits, s)
        else:
            description = describe_segment(attitude, demographics)
            answers = pd.DataFrame(columns=list(ANSWERS_COLUMNS))
        mine = pd.DataFrame(columns=SCORECARD_COLUMNS[1:])
        if card is not None:
            mine = card[card["segment"] == s][SCORECARD_COLUMNS[1:]].reset_index(drop=True)
        personas.append(
            Persona(
                segment=s,
                name=seg_names[s],
                description=description,
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
                answers=answers,
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
