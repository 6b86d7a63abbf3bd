"""The ``research`` command: one thin command per stage, plus ``run`` and ``demo``.

Each command parses its options, calls one library function and prints a short summary. A
:class:`~research.errors.ResearchError` (a user mistake) becomes one line on stderr and exit
code 2. Commands live in one module per stage and register themselves on the shared app.
"""

from __future__ import annotations

import gc

from . import (  # noqa: F401  (register commands)
    factors,
    ingest,
    questionnaire,
    report,
    score,
    segments,
    study,
    text,
    track,
)
from ._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point.

    Notes
    -----
    A command imports pandas, NumPy and pyarrow: hundreds of thousands of long-lived objects.
    The cyclic garbage collector rescans them as the command allocates (fewer, larger young
    generations here, as mypy does) and again, fully and more than once, while the interpreter
    shuts down: about 0.1 s of a ``research factors`` run. Freezing every object once the
    command is done skips that last pass (files are closed and atexit handlers still run; the
    operating system reclaims the memory).
    """
    gc.set_threshold(50_000, 10, 10)
    try:
        app(prog_name="research")
    finally:
        gc.freeze()
