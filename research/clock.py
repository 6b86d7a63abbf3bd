"""The timestamp a run stamps on its files, reproducible on request.

Reports store one timestamp (``ReportContent.created``) in the workbook's properties, its zip
entries, the PDF metadata and the cover page. :func:`created_timestamp` chooses it: an explicit
``--created`` value first, then the reproducible-builds variable ``SOURCE_DATE_EPOCH`` (seconds
since 1970, https://reproducible-builds.org/specs/source-date-epoch/), then the current time. Two
runs with the same inputs and the same ``SOURCE_DATE_EPOCH`` give byte-identical files.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from .errors import StudyConfigError

__all__ = ["created_timestamp", "ENV"]

ENV = "SOURCE_DATE_EPOCH"


def created_timestamp(created: str | None = None) -> str:
    """ISO-8601 timestamp (UTC, whole seconds) for the files of a run.

    Parameters
    ----------
    created : str, optional
        An ISO date or date-time (``2026-03-25`` or ``2026-03-25T09:00:00``); a zone, if given,
        is converted to UTC.

    Raises
    ------
    StudyConfigError
        If ``created`` is not an ISO date-time or ``SOURCE_DATE_EPOCH`` is not a whole number of
        seconds within the years 1970-9999.
    """
    if created is not None:
        text = str(created).strip()
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise StudyConfigError(
                f"--created must be an ISO date-time such as 2026-03-25T09:00:00, got {text[:40]!r}"
            ) from None
        if when.tzinfo is not None:
            when = when.astimezone(UTC).replace(tzinfo=None)
        return when.replace(microsecond=0).isoformat()
    epoch = os.environ.get(ENV, "").strip()
    if epoch:
        try:
            seconds = int(epoch)
            when = datetime.fromtimestamp(seconds, UTC)
        except (ValueError, OverflowError, OSError):
            raise StudyConfigError(
                f"{ENV} must be whole seconds since 1970-01-01, got {epoch[:40]!r}"
            ) from None
        if seconds < 0:
            raise StudyConfigError(f"{ENV} must not be negative, got {epoch[:40]!r}")
        return when.replace(tzinfo=None).isoformat()
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()
