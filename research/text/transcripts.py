"""Read interview transcripts (plain text or .docx) into a table of speaker turns.

A transcript is a sequence of turns. A turn starts with a speaker label at the start of a line,
``Name: text`` (a name of one to four capitalised words or numbers, such as ``Interviewer:``,
``Participant:``, ``Dan:`` or ``Interviewer 1:``) or ``[name] text`` (as QualCoder writes it).
Any following line or paragraph without a label continues the same turn, so hard-wrapped text
and multi-paragraph answers are read whole. Lines starting with ``#`` are headers or comments.
Lines holding only a page number (``12`` or ``1/5``), as left behind by PDF extraction, are
dropped, as is any preamble before the first labelled turn. A file without any speaker label
is read one paragraph per turn, with speaker ``"Unlabelled"`` and role ``"other"``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path

import pandas as pd

from ..errors import InputFileError

__all__ = [
    "TURN_COLUMNS",
    "INTERVIEWER_WORDS",
    "UNLABELLED_SPEAKER",
    "read_transcript",
    "read_transcripts",
    "parse_transcript",
    "speaker_role",
]

#: Columns of the turn table returned by :func:`read_transcript`, in order.
TURN_COLUMNS = ("transcript", "turn", "speaker", "role", "text")

#: Words that mark a speaker label as the interviewer's (matched as whole words, any case).
INTERVIEWER_WORDS = ("interviewer", "moderator", "facilitator", "researcher")

#: Speaker given to the paragraphs of a transcript that has no speaker labels at all.
UNLABELLED_SPEAKER = "Unlabelled"

_SUFFIXES = (".txt", ".docx")
_NAME_WORD = r"(?:[A-Z][\w'’.\-]*|\d+)"
_COLON_LABEL = re.compile(
    rf"^\s*(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}})[ \t]*:(?:\s|$)"
)
_BRACKET_LABEL = re.compile(r"^\s*\[(?P<name>[^\[\]\n:]{1,40})\][ \t]*:?(?:\s|$)")
# Bracketed stage directions that are not speakers: "[laughs] yeah", "[inaudible]".
_NOT_SPEAKERS = re.compile(
    r"^(?:laugh\w*|pause\w*|inaudible|unintelligible|crosstalk|cross talk|sigh\w*|silence|"
    r"music|noise|cough\w*|overlap\w*|background noise|long pause|\.+|…)$",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}(?:\s*/\s*\d{1,4})?\s*$")
_INTERVIEWER = re.compile(r"\b(?:" + "|".join(INTERVIEWER_WORDS) + r")s?\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def speaker_role(speaker: str, interviewer_names: Iterable[str] = ()) -> str:
    """Return the role of a speaker label.

    Parameters
    ----------
    speaker : str
        The speaker label as written in the transcript (without the colon).
    interviewer_names : iterable of str, optional
        Labels of speakers who are interviewers (compared case-insensitively, whole label).

    Returns
    -------
    str
        ``"interviewer"`` if the label is listed in `interviewer_names` or contains one of
        :data:`INTERVIEWER_WORDS` (``Interviewer 1``, ``Lead researcher``); ``"other"`` for
        :data:`UNLABELLED_SPEAKER`; otherwise ``"participant"``.
    """
    listed = {_fold(n).casefold() for n in _as_names(interviewer_names)}
    label = _fold(speaker)
    if label.casefold() in listed or _INTERVIEWER.search(label):
        return "interviewer"
    if label == UNLABELLED_SPEAKER:
        return "other"
    return "participant"


def _as_names(names: Iterable[str] | str | None) -> tuple[str, ...]:
    if names is None:
        return ()
    if isinstance(names, str):
        return (names,)
    return tuple(str(n) for n in names)


def _fold(text: str) -> str:
    return _SPACE.sub(" ", str(text)).strip()


def _label(line: str) -> tuple[str, str] | None:
    """Return ``(speaker, rest of line)`` if the line starts a turn, else None."""
    m = _COLON_LABEL.match(line) or _BRACKET_LABEL.match(line)
    if m is None:
        return None
    name = _fold(m.group("name"))
    if not name or _NOT_SPEAKERS.match(name):
        return None
    return name, line[m.end() :]


def parse_transcript(
    lines: Iterable[str],
    *,
    transcript_id: str,
    interviewer_names: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Parse transcript lines into a turn table; see :func:`read_transcript`.

    Parameters
    ----------
    lines : iterable of str
        The transcript's lines (a docx paragraph counts as a line followed by a blank line).
    transcript_id : str
        Value of the ``transcript`` column.
    interviewer_names : iterable of str, optional
        Speaker labels to treat as interviewers, besides labels like ``Interviewer``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TURN_COLUMNS`; empty if the lines hold no text.
    """
    names = _as_names(interviewer_names)
    turns: list[list] = []  # [speaker, [pieces]]
    paragraphs: list[list[str]] = [[]]  # used when the file has no labels at all
    for raw in lines:
        line = str(raw).replace("\ufeff", "").rstrip("\r\n")
        stripped = line.strip()
        if stripped.startswith("#") or _PAGE_NUMBER.match(line):
            continue
        if not stripped:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(stripped)
        label = _label(line)
        if label is not None:
            turns.append([label[0], [label[1]]])
        elif turns:
            turns[-1][1].append(stripped)
        # text before the first labelled turn is preamble (a title, a page heading): dropped
    if not turns:
        turns = [[UNLABELLED_SPEAKER, p] for p in paragraphs if p]
    rows = []
    for speaker, pieces in turns:
        text = _fold(" ".join(pieces))
        if text:
            rows.append((transcript_id, len(rows) + 1, speaker, speaker_role(speaker, names), text))
    frame = pd.DataFrame(rows, columns=list(TURN_COLUMNS))
    return frame.astype({"turn": "int64"})


def _docx_lines(path: Path) -> list[str]:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise InputFileError("reading .docx needs python-docx", path=path) from exc
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputFileError(f"not a readable .docx file ({exc})", path=path) from None
    lines: list[str] = []
    for paragraph in document.paragraphs:
        lines.extend(paragraph.text.splitlines() or [""])
        lines.append("")
    return lines


def read_transcript(
    path: str | PathLike,
    *,
    transcript_id: str | None = None,
    interviewer_names: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Read one transcript file into a table of speaker turns.

    Parameters
    ----------
    path : str or path-like
        A UTF-8 ``.txt`` file (any other suffix is read as text too) or a ``.docx`` file.
    transcript_id : str, optional
        Value of the ``transcript`` column; defaults to the file name without suffix.
    interviewer_names : iterable of str, optional
        Speaker labels that are interviewers (for example ``["Dan"]``), besides labels
        containing ``Interviewer``, ``Moderator``, ``Facilitator`` or ``Researcher``.

    Returns
    -------
    pandas.DataFrame
        One row per turn, in order, with columns ``transcript`` (str), ``turn`` (1-based int),
        ``speaker`` (the label), ``role`` (``"interviewer"``, ``"participant"`` or
        ``"other"``) and ``text`` (the turn's text, whitespace folded to single spaces).

    Raises
    ------
    InputFileError
        If the file is missing, unreadable, not UTF-8, or holds no transcript text.

    Notes
    -----
    See the module docstring for the format: ``Name:`` or ``[name]`` labels start turns,
    unlabelled lines and paragraphs continue the previous turn, ``#`` lines are skipped.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise InputFileError(f"transcript file {what}", path=path)
    if path.suffix.lower() == ".docx":
        lines = _docx_lines(path)
    else:
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"transcript is not UTF-8 text (byte {exc.start}); save it as UTF-8", path=path
            ) from None
        except OSError as exc:
            raise InputFileError(f"cannot read transcript: {exc.strerror}", path=path) from None
    tid = path.stem if transcript_id is None else str(transcript_id)
    frame = parse_transcript(lines, transcript_id=tid, interviewer_names=interviewer_names)
    if frame.empty:
        raise InputFileError("transcript holds no text", path=path)
    return frame


def read_transcripts(
    paths_or_dir: str | PathLike | Sequence[str | PathLike],
    *,
    interviewer_names: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Read several transcripts into one turn table.

    Parameters
    ----------
    paths_or_dir : path or sequence of paths
        A folder (its ``.txt`` and ``.docx`` files are read, not sub-folders), one file, or a
        list of files.
    interviewer_names : iterable of str, optional
        Passed to :func:`read_transcript`.

    Returns
    -------
    pandas.DataFrame
        The turn tables of all files (columns as :func:`read_transcript`), files sorted by
        name; each file's ``transcript`` id is its name without suffix.

    Raises
    ------
    InputFileError
        If a path is missing, the folder holds no transcripts, two files share an id, or a
        file cannot be read.
    """
    if isinstance(paths_or_dir, str | PathLike):
        root = Path(paths_or_dir)
        if root.is_dir():
            paths = [p for p in root.iterdir() if p.is_file() and p.suffix.lower() in _SUFFIXES]
            paths = [p for p in paths if not p.name.startswith(("~$", "."))]
            if not paths:
                raise InputFileError("folder holds no .txt or .docx transcripts", path=root)
        else:
            paths = [root]
    else:
        paths = [Path(p) for p in paths_or_dir]
        if not paths:
            raise InputFileError("no transcript files given")
    paths = sorted(paths, key=lambda p: (p.name, str(p)))
    seen: dict[str, Path] = {}
    for p in paths:
        if p.stem in seen:
            raise InputFileError(
                f"two transcripts share the id {p.stem!r} (also {seen[p.stem]})", path=p
            )
        seen[p.stem] = p
    names = _as_names(interviewer_names)
    frames = [read_transcript(p, interviewer_names=names) for p in paths]
    return pd.concat(frames, ignore_index=True)
