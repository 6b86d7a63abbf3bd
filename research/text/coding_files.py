"""Read one coder's coding from a file, for agreement: a passage table or a QDA export."""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from .codebook import Codebook
from .coded_segments import align_segments, read_coded_segments
from .passages import PASSAGE_KEY, split_passages
from .transcripts import read_transcripts

__all__ = ["load_coding"]


def _transcript_of(documents: Iterable[str], transcripts: Iterable[str]) -> dict[str, str | None]:
    """Transcript id of each document name (case-insensitive, file suffix optional)."""
    by_key = {str(t).casefold(): str(t) for t in transcripts}
    out = {}
    for doc in documents:
        key = str(doc).strip().casefold()
        out[doc] = by_key.get(key, by_key.get(Path(key).stem))
    return out


def load_coding(
    path: str | PathLike,
    *,
    transcripts: str | PathLike | None = None,
    unit: str = "turn",
    interviewer_names: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, Codebook | None]:
    """Read one coder's coding for :func:`~research.text.agreement.coding_agreement`.

    Parameters
    ----------
    path : path
        Either a passage table (``passages.csv`` from ``research code``, or any CSV with
        ``transcript``, ``code`` and passage position columns), or a coded-segments table
        exported by a QDA program (document, code path, text), which needs `transcripts`.
    transcripts : path, optional
        Folder of the transcripts, to find a coded-segments table's segments in.
    unit : {"turn", "sentence"}
        Passage unit when aligning a coded-segments table.
    interviewer_names : iterable of str, optional
        Interviewer labels; None detects them.

    Returns
    -------
    (pandas.DataFrame, Codebook or None)
        The coded rows, and for a coded-segments table the code tree built from its paths.

    Raises
    ------
    InputFileError
        If the file is unreadable, or a coded-segments table comes without `transcripts`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("coding file does not exist", path=path)
    try:
        head = pd.read_csv(path, dtype=str, nrows=0, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(f"cannot read the coding CSV: {exc}", path=path) from None
    if {"transcript", "code"} <= set(head.columns):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for col in ("turn", "sentence"):
            if col in frame.columns:
                frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
        return frame, None
    segments = read_coded_segments(path)
    if transcripts is None:
        raise InputFileError(
            "this is a coded-segments table; give the transcripts folder to find its segments in",
            path=path,
        )
    from .coded_segments import codebook_from_paths

    turns = read_transcripts(transcripts, interviewer_names=interviewer_names)
    owner = _transcript_of(pd.unique(segments["document"]), pd.unique(turns["transcript"]))
    turns = turns[turns["transcript"].isin({t for t in owner.values() if t is not None})]
    passages = split_passages(turns, unit=unit, with_sentiment=False)
    book = codebook_from_paths(segments["code"], path=str(path))
    coded, _ = align_segments(passages, turns, segments, book)
    uncoded = passages[list(PASSAGE_KEY)].assign(code="")
    return pd.concat([coded[[*PASSAGE_KEY, "code"]], uncoded], ignore_index=True), book
