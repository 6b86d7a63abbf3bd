"""Exploratory factor analysis of survey items, checked against R psych.

Correlations (Pearson, polychoric for ordinal items, or chosen automatically), suitability (KMO,
Bartlett), the number of factors (parallel analysis, Velicer's MAP, Kaiser, scree), extraction
(minres, maximum likelihood, principal axis) with Heywood detection, rotation (oblimin, promax,
varimax, geomin), fit statistics, item flags, reliability (alpha, omega), factor scores
(regression, Bartlett, ten Berge) and naming; :func:`fit_factors` returns a
:class:`FactorSolution` with all of it.
"""

from research.factors.adequacy import bartlett_sphericity, kmo
from research.factors.bivariate import bvn_cdf
from research.factors.correlation import (
    CORRELATION_METHODS,
    Correlation,
    correlate,
    correlation_matrix,
    resolve_correlation,
)
from research.factors.extraction import (
    EXTRACTION_METHODS,
    Extraction,
    HeywoodWarning,
    degrees_of_freedom,
    extract_factors,
    maximum_likelihood,
    minres,
    principal_axis,
    smc,
)
from research.factors.fit import FIT_KEYS, fit_statistics
from research.factors.flags import empty_factors, item_flags
from research.factors.model import FactorModel, max_identified_factors
from research.factors.naming import factor_labels, wording_label
from research.factors.nfactors import (
    NFactors,
    n_factors_table,
    parallel_analysis,
    reduced_eigenvalues,
    suggest_n_factors,
    velicer_map,
)
from research.factors.polychoric import Polychoric, cor_smooth, polychoric
from research.factors.reliability import (
    Omega,
    alpha_if_dropped,
    cronbach_alpha,
    omega,
    schmid_leiman,
)
from research.factors.rotation import OBLIQUE_ROTATIONS, ROTATIONS, Rotation, order_and_sign, rotate
from research.factors.scores import (
    SCORE_METHODS,
    FactorScorer,
    RegressionScorer,
    regression_weights,
    score_weights,
)
from research.factors.solution import FactorSolution, fit_factors, reliability_table
from research.factors.summary import solution_summary, solution_tables

__all__ = [
    "CORRELATION_METHODS",
    "EXTRACTION_METHODS",
    "FIT_KEYS",
    "OBLIQUE_ROTATIONS",
    "ROTATIONS",
    "SCORE_METHODS",
    "Correlation",
    "Extraction",
    "FactorModel",
    "FactorScorer",
    "FactorSolution",
    "HeywoodWarning",
    "NFactors",
    "Omega",
    "Polychoric",
    "RegressionScorer",
    "Rotation",
    "alpha_if_dropped",
    "bartlett_sphericity",
    "bvn_cdf",
    "cor_smooth",
    "correlate",
    "correlation_matrix",
    "cronbach_alpha",
    "degrees_of_freedom",
    "empty_factors",
    "extract_factors",
    "factor_labels",
    "fit_factors",
    "fit_statistics",
    "item_flags",
    "kmo",
    "max_identified_factors",
    "maximum_likelihood",
    "minres",
    "n_factors_table",
    "omega",
    "order_and_sign",
    "parallel_analysis",
    "polychoric",
    "principal_axis",
    "reduced_eigenvalues",
    "regression_weights",
    "reliability_table",
    "resolve_correlation",
    "rotate",
    "schmid_leiman",
    "score_weights",
    "smc",
    "solution_summary",
    "solution_tables",
    "suggest_n_factors",
    "velicer_map",
    "wording_label",
]
