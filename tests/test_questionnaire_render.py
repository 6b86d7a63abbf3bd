"""Every library module and example builds in all four formats; XLSForms convert with pyxform."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert
from typer.testing import CliRunner

from research.cli import app
from research.errors import QuestionnaireError
from research.questionnaire import (
    Grid,
    load_questionnaire,
    parse_questionnaire,
    setup_notes,
    to_codebook,
    to_qualtrics_txt,
    to_xlsform,
)

ROOT = Path(__file__).resolve().parents[1] / "questionnaires"
FILES = sorted((ROOT / "library").glob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))
runner = CliRunner()


def test_library_has_one_module_per_basis():
    from research.questionnaire import BASES, library_modules

    assert set(library_modules()) == set(BASES)
    for basis, path in library_modules().items():
        q = load_questionnaire(path)
        assert {i.basis for i in q.items} == {basis}, path.name


@pytest.fixture(scope="module", params=FILES, ids=[p.name for p in FILES])
def built(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param.stem)
    result = runner.invoke(app, ["questionnaire", "build", str(request.param), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return load_questionnaire(request.param), out


def test_builds_all_four_formats(built):
    q, out = built
    for name in (f"{q.id}.xlsx", f"{q.id}.qualtrics.txt", f"{q.id}.docx", f"{q.id}-codebook.xlsx"):
        assert (out / name).stat().st_size > 0, name


def test_pyxform_converts_the_xlsform(built):
    q, out = built
    warnings: list[str] = []
    # ODK Validate (Java) too when this machine has Java; pyxform's own checks always.
    validate = shutil.which("java") is not None
    xml = convert(xlsform=str(out / f"{q.id}.xlsx"), warnings=warnings, validate=validate).xform
    assert warnings == []
    for item in q.items:
        assert re.search(rf"<{item.id}\s*/>", xml), item.id


def test_docx_contains_every_question_text(built):
    q, out = built
    document = docx.Document(str(out / f"{q.id}.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for question in q.questions:
        assert question.text in text, question.id
    for item in q.items:
        assert item.text in text, item.id


def test_qualtrics_txt_has_one_question_per_item(built):
    """Count: one [[Question: per item outside a grid plus one per grid (the grid's statements
    are its rows), and one [[Question:DB]] per text-only element (intro, outro, instructions)."""
    q, out = built
    txt = (out / f"{q.id}.qualtrics.txt").read_text(encoding="utf-8")
    assert txt.startswith("[[AdvancedFormat]]\n")
    questions = re.findall(r"^\[\[Question:([^\]]+)\]\]$", txt, flags=re.M)
    data = [t for t in questions if t != "DB"]
    assert len(data) == len(q.questions)
    texts = int(bool(q.intro.strip())) + int(bool(q.outro.strip()))
    texts += sum(bool(b.instructions) for b in q.blocks)
    assert questions.count("DB") == texts
    n_grids = sum(isinstance(x, Grid) for x in q.questions)
    assert data.count("Matrix") == n_grids
    assert len(q.items) == len(data) - n_grids + sum(
        len(x.statements) for x in q.questions if isinstance(x, Grid)
    )
    assert txt.count("[[Block:") == len(q.blocks)


def test_codebook_workbook(built):
    q, out = built
    wb = load_workbook(out / f"{q.id}-codebook.xlsx")
    assert wb.sheetnames == ["variables", "values", "constructs"]
    rows = list(wb["variables"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("variable", "question", "grid")
    assert [r[0] for r in rows[1:]] == [i.id for i in q.items]
    col = {name: k for k, name in enumerate(header)}
    for row, item in zip(rows[1:], q.items, strict=True):
        assert row[col["question"]] == item.text
        assert row[col["reverse"]] == ("yes" if item.reverse else "no")
        assert (row[col["construct"]] or None) == item.construct
        assert row[col["basis"]] == item.basis or item.basis is None


LOGIC = """\
id: logic
title: Logic
intro: Hello.
outro: Bye.
blocks:
  - id: s
    instructions: Answer honestly.
    items:
      - {id: age, type: numeric, text: Age, min: 0, max: 120, screen_out: {max: 17}}
      - {id: nps, type: single, text: Recommend, scale: likelihood11}
      - {id: ch, type: multi, text: Channels, choices: [Shop, Web, App]}
      - {id: why, type: text, text: Why web, show_if: {item: ch, equals: Web}}
  - id: g
    title: Grid block
    show_if: {item: nps, min: 9}
    items:
      - id: grid
        type: grid
        text: Agree
        statements: [{id: g1, text: One}, {id: g2, text: Two}]
"""


def test_logic_in_each_format():
    with pytest.raises(
        QuestionnaireError, match=r"show_if uses min/max, but 'nps' is a single item"
    ):
        parse_questionnaire(LOGIC)
    q = parse_questionnaire(LOGIC.replace("{item: nps, min: 9}", "{item: nps, any_of: [9, 10]}"))
    sheet = to_xlsform(q)["survey"]
    survey = sheet[~sheet["type"].eq("end group")].set_index("name")
    assert survey.loc["why", "relevant"] == (
        "not((${age} != '' and ${age} <= 17)) and selected(${ch}, '2')"
    )
    assert survey.loc["age_screened_out", "relevant"] == "(${age} != '' and ${age} <= 17)"
    assert survey.loc["nps", "relevant"] == "not((${age} != '' and ${age} <= 17))"
    assert survey.loc["g", "relevant"] == (
        "not((${age} != '' and ${age} <= 17)) and (${nps} = '9' or ${nps} = '10')"
    )
    assert survey.loc["grid", "appearance"] == "field-list"
    assert survey.loc["age", "constraint"] == ". >= 0 and . <= 120"
    txt = to_qualtrics_txt(q)
    assert "[[Question:Matrix]]\n[[ID:grid]]\nAgree\n[[Choices]]\nOne\nTwo\n[[Answers]]\n" in txt
    # likelihood11 starts at 0: Qualtrics numbers choices 1..11, so a setup note says recode
    notes = "\n".join(setup_notes(q))
    assert "nps: Recode values to 0, 1," in notes
    assert "why: add display logic, show only if ch includes 'Web'" in notes
    assert "age: screener" in notes and "End of Survey" in notes
    cb = to_codebook(q)["variables"].set_index("variable")
    assert cb.loc["g1", "show_if"] == "nps is '9' or '10'"
    assert cb.loc["g1", "grid"] == "grid"
    assert cb.loc["age", "screen_out"] == "age is at most 17"


def test_custom_codes_use_advanced_choices():
    q = parse_questionnaire(
        "id: c\ntitle: C\nblocks:\n  - id: b\n    items:\n"
        "      - id: x\n        type: single\n        text: Pick\n"
        "        choices: [{code: 5, label: Five}, {code: 7, label: Seven}]\n"
    )
    txt = to_qualtrics_txt(q)
    assert "[[AdvancedChoices]]\n[[Choice:5]]\nFive\n[[Choice:7]]\nSeven\n" in txt
