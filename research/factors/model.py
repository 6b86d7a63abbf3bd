"""``FactorModel``: exploratory factor analysis as a scikit-learn style estimator."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from research._special import linear_sum_assignment
from research.errors import DataError
from research.estimator import Estimator, check_fitted, convergence_warning
from research.factors._linalg import single_threaded_blas
from research.factors._validation import check_choice, numeric_items, positive_int
from research.factors.adequacy import bartlett_sphericity, kmo
from research.factors.correlation import CORRELATION_METHODS, correlate
from research.factors.extraction import EXTRACTION_METHODS, degrees_of_freedom, extract_factors
from research.factors.fit import fit_statistics
from research.factors.nfactors import n_factors_table
from research.factors.rotation import OBLIQUE_ROTATIONS, ROTATIONS, rotate
from research.factors.scores import SCORE_METHODS, FactorScorer

__all__ = ["MIN_RESPONDENTS", "RESPONDENTS_PER_ITEM", "FactorModel", "max_identified_factors"]

#: Fewest respondents :meth:`FactorModel.fit` accepts, whatever the number of items.
MIN_RESPONDENTS = 50
#: Fewest respondents per item :meth:`FactorModel.fit` accepts.
RESPONDENTS_PER_ITEM = 3
#: Fewest items a factor model can be fitted to (one factor on three items has 0 df).
MIN_ITEMS = 3

# Allowed values of the string parameters, declared once; validation and messages use these.
_CHOICES: dict[str, tuple[str, ...]] = {
    "method": EXTRACTION_METHODS,
    "rotation": ROTATIONS,
    "correlation": CORRELATION_METHODS,
    "scores": SCORE_METHODS,
}


def max_identified_factors(n_items: int) -> int:
    """Largest number of factors with non-negative degrees of freedom for ``n_items`` items.

    Notes
    -----
    Uses :func:`research.factors.degrees_of_freedom` (psych's count): 18 for 25 items, 1 for 3.
    """
    k = 0
    while k < n_items and degrees_of_freedom(n_items, k + 1) >= 0:
        k += 1
    return k


def _factor_names(k: int) -> list[str]:
    return [f"F{i}" for i in range(1, k + 1)]


class FactorModel(Estimator):
    """Exploratory factor analysis: correlations, extraction, rotation, fit and scores.

    Parameters
    ----------
    n_factors : int or "auto"
        Number of factors; ``"auto"`` takes parallel analysis's suggestion
        (:func:`research.factors.n_factors_table`).
    method : {"minres", "ml", "pa"}
        Extraction: minimum residual (psych's default), maximum likelihood, principal axis.
    rotation : {"oblimin", "promax", "varimax", "geomin", "quartimax", "none"}
        Rotation; oblimin, promax and geomin are oblique, varimax and quartimax orthogonal.
    correlation : {"pearson", "polychoric", "auto"}
        Item correlations (pairwise complete); ``"auto"`` treats items with at most 7 integer
        answer codes as ordinal (polychoric).
    scores : {"regression", "bartlett", "tenberge"}
        Factor-score method of :meth:`transform`.
    n_iter : int
        Comparison data sets for parallel analysis (used when ``n_factors="auto"``).
    random_state : int, numpy.random.Generator or None
        Seed for parallel analysis; the fit is deterministic given an int.
    progress : bool
        Show a progress bar on stderr during parallel analysis.

    Attributes
    ----------
    items_ : list of str
        Item columns fitted, in order (also ``feature_names_in_``).
    n_factors_ : int
        Number of factors extracted.
    loadings_ : pandas.DataFrame
        Pattern loadings, items x factors ``"F1".."Fk"``, ordered by variance and signed so each
        column sums positive (psych's convention).
    phi_ : pandas.DataFrame
        Factor correlations (identity for orthogonal rotations).
    structure_ : pandas.DataFrame
        Structure matrix ``loadings_ @ phi_`` (item-factor correlations).
    communalities_, uniquenesses_ : pandas.Series
        ``diag(L phi L')`` per item and ``1 -`` that.
    variance_ : pandas.DataFrame
        Per factor: ``ss_loadings`` (``diag(phi L'L)``, psych's "SS loadings"), ``proportion``
        (of the total item variance, psych's "Proportion Var"), ``cumulative`` ("Cumulative
        Var"), ``proportion_explained`` (of the common variance, "Proportion Explained") and
        ``cumulative_explained`` ("Cumulative Proportion").
    unrotated_ : pandas.DataFrame
        Loadings before rotation.
    correlation_ : pandas.DataFrame
        Item correlation matrix the model was fitted to.
    correlation_info_ : research.factors.Correlation
        How it was computed: ``method`` (what "auto" chose), ``reason``, pair counts,
        ``smoothed``, ``corrected_pairs``.
    n_factors_table_ : research.factors.NFactors or None
        Parallel analysis, MAP, Kaiser and scree values when ``n_factors="auto"``.
    parallel_ : pandas.DataFrame or None
        The parallel-analysis columns of that table (``factor, observed, simulated_mean,
        simulated_quantile``), else None.
    fit_ : dict
        :func:`research.factors.fit_statistics`: RMSR, chi-square, TLI, RMSEA, BIC, ...
    rmsr_ : float
        Root mean square off-diagonal residual (psych's RMSR).
    kmo_ : float
        Overall Kaiser-Meyer-Olkin MSA (per item in ``kmo_items_``).
    bartlett_ : dict
        Bartlett's sphericity test: ``chi2``, ``df``, ``p_value``.
    n_obs_ : int
        Respondents fitted: rows with at least one answered item.
    heywood_ : list of str
        Items whose communality reached 1 (a :class:`HeywoodWarning` was issued).
    scorer_ : FactorScorer
        Item means, standard deviations and score weights used by :meth:`transform`.

    Notes
    -----
    With ``method="minres", rotation="oblimin"`` the loadings reproduce R psych 2.2.9
    ``fa(bfi[,1:25], nfactors=5, rotate="oblimin", fm="minres")`` to about 1e-14, the KMO,
    Bartlett and fit statistics match psych's, and ``n_factors="auto"`` picks psych's 6 factors
    on bfi (``tests/test_factors.py``, ``tests/test_factors_extraction.py``). ML and minres
    with promax, varimax, geomin, oblimin and quartimax reproduce psych's ``fa`` output (order
    and signs included) to about 1e-12, principal axis psych's published output, and
    regression scores psych's scores (``tests/test_factors_psych.py``).
    """

    def __init__(
        self,
        *,
        n_factors: int | str = "auto",
        method: str = "minres",
        rotation: str = "oblimin",
        correlation: str = "pearson",
        scores: str = "regression",
        n_iter: int = 20,
        random_state: int | np.random.Generator | None = 0,
        progress: bool = False,
    ) -> None:
        self.n_factors = n_factors
        self.method = method
        self.rotation = rotation
        self.correlation = correlation
        self.scores = scores
        self.n_iter = n_iter
        self.random_state = random_state
        self.progress = progress

    # ------------------------------------------------------------------ validation
    def _check_params(self) -> int | None:
        """Validate the parameters; return the fixed number of factors or None for "auto"."""
        for name, allowed in _CHOICES.items():
            check_choice(name, getattr(self, name), allowed)
        positive_int("n_iter", self.n_iter)
        rs = self.random_state
        if not (
            rs is None
            or isinstance(rs, np.random.Generator)
            or (isinstance(rs, int | np.integer) and not isinstance(rs, bool) and rs >= 0)
        ):
            raise DataError(
                "random_state must be a non-negative integer, a numpy Generator or None, "
                f"got {rs!r}"
            )
        if isinstance(self.n_factors, str) and self.n_factors == "auto":
            return None
        if (
            isinstance(self.n_factors, bool)
            or not isinstance(self.n_factors, int | np.integer)
            or self.n_factors < 1
        ):
            raise DataError(f"n_factors must be 'auto' or an integer >= 1, got {self.n_factors!r}")
        return int(self.n_factors)

    @staticmethod
    def _check_data(X: pd.DataFrame) -> pd.DataFrame:
        """Numeric, non-constant items and enough respondents; returns a float copy."""
        items = numeric_items(X)
        answered = items.notna().to_numpy().any(axis=1)
        if not answered.all():
            items = items.loc[answered]
        n, p = items.shape
        if p < MIN_ITEMS:
            raise DataError(f"factor analysis needs at least {MIN_ITEMS} items, got {p}")
        needed = max(MIN_RESPONDENTS, RESPONDENTS_PER_ITEM * p)
        if n < needed:
            raise DataError(
                f"too few respondents: {n} rows with answers for {p} items; factor analysis "
                f"needs at least {needed} ({RESPONDENTS_PER_ITEM} per item and at least "
                f"{MIN_RESPONDENTS})"
            )
        values = items.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns are constant too
            spread = np.nanmax(values, axis=0) - np.nanmin(values, axis=0)
        # fewer than two distinct answers: all equal or none (NaN spread)
        constant = [str(c) for c, s in zip(items.columns, spread, strict=True) if not s > 0]
        if constant:
            raise DataError(
                f"constant items {constant}: every respondent gave the same answer (or none), so "
                "they cannot load on a factor; leave them out",
                column=constant[0] if len(constant) == 1 else None,
            )
        return items

    @staticmethod
    def _check_n_factors(k: int, p: int) -> None:
        if k > p:
            raise DataError(f"n_factors must be at most the number of items ({p}), got {k}")
        df = degrees_of_freedom(p, k)
        if df < 0:
            raise DataError(
                f"n_factors={k} is too many to identify with {p} items (degrees of freedom "
                f"{df} < 0); use at most {max_identified_factors(p)}"
            )

    # ------------------------------------------------------------------ fitting
    def fit(self, X: pd.DataFrame, y: object = None) -> FactorModel:
        """Fit the factor model to respondents x items data.

        Parameters
        ----------
        X : pandas.DataFrame
            Respondents in rows, numeric items in columns; missing answers are NaN. Not
            modified. Rows without any answer are ignored.
        y : ignored

        Returns
        -------
        FactorModel
            ``self``, fitted.

        Raises
        ------
        DataError
            For a bad parameter (naming it, the allowed values and the value received),
            non-numeric columns, constant items, fewer than ``max(50, 3 * items)`` respondents,
            more factors than the items can identify, or non-ordinal items asked to be
            correlated polychorically.
        """
        # Every matrix here is items x items: multi-threaded BLAS only adds synchronisation,
        # which on a busy machine costs tens of times the work (see research.factors._linalg).
        with single_threaded_blas():
            return self._fit(X)

    def _fit(self, X: pd.DataFrame) -> FactorModel:
        fixed_k = self._check_params()
        items = self._check_data(X)
        n, p = items.shape
        if fixed_k is not None:
            self._check_n_factors(fixed_k, p)
        names = list(items.columns)

        info = correlate(items, method=self.correlation)
        corr = info.matrix
        kmo_overall, kmo_items = kmo(corr)
        bartlett = bartlett_sphericity(corr, n)

        table = None
        if fixed_k is None:
            table = n_factors_table(
                items,
                correlation=info.method,
                corr=corr,
                n_iter=self.n_iter,
                random_state=self.random_state,
                progress=self.progress,
            )
            k = table.recommended
            limit = max_identified_factors(p)
            if k > limit:
                warnings.warn(
                    f"parallel analysis suggests {k} factors but {p} items identify at most "
                    f"{limit}; using {limit}",
                    UserWarning,
                    stacklevel=3,
                )
                k = limit
        else:
            k = fixed_k

        extraction = extract_factors(corr, k, method=self.method)
        if not extraction.converged:
            warnings.warn(
                f"{self.method} extraction did not converge in {extraction.n_iter} iterations",
                convergence_warning(),
                stacklevel=3,
            )
        rotated = rotate(extraction.loadings, self.rotation)
        factors = _factor_names(k)
        loadings = pd.DataFrame(rotated.loadings, index=names, columns=factors)
        phi = pd.DataFrame(rotated.phi, index=factors, columns=factors)
        structure = loadings @ phi
        model = loadings.to_numpy() @ rotated.phi @ loadings.to_numpy().T
        communalities = pd.Series(np.diag(model).copy(), index=names, name="communality")
        # psych's Vaccounted: for oblique factors the SS loadings are diag(phi L'L), and the
        # total variance of p standardised items is p.
        ss = np.diag(rotated.phi @ rotated.loadings.T @ rotated.loadings)
        variance = pd.DataFrame(
            {
                "ss_loadings": ss,
                "proportion": ss / p,
                "cumulative": np.cumsum(ss / p),
                "proportion_explained": ss / ss.sum(),
                "cumulative_explained": np.cumsum(ss / ss.sum()),
            },
            index=pd.Index(factors, name="factor"),
        )
        fit = fit_statistics(corr, loadings, phi, n_obs=n, n_pairs=info.n_pairs)

        self.items_ = names
        self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_features_in_ = p
        self.n_obs_ = int(n)
        self.n_factors_ = int(k)
        self.correlation_ = corr
        self.correlation_info_ = info
        self.kmo_ = kmo_overall
        self.kmo_items_ = kmo_items
        self.bartlett_ = bartlett
        self.n_factors_table_ = table
        self.parallel_ = (
            None
            if table is None
            else table.table.reset_index()[
                ["factor", "observed", "simulated_mean", "simulated_quantile"]
            ]
        )
        self.unrotated_ = pd.DataFrame(extraction.loadings, index=names, columns=factors)
        self.loadings_ = loadings
        self.phi_ = phi
        self.structure_ = structure
        self.communalities_ = communalities
        self.uniquenesses_ = (1.0 - communalities).rename("uniqueness")
        self.variance_ = variance
        self.fit_ = fit
        self.rmsr_ = float(fit["rmsr"])
        self.heywood_ = [names[i] for i in extraction.heywood]
        self.scorer_ = FactorScorer.from_fit(
            items, corr, structure, loadings=loadings, phi=phi, method=self.scores
        )
        return self

    def oblique_solution(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Pattern loadings and phi of an oblique rotation of this extraction.

        The fitted solution itself when its rotation is oblique; otherwise an oblimin rotation
        of ``unrotated_`` with factors matched (by absolute congruence) and signed to the
        fitted ones, so omega can be computed per fitted factor as ``psych::omega`` does.
        """
        check_fitted(self, "loadings_")
        if self.rotation in OBLIQUE_ROTATIONS or self.n_factors_ == 1:
            return self.loadings_, self.phi_
        rotated = rotate(self.unrotated_.to_numpy(), "oblimin")
        fitted = self.loadings_.to_numpy()
        norms = np.linalg.norm(fitted, axis=0)[:, None] * np.linalg.norm(rotated.loadings, axis=0)
        congruence = fitted.T @ rotated.loadings / norms
        rows, cols = linear_sum_assignment(-np.abs(congruence))
        order = cols[np.argsort(rows)]
        signs = np.sign(congruence[np.arange(len(order)), order])
        signs[signs == 0] = 1.0
        lam = rotated.loadings[:, order] * signs
        ph = rotated.phi[np.ix_(order, order)] * np.outer(signs, signs)
        return (
            pd.DataFrame(lam, index=self.loadings_.index, columns=self.loadings_.columns),
            pd.DataFrame(ph, index=self.phi_.index, columns=self.phi_.columns),
        )

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Factor scores (method ``scores``) of the respondents in ``X``, new ones included.

        Parameters
        ----------
        X : pandas.DataFrame
            Must contain the fitted items (extra columns are ignored). Not modified.

        Returns
        -------
        pandas.DataFrame
            Respondents x factors ``"F1".."Fk"``, indexed like ``X``.

        Notes
        -----
        Items are standardised with the means and standard deviations of the fitting data, and a
        missing answer is imputed with the item's fitting mean (0 after standardising). See
        :class:`research.factors.FactorScorer`.
        """
        check_fitted(self, "scorer_")
        return self.scorer_.transform(X)

    def fit_transform(self, X: pd.DataFrame, y: object = None) -> pd.DataFrame:
        """Fit to ``X`` and return its factor scores."""
        return self.fit(X).transform(X)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Names of the score columns, ``"F1".."Fk"``."""
        check_fitted(self, "n_factors_")
        return np.asarray(_factor_names(self.n_factors_), dtype=object)
