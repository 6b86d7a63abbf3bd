"""Quality rules: each one on its own, their order, and their settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.errors import StudyConfigError
from research.ingest import QualityRules, longstring
from research.ingest.quality import RULE_ORDER, evaluate_rules
from research.questionnaire import parse_questionnaire

ITEMS = [f"a{k}" for k in range(8)]
Q = parse_questionnaire(
    "id: qq\ntitle: Q\nblocks:\n  - id: grid\n    randomize: true\n    items:\n"
    + "".join(f"      - {{id: {i}, type: likert, text: Statement {i}}}\n" for i in ITEMS)
    + "  - id: check\n    items:\n"
    + "      - {id: attn, type: likert, text: Pick Somewhat disagree, "
    "attention_check: Somewhat disagree}\n"
)


def _data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    codes = pd.DataFrame(rng.integers(1, 6, (n, len(ITEMS))).astype(float), columns=ITEMS)
    codes["attn"] = 2.0
    para = pd.DataFrame(
        {
            "duration": np.full(n, 600.0),
            "finished": np.array([True] * n, dtype=object),
            "progress": np.full(n, 100.0),
        }
    )
    ids = pd.Series([f"R{k}" for k in range(n)])
    return codes, para, ids


def _reasons(codes, para, ids, rules=None):
    ex, mask = evaluate_rules(codes, para, Q, rules or QualityRules(), ids)
    assert mask.sum() == len(ex)
    return dict(zip(ex["respondent_id"], ex["reason"], strict=True)), ex


def test_clean_data_excludes_nobody():
    assert _reasons(*_data())[0] == {}


def test_each_rule_catches_its_fault():
    codes, para, ids = _data()
    para.loc[0, "finished"] = False
    para.loc[0, "progress"] = 40
    ids[1] = "R0"  # repeats an earlier id
    para.loc[2, "duration"] = 100  # < 0.4 x median 600
    codes.loc[3, ITEMS] = 4.0  # straight-liner
    codes.loc[4, "attn"] = 5.0  # failed attention check
    codes.loc[5, ITEMS[:6]] = np.nan  # 6 of 8 (+ attn) missing
    _, ex = _reasons(codes, para, ids)
    assert list(ex["respondent_id"]) == ["R0", "R0", "R2", "R3", "R4", "R5"]
    assert list(ex["reason"]) == list(RULE_ORDER[1:7])
    assert ex.loc[0, "detail"] == "progress 40.0%"
    assert ex.loc[2, "detail"] == "100 s < 40% of median 600 s"
    assert "same answer to all 8 statements of block 'grid'" in ex.loc[3, "detail"]
    assert ex.loc[4, "detail"] == "attn: expected 'Somewhat disagree'"


def test_first_reason_wins_and_others_are_listed():
    codes, para, ids = _data()
    para.loc[3, "duration"] = 50
    codes.loc[3, ITEMS] = 4.0
    _, ex = _reasons(codes, para, ids)
    assert ex.loc[0, "reason"] == "speeder"
    assert ex.loc[0, "detail"].endswith("; also straightliner")


def test_rules_can_be_switched_off_and_tuned():
    codes, para, ids = _data()
    para.loc[0, "finished"] = False
    para.loc[1, "duration"] = 250  # 0.42 of the median
    codes.loc[2, "attn"] = 1.0
    codes.loc[3, ITEMS[:3]] = np.nan
    off = QualityRules(incomplete=False, speeder_fraction=0.4, attention_check=False)
    assert _reasons(codes, para, ids, off)[0] == {}
    tuned = QualityRules(speeder_fraction=0.5, max_missing_share=0.2)
    assert _reasons(codes, para, ids, tuned)[0] == {
        "R0": "incomplete",
        "R1": "speeder",
        "R2": "attention_check",
        "R3": "too_many_missing",
    }


def test_min_progress_catches_unfinished_without_finished_flag():
    codes, para, ids = _data()
    para["finished"] = np.nan  # platform without a Finished column
    para.loc[4, "progress"] = 30
    assert _reasons(codes, para, ids)[0] == {}
    assert _reasons(codes, para, ids, QualityRules(min_progress=50))[0] == {"R4": "incomplete"}


def test_longstring_index():
    frame = pd.DataFrame([[1, 1, 1, 2, 2], [1, np.nan, 1, 1, 1], [3, 4, 3, 4, 3]], dtype=float)
    assert longstring(frame).tolist() == [3, 3, 1]
    codes, para, ids = _data()
    codes.loc[6, ITEMS[:6]] = 5.0  # six in a row, then different: not a straight-liner
    codes.loc[6, ITEMS[6:]] = [1.0, 2.0]
    assert _reasons(codes, para, ids)[0] == {}
    got, ex = _reasons(codes, para, ids, QualityRules(longstring_max=5))
    assert got == {"R6": "longstring"}
    assert ex.loc[0, "detail"] == "6 identical answers in a row (limit 5)"


def test_duplicate_submissions():
    codes, para, ids = _data()
    codes.loc[7] = codes.loc[2]
    rules = QualityRules(duplicate_min_items=5)
    got, ex = _reasons(codes, para, ids, rules)
    assert got == {"R7": "duplicate_answers"}
    assert ex.loc[0, "detail"] == "answers identical to respondent R2"
    assert _reasons(codes, para, ids)[0] == {}  # 9 answered items < default minimum of 20
    off = QualityRules(duplicate_min_items=5, duplicate_answers=False)
    assert _reasons(codes, para, ids, off)[0] == {}


def test_rules_from_the_study_file():
    rules = QualityRules.from_dict({"speeder_fraction": 0.3, "longstring_max": 12})
    assert rules.speeder_fraction == 0.3 and rules.longstring_max == 12
    with pytest.raises(StudyConfigError, match="unknown quality rule 'longstring'.*did you mean"):
        QualityRules.from_dict({"longstring": 3})
    with pytest.raises(StudyConfigError, match="must be a number, true/false or null"):
        QualityRules.from_dict({"speeder_fraction": "fast"}, path="study.yaml")
    assert QualityRules().to_dict()["duplicate_min_items"] == 20


def test_qualtrics_previews_tests_and_spam():
    codes, para, ids = _data()
    para["status"] = np.array([None] * 12, dtype=object)
    para.loc[6, "status"] = "Survey Preview"
    para.loc[7, "status"] = "Spam"
    reasons, ex = _reasons(codes, para, ids)
    assert reasons == {"R6": "test_response", "R7": "test_response"}
    assert ex.loc[0, "detail"] == "Qualtrics status Survey Preview"
    assert _reasons(codes, para, ids, QualityRules(test_response=False))[0] == {}
