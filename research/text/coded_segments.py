"""Import human coding exported by MAXQDA, NVivo, ATLAS.ti or QualCoder as a table.

A coded-segments table has one row per coded segment: the document (transcript), the code
path (``Parent > Child``, MAXQDA's ``Parent\\Child`` or NVivo's ``Nodes\\Parent\\Child``) and
the segment's text. :func:`read_coded_segments` reads it (``.csv``, ``.tsv``, ``.xlsx``);
:func:`codebook_from_paths` builds the code tree; :func:`align_segments` finds each segment in
the transcript and marks the passages it covers, so human coding lines up with rule and model
coding passage by passage.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path

import pandas as pd

from ..errors import CodebookError, InputFileError
from .codebook import Code, Codebook, slug
from .coding import CODED_COLUMNS, empty_coded
from .passages import require_columns

__all__ = [
    "SEGMENT_COLUMNS",
    "align_segments",
    "codebook_from_paths",
    "read_coded_segments",
    "split_code_path",
]

#: Columns of :func:`read_coded_segments`.
SEGMENT_COLUMNS = ("document", "code", "text", "line")

_ALIASES = {
    "document": (
        "document",
        "documentname",
        "doc",
        "file",
        "filename",
        "source",
        "sourcename",
        "transcript",
        "files",
        "documentgroup",
    ),
    "code": ("code", "codepath", "codename", "codes", "node", "nodes", "category", "theme"),
    "text": (
        "segment",
        "text",
        "codedtext",
        "codedsegment",
        "content",
        "quote",
        "excerpt",
        "quotation",
        "quotationcontent",
        "selection",
        "codedsegments",
    ),
}
_ROOTS = {"nodes", "codes", "code system", "codesystem"}
_WORD = re.compile(r"[^\W_]+")


def _key(name: object) -> str:
    return re.sub(r"[\s_\-.]+", "", str(name)).casefold()


def split_code_path(path: str) -> list[str]:
    """Split a code path on ``>`` or ``\\`` into labels (``"A > B"`` → ``["A", "B"]``).

    A leading ``Nodes``/``Codes``/``Code System`` root is dropped; ``/`` is kept, as labels
    such as ``PDP/ICE`` use it.
    """
    parts = [" ".join(p.split()) for p in re.split(r">+|\\", str(path))]
    parts = [p for p in parts if p]
    if len(parts) > 1 and parts[0].casefold() in _ROOTS:
        parts = parts[1:]
    return parts


def read_coded_segments(path: str | PathLike) -> pd.DataFrame:
    """Read a coded-segments table.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (comma, semicolon or tab separated, UTF-8), ``.tsv`` or ``.xlsx``, with a
        header row naming a document column (``Document``, ``Document name``, ``File``,
        ``Source``), a code column (``Code``, ``Code path``, ``Codename``, ``Node``) and a text
        column (``Segment``, ``Text``, ``Coded text``, ``Content``, ``Quote``).

    Returns
    -------
    pandas.DataFrame
        Columns ``document`` (str), ``code`` (path normalised to ``"A > B"``), ``text``
        and ``line`` (the row's line in the file, for messages). Rows without text are
        dropped (MAXQDA writes them for image segments).

    Raises
    ------
    InputFileError
        If the file is missing or unreadable, a column cannot be found (the message lists the
        columns there are), or a row has text but no code or document.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("coded-segments file does not exist", path=path)
    lines = None
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = pd.read_excel(path, dtype=str)
        else:
            data = path.read_bytes()
            encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
            text = data.decode(encoding)
            first = text.splitlines()[0] if text.strip() else ""
            sep = max([",", ";", "\t"], key=first.count)
            if path.suffix.lower() == ".tsv":
                sep = "\t"
            raw = pd.read_csv(io.StringIO(text), dtype=str, sep=sep, keep_default_na=False)
            lines = _record_lines(text, sep)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            f"not UTF-8 text (byte {exc.start}); save the table as UTF-8", path=path, line=line
        ) from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise InputFileError(f"cannot read the table: {exc}", path=path) from None
    found = {}
    keys = {_key(c): c for c in raw.columns}
    for role, names in _ALIASES.items():
        column = next((keys[n] for n in names if n in keys), None)
        if column is None:
            raise InputFileError(
                f"no {role} column; expected one of {list(names)[:5]}, found {list(raw.columns)}",
                path=path,
            )
        found[role] = column
    out = pd.DataFrame(
        {
            "document": raw[found["document"]].fillna("").astype(str).str.strip(),
            "code": raw[found["code"]].fillna("").astype(str),
            "text": raw[found["text"]].fillna("").astype(str),
            "line": lines
            if lines is not None and len(lines) == len(raw)
            else range(2, len(raw) + 2),
        }
    )
    # ATLAS.ti lists all codes of a quotation in one cell, one per line
    cells = [[c for c in re.split(r"\r?\n", v) if c.strip()] or [v] for v in out["code"]]
    out = out.assign(code=cells).explode("code")
    out = out[out["text"].str.strip() != ""]
    for role in ("document", "code"):
        empty = out[out[role].str.strip() == ""]
        if len(empty):
            raise InputFileError(
                f"a coded segment has no {role}", path=path, line=int(empty["line"].iloc[0])
            )
    out["code"] = [" > ".join(split_code_path(c)) for c in out["code"]]
    return out.reset_index(drop=True)


def _record_lines(text: str, sep: str) -> list[int]:
    """File line on which each data record starts (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    starts, previous = [], 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts[1:]


def codebook_from_paths(
    paths: Iterable[str],
    *,
    descriptions: Mapping[str, str] | None = None,
    name: str = "",
    path: str | None = None,
) -> Codebook:
    """Build a code tree from code paths such as ``"Parent > Child"``.

    Parameters
    ----------
    paths : iterable of str
        Code paths (see :func:`split_code_path`); every prefix becomes a code.
    descriptions : mapping, optional
        Description (memo) of a code, by its path.
    name : str, optional
        Name of the codebook.
    path : str, optional
        File the paths came from, for messages.

    Returns
    -------
    Codebook
        Codes in first-seen order, parents before children; ids from labels
        (:func:`~research.text.codebook.slug`), made unique by prefixing the parent's id.
    """
    descriptions = {" > ".join(split_code_path(k)): v for k, v in (descriptions or {}).items()}
    ids: dict[tuple[str, ...], str] = {}
    codes: list[Code] = []
    used: set[str] = set()
    for full in paths:
        parts = split_code_path(full)
        for depth in range(1, len(parts) + 1):
            key = tuple(p.casefold() for p in parts[:depth])
            if key in ids:
                continue
            parent = ids.get(key[:-1]) if depth > 1 else None
            code_id = slug(parts[depth - 1])
            if code_id in used:
                code_id = f"{parent}__{code_id}" if parent else code_id
            base, n = code_id, 2
            while code_id in used:
                code_id, n = f"{base}_{n}", n + 1
            used.add(code_id)
            ids[key] = code_id
            label_path = " > ".join(parts[:depth])
            codes.append(
                Code(
                    id=code_id,
                    label=parts[depth - 1],
                    description=descriptions.get(label_path, ""),
                    parent=parent,
                )
            )
    if not codes:
        raise CodebookError("no code paths given", path=path)
    return Codebook(codes=tuple(codes), name=name, path=path)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(str(text))]


def _locate(
    needle: list[str], stream: list[str], joined: str, offsets: list[int]
) -> tuple[int, int] | None:
    """Token span of `needle` in `stream`: exact, else anchored on its first and last words."""
    if not needle:
        return None
    target = " " + " ".join(needle) + " "
    at = joined.find(target)
    if at >= 0:
        first = _index(offsets, at + 1)
        return first, first + len(needle)
    # A selection may cut a word at either end ("here" for "there"): try anchors a few
    # words in from each end.
    k = min(6, len(needle))
    for skip_head in range(min(3, len(needle) - k + 1)):
        head = joined.find(" " + " ".join(needle[skip_head : skip_head + k]) + " ")
        if head < 0:
            continue
        for skip_tail in range(min(3, len(needle) - k + 1)):
            end = len(needle) - skip_tail
            tail = joined.find(" " + " ".join(needle[end - k : end]) + " ", head)
            if tail < 0:
                continue
            first = _index(offsets, head + 1) - skip_head
            last = _index(offsets, tail + 1) + k + skip_tail
            if 0.5 * len(needle) <= last - first <= 2 * len(needle):
                return max(first, 0), min(last, len(stream))
    return None


def _index(offsets: list[int], char: int) -> int:
    import bisect

    return bisect.bisect_right(offsets, char) - 1


def align_segments(
    passages: pd.DataFrame,
    turns: pd.DataFrame,
    segments: pd.DataFrame,
    codebook: Codebook,
    *,
    min_share: float = 0.5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Find human-coded segments in the transcripts and mark the passages they cover.

    Parameters
    ----------
    passages : pandas.DataFrame
        From :func:`~research.text.passages.split_passages` (the passages to label).
    turns : pandas.DataFrame
        The turn table the passages came from (all speakers, to locate segments that span an
        interviewer's question).
    segments : pandas.DataFrame
        From :func:`read_coded_segments`; ``document`` is matched to ``transcript`` ignoring
        case and a file suffix.
    codebook : Codebook
        Holds every code path of `segments` (for example :func:`codebook_from_paths`).
    min_share : float, optional
        A passage gets a segment's code when at least this share of the passage's words, or
        of the segment's words, lies in the segment.

    Returns
    -------
    coded : pandas.DataFrame
        Coded corpus rows (:data:`~research.text.coding.CODED_COLUMNS`), ``source`` =
        ``"human"``, one per (passage, code).
    unaligned : pandas.DataFrame
        The segments that could not be found (``document``, ``code``, ``text``, ``line``,
        ``reason``), to review; speaker labels inside a segment (``Participant:``) are
        ignored when matching.

    Raises
    ------
    CodebookError
        If a segment's code path is not in `codebook`.
    """
    require_columns(passages, ["transcript", "turn", "sentence", "text"], "the passage table")
    require_columns(turns, ["transcript", "turn", "speaker", "text"], "the turn table")
    require_columns(segments, ["document", "code", "text"], "the coded segments")
    code_ids = {}
    for path in pd.unique(segments["code"]):
        code_id = codebook.find_path(path)
        if code_id is None:
            raise CodebookError(f"code path {path!r} is not in the codebook", path=codebook.path)
        code_ids[path] = code_id
    by_name = {str(t).casefold(): t for t in pd.unique(turns["transcript"])}

    def transcript_of(document: object) -> object:
        key = str(document).strip().casefold()
        return by_name.get(key, by_name.get(Path(key).stem))

    rows, missing = [], []
    owners = segments["document"].map(transcript_of)
    for transcript, group in segments.groupby(owners, dropna=False, sort=False):
        if transcript is None or pd.isna(transcript):
            for rec in group.to_dict("records"):
                missing.append({**rec, "reason": "document is not one of the transcripts"})
            continue
        mine = turns[turns["transcript"] == transcript]
        speakers = sorted(map(str, pd.unique(mine["speaker"])), key=len, reverse=True)
        label = (
            re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(s) for s in speakers) + r")\s*:(?=\s)")
            if speakers
            else None
        )
        stream = [w for text in mine["text"] for w in _words(text)]
        joined = " " + " ".join(stream) + " "
        offsets, pos = [], 1
        for w in stream:
            offsets.append(pos)
            pos += len(w) + 1
        spans = _passage_spans(passages[passages["transcript"] == transcript], mine)
        for rec in group.to_dict("records"):
            text = label.sub(" ", rec["text"]) if label is not None else rec["text"]
            needle = _words(text)
            span = _locate(needle, stream, joined, offsets)
            if span is None:
                missing.append({**rec, "reason": "text not found in the transcript"})
                continue
            a, b = span
            for pa, pb, prec in spans.values():
                overlap = min(b, pb) - max(a, pa)
                if overlap <= 0:
                    continue
                if overlap >= min_share * (pb - pa) or overlap >= min_share * (b - a):
                    code = codebook[code_ids[rec["code"]]]
                    rows.append(_row(prec, code.id, code.label))
    unaligned = pd.DataFrame(missing, columns=[*SEGMENT_COLUMNS, "reason"])
    if not rows:
        return empty_coded(), unaligned
    coded = pd.DataFrame(rows, columns=list(CODED_COLUMNS))
    coded = coded.drop_duplicates(["transcript", "turn", "sentence", "code"])
    return coded.astype(empty_coded().dtypes.to_dict()).reset_index(drop=True), unaligned


def _passage_spans(passages: pd.DataFrame, turns: pd.DataFrame) -> dict:
    """Token span of each passage in the transcript's word stream."""
    first: dict[int, int] = {}
    pos = 0
    for turn, text in zip(turns["turn"], turns["text"], strict=True):
        first[turn] = pos
        pos += len(_words(text))
    spans = {}
    cursor: dict[int, int] = {}
    for rec in passages.to_dict("records"):
        turn = rec["turn"]
        if turn not in first:
            continue
        start = first[turn] + cursor.get(turn, 0)
        n = len(_words(rec["text"]))
        cursor[turn] = cursor.get(turn, 0) + n
        spans[(turn, rec["sentence"])] = (start, start + n, rec)
    return spans


def _row(rec: dict, code_id: str, label: str) -> tuple:
    return (
        rec["transcript"],
        rec["turn"],
        rec.get("sentence", 0),
        rec.get("speaker", ""),
        rec.get("start", float("nan")),
        rec.get("end", float("nan")),
        code_id,
        label,
        rec["text"],
        "",
        "human",
        float("nan"),
        rec.get("sentiment", float("nan")),
    )
