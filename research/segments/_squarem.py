"""SQUAREM-accelerated EM for several starts at once (Varadhan and Roland 2008, scheme S3).

The extrapolation works on the log-parameters, so every proposal maps back to valid
probabilities by a log-softmax per item (:func:`~research.segments._em.normalise`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._em import Design, em_step, loglik, normalise

__all__ = ["EMResult", "fit_em"]

#: Log-likelihood an extrapolated SQUAREM step may lose and still be kept. R's SQUAREM allows
#: 1 (objfn.inc); 0 keeps EM's monotone ascent, which here also converged 2x faster over a
#: K = 2..8 sweep (benchmarks/bench_lca.py data), escaping fewer flat ridges of overfitted K.
_SLACK = 0.0


@dataclass
class EMResult:
    theta: np.ndarray  # (S, P) final parameters
    ll: np.ndarray  # (S,) log-likelihood at theta (float64)
    n_iter: np.ndarray  # (S,) EM steps used
    converged: np.ndarray  # (S,) bool


def fit_em(
    theta: np.ndarray,
    design: Design,
    k: int,
    *,
    max_iter: int,
    tol: float,
    ordinal: bool = False,
    accelerate: bool = True,
    precision: str = "double",
    final_ll: bool = True,
    prune: float | None = None,
) -> EMResult:
    """Run EM (SQUAREM-accelerated if asked) from each start to convergence or `max_iter`.

    precision : {"double", "single", "mixed"}
        "double" (float64) and "single" (float32) steps: a start has converged when neither an
        EM step nor the SQUAREM extrapolation gains `tol` per respondent (EM steps alone crawl
        on flat likelihoods long before the optimum). Float32 rounds the mean log-likelihood
        by about 1e-7 per respondent, so "single" is for screening and loose tolerances.
        "mixed": float32 steps judged in float64: once a cycle's float32 gain falls below
        50 x tol, the float64 likelihood of each cycle's starting point is taken, and the start
        has converged when that moves by less than `tol` per respondent in a cycle. The
        float32 fixed point lies within rounding of the float64 one, far below any useful
        `tol`, so this has float32's speed and float64's judgement.
    final_ll : bool
        Return the float64 likelihood of the returned parameters (else, for "single", the last
        float32 one computed, at or just before them).
    prune : float, optional
        A start stops once its mean log-likelihood per respondent trails the best start's by
        more than this (it cannot be the one kept).
    """
    s = theta.shape[0]
    scale = design.total_weight
    limit = tol * scale
    wide = precision == "double"
    mixed = precision == "mixed"
    theta = theta.copy()
    ll = np.full(s, -np.inf)
    exact = np.zeros(s, dtype=bool)  # ll is the float64 likelihood of theta itself
    n_iter = np.zeros(s, dtype=int)
    converged = np.zeros(s, dtype=bool)
    dropped = np.zeros(s, dtype=bool)
    step_max = np.ones(s)
    check = np.ones(s, dtype=bool)  # mixed: take the float64 likelihood this cycle
    ll64_prev = np.full(s, -np.inf)
    states = [{} for _ in range(s)] if ordinal else None
    while True:
        if prune is not None and s > 1:
            dropped |= ~converged & (ll < ll.max() - prune * scale)
        act = np.flatnonzero(~converged & ~dropped & (n_iter < max_iter))
        if len(act) == 0:
            break
        if mixed and check[act].any():
            # Judge in float64, and only near the end: float32 gains of 50 x tol and more are
            # far above its rounding.
            look = act[check[act]]
            ll64 = loglik(theta[look], design, k)
            done = np.abs(ll64 - ll64_prev[look]) < limit
            ll64_prev[look] = ll64
            ll[look], exact[look], converged[look] = ll64, True, done
            act = act[~converged[act]]
            if len(act) == 0:
                continue
        state = {"starts": [states[i] for i in act]} if ordinal else None
        th0 = theta[act]
        th1, ll0 = em_step(th0, design, k, ordinal, state, wide)
        if not accelerate:
            theta[act] = th1
            n_iter[act] += 1
            if not mixed:
                converged[act] = np.abs(ll0 - ll[act]) < limit
                ll[act] = ll0
            exact[act] = False
            continue
        th2, ll1 = em_step(th1, design, k, ordinal, state, wide)
        r = th1 - th0
        v = th2 - th1 - r
        rr = np.einsum("ij,ij->i", r, r)
        vv = np.einsum("ij,ij->i", v, v)
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = -np.sqrt(rr / vv)
        alpha = np.clip(np.where(np.isfinite(alpha), alpha, -1.0), -step_max[act], -1.0)
        prop = normalise(th0 - 2 * alpha[:, None] * r + (alpha**2)[:, None] * v, design, k)
        th3, ll_prop = em_step(prop, design, k, ordinal, state, wide)
        n_iter[act] += 3
        # Keep the extrapolation unless it lost likelihood (more than _SLACK); else plain EM.
        bad = ~(ll_prop >= ll0 - _SLACK)
        step = np.where(bad[:, None], th2, th3)
        grow = (~bad) & (alpha <= -step_max[act])
        # Step bounds as R's SQUAREM: grow x4 while steps hit the bound, shrink on failure.
        shrink = np.maximum(step_max[act] / 4, 1.0)
        step_max[act] = np.where(bad, shrink, np.where(grow, step_max[act] * 4, step_max[act]))
        if mixed:
            gain = np.maximum(ll1, np.where(bad, -np.inf, ll_prop)) - ll0
            check[act] = gain < 50 * limit
            theta[act], exact[act] = step, False
            ll[act] = np.maximum(ll[act], ll0)
            continue
        # Converged: return the better of th1 and prop, whose likelihoods are known.
        done = (ll1 - ll0 < limit) & (bad | (ll_prop - ll0 < limit))
        last = np.where((~bad & (ll_prop > ll1))[:, None], prop, th1)
        theta[act] = np.where(done[:, None], last, step)
        ll[act] = np.where(done, np.maximum(ll1, np.where(bad, -np.inf, ll_prop)), ll1)
        exact[act] = done & wide
        converged[act] = done
    if final_ll:
        need = ~exact
        if need.any():
            ll[need] = loglik(theta[need], design, k)
    return EMResult(theta, ll, n_iter, converged)
