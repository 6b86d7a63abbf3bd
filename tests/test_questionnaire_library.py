"""The template library as a senior researcher would field it, and the features it relies on:
cited scales, balanced keying, attention checks, screeners, category wording, name rules."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.errors import QuestionnaireError
from research.questionnaire import (
    BASES,
    Grid,
    check_questionnaire,
    estimate_minutes,
    library_modules,
    lint_questionnaire,
    load_questionnaire,
    new_questionnaire,
    parse_questionnaire,
    to_codebook,
    to_docx,
    to_xlsform,
)

ROOT = Path(__file__).resolve().parents[1] / "questionnaires"
MODULES = {name: load_questionnaire(path) for name, path in library_modules().items()}
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
runner = CliRunner()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_dimension_is_a_balanced_scale_of_three_or_more(name):
    q = MODULES[name]
    for c in q.constructs:
        members = [i for i in q.scale_items() if i.construct == c.id]
        assert len(members) >= 3, (name, c.id)
        assert any(i.reverse for i in members), (name, c.id)
        assert not all(i.reverse for i in members), (name, c.id)


def test_attitude_scales_cite_the_validated_scale_they_adapt():
    for name in ("psychographic", "behavioural", "value"):
        for c in MODULES[name].constructs:
            assert re.search(r"\(\d{4}\)\..+\d+\(\d+\), \d+-\d+", c.source), (name, c.id)
    assert "Goldsmith" in MODULES["psychographic"].constructs[0].source
    # the needs module is deliberately study-specific: no borrowed authority
    assert all(not c.source for c in MODULES["needs"].constructs)


def test_statements_of_a_dimension_are_interleaved_across_grids():
    q = MODULES["psychographic"]
    grids = [x for x in q.questions if isinstance(x, Grid)]
    assert len(grids) == 3
    for grid in grids:
        constructs = [s.construct for s in grid.statements if s.construct]
        assert len(set(constructs)) >= 4, grid.id  # no grid is one dimension in a row
        assert all(a != b for a, b in zip(constructs, constructs[1:], strict=False)), grid.id


@pytest.mark.parametrize("name", ["psychographic", "needs"])
def test_attitude_and_needs_modules_carry_an_attention_check(name):
    q = MODULES[name]
    (check,) = q.attention_checks()
    assert check.attention_check in [c.label for c in q.options(check)]
    assert check.attention_check in check.text  # instructed response: the answer is asked for
    assert check.construct is None


@pytest.mark.parametrize(
    ("name", "item", "screened"),
    [("demographic", "dem_age", "at most 17"), ("firmographic", "firm_involved", "not involved")],
)
def test_screeners_end_the_survey(name, item, screened):
    q = MODULES[name]
    screener = q.item(item)
    assert screener.required and screener.screen_out is not None
    codebook = to_codebook(q)["variables"].set_index("variable")
    assert screened in codebook.loc[item, "screen_out"]
    assert MODULES["behavioural"].item("beh_category_user").screen_out.equals == "No"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_is_lint_clean(name):
    found = lint_questionnaire(MODULES[name])
    assert found[found["severity"] != "info"].empty, found.to_string()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_have_no_errors_and_honest_lengths(path):
    found = check_questionnaire(path)
    assert not (found["severity"] == "error").any(), found.to_string()
    assert "promised-length" not in set(found["rule"])


def test_sensitive_questions_offer_a_way_out():
    dem = MODULES["demographic"]
    for item_id in ("dem_gender", "dem_education", "dem_income", "dem_marital"):
        labels = [c.label for c in dem.options(dem.item(item_id))]
        assert "Prefer not to say" in labels, item_id
    assert dem.item("dem_gender_self").show_if.equals == "Prefer to self-describe"


def test_category_replaces_the_placeholder_everywhere(tmp_path):
    text = new_questionnaire("shoes", list(BASES), category="  running   shoes ")
    assert "products like these" not in text
    q = parse_questionnaire(text)
    assert q.item("beh_purchase_freq").text == "How often do you buy running shoes?"
    assert "running shoes" in q.intro
    result = runner.invoke(
        app,
        [
            "questionnaire",
            "new",
            "s",
            "--bases",
            "needs",
            "--category",
            "tea",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "How important is each of these to you when you buy tea?" in (
        tmp_path / "s.yaml"
    ).read_text(encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="--category must name the product category"):
        new_questionnaire("x", "needs", category=" ")
    # without a category, check reminds (as info, so --strict still passes)
    found = lint_questionnaire(parse_questionnaire(new_questionnaire("x", "needs")))
    reminder = found[found["rule"] == "placeholder"]
    assert reminder["severity"].tolist() == ["info"]
    assert "still say 'products like these'" in reminder["message"].iloc[0]
    assert "placeholder" not in set(lint_questionnaire(q)["rule"])


def test_include_replace_is_checked(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "id: q\ntitle: Q\nblocks:\n  - include: value\n    replace: [tea]\n"
        "  - include: needs\n    replce: {a: b}\n",
        encoding="utf-8",
    )
    found = check_questionnaire(path)
    messages = dict(zip(found["line"], found["message"], strict=True))
    assert "'replace' must map text to text" in messages[5]
    assert "unknown field 'replce'" in messages[6] and "did you mean 'replace'" in messages[6]
    # ids and references are never rewritten, only wording
    path.write_text(
        "id: q\ntitle: Q\nblocks:\n  - include: value\n"
        "    replace: {val_: xx_, products like these: tea, In the last week: Last week}\n",
        encoding="utf-8",
    )
    q = load_questionnaire(path)
    assert q.item("val_spend_12m").show_if.any_of[0] == "Last week"
    assert q.item("val_spend_12m").text.endswith("spent in total on tea in the last 12 months?")


NAMES = textwrap.dedent(
    """\
    id: names
    title: Names
    blocks:
      - id: about
        items:
          - {id: about, type: text, text: About you}
      - id: meta
        items:
          - {id: other, type: text, text: Other}
    """
)


def test_block_and_item_names_share_one_namespace(tmp_path):
    path = tmp_path / "names.yaml"
    path.write_text(NAMES, encoding="utf-8")
    found = check_questionnaire(path)
    errors = found[found["severity"] == "error"]
    assert errors["line"].tolist() == [4, 7]
    assert "block id 'about' is also the id of the item at line 6" in errors["message"].iloc[0]
    assert "'meta' is reserved by XLSForm" in errors["message"].iloc[1]


def test_markup_unbalanced_and_promised_length_warnings():
    q = parse_questionnaire(
        textwrap.dedent(
            """\
            id: w
            title: W
            intro: This takes about 30 minutes.
            blocks:
              - id: b
                items:
                  - {id: sat, type: single, text: "How satisfied are you with us?", scale: satisfaction5}
                  - {id: agr, type: likert, text: "How much do you agree with the plan?"}
                  - {id: fair, type: single, text: "How satisfied or dissatisfied are you?", scale: satisfaction5}
                  - {id: pay, type: single, text: 'Price in ${currency}', choices: ['[[Low]]', High]}
            """
        )
    )
    found = lint_questionnaire(q)
    rules = found.groupby("rule")["item"].apply(lambda s: sorted(s.dropna())).to_dict()
    assert rules["unbalanced"] == ["agr", "sat"]
    assert rules["markup"] == ["pay", "pay"]
    assert "promised-length" in rules
    survey = to_xlsform(q)["survey"].set_index("name")
    assert survey.loc["pay", "label"] == "Price in $ {currency}"  # never a field reference


def test_conditional_questions_count_half_in_the_length_estimate():
    base = "id: t\ntitle: T\nblocks:\n  - id: b\n    items:\n"
    first = "      - {id: a, type: single, text: One two, choices: [Yes, No]}\n"
    plain = parse_questionnaire(base + first + "      - {id: c, type: text, text: Why}\n")
    shown = parse_questionnaire(
        base + first + "      - {id: c, type: text, text: Why, show_if: {item: a, equals: Yes}}\n"
    )
    full, half = (
        estimate_minutes(plain, words_per_minute=60),
        estimate_minutes(shown, words_per_minute=60),
    )
    assert full["words"] == half["words"] == 5 and full["items"] == half["items"] == 2
    # 4 words + 4 s, then 1 word + 30 s at full or half weight
    assert full["minutes"] == round(4 / 60 + 4 / 60 + 1 / 60 + 30 / 60, 1)
    assert half["minutes"] == round(4 / 60 + 4 / 60 + (1 / 60 + 30 / 60) / 2, 1)


def test_review_document_lists_dimensions_with_sources_and_checks():
    q = MODULES["psychographic"]
    document = to_docx(q)
    table = document.tables[-1]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Dimension", "What it means", "Items", "Source"]
    rows = {r.cells[0].text: r.cells for r in table.rows[1:]}
    assert set(rows) == {c.label for c in q.constructs}
    assert "psy_inn_3 (R)" in rows["Consumer innovativeness"][2].text
    assert "Goldsmith" in rows["Consumer innovativeness"][3].text
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "(check)  [psy_attn]" in cells
    assert isinstance(document, docx.document.Document)
    sources = to_codebook(q)["constructs"].set_index("construct")["source"]
    assert sources["green"].startswith("Haws")
