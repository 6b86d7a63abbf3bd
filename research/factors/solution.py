"""``FactorSolution``, the factor-analysis result passed downstream, and ``fit_factors``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.errors import DataError, suggest
from research.factors._linalg import single_threaded_blas
from research.factors._validation import numeric_items
from research.factors.flags import item_flags
from research.factors.model import FactorModel
from research.factors.naming import factor_labels
from research.factors.nfactors import NFactors
from research.factors.reliability import Omega, _alpha, _alpha_if_dropped, omega

__all__ = [
    "PRIMARY_LOADING_MIN",
    "FactorSolution",
    "factor_labels",
    "fit_factors",
    "reliability_table",
]

#: Smallest absolute primary loading for an item to count as a factor's item in reliability.
PRIMARY_LOADING_MIN = 0.3


@dataclass(frozen=True, eq=False)
class FactorSolution:
    """A fitted factor analysis of survey responses.

    Attributes
    ----------
    loadings : pandas.DataFrame
        Pattern loadings, items x factors ``"F1".."Fk"``.
    phi : pandas.DataFrame
        Factor correlations.
    communalities : pandas.Series
        Communality per item.
    variance : pandas.DataFrame
        ``ss_loadings``, ``proportion``, ``cumulative`` per factor.
    scores : pandas.DataFrame
        Factor scores, respondents (indexed like the responses) x factors.
    reliability : pandas.DataFrame
        Per factor: ``n_items``, ``items`` (comma-joined ids of the items whose primary
        loading, of absolute value >= 0.3, is on the factor), ``cronbach_alpha``,
        ``omega_total``, ``omega_hierarchical`` and ``omega_group`` (see
        :func:`reliability_table`).
    labels : dict
        Factor name (``"F1"``...) -> human label (overrides applied).
    parallel : pandas.DataFrame or None
        Parallel-analysis table when the number of factors was chosen automatically.
    model : FactorModel
        The fitted model (fit statistics, scorer for new respondents).
    structure, uniquenesses : pandas.DataFrame, pandas.Series
        Structure matrix and ``1 - communality``.
    fit : dict
        :func:`research.factors.fit_statistics` of the solution.
    flags : pandas.DataFrame
        :func:`research.factors.item_flags` (weak, cross-loading, off-construct items).
    item_reliability : pandas.DataFrame
        Per item of a factor: ``factor``, ``alpha_if_dropped``, ``item_rest_r``.
    omega : Omega or None
        Whole-battery omega (Schmid-Leiman on the oblique solution); None for one factor.
    n_factors : NFactors or None
        The evidence on the number of factors when it was chosen automatically.
    correlation_method : str
        ``"pearson"`` or ``"polychoric"`` (what was used).

    Notes
    -----
    Built by :func:`fit_factors`; its loadings are :class:`FactorModel`'s, which reproduce R
    ``psych::fa`` on bfi, and its per-factor alphas match ``psych::alpha`` on bfi to 0.01.
    """

    loadings: pd.DataFrame
    phi: pd.DataFrame
    communalities: pd.Series
    variance: pd.DataFrame
    scores: pd.DataFrame
    reliability: pd.DataFrame
    labels: dict[str, str]
    parallel: pd.DataFrame | None
    model: FactorModel
    structure: pd.DataFrame = field(default_factory=pd.DataFrame)
    uniquenesses: pd.Series = field(default_factory=pd.Series)
    fit: dict[str, float | int] = field(default_factory=dict)
    flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    item_reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    omega: Omega | None = None
    n_factors: NFactors | None = None
    correlation_method: str = "pearson"

    def score(self, responses: pd.DataFrame) -> pd.DataFrame:
        """Factor scores of new respondents (same items; see :meth:`FactorModel.transform`)."""
        return self.model.transform(responses)


def _members(loadings: pd.DataFrame) -> dict[str, list[str]]:
    """Each factor's items: primary (largest absolute) loading on it, at least 0.3."""
    size = np.abs(loadings.to_numpy(dtype=float))
    primary = size.argmax(axis=1)  # first of equal maxima, as idxmax
    strong = size.max(axis=1) >= PRIMARY_LOADING_MIN
    return {
        f: [i for i, j, ok in zip(loadings.index, primary, strong, strict=True) if ok and j == col]
        for col, f in enumerate(loadings.columns)
    }


def reliability_table(
    items: pd.DataFrame, loadings: pd.DataFrame, omega_result: Omega | None = None
) -> pd.DataFrame:
    """Cronbach's alpha and McDonald's omegas of each factor's items.

    Parameters
    ----------
    items : pandas.DataFrame
        Responses, respondents x items (the loadings' items). Not modified.
    loadings : pandas.DataFrame
        Pattern loadings, items x factors.
    omega_result : Omega, optional
        :func:`research.factors.omega` computed with these factors' item groups; adds its
        per-factor ``total``, ``general`` and ``group`` as ``omega_total``,
        ``omega_hierarchical`` and ``omega_group``.

    Returns
    -------
    pandas.DataFrame
        Index ``factor``; columns ``n_items``, ``items`` (comma-joined, in item order),
        ``cronbach_alpha`` (NaN for fewer than two items) and, with ``omega_result``, the omegas.

    Notes
    -----
    An item belongs to the factor of its largest absolute loading if that loading is at least
    0.3 in absolute value. Items loading negatively are negated before computing alpha, so
    reverse-keyed items count in the right direction. Alpha uses listwise-complete respondents
    (:func:`research.factors.cronbach_alpha`); on bfi the neuroticism factor gets 0.81, psych's
    published value. The omegas are psych's ``omega.group`` for the same items.
    """
    return _reliability_table(_keyed_answers(items, loadings), omega_result)


def _reliability_table(
    keyed: dict[str, tuple[list[str], np.ndarray]], omega_result: Omega | None
) -> pd.DataFrame:
    rows = []
    for factor, (members, values) in keyed.items():
        row = {
            "n_items": len(members),
            "items": ", ".join(str(m) for m in members),
            "cronbach_alpha": _alpha(values),
        }
        if omega_result is not None:
            groups = omega_result.groups
            for col, src in (
                ("omega_total", "total"),
                ("omega_hierarchical", "general"),
                ("omega_group", "group"),
            ):
                row[col] = float(groups.loc[factor, src]) if factor in groups.index else np.nan
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(list(keyed), name="factor"))


def _keyed_answers(
    items: pd.DataFrame, loadings: pd.DataFrame
) -> dict[str, tuple[list[str], np.ndarray]]:
    """Each factor's items and their complete-case answers, negated where the loading is.

    Column-major, as a DataFrame's own block, so alpha's sums run in the same order as in
    :func:`research.factors.cronbach_alpha` (same results).
    """
    answers = numeric_items(items)  # validated once for every factor
    values = answers.to_numpy()
    position = {c: i for i, c in enumerate(answers.columns)}
    keyed = {}
    for factor, members in _members(loadings).items():
        signs = np.sign(loadings.loc[members, factor].to_numpy(dtype=float))
        chosen = values[:, [position[m] for m in members]] * signs
        complete = ~np.isnan(chosen).any(axis=1)
        keyed[factor] = (members, np.asfortranarray(chosen[complete]))
    return keyed


def _item_reliability(keyed: dict[str, tuple[list[str], np.ndarray]]) -> pd.DataFrame:
    frames = []
    for factor, (members, values) in keyed.items():
        if len(members) < 2:
            continue
        alphas, rest_r = _alpha_if_dropped(values)
        frames.append(
            pd.DataFrame(
                {"factor": factor, "alpha_if_dropped": alphas, "item_rest_r": rest_r},
                index=pd.Index(members, name="item"),
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=["factor", "alpha_if_dropped", "item_rest_r"], index=pd.Index([], name="item")
        )
    return pd.concat(frames)


def fit_factors(
    responses: pd.DataFrame,
    *,
    items: list[str] | None = None,
    n_factors: int | str = "auto",
    method: str = "minres",
    rotation: str = "oblimin",
    correlation: str = "pearson",
    scores: str = "regression",
    constructs: Mapping[str, str] | None = None,
    construct_labels: Mapping[str, str] | None = None,
    wording: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    n_iter: int = 20,
    random_state: int | np.random.Generator | None = 0,
    progress: bool = False,
) -> FactorSolution:
    """Factor-analyse survey responses: fit, score, name, flag and check reliability.

    Parameters
    ----------
    responses : pandas.DataFrame
        Respondents in rows; item columns numeric with NaN for missing answers. Not modified.
    items : list of str, optional
        Item columns to analyse; default all columns (which must then all be numeric).
    n_factors : int or "auto"
        Number of factors, or ``"auto"`` for parallel analysis.
    method : {"minres", "ml", "pa"}
        Extraction method.
    rotation : {"oblimin", "promax", "varimax", "geomin", "quartimax", "none"}
        Rotation.
    correlation : {"pearson", "polychoric", "auto"}
        Item correlations; ``"auto"`` treats Likert-type items as ordinal.
    scores : {"regression", "bartlett", "tenberge"}
        Factor-score method.
    constructs : mapping, optional
        Item id -> intended construct id: labels factors and flags off-construct items.
    construct_labels : mapping, optional
        Construct id -> display label.
    wording : mapping, optional
        Item id -> question text, to label factors no construct names.
    labels : mapping, optional
        Factor (``"F1"``...) -> label overriding the suggestion (e.g. from the study file).
    n_iter : int
        Parallel-analysis data sets.
    random_state : int, numpy.random.Generator or None
        Seed for parallel analysis.
    progress : bool
        Progress bar on stderr during parallel analysis.

    Returns
    -------
    FactorSolution
        Loadings, factor correlations, communalities, variance, scores for every respondent,
        per-factor reliability, labels, flags, fit, the number-of-factors evidence and the
        fitted model. Factor columns are always ``"F1".."Fk"``; names are only in ``labels``.

    Raises
    ------
    DataError
        For unknown item columns and everything :meth:`FactorModel.fit` rejects.

    Notes
    -----
    Wraps :class:`FactorModel`, whose loadings reproduce R ``psych::fa`` on bfi. Scores impute
    missing answers with the item mean (see :meth:`FactorModel.transform`). Omega uses the
    oblique solution (an oblimin rotation of the same extraction when ``rotation`` is
    orthogonal), as ``psych::omega`` does.
    """
    if not isinstance(responses, pd.DataFrame):
        raise DataError(f"responses must be a pandas DataFrame, got {type(responses).__name__}")
    if items is None:
        items = list(responses.columns)
    else:
        items = list(items)
        absent = [str(i) for i in items if i not in responses.columns]
        if absent:
            hint = suggest(absent[0], map(str, responses.columns))
            raise DataError(
                f"items not in the responses: {absent}{hint}",
                column=absent[0] if len(absent) == 1 else None,
            )
    # small items x items matrices throughout: one BLAS thread is faster (see model.fit)
    with single_threaded_blas():
        # Checked and made one float block once, not again by each step (fit, scores, alphas).
        data = numeric_items(responses[items])
        model = FactorModel(
            n_factors=n_factors,
            method=method,
            rotation=rotation,
            correlation=correlation,
            scores=scores,
            n_iter=n_iter,
            random_state=random_state,
            progress=progress,
        ).fit(data)
        loadings = model.loadings_.copy()
        fitted = data[model.items_]
        keyed = _keyed_answers(fitted, loadings)  # for alpha and alpha-if-dropped alike
        omega_result = None
        if model.n_factors_ > 1:
            pattern, phi = model.oblique_solution()
            omega_result = omega(
                model.correlation_,
                pattern,
                phi,
                communalities=model.communalities_,
                groups={factor: members for factor, (members, _) in keyed.items()},
            )
        return FactorSolution(
            loadings=loadings,
            phi=model.phi_.copy(),
            communalities=model.communalities_.copy(),
            variance=model.variance_.copy(),
            scores=model.transform(data),
            reliability=_reliability_table(keyed, omega_result),
            labels=factor_labels(
                loadings, constructs, construct_labels, wording=wording, overrides=labels
            ),
            parallel=None if model.parallel_ is None else model.parallel_.copy(),
            model=model,
            structure=model.structure_.copy(),
            uniquenesses=model.uniquenesses_.copy(),
            fit=dict(model.fit_),
            flags=item_flags(loadings, constructs),
            item_reliability=_item_reliability(keyed),
            omega=omega_result,
            n_factors=model.n_factors_table_,
            correlation_method=model.correlation_info_.method,
        )
