"""The ``research`` command: one thin command per stage, plus ``run`` and ``demo``.

Each command parses its options, calls one library function and prints a short summary. A
:class:`~research.errors.ResearchError` (a user mistake) becomes one line on stderr and exit
code 2. Commands live in one module per stage and register themselves on the shared app.
"""

from __future__ import annotations

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
    """Console-script entry point."""
    app(prog_name="research")
