"""Persona names and one-line descriptions, generated from what sets a segment apart."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..questionnaire import Questionnaire

__all__ = ["factor_constructs", "factor_orientation", "name_segments", "describe_segment"]


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
        candidates = [c.replace(IDS, "") for c in candidates]
        name = next((c for c in candidates if c not in used), None)
        if name is None:
            base, n = candidates[0], 2
            while f"{base} ({n})" in used:
                n += 1
            name = f"{base} ({n})"
        used.add(name)
        names[seg] = name
    return names


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
