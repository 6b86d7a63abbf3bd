"""How many factors to extract: parallel analysis, Velicer's MAP, Kaiser, scree; and a verdict."""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.errors import DataError
from research.factors._linalg import single_threaded_blas
from research.factors._validation import check_choice, numeric_items, positive_int
from research.factors.correlation import CORRELATION_METHODS, correlate, resolve_correlation
from research.factors.extraction import minres
from research.factors.polychoric import cor_smooth, encode_ordinal, polychoric_from_codes

__all__ = [
    "NFactors",
    "PARALLEL_COLUMNS",
    "n_factors_table",
    "parallel_analysis",
    "reduced_eigenvalues",
    "suggest_n_factors",
    "velicer_map",
]

#: Columns of the table :func:`parallel_analysis` returns.
PARALLEL_COLUMNS: tuple[str, ...] = ("factor", "observed", "simulated_mean", "simulated_quantile")

# Simulated data are generated in chunks of at most this many values (about 32 MB).
_CHUNK_VALUES = 1 << 22
# Resampled polychoric data sets are processed by up to this many threads (one per core).
_MAX_WORKERS = 4

Progress = bool | Callable[[int, int], None]


def reduced_eigenvalues(corr: np.ndarray | pd.DataFrame) -> np.ndarray:
    """Eigenvalues (descending) of ``corr`` with one-factor minres communalities on the diagonal.

    This is ``fa(r, nfactors=1, fm="minres")$values`` in R psych, the quantity
    ``fa.parallel(fa="fa")`` compares.

    Notes
    -----
    Checked through :func:`parallel_analysis` reproducing psych's 6-factor suggestion on bfi.
    """
    r = np.array(corr, dtype=float)
    # Not warnings.catch_warnings(): parallel analysis calls this from worker threads, and
    # the warnings filters are process-wide (a HeywoodWarning escaped from another thread).
    fit = minres(r, 1, warn=False)
    np.fill_diagonal(r, fit.communalities)
    return np.linalg.eigvalsh(r)[::-1]


def _random_correlations(rng: np.random.Generator, n_iter: int, n: int, p: int) -> Iterator:
    """Correlation matrices of independent standard normal n x p data sets (psych's ``sim``)."""
    chunk = max(1, _CHUNK_VALUES // (n * p))
    for start in range(0, n_iter, chunk):
        stop = min(n_iter, start + chunk)
        z = rng.standard_normal((stop - start, n, p))
        z -= z.mean(axis=1, keepdims=True)
        cov = np.matmul(z.transpose(0, 2, 1), z)
        sd = np.sqrt(np.einsum("kii->ki", cov))
        yield from cov / sd[:, :, None] / sd[:, None, :]


def _resampled_polychoric_values(codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Factor eigenvalues of data resampled column by column (psych's ``resample``).

    Each item's answers (missing ones included) are drawn with replacement independently of the
    other items: the margins stay, the correlations vanish in expectation.
    """
    n, p = codes.shape
    rows = rng.integers(0, n, size=(n, p), dtype=np.int32 if n < 2**31 else np.int64)
    sample = np.take_along_axis(codes, rows, axis=0)
    n_cat = np.maximum(sample.max(axis=0).astype(int) + 1, 2)
    rho = polychoric_from_codes(sample, n_cat)[0]
    return reduced_eigenvalues(cor_smooth(rho)[0])


@contextlib.contextmanager
def _progress(enabled: Progress, total: int, label: str) -> Iterator[Callable[[], None]]:
    """Yield an ``advance()`` callback: a rich bar on stderr, a user callback, or nothing."""
    if callable(enabled):
        done = [0]

        def advance() -> None:
            done[0] += 1
            enabled(done[0], total)

        yield advance
    elif enabled:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        columns = (
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(label, total=total)
            yield lambda: bar.advance(task)
    else:
        yield lambda: None


def parallel_analysis(
    data: pd.DataFrame,
    *,
    n_iter: int = 20,
    random_state: int | np.random.Generator | None = 0,
    quantile: float = 0.95,
    correlation: str = "pearson",
    observed: pd.DataFrame | None = None,
    progress: Progress = False,
) -> pd.DataFrame:
    """Compare the data's factor eigenvalues with those of data without common factors.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, numeric items in columns (missing answers allowed). Not modified.
    n_iter : int
        Number of comparison data sets.
    random_state : int, numpy.random.Generator or None
        Seed for ``numpy.random.default_rng``; the same seed gives the same table.
    quantile : float
        Quantile of the comparison eigenvalues reported in ``simulated_quantile`` (0 < q < 1).
    correlation : {"pearson", "polychoric", "auto"}
        The correlation type of the analysis; the comparison uses the same type (see Notes).
    observed : pandas.DataFrame, optional
        The data's correlation matrix, if already computed (saves recomputing it).
    progress : bool or callable
        ``True`` shows a progress bar on stderr; a callable is called with ``(done, total)``.

    Returns
    -------
    pandas.DataFrame
        One row per possible factor with columns ``factor`` (1-based), ``observed``,
        ``simulated_mean`` and ``simulated_quantile``.

    Raises
    ------
    DataError
        For non-numeric columns, fewer than 2 items or 3 rows, unusable correlations, or bad
        ``n_iter`` / ``quantile`` / ``correlation``.

    Notes
    -----
    Eigenvalues are those of the correlation matrix with the communalities of a one-factor
    minres solution on its diagonal, as R ``psych::fa.parallel(x, fa="fa")`` computes them. With
    Pearson correlations the comparison data are standard normal with as many rows as ``data``
    (psych's simulated data); with polychoric correlations each item's answers are resampled
    independently, with replacement, and the resampled data are correlated polychorically
    (psych's resampled data with ``cor="poly"``), so the comparison has the items' own
    thresholds. On bfi (Pearson, 20 iterations) the table suggests 6 factors, as
    ``psych::fa.parallel(bfi[,1:25], fa="fa")``; it takes about 0.1 s.
    """
    n_iter = positive_int("n_iter", n_iter)
    if isinstance(quantile, bool) or not isinstance(quantile, int | float) or not 0 < quantile < 1:
        raise DataError(f"quantile must be a number between 0 and 1 (exclusive), got {quantile!r}")
    check_choice("correlation", correlation, CORRELATION_METHODS)
    items = numeric_items(data)
    n, p = items.shape
    if p < 2 or n < 3:
        raise DataError(f"parallel analysis needs at least 2 items and 3 rows, got {p} and {n}")
    method, _ = resolve_correlation(items, correlation)
    if observed is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            observed = correlate(items, method=method).matrix
    values = reduced_eigenvalues(observed)
    rng = np.random.default_rng(random_state)
    simulated = np.empty((n_iter, p))
    with _progress(progress, n_iter, f"parallel analysis ({method})") as advance:
        if method == "polychoric":
            # One independent stream per data set: the same seed gives the same table however
            # the data sets are shared among threads (numpy and BLAS release the GIL).
            codes = encode_ordinal(items)[0]
            streams = rng.spawn(n_iter)
            workers = max(1, min(os.cpu_count() or 1, _MAX_WORKERS, n_iter))
            with single_threaded_blas(), ThreadPoolExecutor(workers) as pool:
                results = pool.map(lambda g: _resampled_polychoric_values(codes, g), streams)
                for i, eigenvalues in enumerate(results):
                    simulated[i] = eigenvalues
                    advance()
        else:
            for i, matrix in enumerate(_random_correlations(rng, n_iter, n, p)):
                simulated[i] = reduced_eigenvalues(matrix)
                advance()
    return pd.DataFrame(
        {
            "factor": np.arange(1, p + 1),
            "observed": values,
            "simulated_mean": simulated.mean(axis=0),
            "simulated_quantile": np.quantile(simulated, quantile, axis=0),
        }
    )


def suggest_n_factors(table: pd.DataFrame, *, criterion: str = "mean") -> int:
    """Number of leading factors whose observed eigenvalue beats the comparison data's.

    Parameters
    ----------
    table : pandas.DataFrame
        A table from :func:`parallel_analysis`.
    criterion : {"mean", "quantile"}
        Compare with ``simulated_mean`` (psych's default, when ``quant`` is not given) or with
        ``simulated_quantile``.

    Returns
    -------
    int
        The count of consecutive factors, from the first, with ``observed`` above the
        comparison; at least 1.

    Notes
    -----
    psych's rule ``which(!(fa.values > fa.sim))[1] - 1``. Gives 6 on bfi with either criterion,
    matching ``psych::fa.parallel(bfi[,1:25], fa="fa")``.
    """
    check_choice("criterion", criterion, ("mean", "quantile"))
    column = "simulated_mean" if criterion == "mean" else "simulated_quantile"
    missing = [c for c in ("observed", column) if c not in getattr(table, "columns", [])]
    if missing:
        raise DataError(f"table must be a parallel_analysis table; missing columns {missing}")
    above = (table["observed"].to_numpy() > table[column].to_numpy()).tolist()
    leading = above.index(False) if False in above else len(above)
    return max(1, leading)


def velicer_map(corr: pd.DataFrame | np.ndarray, max_factors: int | None = None) -> pd.Series:
    """Velicer's minimum average partial (MAP) criterion for 1..m components.

    Parameters
    ----------
    corr : array-like
        Item correlation matrix (p x p).
    max_factors : int, optional
        Largest number of components (default and at most ``p - 1``).

    Returns
    -------
    pandas.Series
        Average squared partial correlation after removing the first m principal components,
        indexed by m (name ``factor``); the minimum marks the suggested number.

    Notes
    -----
    The ``map`` function inside R ``psych::VSS``, computed on the same correlation matrix as the
    rest of the analysis. On bfi it is smallest at 5 components, as psych's ``VSS`` reports
    ("The Velicer MAP achieves a minimum of 0.01 with 5 factors").
    """
    r = np.asarray(corr, dtype=float)
    p = r.shape[0]
    limit = p - 1 if max_factors is None else min(positive_int("max_factors", max_factors), p - 1)
    values, vectors = np.linalg.eigh(r)
    components = vectors[:, ::-1] * np.sqrt(np.maximum(values[::-1], 0.0))
    out = np.empty(limit)
    for m in range(1, limit + 1):
        partial = r - components[:, :m] @ components[:, :m].T
        diag = np.diag(partial)
        if np.any(diag <= 1e-12):  # all variance removed: partial correlations undefined
            out[m - 1] = np.nan
            continue
        scaled = partial / np.sqrt(np.outer(diag, diag))
        np.fill_diagonal(scaled, 0.0)
        out[m - 1] = np.sum(scaled**2) / (p * (p - 1))
    return pd.Series(out, index=pd.Index(np.arange(1, limit + 1), name="factor"), name="map")


@dataclass(frozen=True, eq=False)
class NFactors:
    """The evidence on how many factors to extract.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by ``factor`` (1..p): ``eigenvalue`` (of the correlation matrix: the scree and
        Kaiser values), ``observed`` (factor eigenvalues compared in parallel analysis),
        ``simulated_mean``, ``simulated_quantile``, ``map`` (NaN past p - 1).
    suggestions : dict
        ``{"parallel": k, "map": k, "kaiser": k}``.
    recommended : int
        The number to extract: parallel analysis's suggestion.
    reason : str
        One sentence a report can print.
    correlation : str
        Correlation type used throughout.
    """

    table: pd.DataFrame
    suggestions: dict[str, int] = field(default_factory=dict)
    recommended: int = 1
    reason: str = ""
    correlation: str = "pearson"


def n_factors_table(
    data: pd.DataFrame,
    *,
    correlation: str = "pearson",
    corr: pd.DataFrame | None = None,
    n_iter: int = 20,
    random_state: int | np.random.Generator | None = 0,
    progress: Progress = False,
) -> NFactors:
    """Parallel analysis, Velicer's MAP, Kaiser's rule and the scree values, with a verdict.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents x numeric items. Not modified.
    correlation : {"pearson", "polychoric", "auto"}
        Correlation type for everything (parallel analysis resamples with the same type).
    corr : pandas.DataFrame, optional
        The data's correlation matrix of that type, if already computed.
    n_iter, random_state, progress
        As :func:`parallel_analysis`.

    Returns
    -------
    NFactors
        The table, each criterion's suggestion and the recommendation (parallel analysis, the
        criterion psych and most methodologists favour; MAP and Kaiser are context).

    Notes
    -----
    Combines :func:`parallel_analysis` (psych's ``fa.parallel``), :func:`velicer_map`
    (psych's ``VSS`` MAP) and the count of correlation eigenvalues above 1 (Kaiser). On bfi
    with Pearson correlations: parallel 6, MAP 5, Kaiser 6.
    """
    items = numeric_items(data)
    method, _ = resolve_correlation(items, correlation)
    if corr is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            corr = correlate(items, method=method).matrix
    parallel = parallel_analysis(
        items,
        n_iter=n_iter,
        random_state=random_state,
        correlation=method,
        observed=corr,
        progress=progress,
    )
    eigen = np.linalg.eigvalsh(corr.to_numpy(dtype=float))[::-1]
    table = parallel.set_index("factor")
    table.insert(0, "eigenvalue", eigen)
    table["map"] = velicer_map(corr).reindex(table.index)
    suggestions = {
        "parallel": suggest_n_factors(parallel),
        "map": int(table["map"].idxmin()) if table["map"].notna().any() else 1,
        "kaiser": max(1, int(np.sum(eigen > 1.0))),
    }
    what = "resampled" if method == "polychoric" else "simulated normal"
    reason = (
        f"parallel analysis ({n_iter} {what} data sets, {method} correlations) suggests "
        f"{suggestions['parallel']}; Velicer's MAP suggests {suggestions['map']}; "
        f"{suggestions['kaiser']} eigenvalues exceed 1"
    )
    return NFactors(
        table=table,
        suggestions=suggestions,
        recommended=suggestions["parallel"],
        reason=reason,
        correlation=method,
    )
