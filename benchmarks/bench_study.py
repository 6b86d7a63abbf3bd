"""Whole-process time of ``questionnaire infer`` -> ``run`` on a 50-item x 20,000 battery.

Issue 15 part 9: a 50-item x 20,000 study must run end to end in under 60 s on a 2-core
machine (it took 164 s). The data mimic the open IPIP Big-Five export of openpsychometrics.org
(tab-separated; ``race age engnat gender hand source country`` then ``E1..E10 N1..N10 A1..A10
C1..C10 O1..O10`` coded 1-5, about a third reverse keyed, 0 = missing), drawn from five planted
latent classes so the run has segments to find. The study file names only the paths and the
items to segment, as a new user's would.

Run: ``.venv/bin/python benchmarks/bench_study.py [--rows 20000] [--seed 1] [--keep DIR]``;
prints each command's wall time and the run's own step times.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

TRAITS = "ENACO"


def battery(n: int, seed: int) -> pd.DataFrame:
    """An IPIP-like export: five traits x 10 items, five latent classes, 1% missing (0)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 0.9, (5, 5))
    cls = rng.choice(5, size=n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    trait = centres[cls] + rng.normal(0, 0.6, (n, 5))
    cols = {
        "race": rng.integers(1, 14, n),
        "age": rng.integers(13, 80, n),
        "engnat": rng.integers(1, 3, n),
        "gender": rng.integers(1, 4, n),
        "hand": rng.integers(1, 4, n),
        "source": rng.integers(1, 6, n),
        "country": rng.choice(["US", "GB", "IN", "AU", "CA", "PH", "NZ", "DE"], n),
    }
    for t, name in enumerate(TRAITS):
        for i in range(1, 11):
            sign = -1 if i % 3 == 2 else 1
            y = sign * 0.75 * trait[:, t] + rng.normal(0, 0.8, n)
            cat = np.digitize(y, [-1.3, -0.45, 0.45, 1.3]) + 1
            cat[rng.random(n) < 0.01] = 0
            cols[f"{name}{i}"] = cat
    return pd.DataFrame(cols)


def _timed(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the study here instead of a temp dir")
    opts = parser.parse_args()
    research = str(Path(sys.executable).with_name("research"))
    with tempfile.TemporaryDirectory() as tmp:
        root = opts.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        battery(opts.rows, opts.seed).to_csv(root / "data.csv", sep="\t", index=False)
        items = [f"{t}{i}" for t in TRAITS for i in range(1, 11)]
        infer_s, _ = _timed([research, "questionnaire", "infer", str(root / "data.csv"),
                             "--out", str(root / "questionnaire.yaml")])  # fmt: skip
        (root / "study.yaml").write_text(
            "title: IPIP Big Five (simulated)\nquestionnaire: questionnaire.yaml\n"
            f"export: data.csv\nsegments:\n  items: [{', '.join(items)}]\n"
        )
        run_s, printed = _timed([research, "run", str(root / "study.yaml"),
                                 "--out", str(root / "out")])  # fmt: skip
    print(f"questionnaire infer  {infer_s:6.1f} s")
    print(f"run                  {run_s:6.1f} s")
    print(f"total                {infer_s + run_s:6.1f} s   (target < 60 s; was 164 s)")
    print(printed[-3000:])


if __name__ == "__main__":
    main()
