"""Find speaker turns in the lines of a plain-text, Markdown or Word transcript.

A turn starts at a line that begins with a speaker label, in any of these shapes::

    Interviewer: How do you shop?          Name: (one to four capitalised words or numbers)
    Interviewer 1: ...                     numbered speakers
    [00:01:02] Dan: ...   (00:01:02) Dan:  a timestamp first
    DAN (00:01:02): ...   Dan [01:02] ...  a timestamp after the name (Rev, Temi)
    [id1] ...                              QualCoder's bracketed speakers
    Dan Smith  0:03                        the speaker (and time) on a line of its own
    (text on the next lines)               (Otter, Teams); a bare ``Dan`` line counts when the
                                           same label stands alone on at least two lines

Unlabelled lines continue the current turn, so hard-wrapped text and multi-paragraph answers
are read whole. Text before the first turn (a title, a metadata block) is dropped. Dropped
everywhere: ``#`` lines (comments, Markdown headings), page numbers (``12``, ``1/5``, ``Page 2
of 9``, ``- 3 -``), header or footer lines repeated on every page (``Confidential``, ``Interview
transcript``), and timestamps (``[00:12:01]``, a ``00:12:01`` line), which give the turn's start.
Markdown emphasis, quote markers, list bullets and link targets are removed first. A file with
no speaker labels is read one paragraph per turn, speaker ``Unlabelled``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["RawTurn", "TIMESTAMP", "UNLABELLED_SPEAKER", "parse_lines", "parse_time"]

#: Speaker given to the paragraphs of a transcript that has no speaker labels at all.
UNLABELLED_SPEAKER = "Unlabelled"

#: A clock time ``h:mm:ss``, ``mm:ss`` with optional fraction (``.250`` or ``,250``).
TIMESTAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"


@dataclass
class RawTurn:
    """One speaker turn while parsing: where it starts and the pieces of its text."""

    speaker: str
    line: int
    start: float | None = None
    end: float | None = None
    pieces: list[str] = field(default_factory=list)


_WORD = r"(?:[A-Z][\w'’.\-]*|\d+)"
_NAME = rf"(?P<name>{_WORD}(?:[ \t]+{_WORD}){{0,3}})"
_TS = rf"(?P<ts>{TIMESTAMP})"
_LABELS = [
    # [00:01:02] Dan: text   /   (00:01:02) Dan - text
    re.compile(rf"^\s*[\[(]?{_TS}[\])]?\s*[-–—]?\s*{_NAME}\s*:(?:\s|$)"),
    # DAN (00:01:02): text   /   Dan [01:02] text
    re.compile(rf"^\s*{_NAME}\s*[\[(]{_TS}[\])]\s*:?(?:\s|$)"),
    # Dan Smith  0:03      (alone on its line)
    re.compile(rf"^\s*{_NAME}\s+{_TS}\s*:?\s*$"),
    # [0:03] Dan Smith     (alone on its line)
    re.compile(rf"^\s*[\[(]?{_TS}[\])]?\s+{_NAME}\s*$"),
    # Dan: text
    re.compile(rf"^\s*{_NAME}[ \t]*:(?:\s|$)"),
    # [id1] text
    re.compile(r"^\s*\[(?P<name>[^\[\]\n:]{1,40})\][ \t]*:?(?:\s|$)"),
]
_ALONE = re.compile(rf"^\s*{_NAME}\s*$")
# Bracketed stage directions and metadata fields that are not speakers.
_NOT_SPEAKERS = re.compile(
    r"^(?:laugh\w*|pause\w*|inaudible|unintelligible|crosstalk|cross talk|sigh\w*|silence|"
    r"music|noise|cough\w*|overlap\w*|background noise|long pause|\.+|…|"
    r"date|time|duration|length|location|place|mode|title|project|study|recording|file|"
    r"transcript|transcribed by|attendees|present|notes?|summary|subject|topic|session|"
    r"version|nb|ps|edit|update|interview|page|source|audio|video|language|comments?)$",
    re.IGNORECASE,
)
_INTERJECTIONS = frozenset(
    """yeah yes no nope okay ok right sure mhm hmm um uh erm thanks great cool exactly alright
    so well oh absolutely definitely true totally indeed fine good nice perfect wow really
    interesting correct agreed maybe yep hi hello bye""".split()
)
_PAGE = re.compile(
    r"^\s*(?:\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]|\[?page\s+\d{1,4}"
    r"(?:\s*(?:/|of)\s*\d{1,4})?\]?)\s*$",
    re.IGNORECASE,
)
_HEADER_WORDS = re.compile(
    r"\b(?:page|confidential|transcript|interview|copyright|draft|all rights|private)\b|©",
    re.IGNORECASE,
)
_TS_ONLY = re.compile(rf"^\s*[\[(]?{_TS}[\])]?\s*$")
_TS_INLINE = re.compile(rf"\s*[\[(]{TIMESTAMP}[\])]\s*")
_TS_LEADING = re.compile(r"^\s*\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?\s+")
_SPACE = re.compile(r"\s+")
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_ITALIC = re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])")


def parse_time(text: str) -> float:
    """Return the seconds in a clock time such as ``01:02:03.5``, ``1:02`` or ``00:00:01,250``.

    Parameters
    ----------
    text : str
        A time matching :data:`TIMESTAMP`.

    Returns
    -------
    float
        Seconds from the start of the recording.
    """
    parts = str(text).strip().replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _markdown(line: str) -> str | None:
    """A Markdown line as plain text; None for lines that hold no speech (rules, comments)."""
    stripped = line.strip()
    if re.fullmatch(r"(?:[-*_]\s*){3,}|<!--.*-->|```.*", stripped):
        return None
    line = re.sub(r"^\s*(?:>\s?)+", "", line)
    line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)
    line = _MD_LINK.sub(r"\1", line)
    for _ in range(2):
        line = _MD_EMPHASIS.sub(r"\2", line)
    line = _MD_ITALIC.sub(r"\2", line)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", line).rstrip()


def _label(line: str, alone: set[str]) -> tuple[str, float | None, str] | None:
    """``(speaker, start seconds or None, rest of line)`` if `line` starts a turn."""
    for pattern in _LABELS:
        m = pattern.match(line)
        if m is None:
            continue
        name = _SPACE.sub(" ", m.group("name")).strip()
        if not name or _NOT_SPEAKERS.match(name):
            return None
        ts = m.groupdict().get("ts")
        return name, None if ts is None else parse_time(ts), line[m.end() :]
    m = _ALONE.match(line)
    if m is not None and _SPACE.sub(" ", m.group("name")) in alone:
        return _SPACE.sub(" ", m.group("name")), None, ""
    return None


def _alone_labels(lines: Sequence[str]) -> set[str]:
    """Labels written alone on a line at least twice (``Dan Smith`` then the text below)."""
    counts: Counter[str] = Counter()
    for line in lines:
        m = _ALONE.match(line)
        if m is None:
            continue
        name = _SPACE.sub(" ", m.group("name"))
        if len(name) <= 40 and not _NOT_SPEAKERS.match(name):
            if name.lower() not in _INTERJECTIONS and not name.isdigit():
                counts[name] += 1
    return {name for name, n in counts.items() if n >= 2}


def _repeated_headers(lines: Sequence[str]) -> set[str]:
    """Short lines repeated three or more times that read like page headers or footers."""
    counts = Counter(_SPACE.sub(" ", line).strip() for line in lines)
    return {
        text
        for text, n in counts.items()
        if n >= 3 and text and len(text) <= 80 and _HEADER_WORDS.search(text)
    }


def _clean(text: str) -> str:
    text = _TS_INLINE.sub(" ", text)
    return _TS_LEADING.sub("", text).strip()


def parse_lines(lines: Sequence[str], *, markdown: bool = False) -> list[RawTurn]:
    """Split transcript lines into raw turns (see the module docstring for the shapes read).

    Parameters
    ----------
    lines : sequence of str
        The lines of the file, in order (line numbers count from 1).
    markdown : bool, optional
        Remove Markdown markup first.

    Returns
    -------
    list of RawTurn
        In order; a turn's ``end`` is the next timed turn's start when both are known.
    """
    kept: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = str(raw).replace("\ufeff", "").replace("\u00a0", " ").rstrip("\r\n")
        if line.lstrip().startswith("#") or _PAGE.match(line):
            continue
        if markdown:
            line = _markdown(line)
            if line is None:
                continue
        kept.append((number, line))
    headers = _repeated_headers([line for _, line in kept])
    alone = _alone_labels([line for _, line in kept])
    turns: list[RawTurn] = []
    paragraphs: list[RawTurn] = []
    pending_time: float | None = None
    blank = True
    for number, line in kept:
        stripped = _SPACE.sub(" ", line).strip()
        if stripped in headers:
            continue
        if not stripped:
            blank = True
            continue
        ts_only = _TS_ONLY.match(line)
        if ts_only:
            pending_time = parse_time(ts_only.group("ts"))
            continue
        label = _label(line, alone)
        if label is not None:
            speaker, start, rest = label
            turn = RawTurn(speaker, number, start if start is not None else pending_time)
            turn.pieces.append(_clean(rest))
            turns.append(turn)
        elif turns:
            turns[-1].pieces.append(_clean(stripped))
        # text before the first labelled turn is preamble (a title, a page heading): dropped
        if blank or not paragraphs:
            paragraphs.append(RawTurn(UNLABELLED_SPEAKER, number, pending_time))
        paragraphs[-1].pieces.append(_clean(stripped))
        pending_time = None
        blank = False
    out = turns if turns else paragraphs
    for turn, following in zip(out, out[1:], strict=False):
        if turn.start is not None and following.start is not None and turn.end is None:
            turn.end = following.start
    return out
