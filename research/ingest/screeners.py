"""Infer screener routing from the answers, when an export carries no display logic.

A screener shows up in the data as a set of later questions left blank by (nearly) exactly the
respondents who gave certain answers to an earlier single-choice question, and answered by most
of the others. Such questions get a ``show_if`` in the drafted questionnaire, with a note
saying it was inferred so the researcher checks it.

Thresholds (conservative; random item non-response never meets them):

- the routed-away answers have at least :data:`MIN_GROUP` respondents in all, and each of them
  at least :data:`MIN_CODE` respondents;
- at most :data:`MAX_ANSWERED_ROUTED` of the routed-away respondents answered the question;
- at least :data:`MIN_ANSWERED_OTHERS` of the respondents giving the other answers did (the
  rest are breakoffs and item non-response).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..questionnaire import Questionnaire
from .routing import item_columns

__all__ = [
    "MAX_ANSWERED_ROUTED",
    "MIN_ANSWERED_OTHERS",
    "MIN_CODE",
    "MIN_GROUP",
    "add_inferred_routing",
    "find_screeners",
]

MIN_GROUP = 20
MIN_CODE = 10
MAX_ANSWERED_ROUTED = 0.01
MIN_ANSWERED_OTHERS = 0.75
#: Single-choice questions with more options than this are not taken for screeners.
MAX_OPTIONS = 12


def _units(draft: dict) -> list[tuple[dict, list[str]]]:
    """(the dict to give a ``show_if``, its item ids): items, grids, statement blocks."""
    out = []
    for k, block in enumerate(draft["blocks"]):
        questions = block["items"]
        grids = [x for x in questions if x.get("type") == "grid"]
        main = k == 0 and block.get("title") == "Answers"  # infer_from_export's own questions
        if not main and not grids and len(questions) > 1:
            out.append((block, [x["id"] for x in questions]))  # a block of statements
            continue
        for x in questions:
            if x.get("type") == "grid":
                out.append((x, [s["id"] for s in x["statements"]]))
            else:
                out.append((x, [x["id"]]))
    return out


def _pos(p) -> tuple:
    return tuple(p) if isinstance(p, tuple) else (p,)


def find_screeners(
    codes: pd.DataFrame,
    q: Questionnaire,
    draft: dict,
    position: dict[str, int | tuple[int, ...]],
) -> list[dict]:
    """Routing patterns in the answers.

    Parameters
    ----------
    codes : pd.DataFrame
        Recoded answers of every row, one column per item (``<id>_<code>`` for multi).
    q : Questionnaire
        `draft` validated.
    draft : dict
        The drafted questionnaire (YAML-ready).
    position : dict
        Item id -> position of its first column in the export, or a tuple of positions (export,
        questionnaire): a controller must come before its target in every one.

    Returns
    -------
    list of dict
        One per routed question: ``target`` (the draft dict), ``ids``, ``controller`` (item
        id), ``shown`` (labels that show it), ``hidden`` (labels that route past it),
        ``n_hidden``, ``others_answered`` (share).
    """
    units = []
    by_id = {it.id: it for it in q.items}
    for unit, ids in _units(draft):
        items = [by_id[i] for i in ids if i in by_id]
        cols = [c for it in items if it.type != "text" for c in item_columns(it, codes.columns, q)]
        if not cols or "show_if" in unit or not all(i in position for i in ids):
            continue
        where = [_pos(position[i]) for i in ids]
        units.append(
            (unit, ids, cols, tuple(min(w[k] for w in where) for k in range(len(where[0]))))
        )
    if not units:
        return []
    answered = np.column_stack(
        [codes[cols].notna().to_numpy().any(axis=1) for _, _, cols, _ in units]
    )
    controllers = [
        it
        for it in q.items
        if it.type == "single"
        and it.id in codes
        and it.id in position
        and len(q.options(it)) <= MAX_OPTIONS
    ]
    best: dict[int, dict] = {}
    for ctl in controllers:
        x = codes[ctl.id].to_numpy(dtype=float)
        options = q.options(ctl)
        groups = {c.code: x == c.code for c in options}
        sizes = {k: int(m.sum()) for k, m in groups.items()}
        rates = {k: answered[m].mean(axis=0) if sizes[k] else None for k, m in groups.items()}
        for j, (unit, ids, _, pos) in enumerate(units):
            before = zip(_pos(position[ctl.id]), pos, strict=True)
            if ctl.id in ids or not all(a < b for a, b in before):
                continue
            hidden = [
                k for k in groups if sizes[k] >= MIN_CODE and rates[k][j] <= MAX_ANSWERED_ROUTED
            ]
            shown = [k for k in groups if k not in hidden]
            n_hidden = sum(sizes[k] for k in hidden)
            n_shown = sum(sizes[k] for k in shown)
            if not hidden or n_hidden < MIN_GROUP or n_shown < MIN_GROUP:
                continue
            others = sum(rates[k][j] * sizes[k] for k in shown if sizes[k]) / n_shown
            if others < MIN_ANSWERED_OTHERS:
                continue
            found = {
                "target": unit,
                "ids": ids,
                "controller": ctl.id,
                "shown": [c.label for c in options if c.code in shown],
                "hidden": [c.label for c in options if c.code in hidden],
                "n_hidden": n_hidden,
                "hidden_answered": float(sum(rates[k][j] * sizes[k] for k in hidden) / n_hidden),
                "others_answered": float(others),
                "_rank": (float(others), _pos(position[ctl.id])),  # best contrast, then nearest
            }
            if j not in best or found["_rank"] > best[j]["_rank"]:
                best[j] = found
    return [{k: v for k, v in best[j].items() if k != "_rank"} for j in sorted(best)]


def add_inferred_routing(
    draft: dict, codes: pd.DataFrame, q: Questionnaire, position: dict[str, int | tuple[int, ...]]
) -> list[str]:
    """Write inferred screeners into `draft` as ``show_if`` (in place); notes for the header."""
    found = find_screeners(codes, q, draft, position)
    by_rule: dict[tuple, list[dict]] = {}
    for f in found:
        shown = f["shown"]
        cond = {"item": f["controller"]}
        cond.update({"equals": shown[0]} if len(shown) == 1 else {"any_of": list(shown)})
        f["target"]["show_if"] = cond
        by_rule.setdefault((f["controller"], tuple(shown), tuple(f["hidden"])), []).append(f)
    notes = []
    for (ctl, shown, hidden), hits in by_rule.items():
        names = ", ".join(h["target"]["id"] for h in hits)
        n = max(h["n_hidden"] for h in hits)
        leak = max(h["hidden_answered"] for h in hits)
        worst = min(h["others_answered"] for h in hits)
        blank = "all left them blank" if leak == 0 else f"{1 - leak:.0%} left them blank"
        rest = "all" if worst == 1 else f"at least {worst:.0%}"
        notes.append(
            f"routing inferred from the answers (check it): {names} shown only when {ctl} is "
            f"{' or '.join(repr(s) for s in shown)}; of the {n} respondents answering "
            f"{' or '.join(repr(h) for h in hidden)} {blank}, {rest} of the others "
            "answered"
        )
    return notes
