"""Exploratory factor analysis of survey items.

Pairwise correlations, minres / principal-axis extraction reproducing R ``psych::fa``, rotation
(oblimin, promax, varimax), parallel analysis for the number of factors, regression scores,
Cronbach's alpha, and :func:`fit_factors`, which returns a :class:`FactorSolution`.
"""

from research.factors.adequacy import bartlett_sphericity, kmo
from research.factors.correlation import CORRELATION_METHODS, correlation_matrix
from research.factors.extraction import (
    EXTRACTION_METHODS,
    Extraction,
    HeywoodWarning,
    degrees_of_freedom,
    extract_factors,
    minres,
    principal_axis,
    smc,
)
from research.factors.model import FactorModel, max_identified_factors
from research.factors.nfactors import parallel_analysis, reduced_eigenvalues, suggest_n_factors
from research.factors.reliability import cronbach_alpha
from research.factors.rotation import OBLIQUE_ROTATIONS, ROTATIONS, Rotation, order_and_sign, rotate
from research.factors.scores import RegressionScorer, regression_weights
from research.factors.solution import FactorSolution, factor_labels, fit_factors, reliability_table

__all__ = [
    "CORRELATION_METHODS",
    "EXTRACTION_METHODS",
    "OBLIQUE_ROTATIONS",
    "ROTATIONS",
    "Extraction",
    "FactorModel",
    "FactorSolution",
    "HeywoodWarning",
    "RegressionScorer",
    "Rotation",
    "bartlett_sphericity",
    "correlation_matrix",
    "cronbach_alpha",
    "degrees_of_freedom",
    "extract_factors",
    "factor_labels",
    "fit_factors",
    "kmo",
    "max_identified_factors",
    "minres",
    "order_and_sign",
    "parallel_analysis",
    "principal_axis",
    "reduced_eigenvalues",
    "regression_weights",
    "reliability_table",
    "rotate",
    "smc",
    "suggest_n_factors",
]
