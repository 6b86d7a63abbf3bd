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

from ..errors import DataError

__all__ = ["ProfileModel", "KINDS", "COVARIANCE_TYPES"]

KINDS = ("gmm", "kmeans")
COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


def _check_choice(name: str, value: object, allowed: tuple) -> None:
    if value not in allowed:
        raise DataError(f"{name} must be one of {list(allowed)}, got {value!r}")


class ProfileModel(BaseEstimator):
    """Latent profile analysis (Gaussian mixture) or k-means, with segments ordered by size.

    Parameters
    ----------
    n_segments : int
        Number of segments.
    kind : {"gmm", "kmeans"}
        Gaussian mixture (posterior probabilities, likelihood-based fit indices) or k-means
        (hard assignments; posteriors are 0/1).
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
        if self.kind == "gmm":
            self.log_likelihood_ = float(self.model_.score(values) * len(values))
            self.n_parameters_ = self._count_parameters(values.shape[1])
        else:
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
        if self.kind == "gmm":
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
        if self.kind == "gmm":
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

    def bic(self) -> float:
        """Bayesian information criterion of the fit (lower is better)."""
        check_is_fitted(self, "posteriors_")
        return -2 * self.log_likelihood_ + self.n_parameters_ * np.log(self.n_obs_)

    def aic(self) -> float:
        check_is_fitted(self, "posteriors_")
        return -2 * self.log_likelihood_ + 2 * self.n_parameters_

    def relative_entropy(self) -> float:
        """1 − E/(N log K): 1 when every respondent is assigned with certainty."""
        check_is_fitted(self, "posteriors_")
        if self.n_segments == 1:
            return 1.0
        p = np.clip(self.posteriors_.to_numpy(), 1e-300, 1)
        ent = -(p * np.log(p)).sum()
        return float(1 - ent / (self.n_obs_ * np.log(self.n_segments)))
