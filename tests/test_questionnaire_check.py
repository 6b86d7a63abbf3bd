"""`research questionnaire check` and `new`: every mistake located at once, lint rules, length."""

from __future__ import annotations

import re
import textwrap

import pytest
from typer.testing import CliRunner

from research.cli import app
from research.errors import QuestionnaireError
from research.questionnaire import (
    BASES,
    check_questionnaire,
    estimate_minutes,
    lint_questionnaire,
    load_questionnaire,
    new_questionnaire,
    parse_questionnaire,
)

runner = CliRunner()

# Ten different deliberate mistakes: an unknown field, a misspelt type, an unknown scale, a
# duplicate id, an undeclared construct, min above max, an attention check that is not a label,
# a show_if value that is not an option, a multi item without options, a show_if on no item.
TEN_MISTAKES = textwrap.dedent(
    """\
    id: ten
    title: Ten mistakes
    colour: blue
    constructs:
      - {id: price, label: Price}
    blocks:
      - id: a
        items:
          - {id: q1, type: single, text: Pick one, choices: [Red, Green]}
          - {id: q2, type: likret, text: A statement}
          - {id: q3, type: likert, scale: agre5, text: Another}
          - {id: q1, type: text, text: Again}
          - {id: q4, type: likert, text: Prices, construct: prise}
          - {id: q5, type: numeric, text: How many, min: 9, max: 2}
          - {id: q6, type: likert, text: Check, attention_check: Strongly agre}
          - {id: q7, type: text, text: Why, show_if: {item: q1, equals: Blue}}
          - {id: q8, type: multi, text: Which}
          - {id: q9, type: text, text: Where, show_if: {item: q99, equals: 1}}
    """
)
EXPECTED_LINES = [3, 10, 11, 12, 13, 14, 15, 16, 17, 18]


def test_ten_mistakes_give_ten_located_messages_and_exit_2(tmp_path):
    path = tmp_path / "ten.yaml"
    path.write_text(TEN_MISTAKES, encoding="utf-8")
    result = runner.invoke(app, ["questionnaire", "check", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    lines = [int(re.match(rf"^{re.escape(str(path))}:(\d+): error: ", e).group(1)) for e in errors]
    # one message per mistake (q1 counts once: its duplicate is the mistake), each located
    assert lines == EXPECTED_LINES, errors
    assert len({e.split(": error: ", 1)[1] for e in errors}) == len(errors)
    text = "\n".join(errors)
    for needle in (
        "unknown field 'colour'",
        "did you mean 'likert'",
        "did you mean 'agree5'",
        "item id 'q1' is used twice (first at line 9)",
        "did you mean 'price'",
        "min 9 is above max 2",
        "did you mean 'Strongly agree'",
        "'Blue' is not an option",
        "needs choices or a scale",
        "unknown item 'q99'",
    ):
        assert needle in text, needle
    assert result.stdout.strip().endswith("10 error(s), 0 warning(s)")


def test_load_raises_the_first_problem_and_counts_the_rest(tmp_path):
    path = tmp_path / "ten.yaml"
    path.write_text(TEN_MISTAKES, encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"ten\.yaml:3: .*'colour' \(and 9 more problems"):
        load_questionnaire(path)


def test_new_with_all_eight_bases_builds_and_passes_check(tmp_path):
    result = runner.invoke(
        app,
        ["questionnaire", "new", "all-bases", "--bases", ",".join(BASES), "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "all-bases.yaml"
    check = runner.invoke(app, ["questionnaire", "check", str(path), "--strict"])
    assert check.exit_code == 0, check.output
    assert check.stdout.strip().endswith("0 error(s), 0 warning(s)")
    q = load_questionnaire(path)
    assert {i.basis for i in q.items} == set(BASES)
    # screeners come first; the attitudinal core before the describing questions
    blocks = [b.id for b in q.blocks]
    assert blocks[:3] == ["dem_screener", "firm_screener", "beh_screener"]
    assert blocks.index("need_features") < blocks.index("dem_about_you")
    build = runner.invoke(app, ["questionnaire", "build", str(path), "--out", str(tmp_path / "f")])
    assert build.exit_code == 0, build.output
    assert len(list((tmp_path / "f").iterdir())) == 5  # four formats + Qualtrics setup notes
    again = runner.invoke(app, ["questionnaire", "new", "all-bases", "--out", str(tmp_path)])
    assert again.exit_code == 2 and "--force" in again.stderr


def test_new_rejects_an_unknown_basis():
    with pytest.raises(
        QuestionnaireError, match=r"'behavoural' is not one of .*did you mean 'behavioural'"
    ):
        new_questionnaire("x", "needs,behavoural")
    text = new_questionnaire("x", "behavioral")  # US spelling accepted
    assert "beh_purchase_freq" in text


def _lint(text: str, **options):
    found = lint_questionnaire(parse_questionnaire(text), **options)
    return found[found["severity"] != "info"]


LINT = textwrap.dedent(
    """\
    id: lint
    title: Lint
    constructs:
      - {id: a, label: A}
      - {id: b, label: B}
    blocks:
      - id: x
        items:
          - id: g
            type: grid
            text: How much do you agree?
            statements:
              - {id: a1, text: I like the price and the quality., construct: a}
              - {id: a2, text: "Don't you agree that we are great?", construct: a}
              - {id: a3, text: I buy it again and again., construct: a}
              - {id: b1, text: I plan ahead., construct: b, reverse: true}
    """
)


def test_lint_rules():
    found = _lint(LINT, max_grid=3)
    rules = dict(zip(found["item"].fillna(""), found["rule"], strict=False))
    assert rules["a1"] == "double-barrelled"
    assert rules["a2"] == "leading"
    assert "a3" not in rules  # "again and again" joins nothing
    by_rule = found.groupby("rule")["message"].apply(list).to_dict()
    assert any("'g' has 4 statements" in m for m in by_rule["grid-size"])
    assert any("'a' has no reverse-keyed item" in m for m in by_rule["construct-reverse"])
    assert any("'b' has 1 scale item" in m for m in by_rule["construct-items"])
    assert "attention-check" not in by_rule  # only 4 scale items


def test_missing_attention_check_and_length_warning():
    statements = "\n".join(
        f"          - {{id: s{i}, text: Statement number {i}.}}" for i in range(12)
    )
    text = (
        LINT.split("blocks:")[0]
        .replace("  - {id: b, label: B}\n", "")
        .replace("  - {id: a, label: A}\n", "")
        .replace("constructs:\n", "")
    )
    text += f"blocks:\n  - id: x\n    items:\n      - id: g\n        type: grid\n        text: Agree?\n        statements:\n{statements}\n"
    found = _lint(text, max_grid=20, max_minutes=0.5)
    assert set(found["rule"]) == {"attention-check", "length"}


def test_completion_time_estimate_counts_words_and_items():
    q = parse_questionnaire(
        "id: t\ntitle: T\nblocks:\n  - id: b\n    items:\n"
        "      - {id: x, type: text, text: one two three four}\n"
        "      - {id: y, type: single, text: five six, choices: [seven, eight nine]}\n"
    )
    est = estimate_minutes(q, words_per_minute=60)
    # 9 words at 60 a minute, then 30 s (open answer) + 4 s (single choice)
    assert est == {"minutes": round(9 / 60 + 34 / 60, 1), "words": 9, "items": 2}


def test_check_of_the_example_has_no_errors(tmp_path):
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "questionnaires/examples/thrift-shoppers.yaml"
    found = check_questionnaire(example)
    assert not (found["severity"] == "error").any()
    assert found["line"].notna().all()
    info = found[found["severity"] == "info"]["message"].iloc[0]
    assert re.match(r"about [\d.]+ minutes to complete \(\d+ words read, 42 items answered\)", info)


# Ten other mistakes, in the places the first set does not reach: a scale repeating a label, an
# unknown library module, a block named like an item, a bad block option, display logic on a
# later item, a text screener, a numeric condition on a choice item, an unknown statement field,
# an attention check answer not on the scale, a reserved XLSForm name.
TEN_MORE = textwrap.dedent(
    """\
    id: ten-more
    title: Ten more mistakes
    scales:
      stars: [One, Two, two]
    blocks:
      - include: neds
      - id: about
        randomize: maybe
        items:
          - {id: about, type: text, text: About you}
          - {id: pet, type: single, text: Pet, choices: [Cat, Dog], show_if: {item: later, equals: 1}}
          - {id: why, type: text, text: Why, screen_out: {equals: x}}
          - {id: kids, type: text, text: Kids, show_if: {item: pet, min: 2}}
          - id: g
            type: grid
            text: Agree?
            statements:
              - {id: g1, text: One, colour: red}
              - {id: g2, text: Two, attention_check: Strongly agre}
          - {id: later, type: single, text: Later, choices: [A, B]}
      - id: meta
        items:
          - {id: z, type: numeric, text: Z, min: 1, max: 5}
    """
)


def test_ten_more_mistakes_each_located_once(tmp_path):
    path = tmp_path / "more.yaml"
    path.write_text(TEN_MORE, encoding="utf-8")
    result = runner.invoke(app, ["questionnaire", "check", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    lines = [int(re.match(rf"^{re.escape(str(path))}:(\d+): error: ", e).group(1)) for e in errors]
    assert lines == [4, 6, 7, 8, 11, 12, 13, 18, 19, 21], errors
    assert len({e.split(": error: ", 1)[1] for e in errors}) == 10
    text = "\n".join(errors)
    for needle in (
        "scale 'stars' repeats a label",
        "did you mean 'needs'",
        "block id 'about' is also the id of the item at line 10",
        "block 'about', randomize: Input should be a valid boolean",
        "show_if refers to 'later', which is not asked before it",
        "a text item cannot screen respondents out",
        "show_if uses min/max, but 'pet' is a single item",
        "block 'about', grid 'g', statement 'g1': unknown field 'colour'",
        "'Strongly agre' is not a label of its scale; did you mean 'Strongly agree'",
        "'meta' is reserved by XLSForm",
    ):
        assert needle in text, needle
