"""Where the bundled demo study lives, and how its export was made."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from .simulate import SimulatedStudy, simulate_study

__all__ = ["DEMO_DIR", "demo_paths", "write_qualtrics_csv", "regenerate_demo_export"]

#: Folder of the bundled Second Stitch study (export, transcripts, codebook, study file).
DEMO_DIR = Path(__file__).resolve().parent / "thrift"
DEMO_SEED = 20260304
DEMO_N = 1500


def demo_paths() -> dict[str, Path]:
    """Paths of the bundled study's files, by role."""
    return {
        "study": DEMO_DIR / "study.yaml",
        "questionnaire": DEMO_DIR / "questionnaire.yaml",
        "export": DEMO_DIR / "qualtrics_export.csv",
        "truth": DEMO_DIR / "truth.csv",
        "interviews": DEMO_DIR / "interviews.csv",
        "codebook": DEMO_DIR / "codebook.yaml",
        "transcripts": DEMO_DIR / "transcripts",
    }


def write_qualtrics_csv(study: SimulatedStudy, path: str | Path) -> Path:
    """Write `study.export` as a Qualtrics CSV export (3 header rows, UTF-8 with BOM)."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(study.export.columns)
        for _, row in study.header.iterrows():
            writer.writerow(row.tolist())
        for row in study.export.itertuples(index=False):
            writer.writerow(["" if pd.isna(v) else v for v in row])
    return path


def regenerate_demo_export(folder: str | Path | None = None) -> SimulatedStudy:
    """Re-create the bundled export, truth and interview links (what was committed).

    ``python -m research.datasets`` runs this; a test checks the committed files are
    exactly what the seeded simulator writes.
    """
    from ..questionnaire import load_questionnaire

    folder = DEMO_DIR if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    q = load_questionnaire(demo_paths()["questionnaire"])
    study = simulate_study(q, DEMO_N, random_state=DEMO_SEED)
    write_qualtrics_csv(study, folder / "qualtrics_export.csv")
    study.truth.to_csv(folder / "truth.csv", lineterminator="\n")
    study.interviews.to_csv(folder / "interviews.csv", index=False, lineterminator="\n")
    return study
