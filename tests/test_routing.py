"""Routing: respondents who legitimately skipped questions are not counted as missing them."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from research.ingest import import_responses, infer_questionnaire
from research.ingest.routing import NOT_SHOWN, route_out, shown_items
from research.questionnaire import parse_questionnaire

AGREE = [
    "Strongly disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Strongly agree",
]


def _reasons(survey) -> dict[str, int]:
    return survey.exclusions["reason"].value_counts().to_dict()


# -- StarWars: a real SurveyMonkey export whose film questions only film-goers saw ------------


@pytest.fixture(scope="module")
def starwars(data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("starwars")
    shutil.copy(data_dir / "surveymonkey" / "StarWars.csv", folder / "StarWars.csv")
    q, text, notes = infer_questionnaire(folder / "StarWars.csv")
    (folder / "questionnaire.yaml").write_text(text, encoding="utf-8")
    return folder, q, text, notes


def test_starwars_infer_writes_the_screener_as_show_if(starwars):
    _, q, text, notes = starwars
    grid = next(x for x in q.questions if x.id == "q5_grid_q")
    assert grid.show_if is not None
    assert (grid.show_if.item, grid.show_if.equals) == ("q1", "Yes")
    assert q.item("q8").show_if.item == "q7"  # "fan of the Expanded Universe" after "familiar"
    assert q.item("q9").show_if is None  # Star Trek fans: asked of everyone
    assert q.item("Gender").show_if is None
    assert any("routing inferred from the answers" in n and "q5_grid_q" in n for n in notes)
    # The YAML a researcher reads says it was inferred, and loads back with the routing.
    assert "# Note: routing inferred from the answers (check it)" in text
    again = parse_questionnaire(text)
    assert again.item("q5_1").show_if.item == "q1"


def test_starwars_import_counts_missing_only_among_questions_shown(starwars):
    folder, q, _, _ = starwars
    survey = import_responses(folder / "StarWars.csv", q)
    # Before routing: 366 too_many_missing, 250 of them never saw a film (never shown the grid).
    assert _reasons(survey) == {"too_many_missing": 116}
    assert survey.n_kept == 1186 - 116
    never = survey.responses.index[survey.responses["q1"] == 1]  # 1 = 'No'
    assert len(never) == 250
    excluded = set(survey.exclusions["respondent_id"])
    assert not excluded & set(never)
    # Those still excluded were shown the grid (said Yes) and left over half of it blank.
    assert survey.exclusions["detail"].str.contains("items shown missing").all()
    assert any(n.startswith("250 respondents kept were shown none") for n in survey.notes)


def test_starwars_run_lists_the_unshown_as_not_shown(starwars):
    from research.study import run_study

    folder, _, _, _ = starwars
    items = [f"q5_{k}" for k in range(1, 15)]
    study = {
        "title": "Star Wars",
        "questionnaire": "questionnaire.yaml",
        "export": "StarWars.csv",
        # Small settings keep the test fast; the routing accounting does not depend on them.
        "segments": {"items": items, "k_min": 2, "k_max": 3, "n_init": 2, "n_boot": 0},
    }
    (folder / "study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    result = run_study(folder / "study.yaml", folder / "out", created="2026-01-01T00:00:00")
    survey = result.survey
    assert _reasons(survey) == {"too_many_missing": 116, NOT_SHOWN: 250}
    assert survey.n_kept + survey.n_excluded == survey.n_read == 1186
    assert len(result.segments.assignments) == survey.n_kept == 820
    shown_to = survey.exclusions.loc[survey.exclusions["reason"] == NOT_SHOWN, "detail"]
    film = '("Have you seen any of the 6 films in the Star Wars franchise?")'
    assert (
        shown_to == f"not shown the segmentation questions (routing: shown when q1 is 'Yes' "
        f"{film}; answered 'No')"
    ).all()
    facts = dict(result.content.summary[["field", "value"]].to_numpy().tolist())
    assert facts["Outside the segmentation base"].startswith(
        "250 respondents were not shown the segmentation questions (routing: shown when q1"
    )
    written = pd.read_csv(folder / "out" / "exclusions.csv")
    assert (written["reason"] == NOT_SHOWN).sum() == 250
    # The command line says it too.
    from typer.testing import CliRunner

    from research.cli import app

    got = CliRunner().invoke(app, ["run", str(folder / "study.yaml"), "--out", str(folder / "o2")])
    assert got.exit_code == 0, got.output
    assert "Outside the segmentation base: 250 respondents were not shown" in got.output
    # What the Summary sheet puts first, the command line prints as warnings (stderr).
    warned = [
        line[len("warning: ") :] for line in got.stderr.splitlines() if line.startswith("warning: ")
    ]
    assert warned and warned == list(result.content.warnings)


# -- a hand-written questionnaire: a battery asked only of employees -------------------------

EMPLOYEE_Q = """
id: staff
title: Staff
blocks:
  - id: about
    items:
      - {id: employed, type: single, text: "Are you employed?", choices: ["Yes", "No"]}
  - id: work
    show_if: {item: employed, equals: "Yes"}
    items:
      - {id: w1, type: likert, text: My work is meaningful}
      - {id: w2, type: likert, text: My manager listens}
      - {id: w3, type: likert, text: I have the tools I need}
  - id: life
    items:
      - {id: g1, type: likert, text: I plan my week}
      - {id: g2, type: likert, text: I like trying new things}
"""


def _employee_export(path, rng):
    rows = []
    for k in range(60):
        employed = "Yes" if k % 2 == 0 else "No"
        row = {"respondent_id": f"r{k}", "employed": employed}
        for i in ("w1", "w2", "w3"):
            row[i] = AGREE[rng.integers(5)] if employed == "Yes" else ""
        for i in ("g1", "g2"):
            row[i] = AGREE[rng.integers(5)]
        rows.append(row)
    rows[0].update(w1="", w2="", w3="", g1="")  # employed, shown everything, left 4 of 5 blank
    rows[1].update(g1="", g2="")  # not employed: blank on both items shown
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_employees_only_battery_keeps_the_non_employees(tmp_path):
    path = _employee_export(tmp_path / "staff.csv", np.random.default_rng(1))
    survey = import_responses(path, parse_questionnaire(EMPLOYEE_Q))
    # Only the two who left most of what they were shown blank are excluded.
    assert set(survey.exclusions["respondent_id"]) == {"r0", "r1"}
    assert _reasons(survey) == {"too_many_missing": 2}
    detail = survey.exclusions.set_index("respondent_id")["detail"]
    assert detail["r0"].startswith("80% of the 5 attitude and needs items shown")
    assert detail["r1"].startswith("100% of the 2 attitude and needs items shown")
    # The same questionnaire without its show_if loses all the non-employees.
    flat = import_responses(path, parse_questionnaire(EMPLOYEE_Q.replace("    show_if:", "#")))
    assert _reasons(flat) == {"too_many_missing": 31}


def test_route_out_lists_those_shown_no_segmentation_item(tmp_path):
    path = _employee_export(tmp_path / "staff.csv", np.random.default_rng(2))
    survey = import_responses(path, parse_questionnaire(EMPLOYEE_Q))
    based, summary = route_out(survey, ["w1", "w2", "w3"])
    out = based.exclusions[based.exclusions["reason"] == NOT_SHOWN]
    assert len(out) == 29  # 30 non-employees, less r1 (too_many_missing)
    why = """(routing: shown when employed is 'Yes' ("Are you employed?"); answered 'No')"""
    assert out["detail"].str.endswith(why).all()
    assert summary.startswith("29 respondents were not shown the segmentation questions")
    assert based.n_kept + based.n_excluded == based.n_read
    assert (based.responses["employed"] == 1).all()
    assert survey.n_kept == 58  # the caller's survey is left alone
    # Segmenting on items everyone saw moves nobody out.
    same, none = route_out(survey, ["g1", "g2"])
    assert none == "" and same.n_kept == survey.n_kept


def test_an_answer_proves_the_question_was_shown():
    q = parse_questionnaire(EMPLOYEE_Q)
    codes = pd.DataFrame({"employed": [2.0, 2.0, np.nan], "w1": [4.0, np.nan, np.nan]})
    shown = shown_items(codes, q, ["w1", "g1"])
    assert shown["w1"].tolist() == [True, False, False]  # answered despite the routing: shown
    assert shown["g1"].all()


def test_qualtrics_minus_99_marks_seen_but_unanswered():
    from research.ingest.routing import export_not_shown

    q = parse_questionnaire(EMPLOYEE_Q.replace("    show_if:", "#"))
    data = pd.DataFrame({"employed": ["1", "2"], "w1": ["4", ""], "w2": ["-99", ""]})
    mapping = pd.DataFrame(
        {"column": ["employed", "w1", "w2"], "item": ["employed", "w1", "w2"], "option": None}
    )
    marks = export_not_shown(data, mapping, "qualtrics")
    assert marks["w1"].tolist() == [False, True] and marks["w2"].tolist() == [False, True]
    assert export_not_shown(data, mapping, "surveymonkey").shape[1] == 0
    codes = pd.DataFrame({"employed": [1.0, 2.0], "w1": [4.0, np.nan], "w2": [np.nan] * 2})
    shown = shown_items(codes, q, ["w1", "w2", "g1"], not_shown=marks)
    assert shown["w2"].tolist() == [True, False]  # -99: seen; blank: not shown
    # Without the marker anywhere, a blank is just missing.
    data["w2"] = ["", ""]
    assert export_not_shown(data, mapping, "qualtrics").shape[1] == 0


# -- .qsf display logic ----------------------------------------------------------------------


def test_qsf_display_logic_becomes_show_if(data_dir):
    q, text, notes = infer_questionnaire(
        data_dir / "qualtrics" / "qualtricstools" / "Sample_Survey.qsf"
    )
    # "Oranges Is Selected" on the fruits question (QID1) shows Q36.
    routed = {i.id: i.show_if for i in q.items if i.show_if is not None}
    q36 = [i for i in routed if i.startswith("Q36")]
    assert q36 and all((routed[i].item, routed[i].equals) == ("fruits", "Oranges") for i in q36)
    assert any(routed[i].equals == "Blueberries" for i in routed if i.startswith("Q41"))
    # "Is Displayed" (carry-forward) and matrix-answer logic cannot be translated: named.
    for qid in ("QID37", "QID39", "QID43"):
        assert any(n.startswith(f"{qid} ") and "display logic not carried over" in n for n in notes)
    assert not any(i.startswith(("Q37", "Q39", "Q43")) for i in routed)
    assert "show_if:\n      item: fruits\n      equals: Oranges" in text


def test_qsf_not_selected_and_unknown_choice(tmp_path):
    import json

    def question(qid, tag, logic=None):
        p = {
            "QuestionID": qid,
            "DataExportTag": tag,
            "QuestionType": "MC",
            "Selector": "SAVR",
            "QuestionText": f"Question {tag}",
            "Choices": {"1": {"Display": "Yes"}, "2": {"Display": "No"}, "3": {"Display": "Maybe"}},
        }
        if logic:
            p["DisplayLogic"] = {"0": {"0": logic, "Type": "If"}, "Type": "BooleanExpression"}
        return {"Element": "SQ", "Payload": p}

    def expr(op, choice, qid="QID1"):
        loc = f"q://{qid}/SelectableChoice/{choice}"
        return {"LogicType": "Question", "Operator": op, "LeftOperand": loc, "Type": "Expression"}

    elements = [
        question("QID1", "screen"),
        question("QID2", "a", expr("NotSelected", 2)),
        question("QID3", "b", expr("Selected", 9)),
        question("QID4", "c", expr("Selected", 1, qid="QID9")),
    ]
    elements[1]["Payload"]["SkipLogic"] = [{"SkipToDestination": "EndOfSurvey"}]
    flow = {"Type": "Root", "Flow": [{"Type": "Branch", "Flow": [{"Type": "Block"}]}]}
    elements.append({"Element": "FL", "Payload": flow})
    path = tmp_path / "s.qsf"
    path.write_text(json.dumps({"SurveyEntry": {}, "SurveyElements": elements}), "utf-8")
    q, _, notes = infer_questionnaire(path)
    assert q.item("a").show_if.any_of == ["Yes", "Maybe"]
    assert q.item("b").show_if is None and q.item("c").show_if is None
    assert sum("display logic not carried over" in n for n in notes) == 2
    assert any(n.startswith("QID2 (a): skip logic not carried over") for n in notes)
    assert any(n.startswith("the survey flow has branches") for n in notes)


# -- no spurious routing on random missingness -----------------------------------------------


def test_random_missingness_in_a_battery_infers_no_routing(tmp_path):
    rng = np.random.default_rng(7)
    n = 800
    frame = pd.DataFrame(
        {
            "gender": rng.choice(["Female", "Male"], n),
            "education": rng.choice(["School", "College", "Degree", "Doctorate"], n),
        }
    )
    for k in range(1, 26):  # a bfi-like battery, 5% of answers missing at random
        answers = rng.choice(AGREE, n).astype(object)
        answers[rng.random(n) < 0.05] = ""
        frame[f"item{k}"] = answers
    frame.loc[rng.random(n) < 0.02, [f"item{k}" for k in range(1, 26)]] = ""  # breakoffs
    frame.to_csv(tmp_path / "battery.csv", index=False)
    q, text, notes = infer_questionnaire(tmp_path / "battery.csv")
    assert not [i.id for i in q.items if i.show_if is not None]
    assert "show_if" not in text and not any("routing" in n for n in notes)
    # Positive control: route the last five items away from 'Doctorate' and it is found.
    doc = frame["education"] == "Doctorate"
    frame.loc[doc, [f"item{k}" for k in range(21, 26)]] = ""
    frame.to_csv(tmp_path / "routed.csv", index=False)
    q, _, _ = infer_questionnaire(tmp_path / "routed.csv")
    routed = [i for i in q.items if i.show_if is not None]
    assert [i.id for i in routed] == [f"item{k}" for k in range(21, 26)]
    assert set(routed[0].show_if.any_of) == {"School", "College", "Degree"}
    # A question asked after the battery cannot have routed it.
    later = frame[[c for c in frame.columns if c != "education"] + ["education"]]
    later.to_csv(tmp_path / "later.csv", index=False)
    q, _, _ = infer_questionnaire(tmp_path / "later.csv")
    assert not [i.id for i in q.items if i.show_if is not None]


def test_real_bfi_infers_no_routing(data_dir):
    q, text, _ = infer_questionnaire(data_dir / "bfi" / "bfi.csv")
    assert not [i.id for i in q.items if i.show_if is not None]
    assert "show_if" not in text


def _qualtrics_numeric(path, rows):
    """A Qualtrics 3-row numeric export (legacy fields trimmed to what the reader needs)."""
    names = ["ResponseId", "Status", "Progress", "Duration (in seconds)", "Finished", "Q1"]
    names += ["Q2_1", "Q2_2", "Q2_3", "Q3_1", "Q3_2"]
    texts = ["Response ID", "Response Type", "Progress", "Duration", "Finished", "Employed?"]
    texts += [f"Work - {k}" for k in (1, 2, 3)] + [f"Life - {k}" for k in (1, 2)]
    ids = ["_recordId", "status", "progress", "duration", "finished", "QID1"]
    ids += [f"QID2_{k}" for k in (1, 2, 3)] + [f"QID3_{k}" for k in (1, 2)]
    lines = [",".join(names), ",".join(texts)]
    lines.append(",".join(f'"{{""ImportId"":""{i}""}}"' for i in ids))
    for k, answers in enumerate(rows):
        lines.append(",".join([f"R_{k:04d}", "0", "100", "300", "1", *answers]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


NUMERIC_Q = """
id: numeric
title: Numeric
blocks:
  - id: b
    items:
      - {id: Q1, type: single, text: "Employed?", choices: ["Yes", "No"]}
      - {id: Q2_1, type: likert, text: Work 1}
      - {id: Q2_2, type: likert, text: Work 2}
      - {id: Q2_3, type: likert, text: Work 3}
      - {id: Q3_1, type: likert, text: Life 1}
      - {id: Q3_2, type: likert, text: Life 2}
"""


def test_qualtrics_export_with_minus_99_keeps_the_unshown(tmp_path):
    rows = [["1", "4", "5", "3", "2", "4"]] * 12  # employees: all answered
    rows += [["2", "", "", "", "4", "3"]] * 12  # the work questions not shown: blank
    rows += [["1", "-99", "-99", "4", "-99", "3"]]  # shown, 3 of 5 seen but unanswered
    q = parse_questionnaire(NUMERIC_Q)
    survey = import_responses(_qualtrics_numeric(tmp_path / "n.csv", rows), q)
    assert survey.format == "qualtrics"
    assert _reasons(survey) == {"too_many_missing": 1}
    assert survey.exclusions["respondent_id"].tolist() == ["R_0024"]
    assert any("seen but unanswered (-99)" in n for n in survey.notes)
    based, summary = route_out(survey, ["Q2_1", "Q2_2", "Q2_3"])
    assert _reasons(based) == {"too_many_missing": 1, NOT_SHOWN: 12}
    assert summary.startswith("12 respondents were not shown the segmentation questions (the")
    # Without any -99 in the export a blank is just missing: the non-employees are lost.
    rows[-1] = ["1", "", "", "4", "", "3"]
    flat = import_responses(_qualtrics_numeric(tmp_path / "f.csv", rows), q)
    assert _reasons(flat) == {"too_many_missing": 13}


def test_screened_out_respondents_are_not_asked_the_rest(tmp_path):
    q = parse_questionnaire(
        "id: s\ntitle: S\nblocks:\n  - id: b\n    items:\n"
        '      - {id: buyer, type: single, text: "Do you buy coffee?", choices: ["Yes", "No"],'
        ' screen_out: {equals: "No", message: Thank you}}\n'
        + "".join(f"      - {{id: c{k}, type: likert, text: Coffee {k}}}\n" for k in range(4))
    )
    rows = [["Yes", *AGREE[:4]]] * 10 + [["No", "", "", "", ""]] * 6
    frame = pd.DataFrame(rows, columns=["buyer", "c0", "c1", "c2", "c3"])
    frame.insert(0, "respondent_id", [f"r{k}" for k in range(len(rows))])
    frame.to_csv(tmp_path / "s.csv", index=False)
    survey = import_responses(tmp_path / "s.csv", q)
    assert survey.n_excluded == 0  # not too_many_missing: the survey ended for them
    based, summary = route_out(survey, ["c0", "c1", "c2", "c3"])
    out = based.exclusions
    assert (out["reason"] == NOT_SHOWN).sum() == 6
    assert out["detail"].str.contains("screened out at buyer: answered 'No'").all()
    assert summary.startswith("6 respondents were not shown")
