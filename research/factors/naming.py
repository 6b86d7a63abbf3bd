"""Suggested factor labels: from the questionnaire's constructs, else from the items' wording."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

__all__ = ["factor_labels", "wording_label"]

# Words that carry no meaning in a label: function words and the verbs and adverbs survey
# statements are built from ("I often feel...", "Get ... easily").
_STOPWORDS = frozenset(
    """
    a about above after again against all also always am an and any are as at be been before
    being below between both but by can cannot could did do does doing don don't down during
    each easily every few for from further get gets getting give go going good got had has have
    having he her here hers herself him himself his how i i'd i'll i'm i've if in into is it
    it's its itself just keep know least less let like lot lots make makes making many me
    more most much must my myself never no nor not of off often on once only or other others
    our ours ourselves out over own quite rather really same seem seems she should so some
    something sometimes such take than that the their theirs them themselves then there these
    they thing things this those through to too under until up upon us usually very want was
    we well were what when where which while who whom why will with would you your yours
    yourself yourselves feel find put tend try usually
    """.split()
)
_WORD = re.compile(r"[a-z][a-z'-]*")


def _content_words(text: str) -> list[str]:
    words = [w.strip("'-") for w in _WORD.findall(str(text).lower())]
    return [w for w in words if len(w) > 2 and w not in _STOPWORDS]


#: Longest label, in characters; longer wording is cut at a word boundary.
MAX_LABEL = 40


def _phrase(text: str) -> str | None:
    """An item's wording as a label: no closing stop, no leading "I", at most MAX_LABEL chars."""
    text = " ".join(str(text).split()).strip().rstrip(".?!:;")
    text = re.sub(r"^(I|I'm|I am)\s+", "", text)
    if not _content_words(text):
        return None  # an id or a code ("A1"), not wording
    if len(text) > MAX_LABEL:
        cut = text[: MAX_LABEL - 1].rsplit(" ", 1)[0]
        text = cut.rstrip(",;:- ") + "\u2026"
    return text[:1].upper() + text[1:]


def wording_label(loadings: pd.Series, wording: Mapping[str, str], *, top: int = 3) -> str | None:
    """A short label for one factor from the wording of its strongest item.

    Parameters
    ----------
    loadings : pandas.Series
        The factor's loadings, indexed by item.
    wording : mapping
        Item id -> question text. Leave out reverse-keyed items whose answers were reversed:
        their wording states the opposite pole, so it would flip the label's meaning.
    top : int
        How many of the strongest items are considered.

    Returns
    -------
    str or None
        The wording of the strongest item on the factor's dominant pole, e.g. ``"Get angry
        easily"``. Items loading negatively describe the opposite pole, so when the strongest
        items are negative the label starts with ``"Low: "``. None when no item has usable
        wording (wording that is only an id such as ``"A1"``).

    Notes
    -----
    A heuristic, not a statistic: on bfi the neuroticism factor becomes "Get angry easily"
    (N1). A whole phrase keeps its meaning where a pair of content words does not ("Difficult /
    approach"). Study files can override labels.
    """
    # Wording that only repeats the item's id ("CARESG", as inferred from a bare CSV) is none.
    usable = {
        i: _phrase(wording[i])
        for i in loadings.index
        if i in wording and str(wording[i]).strip().lower() != str(i).lower()
    }
    usable = {i: t for i, t in usable.items() if t}
    known = loadings[[i for i in loadings.index if i in usable]]
    if known.empty:
        return None
    positive = known[known > 0].sort_values(ascending=False)
    prefix = ""
    chosen = positive.head(top)
    if chosen.empty or (known.abs().max() > 1.5 * chosen.iloc[0]):
        chosen = (-known[known < 0]).sort_values(ascending=False).head(top)
        prefix = "Low: "
    return prefix + usable[chosen.index[0]]


def _id_label(loadings: pd.Series) -> str:
    """ "Items N1, N2, N3": what a factor is made of when the questionnaire has no wording."""
    strongest = loadings.abs().sort_values(ascending=False)
    ids = [str(i) for i in strongest.index[:3]]
    more = len(strongest) - len(ids)
    return "Items " + ", ".join(ids) + (f" (+{more})" if more > 0 else "")


def factor_labels(
    loadings: pd.DataFrame,
    constructs: Mapping[str, str] | None = None,
    construct_labels: Mapping[str, str] | None = None,
    *,
    wording: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Human labels for the factors.

    Parameters
    ----------
    loadings : pandas.DataFrame
        Pattern loadings, items x factors.
    constructs : mapping, optional
        Item id -> intended construct id. Items not in ``loadings`` are ignored.
    construct_labels : mapping, optional
        Construct id -> display label; a construct without one is shown by its id.
    wording : mapping, optional
        Item id -> question text, used for factors no construct names (:func:`wording_label`).
    overrides : mapping, optional
        Factor -> label chosen by the analyst (e.g. from the study file); always wins.

    Returns
    -------
    dict
        Factor -> label. With ``constructs``, a factor is labelled with the construct having
        the largest sum of absolute loadings on it among the items whose primary (largest
        absolute) loading is on that factor; the second and later factors given the same label
        get " (2)", " (3)", ... A factor without such items falls back to its strongest item's
        wording (:func:`wording_label`), then, when the wording is only ids, to the ids of its
        strongest items ("Items N1, N2, N3"), then to "Factor k".

    Notes
    -----
    On bfi with the psychTools dictionary's Big-Five constructs, the five factors are labelled
    with the five intended traits (checked in ``tests/test_factors.py``).
    """
    factors = list(loadings.columns)
    labels = {f: f"Factor {i}" for i, f in enumerate(factors, start=1)}
    primary = loadings.abs().idxmax(axis=1)
    named: set[str] = set()
    if constructs:
        construct_labels = dict(construct_labels or {})
        seen: dict[str, int] = {}
        for factor in factors:
            members = [i for i in loadings.index if primary[i] == factor and i in constructs]
            if not members:
                continue
            weight = (
                loadings.loc[members, factor]
                .abs()
                .groupby([str(constructs[i]) for i in members], sort=True)
                .sum()
            )
            best = str(weight.idxmax())
            label = str(construct_labels.get(best, best))
            seen[label] = seen.get(label, 0) + 1
            labels[factor] = label if seen[label] == 1 else f"{label} ({seen[label]})"
            named.add(factor)
    if wording:
        for factor in factors:
            if factor in named:
                continue
            own = loadings.loc[primary == factor, factor]
            label = wording_label(own if not own.empty else loadings[factor], wording)
            if label:
                labels[factor] = label
            elif not own.empty:
                labels[factor] = _id_label(own)
    _dedupe(labels, named)
    for factor, label in (overrides or {}).items():
        if factor in labels and str(label).strip():
            labels[factor] = str(label)
    return labels


def _dedupe(labels: dict[str, str], fixed: set[str]) -> None:
    """Number repeated wording labels " (2)", " (3)"... in factor order."""
    seen: dict[str, int] = {}
    for factor, label in labels.items():
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1 and factor not in fixed:
            labels[factor] = f"{label} ({seen[label]})"
