"""How the latent class model looks for the best of many random starts.

1. **Screen**: ``n_screen`` random starts (default ``4 * n_init``) run side by side for
   ``screen_iter`` plain EM steps (float32), on a random sample of ``screen_sample`` answer
   patterns when there are more.
2. **Refine**: the ``n_init`` best (or ``n_refine``; StepMix and poLCA run ``n_init`` starts
   to convergence) run to a loose tolerance on the same data (float32), none dropped on the
   way.
3. **Finish**: on all the data, the best two run to ``tol``: in mixed precision (float32 steps
   judged in float64) for large designs, float64 otherwise.

Each choice was measured against 50 fully refined starts on many generators and real data
(``benchmarks/bench_lca_search.py``): a 20,000-pattern screening sample, pruning trailing
candidates and racing finalists for 60 steps each lost the best basin on well-separated nominal
classes (by 54 to 1,319 points at 100,000 respondents); without them every setting reached it.

A start may also be made from a fitted model with fewer classes (:func:`split_start`): it goes
straight to step 3, so a K-class fit in a sweep is never worse than the K - 1 one it extends.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._em import Design, normalise, random_params, subset
from ._squarem import EMResult, fit_em

__all__ = ["search", "split_start"]

#: Most steps of the mixed-precision finish; float64 steps take over if it has not settled.
F32_STEPS = 1500
#: Designs with at least this many distinct patterns finish in mixed precision.
MIXED_FROM = 20000
#: Candidates trailing the best by more than this mean log-likelihood per respondent stop.
PRUNE = 1e-2
#: Tolerance of the float32 refinement on the sample (it only ranks and warms up).
LOOSE = 5e-7
#: EM steps the finalists race side by side on all the data before only the leader goes on
#: (None: every finalist is finished). Racing picked the wrong basin on well-separated
#: nominal classes, where the later winner trails after 60 steps, so it is off.
RACE: int | None = None
#: Starts drawn and screened per start refined when ``n_screen`` is not given. 10 drawn and
#: all refined ended 3.9 points below StepMix (10 starts) on one seed of 8 classes with 20%
#: missing; 40 screened, 10 refined reached its optimum on every seed for about the same time.
SCREEN_FACTOR = 4
#: Finalists finished on all the data (without / with a screening sample).
FINALISTS = (2, 2)
#: Prune refinement candidates that trail (None: refine every one to the loose tolerance).
#: Pruning dropped the eventual best start in 1 of 8 nominal settings, by 160,000 points.
PRUNE_REFINE: float | None = None


def split_start(
    logpi: np.ndarray, logp: np.ndarray, k: int, design: Design, seed: int
) -> np.ndarray:
    """A ``(1, P)`` start with `k` classes from fitted log shares ``(K0,)`` and log item
    probabilities ``(D, K0)``: the largest class is split into two slightly different copies
    sharing its weight, until there are `k` classes."""
    rng = np.random.default_rng(seed)
    shares = list(logpi)
    cols = [logp[:, j] for j in range(logp.shape[1])]
    while len(cols) < k:
        big = int(np.argmax(shares))
        cols.append(cols[big] + rng.normal(0, 0.1, len(cols[big])))
        shares[big] -= np.log(2)
        shares.append(shares[big])
    theta = np.concatenate([np.array(shares), np.stack(cols, axis=1).ravel()])[None, :]
    return normalise(theta, design, k)


def search(
    design: Design,
    k: int,
    settings,
    extra: np.ndarray | None = None,
) -> tuple[np.ndarray, dict]:
    """Best parameters found and a record of the search.

    `settings` is the LatentClassModel (n_init, n_screen, screen_iter, n_refine,
    screen_sample, max_iter, tol, ordinal, acceleration, random_state); `extra` an optional
    split start.
    """
    st = settings
    rng = np.random.default_rng(st.random_state)
    n_refine = st.n_init if st.n_refine is None else min(st.n_refine, st.n_init)
    n_init = st.n_init  # starts drawn: more when they are screened first
    if st.screen_iter > 0:
        n_init = max(SCREEN_FACTOR * st.n_init if st.n_screen is None else st.n_screen, n_refine)
    if k == 1:
        n_init = n_refine = 1
    theta = random_params(design, k, n_init, rng)

    def run(theta, data, max_iter, *, precision, tol=None, plain=False, prune=None) -> EMResult:
        return fit_em(
            theta,
            data,
            k,
            max_iter=max(int(max_iter), 1),
            tol=st.tol if tol is None else tol,
            ordinal=st.ordinal,
            accelerate=not plain and st.acceleration == "squarem",
            precision=precision,
            final_ll=precision != "single",
            prune=prune,
        )

    sample = design
    m = design.xt.shape[1]
    if m > st.screen_sample and n_init > 1:
        sample = subset(design, np.sort(rng.choice(m, st.screen_sample, replace=False)))
    screen_ll = np.full(n_init, np.nan)
    used = np.zeros(n_init, dtype=int)
    keep = np.arange(n_init)
    if n_init > n_refine and st.screen_iter > 0:
        screened = run(theta, sample, st.screen_iter, precision="single", plain=True)
        screen_ll = screened.ll / sample.total_weight
        used = screened.n_iter
        keep = np.argsort(-screened.ll, kind="stable")[:n_refine]
        theta = screened.theta[keep]
    used = used[keep]
    refined = run(
        theta, sample, F32_STEPS, precision="single", tol=max(st.tol, LOOSE), prune=PRUNE_REFINE
    )
    used += refined.n_iter
    cand = np.argsort(-refined.ll, kind="stable")[: FINALISTS[sample is not design]]
    theta, spent = refined.theta[cand], used[cand]
    if extra is not None:
        cand = np.append(cand, -1)
        theta = np.concatenate([theta, extra])
        spent = np.append(spent, 0)
    final = None
    if m >= MIXED_FROM:
        budget = min(F32_STEPS, st.max_iter - spent.max())
        if RACE and len(theta) > 1 and budget > RACE:
            # A sample's spurious class shows within a few dozen full-data steps; racing on
            # only the leader then halves the slow crawl of overfitted K along flat ridges.
            race = run(theta, design, RACE, precision="mixed", prune=PRUNE)
            lead = [int(np.argmax(race.ll))]
            theta, cand = race.theta[lead], cand[lead]
            spent = spent[lead] + race.n_iter[lead]
            budget -= int(race.n_iter[lead][0])
        mixed = run(theta, design, budget, precision="mixed", prune=PRUNE)
        theta, spent = mixed.theta, spent + mixed.n_iter
        if mixed.converged[int(np.argmax(mixed.ll))]:
            final = EMResult(mixed.theta, mixed.ll, np.zeros_like(spent), mixed.converged)
    if final is None:
        final = run(theta, design, st.max_iter - spent.max(), precision="double", prune=PRUNE)
    best = int(np.argmax(final.ll))
    refined_ll = np.full(n_init, np.nan)
    refined_ll[keep] = refined.ll / sample.total_weight
    chosen = cand[best]
    starts = pd.DataFrame(
        {
            "start": np.arange(1, n_init + 1),
            "screen_log_likelihood": screen_ll,
            "refined_log_likelihood": refined_ll,
            "chosen": np.arange(n_init) == (keep[chosen] if chosen >= 0 else -1),
        }
    )
    if extra is not None:
        split_row = pd.DataFrame(
            {
                "start": [n_init + 1],
                "screen_log_likelihood": [np.nan],
                "refined_log_likelihood": [np.nan],
                "chosen": [chosen < 0],
            }
        )
        starts = pd.concat([starts, split_row], ignore_index=True)
    info = {
        "ll": float(final.ll[best]),
        "n_iter": int(spent[best] + final.n_iter[best]),
        "converged": bool(final.converged[best]),
        "starts": starts,
    }
    return final.theta[best], info
