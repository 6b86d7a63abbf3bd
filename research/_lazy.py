"""Attributes a package exports but imports only on first use (PEP 562).

A package lists them in a module-level ``_LAZY`` table (attribute name -> submodule) and
binds ``__getattr__, __dir__ = lazy_attributes(globals())``. The table is read at each lookup,
so a test may swap it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_attributes(namespace: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list]]:
    """The ``__getattr__`` and ``__dir__`` of the package whose globals are `namespace`."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        table = namespace["_LAZY"]
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{table[name]}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(namespace["_LAZY"]))

    return __getattr__, __dir__
