"""Data-quality rules: who is excluded, and why. Every rule is a vectorised mask."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from ..errors import StudyConfigError, suggest
from ..questionnaire import Questionnaire
from .routing import shown_items

__all__ = [
    "QualityRules",
    "RULE_ORDER",
    "evaluate_rules",
    "flag_respondents",
    "longstring",
    "missing_out",
]

#: Rules in the order they are applied; an excluded respondent's reason is the first failed.
RULE_ORDER = (
    "test_response",
    "incomplete",
    "duplicate_id",
    "speeder",
    "straightliner",
    "attention_check",
    "too_many_missing",
    "longstring",
    "duplicate_answers",
)


@dataclass(frozen=True)
class QualityRules:
    """Thresholds of the exclusion rules (each settable in the study file under ``quality``).

    Attributes
    ----------
    test_response : bool
        Exclude what Qualtrics' ``Status`` marks as not a real respondent: survey previews,
        test responses (generated with "Generate test responses") and spam.
    incomplete : bool
        Exclude responses marked not finished (Qualtrics ``Finished``).
    min_progress : float or None
        Also exclude responses whose progress (percent) is below this, whatever ``Finished``
        says (off by default).
    duplicate_id : bool
        Exclude later rows that repeat a respondent id.
    speeder_fraction : float or None
        Exclude durations below this fraction of the median duration of finished responses
        (0.4 by default; ``None`` turns the rule off).
    straightline_min_items : int or None
        Exclude respondents who give one identical answer to every statement of a randomised
        grid block with at least this many answered statements.
    attention_check : bool
        Exclude respondents who fail any attention-check item.
    max_missing_share : float
        Exclude respondents missing more than this share of the attitude and needs items.
    longstring_max : int or None
        Long-string index: exclude respondents whose longest run of identical consecutive
        answers over the attitude and needs items (questionnaire order) is longer than this
        (off by default).
    duplicate_answers : bool
        Exclude later submissions whose answers to every item are identical to an earlier
        one's (duplicate submissions), when at least ``duplicate_min_items`` are answered.
    duplicate_min_items : int
        Answered items needed before identical answers count as a duplicate submission (20:
        in short surveys of yes/no questions different people often answer alike).
    lenient : bool
        Not an exclusion rule: set answers outside their item's scale missing (each listed in
        ``quality.json``) instead of stopping the import (``--lenient`` on the command line).
    """

    test_response: bool = True
    incomplete: bool = True
    min_progress: float | None = None
    duplicate_id: bool = True
    speeder_fraction: float | None = 0.4
    straightline_min_items: int | None = 6
    attention_check: bool = True
    max_missing_share: float = 0.5
    longstring_max: int | None = None
    duplicate_answers: bool = True
    duplicate_min_items: int = 20
    lenient: bool = False

    @classmethod
    def from_dict(cls, spec: dict | None, *, path: str | None = None) -> QualityRules:
        """Rules from the study file's ``quality`` mapping; unknown keys are errors."""
        spec = dict(spec or {})
        names = [f.name for f in fields(cls)]
        for key in spec:
            if key not in names:
                raise StudyConfigError(
                    f"unknown quality rule {key!r}{suggest(key, names)}", path=path
                )
        for key, value in spec.items():
            if value is not None and not isinstance(value, bool | int | float):
                raise StudyConfigError(
                    f"quality rule {key!r} must be a number, true/false or null, got {value!r}",
                    path=path,
                )
        return cls(**spec)

    def to_dict(self) -> dict:
        return asdict(self)


def longstring(codes: pd.DataFrame) -> pd.Series:
    """Longest run of identical consecutive answers per row (missing answers break runs)."""
    x = codes.to_numpy(dtype=float)
    n, k = x.shape
    if k == 0:
        return pd.Series(0, index=codes.index)
    cur = np.where(np.isnan(x[:, 0]), 0, 1)
    best = cur.copy()
    for j in range(1, k):
        same = (x[:, j] == x[:, j - 1]) & ~np.isnan(x[:, j])
        cur = np.where(same, cur + 1, np.where(np.isnan(x[:, j]), 0, 1))
        np.maximum(best, cur, out=best)
    return pd.Series(best, index=codes.index)


def _attention(raw, q, rules):
    mask = np.zeros(len(raw), dtype=bool)
    msgs = {}
    if not rules.attention_check:
        return mask, msgs
    for item in q.attention_checks():
        if item.id not in raw:
            continue
        expected = next(c.code for c in q.options(item) if c.label == item.attention_check)
        got = raw[item.id].to_numpy(dtype=float)
        bad = ~np.isnan(got) & (got != expected)
        mask |= bad
        for pos in np.flatnonzero(bad):
            msgs.setdefault(pos, []).append(f"{item.id}: expected {item.attention_check!r}")
    return mask, {p: "; ".join(m) for p, m in msgs.items()}


def _straightline(raw, q, rules):
    mask = np.zeros(len(raw), dtype=bool)
    msgs: dict[int, list[str]] = {}
    if not rules.straightline_min_items:
        return mask, msgs
    for block in q.blocks:
        ids = [i.id for i in block.items if i.type in ("likert", "importance") and i.id in raw]
        if not block.randomize or len(ids) < rules.straightline_min_items:
            continue
        grid = raw[ids].to_numpy(dtype=float)
        answered = (~np.isnan(grid)).sum(axis=1)
        with np.errstate(invalid="ignore"):
            lo, hi = np.fmin.reduce(grid, axis=1), np.fmax.reduce(grid, axis=1)
        same = (lo == hi) & (answered >= rules.straightline_min_items)
        mask |= same
        for pos in np.flatnonzero(same):
            msgs.setdefault(pos, []).append(
                f"same answer to all {len(ids)} statements of block {block.id!r}"
            )
    return mask, {p: "; ".join(m) for p, m in msgs.items()}


def evaluate_rules(
    raw_codes: pd.DataFrame,
    paradata: pd.DataFrame,
    q: Questionnaire,
    rules: QualityRules,
    respondent_ids: pd.Series,
    *,
    not_shown: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Apply the rules; exclusions (one row per excluded row) and the excluded-row mask.

    `raw_codes` are answer codes before reverse-keying (straight-lining is judged on what was
    ticked), in row order like `paradata` and `respondent_ids`. Missing answers count only
    among the items each respondent was shown (``show_if`` and the export's `not_shown`
    markers, see :func:`research.ingest.routing.shown_items`): a respondent routed past the
    whole battery is not ``too_many_missing``.
    """
    n = len(raw_codes)
    ids = respondent_ids.astype(str).to_numpy()
    masks: dict[str, np.ndarray] = {}
    detail: dict[str, object] = {}

    finished = (
        paradata["finished"] if "finished" in paradata else pd.Series(np.nan, index=paradata.index)
    )
    progress = (
        paradata["progress"] if "progress" in paradata else pd.Series(np.nan, index=paradata.index)
    )
    if rules.test_response and "status" in paradata:
        status = paradata["status"].to_numpy(dtype=object)
        masks["test_response"] = np.array([s is not None and s == s for s in status], dtype=bool)
        detail["test_response"] = lambda p: f"Qualtrics status {status[p]}"
    bad = np.zeros(n, dtype=bool)
    if rules.incomplete:
        bad |= (finished == False).to_numpy()  # noqa: E712 - NaN (unknown) is not a failure
    if rules.min_progress is not None:
        bad |= (progress < rules.min_progress).to_numpy()
    masks["incomplete"] = bad
    prog = progress.to_numpy()
    detail["incomplete"] = lambda p: f"progress {prog[p]}%"

    if rules.duplicate_id:
        masks["duplicate_id"] = pd.Series(ids).duplicated(keep="first").to_numpy() & (ids != "")
        detail["duplicate_id"] = "id already seen in an earlier row"

    duration = (
        paradata["duration"] if "duration" in paradata else pd.Series(np.nan, index=paradata.index)
    )
    if rules.speeder_fraction is not None and duration.notna().any():
        ok = (finished != False).to_numpy()  # noqa: E712
        median = float(np.nanmedian(duration.to_numpy(dtype=float)[ok])) if ok.any() else np.nan
        limit = rules.speeder_fraction * median
        masks["speeder"] = (duration < limit).to_numpy()
        frac = rules.speeder_fraction
        dur = duration.to_numpy(dtype=float)
        detail["speeder"] = lambda p: f"{dur[p]:.0f} s < {frac:.0%} of median {median:.0f} s"

    masks["straightliner"], detail["straightliner"] = _straightline(raw_codes, q, rules)
    masks["attention_check"], detail["attention_check"] = _attention(raw_codes, q, rules)

    scale_ids = [i.id for i in q.scale_items() if i.id in raw_codes]
    if scale_ids:
        shown = shown_items(raw_codes, q, scale_ids, not_shown=not_shown).to_numpy()
        missing = np.isnan(raw_codes[scale_ids].to_numpy(dtype=float)) & shown
        n_shown = shown.sum(axis=1)
        share = np.divide(
            missing.sum(axis=1), n_shown, out=np.zeros(n, dtype=float), where=n_shown > 0
        )
        masks["too_many_missing"] = share > rules.max_missing_share
        routed = bool((n_shown < len(scale_ids)).any())
        detail["too_many_missing"] = lambda p: (
            f"{share[p]:.0%} of the {n_shown[p]} attitude and needs items shown missing"
            if routed
            else f"{share[p]:.0%} of attitude and needs items missing"
        )
        if rules.longstring_max is not None:
            run = longstring(raw_codes[scale_ids]).to_numpy()
            masks["longstring"] = run > rules.longstring_max
            limit_ls = rules.longstring_max
            detail["longstring"] = lambda p: (
                f"{run[p]} identical answers in a row (limit {limit_ls})"
            )

    if rules.duplicate_answers and raw_codes.shape[1]:
        masks["duplicate_answers"], detail["duplicate_answers"] = _duplicates(raw_codes, ids, rules)

    order = [r for r in RULE_ORDER if r in masks]
    stack = np.column_stack([masks[r] for r in order]) if order else np.zeros((n, 0), dtype=bool)
    excluded = stack.any(axis=1) if order else np.zeros(n, dtype=bool)
    rows = []
    ids_obj = respondent_ids.to_numpy()
    for pos in np.flatnonzero(excluded):
        failed = [order[j] for j in np.flatnonzero(stack[pos])]
        first = failed[0]
        d = detail[first]
        text = d(pos) if callable(d) else d.get(pos, "") if isinstance(d, dict) else str(d)
        if len(failed) > 1:
            text += "; also " + ", ".join(failed[1:])
        rows.append((ids_obj[pos], first, text))
    frame = pd.DataFrame(rows, columns=["respondent_id", "reason", "detail"], dtype=object)
    return frame, excluded


def _duplicates(raw: pd.DataFrame, ids: np.ndarray, rules: QualityRules):
    answered = raw.notna().sum(axis=1).to_numpy()
    hashed = pd.util.hash_pandas_object(raw, index=False)
    cand = hashed.duplicated(keep=False).to_numpy() & (answered >= rules.duplicate_min_items)
    mask = np.zeros(len(raw), dtype=bool)
    msgs: dict[int, str] = {}
    if not cand.any():
        return mask, msgs
    sub = raw.iloc[np.flatnonzero(cand)]
    dup = sub.duplicated(keep="first").to_numpy()  # exact check; hashes only shortlist
    first_of = {}
    for pos, row_hash, is_dup in zip(
        np.flatnonzero(cand), hashed.to_numpy()[cand], dup, strict=True
    ):
        if not is_dup:
            first_of.setdefault(row_hash, pos)
        else:
            mask[pos] = True
            msgs[pos] = f"answers identical to respondent {ids[first_of.get(row_hash, pos)]}"
    return mask, msgs


def flag_respondents(
    raw_codes: pd.DataFrame,
    paradata: pd.DataFrame,
    q: Questionnaire,
    rules: QualityRules,
    respondent_ids: pd.Series,
    *,
    not_shown: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Apply the rules; return ``respondent_id, reason, detail`` for each excluded respondent."""
    return evaluate_rules(raw_codes, paradata, q, rules, respondent_ids, not_shown=not_shown)[0]


def missing_out(survey, items: list[str], max_share: float):
    """Move respondents who left too many segmentation items unanswered out of the base.

    The import applies ``max_missing_share`` to the rating items only; a study that segments
    on single-choice items applies it to its segmentation items as well (among the items
    each respondent was shown, as the import does), so respondents who broke off before
    them are listed as ``too_many_missing`` instead of being put in a segment on no answers.

    Parameters
    ----------
    survey : SurveyData
    items : list of str
        The segmentation items.
    max_share : float
        Largest share of the items shown that may be missing (``max_missing_share``).

    Returns
    -------
    survey : SurveyData
        A new one without those respondents (the caller's is left alone).
    summary : str
        One sentence for the notes (``""`` when nobody was moved).
    """
    cols = [i for i in items if i in survey.responses]
    if not cols:
        return survey, ""
    answered = survey.responses[cols].notna().to_numpy()
    shown = np.ones_like(answered)
    if survey.shown is not None:
        shown = survey.shown.reindex(columns=cols, fill_value=True).to_numpy(dtype=bool)
    shown = shown | answered  # an answer proves the question was shown
    n_shown = shown.sum(axis=1)
    missing = (shown & ~answered).sum(axis=1)
    share = np.divide(missing, n_shown, out=np.zeros(len(answered)), where=n_shown > 0)
    out = share > max_share
    if not out.any():
        return survey, ""
    rows = pd.DataFrame(
        {
            "respondent_id": survey.responses.index[out],
            "reason": "too_many_missing",
            "detail": [
                f"{s:.0%} of the {n} segmentation items shown missing"
                for s, n in zip(share[out], n_shown[out], strict=True)
            ],
        },
        dtype=object,
    )
    summary = (
        f"{int(out.sum())} respondents left more than {max_share:.0%} of the segmentation items "
        "unanswered; they are listed as too_many_missing, not segmented"
    )
    return survey.exclude(out, rows, summary), summary
