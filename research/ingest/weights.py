"""Survey weights: a weight column from the export, or raking (RIM) to target margins."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from ..errors import DataError, StudyConfigError, suggest

__all__ = ["WeightSpec", "rake", "weight_report"]


@dataclass(frozen=True)
class WeightSpec:
    """How to weight (the study file's ``weights`` section).

    Attributes
    ----------
    column : str or None
        Take weights from this export column (e.g. a panel provider's ``weight``).
    targets : dict
        Variable -> {category: population share}. A variable is an item id (categories are its
        labels or codes) or an export column; ``"age x region"`` rakes to the joint cells of
        two variables, written ``"18-24 x North"``. Shares of a variable must sum to 1.
    trim : tuple of float or None
        Lower and upper bound on a weight relative to the mean weight, e.g. ``(0.3, 3.0)``;
        applied after every raking pass.
    max_iter : int
        Raking passes before giving up (with a ConvergenceWarning).
    tol : float
        Stop when every weighted margin is within `tol` of its target share.
    """

    column: str | None = None
    targets: dict = field(default_factory=dict)
    trim: tuple[float, float] | None = None
    max_iter: int = 100
    tol: float = 1e-6

    @classmethod
    def from_dict(cls, spec: dict | None, *, path: str | None = None) -> WeightSpec | None:
        """A spec from the study file's ``weights`` mapping (``None`` when absent)."""
        if not spec:
            return None
        names = [f.name for f in fields(cls)]
        for key in spec:
            if key not in names:
                raise StudyConfigError(
                    f"unknown weights option {key!r}{suggest(key, names)}", path=path
                )
        spec = dict(spec)
        if spec.get("trim") is not None:
            trim = spec["trim"]
            if (
                not (isinstance(trim, list | tuple) and len(trim) == 2)
                or not 0 < trim[0] < 1 < trim[1]
            ):
                raise StudyConfigError(
                    f"weights trim must be [low, high] with 0 < low < 1 < high, got {trim!r}",
                    path=path,
                )
            spec["trim"] = (float(trim[0]), float(trim[1]))
        targets = spec.get("targets") or {}
        if not isinstance(targets, dict):
            raise StudyConfigError(
                "weights targets must map variable -> {category: share}", path=path
            )
        for var, shares in targets.items():
            if not isinstance(shares, dict) or not shares:
                raise StudyConfigError(
                    f"weights target {var!r} must map category -> share", path=path
                )
            total = sum(float(v) for v in shares.values())
            if abs(total - 1) > 0.01:
                raise StudyConfigError(
                    f"target shares of {var!r} sum to {total:.3f}, not 1", path=path
                )
        if spec.get("column") and targets:
            raise StudyConfigError("give weights either a column or targets, not both", path=path)
        return cls(**spec)


def rake(
    frame: pd.DataFrame,
    targets: dict[str, dict],
    *,
    trim: tuple[float, float] | None = None,
    max_iter: int = 100,
    tol: float = 1e-6,
    base_weights: pd.Series | None = None,
) -> tuple[pd.Series, dict]:
    """Raking (iterative proportional fitting) of weights to target margins.

    Parameters
    ----------
    frame : pd.DataFrame
        One column per raking variable (already in the categories of `targets`), one row per
        respondent. Respondents missing a variable are left out of that margin only.
    targets : dict
        Variable -> {category: share}; shares are normalised to sum to 1.
    trim : (low, high), optional
        Bounds relative to the mean weight, applied after each pass.
    max_iter, tol : int, float
        Passes allowed; convergence when each margin is within `tol` of its target.
    base_weights : pd.Series, optional
        Design weights to start from (default 1).

    Returns
    -------
    weights : pd.Series
        Mean 1 over the rows of `frame`.
    report : dict
        See :func:`weight_report`, plus ``iterations``, ``converged``, ``max_margin_error``.

    Raises
    ------
    DataError
        A category present in the data has no target, or a target category has no respondent.

    Notes
    -----
    Deming–Stephan raking, the algorithm of R ``survey::rake`` and ``anesrake``. Tested
    against its closed forms: with one margin it equals post-stratification (target share /
    sample share), and with two margins it equals the minimum-discrimination-information
    solution (weights minimising sum w log w subject to the margins), found independently
    with scipy.
    """
    n = len(frame)
    w = np.ones(n) if base_weights is None else base_weights.to_numpy(dtype=float).copy()
    groups = []
    for var, shares in targets.items():
        values = frame[var]
        cats = list(shares)
        known = values.isin(cats) | values.isna()
        if not known.all():
            stray = values[~known].value_counts()
            raise DataError(
                f"{int(stray.sum())} respondents have {var} = {stray.index[0]!r}, which has no "
                f"target share (targets: {cats})",
                column=var,
            )
        total = float(sum(shares.values()))
        idx = [np.flatnonzero((values == c).to_numpy()) for c in cats]
        for c, rows in zip(cats, idx, strict=True):
            if len(rows) == 0 and shares[c] > 0:
                raise DataError(
                    f"no respondent has {var} = {c!r}, but it has a target share", column=var
                )
        groups.append(
            (var, idx, np.array([shares[c] / total for c in cats]), values.notna().to_numpy())
        )
    error, n_iter, trimmed = np.inf, 0, 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - the pass count is reported
        for _, idx, share, present in groups:
            base = w[present].sum()
            for rows, s in zip(idx, share, strict=True):
                got = w[rows].sum()
                if got > 0:
                    w[rows] *= s * base / got
        if trim is not None:
            m = w.mean()
            trimmed = int(((w < trim[0] * m) | (w > trim[1] * m)).sum())
            w = np.clip(w, trim[0] * m, trim[1] * m)
        error = _margin_error(w, groups)
        if error < tol:
            break
    converged = bool(error < tol)
    if not converged:
        warnings.warn(
            f"raking did not converge in {max_iter} passes (largest margin error {error:.2g}); "
            "loosen the trimming bounds or raise max_iter",
            ConvergenceWarning,
            stacklevel=2,
        )
    w = w / w.mean() if n else w
    weights = pd.Series(w, index=frame.index, name="weight")
    report = weight_report(weights)
    report.update(iterations=n_iter, converged=converged, max_margin_error=float(error))
    if trim is not None:
        report["trimmed"] = trimmed
    return weights, report


def _margin_error(w: np.ndarray, groups) -> float:
    worst = 0.0
    for _, idx, share, present in groups:
        base = w[present].sum()
        for rows, s in zip(idx, share, strict=True):
            worst = max(worst, abs(w[rows].sum() / base - s))
    return worst


def weight_report(weights: pd.Series) -> dict:
    """Summary of a weight vector: range, Kish design effect, effective n and efficiency.

    ``design_effect`` is Kish's 1 + CV² = n Σw² / (Σw)²; ``effective_n`` = (Σw)² / Σw²;
    ``efficiency`` = effective_n / n.
    """
    w = weights.to_numpy(dtype=float)
    n = len(w)
    if n == 0:
        return {"n": 0}
    total, sq = float(w.sum()), float((w**2).sum())
    n_eff = total**2 / sq if sq else 0.0
    return {
        "n": n,
        "sum": total,
        "min": float(w.min()),
        "max": float(w.max()),
        "design_effect": n * sq / total**2 if total else float("nan"),
        "effective_n": n_eff,
        "efficiency": n_eff / n,
    }
