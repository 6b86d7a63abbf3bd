"""``FactorSolution``, the factor-analysis result passed downstream, and ``fit_factors``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.errors import DataError, suggest
from research.factors.model import FactorModel
from research.factors.reliability import cronbach_alpha

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
        Regression factor scores, respondents (indexed like the responses) x factors.
    reliability : pandas.DataFrame
        Per factor: ``n_items``, ``items`` (comma-joined ids of the items whose primary
        loading, of absolute value >= 0.3, is on the factor) and ``cronbach_alpha``.
    labels : dict
        Factor name (``"F1"``...) -> human label.
    parallel : pandas.DataFrame or None
        Parallel-analysis table when the number of factors was chosen automatically.
    model : FactorModel
        The fitted model (fit statistics, scorer for new respondents).

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


def _primary(loadings: pd.DataFrame) -> pd.Series:
    """Factor of each item's largest absolute loading."""
    return loadings.abs().idxmax(axis=1)


def reliability_table(items: pd.DataFrame, loadings: pd.DataFrame) -> pd.DataFrame:
    """Cronbach's alpha of each factor's items.

    Parameters
    ----------
    items : pandas.DataFrame
        Responses, respondents x items (the loadings' items). Not modified.
    loadings : pandas.DataFrame
        Pattern loadings, items x factors.

    Returns
    -------
    pandas.DataFrame
        Index ``factor``; columns ``n_items``, ``items`` (comma-joined, in item order) and
        ``cronbach_alpha`` (NaN for fewer than two items).

    Notes
    -----
    An item belongs to the factor of its largest absolute loading if that loading is at least
    0.3 in absolute value. Items loading negatively are negated before computing alpha, so
    reverse-keyed items count in the right direction. Alpha uses listwise-complete respondents
    (:func:`research.factors.cronbach_alpha`); on bfi the neuroticism factor gets 0.81, psych's
    published value.
    """
    primary = _primary(loadings)
    strongest = loadings.abs().max(axis=1)
    rows = []
    for factor in loadings.columns:
        members = [
            i
            for i in loadings.index
            if primary[i] == factor and strongest[i] >= PRIMARY_LOADING_MIN
        ]
        signs = np.sign(loadings.loc[members, factor].to_numpy())
        alpha = cronbach_alpha(items[members] * signs) if members else float("nan")
        rows.append(
            {
                "n_items": len(members),
                "items": ", ".join(str(m) for m in members),
                "cronbach_alpha": alpha,
            }
        )
    return pd.DataFrame(rows, index=pd.Index(list(loadings.columns), name="factor"))


def factor_labels(
    loadings: pd.DataFrame,
    constructs: Mapping[str, str] | None = None,
    construct_labels: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Human labels for the factors.

    Parameters
    ----------
    loadings : pandas.DataFrame
        Pattern loadings, items x factors.
    constructs : mapping, optional
        Item id -> intended construct id. Items not in ``loadings`` are ignored.
    construct_labels : mapping, optional
        Construct id -> display label; a construct without one is shown by its id.

    Returns
    -------
    dict
        Factor -> label. With ``constructs``, a factor is labelled with the construct having
        the largest sum of absolute loadings on it among the items whose primary (largest
        absolute) loading is on that factor; the second and later factors given the same label
        get " (2)", " (3)", ... A factor without such items, or without ``constructs``, is
        labelled "Factor k".

    Notes
    -----
    On bfi with the psychTools dictionary's Big-Five constructs, the five factors are labelled
    with the five intended traits (checked in ``tests/test_factors.py``).
    """
    factors = list(loadings.columns)
    labels = {f: f"Factor {i}" for i, f in enumerate(factors, start=1)}
    if not constructs:
        return labels
    construct_labels = dict(construct_labels or {})
    primary = _primary(loadings)
    seen: dict[str, int] = {}
    for factor in factors:
        members = [i for i in loadings.index if primary[i] == factor and i in constructs]
        if not members:
            continue
        weight = (
            loadings.loc[members, factor]
            .abs()
            .groupby([str(constructs[i]) for i in members], sort=True)
            .sum()
        )
        best = str(weight.idxmax())
        label = str(construct_labels.get(best, best))
        seen[label] = seen.get(label, 0) + 1
        labels[factor] = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return labels


def fit_factors(
    responses: pd.DataFrame,
    *,
    items: list[str] | None = None,
    n_factors: int | str = "auto",
    method: str = "minres",
    rotation: str = "oblimin",
    constructs: Mapping[str, str] | None = None,
    construct_labels: Mapping[str, str] | None = None,
    random_state: int | np.random.Generator | None = 0,
) -> FactorSolution:
    """Factor-analyse survey responses and score, name and check the reliability of the factors.

    Parameters
    ----------
    responses : pandas.DataFrame
        Respondents in rows; item columns numeric with NaN for missing answers. Not modified.
    items : list of str, optional
        Item columns to analyse; default all columns (which must then all be numeric).
    n_factors : int or "auto"
        Number of factors, or ``"auto"`` for parallel analysis.
    method : {"minres", "pa"}
        Extraction method.
    rotation : {"oblimin", "promax", "varimax", "none"}
        Rotation.
    constructs : mapping, optional
        Item id -> intended construct id, used to label factors (see :func:`factor_labels`).
    construct_labels : mapping, optional
        Construct id -> display label.
    random_state : int, numpy.random.Generator or None
        Seed for parallel analysis.

    Returns
    -------
    FactorSolution
        Loadings, factor correlations, communalities, variance, scores for every respondent,
        per-factor reliability, labels, the parallel table and the fitted model. Factor columns
        are always ``"F1".."Fk"``; human names are only in ``labels``.

    Raises
    ------
    DataError
        For unknown item columns and everything :meth:`FactorModel.fit` rejects.

    Notes
    -----
    Wraps :class:`FactorModel`, whose loadings reproduce R ``psych::fa`` on bfi. Scores impute
    missing answers with the item mean (see :meth:`FactorModel.transform`).
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
    data = responses[items]
    model = FactorModel(
        n_factors=n_factors, method=method, rotation=rotation, random_state=random_state
    ).fit(data)
    loadings = model.loadings_.copy()
    return FactorSolution(
        loadings=loadings,
        phi=model.phi_.copy(),
        communalities=model.communalities_.copy(),
        variance=model.variance_.copy(),
        scores=model.transform(data),
        reliability=reliability_table(data[model.items_], loadings),
        labels=factor_labels(loadings, constructs, construct_labels),
        parallel=None if model.parallel_ is None else model.parallel_.copy(),
        model=model,
    )
