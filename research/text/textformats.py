"""Find speaker turns in the lines of a plain-text, Markdown or Word transcript.

A turn starts at a line that begins with a speaker label, in any of these shapes::

    Interviewer: How do you shop?          Name: (one to four capitalised words or numbers,
    Mary van der Berg: ...   Émile: ...    name particles and non-Latin scripts allowed)
    interviewer 2: ...   SPEAKER_00: ...   role words in any case; numbered speakers
    Dan (Interviewer): ...  P1 (f, 34): .. a qualifier in brackets (kept in the label)
    **Interviewer:** ...                   bold labels, also outside Markdown files
    [00:01:02] Dan: ...   (00:01:02) Dan:  a timestamp first
    DAN (00:01:02): ...   Dan [01:02] ...  a timestamp after the name (Rev, Temi, Trint)
    Dan: (00:01:02) ...   [Dan] 10:03:12   a timestamp after the label (Rev, Zoom captions)
    [id1] ...                              QualCoder's bracketed speakers
    Dan Smith  0:03                        the speaker (and time) on a line of its own
    (text on the next lines)               (Otter, Teams); a bare ``Dan`` line counts when the
                                           same label stands alone on at least two lines
    0:0:3.5 --> 0:0:9.1                    a caption timing line, speaker on the next line
    Dan Smith                              (Teams' Word download)
    Interviewer – How do you ...?          a dash after the label, when the label recurs
    Q. How do you ...?   A. Online.        press-style Q./A., when both recur

Unlabelled lines continue the current turn, so hard-wrapped text and multi-paragraph answers
are read whole; a label-like line seen once (``Step 2: ...``) that continues an unfinished
sentence in a transcript whose speakers recur is text, not a new speaker. Text before the
first turn is dropped when it is a title or a metadata block (``Date: ...`` lines, keyword
lists) and kept as an unlabelled turn when it holds more than 25 words of sentences, so a
label shape the reader does not know never loses speech. Dropped everywhere: ``#`` lines (comments, Markdown
headings), page numbers (``12``, ``1/5``, ``Page 2 of 9``, ``- 3 -``), header or footer lines
repeated on every page (``Confidential``, ``Interview transcript``), ``X started
transcription`` and ``Transcribed by otter.ai`` notices, and timestamps (``[00:12:01]``, a
``00:12:01`` line, f4/MAXQDA's ``#00:12:01-4#``), which give the turn's start. Markdown emphasis, quote markers, list bullets and link targets are removed
first. A file with no speaker labels is read one paragraph per turn, speaker ``Unlabelled``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .speakers import (
    _ALONE,
    _TS,
    TIMESTAMP,
    find_label,
    is_label_name,
    label_context,
    parse_time,
)

__all__ = ["RawTurn", "TIMESTAMP", "UNLABELLED_SPEAKER", "parse_lines", "parse_time"]

#: Speaker given to the paragraphs of a transcript that has no speaker labels at all.
UNLABELLED_SPEAKER = "Unlabelled"

#: Text before the first speaker longer than this (in words) is kept as an unlabelled turn.
PREAMBLE_WORDS = 25


@dataclass
class RawTurn:
    """One speaker turn while parsing: where it starts and the pieces of its text."""

    speaker: str
    line: int
    start: float | None = None
    end: float | None = None
    pieces: list[str] = field(default_factory=list)


_ARROW = re.compile(
    r"^\s*(?P<a>\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)\s*-->\s*"
    r"(?P<b>\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)\b.*$"
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
_NOTICE = re.compile(
    r"^(?:.{1,80}\b(?:started|stopped|ended) (?:transcription|recording)\.?"
    r"|transcribed by \S+(?:\s\S+)?)$",
    re.IGNORECASE,
)
_FIELD = re.compile(r"^\s*[^\W\d_][^\s:：]*(?:[ \t]+[^\s:：]+){0,3}[ \t]*[:：][ \t]*\S")
_TS_ONLY = re.compile(rf"^\s*[\[(]?{_TS}[\])]?\s*$")
_TS_INLINE = re.compile(
    rf"\s*(?:[\[(]{TIMESTAMP}[\])]|#\d{{1,2}}:\d{{2}}:\d{{2}}(?:[-.,]\d+)?#)\s*"
)
_TS_LEADING = re.compile(r"^\s*\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?(?:\s+|$)")
_SPACE = re.compile(r"\s+")
_BOLD_LABEL = re.compile(r"^(\s*)(\*\*|__)(.{1,60}?)\2")
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_ITALIC = re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])")
_SENTENCE = re.compile(r"[a-z][.?!…](?:\s|$)")
_ENDS_SENTENCE = re.compile(r"[.?!…\"”’')\]:;]\s*$")


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


def _prepare(lines: Sequence[str], markdown: bool) -> list[tuple[int, str]]:
    """Numbered lines without page numbers, comments, Markdown markup and bold labels."""
    kept: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = str(raw).replace("\ufeff", "").replace("\u00a0", " ").rstrip("\r\n")
        if line.lstrip().startswith("#") or _PAGE.match(line):
            continue
        if markdown:
            line = _markdown(line)
            if line is None:
                continue
        else:
            line = _BOLD_LABEL.sub(r"\1\3", line)
        if _NOTICE.match(line.strip()):
            continue
        kept.append((number, line))
    return kept


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
    kept = _prepare(lines, markdown)
    texts = [line for _, line in kept]
    headers = _repeated_headers(texts)
    ctx = label_context(texts)
    labels = {number: find_label(line, ctx) for number, line in kept}
    counts = Counter(label[0] for label in labels.values() if label is not None)
    recurring = sum(1 for n in counts.values() if n >= 3) >= 2
    turns: list[RawTurn] = []
    paragraphs: list[RawTurn] = []
    preamble: list[tuple[int, str]] = []
    pending_time: float | None = None
    expect_speaker = False
    blank, previous = True, ""
    for number, line in kept:
        stripped = _SPACE.sub(" ", line).strip()
        if stripped in headers:
            continue
        if not stripped:
            blank = True
            continue
        ts_only = _TS_ONLY.match(line)
        arrow = _ARROW.match(line)
        if ts_only or arrow:
            pending_time = parse_time(ts_only.group("ts") if ts_only else arrow.group("a"))
            expect_speaker = arrow is not None
            continue
        label = labels[number]
        if label is None and expect_speaker:
            alone = _ALONE.match(line)
            if alone is not None and is_label_name(_SPACE.sub(" ", alone.group("name"))):
                label = (_SPACE.sub(" ", alone.group("name")), None, "")
        expect_speaker = False
        if (
            label is not None
            and turns
            and recurring
            and counts[label[0]] == 1
            and not blank
            and not _ENDS_SENTENCE.search(previous)
        ):
            label = None  # a wrapped line that happens to start "Word 2: ..."
        if label is not None:
            speaker, start, rest = label
            turn = RawTurn(speaker, number, start if start is not None else pending_time)
            turn.pieces.append(_clean(rest))
            turns.append(turn)
        elif turns:
            turns[-1].pieces.append(_clean(stripped))
        else:
            preamble.append((number, stripped))
        if blank or not paragraphs:
            paragraphs.append(RawTurn(UNLABELLED_SPEAKER, number, pending_time))
        paragraphs[-1].pieces.append(_clean(stripped))
        pending_time = None
        blank, previous = False, stripped
    out = turns if turns else paragraphs
    if turns:
        speech = [(n, text) for n, text in preamble if not _FIELD.match(text)]
        sentences = [text for _, text in speech if _SENTENCE.search(text)]
        if sum(len(text.split()) for text in sentences) > PREAMBLE_WORDS:
            head = RawTurn(UNLABELLED_SPEAKER, speech[0][0])
            head.pieces.extend(_clean(text) for _, text in speech)
            out = [head, *turns]
    for turn, following in zip(out, out[1:], strict=False):
        if turn.start is not None and following.start is not None and turn.end is None:
            turn.end = following.start
    return out
