"""Latent class analysis of categorical survey answers (polytomous LCA, as R's poLCA)."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ..errors import DataError
from ._base import SegmentModelMixin, check_choice, check_int, check_number
from ._em import e_step, fit_em, make_design, normalise, random_params, subset
from ._items import category_labels, encode_items, learn_categories

__all__ = ["LatentClassModel", "MISSING", "ACCELERATIONS"]

MISSING = ("include", "listwise")
#: Most float32 steps per stage; float64 steps take over if the rounding hides convergence.
_F32_STEPS = 500
#: Candidates trailing the best by more than this mean log-likelihood per respondent stop.
_PRUNE = 1e-3
ACCELERATIONS = ("squarem", "none")


class LatentClassModel(SegmentModelMixin, BaseEstimator):
    """Latent class model for categorical (nominal or ordinal) items, fitted by EM.

    Parameters
    ----------
    n_classes : int
        Number of latent classes (segments).
    n_init : int
        Random starts. All run side by side for `screen_iter` EM steps; the `n_refine` best
        are run to convergence and the best of those is kept. With more than `screen_sample`
        distinct answer patterns, both stages use a random sample of patterns and the winner
        is then run to convergence on all the data.
    screen_iter : int
        EM steps of the screening run.
    n_refine : int
        Starts refined to convergence after screening.
    screen_sample : int
        Patterns sampled for screening and refinement when there are more.
    max_iter : int
        Most EM steps per refined start (each SQUAREM cycle counts as three).
    tol : float
        Convergence when the mean log-likelihood per respondent changes by less than this.
    ordinal : bool
        Constrain every item to an adjacent-category logit with class-specific locations
        (categories scored 0, 1, ... in sorted order); see Notes.
    missing : {"include", "listwise"}
        "include" (default) keeps respondents with missing answers, whose observed answers
        alone enter the likelihood (missing at random); "listwise" drops them as poLCA's
        default ``na.rm = TRUE`` does (they still get posteriors from their answers).
    acceleration : {"squarem", "none"}
        SQUAREM extrapolation (Varadhan and Roland 2008) or plain EM.
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
        ``start, screen_log_likelihood, refined_log_likelihood, chosen`` for every start (the
        last is the split start when ``fit(init_from=...)`` was used)
        (mean log-likelihood per respondent of the data screened / refined on; NaN where a
        stage did not run).
    categories_ : dict of str to ndarray

    Notes
    -----
    The answers are held as a one-hot matrix, so the E-step and M-step are matrix products;
    identical answer patterns are merged with frequency weights. Log-likelihoods reproduce
    poLCA 1.6 (``values``: 1-3 classes; ``election``, 12 items: 1-3 classes) within 0.01
    (tests/test_segments_lca.py). Parameters count ``(K - 1) + K * sum(C_j - 1)``, as poLCA.

    With ``ordinal=True`` item ``j`` follows ``log(p_jkc / p_jk,c-1) = tau_jc + g_jk``,
    ``(C_j - 1) + (K - 1)`` parameters per item (Vermunt's ordinal indicators).
    """

    def __init__(
        self,
        n_classes: int = 2,
        *,
        n_init: int = 10,
        screen_iter: int = 20,
        n_refine: int = 2,
        screen_sample: int = 20000,
        max_iter: int = 5000,
        tol: float = 1e-8,
        ordinal: bool = False,
        missing: str = "include",
        acceleration: str = "squarem",
        n_threads: int | None = None,
        random_state: int | None = None,
    ) -> None:
        self.n_classes = n_classes
        self.n_init = n_init
        self.screen_iter = screen_iter
        self.n_refine = n_refine
        self.screen_sample = screen_sample
        self.max_iter = max_iter
        self.tol = tol
        self.ordinal = ordinal
        self.missing = missing
        self.acceleration = acceleration
        self.n_threads = n_threads
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting

    def _validate(self) -> None:
        check_int("n_classes", self.n_classes)
        check_int("n_init", self.n_init)
        check_int("screen_iter", self.screen_iter, 0)
        check_int("n_refine", self.n_refine)
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
        self.categories_ = learn_categories(frame)
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
            theta, info = self._search(design, k, self._split_start(init_from, design))
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
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _split_start(self, other: LatentClassModel | None, design) -> np.ndarray | None:
        """A start made from a fitted model with fewer classes: its largest class split."""
        if other is None:
            return None
        check_is_fitted(other, "posteriors_")
        k, k0 = self.n_classes, other.n_classes
        same = list(other.categories_) == list(self.categories_) and all(
            np.array_equal(other.categories_[i], self.categories_[i]) for i in self.categories_
        )
        if not same or k0 >= k:
            raise DataError(
                "init_from must be a fitted model with fewer classes on the same items and "
                f"categories (got {k0} classes for a {k}-class fit)"
            )
        rng = np.random.default_rng(0 if self.random_state is None else self.random_state)
        logpi, logp = list(other._logpi), other._logp
        cols = [logp[:, j] for j in range(k0)]
        while len(cols) < k:
            big = int(np.argmax(logpi))
            # Two slightly different copies of the largest class share its weight.
            noise = rng.normal(0, 0.1, len(cols[big]))
            cols.append(cols[big] + noise)
            logpi[big] -= np.log(2)
            logpi.append(logpi[big])
        theta = np.concatenate([np.array(logpi), np.stack(cols, axis=1).ravel()])[None, :]
        return normalise(theta, design, k)

    def _search(self, design, k: int, extra: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
        """Screen random starts, refine the best, finish the winner on all the data."""
        rng = np.random.default_rng(self.random_state)
        n_init = 1 if k == 1 else self.n_init
        theta = random_params(design, k, n_init, rng)
        if extra is not None:
            theta = np.concatenate([theta, extra])
            n_init += 1
        # Screening and refinement use a sample of the answer patterns when there are many:
        # which start wins hardly depends on it, and the winner is finished on all the data.
        sample = design
        m = design.xt.shape[1]
        if m > self.screen_sample and n_init > 1:
            sample = subset(design, np.sort(rng.choice(m, self.screen_sample, replace=False)))
        screen_ll = np.full(n_init, np.nan)
        used = np.zeros(n_init, dtype=int)
        keep = np.arange(n_init)
        if n_init > self.n_refine and self.screen_iter > 0:
            # Every start side by side for a few plain EM steps.
            screened = self._em(theta, sample, k, self.screen_iter, wide=False, plain=True)
            screen_ll = screened.ll / sample.total_weight
            used = screened.n_iter
            keep = np.argsort(-screened.ll, kind="stable")[: self.n_refine]
            if extra is not None and n_init - 1 not in keep:
                keep = np.append(keep, n_init - 1)  # the split start always goes on
            theta = screened.theta[keep]
        used = used[keep]
        # Float32 steps while far from the optimum (their rounding, ~1e-7 of the mean
        # log-likelihood, is below what those steps gain), float64 to finish.
        loose = max(self.tol, 5e-7)
        refined = self._em(theta, sample, k, _F32_STEPS, wide=False, tol=loose, prune=_PRUNE)
        used += refined.n_iter
        if sample is design:
            cand = np.array([int(np.argmax(refined.ll))])
        else:
            # A spurious small class can fit the sample's quirks: finish the two best and the
            # split start on all the data and judge them there.
            cand = np.argsort(-refined.ll, kind="stable")[:2]
            if extra is not None and len(keep) - 1 not in cand and keep[-1] == n_init - 1:
                cand = np.append(cand, len(keep) - 1)
        theta, spent = refined.theta[cand], used[cand]
        if sample is not design:
            budget = min(_F32_STEPS, self.max_iter - spent.max())
            coarse = self._em(theta, design, k, budget, wide=False, tol=loose, prune=_PRUNE)
            theta, spent = coarse.theta, spent + coarse.n_iter
        final = self._em(
            theta, design, k, self.max_iter - spent.max(), wide=True, tol=self.tol, prune=_PRUNE
        )
        best = int(np.argmax(final.ll))
        refined_ll = np.full(n_init, np.nan)
        refined_ll[keep] = refined.ll / sample.total_weight
        starts = pd.DataFrame(
            {
                "start": np.arange(1, n_init + 1),
                "screen_log_likelihood": screen_ll,
                "refined_log_likelihood": refined_ll,
                "chosen": np.arange(n_init) == keep[cand[best]],
            }
        )
        info = {
            "ll": final.ll[best],
            "n_iter": int(spent[best] + final.n_iter[best]),
            "converged": bool(final.converged[best]),
            "starts": starts,
        }
        return final.theta[best], info

    def _em(self, theta, design, k, max_iter, *, wide, tol=None, plain=False, prune=None):
        return fit_em(
            theta,
            design,
            k,
            max_iter=max(int(max_iter), 1),
            tol=self.tol if tol is None else tol,
            ordinal=self.ordinal,
            accelerate=not plain and self.acceleration == "squarem",
            wide=wide,
            final_ll=wide,
            prune=prune,
        )

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
        check_is_fitted(self, "posteriors_")
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
        check_is_fitted(self, "posteriors_")
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
