"""Code interview turns with a keyword codebook, summarise codes, and link segments.

The result of :func:`code_turns` is a *coded corpus*: one row per (turn, code) match with
columns :data:`CODED_COLUMNS`. :func:`attach_segments` adds each transcript's respondent and
segment so :func:`code_summary` and :func:`~research.text.quotes.pick_quotes` can work per
segment.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from ..errors import DataError, suggest
from .codebook import Codebook

__all__ = [
    "CODED_COLUMNS",
    "SUMMARY_COLUMNS",
    "attach_segments",
    "code_summary",
    "code_turns",
    "sentiment",
]

#: Columns of the coded corpus returned by :func:`code_turns`, in order.
CODED_COLUMNS = (
    "transcript",
    "turn",
    "speaker",
    "code",
    "label",
    "text",
    "matched",
    "sentiment",
)

#: Count columns of :func:`code_summary` (after the optional group column).
SUMMARY_COLUMNS = ("code", "label", "passages", "transcripts")


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
    """
    return float(_analyzer().polarity_scores(str(text))["compound"])


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    for col in columns:
        if col not in frame.columns:
            raise DataError(
                f"{what} has no column {col!r}{suggest(col, map(str, frame.columns))}",
                column=col,
            )


def _empty_coded() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in CODED_COLUMNS})
    return frame.astype({"turn": "int64", "sentiment": "float64"})


def code_turns(
    turns: pd.DataFrame,
    codebook: Codebook,
    *,
    roles: Iterable[str] | None = ("participant",),
) -> pd.DataFrame:
    """Mark each turn with every code whose keywords it contains.

    Parameters
    ----------
    turns : pandas.DataFrame
        A turn table as from :func:`~research.text.transcripts.read_transcripts`: columns
        ``transcript``, ``turn``, ``speaker``, ``text`` and (unless `roles` is None) ``role``.
    codebook : Codebook
        The codes to apply.
    roles : iterable of str or None, optional
        Only turns whose ``role`` is one of these are coded (by default participants' turns,
        so interviewers' questions do not count); None codes every turn.

    Returns
    -------
    pandas.DataFrame
        The coded corpus: one row per (turn, code) match, with columns ``transcript``,
        ``turn``, ``speaker``, ``code`` (id), ``label``, ``text`` (the whole turn),
        ``matched`` (the distinct matching words or phrases of the turn, lower-cased,
        joined by ``", "``) and ``sentiment`` (VADER compound score of the turn, -1 to 1).
        Rows are sorted by transcript, then turn, then codebook order.

    Raises
    ------
    DataError
        If a required column is missing.
    """
    if not isinstance(codebook, Codebook):
        raise TypeError(f"codebook must be a Codebook, got {type(codebook).__name__}")
    needed = ["transcript", "turn", "speaker", "text"] + ([] if roles is None else ["role"])
    _require(turns, needed, "the turn table")
    selected = turns
    if roles is not None:
        roles = (roles,) if isinstance(roles, str) else tuple(roles)
        selected = turns[turns["role"].isin(roles)]
    selected = selected.assign(_order=range(len(selected)))
    selected = selected.sort_values(["transcript", "turn", "_order"], kind="mergesort")
    rows = []
    for transcript, turn, speaker, text in selected[
        ["transcript", "turn", "speaker", "text"]
    ].itertuples(index=False, name=None):
        if not isinstance(text, str) or not text.strip():
            continue
        score = None
        for code in codebook:
            found = code.find(text)
            if not found:
                continue
            if score is None:
                score = sentiment(text)
            rows.append(
                (transcript, turn, speaker, code.id, code.label, text, ", ".join(found), score)
            )
    if not rows:
        return _empty_coded()
    coded = pd.DataFrame(rows, columns=list(CODED_COLUMNS))
    return coded.astype({"turn": "int64", "sentiment": "float64"})


def code_summary(
    coded: pd.DataFrame,
    *,
    by: str | None = None,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Count passages and transcripts per code (and per group).

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded corpus from :func:`code_turns` (columns ``transcript``, ``code``, ``label``),
        possibly with a group column added by :func:`attach_segments`.
    by : str, optional
        A column of `coded` to count within (for example ``"segment"``); rows whose group is
        missing are counted in a group of their own (NA).
    codebook : Codebook, optional
        If given, every code of the codebook is listed, with zero counts where it never
        matched; otherwise only codes present in `coded`.

    Returns
    -------
    pandas.DataFrame
        Long table with columns [`by`,] ``code``, ``label``, ``passages`` (number of coded
        turns) and ``transcripts`` (number of distinct transcripts with the code); sorted by
        group, then passages (descending), then code id.

    Raises
    ------
    DataError
        If `coded` lacks a required column or the `by` column.
    """
    _require(coded, ["transcript", "code", "label"], "the coded corpus")
    if by is not None:
        _require(coded, [by], "the coded corpus")
        if by in SUMMARY_COLUMNS:
            raise DataError(f"cannot group by {by!r}: it is one of the summary's own columns")
    keys = ([by] if by is not None else []) + ["code"]
    grouped = coded.groupby(keys, dropna=False, sort=False)
    counts = grouped.agg(
        passages=("transcript", "size"), transcripts=("transcript", "nunique")
    ).reset_index()
    labels = dict(zip(coded["code"], coded["label"], strict=True))
    if codebook is not None:
        labels.update({c.id: c.label for c in codebook})
        groups = [None] if by is None else list(pd.unique(coded[by]))
        frames = []
        for group in groups:
            present = counts if by is None else counts[_same(counts[by], group)]
            missing = [c.id for c in codebook if c.id not in set(present["code"])]
            if missing:
                extra = pd.DataFrame({"code": missing, "passages": 0, "transcripts": 0})
                if by is not None:
                    extra.insert(0, by, [group] * len(missing))
                frames.append(extra)
        if frames:
            counts = pd.concat([counts, *frames], ignore_index=True)
    counts["label"] = counts["code"].map(labels)
    counts = counts.astype({"passages": "int64", "transcripts": "int64"})
    counts["_neg"] = -counts["passages"]
    sort = ([by] if by is not None else []) + ["_neg", "code"]
    counts = counts.sort_values(sort, kind="mergesort", na_position="last")
    columns = ([by] if by is not None else []) + list(SUMMARY_COLUMNS)
    return counts[columns].reset_index(drop=True)


def _same(values: pd.Series, group: object) -> pd.Series:
    if pd.isna(group):
        return values.isna()
    return values == group


def attach_segments(
    coded: pd.DataFrame,
    links: pd.DataFrame,
    segments: pd.Series,
) -> pd.DataFrame:
    """Add each transcript's respondent id and segment to a coded corpus.

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded corpus (or turn table) with a ``transcript`` column.
    links : pandas.DataFrame
        Columns ``transcript`` and ``respondent_id``: which survey respondent each
        interview was with.
    segments : pandas.Series
        Segment of each respondent, indexed by respondent id. Ids are matched as text, so
        ``17`` and ``"17"`` are the same respondent.

    Returns
    -------
    pandas.DataFrame
        A copy of `coded` with columns ``respondent_id`` and ``segment`` (replacing any
        existing ones). Rows of transcripts missing from `links`, or whose respondent has no
        segment, are kept with NA there.

    Raises
    ------
    DataError
        If a column is missing, a transcript is linked to two respondents, or a respondent
        has two segments.
    """
    _require(coded, ["transcript"], "the coded corpus")
    _require(links, ["transcript", "respondent_id"], "the interview links")
    if not isinstance(segments, pd.Series):
        raise TypeError(f"segments must be a pandas Series, got {type(segments).__name__}")
    pairs = links[["transcript", "respondent_id"]].dropna().drop_duplicates()
    pairs = pairs.assign(transcript=pairs["transcript"].astype(str))
    twice = pairs["transcript"][pairs["transcript"].duplicated()]
    if len(twice):
        raise DataError(
            f"transcript {twice.iloc[0]!r} is linked to more than one respondent",
            column="respondent_id",
        )
    seg = segments[segments.index.notna()]
    seg_keys = pd.Index([str(k) for k in seg.index])
    if seg_keys.has_duplicates:
        dup = seg_keys[seg_keys.duplicated()][0]
        raise DataError(f"respondent {dup!r} has more than one segment")
    lookup = pd.Series(seg.to_numpy(), index=seg_keys, dtype=segments.dtype)
    respondent = dict(zip(pairs["transcript"], pairs["respondent_id"], strict=True))
    ids = [respondent.get(t) for t in coded["transcript"].astype(str)]
    keys = [None if r is None else str(r) for r in ids]
    segs = lookup.reindex(pd.Index(keys, dtype=object))
    out = coded.drop(columns=["respondent_id", "segment"], errors="ignore").copy()
    out["respondent_id"] = pd.array(ids) if ids else pd.array([], dtype=object)
    out["segment"] = segs.array
    return out
