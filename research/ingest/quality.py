"""Data-quality rules: who is excluded, and why."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from ..errors import StudyConfigError, suggest
from ..questionnaire import Questionnaire

__all__ = ["QualityRules", "flag_respondents", "RULE_ORDER"]

#: Rules in the order they are applied; an excluded respondent's reason is the first failed.
RULE_ORDER = (
    "incomplete",
    "duplicate_id",
    "speeder",
    "straightliner",
    "attention_check",
    "too_many_missing",
)


@dataclass(frozen=True)
class QualityRules:
    """Thresholds of the exclusion rules (each settable in the study file under ``quality``).

    Attributes
    ----------
    incomplete : bool
        Exclude responses not marked finished.
    speeder_fraction : float or None
        Exclude durations below this fraction of the median duration of finished responses
        (0.4 by default; ``None`` turns the rule off).
    attention_check : bool
        Exclude respondents who fail any attention-check item.
    straightline_min_items : int or None
        Exclude respondents who give one identical answer to every statement of a randomised
        grid block with at least this many answered statements.
    max_missing_share : float
        Exclude respondents missing more than this share of the attitude and needs items.
    """

    incomplete: bool = True
    speeder_fraction: float | None = 0.4
    attention_check: bool = True
    straightline_min_items: int | None = 6
    max_missing_share: float = 0.5

    @classmethod
    def from_dict(cls, spec: dict | None, *, path: str | None = None) -> QualityRules:
        spec = dict(spec or {})
        names = [f.name for f in fields(cls)]
        for key in spec:
            if key not in names:
                raise StudyConfigError(
                    f"unknown quality rule {key!r}{suggest(key, names)}", path=path
                )
        return cls(**spec)


def flag_respondents(
    raw_codes: pd.DataFrame,
    paradata: pd.DataFrame,
    q: Questionnaire,
    rules: QualityRules,
    respondent_ids: pd.Series,
) -> pd.DataFrame:
    """Apply the rules; return ``respondent_id, reason, detail`` for each excluded respondent.

    `raw_codes` are answer codes before reverse-keying (straight-lining is judged on what was
    ticked), indexed by row position like `paradata` and `respondent_ids`.
    """
    failures: dict[str, pd.Series] = {}
    n = len(raw_codes)
    empty = pd.Series("", index=raw_codes.index)

    if rules.incomplete and "finished" in paradata:
        bad = paradata["finished"] == False  # noqa: E712 - NaN (unknown) is not a failure
        failures["incomplete"] = empty.where(
            ~bad, "progress " + paradata["progress"].astype(str) + "%"
        )

    dup = respondent_ids.duplicated(keep="first") & respondent_ids.ne("")
    failures["duplicate_id"] = empty.where(~dup, "id already seen in an earlier row")

    if rules.speeder_fraction is not None and paradata["duration"].notna().any():
        ok = paradata["finished"] != False  # noqa: E712
        median = float(paradata.loc[ok, "duration"].median())
        limit = rules.speeder_fraction * median
        bad = paradata["duration"] < limit
        failures["speeder"] = empty.where(
            ~bad,
            paradata["duration"].map(lambda d: f"{d:.0f} s")
            + f" < {rules.speeder_fraction:.0%} of median {median:.0f} s",
        )

    if rules.attention_check:
        msgs = empty.copy()
        for item in q.attention_checks():
            if item.id not in raw_codes:
                continue
            expected = next(c.code for c in q.options(item) if c.label == item.attention_check)
            got = raw_codes[item.id]
            bad = got.notna() & (got != expected)
            msgs = msgs.where(~bad, msgs + f"{item.id}: expected {item.attention_check!r}; ")
        failures["attention_check"] = msgs.str.rstrip("; ")

    if rules.straightline_min_items:
        msgs = empty.copy()
        for block in q.blocks:
            ids = [i.id for i in block.items if i.type in ("likert", "importance")]
            ids = [i for i in ids if i in raw_codes]
            if not block.randomize or len(ids) < rules.straightline_min_items:
                continue
            grid = raw_codes[ids]
            answered = grid.notna().sum(axis=1)
            same = (grid.nunique(axis=1) == 1) & (answered >= rules.straightline_min_items)
            msgs = msgs.where(
                ~same,
                msgs + f"same answer to all {len(ids)} statements of block {block.id!r}; ",
            )
        failures["straightliner"] = msgs.str.rstrip("; ")

    scale_ids = [i.id for i in q.scale_items() if i.id in raw_codes]
    if scale_ids:
        share = raw_codes[scale_ids].isna().mean(axis=1)
        bad = share > rules.max_missing_share
        failures["too_many_missing"] = empty.where(
            ~bad, share.map(lambda s: f"{s:.0%} of attitude and needs items missing")
        )

    rows = []
    for pos in range(n):
        failed = [r for r in RULE_ORDER if r in failures and failures[r].iloc[pos]]
        if not failed:
            continue
        first = failed[0]
        detail = failures[first].iloc[pos]
        if len(failed) > 1:
            detail += "; also " + ", ".join(failed[1:])
        rows.append((respondent_ids.iloc[pos], first, detail))
    return pd.DataFrame(rows, columns=["respondent_id", "reason", "detail"], dtype=object)
