"""One guard for every ZIP the package opens: exports in archives, XLSX, DOCX and QDPX files.

A few hundred kilobytes of ZIP can expand to gigabytes (a "zip bomb"), and the XML inside an
Office file can be far larger than any real document. :func:`check_zip` reads only the central
directory and refuses an archive whose members together, or any one member, would expand past a
cap, or that compresses a large member implausibly well; the error says which cap was hit.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from .errors import InputFileError, ResearchError

__all__ = ["check_zip", "LIMITS"]

#: Caps per kind of file: total uncompressed bytes, members, and the largest compression ratio
#: allowed for a member bigger than ``ratio_from`` bytes. Real exports compress 5-30x, survey
#: XML up to ~60x; bombs compress 1,000x and more.
LIMITS: dict[str, dict[str, int]] = {
    "export": {"total": 2 * 2**30, "members": 10_000, "ratio": 200, "ratio_from": 10 * 2**20},
    "xlsx": {"total": 2 * 2**30, "members": 10_000, "ratio": 200, "ratio_from": 10 * 2**20},
    "docx": {"total": 256 * 2**20, "members": 2_000, "ratio": 200, "ratio_from": 10 * 2**20},
    "qdpx": {"total": 2 * 2**30, "members": 100_000, "ratio": 200, "ratio_from": 10 * 2**20},
}


def check_zip(
    path: str | os.PathLike[str],
    kind: str = "export",
    error: type[ResearchError] = InputFileError,
) -> None:
    """Raise ``error`` if the ZIP at ``path`` would expand past the caps for ``kind``.

    Does nothing for a file that is not a ZIP (the reader reports that in its own words).
    """
    limits = LIMITS[kind]
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return
    name = Path(path).name
    if len(infos) > limits["members"]:
        raise error(
            f"the archive holds {len(infos):,} files, more than {limits['members']:,} (member cap)",
            path=path,
        )
    total = sum(i.file_size for i in infos)
    if total > limits["total"]:
        raise error(
            f"{name} would expand to {total / 2**20:,.0f} MB, more than "
            f"{limits['total'] / 2**20:,.0f} MB (uncompressed size cap)",
            path=path,
        )
    for info in infos:
        if info.file_size > limits["ratio_from"]:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits["ratio"]:
                raise error(
                    f"{info.filename[:60]!r} would expand {ratio:,.0f}-fold to "
                    f"{info.file_size / 2**20:,.0f} MB, more than {limits['ratio']}-fold "
                    "(compression ratio cap: a zip bomb?)",
                    path=path,
                )
