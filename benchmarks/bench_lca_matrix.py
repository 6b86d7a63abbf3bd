"""LCA search robustness and speed: ours against StepMix 3 over a matrix of data sets and seeds.

Issue 13: on a simulated 100,000 x 30 set, 3 of 7 seeds of ``LatentClassModel(5, n_init=10)``
ended 58 to 176 log-likelihood points below StepMix (10 starts). This benchmark fits, for every
data set and seed 1-3, ``LatentClassModel(K, n_init=10, random_state=seed)`` and ``StepMix(
n_components=K, measurement="categorical", n_init=10, random_state=seed)`` in the same process
run, one after the other, and prints per seed: our time / StepMix's time and our LL - StepMix's
LL (both computed on the same data; target: every difference >= -1, mean time ratio <= 0.03).

Data sets (``simulate_segments``, five-point items unless said):

- generators crossing separation (0.7 - 1.5), K (3 - 8), items (10 - 60), missing (0 - 20 %)
  and skewed class shares, at 3,000 - 5,000 respondents (StepMix takes minutes per seed beyond that on a
  shared two-core machine);
- a real battery: the 25 six-point personality items of the BFI (Revelle, R package psych,
  ``psych::bfi``; 2,800 respondents of the SAPA project; GPL >= 2), K = 5 and K = 8;
- with ``--large``: 20,000 and 100,000 x 30, K = 5 (the issue's size; StepMix ~200 s per
  seed idle);
- held out (never used to choose the search design): binary items, nominal (Dirichlet)
  classes, seven-point items, weak separation, ``bench_cli.py``'s 10,000 x 30 set, and poLCA's
  real election battery (12 four-point ratings, 1,785 respondents, missing answers) at K 3
  and 5.

The search design itself (screen all starts on up to 200,000 answer patterns, refine the 4 best
without pruning, finish the best 2 on all the data, no race) was chosen on
``benchmarks/bench_lca_search.py``, against 50 fully refined starts on 26 settings.

Run: ``.venv/bin/python benchmarks/bench_lca_matrix.py`` (``--quick``: first three data sets,
seed 1; ``--large``: add the large case; ``--no-stepmix``: ours only, against our own 60-start
reference instead; ``--only base,weak``: the sets whose name holds one of the words).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

STARTS = 10
SEEDS = (1, 2, 3)
BFI = Path(__file__).resolve().parents[1] / "tests" / "data" / "bfi" / "bfi.csv"

#: name: (n, items, categories, K, separation, missing, shares)
GENERATORS = {
    "base 5k x 30 K5 sep1.0": (5_000, 30, 5, 5, 1.0, 0.0, None),
    "overlap 5k x 15 K4 sep0.7": (5_000, 15, 5, 4, 0.7, 0.0, None),
    "many 5k x 12 K8 sep1.2 miss20%": (5_000, 12, 5, 8, 1.2, 0.2, None),
    "small K3 3k x 10 sep0.9": (3_000, 10, 5, 3, 0.9, 0.0, None),
    "wide 3k x 60 K6 sep0.8 miss10%": (3_000, 60, 5, 6, 0.8, 0.1, None),
    "skewed 5k x 20 K6 sep1.0": (5_000, 20, 5, 6, 1.0, 0.05, [0.4, 0.25, 0.15, 0.1, 0.06, 0.04]),
    "crisp 5k x 20 K5 sep1.5": (5_000, 20, 5, 5, 1.5, 0.0, None),
}
LARGE = {
    "large 20k x 30 K5 sep1.0": (20_000, 30, 5, 5, 1.0, 0.0, None),
    "issue 100k x 30 K5 sep1.0": (100_000, 30, 5, 5, 1.0, 0.0, None),
}


#: Held out: never used to choose the search design (issue 13's check asks for data the tuning
#: never saw). Spec as above plus the simulation's seed and whether classes are ordinal
#: (adjacent-category) or nominal (Dirichlet). The CLI set is bench_cli.py's.
HELD_OUT = {
    "held-out binary 5k x 20 K4 sep1.2": ((5_000, 20, 2, 4, 1.2, 0.0, None), 7, True),
    "held-out nominal 5k x 15 K5 sep2": ((5_000, 15, 5, 5, 2.0, 0.0, None), 11, False),
    "held-out 7pt 4k x 25 K6 sep0.9 m5%": ((4_000, 25, 7, 6, 0.9, 0.05, None), 9, True),
    "held-out weak 5k x 12 K5 sep0.6": ((5_000, 12, 5, 5, 0.6, 0.0, None), 10, True),
    "held-out CLI 10k x 30 K5 sep1.0": ((10_000, 30, 5, 5, 1.0, 0.0, None), 1, True),
}
ELECTION = Path(__file__).resolve().parents[1] / "tests" / "data" / "polca" / "election.csv"


def _data(spec, seed: int | None = None, ordinal: bool = True) -> tuple[pd.DataFrame, int]:
    from research.segments import simulate_segments

    n, items, cats, k, sep, missing, shares = spec
    sim = simulate_segments(
        n,
        n_items=items,
        n_categories=cats,
        n_classes=k,
        separation=sep,
        missing=missing,
        shares=shares,
        ordinal=ordinal,
        random_state=n + items + k if seed is None else seed,
    )
    return sim.data, k


def _election(k: int) -> tuple[pd.DataFrame, int]:
    """poLCA's election data (ANES 2000, 12 four-point ratings of two candidates, 1,785
    respondents with missing answers; poLCA, GPL >= 2): a real battery the tuning never saw."""
    return pd.read_csv(ELECTION).iloc[:, :12], k


def _bfi(k: int = 5) -> tuple[pd.DataFrame, int]:
    frame = pd.read_csv(BFI).iloc[:, :25]
    return frame, k


def ours(data: pd.DataFrame, k: int, seed: int, **kw) -> tuple[float, float]:
    from research.segments import LatentClassModel

    start = time.perf_counter()
    model = LatentClassModel(k, n_init=kw.pop("n_init", STARTS), random_state=seed, **kw)
    model.fit(data)
    return time.perf_counter() - start, model.log_likelihood_


def stepmix(data: pd.DataFrame, k: int, seed: int) -> tuple[float, float]:
    """StepMix's fit; missing answers need its ``categorical_nan`` measurement."""
    from stepmix.stepmix import StepMix

    codes = data.apply(lambda c: pd.factorize(c, sort=True)[0]).to_numpy().astype(float)
    has_nan = (codes < 0).any()
    codes[codes < 0] = np.nan
    start = time.perf_counter()
    model = StepMix(
        n_components=k,
        measurement="categorical_nan" if has_nan else "categorical",
        n_init=STARTS,
        random_state=seed,
        verbose=0,
        progress_bar=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(codes)
        seconds = time.perf_counter() - start
        ll = float(model.score(codes) * len(codes))
    return seconds, ll


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--no-stepmix", action="store_true")
    parser.add_argument(
        "--only", default="", help="Comma-separated words: run only the sets whose name has one."
    )
    args = parser.parse_args()
    sets = dict(GENERATORS)
    if args.large:
        sets.update(LARGE)
    seeds = SEEDS
    if args.quick:
        sets, seeds = dict(list(sets.items())[:3]), (1,)
    print(f"load: {os.getloadavg()[0]:.1f} (1-min average, {os.cpu_count()} cores)")
    peer = "StepMix" if not args.no_stepmix else "ours 60 starts"
    print(f"{'data set':<34} seed  ours s  {peer:>8} s  ratio   LL ours - {peer}")
    rows = []
    cases = [(name, lambda spec=spec: _data(spec)) for name, spec in sets.items()]
    cases.append(("real BFI 2.8k x 25 K5", _bfi))
    cases.append(("real BFI 2.8k x 25 K8", lambda: _bfi(8)))  # many near-equal optima
    if not args.quick:
        cases += [(name, lambda h=h: _data(h[0], h[1], h[2])) for name, h in HELD_OUT.items()]
        cases.append(("held-out real election 1.8k x 12 K3", lambda: _election(3)))
        cases.append(("held-out real election 1.8k x 12 K5", lambda: _election(5)))
    if args.only:
        words = [w.strip() for w in args.only.split(",") if w.strip()]
        cases = [(name, load) for name, load in cases if any(w in name for w in words)]
    for name, load in cases:
        data, k = load()
        for seed in seeds:
            t_ours, ll_ours = ours(data, k, seed)
            if args.no_stepmix:
                t_peer, ll_peer = ours(data, k, 12345, n_init=60, n_refine=60, screen_iter=0)
            else:
                t_peer, ll_peer = stepmix(data, k, seed)
            diff = ll_ours - ll_peer
            rows.append((name, seed, t_ours / t_peer, diff))
            print(
                f"{name:<34} {seed:>4} {t_ours:7.2f} {t_peer:10.2f}  {t_ours / t_peer:6.3f}"
                f"  {diff:+10.2f}" + ("  <-- below -1" if diff < -1 else ""),
                flush=True,
            )
    ratios = np.array([r[2] for r in rows])
    diffs = np.array([r[3] for r in rows])
    print(
        f"\n{len(rows)} fits: mean time ratio {ratios.mean():.3f} (target <= 0.03), "
        f"seeds below {peer} - 1: {(diffs < -1).sum()}, worst LL difference {diffs.min():+.2f}"
    )
    print(f"load at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
