"""The whole pipeline on the bundled study, through the Python API."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from research.errors import StudyConfigError
from research.study import load_study, run_study

SHEETS = ["Summary", "Segment sizes", "Profile table", "Factor loadings", "Model selection"]


def test_demo_recovers_the_planted_segments(demo_run):
    assert demo_run.segments.k == 5
    assert demo_run.recovery >= 0.7


def test_demo_finds_the_planted_dimensions(demo_run):
    labels = set(demo_run.factors.labels.values())
    assert labels == {c.label for c in demo_run.questionnaire.constructs}


def test_workbook_has_the_sheets_and_one_persona_per_segment(demo_run):
    wb = openpyxl.load_workbook(demo_run.files["workbook"])
    assert wb.sheetnames[: len(SHEETS)] == SHEETS
    for sheet in ("Quotes", "Data quality", "Respondents"):
        assert sheet in wb.sheetnames
    persona_sheets = [f"{p.segment} {p.name}"[:31] for p in demo_run.personas]
    assert [s for s in wb.sheetnames if s in persona_sheets] == persona_sheets
    assert len(demo_run.personas) == demo_run.segments.k
    respondents = list(wb["Respondents"].iter_rows(min_row=2, values_only=True))
    assert len(respondents) == demo_run.survey.n_kept


def test_pdf_has_a_page_per_persona(demo_run):
    reader = PdfReader(demo_run.files["pdf"])
    pages = [page.extract_text() for page in reader.pages]
    for p in demo_run.personas:
        assert any(p.name in text for text in pages), p.name
    assert len(pages) >= len(demo_run.personas) + 3


def test_no_personal_data_in_reports(demo_run):
    wb = openpyxl.load_workbook(demo_run.files["workbook"])
    text = " ".join(
        str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None
    )
    for marker in ("192.0.2.", "198.51.100.", "203.0.113.", "@example", "07700"):
        assert marker not in text


def test_same_inputs_same_numbers(demo_run, tmp_path):
    again = run_study(demo_run.study, tmp_path, created="2026-03-25T09:00:00")
    assert again.segments.assignments.equals(demo_run.segments.assignments)
    assert again.files["workbook"].read_bytes() == demo_run.files["workbook"].read_bytes()
    assert again.files["pdf"].read_bytes() == demo_run.files["pdf"].read_bytes()


def test_study_file_errors_name_the_line(tmp_path):
    bad = tmp_path / "study.yaml"
    bad.write_text(
        "title: x\nquestionnaire: q.yaml\nexport: e.csv\nfactors:\n  rotation: obliman\n"
    )
    with pytest.raises(
        StudyConfigError, match=r"study.yaml:5: factors.rotation.*did you mean 'oblimin'"
    ):
        load_study(bad)
    missing = tmp_path / "s2.yaml"
    missing.write_text("title: x\nquestionnaire: q.yaml\nexport: e.csv\n")
    with pytest.raises(StudyConfigError, match="questionnaire file 'q.yaml' does not exist"):
        load_study(missing)


@pytest.mark.slow
def test_workbook_typing_tool_formulas_agree_with_predict(demo_run):
    """Every demo respondent typed into the delivered workbook lands in predict's segment."""
    from typing_sheet import evaluate_typing_sheet

    from research.personas.profiles import display_codes

    tool = demo_run.analysis.typing_tool
    survey = demo_run.survey
    q = survey.questionnaire
    answers = pd.DataFrame({i: display_codes(survey, q.item(i)) for i in tool.questions})
    expected = tool.predict(answers)
    got, names, _ = evaluate_typing_sheet(demo_run.files["workbook"], tool, answers)
    assert got.tolist() == expected.tolist()
    by_segment = {p.segment: p.name for p in demo_run.personas}
    assert names.tolist() == expected.map(by_segment).tolist()
    # The tool reproduces most model assignments from raw answers, reverse-keyed ones included.
    agree = (expected == demo_run.segments.assignments.reindex(expected.index)).mean()
    assert agree == pytest.approx(tool.cv_accuracy, abs=0.05)


def test_scorecard_has_verdicts_per_segment_and_overall(demo_run):
    card = demo_run.content.scorecard
    k = demo_run.segments.k
    assert card["segment"].notna().sum() == 7 * k
    assert card["segment"].isna().sum() == 7
    assert set(card["status"]) <= {"pass", "caution", "fail", "info"}
    written = pd.read_csv(demo_run.files["scorecard"])
    assert list(written["criterion"]) == list(demo_run.analysis.scorecard["criterion"])
    for persona in demo_run.personas:
        assert len(persona.scorecard) == 7


def _demo_study_with(tmp_path, **segments):
    """The bundled study, copied, with its segments section changed."""
    import shutil

    import yaml

    from research.datasets.bundled import DEMO_DIR

    folder = tmp_path / "study"
    shutil.copytree(DEMO_DIR, folder)
    cfg = yaml.safe_load((folder / "study.yaml").read_text())
    cfg["segments"].update(segments)
    cfg.pop("interviews")  # not needed here, and the quickest run
    (folder / "study.yaml").write_text(yaml.safe_dump(cfg))
    return folder / "study.yaml"


@pytest.mark.slow
def test_latent_classes_of_the_answers_from_the_study_file(tmp_path):
    path = _demo_study_with(
        tmp_path, kind="lca", ordinal=True, k_min=5, k_max=6, n_init=3, n_boot=2
    )
    result = run_study(path, tmp_path / "out", created="2026-03-25T09:00:00")
    model = result.segments.model
    assert type(model).__name__ == "LatentClassModel" and model.ordinal
    # The answers themselves were segmented: every rating item, not the factor scores.
    assert list(model.item_probabilities_.index.get_level_values("item").unique()) == (
        result.survey.scale_items()
    )
    assert result.recovery > 0.7
    summary = result.content.summary
    facts = dict(zip(summary["field"], summary["value"], strict=True))
    n_items = len(result.survey.scale_items())
    assert facts["Segmentation"] == f"lca on {n_items} rating items, K = 5..6"


def test_segment_basis_errors_name_the_item(tmp_path):
    path = _demo_study_with(tmp_path, basis="items", items=["sus_1", "sus_9"])
    with pytest.raises(StudyConfigError, match="'sus_9' is not a rating item.*did you mean"):
        run_study(path, tmp_path / "out")
    # Naming the items to segment implies basis: items; factor scores with items is an error.
    path = _demo_study_with(tmp_path / "b", basis="factor_scores", items=["sus_1"])
    with pytest.raises(StudyConfigError, match="segments.items needs segments.basis: items"):
        run_study(path, tmp_path / "out")
    path = _demo_study_with(tmp_path / "c", thresholds={"stabel": {"pass": 0.9}})
    with pytest.raises(StudyConfigError, match=r"study.yaml:\d+: .*did you mean 'stable'"):
        load_study(path)


def test_weighted_study_weights_the_scorecard_and_sizes(tmp_path):
    path = _demo_study_with(tmp_path, n_boot=0, golden_questions=0, k_min=5, k_max=5)
    cfg = path.read_text() + (
        "weights:\n  targets:\n    age: {18-24: 0.12, 25-34: 0.18, 35-44: 0.18, 45-54: 0.18, "
        "55-64: 0.16, 65 or over: 0.18}\n"
    )
    path.write_text(cfg)
    result = run_study(path, tmp_path / "out", created="2026-03-25T09:00:00")
    w = result.survey.weights
    assert w.std() > 0.1  # the sample is far from these targets
    card = result.analysis.segment_scorecard.query("criterion == 'substantial'")
    sizes = result.content.segment_sizes.set_index("segment")["share"]
    expected = w.groupby(result.segments.assignments).sum() / w.sum()
    assert card.set_index("segment")["value"].to_dict() == pytest.approx(expected.to_dict())
    assert sizes.to_dict() == pytest.approx(expected.to_dict())
    # No stability check and no typing tool were asked for: those criteria are not assessed.
    overall = result.analysis.scorecard.set_index("criterion")["status"]
    assert overall["stable"] == overall["identifiable"] == "not assessed"
    assert "Typing tool" not in openpyxl.load_workbook(result.files["workbook"]).sheetnames
