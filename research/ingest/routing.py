"""Routing: which items each respondent was shown (display logic, screeners, export markers).

An item a respondent was never shown is "not asked", not "missing": the quality rules count
missing answers only among the items shown (:func:`shown_items`), and a study segments only the
respondents shown at least one of its segmentation items (:func:`outside_base`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..questionnaire import Condition, Item, Questionnaire
from ..questionnaire.logic import condition_codes, describe_condition

__all__ = [
    "NOT_SHOWN",
    "SEGMENTABLE",
    "answered",
    "condition_met",
    "export_not_shown",
    "item_columns",
    "outside_base",
    "route_out",
    "routing_of",
    "shown_items",
]

#: The exclusion reason of respondents outside the segmentation base because of routing.
NOT_SHOWN = "not_shown"

#: Item types a study can segment on: ratings, and single-choice (categorical) answers.
SEGMENTABLE = ("likert", "importance", "single")

#: Qualtrics numeric exports write this for "seen but not answered"; a blank is "not shown".
_SEEN_UNANSWERED = "-99"


def item_columns(
    item: Item, columns: pd.Index | list[str], q: Questionnaire | None = None
) -> list[str]:
    """Code columns of `item` among `columns` (``<id>_<code>`` for multi and ranking; with `q`
    only its options' codes, so a statement ``q5_1`` is never taken for an option of ``q5``)."""
    if item.type in ("multi", "ranking") and q is not None:
        have = set(columns)
        return [f"{item.id}_{c.code}" for c in q.options(item) if f"{item.id}_{c.code}" in have]
    if item.type in ("multi", "ranking"):
        prefix = f"{item.id}_"
        return [c for c in columns if str(c).startswith(prefix) and str(c)[len(prefix) :].isdigit()]
    return [item.id] if item.id in columns else []


def answered(codes: pd.DataFrame, item: Item, q: Questionnaire | None = None) -> np.ndarray | None:
    """Rows that answered `item` (None when the export has no column for it)."""
    cols = item_columns(item, codes.columns, q)
    if not cols:
        return None
    return codes[cols].notna().to_numpy().any(axis=1)


def condition_met(codes: pd.DataFrame, q: Questionnaire, cond: Condition) -> np.ndarray | None:
    """Rows whose answer to ``cond.item`` meets `cond` (None when it cannot be evaluated).

    A respondent who did not answer the controlling item does not meet the condition.
    """
    try:
        item = q.item(cond.item)
    except KeyError:
        return None
    cols = item_columns(item, codes.columns, q)
    if not cols:
        return None  # the controlling question is not in the export: assume everyone saw it
    if cond.min is not None or cond.max is not None:
        x = codes[cols[0]].to_numpy(dtype=float)
        ok = ~np.isnan(x)
        with np.errstate(invalid="ignore"):
            if cond.min is not None:
                ok &= x >= cond.min
            if cond.max is not None:
                ok &= x <= cond.max
        return ok
    wanted = condition_codes(q, cond, item)
    if item.type in ("multi", "ranking"):
        hit = np.zeros(len(codes), dtype=bool)
        for code in wanted:
            col = f"{item.id}_{code}"
            if col in codes:
                x = codes[col].to_numpy(dtype=float)
                hit |= (x == 1) if item.type == "multi" else ~np.isnan(x)
        return hit
    return np.isin(codes[cols[0]].to_numpy(dtype=float), np.asarray(wanted, dtype=float))


def routing_of(q: Questionnaire) -> dict[str, list[Condition]]:
    """Item id -> the display conditions it is behind (its block's, its own or its grid's)."""
    out: dict[str, list[Condition]] = {}
    for block in q.blocks:
        for item in block.items:
            conds = [c for c in (block.show_if, item.show_if) if c is not None]
            if conds:
                out[item.id] = conds
    return out


def export_not_shown(data: pd.DataFrame, mapping: pd.DataFrame, platform: str) -> pd.DataFrame:
    """Items the export itself marks "not shown", per row (empty when it carries no markers).

    Qualtrics numeric exports can write ``-99`` for "seen but not answered"; when an export
    does, a blank cell of a single-column item means the question was not displayed (breakoffs
    are blank too, but those are ``incomplete`` exclusions first).
    """
    if platform != "qualtrics":
        return pd.DataFrame(index=data.index)
    used = mapping[mapping["item"].notna() & mapping["option"].isna()]
    cols = [c for c in used["column"] if c in data]
    if not cols:
        return pd.DataFrame(index=data.index)
    cells = data[cols].astype(object).where(data[cols].notna(), "").astype(str)
    cells = cells.apply(lambda s: s.str.strip())
    if not (cells == _SEEN_UNANSWERED).to_numpy().any():
        return pd.DataFrame(index=data.index)
    item_of = dict(zip(used["column"], used["item"], strict=True))
    blank = (cells == "").rename(columns=item_of)
    return blank.loc[:, ~blank.columns.duplicated()]


def _screen_outs(codes: pd.DataFrame, q: Questionnaire) -> list[tuple[Item, np.ndarray]]:
    """Screener items and the rows their ``screen_out`` ended the survey for."""
    out = []
    for item in q.items:
        if item.screen_out is not None:
            met = condition_met(codes, q, item.screen_out.model_copy(update={"item": item.id}))
            if met is not None and met.any():
                out.append((item, met))
    return out


def shown_items(
    codes: pd.DataFrame,
    q: Questionnaire,
    items: list[str],
    *,
    not_shown: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Whether each row was shown each of `items` (True unless routing says otherwise).

    Parameters
    ----------
    codes : pd.DataFrame
        Answer codes as recoded (before reverse-keying), one row per respondent.
    q : Questionnaire
    items : list of str
        Item ids to judge.
    not_shown : pd.DataFrame, optional
        Bool per row and item: the export's own "not shown" markers
        (:func:`export_not_shown`).

    Returns
    -------
    pd.DataFrame
        Bool, index of `codes`, one column per item. An item answered was always shown; one
        behind a ``show_if`` whose condition the row does not meet (including a controlling
        question left unanswered or itself not shown), or after a ``screen_out`` that ended
        the survey for the row, was not.
    """
    routes = routing_of(q)
    by_id = {it.id: it for it in q.items}  # q.item() rebuilds every grid's items per call
    order = {i: k for k, i in enumerate(by_id)}
    screens = _screen_outs(codes, q)
    out = pd.DataFrame(True, index=codes.index, columns=list(items))
    if not routes and not screens and (not_shown is None or not not_shown.shape[1]):
        return out  # nothing routed: everyone was shown everything
    met: dict[int, np.ndarray | None] = {}
    for item_id in items:
        mask = np.ones(len(codes), dtype=bool)
        for cond in routes.get(item_id, []):
            key = id(cond)
            if key not in met:
                met[key] = condition_met(codes, q, cond)
            if met[key] is not None:
                mask &= met[key]
        for screener, ended in screens:
            if order[screener.id] < order.get(item_id, -1):
                mask &= ~ended
        if not_shown is not None and item_id in not_shown:
            mask &= ~not_shown[item_id].to_numpy(dtype=bool)
        got = answered(codes, by_id[item_id], q) if item_id in by_id else None
        if got is not None:
            mask |= got  # an answer proves the question was shown
        out[item_id] = mask
    return out


def outside_base(
    shown: pd.DataFrame, q: Questionnaire, items: list[str], codes: pd.DataFrame | None = None
) -> pd.Series:
    """Why each row shown none of `items` was not shown them (empty string: inside the base).

    Parameters
    ----------
    shown : pd.DataFrame
        :func:`shown_items` for (at least) `items`.
    q : Questionnaire
    items : list of str
        The segmentation items.
    codes : pd.DataFrame, optional
        Answer codes (same index as `shown`), to name the answer that routed each row away.

    Returns
    -------
    pd.Series
        Per row: ``""`` when shown at least one item, else a one-line reason such as
        ``not shown the segmentation questions (routing: shown when q1 is 'Yes'; answered
        'No')``.
    """
    cols = [i for i in items if i in shown]
    reasons = pd.Series("", index=shown.index, dtype=object)
    if not cols:
        return reasons
    none = ~shown[cols].to_numpy().any(axis=1)
    if not none.any():
        return reasons
    routes = routing_of(q)
    conds = list({id(c): c for i in cols for c in routes.get(i, [])}.values())
    order = {it.id: k for k, it in enumerate(q.items)}
    first = min(order.get(i, 0) for i in cols)
    screens, unmet = [], []
    if codes is not None:
        screens = [(s, e) for s, e in _screen_outs(codes, q) if order[s.id] < first]
        for c in conds:
            got = condition_met(codes, q, c)
            if got is not None:
                unmet.append((c, ~got))
    for pos in np.flatnonzero(none):
        row = codes.iloc[pos] if codes is not None else None
        screener = next((s for s, ended in screens if ended[pos]), None)
        if screener is not None:
            why = f"screened out at {screener.id}: answered {_answer(q, screener, row)}"
        else:
            cond = next((c for c, miss in unmet if miss[pos]), None)
            why = _route(q, cond, row)
        reasons.iloc[pos] = f"not shown the segmentation questions ({why})"
    return reasons


def _answer(q: Questionnaire, item: Item, row: pd.Series | None) -> str:
    if row is not None and item.id in row.index and not pd.isna(row[item.id]):
        labels = {c.code: c.label for c in q.options(item)}
        code = row[item.id]
        return repr(labels.get(int(code), code)) if float(code).is_integer() else repr(code)
    if row is not None and item.type in ("multi", "ranking"):
        return "none of those"
    return "no answer"


def _route(q: Questionnaire, cond: Condition | None, row: pd.Series | None) -> str:
    if cond is None:
        return "the export marks them not shown"
    item = q.item(cond.item)
    rule = describe_condition(q, cond, item)
    text = " ".join(item.text.split())
    text = text if len(text) <= 70 else text[:67].rstrip() + "..."
    return f'routing: shown when {rule} ("{text}"); answered {_answer(q, item, row)}'


def route_out(survey, items: list[str]):
    """Move respondents shown none of `items` out of the segmentation base.

    They are no quality exclusion: ``research import`` keeps them, and a study lists them in
    ``exclusions`` with reason :data:`NOT_SHOWN` and the routing that skipped them, so every
    respondent read is still either kept or listed with a reason.

    Parameters
    ----------
    survey : SurveyData
    items : list of str
        The segmentation items.

    Returns
    -------
    survey : SurveyData
        A new one without those respondents (the caller's is left alone).
    summary : str
        One sentence for the reports (``""`` when nobody was outside the base), e.g. "250
        respondents were not shown the segmentation questions (routing: shown when q1 is
        'Yes'; answered 'No'); they are outside the segmentation base".
    """
    if survey.shown is None:
        return survey, ""
    reasons = outside_base(survey.shown, survey.questionnaire, items, survey.responses)
    out = (reasons != "").to_numpy()
    if not out.any():
        return survey, ""
    index = survey.responses.index
    rows = pd.DataFrame(
        {"respondent_id": index[out], "reason": NOT_SHOWN, "detail": reasons.to_numpy()[out]},
        dtype=object,
    )
    counts = rows["detail"].value_counts()
    top = counts.index[0].removeprefix("not shown the segmentation questions ")
    more = f" and {len(counts) - 1} other routes" if len(counts) > 1 else ""
    summary = (
        f"{int(out.sum())} respondents were not shown the segmentation questions {top}{more}; "
        "they are outside the segmentation base, not quality exclusions"
    )
    return survey.exclude(out, rows, summary), summary
