"""Write every report of a study at once, and rebuild them later without re-running it.

:func:`write_reports` is the last step of a study run: the workbook, the PDF, the PNG charts
for slides and a *content bundle* (the folder ``report_content/``), the :class:`ReportContent`
the reports were drawn from. :func:`rebuild_reports` reads that bundle back, applies a new title,
subtitle or persona names, and writes the reports again in seconds — what
``research report STUDY.yaml`` does after a stakeholder asks for a different name.

The bundle is plain JSON and CSV, validated before use (:mod:`research.reports.bundle`): a
crafted or damaged bundle is a one-line error and never runs code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from research.errors import ReportError
from research.personas.model import ReportContent
from research.reports.bundle import read_bundle, write_bundle
from research.reports.excel import write_workbook
from research.reports.pdf import write_pdf, write_pngs
from research.reportset import report_set

__all__ = [
    "BUNDLE",
    "write_reports",
    "save_content",
    "load_content",
    "rename_personas",
    "rebuild_reports",
]

#: Folder of the content bundle inside a report folder.
BUNDLE = "report_content"
#: The pickle bundle of earlier versions: never loaded, since unpickling runs code.
LEGACY_BUNDLE = "report_content.pkl"


def save_content(content: ReportContent, path: str | os.PathLike[str]) -> Path:
    """Write ``content`` as a bundle folder :func:`load_content` can read (see :mod:`.bundle`)."""
    return write_bundle(content, path)


def load_content(path: str | os.PathLike[str]) -> ReportContent:
    """Read a bundle folder written by :func:`save_content`, validating it first.

    Raises
    ------
    ReportError
        If the folder is missing, holds only an old pickle bundle (which is never loaded), or
        is not a valid report-content bundle of this version.
    """
    source = Path(path)
    legacy = source.with_name(LEGACY_BUNDLE)
    if not (source / "manifest.json").exists() and legacy.exists():
        raise ReportError(
            "this folder holds an old pickle bundle, which is never loaded (unpickling can run "
            "code): run `research run STUDY.yaml` again",
            path=legacy,
        )
    return read_bundle(source)


def rename_personas(content: ReportContent, names: Mapping[int, str]) -> ReportContent:
    """``content`` with persona names replaced (segment -> name) everywhere they appear.

    Raises
    ------
    ReportError
        If a segment is not in the report, or two personas would share a name.
    """
    names = {int(k): str(v).strip() for k, v in names.items()}
    known = {p.segment for p in content.personas}
    unknown = sorted(set(names) - known)
    if unknown:
        raise ReportError(
            f"segment {unknown[0]} is not in this report; segments are {sorted(known)}"
        )
    personas = [replace(p, name=names.get(p.segment, p.name)) for p in content.personas]
    final = [p.name for p in personas]
    twice = sorted({n for n in final if final.count(n) > 1})
    if twice:
        raise ReportError(f"two segments would both be called {twice[0]!r}")
    by_segment = {p.segment: p.name for p in personas}

    def renamed(frame, column):
        if frame is None or column not in frame or "segment" not in frame:
            return frame
        out = frame.copy()
        out[column] = [
            by_segment.get(s, n) for s, n in zip(out["segment"], out[column], strict=True)
        ]
        return out

    return replace(
        content,
        personas=personas,
        segment_sizes=renamed(content.segment_sizes, "name"),
        quotes=renamed(content.quotes, "persona"),
        themes=renamed(content.themes, "persona"),
        respondents=renamed(content.respondents, "persona"),
    )


def write_reports(
    content: ReportContent,
    out_dir: str | os.PathLike[str],
    *,
    pngs: bool = True,
    bundle: bool = True,
) -> dict[str, Path]:
    """Write the workbook, the PDF, the slide PNGs and the content bundle into ``out_dir``.

    Parameters
    ----------
    content : ReportContent
    out_dir : str or PathLike
        Created if needed. Files: ``personas.xlsx``, ``personas.pdf``, ``charts/*.png``,
        ``report_content/``; each is written atomically.
    pngs, bundle : bool
        Also write the PNG charts / the content bundle.

    Returns
    -------
    dict
        ``workbook``, ``pdf`` and, when written, ``charts`` (the folder) and ``bundle``.
    """
    out = Path(out_dir)
    files = {
        "workbook": write_workbook(content, out / "personas.xlsx"),
        "pdf": write_pdf(content, out / "personas.pdf"),
    }
    if pngs:
        write_pngs(content, out / "charts")
        files["charts"] = out / "charts"
    if bundle:
        files["bundle"] = save_content(content, out / BUNDLE)
    return files


def rebuild_reports(
    out_dir: str | os.PathLike[str],
    *,
    title: str | None = None,
    subtitle: str | None = None,
    names: Mapping[int, str] | None = None,
    created: str | None = None,
    pngs: bool = True,
) -> tuple[ReportContent, dict[str, Path]]:
    """Rewrite the reports in ``out_dir`` from its content bundle, with new words.

    Parameters
    ----------
    out_dir : str or PathLike
        A folder a study run wrote (it holds ``report_content/``).
    title, subtitle : str, optional
        Replace the study title / subtitle.
    names : mapping, optional
        Segment -> persona name (the study file's ``segments.names``).
    created : str, optional
        New report timestamp (ISO); default: keep the bundle's.
    pngs : bool
        Also rewrite the slide PNGs.

    Returns
    -------
    (ReportContent, dict)
        The content written and the files (as :func:`write_reports`).
    """
    out = Path(out_dir)
    content = load_content(out / BUNDLE)
    if names:
        content = rename_personas(content, names)
    changes: dict[str, str] = {}
    if title is not None:
        changes["title"] = title
        summary = content.summary.copy()
        summary.loc[summary["field"] == "Study", "value"] = title
        content = replace(content, summary=summary)
    if subtitle is not None:
        changes["subtitle"] = subtitle
    if created is not None:
        changes["created"] = created
    content = replace(content, **changes)
    # Rewritten as a set: readers see the old reports or the new ones (research.reportset).
    with report_set(out, keep=True) as staging:
        staged = write_reports(content, staging, pngs=pngs)
    return content, {role: out / path.relative_to(staging) for role, path in staged.items()}
