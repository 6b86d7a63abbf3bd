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


def wording_label(loadings: pd.Series, wording: Mapping[str, str], *, top: int = 3) -> str | None:
    """A short label for one factor from the wording of its strongest items.

    Parameters
    ----------
    loadings : pandas.Series
        The factor's loadings, indexed by item.
    wording : mapping
        Item id -> question text.
    top : int
        How many of the strongest items to read.

    Returns
    -------
    str or None
        One or two content words, e.g. ``"Angry / irritated"``; words shared by several top
        items rank first, then by loading. Items loading negatively describe the opposite pole,
        so when the strongest items are negative the label starts with ``"Low: "``. None when
        no top item has usable wording.

    Notes
    -----
    A heuristic, not a statistic: on bfi the neuroticism factor becomes "Angry / irritated"
    (items N1 "Get angry easily", N2 "Get irritated easily"). Study files can override labels.
    """
    known = loadings[[i for i in loadings.index if i in wording]]
    if known.empty:
        return None
    positive = known[known > 0].sort_values(ascending=False)
    prefix = ""
    chosen = positive.head(top)
    if chosen.empty or (known.abs().max() > 1.5 * chosen.iloc[0]):
        chosen = (-known[known < 0]).sort_values(ascending=False).head(top)
        prefix = "Low: "
    score: dict[str, float] = {}
    order: dict[str, int] = {}
    for item, weight in chosen.items():
        for word in dict.fromkeys(_content_words(wording[item])):
            score[word] = score.get(word, 0.0) + float(weight)
            order.setdefault(word, len(order))
    if not score:
        return None
    best = sorted(score, key=lambda w: (-score[w], order[w]))[:2]
    label = " / ".join(best)
    return prefix + label[:1].upper() + label[1:]


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
        get " (2)", " (3)", ... A factor without such items falls back to its items' wording,
        then to "Factor k".

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
    for factor, label in (overrides or {}).items():
        if factor in labels and str(label).strip():
            labels[factor] = str(label)
    return labels
