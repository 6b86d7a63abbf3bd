"""Factor rotation (oblimin, promax, geomin, varimax, quartimax or none), then psych's order and signs."""

from __future__ import annotations

import functools
import importlib.util
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from research.errors import DataError
from research.factors._validation import check_choice

__all__ = ["OBLIQUE_ROTATIONS", "ROTATIONS", "Rotation", "order_and_sign", "rotate"]

#: Rotations :func:`rotate` knows.
ROTATIONS: tuple[str, ...] = ("oblimin", "promax", "varimax", "geomin", "quartimax", "none")

#: Rotations that let factors correlate (``phi`` is not the identity).
OBLIQUE_ROTATIONS: tuple[str, ...] = ("oblimin", "promax", "geomin")


@functools.cache
def _rotator_class():
    """factor_analyzer's ``Rotator``, loaded from its own file.

    Importing ``factor_analyzer.rotator`` runs the package's ``__init__``, which imports its
    whole factor analyser (scipy.stats, more of scikit-learn): 1.2 s of a command's start for a
    class that needs only numpy and scipy. ``rotator.py`` is loaded alone instead, with its one
    scikit-learn import (``BaseEstimator``, for ``get_params``: another 0.45 s) served by
    :class:`research.estimator.Estimator`. If the file no longer has that exact line, it is
    imported as published.
    """
    spec = importlib.util.find_spec("factor_analyzer")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        from factor_analyzer.rotator import Rotator

        return Rotator
    path = Path(next(iter(spec.submodule_search_locations))) / "rotator.py"
    source = path.read_text(encoding="utf-8")
    line = "from sklearn.base import BaseEstimator\n"
    if source.count(line) != 1:  # pragma: no cover - a future factor_analyzer
        from factor_analyzer.rotator import Rotator

        return Rotator
    source = source.replace(line, "from research.estimator import Estimator as BaseEstimator\n")
    module = types.ModuleType("research.factors._fa_rotator")
    module.__file__ = str(path)
    exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102 - the installed file
    return module.Rotator


# Settings of factor_analyzer's Rotator that match what psych calls in R:
# oblimin -> GPArotation::oblimin(gam = 0, normalize = FALSE, eps = 1e-5, maxit = 1000);
# varimax -> stats::varimax(normalize = TRUE, eps = 1e-5);
# promax  -> psych::kaiser(rotate = "Promax"): Kaiser row normalisation, varimax, power 4;
# geomin  -> GPArotation::geominQ(delta = 0.01, normalize = FALSE, eps = 1e-5, maxit = 1000);
# quartimax -> GPArotation::quartimax(normalize = FALSE, eps = 1e-5, maxit = 1000).
_ROTATOR_METHOD = {"geomin": "geomin_obl"}
_ROTATOR_OPTIONS: dict[str, dict[str, object]] = {
    "geomin": {"normalize": False, "delta": 0.01, "max_iter": 1000, "tol": 1e-5},
    "quartimax": {"normalize": False, "max_iter": 1000, "tol": 1e-5},
    "oblimin": {"normalize": False, "gamma": 0, "max_iter": 1000, "tol": 1e-5},
    "varimax": {"normalize": True, "max_iter": 1000, "tol": 1e-5},
    "promax": {"normalize": True, "power": 4, "max_iter": 1000, "tol": 1e-5},
}


@dataclass(frozen=True, eq=False)
class Rotation:
    """Rotated solution.

    Attributes
    ----------
    loadings : numpy.ndarray
        Pattern loadings, items x factors, ordered and signed by :func:`order_and_sign`.
    phi : numpy.ndarray
        Factor correlation matrix (identity for orthogonal rotations and "none").
    method : str
        The rotation used.
    """

    loadings: np.ndarray
    phi: np.ndarray
    method: str


def order_and_sign(loadings: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flip and reorder factors the way ``psych::fa`` does after rotating.

    Each factor's sign is chosen so its column sum of loadings is positive (``phi`` is adjusted
    to match), then factors are sorted by the variance they account for, descending:
    ``diag(phi L'L)`` (psych's "SS loadings"), which is the sum of squared loadings for an
    orthogonal solution.

    Parameters
    ----------
    loadings : numpy.ndarray
        Items x factors.
    phi : numpy.ndarray
        Factors x factors correlation matrix.

    Returns
    -------
    tuple of numpy.ndarray
        New ``(loadings, phi)``; the inputs are not modified.

    Notes
    -----
    Same rule as ``fac()`` in psych 2.2 and later: ``sign(colSums(loadings))``, then
    ``order(diag(Phi %*% t(loadings) %*% loadings), decreasing=TRUE)``. (Older psych releases
    sorted oblique factors by ``diag(t(loadings) %*% loadings)``; the two orders agree on bfi and
    on the ``tests/data/psych_fa`` references.) On bfi the resulting factor order equals R's
    (MR2, MR1, MR3, MR5, MR4), checked in ``tests/test_factors.py``.
    """
    loadings = np.asarray(loadings, dtype=float)
    phi = np.asarray(phi, dtype=float)
    signs = np.sign(loadings.sum(axis=0))
    signs[signs == 0] = 1.0
    loadings = loadings * signs
    phi = phi * np.outer(signs, signs)
    variance = np.einsum("jk,ik,ij->j", phi, loadings, loadings)
    order = np.argsort(-variance, kind="stable")
    return loadings[:, order], phi[np.ix_(order, order)]


def rotate(loadings: np.ndarray | pd.DataFrame, method: str = "oblimin") -> Rotation:
    """Rotate unrotated loadings and put the factors in psych's order and sign.

    Parameters
    ----------
    loadings : array-like
        Unrotated loadings, items x factors.
    method : {"oblimin", "promax", "varimax", "geomin", "quartimax", "none"}
        Rotation criterion. ``"oblimin"`` is direct quartimin (gamma 0) without Kaiser
        normalisation, ``"promax"`` uses Kaiser normalisation and power 4, ``"varimax"`` uses
        Kaiser normalisation, ``"geomin"`` is oblique geomin (psych's ``"geominQ"``,
        delta 0.01), ``"quartimax"`` is orthogonal quartimax without normalisation.

    Returns
    -------
    Rotation
        Rotated, ordered and signed loadings with the factor correlations ``phi``.

    Raises
    ------
    DataError
        If ``method`` is unknown or the loadings are not a finite 2-D matrix.

    Notes
    -----
    The rotations are ``factor_analyzer.rotator.Rotator`` with the settings psych uses in R
    (``GPArotation::oblimin`` with ``gam = 0, normalize = FALSE``; ``stats::varimax``;
    ``psych::kaiser(rotate = "Promax")``, i.e. ``Promax`` with ``m = 4`` on Kaiser-normalised rows,
    not ``stats::promax``; ``GPArotation::geominQ``; ``GPArotation::quartimax``). ``Rotator``'s
    oblimin ignores ``normalize``, which matches GPArotation's default. Checked against R psych
    ``fa(..., rotate=...)`` output, factor order and signs included: oblimin on bfi (5 factors,
    psych 2.2.9 / GPArotation 2022.10-2) to about 1e-14; promax, varimax, geominQ, oblimin and
    quartimax on the 10-variable ``factor_analyzer`` test data (3 factors, minres and ML) to
    about 1e-12 (``tests/test_factors_psych.py``).
    """
    check_choice("rotation", method, ROTATIONS)
    a = np.asarray(loadings, dtype=float)
    if a.ndim != 2 or not np.all(np.isfinite(a)):
        raise DataError(f"loadings must be a finite 2-D matrix, got shape {a.shape}")
    k = a.shape[1]
    if method == "none" or k < 2:
        rotated, phi = a.copy(), np.eye(k)
    else:
        rotator = _rotator_class()(
            method=_ROTATOR_METHOD.get(method, method), **_ROTATOR_OPTIONS[method]
        )
        rotated = np.asarray(rotator.fit_transform(a.copy()), dtype=float)
        phi = np.eye(k) if rotator.phi_ is None else np.asarray(rotator.phi_, dtype=float)
    rotated, phi = order_and_sign(rotated, phi)
    phi = (phi + phi.T) / 2.0
    return Rotation(loadings=rotated, phi=phi, method=method)
