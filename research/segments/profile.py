"""Profile models on continuous bases (factor scores): Gaussian mixtures and k-means."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.utils.validation import check_array, check_is_fitted
from threadpoolctl import threadpool_limits

from ..errors import DataError
from ._base import SegmentModelMixin
from ._base import check_choice as _check_choice

__all__ = ["ProfileModel", "KINDS", "COVARIANCE_TYPES"]

#: "lpa" (latent profile analysis) is another name for "gmm".
KINDS = ("gmm", "lpa", "kmeans")
COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


class ProfileModel(SegmentModelMixin, BaseEstimator):
    """Latent profile analysis (Gaussian mixture) or k-means, with segments ordered by size.

    Parameters
    ----------
    n_segments : int
        Number of segments.
    kind : {"gmm", "lpa", "kmeans"}
        Gaussian mixture (latent profile analysis, "lpa" is the same; posterior probabilities,
        likelihood-based fit indices) or k-means (hard assignments; posteriors are 0/1; no
        likelihood, so information criteria are NaN).
    covariance_type : {"full", "tied", "diag", "spherical"}
        Gaussian mixture covariance structure.
    n_init : int
        Random starts; the best likelihood (or inertia) is kept.
    random_state : int
        Seed for the starts.

    Attributes
    ----------
    labels_ : pd.Series
        Segment (1 = largest) per row of the training data.
    posteriors_ : pd.DataFrame
        Posterior probability of each segment per row (columns 1..K).
    means_ : pd.DataFrame
        Segment (rows) by variable (columns) means.
    shares_ : pd.Series
        Segment shares (mixture weights; assignment shares for k-means).
    log_likelihood_ : float
        Total log-likelihood (Gaussian mixture only; NaN for k-means).
    n_parameters_ : int

    Notes
    -----
    Wraps scikit-learn's ``GaussianMixture`` and ``KMeans`` through their public API only.
    Segments are relabelled by size so the same data and seed give the same numbering.
    """

    def __init__(
        self,
        n_segments: int = 3,
        *,
        kind: str = "gmm",
        covariance_type: str = "full",
        n_init: int = 10,
        random_state: int = 0,
    ) -> None:
        self.n_segments = n_segments
        self.kind = kind
        self.covariance_type = covariance_type
        self.n_init = n_init
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: object = None) -> ProfileModel:
        _check_choice("kind", self.kind, KINDS)
        _check_choice("covariance_type", self.covariance_type, COVARIANCE_TYPES)
        if not isinstance(self.n_segments, int | np.integer) or self.n_segments < 1:
            raise DataError(f"n_segments must be a positive integer, got {self.n_segments!r}")
        frame = pd.DataFrame(X)
        values = check_array(frame, dtype=float, ensure_all_finite=True)
        if len(values) < 5 * self.n_segments:
            raise DataError(
                f"{len(values)} respondents are too few for {self.n_segments} segments "
                f"(need at least {5 * self.n_segments})"
            )
        self.feature_names_ = list(map(str, frame.columns))
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            try:
                self._fit_model(values)
            except ConvergenceWarning:
                warnings.warn(
                    f"{self.kind} with {self.n_segments} segments did not converge",
                    ConvergenceWarning,
                    stacklevel=2,
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    self._fit_model(values)
        raw = self._raw_proba(values)
        order = np.argsort(-raw.sum(axis=0), kind="stable")
        self.order_ = order
        proba = raw[:, order]
        cols = pd.Index(range(1, self.n_segments + 1), name="segment")
        self.posteriors_ = pd.DataFrame(proba, index=frame.index, columns=cols)
        self.labels_ = pd.Series(proba.argmax(axis=1) + 1, index=frame.index, name="segment")
        means = proba.T @ values / np.maximum(proba.sum(axis=0), 1e-12)[:, None]
        self.means_ = pd.DataFrame(means, index=cols, columns=self.feature_names_)
        if self.kind != "kmeans":
            self.shares_ = pd.Series(self.model_.weights_[order], index=cols, name="share")
            self.log_likelihood_ = float(self.model_.score(values) * len(values))
            self.n_parameters_ = self._count_parameters(values.shape[1])
        else:
            share = proba.mean(axis=0)
            self.shares_ = pd.Series(share, index=cols, name="share")
            self.log_likelihood_ = float("nan")
            self.n_parameters_ = self.n_segments * values.shape[1]
        self.n_obs_ = len(values)
        return self

    def _count_parameters(self, d: int) -> int:
        k = self.n_segments
        cov = {
            "full": k * d * (d + 1) // 2,
            "tied": d * (d + 1) // 2,
            "diag": k * d,
            "spherical": k,
        }[self.covariance_type]
        return k * d + (k - 1) + cov

    def _fit_model(self, values: np.ndarray) -> None:
        # Survey-sized problems are tiny for BLAS: thread start-up and contention cost far more
        # than they save (a 20x slowdown seen on 2 cores), so run single-threaded.
        with threadpool_limits(limits=1):
            self._fit_unthreaded(values)

    def _fit_unthreaded(self, values: np.ndarray) -> None:
        if self.kind != "kmeans":
            self.model_ = GaussianMixture(
                self.n_segments,
                covariance_type=self.covariance_type,
                n_init=self.n_init,
                random_state=self.random_state,
                max_iter=500,
                reg_covar=1e-5,
            ).fit(values)
        else:
            self.model_ = KMeans(
                self.n_segments, n_init=self.n_init, random_state=self.random_state
            ).fit(values)

    def _raw_proba(self, values: np.ndarray) -> np.ndarray:
        if self.kind != "kmeans":
            return self.model_.predict_proba(values)
        hard = self.model_.predict(values)
        return np.eye(self.n_segments)[hard]

    def predict_proba(self, X: pd.DataFrame) -> pd.DataFrame:
        """Posterior probability of each segment (columns 1..K) for new rows."""
        check_is_fitted(self, "posteriors_")
        frame = pd.DataFrame(X)[self.feature_names_]
        values = check_array(frame, dtype=float)
        proba = self._raw_proba(values)[:, self.order_]
        return pd.DataFrame(proba, index=frame.index, columns=self.posteriors_.columns)

    def predict(self, X: pd.DataFrame) -> pd.Series:
        """Most likely segment (1..K) for new rows: a pure function of the rows given."""
        proba = self.predict_proba(X)
        return pd.Series(proba.to_numpy().argmax(axis=1) + 1, index=proba.index, name="segment")

    def score(self, X: pd.DataFrame, y: object = None) -> float:
        """Mean log-likelihood per row (Gaussian mixture; NaN for k-means)."""
        check_is_fitted(self, "posteriors_")
        if self.kind == "kmeans":
            return float("nan")
        frame = pd.DataFrame(X)[self.feature_names_]
        return float(self.model_.score(check_array(frame, dtype=float)))

    def sample(self, n: int, *, random_state: int | None = None) -> tuple[pd.DataFrame, pd.Series]:
        """Draw `n` rows from the fitted mixture (Gaussian mixture only) and their segment."""
        check_is_fitted(self, "posteriors_")
        if self.kind == "kmeans":
            raise DataError("k-means has no generative model to sample from; use kind='gmm'")
        rng = np.random.default_rng(random_state)
        rank = np.argsort(self.order_)  # raw component -> segment - 1
        comp = rng.choice(self.n_segments, size=n, p=self.model_.weights_)
        draws = np.empty((n, len(self.feature_names_)))
        for c in range(self.n_segments):
            rows = comp == c
            if self.covariance_type == "full":
                cov = self.model_.covariances_[c]
            elif self.covariance_type == "tied":
                cov = self.model_.covariances_
            elif self.covariance_type == "diag":
                cov = np.diag(self.model_.covariances_[c])
            else:
                cov = np.eye(len(self.feature_names_)) * self.model_.covariances_[c]
            draws[rows] = rng.multivariate_normal(self.model_.means_[c], cov, rows.sum())
        index = pd.RangeIndex(n, name="respondent_id")
        return (
            pd.DataFrame(draws, index=index, columns=self.feature_names_),
            pd.Series(rank[comp] + 1, index=index, name="segment"),
        )
