"""Import speed: a simulated 100,000-respondent x 80-column Qualtrics choice-text export.

Peer: a bare ``pandas.read_csv`` of the same file (default options), timed in the same run.
Measured: ``import_responses`` = detect + read + map + recode (labels to codes, multi-select
split, reverse keying) + all quality rules + exclusions. Target: at most 2x the peer.
Peak memory is measured in a second pass with ``tracemalloc`` (numpy and pandas report their
buffers to it), so it does not slow the timed runs.

Run: ``.venv/bin/python benchmarks/bench_import.py [n_respondents]``
"""

from __future__ import annotations

import csv
import gc
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from research.ingest import import_responses
from research.questionnaire import parse_questionnaire

AGREE = [
    "Strongly disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Strongly agree",
]
IMPORTANCE = [
    "Not at all important",
    "Slightly important",
    "Moderately important",
    "Very important",
    "Extremely important",
]
META = [
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
    "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
    "DistributionChannel", "UserLanguage",
]  # fmt: skip
CHANNELS = ["Instagram", "TikTok", "Email newsletter", "Friends, family or colleagues"]


def questionnaire(n_grid: int = 20):
    """3 randomised grids of `n_grid` statements, a single, a multi and a numeric item."""
    lines = ["id: bench", "title: Bench", "blocks:"]
    lines += ["  - id: about", "    items:"]
    lines += [
        "      - {id: freq, type: single, text: 'How often?', choices: [Never, Sometimes, Often]}",
        "      - {id: spend, type: numeric, text: 'How much?', min: 0, max: 100000}",
        f"      - {{id: channels, type: multi, text: 'Where', choices: {CHANNELS!r}}}".replace(
            "'", '"'
        ),
    ]
    for b, kind in enumerate(["likert", "likert", "importance"]):
        lines += [f"  - id: grid{b}", f"    title: Grid {b}", "    randomize: true", "    items:"]
        for k in range(n_grid):
            rev = ", reverse: true" if k % 5 == 4 else ""
            lines.append(f"      - {{id: g{b}_{k}, type: {kind}, text: Statement {b}.{k}{rev}}}")
    return parse_questionnaire("\n".join(lines) + "\n")


def write_export(path: Path, n: int, q, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    items = q.items
    cols: dict[str, np.ndarray] = {}
    start = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 30 * 86400, n), unit="s")
    dur = np.exp(rng.normal(np.log(600), 0.4, n)).astype(int)
    cols["StartDate"] = start.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
    cols["EndDate"] = (
        (start + pd.to_timedelta(dur, unit="s")).strftime("%Y-%m-%d %H:%M:%S").to_numpy()
    )
    cols["Status"] = np.full(n, "IP Address", dtype=object)
    cols["IPAddress"] = np.array([f"192.0.2.{i % 250}" for i in range(n)], dtype=object)
    finished = rng.random(n) > 0.02
    cols["Progress"] = np.where(finished, 100, rng.integers(10, 90, n))
    cols["Duration (in seconds)"] = dur
    cols["Finished"] = np.where(finished, "True", "False")
    cols["RecordedDate"] = cols["EndDate"]
    cols["ResponseId"] = np.array([f"R_{i:015d}" for i in range(n)], dtype=object)
    for c in ("RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference"):
        cols[c] = np.full(n, "", dtype=object)
    cols["LocationLatitude"] = np.round(rng.uniform(50, 58, n), 4)
    cols["LocationLongitude"] = np.round(rng.uniform(-5, 1, n), 4)
    cols["DistributionChannel"] = np.full(n, "anonymous", dtype=object)
    cols["UserLanguage"] = np.full(n, "EN", dtype=object)
    latent = rng.normal(size=n)
    for item in items:
        if item.type == "single":
            cols[item.id] = np.array(["Never", "Sometimes", "Often"], dtype=object)[
                rng.integers(0, 3, n)
            ]
        elif item.type == "numeric":
            cols[item.id] = rng.integers(0, 5000, n)
        elif item.type == "multi":
            ticks = rng.random((n, len(CHANNELS))) < 0.35
            combos = {}
            keys = ticks @ (1 << np.arange(len(CHANNELS)))
            for key in np.unique(keys):
                combos[key] = ",".join(c for j, c in enumerate(CHANNELS) if key >> j & 1)
            cols[item.id] = np.array([combos[k] for k in range(1 << len(CHANNELS))], dtype=object)[
                keys
            ]
        else:
            labels = np.array(IMPORTANCE if item.type == "importance" else AGREE, dtype=object)
            y = 0.7 * latent + rng.normal(scale=0.8, size=n)
            cat = np.digitize(y, [-1.2, -0.4, 0.4, 1.2])
            cat[rng.random(n) < 0.01] = -1
            cols[item.id] = np.where(cat >= 0, labels[np.clip(cat, 0, 4)], "")
    frame = pd.DataFrame(cols)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(frame.columns)
        w.writerow([c if c in META else f"Question - {c}" for c in frame.columns])
        w.writerow([f'{{"ImportId":"{c}"}}' for c in frame.columns])
    frame.to_csv(path, mode="a", header=False, index=False, lineterminator="\r\n")


def best_of(func, repeat: int = 3) -> tuple[float, float, object]:
    """Best wall-clock and best CPU time of `repeat` runs, and the last result."""
    best, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        out = func()
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return best, cpu, out


def peak_mb(func) -> float:
    gc.collect()
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main(n: int = 100_000) -> None:
    # The peer is called as a user would; its mixed-type warning is noise here.
    warnings.simplefilter("ignore", pd.errors.DtypeWarning)
    q = questionnaire()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        write_export(path, n, q)
        size = path.stat().st_size / 2**20
        bare = lambda: pd.read_csv(path)  # noqa: E731 - the peer, exactly as a user would call it
        ours = lambda: import_responses(path, q)  # noqa: E731
        t_peer, c_peer, frame = best_of(bare)
        t_ours, c_ours, survey = best_of(ours)
        m_peer, m_ours = peak_mb(bare), peak_mb(ours)
    print(f"export: {n:,} respondents x {frame.shape[1]} columns, {size:,.0f} MB (choice text)")
    print(f"pandas.read_csv (peer)            {t_peer:7.3f} s   peak {m_peer:7.0f} MB")
    print(f"import_responses (ours)           {t_ours:7.3f} s   peak {m_ours:7.0f} MB")
    print(f"ratio ours / peer                 {t_ours / t_peer:7.2f}x  (target <= 2.00x)")
    print(f"CPU-time ratio (less sensitive to a loaded machine) {c_ours / c_peer:5.2f}x")
    print(
        f"kept {survey.n_kept:,}, excluded {survey.n_excluded:,} "
        f"({survey.exclusions['reason'].value_counts().to_dict()})"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
