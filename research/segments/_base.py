"""What every segment model shares: checks of options, fit indices, relative entropy."""

from __future__ import annotations

import numbers

import numpy as np

from ..errors import DataError, suggest
from ..estimator import check_fitted

__all__ = ["SegmentModelMixin", "check_choice", "check_int", "check_number"]


def check_choice(name: str, value: object, allowed: tuple) -> None:
    """Raise DataError naming `name`, the allowed values and what was received."""
    if value not in allowed:
        raise DataError(
            f"{name} must be one of {list(allowed)}, got {value!r}"
            + suggest(str(value), map(str, allowed))
        )


def check_int(name: str, value: object, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise DataError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_number(name: str, value: object, low: float, high: float = np.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low < value < high:
        raise DataError(f"{name} must be a number in ({low}, {high}), got {value!r}")
    return float(value)


class SegmentModelMixin:
    """Fit indices shared by the latent class and profile models.

    Needs the fitted attributes ``log_likelihood_``, ``n_parameters_``, ``n_obs_`` (respondents
    used to fit) and ``posteriors_`` (optionally ``fit_weights_``, the weight of each training
    row used in relative entropy).
    """

    def _fitted(self) -> None:
        check_fitted(self, "posteriors_")

    def aic(self) -> float:
        """Akaike information criterion ``-2 LL + 2 p`` (lower is better)."""
        self._fitted()
        return -2 * self.log_likelihood_ + 2 * self.n_parameters_

    def bic(self) -> float:
        """Bayesian information criterion ``-2 LL + p log N`` (lower is better)."""
        self._fitted()
        return -2 * self.log_likelihood_ + self.n_parameters_ * np.log(self.n_obs_)

    def sabic(self) -> float:
        """Sample-size adjusted BIC ``-2 LL + p log((N + 2) / 24)`` (Sclove 1987)."""
        self._fitted()
        return -2 * self.log_likelihood_ + self.n_parameters_ * np.log((self.n_obs_ + 2) / 24)

    def caic(self) -> float:
        """Consistent AIC ``-2 LL + p (log N + 1)`` (Bozdogan 1987)."""
        self._fitted()
        return -2 * self.log_likelihood_ + self.n_parameters_ * (np.log(self.n_obs_) + 1)

    def relative_entropy(self) -> float:
        """``1 - E / (N log K)``: 1 when every respondent is assigned with certainty."""
        self._fitted()
        post = self.posteriors_.to_numpy()
        k = post.shape[1]
        if k == 1:
            return 1.0
        w = getattr(self, "fit_weights_", None)
        w = np.ones(len(post)) if w is None else np.asarray(w, dtype=float)
        keep = np.isfinite(post).all(axis=1) & (w > 0)
        p = np.clip(post[keep], 1e-300, 1)
        ent = -(w[keep] * (p * np.log(p)).sum(axis=1)).sum()
        return float(1 - ent / (w[keep].sum() * np.log(k)))

    def fit_summary(self) -> dict[str, float]:
        """Log-likelihood, parameters, information criteria and relative entropy."""
        shares = np.asarray(self.shares_, dtype=float)
        return {
            "log_likelihood": float(self.log_likelihood_),
            "n_parameters": int(self.n_parameters_),
            "n_obs": int(self.n_obs_),
            "aic": self.aic(),
            "bic": self.bic(),
            "sabic": self.sabic(),
            "caic": self.caic(),
            "relative_entropy": self.relative_entropy(),
            "smallest_share": float(shares.min()),
        }
