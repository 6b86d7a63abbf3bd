"""Read WebVTT and SRT caption files (Zoom, Teams, Otter, YouTube) into speaker turns.

Each cue is ``start --> end`` and one or more text lines. The speaker comes from a WebVTT voice
tag (``<v Dan Smith>Hello</v>``, as Teams writes), a ``Name:`` prefix (Zoom, Otter; any
display name, ``dan.smith:`` or ``Dan (he/him):``, once it starts two cues), a
``[Name]`` prefix, or a ``>>`` speaker-change marker; a cue without one continues the previous
speaker. Consecutive cues of the same speaker are merged into one turn from the first cue's
start to the last cue's end; a caption file without any speaker is split into turns at pauses
of more than two seconds. Styling tags (``<c>``, ``<i>``, inline ``<00:00:01.000>`` times),
``NOTE``/``STYLE``/``REGION`` blocks and rolling duplicate lines are dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputFileError
from .speakers import NOT_SPEAKERS, is_label_name, parse_time
from .textformats import UNLABELLED_SPEAKER, RawTurn

__all__ = ["PAUSE_SECONDS", "parse_captions"]

#: Pause that starts a new turn in caption files without speakers.
PAUSE_SECONDS = 2.0

_CUE_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*(?P<start>{_CUE_TIME})\s*-->\s*(?P<end>{_CUE_TIME})(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[\w.\-]+)?\s+(?P<name>[^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>")
_PREFIX = re.compile(
    r"^\s*(?:-\s*)?(?:(?P<name>[^\W_][\w'’.\-]*(?:[ \t]+[^\W_][\w'’.\-]*){0,5})\s*[:：]"
    r"|\[(?P<bracket>[^\[\]\n:]{1,40})\]\s*:?|(?P<arrows>>>)\s*)(?:\s|$)"
)
# Any display name before a colon (Zoom: "dan.smith:", "Dan Smith (he/him):", "iPad (2):");
# taken as a speaker only when the same prefix starts at least two cues.
_LOOSE = re.compile(r"^\s*(?:-\s*)?(?P<name>[^:<>\[\]\n?!;\"]{1,40}?)\s*:(?:\s|$)")
_COMMON = frozenset(
    """so and but then well yes no yeah okay ok note the a i it this that what why how because
    also like um uh oh example question answer""".split()
)
_STAGE = re.compile(
    r"^(?:laugh\w*|pause\w*|inaudible|music|noise|applause|silence|crosstalk)$", re.IGNORECASE
)


def _loose_names(cues: list[tuple[int, float, float, list[str]]]) -> set[str]:
    """Colon prefixes that start at least two cue lines and read like names."""
    counts: dict[str, int] = {}
    for *_, payload in cues:
        for line in payload:
            m = _LOOSE.match(_TAG.sub("", html.unescape(line)))
            if m is not None:
                name = " ".join(m.group("name").split())
                counts[name] = counts.get(name, 0) + 1
    return {
        name
        for name, n in counts.items()
        if n >= 2
        and len(name.split()) <= 5
        and not _STAGE.match(name)
        and not set(name.lower().split()) <= _COMMON
    }


def _cue_pieces(payload: list[str], loose: set[str] = frozenset()) -> list[tuple[str | None, str]]:
    """``(speaker or None, text)`` pieces of one cue's payload lines."""
    text = "\n".join(payload)
    pieces: list[tuple[str | None, str]] = []
    voices = list(_VOICE.finditer(text))
    if voices:
        if voices[0].start() > 0 and _TAG.sub("", text[: voices[0].start()]).strip():
            pieces.append((None, text[: voices[0].start()]))
        for m, nxt in zip(voices, [*voices[1:], None], strict=True):
            body = text[m.end() : None if nxt is None else nxt.start()]
            pieces.append((" ".join(m.group("name").split()), body))
    else:
        for line in payload:
            m = _PREFIX.match(_TAG.sub("", html.unescape(line)))
            if m is not None and m.group("name") and not is_label_name(m.group("name").strip()):
                m = None  # "so basically: ..." is speech, not a speaker
            if m is None and loose:
                m = _LOOSE.match(_TAG.sub("", html.unescape(line)))
                if m is not None and " ".join(m.group("name").split()) not in loose:
                    m = None
            name = None
            if m is not None:
                name = m.group("name") or m.groupdict().get("bracket")
                if name and (_STAGE.match(name.strip()) or NOT_SPEAKERS.match(name.strip())):
                    m, name = None, None
            if m is None:
                pieces.append((None, line))
            elif m.groupdict().get("arrows"):
                pieces.append(("", _TAG.sub("", html.unescape(line))[m.end() :]))
            else:
                pieces.append(
                    (" ".join(name.split()), _TAG.sub("", html.unescape(line))[m.end() :])
                )
    out = []
    for speaker, body in pieces:
        clean = " ".join(html.unescape(_TAG.sub("", body)).split())
        out.append((speaker, clean))
    return out


def parse_captions(lines: Sequence[str], *, path: Path, kind: str) -> list[RawTurn]:
    """Parse the lines of a ``.vtt`` or ``.srt`` file into raw turns.

    Parameters
    ----------
    lines : sequence of str
        The file's lines.
    path : Path
        The file, for error messages.
    kind : {"vtt", "srt"}
        WebVTT requires the ``WEBVTT`` header; SRT cues may start with a number.

    Returns
    -------
    list of RawTurn

    Raises
    ------
    InputFileError
        If a WebVTT file lacks its header, a block has no valid timing line, or a cue ends
        before it starts; the message names the line.
    """
    lines = [str(line).replace("\ufeff", "").rstrip("\r\n") for line in lines]
    number = 0
    if kind == "vtt":
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None or not lines[first].strip().startswith("WEBVTT"):
            raise InputFileError(
                "a WebVTT file must start with 'WEBVTT'", path=path, line=(first or 0) + 1
            )
        number = first + 1
        while number < len(lines) and lines[number].strip():  # header block
            number += 1
    cues: list[tuple[int, float, float, list[str]]] = []
    while number < len(lines):
        if not lines[number].strip():
            number += 1
            continue
        block_start = number
        block = []
        while number < len(lines) and lines[number].strip():
            block.append(lines[number])
            number += 1
        head = block[0].strip()
        if kind == "vtt" and head.split(" ")[0] in ("NOTE", "STYLE", "REGION"):
            continue
        if kind == "srt" and cues and not head.isdigit() and not any("-->" in b for b in block):
            cues[-1][3].extend(["", *block])  # a blank line inside a cue's text
            continue
        at = 0 if _TIMING.match(block[0]) else 1
        timing = _TIMING.match(block[at]) if at < len(block) else None
        if timing is None:
            bad = block_start + min(at, len(block) - 1) + 1
            raise InputFileError(
                f"expected a cue timing like '00:00:01{'.' if kind == 'vtt' else ','}000 --> "
                f"00:00:04{'.' if kind == 'vtt' else ','}000', got {block[min(at, len(block) - 1)].strip()[:60]!r}",
                path=path,
                line=bad,
            )
        start, end = parse_time(timing.group("start")), parse_time(timing.group("end"))
        if end < start:
            raise InputFileError("cue ends before it starts", path=path, line=block_start + at + 1)
        cues.append((block_start + 1, start, end, block[at + 1 :]))
    return _merge(cues)


def _merge(cues: list[tuple[int, float, float, list[str]]]) -> list[RawTurn]:
    turns: list[RawTurn] = []
    speaker: str | None = None
    last_text = ""
    loose = _loose_names(cues)
    for line, start, end, payload in cues:
        for name, text in _cue_pieces(payload, loose):
            if name == "":  # ">>" marks a new, unnamed speaker
                name = f"Speaker {sum(1 for t in turns if t.speaker.startswith('Speaker ')) + 1}"
            new_speaker = name if name is not None else speaker
            if not text:
                speaker = new_speaker
                continue
            pause = (
                bool(turns) and turns[-1].end is not None and start - turns[-1].end > PAUSE_SECONDS
            )
            same = turns and new_speaker == speaker and not (new_speaker is None and pause)
            if same:
                if text == last_text:  # rolling captions repeat the previous line
                    turns[-1].end = max(end, turns[-1].end or end)
                    continue
                turns[-1].pieces.append(text)
                turns[-1].end = end
            else:
                turns.append(RawTurn(new_speaker or UNLABELLED_SPEAKER, line, start, end, [text]))
            speaker, last_text = new_speaker, text
    return turns
