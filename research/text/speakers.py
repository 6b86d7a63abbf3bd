"""Speaker labels: which line shapes start a turn, and which labels are names.

Used by :mod:`research.text.textformats` (text, Markdown and Word transcripts) and
:mod:`research.text.captions`; the shapes are listed in the former's docstring.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "NOT_SPEAKERS",
    "TIMESTAMP",
    "LabelContext",
    "find_label",
    "is_label_name",
    "label_context",
    "parse_time",
]

#: A clock time ``h:mm:ss``, ``mm:ss`` with optional fraction (``.250`` or ``,250``).
TIMESTAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"

_SPACE = re.compile(r"\s+")
# A label word: any letter or digit first; whether it is a name is judged by is_label_name.
_W = r"[^\W_][\w'’.\-]*"
_NAME = rf"(?P<name>{_W}(?:[ \t]+{_W}){{0,5}})"
_TS = rf"(?P<ts>{TIMESTAMP})"
_COLON = r"[ \t]*[:：]"
_QUAL = r"[ \t]*\((?P<qual>[^()\n]{1,40})\)"
_LABELS = [
    # [00:01:02] Dan: text   /   (00:01:02) Dan - text
    re.compile(rf"^\s*[\[(]?{_TS}[\])]?\s*[-–—]?\s*{_NAME}{_COLON}(?:\s|$)"),
    # DAN (00:01:02): text   /   Dan [01:02] text
    re.compile(rf"^\s*{_NAME}\s*[\[(]{_TS}[\])]\s*[:：]?(?:\s|$)"),
    # Dan Smith  0:03      (alone on its line)
    re.compile(rf"^\s*{_NAME}\s+{_TS}\s*[:：]?\s*$"),
    # [0:03] Dan Smith   /   [00:00:05.12] - Speaker 1     (alone on its line)
    re.compile(rf"^\s*[\[(]?{_TS}[\])]?\s*[-–—]?\s+{_NAME}\s*$"),
    # Dan (Interviewer): text
    re.compile(rf"^\s*{_NAME}{_QUAL}{_COLON}(?:\s|$)"),
    # Dan: text
    re.compile(rf"^\s*{_NAME}{_COLON}(?:\s|$)"),
    # [id1] text
    re.compile(r"^\s*\[(?P<name>[^\[\]\n:]{1,40})\][ \t]*[:：]?(?:\s|$)"),
]
_ALONE = re.compile(rf"^\s*{_NAME}\s*$")
_QA = re.compile(r"^\s*(?P<name>Q|A)[.)][ \t]+(?=\S)")
_LOOSE = re.compile(
    r"^\s*(?P<name>[^\W_][^\s:：?!;,\"()\[\]]*(?:[ \t][^\s:：?!;,\"()\[\]]+){0,2})[ \t]*[:：](?:\s|$)"
)
_COMMON = frozenset(
    """so and but then well yes no yeah okay ok note the a i it this that what why how because
    also like um uh oh example question answer my our we you they he she his her its""".split()
)
_DASH = re.compile(rf"^\s*{_NAME}[ \t]+[–—-][ \t]+(?=\S)")
# Role words that make a label in any case ("interviewer:", "SPEAKER 2:", "int:").
_ROLE = re.compile(
    r"^(?:interviewer|interviewee|participant|respondent|moderator|facilitator|researcher|"
    r"speaker|customer|user|host|guest|int|intv|mod|resp|unknown speaker)\.?"
    r"(?:[ \t_#-]*(?:\d+|[a-z]))?$",
    re.IGNORECASE,
)
# Lower-case words allowed inside a name (Mary van der Berg, Abu al-Hassan).
_PARTICLES = frozenset(
    "van von der den de del della di da du la le dos das do ter ten bin ibn al el y zu af av".split()
)
# Bracketed stage directions, metadata fields and headings that are not speakers.
NOT_SPEAKERS = re.compile(
    r"^(?:laugh\w*|pause\w*|inaudible|unintelligible|crosstalk|cross talk|sigh\w*|silence|"
    r"music|noise|cough\w*|overlap\w*|background noise|long pause|\.+|…|"
    r"date|time|duration|length|location|place|mode|title|project|study|recording|file|"
    r"transcript|transcribed by|attendees|present|notes?|summary|subject|topic|session|"
    r"version|nb|ps|edit|update|interview|page|source|audio|video|language|comments?|"
    r"participants|interviewers|interviewees|respondents|speakers|moderators|people|names?|"
    r"persons|company|organi[sz]ation|interviewed by|conducted by|keywords|tags|agenda|"
    r"context|background|purpose|objectives?|goals?|action items|warning|tip|example|"
    r"(?:step|option|section|part|phase|stage|task|example|point|item|chapter|scenario|"
    r"figure|table|slide|screen|round|day|week|exercise|activity|prototype|version|concept|"
    r"question|topic|theme|block|module)\s+(?:\d+|[a-z]))$",
    re.IGNORECASE,
)
_INTERJECTIONS = frozenset(
    """yeah yes no nope okay ok right sure mhm hmm um uh erm thanks great cool exactly alright
    so well oh absolutely definitely true totally indeed fine good nice perfect wow really
    interesting correct agreed maybe yep hi hello bye""".split()
)
_TS_AFTER = re.compile(
    rf"^\s*(?:[\[(](?P<a>{TIMESTAMP})[\])]|(?P<b>\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?))"
    r"(?:\s+|$)"
)


def parse_time(text: str) -> float:
    """Return the seconds in a clock time such as ``01:02:03.5``, ``1:02`` or ``00:00:01,250``.

    Parameters
    ----------
    text : str
        A time matching :data:`TIMESTAMP` (``0:0:5.28`` with one-digit fields also works).

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


def is_label_name(name: str) -> bool:
    """A speaker label: capitalised words, numbers, particles inside, or a role word."""
    if not name or len(name) > 40 or NOT_SPEAKERS.match(name):
        return False
    if _ROLE.match(name):
        return True
    words = name.split()
    core = [w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and w in _PARTICLES)]
    if len(core) > 4:
        return False
    for word in core:
        first = word[0]
        if first.isdigit() or first.isupper():
            continue
        if first.isalpha() and not first.islower() and len(word) <= 8:  # caseless scripts
            continue
        return False
    return not all(w.isdigit() for w in core)


@dataclass
class LabelContext:
    alone: set[str]
    dash: set[str]
    loose: set[str] = field(default_factory=set)
    qa: bool = False


def find_label(line: str, ctx: LabelContext) -> tuple[str, float | None, str] | None:
    """``(speaker, start seconds or None, rest of line)`` if `line` starts a turn."""
    for pattern in _LABELS:
        m = pattern.match(line)
        if m is None:
            continue
        name = _SPACE.sub(" ", m.group("name")).strip()
        bracketed = pattern is _LABELS[-1]
        if not name or NOT_SPEAKERS.match(name) or (not bracketed and not is_label_name(name)):
            continue
        groups = m.groupdict()
        if groups.get("qual"):
            qualifier = _SPACE.sub(" ", groups["qual"]).strip()
            if re.fullmatch(TIMESTAMP, qualifier):
                continue
            name = f"{name} ({qualifier})"
        ts = groups.get("ts")
        rest = line[m.end() :]
        if ts is None:
            after = _TS_AFTER.match(rest)
            if after is not None:
                ts = after.group("a") or after.group("b")
                rest = rest[after.end() :]
        return name, None if ts is None else parse_time(ts), rest
    m = _QA.match(line) if ctx.qa else None
    if m is not None:
        return m.group("name"), None, line[m.end() :]
    m = _LOOSE.match(line)
    if m is not None and _SPACE.sub(" ", m.group("name")).strip() in ctx.loose:
        return _SPACE.sub(" ", m.group("name")).strip(), None, line[m.end() :]
    m = _DASH.match(line)
    if m is not None and _SPACE.sub(" ", m.group("name")) in ctx.dash:
        return _SPACE.sub(" ", m.group("name")), None, line[m.end() :]
    m = _ALONE.match(line)
    if m is not None and _SPACE.sub(" ", m.group("name")) in ctx.alone:
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
        if is_label_name(name) and name.lower() not in _INTERJECTIONS and not name.isdigit():
            counts[name] += 1
    return {name for name, n in counts.items() if n >= 2}


def _dash_labels(lines: Sequence[str]) -> set[str]:
    """Labels followed by a dash (``Interviewer – ...``): role words, and other labels when
    at least two of them recur."""
    counts: Counter[str] = Counter()
    for line in lines:
        m = _DASH.match(line)
        if m is not None:
            name = _SPACE.sub(" ", m.group("name"))
            if is_label_name(name) and name.lower() not in _INTERJECTIONS:
                counts[name] += 1
    recurring = {name for name, n in counts.items() if n >= 2}
    if len(recurring) >= 2:
        return recurring
    roles = {name for name in counts if _ROLE.match(name)}
    return roles | {name for name in recurring if name in ("Q", "A", "I", "R")}


def _loose_labels(lines: Sequence[str]) -> set[str]:
    """Other colon prefixes (``dan.smith:``, ``maria:``) that start two or more lines, when
    at least two of them recur: user names and lower-case names in chat-style exports."""
    counts: Counter[str] = Counter()
    for line in lines:
        m = _LOOSE.match(line)
        if m is not None:
            name = _SPACE.sub(" ", m.group("name")).strip()
            words = name.lower().split()
            if len(words) <= 3 and not set(words) <= _COMMON and not NOT_SPEAKERS.match(name):
                counts[name] += 1
    recurring = {name for name, n in counts.items() if n >= 2}
    return recurring if len(recurring) >= 2 else set()


def label_context(lines: Sequence[str]) -> LabelContext:
    """The label shapes a whole file licenses: names alone on a line, dash labels, loose
    colon prefixes, press-style Q./A. (each needs to recur, see the builders above)."""
    qa = Counter(m.group("name") for m in map(_QA.match, lines) if m is not None)
    return LabelContext(
        alone=_alone_labels(lines),
        dash=_dash_labels(lines),
        loose=_loose_labels(lines),
        qa=qa["Q"] >= 2 and qa["A"] >= 2,
    )
