"""Time each stage of the pipeline on the bundled study, then run every ``bench_*.py``.

Benchmarks print figures and ratios against their peers (R timings quoted in the issues,
StepMix from the ``bench`` extra, a bare ``pandas.read_csv``); they never gate CI.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/run_all.py``).
"""

from __future__ import annotations

import runpy
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from research.datasets import demo_paths
from research.factors import FactorModel, parallel_analysis
from research.ingest import import_responses
from research.questionnaire import load_questionnaire
from research.segments import select_segments
from research.study import run_study


def timed(label: str, func, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<55} {best:8.3f} s (best of {repeat})")
    return result


def main() -> None:
    paths = demo_paths()
    q = load_questionnaire(paths["questionnaire"])
    survey = timed(
        "import 1,500-respondent Qualtrics export", lambda: import_responses(paths["export"], q)
    )
    items = survey.responses[survey.scale_items()]
    model = timed(
        "EFA minres/oblimin, 30 items, 6 factors", lambda: FactorModel(n_factors=6).fit(items)
    )
    timed("parallel analysis, 30 items, 20 iterations", lambda: parallel_analysis(items, n_iter=20))
    scores = model.transform(items)
    timed("GMM sweep K=2..8, 10 starts each", lambda: select_segments(scores, n_init=10), repeat=1)

    rng = np.random.default_rng(0)
    big = pd.DataFrame(rng.integers(1, 6, (20_000, 50)), columns=[f"i{j}" for j in range(50)])
    timed("EFA 50 items x 20,000 respondents, 5 factors", lambda: FactorModel(n_factors=5).fit(big))
    with tempfile.TemporaryDirectory() as tmp:
        timed(
            "whole demo study, reports included",
            lambda: run_study(paths["study"], Path(tmp), created="2026-01-01T00:00:00"),
            repeat=1,
        )


def run_topic_benchmarks() -> None:
    """Run each ``benchmarks/bench_<topic>.py`` in turn (each prints its own figures)."""
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"\n== {script.name} ==")
        runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main()
    run_topic_benchmarks()
