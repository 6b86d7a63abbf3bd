"""Persona names and one-line descriptions, generated from what sets a segment apart."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from ..questionnaire import Item, Questionnaire

__all__ = [
    "answer_phrase",
    "describe_answers",
    "describe_segment",
    "factor_constructs",
    "factor_orientation",
    "name_by_answers",
    "name_segments",
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


#: Oriented z-score from which a segment is "high" on a dimension and may be named for it
#: (the same threshold as the one-line description, so name and description agree).
HIGH = 0.4
#: Marks a phrase made of item ids (no wording): named "High N1/N2/N3".
IDS = "\x00"
#: Suffix the study gives a factor that no item loads on primarily (not a nameable dimension).
HOLLOW = "(no primary item)"


def factor_orientation(loadings: pd.DataFrame) -> dict[str, float]:
    """+1 or -1 per factor: the sign of the loadings of the items it holds primarily.

    A factor whose items load negatively (unreversed reverse-keyed items, or a rotation that
    came out flipped) is high where the construct is low; naming multiplies by this sign so
    that a segment low on a construct is never named for it.
    """
    primary = loadings.abs().idxmax(axis=1)
    out = {}
    for factor in loadings.columns:
        own = loadings.loc[primary == factor, factor]
        total = float(own.sum()) if len(own) else float(loadings[factor].sum())
        out[str(factor)] = -1.0 if total < 0 else 1.0
    return out


def _dimensions(
    row: pd.Series,
    factor_construct: Mapping[str, str | None],
    by_id: Mapping[str, object],
    labels: Mapping[str, str],
    orientation: Mapping[str, float],
) -> list[tuple[object | None, str, float]]:
    """(construct or None, phrase, oriented z) per nameable factor, highest z first."""
    dims = []
    for factor, z in row.dropna().items():
        label = str(labels.get(factor, ""))
        if label.endswith(HOLLOW):
            continue
        sign = orientation.get(str(factor), 1.0)
        construct = by_id.get(factor_construct.get(factor) or "")
        if construct is not None:
            dims.append((construct, construct.label, float(z) * sign))
        elif label.startswith("Items "):
            # No wording, only ids ("Items N1, N2, N3 (+2)"): the ids are the phrase.
            ids = label[6:].split(" (+")[0].replace(", ", "/")
            dims.append((None, f"{IDS}{ids}", float(z)))
        elif label and not label.startswith("Factor "):
            # A wording label "Low: X" already names the negative pole: flip back to X.
            if label.startswith("Low: "):
                dims.append((None, label[5:], -float(z)))
            else:
                dims.append((None, label, float(z)))
    return sorted(dims, key=lambda d: (-d[2], d[1]))


def name_segments(
    attitudes: pd.DataFrame,
    factor_construct: Mapping[str, str | None],
    q: Questionnaire,
    overrides: Mapping[int, str] | None = None,
    *,
    needs: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    orientation: Mapping[str, float] | None = None,
) -> dict[int, str]:
    """A distinct name per segment from the dimensions it is distinctively high on.

    The highest dimension gives the noun ("Bargain Hunters"), the second gives the adjective
    ("Eco-minded") when it is also clearly above average. Words come from each construct's
    ``adjective`` and ``noun`` in the questionnaire; factors without a construct are named by
    their ``labels`` (item wording). A segment high on nothing is named for what it is low on
    ("Low on ...") or, failing that, from its most over-indexed need (``needs``: segments by
    construct id, mean index vs total) on which its attitude is not below average. Scores are
    multiplied by ``orientation`` (:func:`factor_orientation`) first, so a segment low on a
    construct is never named for it. Names are made distinct in segment order (a repeated name
    gets its second dimension, then a number); study-file ``overrides`` win.
    """
    overrides = {int(k): str(v) for k, v in (overrides or {}).items()}
    by_id = {c.id: c for c in q.constructs}
    labels = dict(labels or {})
    orientation = dict(orientation or {})
    names: dict[int, str] = {}
    used: set[str] = set(overrides.values())
    for seg, row in attitudes.iterrows():
        seg = int(seg)
        if seg in overrides:
            names[seg] = overrides[seg]
            continue
        dims = _dimensions(row, factor_construct, by_id, labels, orientation)
        z_of = {c.id: z for c, _, z in dims if c is not None}
        need_order = []
        if needs is not None and seg in needs.index:
            top = needs.loc[seg].dropna().sort_values(ascending=False)
            need_order = [
                by_id[k] for k, v in top.items() if k in by_id and v > 105 and z_of.get(k, 0) >= 0
            ]
        high = [d for d in dims if d[2] >= HIGH]
        candidates = []
        if high:
            lead, phrase, _ = high[0]
            if lead is not None:
                noun = lead.noun or lead.label
                candidates += [
                    f"{c.adjective} {noun}" for c, _, z in high[1:] if c and z > 0.5 and c.adjective
                ]
                candidates.append(noun)
                # Taken already: let its strongest needs, then its other leanings, say more.
                candidates += [
                    f"{c.adjective} {noun}" for c in need_order if c.adjective and c != lead
                ]
                candidates += [f"{c.adjective} {noun}" for c, _, _ in high[1:] if c and c.adjective]
            else:
                if phrase.startswith(IDS):
                    phrase = "High " + phrase
                candidates.append(phrase)
                candidates += [f"{phrase}, {_short(p2)}" for _, p2, _ in high[1:]]
            low = [d for d in reversed(dims) if d[2] <= -HIGH]
            if lead is None:
                candidates += [f"{phrase}, not {_short(d[1])}" for d in low[:1]]
            # Still taken: how strongly it leans tells two such segments apart.
            candidates.append(f"{candidates[0]} ({high[0][2]:+.1f} SD)")
        elif need_order:
            c = need_order[0]
            candidates.append(f"{c.adjective or c.label} Mainstream")
        low = [d for d in reversed(dims) if d[2] <= -HIGH]
        if low and not high:
            candidates.append(f"Low on {_short(low[0][1])}")
            candidates += [f"Low on {_short(low[0][1])} and {_short(d[1])}" for d in low[1:2]]
        if not high and not low:
            candidates.append("Middle Ground")
        candidates.append(f"Segment {seg}")
        names[seg] = _first_free([c.replace(IDS, "") for c in candidates], used)
    return names


def _first_free(candidates: list[str], used: set[str]) -> str:
    """The first candidate name not taken (else the first numbered), marked as taken."""
    name = next((c for c in candidates if c not in used), None)
    if name is None:
        base, n = candidates[0], 2
        while f"{base} ({n})" in used:
            n += 1
        name = f"{base} ({n})"
    used.add(name)
    return name


def _short(phrase: str) -> str:
    """A construct label or item phrase inside a name: lower-case unless a proper name.

    Only a phrase whose other words are all lower-case is lowered ("Get angry easily"), so
    "Luke Skywalker", "Yoda" and acronyms keep their capitals.
    """
    words = phrase.split()
    if len(words) < 2 or phrase[:2].isupper() or any(w[:1].isupper() for w in words[1:]):
        return phrase
    return phrase[:1].lower() + phrase[1:]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_segment(attitudes: pd.Series, demographics: pd.DataFrame) -> str:
    """One line: the dimensions a segment is high and low on, and who it over-represents.

    ``attitudes`` are mean z-scores by factor label (a label "Low: X" is read as X with the
    sign flipped; labels ending "(no primary item)" are skipped); ``demographics`` has ``label, category,
    share, index`` (and optionally ``sig``). Only categories held by at least 30% of the
    segment with an index of 130 or more are named.
    """
    oriented = {}
    for label, z in attitudes.dropna().items():
        label = str(label)
        if label.endswith(HOLLOW):
            continue  # no item defines it: nothing to describe
        if label.startswith("Low: "):  # the negative pole's wording: say it the right way up
            label, z = label[5:], -z
        oriented[label] = float(z)
    ordered = pd.Series(oriented, dtype=float).sort_values(ascending=False)
    high = [str(f) for f, z in ordered.items() if z >= HIGH][:2]
    low = [str(f) for f, z in ordered[::-1].items() if z <= -HIGH][:2]
    parts = []
    if high:
        parts.append("High on " + _join(high))  # labels as written: acronyms stay intact
    if low:
        parts.append(("low on " if parts else "Low on ") + _join(low))
    text = "; ".join(parts) if parts else "Close to the average on every dimension"
    return text + _over_represented(demographics) + "."


def _over_represented(demographics: pd.DataFrame | None) -> str:
    """ ". Over-represented: ..." for the categories a segment over-represents, or ""."""
    if demographics is None or not len(demographics):
        return ""
    over = demographics[(demographics["share"] >= 0.3) & (demographics["index"] >= 130)]
    if "sig" in over:
        over = over[over["sig"].isin(["higher", ""])]
    over = over.sort_values(["index", "category"], ascending=[False, True]).head(2)
    if not len(over):
        return ""
    label = over["label"] if "label" in over else over["variable"]
    shown = [
        f"{cat} ({lab}, {share:.0%})"
        for cat, lab, share in zip(over["category"], label, over["share"], strict=True)
    ]
    return ". Over-represented: " + ", ".join(shown)


# ------------------------------------------------------------------ names from the answers
# A segmentation on single-choice (categorical) items, or one without a factor analysis, is
# named from the segmentation items themselves: each answer category (or rating item) is a
# trait with a standardised difference from the sample, and the rules above carry over:
# names only for what a segment is high on, distinct names, "Middle Ground" otherwise.

#: Least share of a segment giving an answer before that answer may name it: a name says what
#: the segment does, not only that it does it more often (the description's over-represented
#: categories use the same 30%).
NAME_SHARE = 0.3
#: Longest question part of an answer phrase ("Household Income: $150,000+").
_LEAD = 40

_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "n", "false"})
#: Question openers of yes/no questions and the statements a Yes and a No answer make.
_OPENERS = (
    (r"(?:do|does) you ever\s+(.+)", "{}", "Never {}"),
    (r"(?:have|has) you ever\s+(.+)", "{}", "Never {}"),
    (r"(?:are|were) you ever\s+(.+)", "{}", "Never {}"),
    (r"(?:do|does) you\s+(.+)", "{}", "Don't {}"),
    (r"(?:are|were) you\s+(.+)", "{}", "Not {}"),
    (r"have you\s+(.+)", "Have {}", "Haven't {}"),
    (r"did you\s+(.+)", "Did {}", "Didn't {}"),
    (r"(?:would|will) you\s+(.+)", "Would {}", "Wouldn't {}"),
    (r"can you\s+(.+)", "Can {}", "Can't {}"),
)


def _plain(text: str) -> str:
    """Question text on one line, without markup or the closing punctuation."""
    text = re.sub(r"<[^>]*>", " ", str(text))
    return " ".join(text.split()).strip().rstrip("?.!:;").strip()


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:- ") + "\u2026"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def question_phrase(item: Item, limit: int = _LEAD) -> str:
    """A few words naming a question: its wording (cut to `limit`), or its id if it has none."""
    from ..factors.naming import _phrase

    text = _plain(item.text)
    wording = _phrase(text) if text.lower() != item.id.lower() else None
    if not wording:
        words = " ".join(item.id.replace("_", " ").split())
        return _cap(words)
    return _cut(_cap(text), limit)


def answer_phrase(item: Item, label: str, labels: list[str]) -> str:
    """What giving answer `label` to `item` says about a respondent, as a name can use it.

    A yes/no question with a recognised opener becomes a statement ("Do you ever gamble?":
    Yes "Gamble", No "Never gamble"); any other answer is the question's few words and the
    answer ("Household Income: $150,000+").

    Parameters
    ----------
    item : Item
        A single-choice question.
    label : str
        The answer (one of its options' labels).
    labels : list of str
        Every option label of the question (a yes/no question has exactly a yes and a no).
    """
    kinds = {" ".join(str(x).lower().split()) for x in labels}
    answer = " ".join(str(label).lower().split())
    if len(kinds) == 2 and kinds & _YES and kinds & _NO:
        text = _plain(item.text)
        for pattern, yes, no in _OPENERS:
            hit = re.fullmatch(pattern, text, flags=re.IGNORECASE)
            if hit:
                rest = hit.group(1)
                return _cut(_cap((yes if answer in _YES else no).format(rest)), 40)
    return f"{question_phrase(item)}: {' '.join(str(label).split())}"


def _traits_of(traits: pd.DataFrame, seg: int) -> pd.DataFrame:
    return traits[traits["segment"] == seg]


def _high(mine: pd.DataFrame) -> pd.DataFrame:
    """Traits a segment may be named for: well above the sample (and, for an answer, given by
    at least :data:`NAME_SHARE` of the segment), highest first."""
    ok = mine["z"] >= HIGH
    ok &= (mine["kind"] != "answer") | (mine["value"] >= NAME_SHARE)
    return mine[ok].sort_values(["z", "phrase"], ascending=[False, True], kind="stable")


def _low(mine: pd.DataFrame) -> pd.DataFrame:
    """Rating items a segment is well below the sample on, lowest first. Answers are never
    "low": a segment low on one answer gives another (it is named for that one, if high)."""
    ok = (mine["z"] <= -HIGH) & (mine["kind"] != "answer")
    return mine[ok].sort_values(["z", "phrase"], kind="stable")


def name_by_answers(
    traits: pd.DataFrame, overrides: Mapping[int, str] | None = None
) -> dict[int, str]:
    """A distinct name per segment from the answers (or rating items) it is high on.

    Parameters
    ----------
    traits : pandas.DataFrame
        One row per segment and trait: ``segment, kind, phrase, z, value`` (``kind`` is
        ``"answer"`` for an answer category, ``value`` its share in the segment; ``"rating"``
        for a rating item, ``value`` its mean; ``z`` the difference from the sample in the
        sample's standard deviations, see :func:`research.personas.build.answer_traits`).
    overrides : mapping, optional
        Segment -> name from the study file; they win.

    Returns
    -------
    dict
        Segment -> name. The trait a segment is highest on (``z >= 0.4``; an answer also given
        by at least 30% of it) names it ("Gamble"); a name already taken gets the second
        trait ("Gamble, drink alcohol"), then the share or z ("Gamble (71%)"). A segment high
        on nothing is named for a rating item it is low on ("Low on ..."), else "Middle
        Ground"; a name still taken gets a number.
    """
    overrides = {int(k): str(v) for k, v in (overrides or {}).items()}
    names: dict[int, str] = {}
    used: set[str] = set(overrides.values())
    for seg in sorted(int(s) for s in traits["segment"].unique()):
        if seg in overrides:
            names[seg] = overrides[seg]
            continue
        mine = _traits_of(traits, seg)
        high, low = _high(mine), _low(mine)
        candidates = []
        if len(high):
            lead = high.iloc[0]
            candidates.append(lead["phrase"])
            candidates += [f"{lead['phrase']}, {_short(p)}" for p in high["phrase"].iloc[1:]]
            how = f"{lead['value']:.0%}" if lead["kind"] == "answer" else f"{lead['z']:+.1f} SD"
            candidates.append(f"{lead['phrase']} ({how})")
        elif len(low):
            first = _short(low["phrase"].iloc[0])
            candidates.append(f"Low on {first}")
            candidates += [f"Low on {first} and {_short(p)}" for p in low["phrase"].iloc[1:2]]
        else:
            candidates.append("Middle Ground")
        candidates.append(f"Segment {seg}")
        names[seg] = _first_free(candidates, used)
    return names


def _figure(row: pd.Series) -> str:
    if row["kind"] == "answer":
        return f"{row['value']:.0%} vs {row['total']:.0%}"
    return f"{row['value']:.1f} vs {row['total']:.1f}"


def describe_answers(traits: pd.DataFrame, demographics: pd.DataFrame | None = None) -> str:
    """One line: the answers (and rating items) a segment stands out on, with the figures.

    ``traits`` are one segment's rows of :func:`name_by_answers`' table (plus ``total``, the
    sample's share or mean); ``demographics`` as in :func:`describe_segment`, without the
    segmentation items. E.g. "Gamble (100% vs 48% of all respondents) and drink alcohol
    (99% vs 77%)."
    """
    # The traits a name may use (so name and line agree), strongest first.
    said = [r for _, r in _high(traits).head(2).iterrows()]
    answers = [r for r in said if r["kind"] == "answer"]
    ratings = [r for r in said if r["kind"] != "answer"]
    parts = []
    if answers:
        shown = [
            f"{r['phrase'] if i == 0 else _short(r['phrase'])} ({_figure(r)}"
            + (" of all respondents)" if i == 0 else ")")
            for i, r in enumerate(answers)
        ]
        parts.append(_join(shown))
    if ratings:
        rated = "high on " + _join([f"{r['phrase']} ({_figure(r)})" for r in ratings])
        # The strongest trait leads, as it leads the name.
        parts.insert(0 if said[0]["kind"] != "answer" else len(parts), rated)
    low = _low(traits)
    if len(low):
        parts.append(
            "low on "
            + _join([f"{_short(r.phrase)} ({_figure(r)})" for _, r in low.head(2).iterrows()])
        )
    text = "; ".join(parts) if parts else "Close to the average on every segmentation question"
    return _cap(text) + _over_represented(demographics) + "."
