"""Segments: profile models on factor scores and the choice of the number of segments."""

from .profile import COVARIANCE_TYPES, KINDS, ProfileModel
from .sweep import SegmentSolution, select_segments

__all__ = ["COVARIANCE_TYPES", "KINDS", "ProfileModel", "SegmentSolution", "select_segments"]
