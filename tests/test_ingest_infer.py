"""Bring your own data: inference from real exports, missing answers, idempotent re-import.

Real exports (tests/data, see NOTICE.md): FiveThirtyEight's SurveyMonkey ``StarWars.csv``
(question-text headers, a ranking, a favourability grid with "Unfamiliar (N/A)"), the SAPA
``bfi.csv`` personality battery (25 items coded 1-6), pyreadstat's SPSS files and QualtricsTools'
``.qsf`` survey definitions. Each is taken through infer -> import -> run with a study file
that names only paths and the items to segment.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap

import numpy as np
import pandas as pd
import pytest

from research.errors import InputFileError, QuestionnaireError, RecodeError, StudyConfigError
from research.ingest import (
    QualityRules,
    detect_format,
    import_responses,
    infer_questionnaire,
    write_import,
)
from research.ingest.ordinal import excel_date, high_to_low, is_missing_label, order_scale
from research.questionnaire import load_questionnaire, parse_questionnaire
from research.study import run_study

# -- scale words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shuffled", "expected"),
    [
        (
            ["Agree", "Strongly disagree", "Strongly agree", "Disagree", "Neither agree nor disagree"],
            ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"],
        ),
        (["Often", "Never", "Always", "Rarely", "Sometimes"],
         ["Never", "Rarely", "Sometimes", "Often", "Always"]),
        (["Easy", "Very difficult", "Very easy", "Neither easy nor difficult", "Difficult"],
         ["Very difficult", "Difficult", "Neither easy nor difficult", "Easy", "Very easy"]),
        (["Very Accurate", "Moderately Inaccurate", "Very Inaccurate", "Moderately Accurate",
          "Neither Accurate Nor Inaccurate"],
         ["Very Inaccurate", "Moderately Inaccurate", "Neither Accurate Nor Inaccurate",
          "Moderately Accurate", "Very Accurate"]),
        (["Very important", "Not at all important", "Extremely important", "Slightly important",
          "Moderately important"],
         ["Not at all important", "Slightly important", "Moderately important", "Very important",
          "Extremely important"]),
        (["5 - Strongly agree", "3", "1 - Strongly disagree", "2", "4"],
         ["1 - Strongly disagree", "2", "3", "4", "5 - Strongly agree"]),
    ],
)  # fmt: skip
def test_rating_scales_are_ordered_by_their_words_never_alphabetically(shuffled, expected):
    points, missing, _ = order_scale(shuffled)
    assert points == expected and missing == []


@pytest.mark.parametrize(
    ("points", "top_down"),
    [
        (["1 Strongly agree", "2 Agree", "3 Neutral", "4 Disagree", "5 Strongly disagree"], True),
        (["1 = Strongly disagree", "2", "3", "4", "5 = Strongly agree"], False),
        (["1 Extremely well", "2 Quite well", "3 Not too well", "4 Not well at all"], True),
        (["1 Not well at all", "2 Not too well", "3 Quite well", "4 Extremely well"], False),
        (["1", "2", "3", "4", "5"], False),  # no words: no direction to read
        (["1 Never", "2 Strongly agree", "3 Rarely"], False),  # two families: not one scale
    ],
)  # fmt: skip
def test_numbered_scales_that_run_from_the_top_down_are_found(points, top_down):
    assert high_to_low(points) is top_down


def test_labelled_top_down_scale_is_marked_reverse_and_imports_high_as_more(data_dir, tmp_path):
    # poLCA's election data as labelled: "1 Extremely well" ... "4 Not well at all".
    path = data_dir / "polca/election_labels.csv"
    q, text, _ = infer_questionnaire(path)
    traits = [i for i in q.items if i.type == "likert"]
    assert len(traits) == 12 and all(i.reverse for i in traits)
    assert [c.label for c in q.options(traits[0])][0] == "1 Extremely well"
    notes = [line for line in text.splitlines() if "runs from the top down" in line]
    assert len(notes) == 1 and "(+9)" in notes[0]  # one note for the scale, not one per item
    survey = import_responses(path, q)
    raw = pd.read_csv(path)
    raw.index = [f"row_{k}" for k in range(1, len(raw) + 1)]  # ids of an export without one
    kept = survey.responses.index
    codes = survey.responses.loc[kept, "MORALG"]
    words = raw.loc[kept, "MORALG"]
    assert (codes[words == "1 Extremely well"] == 4).all()
    assert (codes[words == "4 Not well at all"] == 1).all()
    # The whole scale was reversed, not single items: wording still names the high end.
    from research.study import _wording

    assert set(_wording(q)) >= {i.id for i in traits}


def test_non_substantive_answers_are_told_apart_from_scale_points():
    points, missing, family = order_scale(
        ["Very favorably", "Unfamiliar (N/A)", "Somewhat unfavorably", "Very unfavorably",
         "Neither favorably nor unfavorably (neutral)", "Somewhat favorably"]
    )  # fmt: skip
    assert family == "favourable" and missing == ["Unfamiliar (N/A)"]
    assert points[0] == "Very unfavorably" and points[-1] == "Very favorably"
    for word in ["Don't know", "Not applicable", "Prefer not to say", "N/A", "Refused"]:
        assert is_missing_label(word), word
    for word in ["Never", "Neither agree nor disagree", "Not at all important", "None"]:
        assert not is_missing_label(word), word
    assert order_scale(["Bachelor degree", "Graduate degree", "High school degree"]) is None
    assert excel_date("5-Jan") and excel_date("Mar-10") and not excel_date("18-24")


# -- missing codes in the schema and the importer ---------------------------------------------


def _q(extra: str = "") -> str:
    return (
        textwrap.dedent(
            """
        id: t
        title: T
        scales:
          agree4:
            labels: [Strongly disagree, Disagree, Agree, Strongly agree]
            missing: ["Don't know", 99]
        blocks:
          - id: b
            items:
              - {id: a1, type: likert, text: One, scale: agree4}
              - {id: s1, type: single, text: Two, choices: [Yes, No], missing: [Prefer not to say]}
        """
        )
        + extra
    )


def test_declared_missing_answers_import_as_missing_not_out_of_scale(tmp_path):
    q = parse_questionnaire(_q())
    export = tmp_path / "e.csv"
    export.write_text(
        "id,a1,s1\n1,Agree,Yes\n2,Don't know,Prefer not to say\n3,99,No\n4,Strongly agree,Yes\n"
    )
    survey = import_responses(export, q, rules=QualityRules(max_missing_share=1.0))
    assert survey.responses["a1"].tolist()[:4] == pytest.approx([3, np.nan, np.nan, 4], nan_ok=True)
    assert np.isnan(survey.responses["s1"].iloc[1])
    assert survey.n_set_missing == 0  # none of them is a problem


def test_a_missing_answer_that_is_also_a_scale_point_is_an_error():
    text = _q().replace('missing: ["Don\'t know", 99]', "missing: [Agree]")
    with pytest.raises(QuestionnaireError, match="missing answer 'Agree' is also one of its"):
        parse_questionnaire(text)


def test_lenient_is_a_study_file_quality_option(tmp_path):
    rules = QualityRules.from_dict({"lenient": True})
    assert rules.lenient
    q = parse_questionnaire(_q())
    export = tmp_path / "e.csv"
    export.write_text("id,a1,s1\n1,Agree,Yes\n2,Maybe,No\n")
    with pytest.raises(RecodeError, match="lenient"):
        import_responses(export, q)
    survey = import_responses(export, q, rules=QualityRules(lenient=True, max_missing_share=1.0))
    assert np.isnan(survey.responses["a1"].iloc[1]) and survey.n_set_missing == 1


# -- real exports: infer -> import -> run -----------------------------------------------------


def _study(tmp_path, q, export, items, extra=""):
    path = tmp_path / "study.yaml"
    path.write_text(
        f"title: Own data\nquestionnaire: {q}\nexport: {export}\n"
        f"segments: {{items: [{', '.join(items)}], kind: lca, k_min: 2, k_max: 3, n_init: 2, "
        f"n_boot: 0, golden_questions: 0}}\n{extra}"
    )
    return path


def test_starwars_surveymonkey_infers_ordered_grid_ranking_and_bases(data_dir, tmp_path):
    q, text, _ = infer_questionnaire(data_dir / "surveymonkey/StarWars.csv")
    by_text = {i.text: i for i in q.items}
    han = by_text["Han Solo"]
    assert han.type == "likert" and han.grid is not None  # the grid stays a grid
    labels = [c.label for c in q.options(han)]
    assert labels[0] == "Very unfavorably" and labels[-1] == "Very favorably"
    assert q.missing_answers(han) == ["Unfamiliar (N/A)"]
    ranking = next(i for i in q.items if i.type == "ranking")
    assert len(q.options(ranking)) == 6
    assert by_text["Gender"].basis == "demographic"
    assert by_text["Location (Census Region)"].basis == "geographic"
    age = [c.label for c in q.options(by_text["Age"])]
    assert age == ["18-29", "30-44", "45-60", "> 60"]
    # infer -> import -> run with a study naming only paths and the items to segment.
    (tmp_path / "q.yaml").write_text(text)
    grid = [i.id for i in q.items if i.grid == han.grid]
    path = _study(tmp_path, "q.yaml", data_dir / "surveymonkey/StarWars.csv", grid)
    result = run_study(path, tmp_path / "out", created="2026-01-01T00:00:00")
    survey = result.survey
    assert survey.n_kept + survey.n_excluded == survey.n_read == 1186
    raw = pd.read_csv(data_dir / "surveymonkey/StarWars.csv", encoding="cp1252", skiprows=[1])
    raw.index = raw.iloc[:, 0].astype(str)
    col = raw.columns[raw.columns.str.startswith("Please state whether")][0]
    kept = survey.responses.index
    fav = raw.loc[kept, col]
    codes = survey.responses.loc[kept, han.id]
    assert (codes[fav == "Very favorably"] == 5).all()
    assert (codes[fav == "Very unfavorably"] == 1).all()
    assert codes[fav == "Unfamiliar (N/A)"].isna().all()
    # Whoever answered most of the grid is kept: none of them is lost to the missing rule;
    # those who saw no film were never shown it (routing, tests/test_routing.py).
    answered = survey.responses[grid].notna().mean(axis=1)
    assert set(survey.exclusions["reason"]) <= {"too_many_missing", "not_shown"}
    assert (answered >= 0.5).sum() == survey.n_kept - (answered < 0.5).sum()
    assert len(result.personas) >= 2


def test_import_without_questionnaire_names_option_columns_by_integer_code(data_dir):
    # The drafted mapping holds option codes beside blanks: a float column would name the
    # ranking's columns q4_1.0 ... q4_6.0.
    survey = import_responses(data_dir / "surveymonkey/StarWars.csv")
    ranking = next(i for i in survey.questionnaire.items if i.type == "ranking")
    multi = next(i for i in survey.questionnaire.items if i.type == "multi")
    cols = list(survey.responses.columns)
    assert [c for c in cols if c.startswith(f"{ranking.id}_")] == [
        f"{ranking.id}_{k}" for k in range(1, 7)
    ]
    assert [c for c in cols if c.startswith(f"{multi.id}_")] == [
        f"{multi.id}_{k}" for k in range(1, 7)
    ]
    assert not [c for c in cols if c.endswith(".0")]


def test_surveymonkey_export_without_id_columns_is_still_surveymonkey(data_dir, tmp_path):
    src = (data_dir / "surveymonkey/StarWars.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(src)))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(r[1:] for r in rows)  # drop RespondentID
    path = tmp_path / "stripped.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    found = detect_format(path)
    assert found.format == "surveymonkey" and "removed" in found.evidence
    survey = import_responses(path, rules=QualityRules(max_missing_share=1.0))
    assert survey.n_read == len(rows) - 2  # the option row is a header, not a respondent
    assert any(i.type == "multi" for i in survey.questionnaire.items)


def test_bfi_battery_is_a_rating_scale_and_runs_end_to_end(data_dir, tmp_path):
    q, text, _ = infer_questionnaire(data_dir / "bfi/bfi.csv")
    a1 = q.item("A1")
    assert a1.type == "likert" and [c.code for c in q.options(a1)] == [1, 2, 3, 4, 5, 6]
    assert q.item("gender").type == "single" and q.item("gender").basis == "demographic"
    assert q.item("age").type == "numeric"
    (tmp_path / "q.yaml").write_text(text)
    items = [f"{t}{k}" for t in "ACENO" for k in range(1, 6)][:10]
    path = _study(tmp_path, "q.yaml", data_dir / "bfi/bfi.csv", items)
    result = run_study(path, tmp_path / "out", created="2026-01-01T00:00:00")
    raw = pd.read_csv(data_dir / "bfi/bfi.csv")
    kept = result.survey.responses
    pos = kept.index.str.removeprefix("row_").astype(int) - 1
    np.testing.assert_array_equal(kept["A1"].to_numpy(), raw["A1"].to_numpy()[pos])


def test_spss_value_labels_coded_1_strongly_agree_are_turned_round(tmp_path):
    from research.ingest.spss import write_spss

    rng = np.random.default_rng(3)
    n = 60
    frame = pd.DataFrame(
        {f"att{k}": rng.integers(1, 6, n).astype(float) for k in range(1, 5)}
        | {"sex": rng.integers(1, 3, n).astype(float)},
        index=pd.Index([f"r{i}" for i in range(n)], name="id"),
    )
    frame.loc["r0", "att1"] = 9.0  # "Don't know"
    labels = {1: "Strongly agree", 2: "Agree", 3: "Neither agree nor disagree", 4: "Disagree",
              5: "Strongly disagree", 9: "Don't know"}  # fmt: skip
    path = write_spss(
        frame,
        tmp_path / "s.sav",
        variable_labels={f"att{k}": f"Statement {k}" for k in range(1, 5)} | {"sex": "Sex"},
        value_labels={f"att{k}": labels for k in range(1, 5)} | {"sex": {1: "Male", 2: "Female"}},
    )
    q, text, notes = infer_questionnaire(path)
    assert any("att1" in n and "higher code means more agree" in n for n in notes)
    att = q.item("att1")
    assert att.type == "likert" and q.options(att)[-1].label == "Strongly agree"
    survey = import_responses(path, q, rules=QualityRules(max_missing_share=1.0))
    got = survey.responses["att2"]
    want = 6 - frame["att2"]  # 1 = Strongly agree in the file: 5 after import
    np.testing.assert_array_equal(got.to_numpy(), want.loc[got.index.astype(str)].to_numpy())
    assert np.isnan(survey.responses.loc["r0", "att1"])  # Don't know is missing


def test_every_qsf_infers_including_one_column_matrices_and_reversed_scales(data_dir, tmp_path):
    src = json.loads(
        (data_dir / "qualtrics/qualtricstools/Single_Answer_Matrix_Questions.qsf").read_text()
    )
    for e in src["SurveyElements"]:
        p = e.get("Payload")
        if e.get("Element") != "SQ" or not isinstance(p, dict):
            continue
        if p["QuestionID"] == "QID2":  # one answer column: "tick the statements that apply"
            p["Answers"], p["AnswerOrder"] = {"1": {"Display": "Applies"}}, [1]
        if p["QuestionID"] == "QID6":
            p["RecodeValues"] = []  # Qualtrics writes an empty map as a list
            words = ["Strongly agree", "Agree", "Disagree", "Strongly disagree", "Don't know"]
            p["Answers"] = {str(k): {"Display": w} for k, w in enumerate(words, 1)}
            p["AnswerOrder"] = [1, 2, 3, 4, 5]
    path = tmp_path / "s.qsf"
    path.write_text(json.dumps(src))
    q, _, notes = infer_questionnaire(path)
    one = [i for i in q.items if i.id.startswith("Q2_")]
    assert one and all(i.type == "single" and len(i.choices) == 1 for i in one)
    q5 = [i for i in q.items if i.scale == "Q5_scale"]
    assert q5 and all(i.reverse for i in q5)
    assert any("Q5" in n and "reverse" in n for n in notes)
    assert "Don't know" in q.missing_answers(q5[0])
    sample, _, _ = infer_questionnaire(data_dir / "qualtrics/qualtricstools/Sample_Survey.qsf")
    assert len(sample.items) > 90


def test_multi_select_joined_with_pipes_and_excel_dates_are_noticed(tmp_path):
    rng = np.random.default_rng(0)
    opts = ["Email", "Phone", "Chat", "Post"]
    cells = ["|".join(sorted(set(rng.choice(opts, rng.integers(1, 4))))) for _ in range(40)]
    export = tmp_path / "web.csv"
    pd.DataFrame(
        {
            "How would you like us to contact you?": cells,
            "How many pets do you have?": (["1-2", "5-Jan", "3-4"] * 14)[:40],
        }
    ).to_csv(export, index=False)
    q, text, notes = infer_questionnaire(export)
    contact = next(i for i in q.items if i.type == "multi")
    assert sorted(c.label for c in contact.choices) == sorted(opts)
    assert any("5-Jan" in n and "Excel" in n for n in notes) and "5-Jan" in text


def test_no_rating_items_names_the_fix(tmp_path):
    export = tmp_path / "e.csv"
    rng = np.random.default_rng(1)
    pd.DataFrame({f"s{k}": rng.integers(1, 6, 50) for k in range(1, 4)}).to_csv(export, index=False)
    q = tmp_path / "q.yaml"
    q.write_text(
        "id: t\ntitle: T\nblocks:\n  - id: b\n    items:\n"
        + "".join(f"      - {{id: s{k}, type: numeric, text: S{k}}}\n" for k in range(1, 4))
    )
    study = tmp_path / "study.yaml"
    study.write_text(f"title: T\nquestionnaire: {q}\nexport: {export}\n")
    with pytest.raises(StudyConfigError, match="set 'type: likert'.* on s1, s2, s3"):
        run_study(study, tmp_path / "out")


# -- idempotent import ------------------------------------------------------------------------


def test_reimporting_responses_csv_never_reverse_keys_twice(tmp_path):
    from research.datasets import demo_paths

    paths = demo_paths()
    q = load_questionnaire(paths["questionnaire"])
    reversed_ = [i.id for i in q.items if i.reverse]
    assert reversed_
    first = import_responses(paths["export"], q)
    files = write_import(first, tmp_path)
    report = json.loads(files["quality"].read_text())
    assert report["reverse_keyed"] == reversed_
    off = QualityRules(
        speeder_fraction=None, straightline_min_items=None, attention_check=False,
        max_missing_share=1.0, duplicate_answers=False, incomplete=False,
    )  # fmt: skip
    again = import_responses(files["responses"], q, rules=off)
    assert any("not reversed again" in n for n in again.notes)
    a = first.responses
    b = again.responses.set_axis(again.responses.index.astype(str))
    pd.testing.assert_frame_equal(
        a.set_axis(a.index.astype(str)), b.loc[a.index.astype(str), a.columns], check_names=False
    )


def _web_survey(path, n=200, seed=0):
    """A web-survey download: question text as headers, a submission time, label answers."""
    rng = np.random.default_rng(seed)
    agree = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
             "Strongly agree", "Don't know"]  # fmt: skip
    d = {
        "Submitted at": [f"2024-01-{1 + i % 28:02d} 10:{i % 60:02d}" for i in range(n)],
        "How old are you?": rng.choice(["18-24", "25-34", "35-44", "55+"], n),
        "What is your gender?": rng.choice(["Female", "Male", "Prefer not to say"], n),
        "Which country do you live in?": rng.choice(["UK", "US", "France"], n),
    }
    for st in ["I like new things", "I compare prices", "I buy brands I know", "I plan ahead"]:
        d[f"How much do you agree? [{st}]"] = rng.choice(
            agree, n, p=[0.1, 0.2, 0.2, 0.25, 0.2, 0.05]
        )
    d["How often do you shop online?"] = rng.choice(["Never", "Rarely", "Often", "Always"], n)
    pd.DataFrame(d).to_csv(path, index=False)
    return path


def test_web_survey_with_question_text_headers_runs_end_to_end(tmp_path):
    export = _web_survey(tmp_path / "web.csv")
    q, text, _ = infer_questionnaire(export)
    assert "Submitted at" not in {i.text for i in q.items}  # a timestamp, not a question
    by_text = {i.text: i for i in q.items}
    gender = by_text["What is your gender?"]
    assert gender.basis == "demographic" and q.missing_answers(gender) == ["Prefer not to say"]
    assert by_text["How old are you?"].basis == "demographic"
    assert by_text["Which country do you live in?"].basis == "geographic"
    often = by_text["How often do you shop online?"]
    # Four of the library's five frequency points: its scale (Sometimes unused), in order.
    assert [c.label for c in q.options(often)] == [
        "Never", "Rarely", "Sometimes", "Often", "Always"
    ]  # fmt: skip
    assert often.basis == "behavioural"
    rating = [i for i in q.items if i.text.startswith("How much do you agree")]
    assert [c.label for c in q.options(rating[0])] == [
        "Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"
    ]  # fmt: skip
    (tmp_path / "q.yaml").write_text(text)
    study = tmp_path / "study.yaml"
    study.write_text(
        f"title: Web\nquestionnaire: q.yaml\nexport: web.csv\n"
        f"segments: {{items: [{', '.join(i.id for i in rating)}], n_boot: 0, k_max: 3}}\n"
    )
    result = run_study(study, tmp_path / "out", created="2026-01-01T00:00:00")
    assert result.survey.n_excluded == 0
    raw = pd.read_csv(export)
    col = "How much do you agree? [I like new things]"
    codes = result.survey.responses[rating[0].id].to_numpy()
    expect = raw[col].map({"Strongly disagree": 1, "Strongly agree": 5, "Agree": 4})
    known = expect.notna().to_numpy()
    np.testing.assert_array_equal(codes[known], expect.to_numpy()[known])
    assert np.isnan(codes[(raw[col] == "Don't know").to_numpy()]).all()


def test_personality_battery_with_zero_for_no_answer_and_coded_demographics(tmp_path):
    """IPIP-style download (openpsychometrics): tab-separated, 1-5 answers, 0 = missed."""
    rng = np.random.default_rng(2)
    n = 300
    cols = {"race": rng.integers(1, 14, n), "age": rng.integers(13, 80, n),
            "engnat": rng.integers(0, 3, n), "gender": rng.integers(0, 4, n),
            "hand": rng.integers(0, 4, n), "country": rng.choice(["US", "GB", "IN", "DE"], n)}  # fmt: skip
    for name in "ENACO":
        for k in range(1, 11):
            x = rng.integers(1, 6, n)
            x[rng.random(n) < 0.005] = 0
            cols[f"{name}{k}"] = x
    path = tmp_path / "data.csv"
    pd.DataFrame(cols).to_csv(path, sep="\t", index=False)
    q, _, notes = infer_questionnaire(path)
    e1 = q.item("E1")
    assert e1.type == "likert" and [c.code for c in q.options(e1)] == [1, 2, 3, 4, 5]
    assert q.missing_answers(e1) == [0] and any("[0] read as missing" in n for n in notes)
    assert len(q.scale_items()) == 50
    for col in ("race", "engnat", "gender", "hand"):
        assert q.item(col).type == "single" and q.item(col).basis == "demographic", col
    assert q.item("country").basis == "geographic" and q.item("age").type == "numeric"


def test_odd_qsf_shapes_infer_or_fail_in_one_line(tmp_path):
    # Hand-edited and older definitions: stray non-dict elements, a block member without a
    # question id, a slider whose limits are not numbers. Well-formed parts still infer.
    import json

    from research.ingest.qsf import qsf_questionnaire

    qsf = {
        "SurveyEntry": "not a dict",
        "SurveyElements": [
            "stray",
            {"Element": "BL", "Payload": [{"Type": "Default", "Description": "B",
             "BlockElements": [{"Type": "Question", "QuestionID": "QID1"}, {"Type": "Question"},
                               "x", {"Type": "Question", "QuestionID": "QID2"}]}]},
            {"Element": "SQ", "PrimaryAttribute": "QID1", "Payload": {
                "QuestionID": "QID1", "QuestionType": "Slider", "Selector": "HSLIDER",
                "DataExportTag": "Q1", "QuestionText": "How likely?",
                "Choices": {"1": {"Display": "Me"}}, "ChoiceOrder": ["1"],
                "Configuration": {"CSSliderMin": "low", "CSSliderMax": 10}}},
            {"Element": "SQ", "Payload": {
                "QuestionID": "QID2", "QuestionType": "MC", "Selector": "SAVR",
                "DataExportTag": "Q2", "QuestionText": "Pick",
                "Choices": {"1": {"Display": "Yes"}, "2": {"Display": "No"}},
                "ChoiceOrder": ["1", "2"]}},
        ],
    }  # fmt: skip
    path = tmp_path / "odd.qsf"
    path.write_text(json.dumps(qsf))
    spec, _ = qsf_questionnaire(path)
    items = {i["id"]: i for b in spec["blocks"] for i in b["items"]}
    assert items["Q1_1"]["type"] == "numeric" and "min" not in items["Q1_1"]
    assert [c["label"] for c in items["Q2"]["choices"]] == ["Yes", "No"]
    path.write_text(json.dumps({"SurveyElements": {"not": "a list"}}))
    with pytest.raises(InputFileError, match="not a Qualtrics survey definition"):
        qsf_questionnaire(path)
