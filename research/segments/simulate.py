"""Seeded survey answers with planted latent classes, for tests, benchmarks and teaching."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["SimulatedSegments", "simulate_segments"]


@dataclass(frozen=True)
class SimulatedSegments:
    """Answers drawn from a known latent class model.

    Attributes
    ----------
    data : pd.DataFrame
        One row per respondent (index ``respondent_id``), one column per item, codes
        ``1..n_categories`` (NaN where an answer was dropped as missing).
    truth : pd.Series
        Planted class per respondent, numbered in the order of `shares` (largest first by
        default).
    shares : pd.Series
        Planted class shares (index ``class``); the realised counts match them to the person.
    item_probabilities : pd.DataFrame
        Long table, index ``class, item, category``, column ``probability``.
    """

    data: pd.DataFrame
    truth: pd.Series
    shares: pd.Series
    item_probabilities: pd.DataFrame


def simulate_segments(
    n: int,
    *,
    n_items: int = 12,
    n_categories: int = 5,
    n_classes: int = 3,
    shares: list[float] | None = None,
    separation: float = 2.0,
    ordinal: bool = True,
    missing: float = 0.0,
    random_state: int | None = None,
) -> SimulatedSegments:
    """Draw `n` respondents from a latent class model with known classes.

    Parameters
    ----------
    n : int
        Respondents.
    n_items, n_categories, n_classes : int
        Items, answer categories per item (coded 1..C) and planted classes.
    shares : list of float, optional
        Class shares (default proportional to ``K, K-1, ..., 1``, largest first).
    separation : float
        Spread of the class locations on each item: about 1 gives overlapping classes,
        2 (default) distinct ones (with 12 or more items, 95% of respondents or more are
        classified correctly), 3 nearly deterministic answers.
    ordinal : bool
        If True, class ``k`` answers item ``j`` by an adjacent-category logit,
        ``p_kc ∝ exp(b_jc + c * g_jk)`` with ``g_jk ~ N(0, separation)``; if False, each class
        has its own Dirichlet-drawn answer distribution (`separation` sets its concentration).
    missing : float
        Share of answers dropped completely at random.
    random_state : int, optional
        Seed; the same seed gives the same data.

    Returns
    -------
    SimulatedSegments
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise DataError(f"n must be a positive integer, got {n!r}")
    for name, value, low in (
        ("n_items", n_items, 1),
        ("n_categories", n_categories, 2),
        ("n_classes", n_classes, 1),
    ):
        if not isinstance(value, int | np.integer) or value < low:
            raise DataError(f"{name} must be an integer >= {low}, got {value!r}")
    if not 0 <= missing < 1:
        raise DataError(f"missing must be in [0, 1), got {missing!r}")
    if shares is None:
        raw = np.arange(n_classes, 0, -1, dtype=float)
        share = raw / raw.sum()
    else:
        share = np.asarray(shares, dtype=float)
        if share.shape != (n_classes,) or (share <= 0).any():
            raise DataError(
                f"shares must be {n_classes} positive numbers (one per class), got {shares!r}"
            )
        share = share / share.sum()
    rng = np.random.default_rng(random_state)
    counts = np.floor(share * n).astype(int)
    counts[: n - counts.sum()] += 1  # the remainder goes to the largest classes
    truth = rng.permutation(np.repeat(np.arange(n_classes), counts))

    c = np.arange(n_categories)
    if ordinal:
        base = rng.normal(0, 0.5, (n_items, 1, n_categories))
        loc = rng.normal(0, separation, (n_items, n_classes, 1))
        eta = base + loc * c / max(n_categories - 1, 1) * 2
    else:
        alpha = np.full(n_categories, 1.0 / max(separation, 1e-3))
        eta = np.log(np.maximum(rng.dirichlet(alpha, (n_items, n_classes)), 1e-12))
    prob = np.exp(eta - eta.max(axis=2, keepdims=True))
    prob /= prob.sum(axis=2, keepdims=True)  # (J, K, C)

    # Inverse-CDF draws, one item at a time (memory stays ~ n x C).
    codes = np.empty((n, n_items))
    for j in range(n_items):
        cum = np.cumsum(prob[j], axis=1)[truth]  # (n, C)
        codes[:, j] = (rng.random((n, 1)) > cum).sum(axis=1) + 1.0
    codes = np.minimum(codes, n_categories)
    if missing > 0:
        codes[rng.random(codes.shape) < missing] = np.nan

    items = [f"q{j + 1}" for j in range(n_items)]
    index = pd.Index([f"r{i + 1}" for i in range(n)], name="respondent_id")
    data = pd.DataFrame(codes, index=index, columns=items)
    classes = pd.Index(range(1, n_classes + 1), name="class")
    table = pd.DataFrame(
        {"probability": prob.transpose(1, 0, 2).ravel()},
        index=pd.MultiIndex.from_product(
            [classes, items, range(1, n_categories + 1)], names=["class", "item", "category"]
        ),
    )
    return SimulatedSegments(
        data=data,
        truth=pd.Series(truth + 1, index=index, name="class"),
        shares=pd.Series(share, index=classes, name="share"),
        item_probabilities=table,
    )
