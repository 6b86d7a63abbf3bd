"""Numerical core of the latent class model: batched EM, SQUAREM, screening of random starts.

Everything here works on arrays and knows nothing of DataFrames. A *design* holds the answers as
a transposed one-hot matrix ``xt`` (one row per item category, one column per distinct response
pattern, plus a last row of ones) and a weight per pattern. The E-step is then one matrix
product ``W.T @ xt`` (the row of ones adds the log class shares) and the M-step another,
``xt @ R.T`` (the row of ones yields the class totals). Several random starts run side by side in
the same products, their classes stacked as extra columns, which costs far less than one product
per start because the products are bound by reading ``xt`` from memory.

Parameters of ``S`` starts are a ``(S, P)`` array: ``K`` log class shares followed by the
``D x K`` log item-category probabilities (row-major), ``D`` being the number of categories over
all items. A missing answer is a column of zeros in the item's block, so it drops out of both
the likelihood and the M-step without special cases.

The one-hot matrix is stored in float32 (0 and 1 are exact), which halves its memory and the
time of the products, the bottleneck. Steps run in float32 arithmetic (``wide=False``) while
far from convergence, where rounding (about 1e-7 of the log-likelihood per respondent) does not
matter; the last steps and every reported log-likelihood use float64 (``wide=True``), for
which each block of the matrix is widened on the fly.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ._ordinal import ordinal_mstep

__all__ = [
    "Design",
    "LOG_FLOOR",
    "e_step",
    "em_step",
    "loglik",
    "make_design",
    "normalise",
    "random_params",
    "subset",
]

#: Log-probabilities are kept above this so 0 * log p stays finite in the products.
LOG_FLOOR = -700.0
#: Patterns per block of the products. Keeps each (S*K, block) temporary under glibc's 32 MB
#: mmap threshold, so blocks are recycled instead of page-faulted afresh on every EM step.
_CHUNK = 1 << 14
#: Fewest patterns per thread worth a thread of its own.
_MIN_PARALLEL = 4096


@dataclass
class Design:
    """Answers in the form the EM products need."""

    xt: np.ndarray  # (D + 1, m) float32 one-hot answers, transposed, and a last row of ones
    weights: np.ndarray  # (m,) frequency x sample weight of each pattern
    n_categories: np.ndarray  # (J,) categories per item
    offsets: np.ndarray  # (J,) first row of each item's block in xt
    observed: np.ndarray | None = None  # (J, m) float32 1 = item answered; None if all are
    threads: int = 1  # blocks of patterns processed in parallel (numpy releases the GIL)

    @property
    def total_weight(self) -> float:
        return float(self.weights.sum())

    @property
    def n_rows(self) -> int:
        """D, the number of item categories (rows of xt without the row of ones)."""
        return self.xt.shape[0] - 1

    @property
    def unit_weights(self) -> bool:
        return bool((self.weights == 1).all())


def make_design(
    codes: np.ndarray,
    n_categories: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    compress: bool = True,
) -> tuple[Design, np.ndarray]:
    """Build a design from integer codes (``-1`` = missing), merging identical patterns.

    Returns the design and, for each input row, the column of its pattern.
    """
    n, n_items = codes.shape
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    small = codes.astype(np.int8 if n_categories.max() < 127 else np.int16, copy=False)
    inverse = np.arange(n)
    if compress and n > 1:
        # Identical answer patterns have identical posteriors: fit each pattern once, weighted.
        first, inv = _unique_rows(small)
        if len(first) < 0.9 * n:
            small, inverse = small[first], inv
            weights = np.bincount(inv, weights=weights, minlength=len(first))
    offsets = np.concatenate([[0], np.cumsum(n_categories)[:-1]]).astype(np.int64)
    m = len(small)
    d = int(n_categories.sum())
    xt = np.empty((d + 1, m), dtype=np.float32)
    xt[d] = 1.0
    by_item = np.ascontiguousarray(small.T)
    for j in range(n_items):
        cats = np.arange(n_categories[j], dtype=small.dtype)[:, None]
        np.equal(by_item[j][None, :], cats, out=xt[offsets[j] : offsets[j] + n_categories[j]])
    observed = None
    if (small < 0).any():
        observed = (by_item >= 0).astype(np.float32)
    return Design(xt, weights, n_categories.astype(np.int64), offsets, observed), inverse


def subset(design: Design, columns: np.ndarray) -> Design:
    """The design restricted to some patterns (weights kept: a uniform sample of patterns)."""
    observed = design.observed
    return Design(
        np.ascontiguousarray(design.xt[:, columns]),
        design.weights[columns],
        design.n_categories,
        design.offsets,
        None if observed is None else np.ascontiguousarray(observed[:, columns]),
        design.threads,
    )


def _unique_rows(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First occurrence of each distinct row and each row's pattern number."""
    # A 64-bit hash (wrapping integer arithmetic) sorts far faster than the rows themselves.
    mult = np.random.default_rng(12345).integers(1, 2**62, small.shape[1], dtype=np.int64) | 1
    h = (small.astype(np.int64) + 2) @ mult
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if len(first) < 0.9 * len(small) and not np.array_equal(small[first][inverse], small):
        # A hash collision merged different rows: fall back to sorting the rows themselves.
        width = small.itemsize * small.shape[1]
        packed = np.ascontiguousarray(small).view(np.dtype((np.void, width)))
        _, first, inverse = np.unique(packed.ravel(), return_index=True, return_inverse=True)
    return first, inverse.ravel()


# ---------------------------------------------------------------------------------------------
# parameter helpers


def split_params(theta: np.ndarray, k: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Views ``(S, K)`` log shares and ``(S, D, K)`` log item probabilities of `theta`."""
    s = theta.shape[0]
    return theta[:, :k], theta[:, k:].reshape(s, d, k)


def normalise(theta: np.ndarray, design: Design, k: int) -> np.ndarray:
    """Project log-parameters back onto probabilities (log-softmax per share / item block)."""
    logpi, logp = split_params(theta, k, design.n_rows)
    logpi = logpi - _lse(logpi, axis=1)[:, None]
    top = np.maximum.reduceat(logp, design.offsets, axis=1)
    expo = np.exp(logp - np.repeat(top, design.n_categories, axis=1))
    total = np.log(np.add.reduceat(expo, design.offsets, axis=1)) + top
    logp = logp - np.repeat(total, design.n_categories, axis=1)
    out = np.concatenate([logpi, logp.reshape(len(theta), -1)], axis=1)
    return np.maximum(out, LOG_FLOOR)


def _lse(a: np.ndarray, axis: int) -> np.ndarray:
    top = a.max(axis=axis, keepdims=True)
    return (np.log(np.exp(a - top).sum(axis=axis, keepdims=True)) + top).squeeze(axis)


def random_params(design: Design, k: int, n_starts: int, rng: np.random.Generator) -> np.ndarray:
    """Random starts: Dirichlet item probabilities around the observed margins, equal shares."""
    d = design.n_rows
    margin = (design.xt[:d] @ design.weights.astype(np.float32)).astype(np.float64)
    tot = np.repeat(np.add.reduceat(margin, design.offsets), design.n_categories)
    margin = np.maximum(margin / np.maximum(tot, 1e-300), 1e-3)
    draw = rng.gamma(1.0, size=(n_starts, d, k)) * margin[None, :, None]
    sums = np.repeat(np.add.reduceat(draw, design.offsets, axis=1), design.n_categories, axis=1)
    logp = np.log(draw / sums)
    logpi = np.full((n_starts, k), -np.log(k))
    return np.maximum(np.concatenate([logpi, logp.reshape(n_starts, -1)], axis=1), LOG_FLOOR)


# ---------------------------------------------------------------------------------------------
# E- and M-steps for S starts at once


def _weights_matrix(theta: np.ndarray, k: int, design: Design, dtype) -> tuple:
    """``(D + 1, S*K)`` log item probabilities, then the log shares (met by the row of ones),
    each item's block centred on its expected log-probability; and the centres ``(S, J)``.

    Centring leaves the posteriors unchanged (the centres are the same for every class) but
    keeps the products' sums small, so float32 rounds them ten times less.
    """
    s, d = theta.shape[0], design.n_rows
    logp = theta[:, k:].reshape(s, d, k)
    centre = np.add.reduceat(np.exp(logp) * logp, design.offsets, axis=1).mean(axis=2)
    logp = logp - np.repeat(centre, design.n_categories, axis=1)[:, :, None]
    w = np.empty((d + 1, s * k), dtype=dtype)
    w[:d] = logp.transpose(1, 0, 2).reshape(d, s * k)
    w[d] = theta[:, :k].ravel()
    return w, centre


def _centre_back(centre: np.ndarray, design: Design, lo: int, hi: int) -> np.ndarray:
    """What centring took off each pattern's log-likelihood: ``(S, b)`` or ``(S, 1)``."""
    if design.observed is None:
        return centre.sum(axis=1, keepdims=True)
    return centre @ design.observed[:, lo:hi].astype(np.float64)


def _posterior_block(w: np.ndarray, xt: np.ndarray, s: int, k: int):
    """Unnormalised posteriors ``(S, K, b)`` (scaled by their max) and the log-likelihoods
    (without the centres)."""
    if w.dtype != xt.dtype:
        xt = xt.astype(w.dtype)
    joint = (w.T @ xt).reshape(s, k, -1)
    top = joint.max(axis=1, keepdims=True)
    np.subtract(joint, top, out=joint)
    np.exp(joint, out=joint)
    total = joint.sum(axis=1, keepdims=True)
    ll = np.log(total[:, 0, :], dtype=np.float64) + top[:, 0, :]
    return joint, total, ll, xt


def _dtype(wide: bool):
    return np.float64 if wide else np.float32


def e_step(
    theta: np.ndarray, design: Design, k: int, xt: tuple[int, int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Posteriors ``(S, K, b)`` and log-likelihoods ``(S, b)`` (float64) of the patterns
    ``lo:hi`` given as `xt` (default: all)."""
    lo, hi = (0, design.xt.shape[1]) if xt is None else xt
    w, centre = _weights_matrix(theta, k, design, np.float64)
    joint, total, ll, _ = _posterior_block(w, design.xt[:, lo:hi], theta.shape[0], k)
    joint /= total
    return joint, ll + _centre_back(centre, design, lo, hi)


def _blocks(design: Design) -> list[tuple[int, int]]:
    """Column blocks of the design: each at most _CHUNK, and one per thread when worth it."""
    m = design.xt.shape[1]
    parts = design.threads if m >= _MIN_PARALLEL * design.threads else 1
    n_blocks = -(-max(-(-m // _CHUNK), parts) // parts) * parts
    edges = np.linspace(0, m, n_blocks + 1).astype(int)
    return list(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True))


_POOLS: dict[int, ThreadPoolExecutor] = {}


def _pool(threads: int) -> ThreadPoolExecutor:
    """A lasting pool per thread count: a fit takes thousands of EM steps, and starting fresh
    threads for each one cost a third of a 20,000-row sweep's time (issue 15, part 9)."""
    pool = _POOLS.get(threads)
    if pool is None:
        pool = _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix="research-em")
    return pool


def _forget_pools() -> None:  # a forked child must not use its parent's (absent) threads
    _POOLS.clear()


os.register_at_fork(after_in_child=_forget_pools)


def _map_blocks(func, design: Design) -> list:
    blocks = _blocks(design)
    # Serial inside a pool thread: nested waits on one pool could deadlock.
    nested = threading.current_thread().name.startswith("research-em")
    if design.threads == 1 or len(blocks) == 1 or nested:
        return [func(lo, hi) for lo, hi in blocks]
    return list(_pool(design.threads).map(lambda b: func(*b), blocks))


def loglik(theta: np.ndarray, design: Design, k: int, wide: bool = True) -> np.ndarray:
    """Weighted log-likelihood ``(S,)`` of each parameter set."""
    w, centre = _weights_matrix(theta, k, design, _dtype(wide))

    def block(lo: int, hi: int) -> np.ndarray:
        ll = _posterior_block(w, design.xt[:, lo:hi], theta.shape[0], k)[2]
        return (ll + _centre_back(centre, design, lo, hi)) @ design.weights[lo:hi]

    return np.sum(_map_blocks(block, design), axis=0)


def em_step(
    theta: np.ndarray,
    design: Design,
    k: int,
    ordinal: bool = False,
    state: dict | None = None,
    wide: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """One EM iteration for each start: new parameters and the log-likelihood of `theta`."""
    s = theta.shape[0]
    d = design.n_rows
    w, centre = _weights_matrix(theta, k, design, _dtype(wide))
    unit = design.unit_weights

    def block(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        joint, total, ll_rows, xt = _posterior_block(w, design.xt[:, lo:hi], s, k)
        wts = design.weights[lo:hi]
        # Normalising and weighting the posteriors is one multiplication.
        joint *= 1.0 / total if unit else wts / total
        ll_rows += _centre_back(centre, design, lo, hi)
        return xt @ joint.reshape(s * k, -1).T, ll_rows @ wts

    parts = _map_blocks(block, design)
    counts = np.sum([c for c, _ in parts], axis=0, dtype=np.float64)
    ll = np.sum([v for _, v in parts], axis=0)
    class_n = counts[d].reshape(s, k)
    counts = counts[:d].reshape(d, s, k).transpose(1, 0, 2)  # (S, D, K)
    logpi = np.log(np.maximum(class_n / design.total_weight, 1e-300))
    if ordinal:
        logp = ordinal_mstep(counts, design, state if state is not None else {})
    else:
        sums = np.add.reduceat(counts, design.offsets, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = counts / np.repeat(sums, design.n_categories, axis=1)
        # A class with no weight keeps uniform item probabilities rather than NaN.
        uniform = 1.0 / np.repeat(design.n_categories, design.n_categories)
        p = np.where(np.isfinite(p), p, uniform[None, :, None])
        with np.errstate(divide="ignore"):
            logp = np.log(p)
    new = np.concatenate([logpi, logp.reshape(s, -1)], axis=1)
    return np.maximum(new, LOG_FLOOR), ll
