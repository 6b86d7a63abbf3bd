"""Code passages with a codebook's rules, summarise codes, and link segments.

The result of :func:`code_passages` is a *coded corpus*: one row per (passage, code) with
columns :data:`CODED_COLUMNS`. :func:`attach_segments` adds each transcript's respondent and
segment so :func:`code_summary` and :func:`~research.text.quotes.pick_quotes` can work per
segment.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..errors import DataError
from .codebook import Codebook
from .passages import require_columns as _require
from .passages import sentiment, split_passages

__all__ = [
    "CODED_COLUMNS",
    "SPEAKERS_ATTR",
    "SOURCES",
    "SUMMARY_COLUMNS",
    "attach_segments",
    "code_passages",
    "code_summary",
    "code_turns",
    "empty_coded",
    "sentiment",
]

#: Columns of the coded corpus, in order.
CODED_COLUMNS = (
    "transcript",
    "turn",
    "sentence",
    "speaker",
    "start",
    "end",
    "code",
    "label",
    "text",
    "matched",
    "source",
    "confidence",
    "sentiment",
)
#: Key of ``DataFrame.attrs`` where :func:`code_turns` keeps every speaker and role.
SPEAKERS_ATTR = "speakers"
#: Where a code on a passage came from.
SOURCES = ("rule", "model", "human")

#: Count columns of :func:`code_summary` (after the optional group column).
SUMMARY_COLUMNS = ("code", "label", "passages", "transcripts")

_DTYPES = {
    "turn": "int64",
    "sentence": "int64",
    "start": "float64",
    "end": "float64",
    "confidence": "float64",
    "sentiment": "float64",
}


def empty_coded() -> pd.DataFrame:
    """An empty coded corpus with the right columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in CODED_COLUMNS})
    return frame.astype(_DTYPES)


def code_passages(passages: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Mark each passage with every code whose rules apply.

    Parameters
    ----------
    passages : pandas.DataFrame
        From :func:`~research.text.passages.split_passages` (columns ``transcript``,
        ``turn``, ``sentence``, ``speaker``, ``text``; ``start``, ``end``, ``sentiment`` used
        if present).
    codebook : Codebook
        The codes; only codes with rules (:attr:`Codebook.rule_codes`) can apply.

    Returns
    -------
    pandas.DataFrame
        The coded corpus, columns :data:`CODED_COLUMNS`: ``matched`` holds the distinct
        matching words or phrases (lower-cased, joined by ``", "``), ``source`` is
        ``"rule"``, ``confidence`` is NaN (rules are not probabilistic). Rows follow the
        passages' order, then codebook order.

    Raises
    ------
    DataError
        If a required column is missing.
    """
    if not isinstance(codebook, Codebook):
        raise TypeError(f"codebook must be a Codebook, got {type(codebook).__name__}")
    _require(passages, ["transcript", "turn", "speaker", "text"], "the passage table")
    codes = codebook.rule_codes
    rows = []
    for rec in passages.to_dict("records"):
        text = rec["text"]
        if not isinstance(text, str) or not text.strip():
            continue
        tokens: dict = {}
        score = rec.get("sentiment")
        for code in codes:
            found = code.find(text, tokens)
            if not found:
                continue
            if score is None or pd.isna(score):
                score = sentiment(text)
            rows.append(
                (
                    rec["transcript"],
                    rec["turn"],
                    rec.get("sentence", 0),
                    rec["speaker"],
                    rec.get("start", float("nan")),
                    rec.get("end", float("nan")),
                    code.id,
                    code.label,
                    text,
                    ", ".join(found),
                    "rule",
                    float("nan"),
                    score,
                )
            )
    if not rows:
        return empty_coded()
    return pd.DataFrame(rows, columns=list(CODED_COLUMNS)).astype(_DTYPES)


def code_turns(
    turns: pd.DataFrame,
    codebook: Codebook,
    *,
    roles: Iterable[str] | None = ("participant", "other"),
    unit: str = "turn",
) -> pd.DataFrame:
    """Split turns into passages and code them by rules (see :func:`code_passages`).

    Parameters
    ----------
    turns : pandas.DataFrame
        A turn table as from :func:`~research.text.transcripts.read_transcripts`.
    codebook : Codebook
        The codes to apply.
    roles : iterable of str or None, optional
        Only turns whose ``role`` is one of these are coded (by default participants and
        unlabelled text, so interviewers' questions do not count); None codes every turn.
    unit : {"turn", "sentence"}
        Code whole turns or single sentences.

    Returns
    -------
    pandas.DataFrame
        The coded corpus (:data:`CODED_COLUMNS`), sorted by transcript, turn, sentence, then
        codebook order. ``attrs["speakers"]`` maps every speaker label of `turns` to its
        role, for redaction of quotes picked later.

    Raises
    ------
    DataError
        If a required column is missing or `unit` is unknown.
    """
    if not isinstance(codebook, Codebook):
        raise TypeError(f"codebook must be a Codebook, got {type(codebook).__name__}")
    passages = split_passages(turns, unit=unit, roles=roles, with_sentiment=False)
    coded = code_passages(passages, codebook)
    # every speaker of the interviews, interviewers included, so that quotes picked from
    # this corpus later (pick_quotes) can redact names the coded rows alone do not show
    roles_of = turns["role"] if "role" in turns.columns else pd.Series("", index=turns.index)
    coded.attrs[SPEAKERS_ATTR] = dict(zip(turns["speaker"].astype(str), roles_of, strict=True))
    return coded


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
        If given, every code of the codebook that rules can apply (every codable code if
        none has rules) is listed, with zero counts where it never matched; otherwise only
        codes present in `coded`.

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
            listed = codebook.rule_codes or [c for c in codebook if c.codable]
            missing = [c.id for c in listed if c.id not in set(present["code"])]
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
