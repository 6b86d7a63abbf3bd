"""Personas: segment profiles, significance tests, names, and the content of reports."""

from .build import PALETTE, build_personas
from .content import assemble_report, build_report_content, tests_note
from .model import SCORECARD_CRITERIA, Persona, ReportContent
from .naming import describe_segment, factor_constructs, name_segments
from .profiles import factor_means, segment_profiles, short_label
from .scorecard import normalise_scorecard, verdict_status
from .significance import CORRECTIONS, adjust_pvalues, column_letter, segment_tests

__all__ = [
    "CORRECTIONS",
    "PALETTE",
    "SCORECARD_CRITERIA",
    "Persona",
    "ReportContent",
    "adjust_pvalues",
    "assemble_report",
    "build_personas",
    "build_report_content",
    "column_letter",
    "describe_segment",
    "factor_constructs",
    "factor_means",
    "name_segments",
    "normalise_scorecard",
    "segment_profiles",
    "segment_tests",
    "short_label",
    "tests_note",
    "verdict_status",
]
