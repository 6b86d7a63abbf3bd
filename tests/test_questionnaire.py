"""Questionnaire loading, its error messages, and the XLSForm renderer."""

from __future__ import annotations

import io
import re
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from research.errors import InputFileError, QuestionnaireError
from research.questionnaire import Questionnaire, load_questionnaire, parse_questionnaire
from research.questionnaire.xlsform import to_xlsform, write_xlsform

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "questionnaires" / "examples" / "thrift-shoppers.yaml"
)

# A small valid questionnaire; the error tests break one line of it. Line numbers matter.
BASE = textwrap.dedent(
    """\
    id: mini
    title: Mini survey
    constructs:
      - id: price
        label: Price focus
    blocks:
      - id: attitudes
        title: Attitudes
        items:
          - id: pri_1
            type: likert
            scale: agree5
            text: I compare prices.
            construct: price
          - id: pri_2
            type: likert
            text: I pay full price.
            construct: price
            reverse: true
    """
)


@pytest.fixture(scope="module")
def example():
    return load_questionnaire(EXAMPLE)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _replace(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


# -- the example questionnaire ---------------------------------------------------------------
def test_base_fixture_is_valid(tmp_path):
    q = load_questionnaire(_write(tmp_path, BASE))
    assert [i.id for i in q.items] == ["pri_1", "pri_2"]


def test_example_has_30_attitude_and_needs_items(example):
    items = example.scale_items()
    assert len(items) == 30
    assert {i.type for i in items} == {"likert", "importance"}
    assert all(i.construct for i in items)


def test_example_constructs_each_have_a_reverse_keyed_item(example):
    assert len(example.constructs) >= 5
    declared = {c.id for c in example.constructs}
    reversed_by_construct = {i.construct for i in example.scale_items() if i.reverse}
    assert declared <= reversed_by_construct
    assert len(reversed_by_construct) >= 5


def test_example_attention_check_and_open_items(example):
    checks = example.attention_checks()
    assert [i.id for i in checks] == ["attn_1"]
    (check,) = checks
    assert check.attention_check in [c.label for c in example.options(check)]
    assert [i.id for i in example.items if i.type == "text"] == ["open_improve", "open_last"]


def test_example_demographics_and_channels(example):
    for item_id in ("age", "gender", "region", "urbanicity", "income"):
        item = example.item(item_id)
        assert item.type == "single"
        assert item.basis in ("demographic", "geographic")
        assert len(example.options(item)) >= 3
    channels = example.item("channels")
    assert channels.type == "multi"
    assert "Instagram" in [c.label for c in example.options(channels)]


# -- errors name the file and line -----------------------------------------------------------
def test_malformed_yaml_names_the_line(tmp_path):
    path = _write(tmp_path, _replace("text: I compare prices.", "text: I compare: prices: [x"))
    with pytest.raises(QuestionnaireError, match=rf"^{re.escape(str(path))}:13: not valid YAML"):
        load_questionnaire(path)


def test_unknown_scale_suggests_the_nearest(tmp_path):
    path = _write(tmp_path, _replace("scale: agree5", "scale: agree_5"))
    with pytest.raises(QuestionnaireError, match=r"broken\.yaml:12: .*'agree_5'") as err:
        load_questionnaire(path)
    assert "did you mean 'agree5'" in str(err.value)


def test_unknown_item_type(tmp_path):
    path = _write(tmp_path, _replace("type: likert\n        scale", "type: likret\n        scale"))
    with pytest.raises(QuestionnaireError, match=r"broken\.yaml:11: .*type.*did you mean 'likert'"):
        load_questionnaire(path)


def test_unknown_field(tmp_path):
    path = _write(tmp_path, _replace("    text: I pay", "    txt: oops\n        text: I pay"))
    with pytest.raises(QuestionnaireError, match=r"broken\.yaml:17: .*unknown field 'txt'"):
        load_questionnaire(path)


def test_duplicate_item_id_names_both_lines(tmp_path):
    path = _write(tmp_path, _replace("id: pri_2", "id: pri_1"))
    with pytest.raises(
        QuestionnaireError, match=r"broken\.yaml:15: item id 'pri_1' is used twice.*line 10"
    ):
        load_questionnaire(path)


def test_attention_check_answer_must_be_a_scale_label(tmp_path):
    path = _write(tmp_path, BASE + "        attention_check: Strongly agre\n")
    with pytest.raises(
        QuestionnaireError,
        match=r"broken\.yaml:20: .*'Strongly agre'.*did you mean 'Strongly agree'",
    ):
        load_questionnaire(path)


def test_undeclared_construct(tmp_path):
    path = _write(
        tmp_path, _replace("construct: price\n        reverse", "construct: prise\n        reverse")
    )
    with pytest.raises(QuestionnaireError, match=r"broken\.yaml:18: .*'prise' is not declared"):
        load_questionnaire(path)


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(InputFileError, match=rf"^{re.escape(str(missing))}: .*does not exist"):
        load_questionnaire(missing)


# -- XLSForm ---------------------------------------------------------------------------------
def _xform(path: Path) -> str:
    warnings: list[str] = []
    xml = convert(xlsform=str(path), warnings=warnings, validate=False).xform
    assert warnings == []
    return xml


@pytest.fixture(scope="module")
def example_xform(example, tmp_path_factory):
    path = write_xlsform(example, tmp_path_factory.mktemp("xlsform") / "thrift.xlsx")
    return path, _xform(path)


def test_example_converts_to_an_xform(example, example_xform):
    _, xml = example_xform
    assert "<select1 " in xml
    assert re.search(r'<group appearance="field-list" ref="/data/attitudes"', xml)
    assert re.search(r'<group appearance="field-list" ref="/data/needs"', xml)
    assert not re.search(r'<group appearance="field-list" ref="/data/about_you"', xml)
    assert '<select ref="/data/screener/channels"' in xml
    assert 'id="thrift_shoppers"' in xml
    for item in example.items:
        assert re.search(rf"<{item.id}\s*/>", xml), item.id
    block = next(b for b in example.blocks if b.id == "attitudes")
    assert f"/data/attitudes/{block.items[0].id}" in xml


def test_workbook_sheets_and_bold_header(example_xform):
    path, _ = example_xform
    wb = load_workbook(path)
    assert wb.sheetnames == ["survey", "choices", "settings"]
    for ws in wb.worksheets:
        assert all(cell.font.bold for cell in ws[1])
        assert not ws.cell(row=2, column=1).font.bold
    settings = {c.value: v.value for c, v in zip(wb["settings"][1], wb["settings"][2], strict=True)}
    assert settings["form_id"] == "thrift_shoppers"
    assert settings["version"] == "1.0"


def test_agree5_choices_are_codes_with_labels(example):
    choices = to_xlsform(example)["choices"]
    agree = choices[choices["list_name"] == "agree5"]
    assert agree["name"].tolist() == ["1", "2", "3", "4", "5"]
    assert agree["label"].tolist() == [
        "Strongly disagree",
        "Somewhat disagree",
        "Neither agree nor disagree",
        "Somewhat agree",
        "Strongly agree",
    ]
    # one list per scale, not one per item
    assert choices["list_name"].tolist().count("agree5") == 5
    income = choices[choices["list_name"] == "income"]
    assert income["name"].tolist() == [str(i) for i in range(1, 7)]


def test_survey_rows_for_each_item_type(example):
    survey = to_xlsform(example)["survey"].set_index("name", drop=False)
    assert survey.iloc[0]["type"] == "note"
    assert survey.iloc[0]["label"].startswith("Thank you for shopping")
    assert survey.loc["sus_1", "type"] == "select_one agree5"
    assert survey.loc["fit_1", "type"] == "select_one importance5"
    assert survey.loc["attn_1", "type"] == "select_one agree5"
    assert survey.loc["purchase_freq", "type"] == "select_one purchase_frequency"
    assert survey.loc["purchase_freq", "required"] == "yes"
    assert survey.loc["channels", "type"] == "select_multiple channels"
    assert survey.loc["open_last", "type"] == "text"
    assert survey.loc["sus_4", "construct"] == "sustainability"
    assert survey.loc["sus_4", "reverse"] == "yes"
    assert survey.loc["sus_1", "reverse"] == "no"
    groups = survey[survey["type"] == "begin group"]
    assert groups["name"].tolist() == [b.id for b in example.blocks]
    assert groups.loc["attitudes", "label"] == "How you feel about shopping second-hand"
    # XLSForm cannot randomise question order: a comment says so, no parameter is written
    assert "randomise" in groups.loc["attitudes", "comment"].lower()
    assert groups.loc["screener", "comment"] == ""
    assert "parameters" not in survey.columns


def test_numeric_constraint(example, example_xform):
    survey = to_xlsform(example)["survey"].set_index("name")
    row = survey.loc["spend_12m"]
    assert row["type"] == "integer"
    assert row["constraint"] == ". >= 0 and . <= 20000"
    assert "0" in row["constraint_message"] and "20000" in row["constraint_message"]
    assert row["hint"] == "In GBP."
    _, xml = example_xform
    assert re.search(
        r'<bind nodeset="/data/screener/spend_12m" type="int" '
        r'constraint="\. &gt;= 0 and \. &lt;= 20000"',
        xml,
    )


def test_two_writes_give_identical_bytes(example, tmp_path):
    first = write_xlsform(example, tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)  # openpyxl would stamp a different "modified" second
    second = write_xlsform(example, tmp_path / "b.xlsx").read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "<dcterms:modified" in core and "2000-01-01T00:00:00Z" in core


MIXED = textwrap.dedent(
    """\
    id: mixed-types
    title: Mixed
    version: "2"
    intro: Hello.
    scales:
      rank5: [A, B, C]
    blocks:
      - id: intro
        items:
          - id: rank5
            type: ranking
            text: Rank these.
            choices: [Price, Range, Delivery]
          - id: fav
            type: single
            text: Pick one.
            scale: rank5
          - id: nps
            type: single
            text: How likely are you to recommend us?
            scale: likelihood11
          - id: weight
            type: numeric
            text: Your weight?
            min: 30.5
            max: 250
          - id: kids
            type: numeric
            text: How many children?
            min: 0
          - id: anything
            type: numeric
            text: Any number.
      - id: grid
        randomize: false
        items:
          - id: g1
            type: likert
            scale: agree7
            text: A statement.
    """
)


def test_other_item_types_convert(tmp_path):
    q = parse_questionnaire(MIXED, path="mixed.yaml")
    sheets = to_xlsform(q)
    survey = sheets["survey"].set_index("name", drop=False)
    # the intro note must not clash with the block called "intro"
    assert survey.iloc[0]["type"] == "note"
    assert survey.iloc[0]["name"] != "intro"
    # an item's own list must not clash with the scale of the same id
    assert survey.loc["rank5", "type"] == "rank rank5_choices"
    assert survey.loc["fav", "type"] == "select_one rank5"
    assert survey.loc["weight", "type"] == "decimal"
    assert survey.loc["weight", "constraint"] == ". >= 30.5 and . <= 250"
    assert survey.loc["kids", "type"] == "integer"
    assert survey.loc["kids", "constraint"] == ". >= 0"
    assert survey.loc["anything", "type"] == "decimal"
    assert survey.loc["anything", "constraint"] == ""
    groups = survey[survey["type"] == "begin group"]
    assert groups.loc["grid", "appearance"] == "field-list"
    assert groups.loc["intro", "appearance"] == ""
    choices = sheets["choices"]
    nps = choices[choices["list_name"] == "likelihood11"]
    assert nps["name"].tolist() == [str(i) for i in range(11)]
    assert sheets["settings"].loc[0, "form_id"] == "mixed_types"

    xml = _xform(write_xlsform(q, tmp_path / "mixed.xlsx"))
    assert "<odk:rank " in xml
    assert 'type="decimal" constraint=". &gt;= 30.5 and . &lt;= 250"' in xml
    for item in q.items:
        assert re.search(rf"<{item.id}\s*/>", xml), item.id


def test_duplicate_block_ids_are_rejected():
    block = {"id": "a", "items": [{"id": "x", "type": "text", "text": "X"}]}
    other = {"id": "a", "items": [{"id": "y", "type": "text", "text": "Y"}]}
    q = Questionnaire.model_validate({"id": "d", "title": "D", "blocks": [block, other]})
    with pytest.raises(QuestionnaireError, match="block id 'a' is used twice"):
        to_xlsform(q)
