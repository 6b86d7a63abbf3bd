"""Latent class analysis of categorical survey answers (polytomous LCA, as R's poLCA)."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ..errors import DataError
from ..estimator import Estimator, check_fitted, convergence_warning
from ._base import SegmentModelMixin, check_choice, check_int, check_number
from ._em import e_step, make_design
from ._items import category_labels, encode_items, learn_categories
from ._search import search, split_start

__all__ = ["LatentClassModel", "MISSING", "ACCELERATIONS"]

MISSING = ("include", "listwise")
ACCELERATIONS = ("squarem", "none")


class LatentClassModel(SegmentModelMixin, Estimator):
    """Latent class model for categorical (nominal or ordinal) items, fitted by EM.

    Parameters
    ----------
    n_classes : int
        Number of latent classes (segments).
    n_init : int
        Starts refined to convergence and compared, as StepMix's and poLCA's ``n_init``
        (see Notes for how they are chosen, screened and refined).
    n_screen : int, optional
        Random starts drawn and screened for `screen_iter` steps, of which the `n_init` best
        are refined (default ``4 * n_init``; ``n_init`` or less: every start drawn is refined).
        Screening is cheap next to refining: with 10 starts drawn and all refined, 8 classes
        with 20% missing ended 3.9 points below StepMix (10 starts) on one seed of three; 40
        screened ended within 0.2 on every seed (``benchmarks/bench_lca_matrix.py``).
    screen_iter : int
        Plain EM steps every start gets in the screening run.
    n_refine : int, optional
        Refine only this many of the `n_init` best screened starts (default: all of them);
        stability refits use 4.
    screen_sample : int
        With more distinct answer patterns than this, screening and refinement use a random
        sample of this many, and the finalists are then finished on all the data. The default
        (200,000) screens typical surveys on all their data: a 20,000-pattern sample ranked
        starts wrongly on well-separated nominal classes (benchmarks/bench_lca_search.py).
    max_iter : int
        Most EM steps for a start (each SQUAREM cycle counts as three).
    tol : float
        Converged when neither an EM step nor a SQUAREM extrapolation raises the mean
        log-likelihood per respondent by more than this.
    ordinal : bool
        Constrain every item to an adjacent-category logit with class-specific locations
        (categories scored 0, 1, ... in sorted order); see Notes.
    missing : {"include", "listwise"}
        "include" (default) keeps respondents with missing answers, whose observed answers
        alone enter the likelihood (missing at random); "listwise" drops them as poLCA's
        default ``na.rm = TRUE`` does (they still get posteriors from their answers).
    acceleration : {"squarem", "none"}
        SQUAREM extrapolation (Varadhan and Roland 2008) or plain EM.
    categories : dict of str to array-like, optional
        The answers each item can take (default: those observed in the fit). Refits on a
        resample pass the full model's categories, so an answer the resample lacks keeps a
        (floored) probability instead of becoming unknown, and an item constant in the
        resample is still fitted.
    n_threads : int, optional
        Threads sharing the E- and M-steps (default: every core available). Results do not
        depend on it beyond the last bits of floating-point sums.
    random_state : int, optional
        Seed for the random starts.

    Attributes
    ----------
    shares_ : pd.Series
        Estimated class shares (index ``segment``), largest first.
    item_probabilities_ : pd.DataFrame
        Long table, index ``class, item, category``, column ``probability``.
    means_ : pd.DataFrame
        Expected answer per class (rows) and item (columns), for numeric categories.
    posteriors_ : pd.DataFrame
        Posterior class probabilities of each training row (columns 1..K).
    labels_ : pd.Series
        Most likely class (1 = largest) of each training row.
    log_likelihood_ : float
    n_parameters_ : int
    n_obs_ : int
        Respondents used in the fit (with at least one answer; complete cases if listwise).
    n_iter_ : int
        EM steps used by the chosen start (screening included).
    converged_ : bool
    starts_ : pd.DataFrame
        ``start, screen_log_likelihood, refined_log_likelihood, chosen``: every start's mean
        log-likelihood per respondent on the data screened / refined on (NaN where a stage did
        not run); with ``fit(init_from=...)`` the last row is the split start.
    categories_ : dict of str to ndarray
        Sorted answers of each item seen in the fit (the categories of the tables).

    Notes
    -----
    The answers are held as a one-hot matrix (float32, exact for 0/1), so the E- and M-steps
    are matrix products, split over threads; identical answer patterns are merged with
    frequency weights. Starts are searched in three stages (``research/segments/_search.py``):
    `n_screen` starts side by side for `screen_iter` float32 EM steps when more are drawn
    than refined; the `n_init` best (or `n_refine`) refined with SQUAREM to a loose tolerance;
    the best two
    finished on all the data to `tol`, in
    float32 steps judged by float64 log-likelihoods for large data and float64 otherwise.
    Reported log-likelihoods are float64. On 26 simulated and real settings (nominal and
    ordinal, K 3-8, 10-60 items, 0-20% missing, bfi) this reached the best log-likelihood of
    50 fully refined starts every time (``benchmarks/bench_lca_search.py``).

    Checked against poLCA 1.6's published log-likelihoods (``values``: 1-3 classes;
    ``election``, 12 items, listwise: 1-3 classes) within 0.01, Goodman's class shares, and
    recovery of planted classes (tests/test_segments_lca.py, test_segments_recovery.py).
    Parameters count ``(K - 1) + K * sum(C_j - 1)``, as poLCA's ``npar``.

    With ``ordinal=True`` item ``j`` follows ``log(p_jkc / p_jk,c-1) = tau_jc + g_jk``,
    ``(C_j - 1) + (K - 1)`` parameters per item (Vermunt's ordinal indicators).
    """

    def __init__(
        self,
        n_classes: int = 2,
        *,
        n_init: int = 10,
        n_screen: int | None = None,
        screen_iter: int = 20,
        n_refine: int | None = None,
        screen_sample: int = 200_000,
        max_iter: int = 5000,
        tol: float = 1e-8,
        ordinal: bool = False,
        missing: str = "include",
        acceleration: str = "squarem",
        categories: dict | None = None,
        n_threads: int | None = None,
        random_state: int | None = None,
    ) -> None:
        self.n_classes = n_classes
        self.n_init = n_init
        self.n_screen = n_screen
        self.screen_iter = screen_iter
        self.n_refine = n_refine
        self.screen_sample = screen_sample
        self.max_iter = max_iter
        self.tol = tol
        self.ordinal = ordinal
        self.missing = missing
        self.acceleration = acceleration
        self.categories = categories
        self.n_threads = n_threads
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting

    def _validate(self) -> None:
        check_int("n_classes", self.n_classes)
        check_int("n_init", self.n_init)
        check_int("screen_iter", self.screen_iter, 0)
        if self.n_refine is not None:
            check_int("n_refine", self.n_refine)
        if self.n_screen is not None:
            check_int("n_screen", self.n_screen)
        check_int("screen_sample", self.screen_sample, 100)
        check_int("max_iter", self.max_iter)
        check_number("tol", self.tol, 0.0)
        check_choice("missing", self.missing, MISSING)
        check_choice("acceleration", self.acceleration, ACCELERATIONS)
        check_choice("ordinal", self.ordinal, (False, True))
        if self.n_threads is not None:
            check_int("n_threads", self.n_threads)

    def fit(
        self,
        X: pd.DataFrame,
        y: object = None,
        sample_weight: object = None,
        init_from: LatentClassModel | None = None,
    ) -> LatentClassModel:
        """Fit the model to answers `X` (one column per item; NaN = missing answer).

        Parameters
        ----------
        X : pd.DataFrame
        y : ignored
        sample_weight : array-like, optional
            Respondent weights (frequency or sampling weights).
        init_from : LatentClassModel, optional
            A fitted model with fewer classes on the same items (typically K - 1). One extra
            start splits its largest class, so a K-class fit is never worse than it; the sweep
            over K passes each model to the next.
        """
        self._validate()
        frame = _as_frame(X)
        weights = _check_weights(sample_weight, frame)
        self.categories_ = self._categories(frame)
        self.feature_names_in_ = np.array(list(self.categories_), dtype=object)
        codes = encode_items(frame, self.categories_)
        n_cat = np.array([len(c) for c in self.categories_.values()])
        used = (codes >= 0).all(axis=1) if self.missing == "listwise" else (codes >= 0).any(axis=1)
        used &= weights > 0
        k = self.n_classes
        if used.sum() <= k:
            raise DataError(
                f"{int(used.sum())} respondents with answers are too few for {k} classes"
            )
        everyone = used.all()
        design, inverse = make_design(codes if everyone else codes[used], n_cat, weights[used])
        design.threads = _threads(self.n_threads)
        # One BLAS thread per worker: the products are split across our own threads instead,
        # which also spreads the element-wise work and avoids oversubscribing the cores.
        with threadpool_limits(limits=1):
            theta, info = search(design, k, self, self._split_start(init_from, design))
        order = np.argsort(-theta[:k], kind="stable")
        self._store(theta, order, design, n_cat)
        self.log_likelihood_ = float(info["ll"])
        self.n_iter_ = int(info["n_iter"])
        self.converged_ = bool(info["converged"])
        self.starts_ = info["starts"]
        self.n_obs_ = int(used.sum())
        self.n_parameters_ = self._count_parameters(n_cat)
        if everyone:  # posteriors of the patterns fitted, spread back to respondents
            full = np.concatenate([self._logpi, self._logp.ravel()])[None, :]
            post = _chunked_posteriors(full, design, k)[inverse]
        else:
            post = self._posterior_array(codes)
        cols = pd.Index(range(1, k + 1), name="segment")
        self.posteriors_ = pd.DataFrame(post, index=frame.index, columns=cols)
        self.labels_ = pd.Series(post.argmax(axis=1) + 1, index=frame.index, name="segment")
        self.fit_weights_ = np.where(used, weights, 0.0)
        if not self.converged_:
            warnings.warn(
                f"latent class model with {k} classes did not converge in {self.max_iter} EM "
                f"steps (tol={self.tol:g}); raise max_iter or tol",
                convergence_warning(),
                stacklevel=2,
            )
        return self

    def _categories(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        """Observed categories, or the declared ones joined with any extra the data hold."""
        if self.categories is None:
            return learn_categories(frame)
        out = {}
        for col in frame.columns:
            declared = self.categories.get(col)
            observed = frame[col].dropna().unique()
            if declared is None:
                out[col] = learn_categories(frame[[col]])[col]
                continue
            try:
                out[col] = np.unique(np.concatenate([np.asarray(declared), observed]))
            except TypeError:
                raise DataError(
                    "answers mix numbers and text; recode the item first", column=str(col)
                ) from None
        return out

    def _split_start(self, other: LatentClassModel | None, design) -> np.ndarray | None:
        if other is None:
            return None
        check_fitted(other, "posteriors_")
        k, k0 = self.n_classes, other.n_classes
        same = list(other.categories_) == list(self.categories_) and all(
            np.array_equal(other.categories_[i], self.categories_[i]) for i in self.categories_
        )
        if not same or k0 >= k:
            raise DataError(
                "init_from must be a fitted model with fewer classes on the same items and "
                f"categories (got {k0} classes for a {k}-class fit)"
            )
        seed = 0 if self.random_state is None else self.random_state
        return split_start(other._logpi, other._logp, k, design, seed)

    def _count_parameters(self, n_cat: np.ndarray) -> int:
        k = self.n_classes
        if self.ordinal:
            return (k - 1) + int(((n_cat - 1) + (k - 1)).sum())
        return (k - 1) + k * int((n_cat - 1).sum())

    def _store(self, theta: np.ndarray, order: np.ndarray, design, n_cat: np.ndarray) -> None:
        k = self.n_classes
        d = int(n_cat.sum())
        logpi = theta[:k][order]
        logp = theta[k:].reshape(d, k)[:, order]
        self._logpi = logpi
        self._logp = logp
        self._n_cat = n_cat
        self._offsets = design.offsets
        seg = pd.Index(range(1, k + 1), name="segment")
        self.shares_ = pd.Series(np.exp(logpi), index=seg, name="share")
        items = list(self.categories_)
        labels = [category_labels(c) for c in self.categories_.values()]
        index = pd.MultiIndex.from_tuples(
            [
                (cls, item, cat)
                for cls in range(1, k + 1)
                for item, cats in zip(items, labels, strict=True)
                for cat in cats
            ],
            names=["class", "item", "category"],
        )
        self.item_probabilities_ = pd.DataFrame(
            {"probability": np.exp(logp).T.ravel()}, index=index
        )
        means = {}
        for j, (item, cats) in enumerate(self.categories_.items()):
            if np.issubdtype(np.asarray(cats).dtype, np.number):
                block = np.exp(logp[design.offsets[j] : design.offsets[j] + n_cat[j]])
                means[item] = cats.astype(float) @ block
        self.means_ = pd.DataFrame(means, index=seg)

    # ------------------------------------------------------------------ prediction

    def _posterior_array(self, codes: np.ndarray) -> np.ndarray:
        design, inverse = make_design(codes, self._n_cat)
        theta = np.concatenate([self._logpi, self._logp.ravel()])[None, :]
        return _chunked_posteriors(theta, design, self.n_classes)[inverse]

    def _codes(self, X: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        check_fitted(self, "posteriors_")
        frame = _as_frame(X)
        items = list(self.categories_)
        missing = [i for i in items if i not in frame.columns]
        if missing:
            raise DataError(f"the data lack the model's items {missing}", column=missing[0])
        frame = frame[items]
        return frame, encode_items(frame, self.categories_)

    def predict_proba(self, X: pd.DataFrame) -> pd.DataFrame:
        """Posterior class probabilities (columns 1..K) of each row of `X`."""
        frame, codes = self._codes(X)
        post = self._posterior_array(codes)
        return pd.DataFrame(post, index=frame.index, columns=self.posteriors_.columns)

    def predict(self, X: pd.DataFrame) -> pd.Series:
        """Most likely class (1 = largest) of each row: a pure function of the rows given."""
        proba = self.predict_proba(X)
        return pd.Series(proba.to_numpy().argmax(axis=1) + 1, index=proba.index, name="segment")

    def score_samples(self, X: pd.DataFrame) -> pd.Series:
        """Log-likelihood of each row's observed answers."""
        frame, codes = self._codes(X)
        design, inverse = make_design(codes, self._n_cat)
        theta = np.concatenate([self._logpi, self._logp.ravel()])[None, :]
        _, ll = e_step(theta, design, self.n_classes)
        return pd.Series(ll[0][inverse], index=frame.index, name="log_likelihood")

    def score(self, X: pd.DataFrame, y: object = None, sample_weight: object = None) -> float:
        """Mean log-likelihood per respondent (weighted if `sample_weight` is given)."""
        ll = self.score_samples(X).to_numpy()
        w = _check_weights(sample_weight, X)
        return float(ll @ w / w.sum())

    def sample(self, n: int, *, random_state: int | None = None) -> tuple[pd.DataFrame, pd.Series]:
        """Draw `n` complete respondents from the fitted model: answers and their class."""
        check_fitted(self, "posteriors_")
        n = check_int("n", n)
        rng = np.random.default_rng(random_state)
        k = self.n_classes
        cls = rng.choice(k, size=n, p=np.exp(self._logpi) / np.exp(self._logpi).sum())
        out = {}
        for j, (item, cats) in enumerate(self.categories_.items()):
            block = np.exp(self._logp[self._offsets[j] : self._offsets[j] + self._n_cat[j]])
            cum = np.cumsum(block / block.sum(axis=0), axis=0)[:, cls]  # (C, n)
            pick = np.minimum((rng.random(n) > cum).sum(axis=0), len(cats) - 1)
            out[item] = cats[pick]
        index = pd.RangeIndex(n, name="respondent_id")
        return pd.DataFrame(out, index=index), pd.Series(cls + 1, index=index, name="segment")


def _threads(n_threads: int | None) -> int:
    if n_threads is not None:
        return int(n_threads)
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def _chunked_posteriors(theta: np.ndarray, design, k: int) -> np.ndarray:
    """Posteriors ``(m, K)`` of every pattern of `design` for one parameter set."""
    m = design.xt.shape[1]
    out = np.empty((m, k))
    step = 1 << 16
    for lo in range(0, m, step):
        post, _ = e_step(theta, design, k, (lo, min(lo + step, m)))
        out[lo : lo + step] = post[0].T
    return out


def _as_frame(X: object) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        frame = X
    else:
        arr = np.asarray(X)
        if arr.ndim != 2:
            raise DataError(f"answers must be a 2-D table, got an array of shape {arr.shape}")
        frame = pd.DataFrame(arr, columns=[f"item{j + 1}" for j in range(arr.shape[1])])
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise DataError(f"answers table is empty ({frame.shape[0]} rows, {frame.shape[1]} items)")
    frame = frame.copy(deep=False)
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _check_weights(sample_weight: object, frame: object) -> np.ndarray:
    n = len(frame)
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype=float).ravel()
    if w.shape != (n,):
        raise DataError(f"sample_weight has {w.size} values for {n} respondents")
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        bad = (
            int(np.flatnonzero(~np.isfinite(w) | (w < 0))[0])
            if (w < 0).any() or not np.isfinite(w).all()
            else None
        )
        raise DataError(
            "sample_weight must be finite, non-negative and not all zero",
            row=None if bad is None else getattr(frame, "index", range(n))[bad],
        )
    return w
