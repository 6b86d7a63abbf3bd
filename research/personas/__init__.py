"""Personas: segment profiles, names, and the content of stakeholder reports."""

from .build import PALETTE, build_personas, factor_constructs, name_segments
from .content import build_report_content
from .model import Persona, ReportContent
from .profiles import factor_means, segment_profiles

__all__ = [
    "PALETTE",
    "Persona",
    "ReportContent",
    "build_personas",
    "build_report_content",
    "factor_constructs",
    "factor_means",
    "name_segments",
    "segment_profiles",
]
