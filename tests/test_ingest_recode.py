"""Recoding: labels and platform codes to the questionnaire's codes, problems by row/column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.errors import RecodeError
from research.ingest import recode_columns, recode_item
from research.questionnaire import parse_questionnaire

Q = parse_questionnaire(
    """
id: rq
title: Recode
scales:
  often: [Never, Sometimes, Often]
blocks:
  - id: b
    items:
      - {id: freq, type: single, scale: often, text: How often}
      - {id: agree, type: likert, text: I agree, reverse: true}
      - {id: spend, type: numeric, text: Spend, min: 0, max: 1000}
      - id: ch
        type: multi
        text: Channels
        choices: ["Friends, family", Friends, TV, "TV shows"]
      - {id: note, type: text, text: Anything else}
"""
)


def _mapping(pairs):
    return pd.DataFrame(
        [(c, i, o) for c, i, o in pairs], columns=["column", "item", "option"], dtype=object
    )


def test_labels_codes_and_blanks():
    data = pd.DataFrame(
        {
            "freq": [" often ", "NEVER", "2", "", None],
            "agree": ["Strongly agree", "5", "strongly  disagree", "", "3"],
            "spend": ["12", "1,200", " 7.5 ", "", "0"],
        },
        dtype=object,
    )
    m = _mapping([("freq", "freq", None), ("agree", "agree", None), ("spend", "spend", None)])
    out = recode_columns(data, m, Q, lenient=True)
    np.testing.assert_array_equal(out.codes["freq"], [3, 1, 2, np.nan, np.nan])
    np.testing.assert_array_equal(out.codes["agree"], [5, 5, 1, np.nan, 3])  # not yet reversed
    np.testing.assert_array_equal(out.codes["spend"], [12, np.nan, 7.5, np.nan, 0])
    assert out.problems[["row", "column", "value"]].values.tolist() == [[1, "spend", "1,200"]]
    assert out.problems.loc[0, "problem"] == "not a number in range"


def test_out_of_scale_names_row_column_value_and_count():
    data = pd.DataFrame({"f": ["Often", "Always", "Nope", "Always"]}, dtype=object)
    ids = pd.Series(["R1", "R2", "R3", "R4"])
    m = _mapping([("f", "freq", None)])
    with pytest.raises(
        RecodeError,
        match=r"x.csv, row R2, column 'f': answer 'Always' to item 'freq' is not a label or "
        r"code of its scale \(3 such answers",
    ):
        recode_columns(data, m, Q, path="x.csv", row_ids=ids)
    out = recode_columns(data, m, Q, lenient=True, row_ids=ids)
    assert out.codes["freq"].isna().sum() == 3
    assert out.problems["row"].tolist() == [1, 2, 3]


def test_platform_value_labels_are_honoured():
    # SPSS codes 10/20/30 labelled Never/Sometimes/Often become the questionnaire's 1/2/3.
    data = pd.DataFrame({"v": [10.0, 30.0, np.nan, 20.0, 2.0]})
    labels = {"v": {10: "Never", 20: "Sometimes", 30: "Often"}}
    out = recode_columns(data, _mapping([("v", "freq", None)]), Q, value_labels=labels)
    np.testing.assert_array_equal(out.codes["freq"], [1, 3, np.nan, 2, 2])


def test_qualtrics_seen_but_unanswered_is_missing():
    data = pd.DataFrame({"f": ["-99", "1"]}, dtype=object)
    m = _mapping([("f", "freq", None)])
    out = recode_columns(data, m, Q, platform="qualtrics")
    np.testing.assert_array_equal(out.codes["freq"], [np.nan, 1])
    with pytest.raises(RecodeError, match="'-99'"):
        recode_columns(data, m, Q, platform="generic")


@pytest.mark.parametrize(
    ("sep", "cell", "ticked"),
    [
        (",", "Friends, family,TV shows", [1, 0, 0, 1]),
        (", ", "Friends, Friends, family", [1, 1, 0, 0]),
        (", ", "TV, TV shows", [0, 0, 1, 1]),
        (" ", "1 3", [1, 0, 1, 0]),
        (",", "2,4", [0, 1, 0, 1]),
    ],
)
def test_joined_multi_select_keeps_options_containing_the_separator(sep, cell, ticked):
    data = pd.DataFrame({"ch": [cell, ""]}, dtype=object)
    out = recode_columns(data, _mapping([("ch", "ch", None)]), Q, separator=sep)
    assert out.codes.iloc[0].tolist() == [float(t) for t in ticked]
    assert out.codes.iloc[1].isna().all()


def test_multi_select_unknown_option_is_a_problem():
    data = pd.DataFrame({"ch": ["TV,Radio"]}, dtype=object)
    with pytest.raises(RecodeError, match=r"option not in the choice list: 'radio'"):
        recode_columns(data, _mapping([("ch", "ch", None)]), Q)


def test_spread_multi_select_columns():
    data = pd.DataFrame(
        {"c1": ["Friends, family", "", ""], "c3": ["", "TV", ""], "c4": ["0", "1", ""]},
        dtype=object,
    )
    m = _mapping([("c1", "ch", 1), ("c3", "ch", 3), ("c4", "ch", 4)])
    out = recode_columns(data, m, Q).codes
    assert out.iloc[0].tolist() == [1, 0, 0, 0]
    assert out.iloc[1].tolist() == [0, 0, 1, 1]
    assert out.iloc[2].isna().all()  # nothing answered at all: missing, not "none ticked"


def test_text_items_and_recode_item_wrapper():
    data = pd.DataFrame({"note": ["hello", None]}, dtype=object)
    out = recode_columns(data, _mapping([("note", "note", None)]), Q)
    assert out.text["note"].tolist() == ["hello", ""]
    coded = recode_item(pd.Series(["Often"], index=["R9"]), Q.item("freq"), Q)
    assert coded.loc["R9", "freq"] == 3


def test_ranking_in_one_cell_becomes_a_rank_per_option():
    """XLSForm ``rank``: the options' codes (or labels) in rank order, joined by spaces."""
    q = parse_questionnaire(
        "id: r\ntitle: R\nblocks:\n  - id: b\n    items:\n"
        "      - {id: pick, type: ranking, text: Order these, choices: [Price, Fit, Style]}\n"
    )
    data = pd.DataFrame({"pick": ["3 1 2", "", "2", "1 4", "2 2"]}, dtype=object)
    out = recode_columns(data, _mapping([("pick", "pick", None)]), q, separator=" ", lenient=True)
    got = out.codes[["pick_1", "pick_2", "pick_3"]].to_numpy()
    np.testing.assert_array_equal(
        got,
        [[2, 3, 1], [np.nan] * 3, [np.nan, 1, np.nan], [np.nan] * 3, [np.nan] * 3],
    )
    assert out.problems["problem"].tolist() == [
        "has an option not in the choice list: '4'",
        "repeats an option",
    ]
    with pytest.raises(RecodeError, match=r"answer '1 4' to item 'pick' has an option not in"):
        recode_columns(data, _mapping([("pick", "pick", None)]), q, separator=" ")
