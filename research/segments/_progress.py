"""Progress on stderr that the statistics can drive without knowing about it.

A rich bar in a terminal; piped or captured (a log, CI, a notebook), plain lines such as
``stability replicates: 5/20 (12.3 s)``, at most one every few seconds and always the last.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(total: int, description: str, enabled: bool) -> Iterator[Callable[[], None]]:
    """Yield an ``advance()`` callable; draws a bar on stderr only when `enabled`."""
    if not enabled or total <= 0:
        yield lambda: None
        return
    if not sys.stderr.isatty():
        yield _plain_lines(total, description)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)


#: Seconds between two plain progress lines.
EVERY = 5.0


def _plain_lines(total: int, description: str) -> Callable[[], None]:
    start = time.perf_counter()
    state = {"done": 0, "shown": start}

    def advance() -> None:
        state["done"] += 1
        now = time.perf_counter()
        if state["done"] == total or now - state["shown"] >= EVERY:
            state["shown"] = now
            print(
                f"  {description}: {state['done']}/{total} ({now - start:.1f} s)",
                file=sys.stderr,
                flush=True,
            )

    return advance
