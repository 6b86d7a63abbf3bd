"""Needs-based and psychographic segmentation for survey and interview research."""

__version__ = "0.1.0"
