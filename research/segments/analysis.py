"""One call from a data table to a checked segmentation: sweep, stability, typing tool, scorecard."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import DataError
from ._items import select_items
from .guards import model_warnings, screen_indicators
from .scorecard import scorecard, segment_moments
from .segment_scorecard import segment_scorecard
from .stability import StabilityResult, segment_stability
from .sweep import SegmentSolution, select_segments

if TYPE_CHECKING:  # the typing tool imports scikit-learn (about 1 s) only when it runs
    from .typing_tool import TypingTool

__all__ = ["SegmentAnalysis", "analyse_segments", "segment_profiles_table"]


@dataclass(frozen=True)
class SegmentAnalysis:
    """Everything :func:`analyse_segments` found."""

    solution: SegmentSolution
    stability: StabilityResult | None
    typing_tool: TypingTool | None
    scorecard: pd.DataFrame
    profiles: pd.DataFrame
    segment_scorecard: pd.DataFrame | None = None
    #: Seconds each step took: ``fit`` (the K sweep), ``stability``, ``typing_tool``, ``scorecard``.
    timings: dict[str, float] = field(default_factory=dict)
    #: Sentences for the executive summary: indicators dropped, K at the edge of the range,
    #: a degenerate fit, failed checks (:mod:`research.segments.guards`).
    warnings: tuple[str, ...] = ()
    #: The columns actually segmented on, after screening.
    basis_columns: tuple[str, ...] = ()

    def verdicts(self) -> pd.DataFrame:
        """``segment, criterion, verdict, detail``: each segment's verdicts, then the whole
        solution's (segment NA), in the long shape the persona reports read."""
        parts = []
        if self.segment_scorecard is not None:
            parts.append(self.segment_scorecard)
        parts.append(self.scorecard.assign(segment=pd.NA))
        table = pd.concat(parts, ignore_index=True)
        figures = [_figure(c, v) for c, v in zip(table["criterion"], table["value"], strict=True)]
        return pd.DataFrame(
            {
                "segment": table["segment"].astype("Int64"),
                "criterion": table["criterion"],
                "verdict": [
                    f"{s} ({f})" if f else s for s, f in zip(table["status"], figures, strict=True)
                ],
                "detail": table["detail"],
            }
        )

    def assignments_table(self) -> pd.DataFrame:
        """``respondent_id`` (index), ``segment``, ``posterior_1..K``."""
        post = self.solution.posteriors.copy()
        post.columns = [f"posterior_{c}" for c in post.columns]
        table = pd.concat([self.solution.assignments.rename("segment"), post], axis=1)
        return table.rename_axis("respondent_id")

    def summary(self) -> dict[str, object]:
        """K, log-likelihood, BIC, segment shares and warnings of the chosen model (JSON-ready)."""
        model = self.solution.model
        row = self.solution.fit_table.loc[self.solution.fit_table["chosen"]].iloc[0]
        shares = [float(x) for x in np.asarray(model.shares_, dtype=float)]

        def num(x: object) -> float | None:
            x = float(x)
            return x if np.isfinite(x) else None

        return {
            "model": self.solution.kind,
            "k": int(self.solution.k),
            "log_likelihood": num(row["log_likelihood"]),
            "bic": num(row["bic"]),
            "shares": shares,
            "reason": self.solution.reason,
            "n_respondents": int(len(self.solution.assignments)),
            "warnings": list(self.warnings),
        }


def segment_profiles_table(data: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    """``segment, item, mean, overall, index`` (index = 100 x segment mean / overall mean).

    Means skip missing answers; respondents without a segment count in the overall mean only.
    Computed in NumPy (pandas' groupby, melt and sort took 10-17 ms of a one-second
    ``research segment`` run on 10,000 x 30).
    """
    numeric = data.reindex(segments.index)
    if not all(d.kind in "iufb" for d in numeric.dtypes):
        numeric = numeric.apply(pd.to_numeric, errors="coerce")
    x = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
    labels = pd.Index(segments.dropna().unique()).sort_values()
    means = segment_moments(x, segments.to_numpy(), labels)[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.nansum(x, axis=0) / (~np.isnan(x)).sum(axis=0)
        index = 100 * means / np.where(overall == 0, np.nan, overall)
    k, p = means.shape
    return pd.DataFrame(
        {
            "segment": np.repeat(labels.to_numpy(), p),
            "item": [str(c) for c in numeric.columns] * k,
            "mean": means.ravel(),
            "overall": np.tile(overall, k),
            "index": index.ravel(),
        }
    )


def analyse_segments(
    data: pd.DataFrame,
    *,
    items: list[str] | None = None,
    kind: str = "lca",
    k_min: int = 2,
    k_max: int = 8,
    n_init: int = 10,
    min_share: float = 0.03,
    ordinal: bool = False,
    covariance_type: str = "full",
    sample_weight: pd.Series | None = None,
    blrt: int = 0,
    n_boot: int = 20,
    questions: pd.DataFrame | None = None,
    max_questions: int = 8,
    typing_method: str = "logistic",
    reach: pd.DataFrame | None = None,
    needs: pd.DataFrame | None = None,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    random_state: int | None = 0,
    progress: bool = False,
    screen: str = "items",
    warnings: tuple[str, ...] = (),
) -> SegmentAnalysis:
    """Choose K, check stability, build the typing tool and score the segmentation.

    Parameters
    ----------
    data : pd.DataFrame
        Respondents (index) by basis variables.
    items : list of str, optional
        Basis columns of `data` (default: all).
    kind, k_min, k_max, n_init, min_share, ordinal, covariance_type, blrt
        As :func:`~research.segments.select_segments`.
    sample_weight : pd.Series, optional
        Respondent weights (LCA fit, shares and margins of error in the scorecard).
    n_boot : int
        Bootstrap replicates for stability (0 skips it; the scorecard then says n/a).
    questions : pd.DataFrame, optional
        Candidate golden questions for the typing tool (default: the basis).
    max_questions : int
        Most golden questions (0: no typing tool).
    typing_method : {"logistic", "lda"}
    reach : pd.DataFrame, optional
        Variables to reach segments by (accessible).
    needs : pd.DataFrame, optional
        Needs items for actionable / differentiable (default: the basis).
    thresholds : mapping, optional
        Scorecard thresholds (see :data:`~research.segments.scorecard.DEFAULT_THRESHOLDS`).
    random_state : int, optional
    progress : bool
        Progress bars on stderr.
    screen : {"items", "scores", "none"}
        Drop ids, totals, times, near-constant and (for "items") near-unique columns from the
        basis before fitting, each with a warning (:func:`~research.segments.guards.screen_indicators`).
    warnings : tuple of str
        Earlier warnings to carry (e.g. factors dropped from the basis).

    Returns
    -------
    SegmentAnalysis
    """
    basis = data if items is None else select_items(data, list(items))
    if basis.shape[1] == 0:
        raise DataError("no basis variables to segment on")
    notes = list(warnings)
    if screen != "none":
        kept, dropped = screen_indicators(
            basis, continuous=screen == "scores", named=items is not None
        )
        basis, notes = basis[kept], notes + dropped
    weights = None
    if sample_weight is not None:
        weights = (
            pd.Series(sample_weight, index=basis.index)
            if not isinstance(sample_weight, pd.Series)
            else sample_weight.reindex(basis.index)
        )
    clock = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = now - clock
        clock = now

    solution = select_segments(
        basis,
        k_min=k_min,
        k_max=k_max,
        kind=kind,
        covariance_type=covariance_type,
        n_init=n_init,
        min_share=min_share,
        random_state=random_state,
        ordinal=ordinal,
        sample_weight=None if weights is None or kind != "lca" else weights.to_numpy(),
        blrt=blrt,
        progress=progress,
    )
    lap("fit")
    stability = None
    if n_boot and solution.k > 1:
        stability = segment_stability(
            basis,
            solution.model,
            n_boot=n_boot,
            n_split=0,
            random_state=random_state,
            progress=progress,
        )
        lap("stability")
    candidates = basis if questions is None else questions.reindex(basis.index)
    tool = None
    if max_questions and solution.k > 1 and solution.assignments.value_counts().min() >= 5:
        from .typing_tool import build_typing_tool

        tool = build_typing_tool(
            candidates,
            solution.assignments,
            max_questions=max_questions,
            method=typing_method,
            random_state=random_state,
        )
        lap("typing_tool")
    needs_data = basis if needs is None else needs
    common = {
        "needs": needs_data.apply(pd.to_numeric, errors="coerce"),
        "reach": reach,
        "posteriors": solution.posteriors,
        "weights": weights,
        "thresholds": thresholds,
    }
    card = scorecard(
        solution.assignments,
        typing_accuracy=None if tool is None else tool.cv_accuracy,
        stability_ari=None if stability is None else stability.ari,
        **common,
    )
    jaccard = None
    if stability is not None:
        boot = stability.jaccard[stability.jaccard["method"] == "bootstrap"]
        jaccard = boot.groupby("segment")["jaccard"].mean()
    per_segment = segment_scorecard(
        solution.assignments,
        typing_recall=None if tool is None else tool.cv_recall,
        jaccard=jaccard,
        **common,
    )
    profiles = segment_profiles_table(needs_data, solution.assignments)
    notes += model_warnings(
        solution.fit_table,
        solution.k,
        solution.posteriors,
        card,
        k_min=k_min,
        k_max=k_max,
        min_share=min_share,
        item_probabilities=getattr(solution.model, "item_probabilities_", None),
    )
    lap("scorecard")
    return SegmentAnalysis(
        timings=timings,
        segment_scorecard=per_segment,
        solution=solution,
        stability=stability,
        typing_tool=tool,
        scorecard=card,
        profiles=profiles,
        warnings=tuple(notes),
        basis_columns=tuple(map(str, basis.columns)),
    )


def _figure(criterion: str, value: float) -> str:
    """A criterion's figure in a few characters, for a verdict cell."""
    if value is None or not np.isfinite(value):
        return ""
    if criterion in ("identifiable", "substantial"):
        return f"{value:.0%}"
    if criterion in ("actionable", "measurable"):
        return f"{value:.0f}"
    return f"{value:.2f}"
