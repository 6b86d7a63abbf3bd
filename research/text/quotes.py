"""Pick short, representative, redacted quotes from a coded corpus.

For each group (segment) the codes are ranked by how many of the group's transcripts mention
them. Quotes are then taken round-robin down that ranking, one per code per round, until
``per_group`` are chosen: for each code the best passage is the most typical of the code's
passages in the group (closest to their TF-IDF centroid, see
:func:`~research.text._typical.typicality`), nudged towards passages that also touch the group's
leading codes, then one that needs no trimming and is of middling length, from a transcript not
quoted yet in the group (a transcript is reused only when there are no others). Long turns
are cut to the sentence(s) around the keyword, marked with ``…``. Every quote is passed
through :func:`~research.text.redact.redact`, which also removes names introduced anywhere in
the corpus (``my daughter Fiona`` in one answer removes ``Fiona`` from the next). Ties are
broken by transcript, turn and code, so the choice is the same on every run.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable

import pandas as pd

from ..errors import DataError, OptionError, suggest
from ._typical import typicality
from .passages import sentence_spans
from .redact import find_names, label_names, redact, safe_transcript_ids

__all__ = ["ELLIPSIS", "QUOTE_COLUMNS", "excerpt", "people_names", "pick_quotes", "word_count"]

#: Marks text left out of a quote.
ELLIPSIS = "…"

#: Columns of :func:`pick_quotes` after the group column.
QUOTE_COLUMNS = ("code", "transcript", "turn", "quote")

_TOP_CODES = 5
_OVERLAP_WEIGHT = 0.1


def word_count(text: str) -> int:
    """Return the number of words in `text` (whitespace-separated tokens with a letter or digit).

    Parameters
    ----------
    text : str
        A passage.

    Returns
    -------
    int
        Word count; an ellipsis or a dash on its own is not a word.
    """
    return sum(1 for token in str(text).split() if any(ch.isalnum() for ch in token))


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = sorted({" ".join(t.split()) for t in terms if t and t.strip()}, key=lambda t: -len(t))
    if not cleaned:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _window(text: str, start: int, end: int, at: int, max_words: int) -> tuple[int, int]:
    """Character span of at most `max_words` words of ``text[start:end]`` around offset `at`."""
    tokens = [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]
    words = [i for i, (a, b) in enumerate(tokens) if any(ch.isalnum() for ch in text[a:b])]
    hit = next((k for k, i in enumerate(words) if tokens[i][1] > at), len(words) - 1)
    first = max(0, min(hit - max_words // 3, len(words) - max_words))
    last = min(len(words), first + max_words) - 1
    return tokens[words[first]][0], tokens[words[last]][1]


def excerpt(
    text: str,
    terms: Iterable[str],
    *,
    min_words: int = 12,
    max_words: int = 60,
) -> str | None:
    """Return `text`, or the part of it around the first of `terms`, within a word range.

    Parameters
    ----------
    text : str
        The passage (already redacted if it is to be shown).
    terms : iterable of str
        Words or phrases to centre on (case-insensitive, whole words).
    min_words, max_words : int, optional
        Limits on the excerpt's :func:`word_count`.

    Returns
    -------
    str or None
        The whole passage if its length is in range. A longer passage is cut to the sentence
        holding the first term, widened by neighbouring sentences until it has `min_words`
        (never beyond `max_words`); a single sentence longer than `max_words` is cut to words
        around the term. Cut ends are marked with ``…``. None if the passage is too short or
        no term occurs in a passage that needs cutting.
    """
    text = " ".join(str(text).split())
    total = word_count(text)
    if total < min_words:
        return None
    if total <= max_words:
        return text
    pattern = _term_pattern(terms)
    match = None if pattern is None else pattern.search(text)
    if match is None:
        return None
    spans = sentence_spans(text)
    counts = [word_count(text[a:b]) for a, b in spans]
    i = next((k for k, (a, b) in enumerate(spans) if a <= match.start() < b), None)
    if i is None:  # pragma: no cover - the tokenizer covers every non-space character
        return None
    lo = hi = i
    size = counts[i]
    while size < min_words:
        if hi + 1 < len(spans) and size + counts[hi + 1] <= max_words:
            hi += 1
            size += counts[hi]
        elif lo > 0 and size + counts[lo - 1] <= max_words:
            lo -= 1
            size += counts[lo]
        else:
            break
    start, end = spans[lo][0], spans[hi][1]
    if size > max_words:
        start, end = _window(text, start, end, match.start(), max_words)
    quote = text[start:end].strip()
    if word_count(quote) < min_words:
        return None
    if start > 0:
        quote = f"{ELLIPSIS} {quote}"
    if end < len(text):
        quote = f"{quote} {ELLIPSIS}"
    return quote


def _order_key(value: object) -> tuple:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, str(value))


def _check_positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OptionError(f"{name} must be a whole number of at least 1, got {value!r}")
    return value


def _ordered(values: Iterable[object]) -> list[object]:
    values = list(values)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def _group_quotes(
    rows: pd.DataFrame,
    per_group: int,
    min_words: int,
    max_words: int,
    people: dict[str, tuple[str, ...]],
) -> list[tuple[str, object, object, str]]:
    ranking = (
        rows.groupby("code", sort=False)
        .agg(transcripts=("transcript", "nunique"), passages=("transcript", "size"))
        .reset_index()
    )
    ranking["_t"] = -ranking["transcripts"]
    ranking["_p"] = -ranking["passages"]
    codes = list(ranking.sort_values(["_t", "_p", "code"], kind="mergesort")["code"])
    top = set(codes[:_TOP_CODES])
    turn_codes: dict[tuple, set] = {}
    for transcript, turn, code in rows[["transcript", "turn", "code"]].itertuples(
        index=False, name=None
    ):
        turn_codes.setdefault((transcript, turn), set()).add(code)
    ideal = (min_words + max_words) / 2
    typical: dict[tuple, float] = {}
    for code, mine in rows.groupby("code", sort=False):
        distinct = mine.drop_duplicates(["transcript", "turn"])
        scores = typicality(distinct["text"].astype(str).tolist())
        for transcript, turn, value in zip(
            distinct["transcript"], distinct["turn"], scores, strict=True
        ):
            typical[(code, (transcript, turn))] = float(value)
    redacted: dict[tuple, str] = {}
    candidates: dict[str, list] = {code: [] for code in codes}
    for transcript, turn, code, text, matched in rows[
        ["transcript", "turn", "code", "text", "matched"]
    ].itertuples(index=False, name=None):
        key = (transcript, turn)
        if key not in redacted:
            redacted[key] = redact(str(text), **people)
        terms = [t.strip() for t in str(matched).split(",")]
        quote = excerpt(redacted[key], terms, min_words=min_words, max_words=max_words)
        if quote is None:
            continue
        quote = redact(quote, **people)
        if not min_words <= word_count(quote) <= max_words:
            continue
        fit = typical[(code, key)] + _OVERLAP_WEIGHT * len(turn_codes[key] & top)
        score = (
            -round(fit, 9),
            ELLIPSIS in quote,
            abs(word_count(quote) - ideal),
            str(transcript),
            _order_key(turn),
        )
        candidates[code].append((score, transcript, turn, quote))
    for code in codes:
        candidates[code].sort(key=lambda c: c[0])
    chosen: list[tuple[str, object, object, str]] = []
    used_turns: set[tuple] = set()
    used_transcripts: set[object] = set()
    used_quotes: set[str] = set()
    for one_per_transcript in (True, False):
        progress = True
        while progress and len(chosen) < per_group:
            progress = False
            for code in codes:
                if len(chosen) >= per_group:
                    break
                for _, transcript, turn, quote in candidates[code]:
                    if (transcript, turn) in used_turns or quote in used_quotes:
                        continue
                    if one_per_transcript and transcript in used_transcripts:
                        continue
                    chosen.append((code, transcript, turn, quote))
                    used_turns.add((transcript, turn))
                    used_transcripts.add(transcript)
                    used_quotes.add(quote)
                    progress = True
                    break
    return chosen


def _names(value: Iterable[str] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def people_names(
    frame: pd.DataFrame,
    *,
    names: Iterable[str] = (),
    participant_names: Iterable[str] = (),
    interviewer_names: Iterable[str] = (),
    found_names: Iterable[str] = (),
) -> dict[str, tuple[str, ...]]:
    """Keyword arguments for :func:`~research.text.redact.redact`, adding speaker names.

    Speaker labels of `frame` (column ``speaker``, if any, and the ``attrs["speakers"]``
    that :func:`~research.text.coding.code_turns` records, interviewers included) that are
    people's names join the interviewer names when their ``role`` is ``interviewer`` or they
    are listed there, and the participant names otherwise.
    """
    interviewers = list(_names(interviewer_names))
    participants = list(_names(participant_names))
    if "speaker" in frame.columns or frame.attrs.get("speakers"):
        if "speaker" in frame.columns:
            roles = frame["role"] if "role" in frame.columns else pd.Series("", index=frame.index)
            pairs = list(zip(frame["speaker"], roles, strict=True))
        else:
            pairs = []
        pairs += list(dict(frame.attrs.get("speakers") or {}).items())  # from code_turns
        for speaker, role in pairs:
            people = label_names(speaker) if isinstance(speaker, str) else ()
            if role == "interviewer" or speaker in interviewers:
                interviewers.extend(people)
            else:
                participants.extend(people)
    return {
        "names": _names(names),
        "participant_names": tuple(dict.fromkeys(participants)),
        "interviewer_names": tuple(dict.fromkeys(interviewers)),
        "found_names": tuple(found_names),
    }


def pick_quotes(
    coded: pd.DataFrame,
    *,
    by: str | None = "segment",
    per_group: int = 3,
    min_words: int = 12,
    max_words: int = 60,
    names: Iterable[str] = (),
    participant_names: Iterable[str] = (),
    interviewer_names: Iterable[str] = (),
) -> pd.DataFrame:
    """Choose a few representative, redacted quotes per group.

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded corpus from :func:`~research.text.coding.code_turns` (columns
        ``transcript``, ``turn``, ``code``, ``text``, ``matched``), with the `by` column (for
        example from :func:`~research.text.coding.attach_segments`).
    by : str or None, optional
        Group column; rows with a missing group are ignored. None treats the corpus as one
        group.
    per_group : int, optional
        Most quotes per group (fewer if there are not enough suitable passages).
    min_words, max_words : int, optional
        Every quote has between `min_words` and `max_words` words (see :func:`word_count`).
    names : iterable of str, optional
        Names to redact, in any case. Names that any passage of `coded` introduces (``my
        sister Priya``, see :func:`~research.text.redact.find_names`) are redacted in every
        quote as well (``[NAME]``).
    participant_names, interviewer_names : iterable of str, optional
        Names of participants and interviewers (``[PARTICIPANT]``, ``[INTERVIEWER]``).
        Speaker labels of `coded` that are names (``Dan``, not ``Participant``) count as
        participants' names unless listed as interviewers.

    Returns
    -------
    pandas.DataFrame
        Columns [`by`,] ``code``, ``transcript``, ``turn`` and ``quote``; groups in sorted
        order, quotes in the order chosen (leading codes first). Empty if nothing fits. A
        transcript id holding a known name (``T01_Priya_Shah``) is shown as
        ``transcript-1`` (see :func:`~research.text.redact.safe_transcript_ids`).

    Raises
    ------
    DataError
        If a required column is missing.
    ValueError
        If `per_group`, `min_words` or `max_words` is not a positive whole number, or
        `min_words` exceeds `max_words`.
    """
    per_group = _check_positive("per_group", per_group)
    min_words = _check_positive("min_words", min_words)
    max_words = _check_positive("max_words", max_words)
    if min_words > max_words:
        raise OptionError(f"min_words ({min_words}) is above max_words ({max_words})")
    if not isinstance(coded, pd.DataFrame):
        raise TypeError(f"coded must be a pandas DataFrame, got {type(coded).__name__}")
    needed = ["transcript", "turn", "code", "text", "matched"] + ([by] if by else [])
    for col in needed:
        if col not in coded.columns:
            raise DataError(
                f"the coded corpus has no column {col!r}{suggest(col, map(str, coded.columns))}",
                column=col,
            )
    texts = pd.unique(coded["text"].dropna().astype(str))
    found = tuple(dict.fromkeys(n for text in texts for n in find_names(text)))
    people = people_names(
        coded,
        names=names,
        participant_names=participant_names,
        interviewer_names=interviewer_names,
        found_names=found,
    )
    rows_out = []
    if by is None:
        groups = [(None, coded)]
    else:
        present = coded[coded[by].notna()]
        groups = [(g, present[present[by] == g]) for g in _ordered(pd.unique(present[by]))]
    for group, rows in groups:
        for code, transcript, turn, quote in _group_quotes(
            rows, per_group, min_words, max_words, people
        ):
            rows_out.append((group, code, transcript, turn, quote))
    columns = ["_group", *QUOTE_COLUMNS]
    out = pd.DataFrame(rows_out, columns=columns)
    if by is None:
        out = out.drop(columns="_group")
    else:
        out = out.rename(columns={"_group": by})
    if len(out):
        out["turn"] = out["turn"].astype(coded["turn"].dtype)
        # an id such as "T01_Priya_Shah" would name the participant next to the quote
        known = [
            n for key in ("names", "participant_names", "interviewer_names") for n in people[key]
        ]
        ids = safe_transcript_ids(pd.unique(coded["transcript"].astype(str)), known)
        out["transcript"] = [ids.get(str(t), t) for t in out["transcript"]]
    return out.reset_index(drop=True)
