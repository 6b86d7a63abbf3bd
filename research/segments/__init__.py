"""Segments: latent class and profile models, the choice of K, stability, typing tool, scorecard.

- :class:`LatentClassModel` — latent class analysis of categorical answers (checked against
  R poLCA), with missing answers, weights, ordinal items, SQUAREM-accelerated EM.
- :class:`ProfileModel` — Gaussian mixtures (latent profile analysis) and k-means.
- :func:`select_segments` — fit K = 2..8, fit indices, BLRT, a recommended K with its reason.
- :func:`segment_stability` — bootstrap and split-half replication (ARI, per-segment Jaccard).
- :func:`build_typing_tool`, :func:`assign_segments`, :func:`add_typing_tool_sheet` — golden
  questions, pure scoring, and an Excel sheet with working formulas.
- :func:`scorecard` — the seven-part test; :func:`analyse_segments` runs all of the above.
"""

from .._lazy import lazy_attributes
from .analysis import SegmentAnalysis, analyse_segments, segment_profiles_table
from .guards import model_warnings, screen_indicators
from .lca import LatentClassModel
from .scorecard import (
    CRITERIA,
    DEFAULT_THRESHOLDS,
    cramers_v_table,
    pairwise_cohen_d,
    scorecard,
)
from .segment_scorecard import SEGMENT_MEASURES, segment_scorecard
from .simulate import SimulatedSegments, simulate_segments
from .stability import (
    StabilityResult,
    adjusted_rand_index,
    match_segments,
    segment_jaccard,
    segment_stability,
)
from .sweep import FIT_COLUMNS, SWEEP_KINDS, SegmentSolution, make_model, select_segments

__all__ = [
    "COVARIANCE_TYPES",
    "CRITERIA",
    "DEFAULT_THRESHOLDS",
    "FIT_COLUMNS",
    "KINDS",
    "SWEEP_KINDS",
    "TYPING_METHODS",
    "LatentClassModel",
    "ProfileModel",
    "SegmentAnalysis",
    "SegmentSolution",
    "SimulatedSegments",
    "StabilityResult",
    "TypingTool",
    "add_typing_tool_sheet",
    "adjusted_rand_index",
    "analyse_segments",
    "assign_segments",
    "bootstrap_lrt",
    "build_typing_tool",
    "cramers_v_table",
    "make_model",
    "match_segments",
    "model_warnings",
    "pairwise_cohen_d",
    "scorecard",
    "segment_scorecard",
    "SEGMENT_MEASURES",
    "screen_indicators",
    "segment_jaccard",
    "segment_profiles_table",
    "segment_stability",
    "select_segments",
    "simulate_segments",
    "typing_sheet_cells",
]

# Exports that need scikit-learn (profile models, the BLRT, the typing tool: about 1 s with
# scipy.stats) or openpyxl (the typing tool's sheet) are imported on first use (PEP 562), so a
# latent class fit and `research segment --no-extras` load neither.
_MODULES = {
    "blrt": ["bootstrap_lrt"],
    "profile": ["COVARIANCE_TYPES", "KINDS", "ProfileModel"],
    "typing_excel": ["add_typing_tool_sheet", "typing_sheet_cells"],
    "typing_tool": ["TYPING_METHODS", "TypingTool", "assign_segments", "build_typing_tool"],
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}


__getattr__, __dir__ = lazy_attributes(globals())
