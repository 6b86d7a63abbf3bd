"""Segmenting on single-choice (behavioural) items with LCA, without a rating battery.

A real SurveyMonkey export (FiveThirtyEight's steak-risk survey: yes/no risk behaviours and
demographics, no rating scale) goes from ``questionnaire infer`` to a persona report with no
hand edits; planted latent classes of yes/no answers are recovered and named for what they
are high on; a text item named as a segmentation item is a one-line error.
"""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score
from typer.testing import CliRunner

from research.cli import app
from research.errors import StudyConfigError
from research.ingest import infer_questionnaire
from research.personas.naming import HIGH, NAME_SHARE, answer_phrase, name_by_answers
from research.questionnaire import parse_questionnaire
from research.reports.bundle import read_bundle
from research.reports.pdf import page_count, page_titles
from research.study import NO_FACTORS, run_study

runner = CliRunner()
BEHAVIOURS = ["q2", "q3", "q4", "q5", "q6", "q7"]


def _named_for(persona) -> pd.Series | None:
    """The answer a persona's name states (its lead phrase), or None for a fallback name."""
    lead = persona.name.split(",")[0].split(" (")[0]
    rows = persona.answers[persona.answers["phrase"] == lead]
    return rows.iloc[0] if len(rows) else None


# -- the steak export, through the Python API ------------------------------------------------


@pytest.fixture(scope="module")
def steak(data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("steak")
    export = data_dir / "surveymonkey" / "steak-risk-survey.csv"
    _, text, _ = infer_questionnaire(export)
    (folder / "steak.yaml").write_text(text, encoding="utf-8")
    study = {
        "title": "steak",
        "questionnaire": "steak.yaml",
        "export": str(export),
        "segments": {"items": BEHAVIOURS},
    }
    (folder / "steak.study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    result = run_study(folder / "steak.study.yaml", folder / "out", created="2026-03-25T09:00:00")
    return folder, export, result


def test_steak_runs_without_factors_and_says_so(steak):
    _, _, result = steak
    assert result.factors is None
    assert NO_FACTORS in result.content.warnings
    assert (
        NO_FACTORS == "No rating battery: no factor analysis; segments are profiled on their items."
    )
    facts = dict(result.content.summary[["field", "value"]].to_numpy().tolist())
    assert facts["Factors"].startswith("none (no rating battery")
    assert facts["Segmentation"].startswith("lca on 6 single-choice items")
    assert result.content.factor_means.shape[1] == 0 and result.content.factor_summary is None
    # The model is a latent class model of the six yes/no answers themselves.
    model = result.segments.model
    assert type(model).__name__ == "LatentClassModel"
    assert sorted(model.categories_) == BEHAVIOURS


def test_steak_every_respondent_is_segmented_or_excluded_with_a_reason(steak):
    folder, export, result = steak
    survey = result.survey
    assert survey.n_kept + survey.n_excluded == survey.n_read == 550
    segments = pd.read_csv(folder / "out" / "segments.csv")
    assert len(segments) == survey.n_kept == len(result.segments.assignments)
    assert segments["segment"].notna().all()
    # The respondents who stopped after the lottery question answered none of q2..q7: they are
    # too_many_missing (the missing-answer rule, applied to the segmentation items).
    raw = pd.read_csv(export, skiprows=[1])
    behaviour = raw.columns[2:8]
    stopped = set(raw.loc[raw[behaviour].isna().all(axis=1), "RespondentID"].astype(str))
    assert len(stopped) == 9
    excluded = survey.exclusions
    assert set(excluded["respondent_id"].astype(str)) == stopped
    assert (excluded["reason"] == "too_many_missing").all()
    assert (excluded["detail"] == "100% of the 6 segmentation items shown missing").all()
    written = pd.read_csv(folder / "out" / "exclusions.csv")
    assert len(written) == 9 and (written["reason"] == "too_many_missing").all()


def test_steak_personas_are_named_for_answers_they_are_high_on(steak):
    _, _, result = steak
    personas = result.personas
    names = [p.name for p in personas]
    assert len(set(names)) == len(names) >= 2
    answers = {"Gamble", "Never gamble", "Drink alcohol", "Smoke cigarettes"}
    assert set(names) & answers  # named from the behaviours, not "Segment 1"
    for p in personas:
        assert p.attitudes.empty
        assert list(p.answers["variable"].unique()) and set(p.answers["variable"]) <= set(
            BEHAVIOURS
        )
        row = _named_for(p)
        if p.name != "Middle Ground":
            assert row is not None, p.name
            assert row["z"] >= HIGH and row["share"] >= NAME_SHARE
            assert p.description.startswith(row["phrase"])
    # Profiles show every answer's share by segment, tested, as for any single-choice item.
    profiles = result.content.profiles
    gamble = profiles[(profiles["variable"] == "q4") & (profiles["category"] == "Yes")]
    assert len(gamble) == len(personas) and gamble["sig"].isin(["higher", "lower"]).all()


def test_steak_reports_are_written_and_read_back(steak):
    folder, _, result = steak
    out = folder / "out"
    wb = openpyxl.load_workbook(out / "personas.xlsx")
    sheets = wb.sheetnames
    for p in result.personas:
        assert any(p.name in s for s in sheets)
    note = wb["Factor loadings"]["A1"].value
    assert note.startswith("No factor analysis was run")
    persona = wb[next(s for s in sheets if result.personas[0].name in s)]
    cells = [c.value for row in persona.iter_rows() for c in row if c.value is not None]
    assert "SEGMENTATION ANSWERS" in cells and "ATTITUDE PROFILE" not in cells
    content = read_bundle(out / "report_content")
    titles = page_titles(content)
    assert "Answers by segment" in titles and "Attitudes by segment" not in titles
    pdf = (out / "personas.pdf").read_bytes()
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == page_count(content)
    assert [p.name for p in content.personas] == [p.name for p in result.personas]
    charts = {f.name for f in (out / "charts").iterdir()}
    assert "answers_heatmap.png" in charts and "attitude_heatmap.png" not in charts
    assert "segment_1_answers.png" in charts and "segment_1_attitudes.png" not in charts


def test_steak_model_scores_the_export_bit_for_bit(steak, tmp_path):
    folder, export, result = steak
    model = json.loads((folder / "out" / "model.json").read_text())
    assert model["basis"] == "items" and model["factor_basis"] is None
    assert model["basis_columns"] == BEHAVIOURS
    got = runner.invoke(
        app,
        [
            "score",
            str(folder / "out" / "model.json"),
            str(export),
            "--out",
            str(tmp_path / "s.csv"),
        ],
    )
    assert got.exit_code == 0, got.output
    scores = pd.read_csv(tmp_path / "s.csv", dtype={"respondent_id": str}).set_index(
        "respondent_id"
    )
    post = result.segments.posteriors
    assert scores["scored"].sum() == len(post) == 541
    mine = scores.loc[post.index.astype(str)]
    for k in post.columns:
        np.testing.assert_array_equal(mine[f"posterior_{k}"].to_numpy(), post[k].to_numpy())
    unscored = scores[~scores["scored"]]
    assert (unscored["reason"] == "no answer to any of the model's items").all()


# -- the same path on the command line ---------------------------------------------------------


def test_steak_on_the_command_line(data_dir, tmp_path):
    export = data_dir / "surveymonkey" / "steak-risk-survey.csv"
    got = runner.invoke(
        app, ["questionnaire", "infer", str(export), "--out", str(tmp_path / "steak.yaml")]
    )
    assert got.exit_code == 0, got.output
    (tmp_path / "steak.study.yaml").write_text(
        f"title: steak\nquestionnaire: steak.yaml\nexport: {export}\n"
        "segments:\n  items: [q2, q3, q4, q5, q6, q7]\n"
    )
    out = tmp_path / "out_steak"
    got = runner.invoke(
        app,
        ["run", str(tmp_path / "steak.study.yaml"), "--out", str(out), "--no-progress"],
    )
    assert got.exit_code == 0, got.output
    assert "Traceback" not in got.output
    lines = got.stdout.splitlines()
    assert "Factors: none (no rating battery)" in lines
    assert lines[0].startswith(
        "Imported 550 respondents: kept 541, excluded 9 (too_many_missing 9)"
    )
    for name in ("personas.xlsx", "personas.pdf", "segments.csv", "exclusions.csv", "model.json"):
        assert (out / name).is_file(), name
    assert len(pd.read_csv(out / "segments.csv")) == 541


# -- planted latent classes of yes/no answers --------------------------------------------------

#: Three planted classes, each answering Yes to its own three behaviours (the first most often).
PLANTED = {
    1: ["Do you ever gamble?", "Do you ever buy lottery tickets?", "Do you ever play poker?"],
    2: [
        "Have you ever been skydiving?",
        "Have you ever been bungee jumping?",
        "Do you ever ride a motorbike?",
    ],
    3: ["Do you ever cook at home?", "Do you ever garden?", "Do you ever knit?"],
}
EXPECTED = {1: "Gamble", 2: "Been skydiving", 3: "Cook at home"}


def _planted_export(folder, n=900, seed=7):
    rng = np.random.default_rng(seed)
    truth = rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.20])
    data = {"respondent_id": [f"p{i:04d}" for i in range(n)]}
    for cls, questions in PLANTED.items():
        for j, question in enumerate(questions):
            p_yes = np.where(truth == cls, 0.95 if j == 0 else 0.85, 0.08)
            data[question] = np.where(rng.random(n) < p_yes, "Yes", "No")
    data["Gender"] = rng.choice(["Female", "Male"], size=n)
    pd.DataFrame(data).to_csv(folder / "planted.csv", index=False)
    pd.DataFrame({"respondent_id": data["respondent_id"], "segment": truth}).to_csv(
        folder / "truth.csv", index=False
    )
    return truth


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted")
    truth = _planted_export(folder)
    q, text, _ = infer_questionnaire(folder / "planted.csv")
    (folder / "q.yaml").write_text(text, encoding="utf-8")
    ids = [i.id for i in q.items if i.text.rstrip("?") != "Gender" and i.type == "single"]
    assert len(ids) == 9
    study = {
        "title": "planted",
        "questionnaire": "q.yaml",
        "export": "planted.csv",
        "truth": "truth.csv",
        "segments": {"items": ids, "k_min": 2, "k_max": 5, "n_init": 5, "n_boot": 0},
        "random_state": 3,
    }
    (folder / "study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    result = run_study(folder / "study.yaml", folder / "out", created="2026-03-25T09:00:00")
    return truth, result


def test_planted_classes_are_recovered(planted):
    truth, result = planted
    assert result.factors is None
    assert result.segments.k == 3
    assert result.recovery >= 0.8
    seg = result.segments.assignments
    ids = [f"p{i:04d}" for i in range(len(truth))]
    assert adjusted_rand_score(pd.Series(truth, index=ids).loc[seg.index], seg) >= 0.8


def test_planted_segments_are_named_for_the_behaviour_they_are_high_on(planted):
    truth, result = planted
    seg = result.segments.assignments
    planted_class = pd.Series(truth, index=[f"p{i:04d}" for i in range(len(truth))]).loc[seg.index]
    names = {p.segment: p.name for p in result.personas}
    for cls, expected in EXPECTED.items():
        # The segment holding most of the planted class is named for its leading behaviour.
        found = int(seg[planted_class == cls].mode().iloc[0])
        assert names[found] == expected, (cls, names)
    for p in result.personas:
        row = _named_for(p)
        assert row is not None and row["z"] >= HIGH and row["share"] >= NAME_SHARE
    # A typing tool on the yes/no answers classifies new people almost as the model does.
    assert result.analysis.typing_tool is not None
    assert result.analysis.typing_tool.cv_accuracy >= 0.9


# -- item types -------------------------------------------------------------------------------

TYPES_Q = """
id: types
title: Types
blocks:
  - id: b
    items:
      - {id: smoke, type: single, text: "Do you ever smoke?", choices: ["No", "Yes"]}
      - {id: drink, type: single, text: "Do you ever drink?", choices: ["No", "Yes"]}
      - {id: comments, type: text, text: "Anything else?"}
      - {id: age, type: numeric, text: "How old are you?"}
      - {id: channels, type: multi, text: "Where do you shop?", choices: [Online, Store]}
"""


def _types_study(tmp_path, items, kind=None):
    (tmp_path / "q.yaml").write_text(TYPES_Q)
    rng = np.random.default_rng(0)
    pd.DataFrame(
        {
            "respondent_id": range(40),
            "smoke": rng.choice(["No", "Yes"], 40),
            "drink": rng.choice(["No", "Yes"], 40),
            "comments": "fine",
            "age": rng.integers(18, 80, 40),
            "channels": rng.choice(["Online", "Store"], 40),
        }
    ).to_csv(tmp_path / "e.csv", index=False)
    segments = {"items": items} | ({"kind": kind} if kind else {})
    study = {"title": "T", "questionnaire": "q.yaml", "export": "e.csv", "segments": segments}
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(study))
    return tmp_path / "study.yaml"


@pytest.mark.parametrize(
    "item, kind", [("comments", "text"), ("age", "numeric"), ("channels", "multi")]
)
def test_segmenting_on_another_item_type_is_one_line_exit_2(tmp_path, item, kind):
    study = _types_study(tmp_path, ["smoke", item])
    got = runner.invoke(app, ["run", str(study), "--out", str(tmp_path / "out"), "--no-progress"])
    assert got.exit_code == 2
    lines = got.stderr.strip().splitlines()
    assert len(lines) == 1, got.stderr
    assert f"segments.items: '{item}' is a {kind} item" in lines[0]
    assert "Traceback" not in got.output
    assert not (tmp_path / "out").exists()


def test_single_choice_items_need_lca_and_unknown_items_are_named(tmp_path):
    with pytest.raises(StudyConfigError, match=r"segments.kind: gmm .* kind: lca"):
        run_study(_types_study(tmp_path, ["smoke", "drink"], kind="gmm"), tmp_path / "out")
    with pytest.raises(StudyConfigError, match="'smok' is not a rating item.*did you mean 'smoke'"):
        run_study(_types_study(tmp_path, ["smok", "drink"]), tmp_path / "out")


# -- naming rules ------------------------------------------------------------------------------


def test_yes_no_questions_become_statements():
    q = parse_questionnaire(TYPES_Q)
    smoke = q.item("smoke")
    assert answer_phrase(smoke, "Yes", ["No", "Yes"]) == "Smoke"
    assert answer_phrase(smoke, "No", ["No", "Yes"]) == "Never smoke"
    plain = smoke.model_copy(update={"text": "Do you own a car?"})
    assert answer_phrase(plain, "No", ["No", "Yes"]) == "Don't own a car"
    item = smoke.model_copy(update={"text": "Have you ever been <b>skydiving</b>?"})
    assert answer_phrase(item, "No", ["No", "Yes"]) == "Never been skydiving"
    # Any other question: its words and the answer.
    other = smoke.model_copy(update={"text": "Household Income"})
    assert answer_phrase(other, "$150,000+", ["$0 - $24,999", "$150,000+"]) == (
        "Household Income: $150,000+"
    )
    assert answer_phrase(other, "Yes", ["No", "Yes"]) == "Household Income: Yes"


def _traits(rows):
    return pd.DataFrame(rows, columns=["segment", "kind", "phrase", "value", "total", "z"])


def test_answer_names_only_for_what_a_segment_is_high_on():
    traits = _traits(
        [
            (1, "answer", "Gamble", 0.9, 0.4, 1.0),
            (1, "answer", "Drink alcohol", 0.95, 0.7, 0.5),
            (2, "answer", "Gamble", 0.9, 0.4, 1.0),  # the same profile: a distinct name
            (2, "answer", "Drink alcohol", 0.95, 0.7, 0.5),
            # Well above the sample, but a quarter of the segment: not a name.
            (3, "answer", "Been skydiving", 0.25, 0.05, 0.9),
            (3, "answer", "Never been skydiving", 0.75, 0.95, -0.9),
            (4, "rating", "Enjoy risk", 2.0, 3.0, -0.8),
            (5, "answer", "Gamble", 0.42, 0.4, 0.04),
        ]
    )
    names = name_by_answers(traits)
    assert names == {
        1: "Gamble",
        2: "Gamble, drink alcohol",
        3: "Middle Ground",
        4: "Low on enjoy risk",
        5: "Segment 5",  # "Middle Ground" is taken
    }
    assert name_by_answers(traits, {5: "Steady"})[5] == "Steady"


# -- a mixed list: rating and single-choice items, in a study with a rating battery -----------


def test_mixed_rating_and_single_choice_items(tmp_path):
    import shutil

    from research.datasets.bundled import DEMO_DIR

    folder = tmp_path / "study"
    shutil.copytree(DEMO_DIR, folder)
    cfg = yaml.safe_load((folder / "study.yaml").read_text())
    items = ["sus_1", "sus_2", "sus_3", "pri_1", "pri_2", "pri_3", "purchase_freq", "device"]
    cfg["segments"].update(items=items, k_min=2, k_max=4, n_init=2, n_boot=0)
    cfg.pop("interviews")
    (folder / "study.yaml").write_text(yaml.safe_dump(cfg))
    result = run_study(folder / "study.yaml", tmp_path / "out", created="2026-03-25T09:00:00")
    # The study has a rating battery: its factor analysis runs as before, and says nothing.
    assert result.factors is not None and result.factors.loadings.shape[1] >= 5
    assert NO_FACTORS not in result.content.warnings
    facts = dict(result.content.summary[["field", "value"]].to_numpy().tolist())
    assert facts["Segmentation"].startswith("lca on 6 rating and 2 single-choice items")
    assert sorted(result.segments.model.categories_) == sorted(items)
    # Named from the segmentation items (answers and ratings), each for a trait it is high on.
    for p in result.personas:
        assert set(p.answers["variable"]) == {"purchase_freq", "device"}
        assert len(p.attitudes)  # the factor profile is still shown
        if p.name != "Middle Ground":
            assert p.description.startswith(p.name.split(",")[0].split(" (")[0]) or (
                p.description.startswith("High on " + p.name.split(",")[0].split(" (")[0])
            )
