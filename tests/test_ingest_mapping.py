"""Mapping export columns to items: id, ImportId, name, text, mapping file; the report."""

from __future__ import annotations

import pandas as pd
import pytest

from research.errors import MappingError
from research.ingest import import_responses, map_columns, mapping_report, read_qualtrics
from research.ingest.meta import column_table
from research.questionnaire import parse_questionnaire

Q = parse_questionnaire(
    """
id: mapq
title: Mapping
blocks:
  - id: about
    items:
      - {id: age, type: single, text: "What is your <b>age</b>?", choices: [Young, Old]}
      - {id: QID7, type: numeric, text: Spend}
      - id: channels
        type: multi
        text: Where do you hear about us?
        choices: [Instagram, "Friends, family"]
  - id: grid
    title: How you feel about shopping
    items:
      - {id: s1, type: likert, text: I like bargains.}
      - {id: s2, type: likert, text: I like style.}
  - id: grid2
    title: How you feel about delivery
    items:
      - {id: d1, type: likert, text: I like bargains.}
"""
)


def _cols(rows):
    return column_table(
        [r[0] for r in rows],
        texts=[r[1] for r in rows],
        import_ids=[r[2] if len(r) > 2 else "" for r in rows],
    )


def test_each_rule_maps_and_says_how():
    cols = _cols(
        [
            ("ResponseId", "Response ID", "_recordId"),
            ("age", "whatever"),
            ("Q7", "Spend in GBP", "QID7"),
            ("channels_2", "Where? - Friends, family"),
            ("Q5_1", "How you feel about shopping - I like bargains.", "QID5_1"),
            ("Q5_2", "How   you feel about shopping -  I LIKE style.", "QID5_2"),
            ("Q6_1", "How you feel about delivery - I like bargains.", "QID6_1"),
            ("Q9", "Something else entirely", "QID9"),
        ]
    )
    m = map_columns(cols, Q).set_index("column")
    assert m.loc["ResponseId", "how"] == "metadata"
    assert (m.loc["age", "item"], m.loc["age", "how"]) == ("age", "id")
    assert (m.loc["Q7", "item"], m.loc["Q7", "how"]) == ("QID7", "import_id")
    assert (m.loc["channels_2", "item"], m.loc["channels_2", "option"]) == ("channels", 2)
    assert m.loc["channels_2", "how"] == "name"
    # Same statement in two grids: the block title decides.
    assert (m.loc["Q5_1", "item"], m.loc["Q5_1", "how"]) == ("s1", "text")
    assert m.loc["Q5_2", "item"] == "s2"
    assert m.loc["Q6_1", "item"] == "d1"
    assert m.loc["Q9", "how"] == "unmapped"


def test_qualtrics_column_kinds_are_told_apart():
    """Text boxes map by their question; typed "other" text, timers, display order, loops and
    embedded data are reported, each saying what it is."""
    cols = _cols(
        [
            ("Q12", "Spend", "QID12_TEXT"),  # a text-entry question: maps by its text
            ("Q3_4_TEXT", "Where do you hear about us? - Other - Text", "QID3_4_TEXT"),
            ("Q8_Page Submit", "Timing - Page Submit", "QID8_PAGE_SUBMIT"),
            ("FL_6_DO", "Block randomizer - Display Order", "FL_6_DO"),
            ("2_Q13", "Spend", "2_QID13"),
            ("segment", "segment", "segment"),
        ]
    )
    m = map_columns(cols, Q).set_index("column")
    assert m.loc["Q12", ["item", "how"]].tolist() == ["QID7", "text"]
    assert m.loc["Q3_4_TEXT", "how"] == "unmapped"
    assert "Other, please specify" in m.loc["Q3_4_TEXT", "detail"]
    assert m.loc["Q8_Page Submit", "how"] == m.loc["FL_6_DO", "how"] == "metadata"
    assert m.loc["2_Q13", "how"] == "unmapped"
    assert m.loc["2_Q13", "detail"].startswith("loop & merge iteration 2 of item QID7")
    assert m.loc["segment", ["how", "detail"]].tolist() == ["metadata", "ImportId segment"]


def test_html_and_whitespace_in_question_text():
    m = map_columns(_cols([("x", "What is your   age?")]), Q)
    assert m.loc[0, "item"] == "age" and m.loc[0, "how"] == "text"


def test_ambiguous_and_duplicate_columns_are_reported():
    cols = _cols([("a", "I like bargains."), ("s2", ""), ("s2_copy", "I like style.")])
    m = map_columns(cols, Q).set_index("column")
    assert m.loc["a", "how"] == "ambiguous" and m.loc["a", "detail"] == "matches d1, s1"
    assert m.loc["s2_copy", "how"] == "duplicate"
    assert "already in column 's2'" in m.loc["s2_copy", "detail"]
    report = mapping_report(m.reset_index(), Q)
    assert report["ambiguous"] == {"a": "matches d1, s1"}
    assert report["duplicate"] == ["s2_copy"]
    assert set(report["items_without_column"]) == {"age", "QID7", "channels", "s1", "d1"}


def test_strict_names_the_missing_items():
    with pytest.raises(MappingError, match=r"no column in the export: \['age'"):
        map_columns(_cols([("s1", "")]), Q, strict=True, path="x.csv")


def test_mapping_file_wins_and_is_checked(tmp_path):
    cols = _cols([("col_a", "", "QID1"), ("col_b", ""), ("s1", ""), ("junk", "")])
    mf = tmp_path / "map.csv"
    mf.write_text("column,import_id,item,option\n,QID1,age,\ncol_b,,channels,1\ns1,,s2,\njunk,,,\n")
    from research.ingest import read_mapping_file

    m = map_columns(cols, Q, mapping_file=read_mapping_file(mf)).set_index("column")
    assert (m.loc["col_a", "item"], m.loc["col_a", "how"]) == ("age", "file")
    assert (m.loc["col_b", "item"], m.loc["col_b", "option"]) == ("channels", 1)
    assert m.loc["s1", "item"] == "s2"  # the file overrides the id match
    assert m.loc["junk", "how"] == "ignored"
    bad = tmp_path / "bad.csv"
    bad.write_text("column,item\ncol_a,agee\n")
    with pytest.raises(MappingError, match=r"bad.csv:2: .*item 'agee'.*did you mean 'age'"):
        map_columns(cols, Q, mapping_file=read_mapping_file(bad), path=str(bad))
    headless = tmp_path / "h.csv"
    headless.write_text("a,b\n1,2\n")
    with pytest.raises(MappingError, match="needs an 'item' header"):
        read_mapping_file(headless)
    y = tmp_path / "map.yaml"
    y.write_text("col_b: {item: channels, option: 2}\njunk: null\n")
    m = map_columns(cols, Q, mapping_file=read_mapping_file(y)).set_index("column")
    assert m.loc["col_b", "option"] == 2 and m.loc["junk", "how"] == "ignored"


def test_mapping_file_through_the_importer(tmp_path, demo, thrift_q):
    data, _ = read_qualtrics(demo["export"])
    renamed = data.rename(columns={"sus_1": "attitude one"}).iloc[:50]
    path = tmp_path / "plain.csv"
    renamed.to_csv(path, index=False)
    survey = import_responses(path, thrift_q)
    assert "sus_1" in survey.mapping_report()["items_without_column"]
    mf = tmp_path / "m.yaml"
    mf.write_text("attitude one: sus_1\n")
    mapped = import_responses(path, thrift_q, mapping_file=mf)
    assert mapped.mapping_report()["items_without_column"] == []
    assert mapped.format == "qualtrics" and mapped.layout == "1-row"


def test_platform_export_columns_are_used(monkeypatch):
    import research.questionnaire.platforms as platforms

    def fake(q, platform):
        return pd.DataFrame(
            [("AGE_Q", "age", None), ("CH_2", "channels", 2)], columns=["column", "item", "option"]
        )

    monkeypatch.setattr(platforms, "export_columns", fake)
    m = map_columns(_cols([("AGE_Q", ""), ("CH_2", "")]), Q, platform="qualtrics")
    assert m["item"].tolist() == ["age", "channels"] and m["option"].tolist()[1] == 2
    assert m["how"].tolist() == ["id", "id"]
