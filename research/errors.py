"""Errors a user can cause, each naming where the problem is.

Every user mistake (wrong file, unknown column, label not in a scale, malformed YAML, a data set
too small to analyse) raises a :class:`ResearchError` subclass. The CLI turns one into a single
line on stderr and exit code 2; a traceback means a bug in this package, never in the input.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "ResearchError",
    "InputFileError",
    "QuestionnaireError",
    "StudyConfigError",
    "MappingError",
    "RecodeError",
    "DataError",
    "CodebookError",
    "ReportError",
    "OptionError",
    "suggest",
]


#: Longest message and longest file/column/row part of an error: a user error is one readable
#: line, never a whole offending cell (which may be megabytes, or hold personal data).
MAX_MESSAGE = 300
MAX_PART = 120


def _bounded(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ResearchError(Exception):
    """Base class of every error caused by input rather than by a bug.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    path : str or Path, optional
        The file the problem is in.
    line : int, optional
        1-based line in that file.
    column : str, optional
        Column (or field) the problem is in.
    row : object, optional
        Row (respondent id or 1-based data row) the problem is in.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
        row: object | None = None,
    ) -> None:
        self.message = _bounded(message, MAX_MESSAGE)
        self.path = None if path is None else _bounded(str(path), MAX_PART)
        self.line = line
        self.column = None if column is None else _bounded(str(column), MAX_PART)
        self.row = row if row is None or isinstance(row, int) else _bounded(str(row), MAX_PART)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path if self.line is None else f"{self.path}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputFileError(ResearchError):
    """A file is missing, unreadable, or not the format expected."""


class QuestionnaireError(ResearchError):
    """A questionnaire file is malformed or inconsistent."""


class StudyConfigError(ResearchError):
    """A study file (study.yaml) is malformed or points at something that does not exist."""


class MappingError(ResearchError):
    """Export columns cannot be matched to questionnaire items."""


class RecodeError(ResearchError):
    """An answer is not a label or code of its item's scale."""


class DataError(ResearchError):
    """The data cannot support the analysis asked for (too few rows, constant items, ...)."""


class CodebookError(ResearchError):
    """A codebook for interview coding is malformed."""


class ReportError(ResearchError):
    """A report cannot be written (for example the output folder is not writable)."""


class OptionError(ResearchError, ValueError):
    """An option or parameter is out of its range (``--per-code 0``, ``min_df=-1``).

    Also a ``ValueError``, which is what Python callers of the library functions expect.
    """


def suggest(value: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the nearest choice, or an empty string."""
    options = list(dict.fromkeys(str(c) for c in choices))
    scored = [
        (difflib.SequenceMatcher(None, str(value), c).ratio(), -i, c) for i, c in enumerate(options)
    ]
    value = str(value)
    scored = [
        s for s in scored if s[0] >= 0.6 or (len(value) >= 4 and s[2].startswith(value.rstrip("s")))
    ]
    # Ties go to the earlier choice (difflib alone prefers the alphabetically larger one).
    return f"; did you mean {max(scored)[2]!r}?" if scored else ""
