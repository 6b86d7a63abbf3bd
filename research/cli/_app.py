"""The typer app, its consoles and the user-error wrapper shared by every command."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console

from ..errors import ResearchError

__all__ = [
    "CreatedOption",
    "ProgressOption",
    "StageProgress",
    "app",
    "questionnaire_app",
    "out",
    "err",
    "user_errors",
    "progress",
]

app = typer.Typer(
    name="research",
    help="Needs-based and psychographic segmentation: questionnaires, import, factors, "
    "segments, personas.\n\nExample: research demo --out reports/demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
questionnaire_app = typer.Typer(
    help="Build questionnaires.\n\nExample: research questionnaire build Q.yaml --out forms/",
    no_args_is_help=True,
)
app.add_typer(questionnaire_app, name="questionnaire")

#: The ``--created`` option of every command that stamps a timestamp on its files.
CreatedOption = Annotated[
    str | None,
    typer.Option(
        "--created",
        help="Timestamp stamped on every file (ISO date-time); default $SOURCE_DATE_EPOCH "
        "when set, else now. Same inputs + same timestamp = byte-identical files.",
    ),
]

#: ``--progress/--no-progress`` of the long commands (run, demo).
ProgressOption = Annotated[
    bool,
    typer.Option(
        "--progress/--no-progress",
        help="Stage lines and progress on stderr (plain timed lines when piped to a log).",
    ),
]

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a ResearchError into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ResearchError as exc:
            err.print(f"error: {exc}", soft_wrap=True, markup=False)
            raise typer.Exit(2) from None

    return wrapper


def progress(message: str) -> None:
    """Print a stage message on stderr when a person is watching (stdout stays for results).

    Piped or captured runs stay quiet, so a user error is the one and only line on stderr.
    """
    if err.is_terminal:
        err.print(f"[dim]· {message}[/dim]")


class StageProgress:
    """Stage messages of a long command on stderr, as it runs.

    In a terminal they are dim lines and the statistics draw progress bars; piped or captured
    (a log file, CI, a notebook) they are plain lines stamped with the seconds since the start,
    ``[   12.3 s] choosing segments``, so a long run is never silent. ``enabled=False`` prints
    nothing.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.start = time.perf_counter()

    @property
    def bars(self) -> bool:
        """Whether the statistics should report their own progress (bars or lines)."""
        return self.enabled

    def __call__(self, message: str) -> None:
        if not self.enabled:
            return
        if err.is_terminal:
            err.print(f"[dim]· {message}[/dim]")
        else:
            seconds = time.perf_counter() - self.start
            print(f"[{seconds:7.1f} s] {message}", file=sys.stderr, flush=True)
