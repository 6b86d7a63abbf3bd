"""Read interview transcripts into a table of speaker turns.

Formats, by file suffix: plain text (``.txt`` and anything unknown), Markdown (``.md``,
``.markdown``), Word (``.docx``, paragraphs and table rows), and captions (``.vtt`` WebVTT,
``.srt`` SubRip). The speaker-label shapes read in text, Markdown and Word files are listed in
:mod:`research.text.textformats`; caption handling in :mod:`research.text.captions`.

Which speakers are interviewers is set (``interviewer_names``) or detected: a label holding
``Interviewer``, ``Moderator``, ``Facilitator``, ``Researcher`` or ``Host`` (also in a
qualifier, ``Dan (Interviewer)``), or ``Q``, ``Q1``, ``I``, ``Int``; otherwise,
when the other speaker is labelled ``Participant``/``Respondent``/``Interviewee``, the one
speaker who is not; otherwise the speaker who asks questions (a ``?`` in at least 30 % of
their turns, at least two of them, and at least twice the share of anyone else).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from .captions import parse_captions
from .textformats import UNLABELLED_SPEAKER, RawTurn, parse_lines

__all__ = [
    "INTERVIEWER_WORDS",
    "SUFFIXES",
    "TURN_COLUMNS",
    "UNLABELLED_SPEAKER",
    "detect_interviewers",
    "parse_transcript",
    "read_transcript",
    "read_transcripts",
    "speaker_role",
]

#: Columns of the turn table returned by :func:`read_transcript`, in order.
TURN_COLUMNS = ("transcript", "turn", "speaker", "role", "start", "end", "text")

#: Words that mark a speaker label as the interviewer's (matched as whole words, any case).
INTERVIEWER_WORDS = (
    "interviewer",
    "moderator",
    "facilitator",
    "researcher",
    "host",
    "moderador",
    "entrevistador",
    "interviewerin",
)

#: File suffixes read as transcripts when a folder is given.
SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".vtt", ".srt")

# Role words with any numbering ("Interviewer1", "Moderator_2", "Int.", "Mod:", "Q").
_INTERVIEWER = re.compile(
    r"(?<![a-z])(?:" + "|".join(INTERVIEWER_WORDS) + r")s?(?![a-z])"
    r"|^(?:Q|I|IV|Int|Intv|Mod|Fac)\.?[ \t_#-]*(?:\d+|[a-z])?\.?$",
    re.IGNORECASE,
)
_PARTICIPANT = re.compile(
    r"^(?:participant|respondent|interviewee|customer|resp|A\d*|R\d*|P\d+|IE)\b", re.IGNORECASE
)
_SPACE = re.compile(r"\s+")


def _as_names(names: Iterable[str] | str | None) -> tuple[str, ...]:
    if names is None:
        return ()
    if isinstance(names, str):
        return (names,)
    return tuple(str(n) for n in names)


def _fold(text: str) -> str:
    return _SPACE.sub(" ", str(text)).strip()


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
        :data:`INTERVIEWER_WORDS` (``Interviewer 1``, ``Lead researcher``) or is ``Q``;
        ``"other"`` for :data:`UNLABELLED_SPEAKER`; otherwise ``"participant"``.
    """
    listed = {_fold(n).casefold() for n in _as_names(interviewer_names)}
    label = _fold(speaker)
    if label.casefold() in listed or _INTERVIEWER.search(label):
        return "interviewer"
    if label == UNLABELLED_SPEAKER:
        return "other"
    return "participant"


def detect_interviewers(turns: pd.DataFrame) -> list[str]:
    """Guess which speakers of one transcript are interviewers, from labels and questions.

    Parameters
    ----------
    turns : pandas.DataFrame
        One transcript's turns (columns ``speaker`` and ``text``).

    Returns
    -------
    list of str
        Speaker labels judged to be interviewers (see the module docstring); empty when no
        rule applies, as in a focus group where nobody mostly asks questions.
    """
    speakers = [s for s in pd.unique(turns["speaker"]) if s != UNLABELLED_SPEAKER]
    named = [s for s in speakers if _INTERVIEWER.search(_fold(s))]
    if named or len(speakers) < 2:
        return named
    participants = [s for s in speakers if _PARTICIPANT.match(_fold(s))]
    if participants and len(speakers) - len(participants) == 1:
        return [s for s in speakers if s not in participants]
    asks = turns.assign(q=turns["text"].astype(str).str.contains("?", regex=False))
    share = asks.groupby("speaker")["q"].mean().reindex(speakers).sort_values(ascending=False)
    top, runner_up = share.iloc[0], share.iloc[1]
    questions = int((asks["q"] & (asks["speaker"] == share.index[0])).sum())
    if top >= 0.3 and top >= 2 * runner_up and questions >= 2:
        return [str(share.index[0])]
    return []


def _frame(raw: list[RawTurn], transcript_id: str, names: tuple[str, ...] | None) -> pd.DataFrame:
    rows = []
    for turn in raw:
        text = _fold(" ".join(p for p in turn.pieces if p))
        if text:
            rows.append(
                (
                    transcript_id,
                    len(rows) + 1,
                    _fold(turn.speaker),
                    "",
                    np.nan if turn.start is None else float(turn.start),
                    np.nan if turn.end is None else float(turn.end),
                    text,
                )
            )
    frame = pd.DataFrame(rows, columns=list(TURN_COLUMNS))
    if frame.empty:
        return frame.astype({"turn": "int64", "start": "float64", "end": "float64"})
    interviewers = detect_interviewers(frame) if names is None else list(names)
    frame["role"] = [speaker_role(s, interviewers) for s in frame["speaker"]]
    return frame.astype({"turn": "int64", "start": "float64", "end": "float64"})


def parse_transcript(
    lines: Iterable[str],
    *,
    transcript_id: str,
    interviewer_names: Iterable[str] | None = None,
    markdown: bool = False,
) -> pd.DataFrame:
    """Parse transcript lines into a turn table; see :func:`read_transcript`.

    Parameters
    ----------
    lines : iterable of str
        The transcript's lines (a docx paragraph counts as a line followed by a blank line).
    transcript_id : str
        Value of the ``transcript`` column.
    interviewer_names : iterable of str, optional
        Speaker labels that are interviewers, besides labels like ``Interviewer``; None
        detects them (:func:`detect_interviewers`).
    markdown : bool, optional
        Remove Markdown markup first.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TURN_COLUMNS`; empty if the lines hold no text.
    """
    names = None if interviewer_names is None else _as_names(interviewer_names)
    raw = parse_lines(list(lines), markdown=markdown)
    return _frame(raw, transcript_id, names)


_HEADER_CELLS = frozenset(
    """speaker speakers name time timestamp start end text transcript content utterance
    dialogue speech turn who said timecode""".split()
)


def _run_text(node) -> str:
    """Text of one Word XML node: ``w:t`` text, line breaks and tabs (Teams puts the time,
    speaker and text of a cue on one paragraph separated by breaks)."""
    tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
    if tag == "t":
        return node.text or ""
    return {"br": "\n", "cr": "\n", "tab": "\t"}.get(tag, "")


def _docx_lines(path: Path) -> list[str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    from ..zipguard import check_zip

    check_zip(path, "docx")
    try:
        document = docx.Document(str(path))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        etree.LxmlError,
        EOFError,
        OSError,
        zlib.error,
    ) as exc:
        raise InputFileError(f"not a readable .docx file ({exc})", path=path) from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(_run_text(node) for node in child.iter())
            lines.extend(text.splitlines() or [""])
            lines.append("")
        elif tag == "tbl":  # transcripts as tables: [time |] speaker | text
            for row in child.iter():
                if not row.tag.endswith("}tr"):
                    continue
                cells = [
                    _fold(" ".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")))
                    for cell in row.iterchildren()
                    if cell.tag.endswith("}tc")
                ]
                cells = [c for c in cells if c]
                if cells and all(c.casefold() in _HEADER_CELLS for c in cells):
                    continue  # a header row: "Speaker | Text"
                if len(cells) >= 3 and re.fullmatch(r"[\[(]?[\d:.,]+[\])]?", cells[0]):
                    lines.append(f"[{cells[0].strip('[]()')}] {cells[1]}: {' '.join(cells[2:])}")
                elif len(cells) >= 2:
                    lines.append(f"{cells[0]}: {' '.join(cells[1:])}")
                elif cells:
                    lines.append(cells[0])
                lines.append("")
    return lines


_NOT_TEXT = (
    (b"{\\rtf", "an RTF document"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "a legacy Word .doc file"),
    (b"PK\x03\x04", "a zip archive (a .docx/.odt saved under another name?)"),
)


def _text_lines(path: Path, encoding: str | None = None) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read transcript: {exc.strerror}", path=path) from None
    for magic, what in _NOT_TEXT:
        if data.startswith(magic):
            raise InputFileError(
                f"this is {what}, not a text transcript; save it as .docx or UTF-8 .txt",
                path=path,
                line=1,
            )
    if encoding is not None:
        chosen = encoding
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        chosen = "utf-16"
    else:
        chosen = "utf-8-sig"
    try:
        text = data.decode(chosen)
    except LookupError:
        raise InputFileError(f"unknown text encoding {encoding!r}", path=path) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = "" if encoding else " (or give its encoding, for example encoding='cp1252')"
        raise InputFileError(
            f"transcript is not {chosen.upper().removesuffix('-SIG')} text (byte {exc.start}); "
            f"save it as UTF-8{hint}",
            path=path,
            line=line,
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputFileError("this is a binary file, not a transcript", path=path, line=line)
    return text.splitlines()


def read_transcript(
    path: str | PathLike,
    *,
    transcript_id: str | None = None,
    interviewer_names: Iterable[str] | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read one transcript file into a table of speaker turns.

    Parameters
    ----------
    path : str or path-like
        A ``.txt``, ``.md``, ``.docx``, ``.vtt`` or ``.srt`` file (other suffixes are read as
        plain text). Text files are UTF-8 (a UTF-16 file with a byte-order mark also works).
    transcript_id : str, optional
        Value of the ``transcript`` column; defaults to the file name without suffix.
    interviewer_names : iterable of str, optional
        Speaker labels that are interviewers (for example ``["Dan"]``), besides labels
        containing ``Interviewer``, ``Moderator``, ``Facilitator``, ``Researcher`` or
        ``Host``. None (the default) detects them; see the module docstring.
    encoding : str, optional
        Encoding of a text, Markdown or caption file (for example ``"cp1252"`` for a file
        saved by Windows Notepad as "ANSI"); by default UTF-8, or UTF-16 with a byte-order mark.

    Returns
    -------
    pandas.DataFrame
        One row per turn, in order, with columns ``transcript`` (str), ``turn`` (1-based int),
        ``speaker`` (the label), ``role`` (``"interviewer"``, ``"participant"`` or
        ``"other"`` for unlabelled text), ``start`` and ``end`` (seconds from the start of the
        recording, NaN where the file gives no times) and ``text`` (whitespace folded).

    Raises
    ------
    InputFileError
        If the file is missing, unreadable, not UTF-8, binary (PDF, RTF, legacy ``.doc``), a
        malformed caption file, or holds no transcript text; the message names the file and,
        where it applies, the line.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise InputFileError(f"transcript file {what}", path=path)
    suffix = path.suffix.lower()
    tid = path.stem if transcript_id is None else str(transcript_id)
    names = None if interviewer_names is None else _as_names(interviewer_names)
    if suffix == ".docx":
        raw = parse_lines(_docx_lines(path))
    elif suffix in (".vtt", ".srt"):
        raw = parse_captions(_text_lines(path, encoding), path=path, kind=suffix[1:])
    else:
        raw = parse_lines(_text_lines(path, encoding), markdown=suffix in (".md", ".markdown"))
    frame = _frame(raw, tid, names)
    if frame.empty:
        raise InputFileError("transcript holds no text", path=path)
    return frame


def _listed(paths_or_dir: str | PathLike | Sequence[str | PathLike]) -> list[Path]:
    if isinstance(paths_or_dir, str | PathLike):
        root = Path(paths_or_dir)
        if not root.is_dir():
            return [root]
        paths = [p for p in root.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES]
        paths = [p for p in paths if not p.name.startswith(("~$", "."))]
        if not paths:
            raise InputFileError(
                f"folder holds no transcripts ({', '.join(SUFFIXES)} files)", path=root
            )
        return paths
    paths = [Path(p) for p in paths_or_dir]
    if not paths:
        raise InputFileError("no transcript files given")
    return paths


def read_transcripts(
    paths_or_dir: str | PathLike | Sequence[str | PathLike],
    *,
    interviewer_names: Iterable[str] | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read several transcripts into one turn table.

    Parameters
    ----------
    paths_or_dir : path or sequence of paths
        A folder (its transcript files, see :data:`SUFFIXES`, are read, not sub-folders), one
        file, or a list of files.
    interviewer_names : iterable of str, optional
        Passed to :func:`read_transcript`; None detects interviewers per transcript.
    encoding : str, optional
        Encoding of the text files, passed to :func:`read_transcript`.

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
    paths = sorted(_listed(paths_or_dir), key=lambda p: (p.name, str(p)))
    seen: dict[str, Path] = {}
    for p in paths:
        if p.stem in seen:
            raise InputFileError(
                f"two transcripts share the id {p.stem!r} (also {seen[p.stem]})", path=p
            )
        seen[p.stem] = p
    frames = [
        read_transcript(p, interviewer_names=interviewer_names, encoding=encoding) for p in paths
    ]
    return pd.concat(frames, ignore_index=True)
