"""A light base for scikit-learn-style estimators that does not import scikit-learn.

Importing anything from scikit-learn loads ``sklearn.base``, which pulls in scipy.stats and
narwhals: 0.45 s of every ``research factors`` run, whose model needs none of it (issue 13).
:class:`Estimator` follows scikit-learn's estimator protocol (``get_params``/``set_params`` from
the ``__init__`` signature, parameters stored unchanged), so :func:`sklearn.base.clone`,
``GridSearchCV`` and pipelines accept the models as they accept scikit-learn's own.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

__all__ = ["Estimator", "NotFittedError", "check_fitted", "clone", "convergence_warning"]


class NotFittedError(ValueError, AttributeError):
    """A method that needs a fitted model was called before ``fit`` (as scikit-learn's)."""


class Estimator:
    """``get_params``/``set_params``/``repr`` from the ``__init__`` signature."""

    @classmethod
    def _param_names(cls) -> list[str]:
        init = cls.__init__
        if init is object.__init__:
            return []
        return sorted(
            p.name
            for p in inspect.signature(init).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters of this estimator (``deep`` includes those of estimator parameters)."""
        out: dict[str, Any] = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Estimator:
        """Set parameters; unknown names raise ``ValueError`` as scikit-learn does."""
        valid = set(self._param_names())
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"invalid parameter {name!r} for {type(self).__name__}; "
                    f"valid parameters: {sorted(valid)}"
                )
            if sub:
                getattr(self, name).set_params(**{sub: value})
            else:
                setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__).parameters
        shown = [
            f"{name}={getattr(self, name)!r}"
            for name in self._param_names()
            if sig[name].default is inspect.Parameter.empty
            or not _same(getattr(self, name), sig[name].default)
        ]
        return f"{type(self).__name__}({', '.join(shown)})"


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a is b or a == b)
    except (TypeError, ValueError):  # arrays compare elementwise
        return False


def check_fitted(estimator: object, attribute: str) -> None:
    """Raise :class:`NotFittedError` unless `estimator` has `attribute` (set by ``fit``)."""
    if not hasattr(estimator, attribute):
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet; call 'fit' first."
        )


def clone(estimator: Any) -> Any:
    """A new unfitted estimator with the same parameters (deep copies), as
    :func:`sklearn.base.clone` does for an estimator whose parameters are not estimators; works
    for ours and scikit-learn's."""
    params = estimator.get_params(deep=False)
    return type(estimator)(**{name: copy.deepcopy(value) for name, value in params.items()})


def convergence_warning() -> type[Warning]:
    """scikit-learn's ``ConvergenceWarning``, imported only when a warning is issued, so that
    filters users set for scikit-learn's models also catch ours."""
    from sklearn.exceptions import ConvergenceWarning

    return ConvergenceWarning
