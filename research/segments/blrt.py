"""Bootstrap likelihood-ratio test of K - 1 against K segments (McLachlan 1987)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import DataError
from ..estimator import clone, convergence_warning
from ._base import check_int

__all__ = ["bootstrap_lrt"]


def bootstrap_lrt(
    data: pd.DataFrame,
    smaller: object,
    larger: object,
    *,
    n_boot: int = 50,
    n_init: int = 5,
    random_state: int | None = 0,
    advance: object = None,
) -> dict[str, object]:
    """Parametric bootstrap p-value for "K segments fit no better than K - 1".

    Parameters
    ----------
    data : pd.DataFrame
        The data both models were fitted to.
    smaller, larger : fitted LatentClassModel or ProfileModel
        The K - 1 and K segment models (same kind and options).
    n_boot : int
        Bootstrap samples, each drawn from `smaller` with the observed missing-answer pattern
        of `data`, and fitted with K - 1 and K segments (`n_init` starts each).
    random_state : int, optional
    advance : callable, optional
        Called once per bootstrap sample (for a progress bar).

    Returns
    -------
    dict
        ``lr`` (observed ``2 (LL_K - LL_K-1)``), ``p_value`` (``(1 + #{LR_b >= lr}) / (B + 1)``)
        and ``lr_boot`` (the bootstrap statistics).

    Notes
    -----
    As in Nylund, Asparouhov and Muthén (2007). Sample weights are not carried into the
    bootstrap samples, which are drawn from the fitted model itself.
    """
    n_boot = check_int("n_boot", n_boot)
    n_init = check_int("n_init", n_init)
    if not hasattr(smaller, "sample"):
        raise DataError(f"{type(smaller).__name__} cannot be sampled for the BLRT")
    if getattr(smaller, "kind", None) == "kmeans":
        raise DataError("the BLRT needs a likelihood; k-means has none (use kind='gmm' or 'lca')")
    lr = 2 * (larger.log_likelihood_ - smaller.log_likelihood_)
    mask = data.isna().to_numpy()
    rng = np.random.default_rng(random_state)
    seeds = rng.integers(0, 2**31 - 1, size=(n_boot, 3))
    stats = np.empty(n_boot)
    for b in range(n_boot):
        sample, _ = smaller.sample(len(data), random_state=int(seeds[b, 0]))
        sample = sample.where(~mask) if mask.any() else sample
        fits = []
        for model, seed in ((smaller, seeds[b, 1]), (larger, seeds[b, 2])):
            est = clone(model).set_params(n_init=n_init, random_state=int(seed))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", convergence_warning())
                fits.append(est.fit(sample).log_likelihood_)
        # A K-segment fit can't be worse than K - 1 at its optimum; clip start noise at 0.
        stats[b] = max(2 * (fits[1] - fits[0]), 0.0)
        if advance is not None:
            advance()
    p = (1 + np.sum(stats >= lr)) / (n_boot + 1)
    return {"lr": float(lr), "p_value": float(p), "lr_boot": stats}
