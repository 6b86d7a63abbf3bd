"""SciPy's L-BFGS-B for minres and ML extraction, without importing ``scipy.optimize``.

The extraction must stop where R's ``optim(method="L-BFGS-B")`` stops to reproduce psych to
1e-13, so it keeps the very same compiled routine: SciPy's ``setulb`` (``scipy.optimize.minimize``
drives it the same way). What it sheds is ``import scipy.optimize``, which takes about 0.25 s
(SciPy's array-API layer imports most of NumPy's optional submodules and rewrites hundreds of
docstrings) to reach an extension module that loads in 3 ms. The extension is loaded from its
file when its calling convention is the one this driver speaks (SciPy 1.15 and later);
otherwise :func:`minimize_bounded` calls ``scipy.optimize.minimize`` as before. Both paths give
identical results (``tests/test_factors_special.py``).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = ["minimize_bounded"]

# First line of setulb's docstring in the SciPy versions whose protocol _drive implements.
_SIGNATURE = "setulb(m,x,l,u,nbd,f,g,factr,pgtol,wa,iwa,task,lsave,isave,dsave,maxls,ln_task)"
_MODULE = "scipy.optimize._lbfgsb"
# setulb's task codes: evaluate f and g at x; a new iterate; converged; stop.
_FG, _NEW_X, _CONVERGED, _STOP = 3, 1, 4, 5
_STOP_MAXITER, _STOP_MAXFUN = 504, 502
_MAXFUN = 15000  # scipy.optimize.minimize's default
_MAXLS = 20


def _load_setulb() -> Callable[..., None] | None:
    """SciPy's compiled ``setulb`` if its protocol is the one :func:`_drive` speaks, else None."""
    try:
        module = sys.modules.get(_MODULE)
        if module is None:
            spec = importlib.util.find_spec("scipy")  # finds the package without importing it
            if spec is None or not spec.submodule_search_locations:
                return None
            folder = Path(next(iter(spec.submodule_search_locations))) / "optimize"
            path = next(
                (
                    folder / f"_lbfgsb{suffix}"
                    for suffix in importlib.machinery.EXTENSION_SUFFIXES
                    if (folder / f"_lbfgsb{suffix}").is_file()
                ),
                None,
            )
            if path is None:
                return None
            loader = importlib.machinery.ExtensionFileLoader(_MODULE, str(path))
            module = importlib.util.module_from_spec(
                importlib.util.spec_from_file_location(_MODULE, path, loader=loader)
            )
            loader.exec_module(module)
        setulb = getattr(module, "setulb", None)
    except (ImportError, OSError):
        return None
    if setulb is None or (setulb.__doc__ or "").split("\n", 1)[0].strip() != _SIGNATURE:
        return None
    return setulb


# Loaded with the module, as the SciPy import it replaces was: threadpoolctl then sees SciPy's
# BLAS when research.factors._linalg first limits threads.
_SETULB = _load_setulb()


def _drive(
    setulb: Callable[..., None],
    fun: Callable[[np.ndarray], float],
    jac: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    maxcor: int,
    factr: float,
    maxiter: int,
) -> tuple[np.ndarray, int, bool]:
    """Run ``setulb``'s reverse-communication loop as ``scipy.optimize.minimize`` does."""
    n = x0.size
    x = np.array(x0, dtype=np.float64)
    f: float | np.ndarray = np.array(0.0)
    g = np.zeros(n)
    nbd = np.full(n, 2, dtype=np.int32)  # both bounds finite
    wa = np.zeros(2 * maxcor * n + 5 * n + 11 * maxcor * maxcor + 8 * maxcor)
    iwa = np.zeros(3 * n, dtype=np.int32)
    task = np.zeros(2, dtype=np.int32)
    ln_task = np.zeros(2, dtype=np.int32)
    lsave = np.zeros(4, dtype=np.int32)
    isave = np.zeros(44, dtype=np.int32)
    dsave = np.zeros(29)
    n_iter = n_eval = 0
    lo, hi = np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
    while True:
        g = g.astype(np.float64)
        setulb(maxcor, x, lo, hi, nbd, f, g, factr, 0.0, wa, iwa, task, lsave, isave, dsave,
               _MAXLS, ln_task)  # fmt: skip
        if task[0] == _FG:
            f, g = float(fun(x.copy())), np.atleast_1d(jac(x.copy()))
            n_eval += 1
        elif task[0] == _NEW_X:
            n_iter += 1
            if n_iter >= maxiter:
                task[0], task[1] = _STOP, _STOP_MAXITER
            elif n_eval > _MAXFUN:
                task[0], task[1] = _STOP, _STOP_MAXFUN
        else:
            break
    return x, n_iter, bool(task[0] == _CONVERGED)


def minimize_bounded(
    fun: Callable[[np.ndarray], float],
    jac: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    lower: float,
    upper: float,
    *,
    maxcor: int,
    ftol: float,
    maxiter: int,
) -> tuple[np.ndarray, int, bool]:
    """Minimise ``fun`` within ``[lower, upper]`` per coordinate by L-BFGS-B.

    Exactly ``scipy.optimize.minimize(fun, x0, jac=jac, method="L-BFGS-B", bounds=...,
    options={"ftol": ftol, "gtol": 0, "maxcor": maxcor, "maxiter": maxiter})``.

    Returns
    -------
    tuple
        ``(x, iterations, converged)``.
    """
    x0 = np.clip(np.asarray(x0, dtype=np.float64).ravel(), lower, upper)
    n = x0.size
    if _SETULB is None:
        from scipy.optimize import minimize

        result = minimize(
            fun,
            x0,
            jac=jac,
            method="L-BFGS-B",
            bounds=[(lower, upper)] * n,
            options={"ftol": ftol, "gtol": 0.0, "maxcor": maxcor, "maxiter": maxiter},
        )
        return result.x, int(result.nit), bool(result.success)
    factr = ftol / np.finfo(float).eps
    return _drive(
        _SETULB,
        fun,
        jac,
        x0,
        np.full(n, lower, dtype=np.float64),
        np.full(n, upper, dtype=np.float64),
        maxcor=maxcor,
        factr=factr,
        maxiter=maxiter,
    )
