"""Report folders change as a whole set, survive kills, and reproduce byte for byte."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from research.datasets import demo_paths
from research.errors import ReportError
from research.reportset import MANIFEST, report_set, stale_folders, verify_report_set


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _hidden_beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def test_a_set_replaces_the_old_one_and_keeps_the_users_files(tmp_path):
    out = tmp_path / "reports"
    with report_set(out) as staging:
        (staging / "a.csv").write_text("old a")
        (staging / "old_only.csv").write_text("gone next time")
    assert verify_report_set(out).keys() == {"a.csv", "old_only.csv"}
    (out / "my notes.txt").write_text("mine")
    (out / "drafts").mkdir()
    (out / "drafts" / "d.txt").write_text("draft")
    with report_set(out) as staging:
        (staging / "a.csv").write_text("new a")
    assert (out / "a.csv").read_text() == "new a"
    assert not (out / "old_only.csv").exists()
    assert (out / "my notes.txt").read_text() == "mine"
    assert (out / "drafts" / "d.txt").read_text() == "draft"
    assert verify_report_set(out).keys() == {"a.csv"}
    assert _hidden_beside(out) == []


def test_a_failure_leaves_the_old_set_and_no_temporary_folder(tmp_path):
    out = tmp_path / "reports"
    with report_set(out) as staging:
        (staging / "a.csv").write_text("old")
    before = _tree(out)
    with pytest.raises(RuntimeError), report_set(out) as staging:
        (staging / "a.csv").write_text("half")
        raise RuntimeError("disk on fire")
    assert _tree(out) == before
    assert _hidden_beside(out) == []


def test_leftovers_of_a_killed_run_are_cleaned_by_the_next(tmp_path):
    out = tmp_path / "reports"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    pid = int(dead.stdout)
    leftover = tmp_path / f".reports.staging-{pid}-deadbeef"
    leftover.mkdir()
    (leftover / "personas.xlsx").write_text("partial")
    assert stale_folders(out) == [leftover]
    with report_set(out) as staging:
        (staging / "a.csv").write_text("new")
    assert not leftover.exists()


def test_a_file_in_place_of_the_folder_is_a_report_error(tmp_path):
    target = tmp_path / "reports"
    target.write_text("not a folder")
    with pytest.raises(ReportError, match="is a file, not a folder"), report_set(target):
        pass


def _study(tmp_path: Path) -> Path:
    demo = demo_paths()
    folder = demo["study"].parent
    study = tmp_path / "study.yaml"
    study.write_text(
        "title: Small\n"
        f"questionnaire: {folder / 'questionnaire.yaml'}\n"
        f"export: {folder / 'qualtrics_export.csv'}\n"
        f"interviews:\n  transcripts: {folder / 'transcripts'}\n"
        f"  codebook: {folder / 'codebook.yaml'}\n  links: {folder / 'interviews.csv'}\n"
        "factors: {n_factors: 6}\n"
        "segments: {k_min: 4, k_max: 5, n_init: 2, n_boot: 0, golden_questions: 3}\n"
        "random_state: 1\n"
    )
    return study


def _run(study: Path, out: Path, epoch: int, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    command = [sys.executable, "-c", "from research.cli import main; main()", "run", str(study)]
    return subprocess.Popen(
        [*command, "--out", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        **kwargs,
    )


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_a_complete_old_or_new_set(tmp_path):
    study = _study(tmp_path)
    out = tmp_path / "reports"
    first = _run(study, out, 1_700_000_000)
    assert first.wait() == 0, first.stderr.read().decode()
    old = _tree(out)
    started = time.monotonic()
    done = _run(study, tmp_path / "timing", 1_800_000_000)
    assert done.wait() == 0
    length = time.monotonic() - started

    rng = random.Random(12)
    seen_new = False
    for delay in sorted(rng.uniform(0.3, length * 1.05) for _ in range(5)):
        process = _run(study, out, 1_800_000_000)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        verify_report_set(out)  # every listed file present and unchanged
        now = _tree(out)
        new = _tree(tmp_path / "timing")
        assert now in (old, new), f"mixed set after a kill at {delay:.1f} s"
        seen_new |= now == new
    again = _run(study, out, 1_800_000_000)
    assert again.wait() == 0, again.stderr.read().decode()
    # Reproducible bytes: same inputs and SOURCE_DATE_EPOCH give the same files.
    assert _tree(out) == _tree(tmp_path / "timing")
    assert _hidden_beside(out) == []
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]
    assert (out / MANIFEST).exists()
