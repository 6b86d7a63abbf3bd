"""Schema additions: grids, display logic, screeners, includes, and errors collected per load."""

from __future__ import annotations

import textwrap

import pytest

from research.errors import QuestionnaireError
from research.questionnaire import (
    Grid,
    Item,
    QuestionnaireErrors,
    library_modules,
    load_questionnaire,
    parse_questionnaire,
    read_questionnaire,
)

GRID = textwrap.dedent(
    """\
    id: grid-demo
    title: Grid demo
    constructs:
      - {id: price, label: Price}
    blocks:
      - id: screen
        items:
          - id: freq
            type: single
            text: How often do you shop?
            choices: [Never, Monthly, Weekly]
            screen_out: {equals: Never, message: That is all.}
          - id: kids
            type: numeric
            text: How many children live with you?
            min: 0
            max: 10
      - id: att
        title: Attitudes
        show_if: {item: freq, any_of: [Monthly, 3]}
        items:
          - id: g
            type: grid
            text: How much do you agree or disagree?
            construct: price
            basis: psychographic
            statements:
              - {id: p1, text: I compare prices.}
              - {id: p2, text: I pay full price., reverse: true}
              - {id: p3, text: I wait for sales., construct: price, basis: needs}
          - id: why
            type: text
            text: Why do you compare prices?
            show_if: {item: p1, min: 4}
    """
)


def test_grid_flattens_to_one_item_per_statement():
    q = parse_questionnaire(
        GRID.replace("show_if: {item: p1, min: 4}", "show_if: {item: p1, equals: 4}")
    )
    assert [i.id for i in q.items] == ["freq", "kids", "p1", "p2", "p3", "why"]
    block = q.blocks[1]
    assert [type(x) for x in block.questions] == [Grid, Item]
    assert [i.id for i in block.items] == ["p1", "p2", "p3", "why"]
    p2 = q.item("p2")
    assert (p2.type, p2.scale_id, p2.reverse, p2.construct, p2.grid) == (
        "likert",
        "agree5",
        True,
        "price",
        "g",
    )
    assert p2.grid_text == "How much do you agree or disagree?"
    assert q.item("p3").basis == "needs" and q.item("p1").basis == "psychographic"
    assert [i.id for i in q.scale_items()] == ["p1", "p2", "p3"]
    assert q.construct_of() == {"p1": "price", "p2": "price", "p3": "price"}
    assert [c.code for c in q.options(p2)] == [1, 2, 3, 4, 5]


def test_importance_grid_gives_importance_items():
    text = GRID.replace("construct: price\n        basis: psychographic", "scale: importance5")
    q = parse_questionnaire(
        text.replace("show_if: {item: p1, min: 4}", "show_if: {item: p1, equals: 4}")
    )
    assert {q.item(i).type for i in ("p1", "p2")} == {"importance"}


def test_numeric_show_if_on_a_scale_item_is_rejected():
    with pytest.raises(QuestionnaireError, match=r":34: .*'why'.*min/max.*'p1' is a likert"):
        parse_questionnaire(GRID, path="g.yaml")


def test_yes_no_choices_stay_words_and_screen_out_resolves():
    q = parse_questionnaire(GRID.replace("{item: p1, min: 4}", "{item: kids, min: 1}"))
    assert [c.label for c in q.options(q.item("freq"))] == ["Never", "Monthly", "Weekly"]
    assert q.item("freq").screen_out.equals == "Never"
    assert q.blocks[1].show_if.any_of == ["Monthly", 3]


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        (
            "{item: freq, any_of: [Monthly, 3]}",
            "{item: freq, any_of: [Montly]}",
            r":20: block 'att': show_if value 'Montly' is not an option of 'freq'; did you mean 'Monthly'",
        ),
        (
            "{item: freq, any_of: [Monthly, 3]}",
            "{item: why, equals: x}",
            r":20: block 'att': show_if refers to 'why', which is not asked before it",
        ),
        (
            "{equals: Never, message: That is all.}",
            "{min: 2}",
            r":12: item 'freq': screen_out uses min/max, but 'freq' is a single item",
        ),
        (
            "{equals: Never, message: That is all.}",
            "{equals: Never, any_of: [Weekly]}",
            r":12: .*exactly one of 'equals', 'any_of'",
        ),
        (
            "{item: p1, min: 4}",
            "{item: kid, min: 1}",
            r":34: item 'why': show_if refers to unknown item 'kid'; did you mean 'kids'",
        ),
    ],
)
def test_logic_errors_are_located(old, new, pattern):
    text = (
        GRID.replace("{item: p1, min: 4}", "{item: kids, min: 1}")
        if old != "{item: p1, min: 4}"
        else GRID
    )
    assert old in text
    with pytest.raises(QuestionnaireError, match=pattern):
        parse_questionnaire(text.replace(old, new), path="g.yaml")


def test_several_errors_in_one_load():
    text = GRID.replace("{item: p1, min: 4}", "{item: kids, min: 1}")
    text = text.replace("type: numeric", "type: numbr").replace("id: p2", "id: p1")
    q, _, errors = read_questionnaire(text, path="g.yaml")
    assert q is not None
    messages = [str(e) for e in errors]
    assert len(messages) == 2, messages
    assert messages[0].startswith("g.yaml:14: ") and "'numbr'" in messages[0]
    assert messages[1].startswith("g.yaml:29: item id 'p1' is used twice (first at line 28)")
    with pytest.raises(QuestionnaireErrors, match=r"numbr.*\(and 1 more problem") as info:
        parse_questionnaire(text, path="g.yaml")
    assert len(info.value.errors) == 2


# -- include ----------------------------------------------------------------------------------
def test_include_library_modules_in_place_and_at_the_end(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "id: inc\ntitle: Inc\ninclude: [geographic]\nblocks:\n"
        "  - include: needs\n    blocks: [need_priorities]\n"
        "  - id: own\n    items:\n      - {id: own_1, type: text, text: Anything else}\n",
        encoding="utf-8",
    )
    q = load_questionnaire(path)
    assert [b.id for b in q.blocks] == ["need_priorities", "own", "geo_where"]
    assert "need_life_stage" in [i.id for i in q.items]
    # constructs of an included module come along
    assert "convenience" in {c.id for c in q.constructs}


def test_include_reports_id_clash_with_both_files(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "id: inc\ntitle: Inc\nblocks:\n"
        "  - id: own\n    items:\n      - {id: geo_area, type: text, text: Where}\n"
        "  - include: geographic\n",
        encoding="utf-8",
    )
    geographic = library_modules()["geographic"]
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    message = str(info.value)
    assert message.startswith(f"{geographic}:")
    assert f"item id 'geo_area' is used twice (first at line 6 of {path})" in message


def test_unknown_module_suggests(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("id: inc\ntitle: Inc\nblocks:\n  - include: demografic\n", encoding="utf-8")
    with pytest.raises(
        QuestionnaireError,
        match=r"q\.yaml:4: unknown library module 'demografic'.*did you mean 'demographic'",
    ):
        load_questionnaire(path)


def test_include_of_a_relative_file_and_a_cycle(tmp_path):
    (tmp_path / "part.yaml").write_text(
        "id: part\ntitle: Part\nblocks:\n  - id: p\n    items:\n      - {id: p1, type: text, text: Hi}\n"
        "  - include: main.yaml\n",
        encoding="utf-8",
    )
    (tmp_path / "main.yaml").write_text(
        "id: main\ntitle: Main\nblocks:\n  - include: part.yaml\n", encoding="utf-8"
    )
    with pytest.raises(
        QuestionnaireError, match=r"part\.yaml:7: include 'main\.yaml' includes itself"
    ):
        load_questionnaire(tmp_path / "main.yaml")
