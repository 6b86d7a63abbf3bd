"""`research segments`: command-line entry to research.segments (see that module)."""

from __future__ import annotations
