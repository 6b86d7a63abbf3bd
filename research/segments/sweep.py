"""Choose the number of segments: fit K = k_min..k_max, compare, recommend one K."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import DataError
from ._base import check_choice, check_int
from ._progress import progress_bar
from .lca import LatentClassModel

if TYPE_CHECKING:  # profile models and the BLRT import scikit-learn (about 1 s): on use only
    from .profile import ProfileModel

__all__ = ["SegmentSolution", "select_segments", "make_model", "SWEEP_KINDS", "FIT_COLUMNS"]

#: Model kinds: latent class analysis on categorical answers, Gaussian mixtures (latent profile
#: analysis; "gmm" and "lpa" are the same) and k-means on continuous bases.
SWEEP_KINDS = ("lca", "lpa", "gmm", "kmeans")
FIT_COLUMNS = [
    "k",
    "log_likelihood",
    "n_parameters",
    "aic",
    "bic",
    "sabic",
    "caic",
    "relative_entropy",
    "smallest_share",
    "blrt_p",
    "converged",
    "chosen",
]


@dataclass(frozen=True)
class SegmentSolution:
    """The segmentation chosen, and the evidence for it.

    Attributes
    ----------
    fit_table : pd.DataFrame
        One row per K: ``k, log_likelihood, n_parameters, aic, bic, sabic, caic,
        relative_entropy, smallest_share, blrt_p, converged, chosen``.
    k : int
        Number of segments chosen.
    reason : str
        Why this K, in words (for the report).
    model : LatentClassModel or ProfileModel
        The fitted model for K = `k`; ``model.predict`` classifies new respondents.
    assignments : pd.Series
        Segment (1 = largest) per respondent id.
    posteriors : pd.DataFrame
        Posterior probabilities per respondent (columns 1..K).
    basis : list of str
        Variables the segments were derived from.
    models : dict of int to model
        Every K fitted.
    kind : str
        The model kind.
    """

    fit_table: pd.DataFrame
    k: int
    reason: str
    model: object
    assignments: pd.Series
    posteriors: pd.DataFrame
    basis: list[str]
    models: dict = field(default_factory=dict)
    kind: str = "gmm"

    @property
    def sizes(self) -> pd.DataFrame:
        """``segment, n, share`` in segment order."""
        n = self.assignments.value_counts().reindex(range(1, self.k + 1), fill_value=0)
        return pd.DataFrame(
            {"segment": n.index, "n": n.to_numpy(), "share": (n / n.sum()).to_numpy()}
        )


def make_model(
    kind: str,
    k: int,
    *,
    n_init: int = 10,
    covariance_type: str = "full",
    ordinal: bool = False,
    random_state: int | None = 0,
) -> LatentClassModel | ProfileModel:
    """An unfitted model of `kind` with `k` segments."""
    check_choice("kind", kind, SWEEP_KINDS)
    if kind == "lca":
        return LatentClassModel(k, n_init=n_init, ordinal=ordinal, random_state=random_state)
    from .profile import ProfileModel

    return ProfileModel(
        k,
        kind="kmeans" if kind == "kmeans" else "gmm",
        covariance_type=covariance_type,
        n_init=n_init,
        random_state=random_state,
    )


def select_segments(
    data: pd.DataFrame,
    *,
    k_min: int = 2,
    k_max: int = 8,
    kind: str = "gmm",
    covariance_type: str = "full",
    n_init: int = 10,
    min_share: float = 0.03,
    random_state: int | None = 0,
    ordinal: bool = False,
    sample_weight: object = None,
    blrt: int = 0,
    blrt_starts: int = 5,
    progress: bool = False,
) -> SegmentSolution:
    """Fit K = `k_min`..`k_max` segment models and recommend K.

    Parameters
    ----------
    data : pd.DataFrame
        Respondents (index) by basis variables: categorical answers for ``kind="lca"`` (NaN
        allowed), continuous scores otherwise (no NaN).
    kind : {"lca", "lpa", "gmm", "kmeans"}
    covariance_type : str
        Gaussian mixture covariance (lpa/gmm only).
    n_init : int
        Random starts per K.
    min_share : float
        Solutions whose smallest segment share is below this are not recommended (the "too
        narrow" failure of segmentation practice).
    ordinal : bool
        Adjacent-category logit constraint (lca only).
    sample_weight : array-like, optional
        Respondent weights (lca only).
    blrt : int
        Bootstrap samples for the bootstrap likelihood-ratio test of K - 1 vs K (0 = skip; it
        costs ``2 * blrt`` fits per K).
    blrt_starts : int
        Random starts of each bootstrap fit.
    progress : bool
        Draw a progress bar on stderr.

    Returns
    -------
    SegmentSolution

    Notes
    -----
    The recommendation is the K with the lowest BIC among solutions whose smallest segment is
    at least `min_share` (BIC is the index that simulation studies find most reliable for
    latent class and profile models, Nylund et al. 2007). When the BLRT is run, the reason also
    names the first K it does not support. k-means has no likelihood: K is where the relative
    drop in within-segment variance is largest.

    Raises
    ------
    DataError
        Bad K range or option, missing values in a continuous basis, too few respondents.
    """
    check_choice("kind", kind, SWEEP_KINDS)
    if kind != "lca":
        from .profile import COVARIANCE_TYPES

        check_choice("covariance_type", covariance_type, COVARIANCE_TYPES)
    check_int("n_init", n_init)
    check_int("blrt", blrt, 0)
    if not 1 <= k_min <= k_max:
        raise DataError(f"need 1 <= k_min <= k_max, got k_min={k_min}, k_max={k_max}")
    if not 0 <= min_share < 1:
        raise DataError(f"min_share must be in [0, 1), got {min_share!r}")
    if kind != "lca" and data.isna().any().any():
        bad = data.columns[data.isna().any()].tolist()
        raise DataError(f"segmentation basis has missing values in {bad}")
    if kind != "lca" and sample_weight is not None:
        raise DataError(f"sample_weight is supported by kind='lca' only, got kind={kind!r}")
    if blrt and kind == "kmeans":
        raise DataError("the BLRT needs a likelihood; k-means has none (use kind='gmm' or 'lca')")
    ks = list(range(k_min, k_max + 1))
    n_tests = sum(1 for k in ks if k > 1) if blrt else 0
    models: dict[int, object] = {}
    rows = []
    with progress_bar(
        len(ks) + n_tests * blrt, f"fitting {kind}, K = {k_min}..{k_max}", progress
    ) as advance:
        for k in ks:
            model = make_model(
                kind,
                k,
                n_init=n_init,
                covariance_type=covariance_type,
                ordinal=ordinal,
                random_state=random_state,
            )
            fit_args = {"sample_weight": sample_weight} if kind == "lca" else {}
            # Each latent class fit also starts from the previous K with a class split, so
            # the likelihood never falls as K grows.
            prev = {"init_from": models.get(k - 1)} if kind == "lca" else {}
            models[k] = model.fit(data, **fit_args, **prev)
            advance()
            row = models[k].fit_summary()
            row["k"] = k
            row["converged"] = bool(getattr(models[k], "converged_", True))
            row["blrt_p"] = np.nan
            if blrt and k > 1:
                from .blrt import bootstrap_lrt

                smaller = models.get(k - 1) or make_model(
                    kind,
                    k - 1,
                    n_init=n_init,
                    covariance_type=covariance_type,
                    ordinal=ordinal,
                    random_state=random_state,
                ).fit(data, **fit_args)
                row["blrt_p"] = bootstrap_lrt(
                    data,
                    smaller,
                    models[k],
                    n_boot=blrt,
                    n_init=blrt_starts,
                    random_state=random_state,
                    advance=advance,
                )["p_value"]
            rows.append(row)
    table = pd.DataFrame(rows)
    best, reason = _recommend(table, models, kind, min_share, blrt)
    table["chosen"] = table["k"] == best
    table = table[FIT_COLUMNS]
    chosen = models[best]
    return SegmentSolution(
        fit_table=table,
        k=best,
        reason=reason,
        model=chosen,
        assignments=chosen.labels_.rename_axis(data.index.name or "respondent_id"),
        posteriors=chosen.posteriors_,
        basis=list(map(str, data.columns)),
        models=models,
        kind=kind,
    )


def _recommend(
    table: pd.DataFrame, models: dict, kind: str, min_share: float, blrt: int
) -> tuple[int, str]:
    if kind == "kmeans":
        inertia = np.array([models[k].model_.inertia_ for k in table["k"]])
        gains = -np.diff(inertia) / inertia[:-1]
        best = (
            int(table["k"].iloc[int(np.argmax(gains)) + 1])
            if len(gains)
            else int(table["k"].iloc[0])
        )
        return best, f"K = {best} gives the largest relative drop in within-segment variance"
    eligible = table[table["smallest_share"] >= min_share]
    if eligible.empty:
        eligible = table
    ordered = eligible.sort_values("bic", kind="stable")
    best = int(ordered.iloc[0]["k"])
    reason = f"K = {best} has the lowest BIC ({ordered.iloc[0]['bic']:,.0f})"
    if len(ordered) > 1:
        runner = ordered.iloc[1]
        reason += (
            f", {runner['bic'] - ordered.iloc[0]['bic']:,.0f} below the next best "
            f"(K = {int(runner['k'])})"
        )
    skipped = table.loc[table["smallest_share"] < min_share, "k"].tolist()
    if skipped and len(skipped) < len(table):
        reason += f"; K = {skipped} skipped: a segment under {min_share:.0%}"
    elif skipped:
        reason += f"; every K has a segment under {min_share:.0%}"
    if blrt:
        tested = table.dropna(subset=["blrt_p"])
        fails = tested[tested["blrt_p"] > 0.05]
        if fails.empty:
            reason += f"; the BLRT supports every K tested up to {int(table['k'].max())}"
        else:
            first = fails.iloc[0]
            reason += (
                f"; the BLRT finds K = {int(first['k'])} no better than "
                f"K = {int(first['k']) - 1} (p = {first['blrt_p']:.2f})"
            )
    return best, reason
