"""Whole-process times of ``research factors`` and ``research segment``, as a user sees them.

Each command runs as its own process (interpreter start, imports, reading the CSV, the fit,
writing the results), timed by wall clock and by the child's CPU time (user + system; steadier
on a shared machine).

- ``research factors items.csv --factors 5 --correlation polychoric`` on 50 five-point items x
  20,000 respondents (``bench_factors.simulate``). Peer: R psych 2.2.9, whole ``Rscript`` process
  reading the CSV and running ``fa(polychoric(x)$rho, 5)`` on 50 items x 19,719: 4.5-6 s on this
  machine, as quoted in issue 13 (our 3.0 s was "1.5-2x R psych"); R is not installed here, so
  the lower 4.5 s is used. Target: <= 0.2x, i.e. <= 0.9 s. Best of 7 runs; the CPU time is the
  steadier figure when another process shares the two cores (the load is printed).
- ``research segment answers.csv --classes 5 --starts 10 --no-extras`` on 10,000 x 30
  five-point answers against a Python process that imports StepMix 3, reads the same CSV and
  fits ``StepMix(n_components=5, measurement="categorical", n_init=10)``, seeds 1-3 for both
  (StepMix's time varies several-fold with the seed: a speed claim must hold across them).
  Target: <= 0.03x, on the seeds' total time; each seed's ratio is printed too. One run with
  the extras (stability bootstrap, typing tool) is timed as well.

Every child runs with Python's bytecode cache on, as on a user's machine (pip compiles an
installed package; an editable one is compiled on its first run): this sandbox sets
``PYTHONDONTWRITEBYTECODE``, under which every run recompiled the package's modules (0.08 s of a
``research segment`` run). One untimed run of each command first writes the cache.

Run: ``.venv/bin/python benchmarks/bench_cli.py`` (``factors`` or ``segment`` as an argument runs
only that part).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

R_PSYCH_WHOLE_SECONDS = 4.5
TARGET_RATIO = 0.2
FACTORS_REPEAT = 7
SEGMENT_REPEAT = 5
STEPMIX_REPEAT = 2
#: Seeds of both fits: StepMix's time on the same data varies several-fold with its seed.
SEEDS = (1, 2, 3)
#: Children's environment: the bytecode cache on, as users have it (see the module docstring).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
RESEARCH = [str(Path(sys.executable).with_name("research"))]

STEPMIX = """
import sys, warnings
import pandas as pd
from stepmix.stepmix import StepMix
x = pd.read_csv(sys.argv[1]).to_numpy().astype(int) - 1
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    StepMix(n_components=5, measurement="categorical", n_init=10,
            random_state=int(sys.argv[2]), verbose=0, progress_bar=0).fit(x)
"""


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(args: list[str], repeat: int) -> tuple[float, float]:
    """Least wall and least CPU time of `repeat` runs, after one untimed run (bytecode cache)."""
    subprocess.run(args, check=True, capture_output=True, env=ENV)
    runs = [timed(args) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def bench_factors(work: Path) -> None:
    """``research factors`` against R psych's whole process."""
    from bench_factors import simulate

    simulate().to_csv(work / "items.csv", index=False)
    wall, cpu = best(
        [*RESEARCH, "factors", str(work / "items.csv"), "--factors", "5",
         "--correlation", "polychoric", "--no-progress", "--out", str(work / "fa")],
        repeat=FACTORS_REPEAT,
    )  # fmt: skip
    ratio = wall / R_PSYCH_WHOLE_SECONDS
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(
        f"research factors 50 x 20,000, polychoric, 5 factors: {wall:.2f} s wall, {cpu:.2f} s "
        f"CPU (best of {FACTORS_REPEAT})\n"
        f"  vs R psych whole process {R_PSYCH_WHOLE_SECONDS} s (quoted): {ratio:.3f}x wall "
        f"({R_PSYCH_WHOLE_SECONDS / wall:.1f} times faster), {cpu / R_PSYCH_WHOLE_SECONDS:.3f}x "
        f"CPU | target <= {TARGET_RATIO}x ({TARGET_RATIO * R_PSYCH_WHOLE_SECONDS:.1f} s): {verdict}"
    )


def bench_segment(work: Path) -> None:
    """``research segment`` against a StepMix process."""
    from research.segments import simulate_segments

    sim = simulate_segments(10_000, n_items=30, n_categories=5, n_classes=5,
                            separation=1.0, random_state=1)  # fmt: skip
    sim.data.to_csv(work / "answers.csv", index=False)
    rows = []
    for seed in SEEDS:
        seg = [*RESEARCH, "segment", str(work / "answers.csv"), "--classes", "5",
               "--starts", "10", "--seed", str(seed), "--no-progress"]  # fmt: skip
        ours = best([*seg, "--no-extras", "--out", str(work / "s1")], repeat=SEGMENT_REPEAT)
        runs = [timed([sys.executable, "-c", STEPMIX, str(work / "answers.csv"), str(seed)])
                for _ in range(STEPMIX_REPEAT)]  # fmt: skip
        peer = min(r[0] for r in runs), min(r[1] for r in runs)
        rows.append((ours, peer))
        print(
            f"seed {seed}: research segment --no-extras (best of {SEGMENT_REPEAT}) "
            f"{ours[0]:.2f} s wall, {ours[1]:.2f} s CPU | StepMix process (best of "
            f"{STEPMIX_REPEAT}) {peer[0]:.1f} s wall, {peer[1]:.1f} s CPU -> "
            f"{ours[0] / peer[0]:.3f}x wall, {ours[1] / peer[1]:.3f}x CPU"
        )
    wall = sum(o[0] for o, _ in rows) / sum(p[0] for _, p in rows)
    cpu = sum(o[1] for o, _ in rows) / sum(p[1] for _, p in rows)
    verdict = "met" if wall <= 0.03 and cpu <= 0.03 else "MISSED"
    print(
        f"research segment 10,000 x 30, K = 5, 10 starts, --no-extras, seeds {SEEDS}: total "
        f"time {wall:.3f}x StepMix's wall, {cpu:.3f}x its CPU (target <= 0.03): {verdict}; "
        f"per seed {min(o[0] / p[0] for o, p in rows):.3f}-{max(o[0] / p[0] for o, p in rows):.3f}x wall"
    )
    full = best([*seg, "--out", str(work / "s2")], repeat=1)
    print(
        f"with extras (stability, typing tool), seed {SEEDS[-1]}: {full[0]:.2f} s wall, "
        f"{full[1]:.2f} s CPU"
    )


def main() -> None:
    part = sys.argv[1] if len(sys.argv) > 1 else "all"
    if part not in ("all", "factors", "segment"):
        raise SystemExit(f"usage: bench_cli.py [all|factors|segment], got {part!r}")
    print(f"load: {os.getloadavg()[0]:.1f} (1-min average, {os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        if part in ("all", "factors"):
            bench_factors(Path(tmp))
        if part in ("all", "segment"):
            bench_segment(Path(tmp))
    print(f"load at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
