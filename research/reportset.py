"""A report folder changes as a whole: readers see the old set of files or the new one.

A study run writes a workbook, a PDF, charts, CSVs and the content bundle. Written one by one
into the report folder, a kill or a full disk half-way leaves new and old files mixed. Instead
:func:`report_set` gives the writers a hidden *staging* folder beside the report folder; when
they all succeed it writes ``report_set.json`` (every file with its size and SHA-256) and swaps
the staging folder in with one atomic ``renameat2(RENAME_EXCHANGE)`` (Linux), then deletes the
old set. On other systems two renames do the swap, with a moment in which the folder is absent
(never mixed). Any failure deletes the staging folder; a staging or old folder left by a killed
run (its process gone) is deleted by the next run into the same folder.

Files in the report folder that no run wrote (a user's notes) are carried into the new set as
hard links (copies across file systems), so the swap never loses them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ReportError

__all__ = ["MANIFEST", "report_set", "verify_report_set", "stale_folders"]

MANIFEST = "report_set.json"
_FORMAT = "research-report-set"
#: What earlier versions wrote into a report folder without a manifest: part of the old set.
_LEGACY = {
    "personas.xlsx", "personas.pdf", "charts", "segments.csv", "scorecard.csv",
    "exclusions.csv", "report_content.pkl", "report_content",
}  # fmt: skip
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _hidden(out: Path, kind: str) -> Path:
    return out.parent / f".{out.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def stale_folders(out: Path) -> list[Path]:
    """Staging/old folders beside ``out`` whose writing process no longer runs."""
    found = []
    if not out.parent.is_dir():
        return found
    for entry in out.parent.iterdir():
        name = entry.name
        for kind in ("staging", "old"):
            prefix = f".{out.name}.{kind}-"
            if name.startswith(prefix) and entry.is_dir():
                pid = name[len(prefix) :].split("-", 1)[0]
                if not pid.isdigit() or not _alive(int(pid)):
                    found.append(entry)
    return sorted(found)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # an earlier run of this very process that failed half-way
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2``); False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _members(folder: Path) -> dict[str, dict]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            rel = path.relative_to(folder).as_posix()
            files[rel] = {"bytes": path.stat().st_size, "sha256": _digest(path)}
    return files


def _old_members(out: Path) -> set[str]:
    """Top-level names in ``out`` that belong to the previous report set."""
    manifest = out / MANIFEST
    names = set(_LEGACY) | {MANIFEST}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        names |= {rel.split("/", 1)[0] for rel in data.get("files", {})}
    except (OSError, ValueError, AttributeError):
        pass
    return names


def _carry(out: Path, staging: Path, written: set[str]) -> None:
    """Link the user's own files from ``out`` into ``staging`` (they are not in any set)."""
    if not out.is_dir():
        return
    ours = _old_members(out) | written
    for entry in out.iterdir():
        if entry.name in ours or entry.name.startswith("."):
            continue
        _link_entry(entry, staging / entry.name)


def _link_entry(entry: Path, target: Path) -> None:
    """``entry`` (a file or a folder tree) at ``target`` as hard links, copies where needed."""
    if entry.is_dir() and not entry.is_symlink():
        shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(entry, target)


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@contextmanager
def report_set(out_dir: str | os.PathLike[str], *, keep: bool = False) -> Iterator[Path]:
    """Yield a staging folder to write a whole report set into; swap it in when all succeed.

    Parameters
    ----------
    out_dir : path
        The report folder. Created if missing; must not be a file.
    keep : bool
        Start the staging folder with links to the current set's files (for rewriting some of
        them, as ``research report`` does). Writers must replace files (``atomic_write``
        does), never write into them, since a link shares the old set's data.

    Raises
    ------
    ReportError
        If the folder cannot be prepared or swapped (the old set is then left as it was).
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ReportError("the report folder is a file, not a folder", path=out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        for stale in stale_folders(out):
            _remove(stale)
        staging = _hidden(out, "staging")
        staging.mkdir()
        if keep and out.is_dir():
            old = _old_members(out) - {MANIFEST, "report_content.pkl"}
            for entry in out.iterdir():
                if entry.name in old:
                    _link_entry(entry, staging / entry.name)
    except OSError as exc:
        raise ReportError(
            f"cannot prepare the report folder ({exc.strerror or exc})", path=out
        ) from None
    try:
        yield staging
        written = {p.name for p in staging.iterdir()}
        files = _members(staging)
        manifest = {"format": _FORMAT, "version": 1, "files": files}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        _carry(out, staging, written)
        _swap(out, staging)
    except OSError as exc:
        raise ReportError(
            f"cannot write the report set ({exc.strerror or exc})", path=out
        ) from None
    finally:
        _remove(staging)  # after a swap this path holds the old set


def _swap(out: Path, staging: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    old = _hidden(out, "old")
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(old, out)
        raise
    os.rename(old, staging)


def verify_report_set(out_dir: str | os.PathLike[str]) -> dict[str, dict]:
    """Check that ``out_dir`` holds exactly the files its manifest lists, unchanged.

    Returns the manifest's file table. Raises :class:`ReportError` naming the first problem.
    """
    out = Path(out_dir)
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"no readable {MANIFEST} ({exc})", path=out) from None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ReportError(f"{MANIFEST} is not a report-set manifest", path=out)
    files = data.get("files", {})
    for rel, info in files.items():
        path = out / rel
        if not path.is_file():
            raise ReportError(f"{rel} is missing from the report set", path=out)
        if path.stat().st_size != info["bytes"] or _digest(path) != info["sha256"]:
            raise ReportError(f"{rel} differs from the report set's manifest", path=out)
    return files
