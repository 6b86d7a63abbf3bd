"""The bundled example study (Second Stitch) and its simulator."""

from .bundled import DEMO_DIR, demo_paths, regenerate_demo_export, write_qualtrics_csv
from .simulate import SEGMENTS, SimulatedStudy, qualtrics_header, simulate_study

__all__ = [
    "DEMO_DIR",
    "SEGMENTS",
    "SimulatedStudy",
    "demo_paths",
    "qualtrics_header",
    "regenerate_demo_export",
    "simulate_study",
    "write_qualtrics_csv",
]
