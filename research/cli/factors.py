"""`research factors`: command-line entry to research.factors (see that module)."""

from __future__ import annotations
