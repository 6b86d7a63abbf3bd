"""Write a report file all at once or not at all.

Every writer in :mod:`research.reports` writes into a temporary file beside the target and
renames it over the target only when the whole file has been written, so a crash, a full disk or
a bug half-way through never leaves a truncated workbook or PDF where a stakeholder could open it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from research.errors import ReportError

__all__ = ["atomic_write"]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import: ``os.umask`` can only be read by setting it, which is not thread-safe.
_UMASK = _current_umask()


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


@contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it over ``path`` only if the block succeeds.

    Parameters
    ----------
    path : str or PathLike
        The file to create or replace. Missing parent folders are created.

    Yields
    ------
    Path
        A temporary file in the same folder as ``path`` (so the final rename is atomic). Write
        the whole output to it; it is renamed over ``path`` when the ``with`` block ends without
        an exception.

    Raises
    ------
    ReportError
        If the folder cannot be created, the temporary file cannot be created or written, or the
        rename fails; the message names ``path``. Any ``OSError`` raised inside the block is
        wrapped the same way. Whatever the error, neither ``path`` nor a temporary file is left
        behind by this call (an existing ``path`` is kept unchanged).

    Examples
    --------
    >>> with atomic_write(folder / "report.txt") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("hello")
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise ReportError(f"cannot write the report here ({_reason(exc)})", path=target) from exc
    tmp = Path(name)
    try:
        try:
            yield tmp
            # mkstemp creates the file readable by its owner only; give it the usual mode.
            os.chmod(tmp, 0o666 & ~_UMASK)
            os.replace(tmp, target)
        except OSError as exc:
            raise ReportError(f"cannot write the report ({_reason(exc)})", path=target) from exc
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - the folder vanished under us; nothing left to clean
            pass
