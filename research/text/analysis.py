"""Analyse a coded corpus by segment: code frequencies, co-occurrence, sentiment, terms.

Every function takes the coded corpus (one row per passage and code) and, where shares need a
denominator, the passage table (every passage, coded or not), and groups by a column such as
``segment`` (added by :func:`~research.text.coding.attach_segments` or from the metadata).
Text is redacted before terms are counted, so names never surface as "distinctive" words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from ..errors import DataError
from ._typical import FILLERS
from .codebook import Codebook
from .passages import PASSAGE_KEY, require_columns
from .redact import TAGS, find_names, redact

__all__ = [
    "ALL",
    "code_frequencies",
    "collocations",
    "cooccurrence",
    "distinctive_terms",
    "sentiment_by_code",
]

#: Group name used when no grouping column is given.
ALL = "all"

_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_TAG = re.compile("|".join(re.escape(t) for t in TAGS))
_MARKS = re.compile(r"\b[Xx]{2,}\b")


def _grouped(frame: pd.DataFrame, by: str | None, what: str) -> pd.Series:
    if by is None:
        return pd.Series(ALL, index=frame.index)
    require_columns(frame, [by], what)
    return frame[by]


def _roll(coded: pd.DataFrame, codebook: Codebook | None, level: int | None) -> pd.DataFrame:
    if level is None:
        return coded
    if codebook is None:
        raise DataError("rolling codes up to a level needs the codebook")
    codes = [codebook.at_level(c, level) if c in codebook else c for c in coded["code"]]
    labels = [codebook[c].label if c in codebook else c for c in codes]
    return coded.assign(code=codes, label=labels)


def _unit(frame: pd.DataFrame) -> str:
    """Participant identifier: the respondent when known, else the transcript."""
    return "respondent_id" if "respondent_id" in frame.columns else "transcript"


def code_frequencies(
    coded: pd.DataFrame,
    passages: pd.DataFrame,
    *,
    by: str | None = "segment",
    codebook: Codebook | None = None,
    level: int | None = None,
) -> pd.DataFrame:
    """How often each code occurs per group, as a share of participants and of passages.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded corpus (``transcript``, ``turn``, ``sentence``, ``code``, ``label`` and `by`).
    passages : pandas.DataFrame
        All passages (coded or not), with the `by` column: the denominators.
    by : str or None, default "segment"
        Grouping column; None treats everything as one group, :data:`ALL`.
    codebook : Codebook, optional
        Needed for `level`; adds codes that never occur (with zeros).
    level : int, optional
        Roll codes up to this level of the hierarchy.

    Returns
    -------
    pandas.DataFrame
        Columns ``group`` (named `by`), ``code``, ``label``, ``participants`` (participants —
        respondents, else transcripts — with the code), ``n_participants``,
        ``participants_share``, ``passages`` (distinct passages with the code),
        ``n_passages``, ``passages_share``; sorted by group, then participants and passages
        (descending).
    """
    require_columns(coded, [*PASSAGE_KEY, "code", "label"], "the coded corpus")
    require_columns(passages, [*PASSAGE_KEY], "the passage table")
    coded = _roll(coded, codebook, level)
    name = by or "group"
    coded = coded.assign(_g=_grouped(coded, by, "the coded corpus"))
    passages = passages.assign(_g=_grouped(passages, by, "the passage table"))
    unit_c, unit_p = _unit(coded), _unit(passages)
    rows = []
    for group, mine in passages.groupby("_g", sort=True, dropna=True):
        n_people = mine[unit_p].nunique()
        n_passages = len(mine.drop_duplicates(list(PASSAGE_KEY)))
        hits = coded[coded["_g"] == group].drop_duplicates([*PASSAGE_KEY, "code"])
        labels = dict(zip(hits["code"], hits["label"], strict=False))
        present = list(pd.unique(hits["code"]))
        if codebook is not None:
            if level is None:
                every = [c.id for c in codebook if c.codable]
            else:
                every = list(dict.fromkeys(codebook.at_level(c.id, level) for c in codebook))
            present += [c for c in every if c not in present]
            labels.update({c: codebook[c].label for c in present if c in codebook})
        for code in present:
            rows_c = hits[hits["code"] == code]
            people, count = rows_c[unit_c].nunique(), len(rows_c)
            rows.append(
                (
                    group,
                    code,
                    labels.get(code, code),
                    people,
                    n_people,
                    people / n_people if n_people else np.nan,
                    count,
                    n_passages,
                    count / n_passages if n_passages else np.nan,
                )
            )
    columns = [
        name,
        "code",
        "label",
        "participants",
        "n_participants",
        "participants_share",
        "passages",
        "n_passages",
        "passages_share",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(
        [name, "participants", "passages", "code"],
        ascending=[True, False, False, True],
        kind="mergesort",
    )
    return out.reset_index(drop=True)


def cooccurrence(
    coded: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    level: int | None = None,
    within: str = "passage",
) -> pd.DataFrame:
    """Square table: how many passages (or transcripts) carry both codes.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded corpus.
    codebook, level
        Roll codes up to `level` first.
    within : {"passage", "transcript"}
        Count codes that share a passage, or that occur anywhere in the same transcript.

    Returns
    -------
    pandas.DataFrame
        Codes × codes counts (diagonal: units with the code), codes sorted by id.
    """
    if within not in ("passage", "transcript"):
        raise DataError(f"within must be one of ['passage', 'transcript'], got {within!r}")
    require_columns(coded, [*PASSAGE_KEY, "code"], "the coded corpus")
    coded = _roll(coded, codebook, level)
    key = list(PASSAGE_KEY) if within == "passage" else ["transcript"]
    pairs = coded[[*key, "code"]].drop_duplicates()
    codes = sorted(pd.unique(pairs["code"]))
    if not codes:
        empty = pd.DataFrame(index=pd.Index([], name="code"), columns=pd.Index([], name="code"))
        return empty.astype("int64")
    units = pairs.assign(_u=pairs[key].astype(str).agg("\x1f".join, axis=1))
    matrix = pd.crosstab(units["_u"], units["code"]).reindex(columns=codes, fill_value=0)
    values = (matrix.to_numpy() > 0).astype(int)
    table = pd.DataFrame(values.T @ values, index=codes, columns=codes)
    table.index.name = table.columns.name = "code"
    return table


def sentiment_by_code(
    coded: pd.DataFrame,
    *,
    by: str | None = "segment",
    codebook: Codebook | None = None,
    level: int | None = None,
) -> pd.DataFrame:
    """VADER sentiment of the passages of each code, per group.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded corpus with ``sentiment`` (VADER compound, -1 to 1).
    by, codebook, level
        As :func:`code_frequencies`.

    Returns
    -------
    pandas.DataFrame
        Columns group, ``code``, ``label``, ``passages``, ``sentiment_mean``,
        ``sentiment_median``, ``positive_share`` (compound ≥ 0.05) and ``negative_share``
        (≤ -0.05), the thresholds VADER's authors recommend.
    """
    require_columns(coded, [*PASSAGE_KEY, "code", "label", "sentiment"], "the coded corpus")
    coded = _roll(coded, codebook, level)
    name = by or "group"
    coded = coded.assign(_g=_grouped(coded, by, "the coded corpus"))
    coded = coded.drop_duplicates([*PASSAGE_KEY, "code"])
    grouped = coded.groupby(["_g", "code"], sort=True)
    out = grouped.agg(
        label=("label", "first"),
        passages=("sentiment", "size"),
        sentiment_mean=("sentiment", "mean"),
        sentiment_median=("sentiment", "median"),
        positive_share=("sentiment", lambda s: float((s >= 0.05).mean())),
        negative_share=("sentiment", lambda s: float((s <= -0.05).mean())),
    ).reset_index()
    return out.rename(columns={"_g": name})


def _clean_texts(frame: pd.DataFrame, names: Iterable[str]) -> list[str]:
    """Redacted, lower-cased texts without tags or anonymisation marks ("XXXX").

    Besides `names`, speaker names and names introduced anywhere in `frame` (``my sister
    Fiona``) are redacted in every text.
    """
    from .quotes import people_names

    texts = frame["text"].astype(str).tolist()
    found = tuple(dict.fromkeys(n for t in texts for n in find_names(t)))
    people = people_names(frame, names=tuple(names), found_names=found)
    return [_MARKS.sub(" ", _TAG.sub(" ", redact(t, **people))).lower() for t in texts]


def distinctive_terms(
    passages: pd.DataFrame,
    *,
    by: str | None = "segment",
    top: int = 10,
    min_participants: int = 2,
    names: Iterable[str] = (),
) -> pd.DataFrame:
    """Words that set each group's passages apart, by TF-IDF over one document per group.

    Parameters
    ----------
    passages : pandas.DataFrame
        Passages (``text``, ``transcript`` and `by`).
    by : str or None
        Grouping column.
    top : int
        Terms per group.
    min_participants : int
        Keep only terms used by at least this many participants of the group (when the group
        has that many), so one person's pet word or place name does not define a segment.
    names : iterable of str
        Names to redact before counting; e-mails, phones, URLs, postcodes, speaker names and
        names introduced anywhere in `passages` are always redacted.

    Returns
    -------
    pandas.DataFrame
        Columns group, ``rank``, ``term``, ``tfidf``, ``count``, ``participants``.
    """
    require_columns(passages, ["text", "transcript"], "the passage table")
    name = by or "group"
    frame = passages.assign(_g=_grouped(passages, by, "the passage table"))
    frame = frame[frame["_g"].notna()]
    frame = frame.assign(_t=_clean_texts(frame, names))
    groups = sorted(pd.unique(frame["_g"]), key=str)
    if not groups:
        return pd.DataFrame(columns=[name, "rank", "term", "tfidf", "count", "participants"])
    docs = [" ".join(frame.loc[frame["_g"] == g, "_t"]) for g in groups]
    vectorizer = TfidfVectorizer(
        stop_words=list(ENGLISH_STOP_WORDS | FILLERS),
        token_pattern=r"(?u)(?<![\w'’])[a-z]{3,}(?![\w'’])",
        sublinear_tf=True,
    )
    try:
        scores = vectorizer.fit_transform(docs).toarray()
    except ValueError:  # no word of three letters or more beyond stop words: nothing to rank
        return pd.DataFrame(columns=[name, "rank", "term", "tfidf", "count", "participants"])
    vocab = vectorizer.get_feature_names_out()
    unit = _unit(frame)
    rows = []
    for gi, group in enumerate(groups):
        mine = frame[frame["_g"] == group]
        people_total = mine[unit].nunique()
        need = min(min_participants, people_total)
        by_person = mine.groupby(unit)["_t"].apply(lambda s: set(_WORD.findall(" ".join(s))))
        rank = 0
        for j in np.argsort(-scores[gi], kind="stable"):
            if scores[gi, j] <= 0 or rank >= top:
                break
            term = vocab[j]
            people = sum(term in words for words in by_person)
            if people < need:
                continue
            rank += 1
            count = sum(_WORD.findall(t).count(term) for t in mine["_t"])
            rows.append((group, rank, term, float(scores[gi, j]), count, people))
    return pd.DataFrame(rows, columns=[name, "rank", "term", "tfidf", "count", "participants"])


def collocations(
    passages: pd.DataFrame,
    *,
    by: str | None = "segment",
    top: int = 10,
    min_count: int = 2,
    names: Iterable[str] = (),
) -> pd.DataFrame:
    """Two-word phrases that occur together more than chance, per group (NLTK collocations).

    Parameters
    ----------
    passages : pandas.DataFrame
        Passages (``text`` and `by`).
    by : str or None
        Grouping column.
    top : int
        Phrases per group.
    min_count : int
        Ignore pairs seen fewer times.
    names : iterable of str
        Names to redact first.

    Returns
    -------
    pandas.DataFrame
        Columns group, ``rank``, ``collocation``, ``count``, ``score`` (Dunning's
        log-likelihood ratio, ``BigramAssocMeasures.likelihood_ratio``). Pairs with a stop
        word are left out. Passages are joined with a break so no pair spans two passages.
    """
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    require_columns(passages, ["text"], "the passage table")
    name = by or "group"
    frame = passages.assign(_g=_grouped(passages, by, "the passage table"))
    frame = frame[frame["_g"].notna()]
    frame = frame.assign(_t=_clean_texts(frame, names))
    measures = BigramAssocMeasures()
    rows = []
    for group in sorted(pd.unique(frame["_g"]), key=str):
        words: list[str] = []
        for text in frame.loc[frame["_g"] == group, "_t"]:
            words += [w.replace("’", "'") for w in _WORD.findall(text)] + ["\x00"]
        finder = BigramCollocationFinder.from_words(words)
        finder.apply_freq_filter(min_count)
        finder.apply_word_filter(
            lambda w: (
                w == "\x00" or "'" in w or w in ENGLISH_STOP_WORDS or w in FILLERS or len(w) < 3
            )
        )
        scored = finder.score_ngrams(measures.likelihood_ratio)
        for rank, (pair, score) in enumerate(scored[:top], start=1):
            rows.append((group, rank, " ".join(pair), int(finder.ngram_fd[pair]), float(score)))
    return pd.DataFrame(rows, columns=[name, "rank", "collocation", "count", "score"])
