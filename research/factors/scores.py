"""Factor scores: regression (Thurstone), Bartlett and ten Berge weights; scoring new data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.errors import DataError, suggest
from research.factors._validation import check_choice, numeric_items

__all__ = [
    "SCORE_METHODS",
    "FactorScorer",
    "RegressionScorer",
    "regression_weights",
    "score_weights",
]

#: Factor-score methods :func:`score_weights` knows.
SCORE_METHODS: tuple[str, ...] = ("regression", "bartlett", "tenberge")


def _solve(r: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(r, rhs)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(r) @ rhs


def _sym_power(matrix: np.ndarray, power: float) -> np.ndarray:
    """``matrix ** power`` of a symmetric PSD matrix (psych's ``matSqrt`` / ``invMatSqrt``)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    floor = 100 * np.finfo(float).eps if power < 0 else 0.0
    values = np.maximum(values, floor)
    return (vectors * values**power) @ vectors.T


def regression_weights(corr: pd.DataFrame, structure: pd.DataFrame) -> pd.DataFrame:
    """Thurstone regression weights ``W = R^-1 S``.

    Parameters
    ----------
    corr : pandas.DataFrame
        Item correlation matrix ``R`` (items x items).
    structure : pandas.DataFrame
        Structure matrix ``S = loadings @ phi`` (items x factors), same item order as ``corr``.

    Returns
    -------
    pandas.DataFrame
        Weights, items x factors. A singular ``R`` is handled with the pseudo-inverse.

    Notes
    -----
    The weights of R ``psych::factor.scores(method="Thurstone")``, which ``psych::fa`` uses for
    its default ``scores="regression"``.
    """
    w = _solve(corr.to_numpy(dtype=float), structure.to_numpy(dtype=float))
    return pd.DataFrame(w, index=structure.index.copy(), columns=structure.columns.copy())


def score_weights(
    corr: pd.DataFrame,
    loadings: pd.DataFrame,
    phi: pd.DataFrame | None = None,
    *,
    method: str = "regression",
    uniquenesses: pd.Series | None = None,
) -> pd.DataFrame:
    """Factor-score weights ``W`` (items x factors): scores are standardised answers ``Z @ W``.

    Parameters
    ----------
    corr : pandas.DataFrame
        Item correlation matrix ``R``.
    loadings : pandas.DataFrame
        Pattern loadings ``L`` (items x factors).
    phi : pandas.DataFrame, optional
        Factor correlations (identity if omitted).
    method : {"regression", "bartlett", "tenberge"}
        ``"regression"`` (Thurstone): ``R^-1 L phi``, least-squares predictions of the factors.
        ``"bartlett"``: ``U^-2 L (L' U^-2 L)^-1``, conditionally unbiased (``W' L = I``).
        ``"tenberge"``: ``R^-1 L* (L*' R^-1 L*)^-1/2 phi^1/2`` with ``L* = L phi^1/2``, whose
        scores have exactly the factor correlations ``phi``.
    uniquenesses : pandas.Series, optional
        ``U^2`` for Bartlett; default ``1 - diag(L phi L')``.

    Returns
    -------
    pandas.DataFrame
        Weights indexed by item, columns the factors.

    Notes
    -----
    Formulas of ``psych::factor.scores`` (Thurstone, Bartlett, and tenBerge following Grice
    2001, eq. 8) given the pattern matrix and phi, which is what ``psych::fa`` passes with its
    default ``oblique.scores=FALSE`` since psych 2.x. Regression scores reproduce psych's
    ``fa(x, 2, rotate="promax")$scores`` to 1e-13 (``tests/test_factors_psych.py``); all three
    are checked by their defining properties (``tests/test_factors_workbench.py``): regression
    weights are ``R^-1 S``; Bartlett ``W' L = I``; ten Berge ``W' R W = phi``.
    """
    check_choice("scores", method, SCORE_METHODS)
    r = corr.to_numpy(dtype=float)
    lam = loadings.to_numpy(dtype=float)
    k = lam.shape[1]
    ph = np.eye(k) if phi is None else phi.to_numpy(dtype=float)
    if method == "regression":
        w = _solve(r, lam @ ph)
    elif method == "bartlett":
        u2 = (
            1.0 - np.einsum("ij,jk,ik->i", lam, ph, lam)
            if uniquenesses is None
            else uniquenesses.to_numpy(dtype=float)
        )
        scaled = lam / np.maximum(u2, 1e-8)[:, None]
        w = scaled @ np.linalg.pinv(lam.T @ scaled)
    else:
        star = lam @ _sym_power(ph, 0.5)
        r_inv_star = _solve(r, star)
        w = r_inv_star @ _sym_power(star.T @ r_inv_star, -0.5) @ _sym_power(ph, 0.5)
    return pd.DataFrame(w, index=loadings.index.copy(), columns=loadings.columns.copy())


@dataclass(frozen=True, eq=False)
class FactorScorer:
    """Scores respondents from the item means, standard deviations and weights of a fit.

    Attributes
    ----------
    weights : pandas.DataFrame
        Score weights, items x factors (from :func:`score_weights`).
    means : pandas.Series
        Item means of the fitting data (missing answers skipped).
    sds : pandas.Series
        Item standard deviations of the fitting data (``ddof=1``, missing answers skipped).
    method : str
        The score method the weights belong to.
    """

    weights: pd.DataFrame
    means: pd.Series
    sds: pd.Series
    method: str = "regression"

    @classmethod
    def from_fit(
        cls,
        data: pd.DataFrame,
        corr: pd.DataFrame,
        structure: pd.DataFrame,
        *,
        loadings: pd.DataFrame | None = None,
        phi: pd.DataFrame | None = None,
        method: str = "regression",
    ) -> FactorScorer:
        """Build a scorer from the fitting data, its correlations and the solution.

        ``structure`` alone gives regression weights; ``loadings`` and ``phi`` are needed for
        the Bartlett and ten Berge methods.
        """
        items = numeric_items(data)[list(structure.index)]
        r = corr.loc[structure.index, structure.index]
        if method == "regression" or loadings is None:
            weights = regression_weights(r, structure)
        else:
            weights = score_weights(r, loadings, phi, method=method)
        return cls(
            weights=weights,
            means=items.mean(axis=0, skipna=True),
            sds=items.std(axis=0, ddof=1, skipna=True),
            method=method,
        )

    def transform(self, data: pd.DataFrame) -> pd.DataFrame:
        """Factor scores of the respondents in ``data`` (new respondents included).

        Parameters
        ----------
        data : pandas.DataFrame
            Must contain every fitted item (other columns are ignored). Not modified.

        Returns
        -------
        pandas.DataFrame
            Respondents x factors, indexed like ``data``.

        Raises
        ------
        DataError
            If fitted items are missing from ``data`` or are non-numeric.

        Notes
        -----
        Each item is standardised with the *fitting* mean and standard deviation, and a missing
        answer is imputed with the item's fitting mean, i.e. 0 after standardising, so every
        respondent gets a score. Scores are ``Z @ W`` as in psych (``scale(x) %*% w``).
        """
        if not isinstance(data, pd.DataFrame):
            raise DataError(f"data must be a pandas DataFrame, got {type(data).__name__}")
        wanted = list(self.weights.index)
        absent = [str(c) for c in wanted if c not in data.columns]
        if absent:
            raise DataError(
                f"data lacks fitted items {absent}{suggest(absent[0], map(str, data.columns))}",
                column=absent[0] if len(absent) == 1 else None,
            )
        items = numeric_items(data[wanted])
        z = ((items - self.means) / self.sds).fillna(0.0).to_numpy()
        return pd.DataFrame(
            z @ self.weights.to_numpy(), index=data.index.copy(), columns=self.weights.columns
        )


#: The earlier name of :class:`FactorScorer` (regression weights by default).
RegressionScorer = FactorScorer
