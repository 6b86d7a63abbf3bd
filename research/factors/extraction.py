"""Factor extraction from a correlation matrix: minres (ULS), maximum likelihood, principal axis.

The minres code follows R ``psych::fa(fm="minres")`` step by step so that the same correlation
matrix gives the same loadings.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.errors import DataError
from research.factors._lbfgsb import minimize_bounded
from research.factors._linalg import single_threaded_blas
from research.factors._validation import check_choice, positive_int

__all__ = [
    "EXTRACTION_METHODS",
    "Extraction",
    "HeywoodWarning",
    "degrees_of_freedom",
    "extract_factors",
    "maximum_likelihood",
    "minres",
    "principal_axis",
    "single_threaded_blas",
    "smc",
]

#: Extraction methods :func:`extract_factors` knows.
EXTRACTION_METHODS: tuple[str, ...] = ("minres", "ml", "pa")

#: Bounds on the uniquenesses searched by minres (as in psych).
UNIQUENESS_BOUNDS: tuple[float, float] = (0.005, 1.0)

_EPS = np.finfo(float).eps


class HeywoodWarning(UserWarning):
    """An item's communality reached 1 (a Heywood case): its loadings are not trustworthy."""


@dataclass(frozen=True, eq=False)
class Extraction:
    """Unrotated factor solution.

    Attributes
    ----------
    loadings : numpy.ndarray
        Items x factors, factors in order of decreasing eigenvalue, each column's sum positive.
    communalities : numpy.ndarray
        ``diag(loadings @ loadings.T)``.
    uniquenesses : numpy.ndarray
        ``1 - communalities``.
    method : str
        ``"minres"``, ``"ml"`` or ``"pa"``.
    n_iter : int
        Optimiser iterations (minres) or communality iterations (pa).
    converged : bool
        Whether the optimiser reported convergence.
    heywood : tuple of int
        Positions of items whose communality reached 1 (or whose uniqueness is pinned at the
        0.005 lower bound of minres).
    """

    loadings: np.ndarray
    communalities: np.ndarray
    uniquenesses: np.ndarray
    method: str
    n_iter: int
    converged: bool
    heywood: tuple[int, ...]


def degrees_of_freedom(n_items: int, n_factors: int) -> int:
    """Degrees of freedom of an exploratory factor model, as ``psych::fa`` counts them.

    ``p (p - 1) / 2 - p k + k (k - 1) / 2`` for ``p`` items and ``k`` factors; a model with
    negative degrees of freedom is not identified.

    Notes
    -----
    The formula of psych's ``factor.stats``; for bfi (25 items, 5 factors) it gives 185, the
    value psych prints.
    """
    p, k = n_items, n_factors
    return p * (p - 1) // 2 - p * k + k * (k - 1) // 2


def smc(corr: np.ndarray | pd.DataFrame) -> np.ndarray:
    """Squared multiple correlation of each item with all the others.

    ``1 - 1 / diag(R^-1)``, using the pseudo-inverse for a singular matrix and clipping to
    [0, 1], as ``psych::smc`` does.

    Notes
    -----
    Used as the starting communalities of minres and principal axis (checked through the
    ``psych::fa`` reproduction in ``tests/test_factors.py``).
    """
    r = np.asarray(corr, dtype=float)
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    if not np.all(np.isfinite(inv)):
        inv = np.linalg.pinv(r)
    with np.errstate(divide="ignore"):
        values = 1.0 - 1.0 / np.diag(inv)
    return np.clip(np.nan_to_num(values, nan=1.0), 0.0, 1.0)


def _leading(reduced: np.ndarray, n_factors: int) -> tuple[np.ndarray, np.ndarray]:
    """Leading eigenvalues (descending) and eigenvectors of a symmetric matrix."""
    values, vectors = np.linalg.eigh(reduced)
    return values[::-1][:n_factors], vectors[:, ::-1][:, :n_factors]


def _minres_objective(psi: np.ndarray, corr: np.ndarray, n_factors: int) -> float:
    """psych's ``fit.residuals`` for ``fm="minres"``: sum of squared lower-triangle residuals."""
    reduced = corr.copy()
    np.fill_diagonal(reduced, 1.0 - psi)
    values, vectors = _leading(reduced, n_factors)
    values = np.where(values < _EPS, 100 * _EPS, values)
    loadings = vectors * np.sqrt(values)
    residual = reduced - loadings @ loadings.T
    return float(np.sum(np.tril(residual, -1) ** 2))


def _minres_gradient(psi: np.ndarray, corr: np.ndarray, n_factors: int) -> np.ndarray:
    """psych's ``FAgr.minres``: the diagonal of ``model + diag(psi) - R``."""
    reduced = corr.copy()
    np.fill_diagonal(reduced, 1.0 - psi)
    values, vectors = _leading(reduced, n_factors)
    loadings = vectors * np.sqrt(np.maximum(values, 0.0))
    return np.einsum("ij,ij->i", loadings, loadings) + psi - np.diag(corr)


def _loadings(corr: np.ndarray, communalities: np.ndarray, n_factors: int) -> np.ndarray:
    """Loadings from the eigen-decomposition of R with ``communalities`` on the diagonal."""
    reduced = corr.copy()
    np.fill_diagonal(reduced, communalities)
    values, vectors = _leading(reduced, n_factors)
    loadings = vectors * np.sqrt(np.maximum(values, 0.0))
    signs = np.sign(loadings.sum(axis=0))
    signs[signs == 0] = 1.0
    return loadings * signs


def _check(corr: np.ndarray | pd.DataFrame, n_factors: object) -> tuple[np.ndarray, int]:
    r = np.asarray(corr, dtype=float)
    if r.ndim != 2 or r.shape[0] != r.shape[1]:
        raise DataError(f"corr must be a square matrix, got shape {r.shape}")
    if not np.all(np.isfinite(r)):
        raise DataError("corr contains missing or infinite values")
    k = positive_int("n_factors", n_factors)
    if k > r.shape[0]:
        raise DataError(f"n_factors must be at most the number of items ({r.shape[0]}), got {k}")
    return r, k


def minres(corr: np.ndarray | pd.DataFrame, n_factors: int, *, warn: bool = True) -> Extraction:
    """Minimum residual (unweighted least squares) factor extraction, as ``psych::fa``.

    Parameters
    ----------
    corr : array-like or pandas.DataFrame
        Correlation matrix (p x p).
    n_factors : int
        Number of factors, 1 to p.
    warn : bool
        Issue a :class:`HeywoodWarning` for a communality that reaches 1. Callers in worker
        threads pass False rather than filter warnings, whose filters are process-wide.

    Returns
    -------
    Extraction
        Unrotated loadings, communalities and uniquenesses.

    Notes
    -----
    The uniquenesses ``psi`` start at ``1 - SMC`` and are optimised by L-BFGS-B within
    [0.005, 1] on psych's objective (``fit.residuals``: the sum of squared residuals below the
    diagonal of ``R - L L'``, with ``L`` from the eigen-decomposition of ``R - diag(psi)``) and
    psych's gradient (``FAgr.minres``). The optimiser settings are R's ``optim`` defaults
    (``parscale = 0.01``, ``factr = 1e7``, ``pgtol = 0``, ``lmm = 5``, ``maxit = 100``), which
    SciPy's L-BFGS-B mirrors (its compiled routine, driven as ``scipy.optimize.minimize`` does by
    :mod:`research.factors._lbfgsb`). The loadings are the leading eigenvectors of
    ``R - diag(psi)`` scaled by the square roots of their eigenvalues, with each column's sum
    made positive.

    Checked against R psych 2.2.9 ``fa(bfi[,1:25], 5, fm="minres", rotate="oblimin")``: after
    the same rotation, the loadings agree to about 1e-14 (``tests/test_factors.py``); and
    against psych ``fa(r, 3, fm="minres", rotate="none")`` on the factor_analyzer test data, to
    about 5e-13 (``tests/test_factors_psych.py``). psych's ``fm="uls"`` (diagonal residuals
    included) is a different criterion and differs by about 1e-5.
    """
    r, k = _check(corr, n_factors)
    scale = 0.01  # R's parscale: the optimiser works on psi / 0.01
    start = 1.0 - smc(r)
    low, high = UNIQUENESS_BOUNDS
    start = np.clip(start, low, high)
    with single_threaded_blas():
        z, n_iter, converged = minimize_bounded(
            lambda z: _minres_objective(z * scale, r, k),
            lambda z: _minres_gradient(z * scale, r, k) * scale,
            start / scale,
            low / scale,
            high / scale,
            maxcor=5,
            ftol=1e7 * _EPS,
            maxiter=100,
        )
    psi = z * scale
    loadings = _loadings(r, 1.0 - psi, k)
    communalities = np.einsum("ij,ij->i", loadings, loadings)
    pinned = psi <= low * (1 + 1e-6)
    return _finish(corr, loadings, communalities, "minres", n_iter, converged, pinned, warn)


def _ml_parts(psi: np.ndarray, corr: np.ndarray, n_factors: int):
    """Eigen-decomposition of ``Psi^-1/2 R Psi^-1/2``, descending (psych's FAfn / FAgr)."""
    scale = 1.0 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(corr * np.outer(scale, scale))
    return values[::-1], vectors[:, ::-1]


def _ml_objective(psi: np.ndarray, corr: np.ndarray, n_factors: int) -> float:
    """psych's (and factanal's) ``FAfn``: the ML discrepancy concentrated on ``psi``."""
    values, _ = _ml_parts(psi, corr, n_factors)
    rest = values[n_factors:]
    with np.errstate(invalid="ignore", divide="ignore"):
        value = -(np.sum(np.log(rest) - rest) - n_factors + corr.shape[0])
    return float(value) if np.isfinite(value) else 1e300


def _ml_loadings(psi: np.ndarray, corr: np.ndarray, n_factors: int) -> np.ndarray:
    """psych's ``FAout``: ``Psi^1/2 E_k (Lambda_k - 1)^1/2``."""
    values, vectors = _ml_parts(psi, corr, n_factors)
    loadings = vectors[:, :n_factors] * np.sqrt(np.maximum(values[:n_factors] - 1.0, 0.0))
    return np.sqrt(psi)[:, None] * loadings


def _ml_gradient(psi: np.ndarray, corr: np.ndarray, n_factors: int) -> np.ndarray:
    """psych's ``FAgr``: ``diag(L L' + Psi - R) / Psi^2``."""
    loadings = _ml_loadings(psi, corr, n_factors)
    model = np.einsum("ij,ij->i", loadings, loadings) + psi - np.diag(corr)
    return model / psi**2


def maximum_likelihood(corr: np.ndarray | pd.DataFrame, n_factors: int) -> Extraction:
    """Maximum-likelihood factor extraction, as ``psych::fa(fm="ml")`` (and ``factanal``).

    Parameters
    ----------
    corr : array-like or pandas.DataFrame
        Positive definite correlation matrix (p x p).
    n_factors : int
        Number of factors, 1 to p.

    Returns
    -------
    Extraction
        Unrotated loadings, communalities and uniquenesses.

    Notes
    -----
    psych's code path: the uniquenesses start at ``1 - SMC`` and minimise factanal's
    concentrated discrepancy ``FAfn`` (minus the sum of ``log(e) - e`` over the eigenvalues
    ``e`` of ``Psi^-1/2 R Psi^-1/2`` beyond the first ``k``) with its analytic gradient ``FAgr``,
    by L-BFGS-B within [0.005, 1] and R's ``optim`` settings (as :func:`minres`). Loadings are
    ``Psi^1/2 E_k (Lambda_k - 1)^1/2`` (``FAout``), each column's sum made positive. Checked
    against R psych ``fa(r, 3, fm="ml")`` on the factor_analyzer test data (uniquenesses and
    loadings to about 3e-13, ``tests/test_factors_psych.py``), against SAS PROC FACTOR
    ``METHOD=ML`` on Spearman's five tests (communalities to 5e-5), against scikit-learn's EM
    ``FactorAnalysis`` (same uniquenesses and likelihood), and by recovering a population model
    exactly (``tests/test_factors_extraction.py``).
    """
    r, k = _check(corr, n_factors)
    if np.linalg.eigvalsh(r)[0] <= 0:
        raise DataError(
            "maximum likelihood needs a positive definite correlation matrix; use method="
            "'minres' or smooth the matrix"
        )
    scale = 0.01
    low, high = UNIQUENESS_BOUNDS
    start = np.clip(1.0 - smc(r), low, high)
    with single_threaded_blas():
        z, n_iter, converged = minimize_bounded(
            lambda z: _ml_objective(z * scale, r, k),
            lambda z: _ml_gradient(z * scale, r, k) * scale,
            start / scale,
            low / scale,
            high / scale,
            maxcor=5,
            ftol=1e7 * _EPS,
            maxiter=100,
        )
    psi = z * scale
    loadings = _ml_loadings(psi, r, k)
    signs = np.sign(loadings.sum(axis=0))
    signs[signs == 0] = 1.0
    loadings = loadings * signs
    communalities = np.einsum("ij,ij->i", loadings, loadings)
    pinned = psi <= low * (1 + 1e-6)
    return _finish(corr, loadings, communalities, "ml", n_iter, converged, pinned)


def principal_axis(
    corr: np.ndarray | pd.DataFrame,
    n_factors: int,
    *,
    max_iter: int = 50,
    min_err: float = 0.001,
) -> Extraction:
    """Iterated principal axis factoring, as ``psych::fa(fm="pa")``.

    Parameters
    ----------
    corr : array-like or pandas.DataFrame
        Correlation matrix (p x p).
    n_factors : int
        Number of factors, 1 to p.
    max_iter : int
        Maximum number of communality updates.
    min_err : float
        Stop when the sum of communalities changes by less than this.

    Returns
    -------
    Extraction
        Unrotated loadings, communalities and uniquenesses.

    Notes
    -----
    Starts from SMC communalities on the diagonal and repeatedly replaces them with the
    communalities of the ``n_factors`` leading eigenvectors until their sum changes by less
    than ``min_err``, psych's algorithm (``max.iter = 50``, ``min.err = 0.001``). Reproduces the
    published psych output of ``fa(ability.cov, 2, fm="pa", rotate="none")`` (loadings, u2 and
    SS loadings to the printed digits, ``tests/test_factors_psych.py``) and recovers planted
    loadings on simulated data.
    """
    r, k = _check(corr, n_factors)
    comm = smc(r)
    total = comm.sum()
    loadings = _loadings(r, comm, k)
    limit = positive_int("max_iter", max_iter)
    converged = False
    n_iter = 0
    with single_threaded_blas():
        while not converged and n_iter < limit:
            n_iter += 1
            loadings = _loadings(r, comm, k)
            comm = np.einsum("ij,ij->i", loadings, loadings)
            new_total = comm.sum()
            converged = abs(new_total - total) < min_err
            total = new_total
    return _finish(corr, loadings, comm, "pa", n_iter, converged, None)


def _finish(
    corr: np.ndarray | pd.DataFrame,
    loadings: np.ndarray,
    communalities: np.ndarray,
    method: str,
    n_iter: int,
    converged: bool,
    pinned: np.ndarray | None,
    warn: bool = True,
) -> Extraction:
    heywood = communalities >= 1.0
    if pinned is not None:
        heywood |= pinned
    positions = tuple(int(i) for i in np.flatnonzero(heywood))
    if positions and warn:
        names = (
            [str(corr.columns[i]) for i in positions]
            if isinstance(corr, pd.DataFrame)
            else [f"item {i + 1}" for i in positions]
        )
        warnings.warn(
            f"Heywood case: communality of {names} reached 1 ({method}); the solution is "
            "improper - try fewer factors or drop a redundant item",
            HeywoodWarning,
            stacklevel=3,
        )
    return Extraction(
        loadings=loadings,
        communalities=communalities,
        uniquenesses=1.0 - communalities,
        method=method,
        n_iter=n_iter,
        converged=converged,
        heywood=positions,
    )


def extract_factors(
    corr: np.ndarray | pd.DataFrame, n_factors: int, *, method: str = "minres"
) -> Extraction:
    """Extract ``n_factors`` unrotated factors from ``corr`` ("minres", "ml" or "pa").

    Notes
    -----
    Dispatches to :func:`minres`, :func:`maximum_likelihood` or :func:`principal_axis`, each
    checked against R psych output.
    """
    check_choice("method", method, EXTRACTION_METHODS)
    if method == "pa":
        return principal_axis(corr, n_factors)
    if method == "ml":
        return maximum_likelihood(corr, n_factors)
    return minres(corr, n_factors)
