"""Representative quotes per code and group: the most typical passages, redacted.

For every (group, code), the code's passages in the group are scored by how typical they are —
cosine similarity to the TF-IDF centroid of those passages
(:func:`~research.text._typical.typicality`) — and the most typical are quoted, preferring a
different transcript for each quote. Long passages are cut to the sentences around what
matched (or around the code's most characteristic words). Every quote is redacted; names
introduced anywhere in the corpus and speaker names are removed everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import OptionError
from ._typical import typical_terms, typicality
from .analysis import ALL, _roll
from .codebook import Codebook
from .passages import PASSAGE_KEY, require_columns
from .quotes import _check_positive, excerpt, people_names, word_count
from .redact import find_names, redact, safe_transcript_ids

__all__ = ["REPRESENTATIVE_COLUMNS", "typical_quotes"]

#: Columns of :func:`typical_quotes` after the group column.
REPRESENTATIVE_COLUMNS = (
    "code",
    "label",
    "rank",
    "transcript",
    "turn",
    "sentence",
    "typicality",
    "passages",
    "quote",
)


def _terms(matched: object, fallback: list[str]) -> list[str]:
    """What to centre an excerpt on: the rule's matches, else the code's typical words."""
    terms = [t.strip() for t in str(matched).split(",") if t and t.strip()]
    return terms or fallback


def typical_quotes(
    coded: pd.DataFrame,
    *,
    by: str | None = "segment",
    per_code: int = 1,
    codebook: Codebook | None = None,
    level: int | None = None,
    min_words: int = 12,
    max_words: int = 60,
    names: Iterable[str] = (),
    participant_names: Iterable[str] = (),
    interviewer_names: Iterable[str] = (),
    found_names: Iterable[str] = (),
) -> pd.DataFrame:
    """The most typical passages of each code in each group, as redacted quotes.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded corpus (``transcript``, ``turn``, ``sentence``, ``code``, ``label``, ``text``;
        ``matched`` and `by` used if present).
    by : str or None, default "segment"
        Grouping column; None is one group, :data:`~research.text.analysis.ALL`.
    per_code : int, default 1
        Quotes per code and group.
    codebook, level
        Roll codes up to `level` of the hierarchy first.
    min_words, max_words : int
        Word limits of a quote (longer passages are cut around the match).
    names, participant_names, interviewer_names : iterable of str
        As :func:`~research.text.quotes.pick_quotes`.
    found_names : iterable of str
        Names introduced elsewhere (for example in interviewers' turns), redacted as
        ``[NAME]`` besides those :func:`~research.text.redact.find_names` finds in `coded`.

    Returns
    -------
    pandas.DataFrame
        Group column, then :data:`REPRESENTATIVE_COLUMNS`: ``rank`` 1 is the most typical;
        ``passages`` is the number of the code's passages in the group.
    """
    per_code = _check_positive("per_code", per_code)
    min_words = _check_positive("min_words", min_words)
    max_words = _check_positive("max_words", max_words)
    if min_words > max_words:
        raise OptionError(f"min_words ({min_words}) is above max_words ({max_words})")
    require_columns(coded, [*PASSAGE_KEY, "code", "label", "text"], "the coded corpus")
    name = by or "group"
    coded = _roll(coded, codebook, level)
    if by is None:
        coded = coded.assign(_g=ALL)
    else:
        require_columns(coded, [by], "the coded corpus")
        coded = coded.assign(_g=coded[by])
    coded = coded[coded["_g"].notna()].drop_duplicates([*PASSAGE_KEY, "code"])
    texts = pd.unique(coded["text"].astype(str))
    found = tuple(dict.fromkeys([*found_names, *(n for t in texts for n in find_names(t))]))
    people = people_names(
        coded,
        names=names,
        participant_names=participant_names,
        interviewer_names=interviewer_names,
        found_names=found,
    )
    matched = coded["matched"] if "matched" in coded.columns else pd.Series("", index=coded.index)
    coded = coded.assign(_m=matched.fillna("").astype(str))
    rows = []
    for (group, code), mine in coded.groupby(["_g", "code"], sort=True):
        mine = mine.reset_index(drop=True)
        scores = typicality(mine["text"].astype(str).tolist())
        fallback = typical_terms(mine["text"].astype(str).tolist())
        order = sorted(
            range(len(mine)),
            key=lambda i: (
                -round(float(scores[i]), 9),
                str(mine.at[i, "transcript"]),
                int(mine.at[i, "turn"]),
                int(mine.at[i, "sentence"]),
            ),
        )
        picked, used = [], set()
        for pass_ in (0, 1):  # first one quote per transcript, then fill up
            for i in order:
                if len(picked) >= per_code:
                    break
                rec = mine.iloc[i]
                if i in {p[0] for p in picked} or (pass_ == 0 and rec["transcript"] in used):
                    continue
                clean = redact(str(rec["text"]), **people)
                quote = excerpt(
                    clean, _terms(rec["_m"], fallback), min_words=min_words, max_words=max_words
                )
                if quote is None or not min_words <= word_count(quote) <= max_words:
                    continue
                picked.append((i, redact(quote, **people)))
                used.add(rec["transcript"])
        for rank, (i, quote) in enumerate(picked, start=1):
            rec = mine.iloc[i]
            rows.append(
                (
                    group,
                    code,
                    rec["label"],
                    rank,
                    rec["transcript"],
                    int(rec["turn"]),
                    int(rec["sentence"]),
                    float(np.round(scores[i], 6)),
                    len(mine),
                    quote,
                )
            )
    out = pd.DataFrame(rows, columns=[name, *REPRESENTATIVE_COLUMNS])
    # an id such as "T01_Priya_Shah" would name the participant next to the quote
    known = [n for key in ("names", "participant_names", "interviewer_names") for n in people[key]]
    ids = safe_transcript_ids(pd.unique(coded["transcript"].astype(str)), known)
    out["transcript"] = [ids.get(str(t), t) for t in out["transcript"]]
    return out
