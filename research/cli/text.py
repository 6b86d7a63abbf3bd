"""`research text`: command-line entry to research.text (see that module)."""

from __future__ import annotations
