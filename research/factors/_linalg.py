"""Small linear-algebra helpers shared by the factor-analysis modules."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["single_threaded_blas"]

_BLAS_CONTROLLER: list[object] = []


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with BLAS limited to one thread.

    The matrices of a factor analysis are small (items x items) and the one-hot product of the
    polychoric tables is thin; multi-threaded OpenBLAS spends longer synchronising threads than
    computing on them, and on a busy two-core machine it was up to 10x slower (parallel analysis
    on bfi ran 6x slower). Does nothing if ``threadpoolctl`` (a scikit-learn dependency) is
    unavailable.
    """
    if not _BLAS_CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            _BLAS_CONTROLLER.append(None)
        else:
            _BLAS_CONTROLLER.append(ThreadpoolController())
    controller = _BLAS_CONTROLLER[0]
    if controller is None:  # pragma: no cover
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield
