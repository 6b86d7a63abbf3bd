"""Split speaker turns into the passages that get coded: whole turns or sentences.

A passage keeps its transcript, turn number, sentence number within the turn (0 when the
passage is the whole turn), speaker, role, start and end time (the turn's) and text, plus the
VADER compound sentiment of its text (``vaderSentiment``'s bundled lexicon; no NLTK data).
Sentences come from NLTK's Punkt tokenizer with default parameters and a few abbreviations,
so nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from ..errors import DataError, suggest

__all__ = [
    "PASSAGE_COLUMNS",
    "PASSAGE_KEY",
    "UNITS",
    "require_columns",
    "sentence_spans",
    "sentiment",
    "split_passages",
]

#: Columns of :func:`split_passages`, in order.
PASSAGE_COLUMNS = (
    "transcript",
    "turn",
    "sentence",
    "speaker",
    "role",
    "start",
    "end",
    "text",
    "sentiment",
    "question",
)
#: Columns that identify a passage.
PASSAGE_KEY = ("transcript", "turn", "sentence")
#: Passage units.
UNITS = ("turn", "sentence")

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "prof", "e.g", "i.e", "etc", "vs", "approx"}


@lru_cache(maxsize=1)
def _punkt():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(_ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (NLTK Punkt, default parameters)."""
    return list(_punkt().span_tokenize(str(text)))


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """Return the VADER compound sentiment of a passage.

    Parameters
    ----------
    text : str
        A passage.

    Returns
    -------
    float
        From -1 (most negative) to 1 (most positive); 0 for neutral or empty text.

    Notes
    -----
    Uses the lexicon shipped inside ``vaderSentiment`` (Hutto & Gilbert 2014).
    """
    return float(_analyzer().polarity_scores(str(text))["compound"])


def require_columns(frame: object, columns: Iterable[str], what: str) -> None:
    """Raise DataError naming the first of `columns` missing from `frame`."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    for col in columns:
        if col not in frame.columns:
            raise DataError(
                f"{what} has no column {col!r}{suggest(col, map(str, frame.columns))}",
                column=col,
            )


def _questions(turns: pd.DataFrame) -> list[str]:
    """The interviewer's last turn before each turn of the same transcript ("" if none)."""
    if "role" not in turns.columns:
        return [""] * len(turns)
    out, last = [], {}
    ordered = turns.assign(_i=range(len(turns))).sort_values(
        ["transcript", "turn", "_i"], kind="mergesort"
    )
    found = {}
    for i, t, role, text in ordered[["_i", "transcript", "role", "text"]].itertuples(index=False):
        found[i] = last.get(t, "")
        if role == "interviewer":
            last[t] = str(text)
    out = [found[i] for i in range(len(turns))]
    return out


def split_passages(
    turns: pd.DataFrame,
    *,
    unit: str = "turn",
    roles: Iterable[str] | None = ("participant", "other"),
    with_sentiment: bool = True,
) -> pd.DataFrame:
    """Return the passages of a turn table.

    Parameters
    ----------
    turns : pandas.DataFrame
        A turn table from :func:`~research.text.transcripts.read_transcripts` (columns
        ``transcript``, ``turn``, ``speaker``, ``text``; ``role``, ``start``, ``end`` used if
        present).
    unit : {"turn", "sentence"}
        Whole turns, or the sentences of each turn.
    roles : iterable of str or None, optional
        Keep only turns whose ``role`` is one of these: by default participants and
        unlabelled text, so interviewers' questions are not coded. None keeps every turn.
    with_sentiment : bool, optional
        Add the ``sentiment`` column (NaN otherwise).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PASSAGE_COLUMNS`, sorted by transcript, turn and sentence; empty
        passages are dropped. ``question`` is the interviewer's last turn before the passage
        (empty if none), context for learned coding.

    Raises
    ------
    DataError
        If a column is missing, or `unit` is not one of :data:`UNITS`.
    """
    if unit not in UNITS:
        raise DataError(f"unit must be one of {list(UNITS)}, got {unit!r}{suggest(unit, UNITS)}")
    needed = ["transcript", "turn", "speaker", "text"] + ([] if roles is None else ["role"])
    require_columns(turns, needed, "the turn table")
    selected = turns.assign(_question=_questions(turns))
    if roles is not None:
        roles = (roles,) if isinstance(roles, str) else tuple(roles)
        selected = selected[selected["role"].isin(roles)]
    selected = selected.assign(_order=range(len(selected)))
    selected = selected.sort_values(["transcript", "turn", "_order"], kind="mergesort")
    rows = []
    for rec in selected.to_dict("records"):
        text = rec["text"]
        if not isinstance(text, str) or not text.strip():
            continue
        base = (
            rec["_question"],
            rec["transcript"],
            rec["turn"],
            rec["speaker"],
            rec.get("role", ""),
            rec.get("start", float("nan")),
            rec.get("end", float("nan")),
        )
        if unit == "turn":
            pieces = [(0, " ".join(text.split()))]
        else:
            pieces = [
                (i, " ".join(text[a:b].split())) for i, (a, b) in enumerate(sentence_spans(text), 1)
            ]
        for number, piece in pieces:
            if piece:
                score = sentiment(piece) if with_sentiment else float("nan")
                question, t, turn, speaker, role, start, end = base
                rows.append((t, turn, number, speaker, role, start, end, piece, score, question))
    frame = pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS))
    return frame.astype(
        {
            "turn": "int64",
            "sentence": "int64",
            "start": "float64",
            "end": "float64",
            "sentiment": "float64",
        }
    ).reset_index(drop=True)
