"""Acceptance on real exports: no crash, right format, every answer column mapped or reported,
kept + excluded = rows read."""

from __future__ import annotations

import pandas as pd
import pytest

from research.errors import InputFileError
from research.ingest import (
    QualityRules,
    detect_format,
    import_responses,
    infer_questionnaire,
    read_qualtrics,
    read_spss,
    read_surveymonkey,
)
from research.ingest.paradata import paradata, respondent_ids

QT = "qualtrics/qualtricstools"
REAL = [
    ("qualtrics/sample.csv", "qualtrics", "3-row", 1),
    ("qualtrics/sample_legacy.csv", "qualtrics", "legacy", 1),
    (f"{QT}/Multiple_Answer_MC_Questions.csv", "qualtrics", "legacy", 5),
    (f"{QT}/Multiple_Answer_MC_Questions_Insights.csv", "qualtrics", "insights", 5),
    (f"{QT}/Sample_Survey.csv", "qualtrics", "legacy", 5),
    (f"{QT}/Sample_Survey_Insights.csv", "qualtrics", "insights", 5),
    (f"{QT}/Single_Answer_Matrix_Questions.csv", "qualtrics", "legacy", 5),
    (f"{QT}/Single_Answer_Matrix_Questions_Insights.csv", "qualtrics", "insights", 5),
    ("surveymonkey/StarWars.csv", "surveymonkey", "2-row", 1186),
    ("surveymonkey/steak-risk-survey.csv", "surveymonkey", "2-row", 550),
    ("spss/sample.sav", "spss", "sav", 5),
    ("spss/sample_missing.sav", "spss", "sav", 7),
    ("spss/simple_alltypes.sav", "spss", "sav", 6),
    ("spss/missing_test.sav", "spss", "sav", 2),
]
_REPORTED = {"metadata", "personal", "empty", "unmapped", "ambiguous", "duplicate", "ignored"}


def _check(survey, n_rows):
    assert survey.n_read == n_rows
    assert survey.n_kept + survey.n_excluded == survey.n_read
    assert survey.responses.index.is_unique
    how = survey.mapping["how"]
    # Every column is accounted for: mapped to an item, or reported with a reason.
    assert (survey.mapping["item"].notna() | how.isin(_REPORTED)).all()
    assert set(survey.mapping["column"]) >= set(survey.personal_columns)


@pytest.mark.parametrize(("rel", "fmt", "layout", "n"), REAL, ids=[r[0] for r in REAL])
def test_real_export_imports_without_a_questionnaire(data_dir, rel, fmt, layout, n):
    found = detect_format(data_dir / rel)
    assert (found.format, found.layout) == (fmt, layout)
    survey = import_responses(data_dir / rel)
    assert survey.format == fmt
    _check(survey, n)
    # Without a questionnaire every answer column is drafted as an item.
    assert not survey.mapping["how"].isin(["unmapped", "ambiguous"]).any()


def test_starwars_is_read_as_cp1252_with_multi_select_spread(data_dir):
    path = data_dir / "surveymonkey/StarWars.csv"
    assert detect_format(path).encoding == "cp1252"
    # The character grid is asked only of those who saw a film: keep everyone here (routing).
    survey = import_responses(path, rules=QualityRules(max_missing_share=1.0))
    assert survey.encoding == "cp1252"
    q = survey.questionnaire
    seen = next(i for i in q.items if i.type == "multi")
    assert [c.label for c in q.options(seen)][0] == "Star Wars: Episode I  The Phantom Menace"
    raw, _ = read_surveymonkey(path)
    films = [c for c in raw.columns if c.startswith("Which of the following Star Wars films")]
    assert len(films) == 6
    # A film ticked in the export is a 1 in its option column, blank answers are all missing.
    ticked = (raw[films[0]].str.strip() != "").to_numpy()
    answered = (raw[films].apply(lambda s: s.str.strip() != "")).any(axis=1).to_numpy()
    col = survey.responses[f"{seen.id}_1"].to_numpy()
    assert (col[ticked] == 1).all() and (col[answered & ~ticked] == 0).all()
    assert pd.isna(col[~answered]).all()
    # The "Expanded Universe?Œæ" header keeps its cp1252 characters.
    assert any("Expanded Universe?Œæ" in i.text for i in q.items)


def test_spss_labels_and_user_missing(data_dir):
    data, meta = read_spss(data_dir / "spss/sample_missing.sav")
    assert meta.value_labels["mylabl"] == {-1: "undetermined", 1: "Male", 2: "Female"}
    assert meta.missing_codes["mylabl"] == [-1.0]
    assert data["mylabl"].isna().sum() == 2  # -1 (declared missing) and a system-missing row
    survey = import_responses(data_dir / "spss/sample_missing.sav")
    item = survey.questionnaire.item("myord")
    assert [c.label for c in survey.questionnaire.options(item)] == ["low", "medium", "high"]
    assert survey.responses["myord"].tolist()[:4] == [1.0, 2.0, 3.0, 1.0]


def test_spss_sample_decodes_as_published(data_dir):
    data, meta = read_spss(data_dir / "spss/sample.sav")
    expected = pd.read_csv(data_dir / "spss/sample.csv", encoding="utf-8-sig")
    assert data["mychar"].tolist() == expected["mychar"].tolist()
    pd.testing.assert_series_equal(data["mynum"], expected["mynum"], check_names=False)
    assert meta.columns.set_index("column").loc["mylabl", "question_text"] == "labeled"


def test_qualtrics_spss_fragment_decodes_finished_through_labels(data_dir):
    assert detect_format(data_dir / "spss/test_width.sav").format == "spss"
    data, meta = read_spss(data_dir / "spss/test_width.sav")
    ids, col = respondent_ids(data, meta)
    para = paradata(data, meta, ids)
    assert col == "ResponseId" and ids.iloc[0] == "R_0001xAxQxIo2PVH"
    assert para["finished"].tolist() == [True] * 5  # coded 2 = "True"
    assert para["duration"].iloc[0] == 944
    # Nothing but metadata: drafting a questionnaire from it says so.
    with pytest.raises(InputFileError, match="no column of the export holds answers"):
        import_responses(data_dir / "spss/test_width.sav")


@pytest.mark.parametrize("stem", ["Single_Answer_Matrix_Questions", "Sample_Survey"])
def test_qsf_questionnaire_maps_both_layouts(data_dir, stem):
    q, text, notes = infer_questionnaire(data_dir / QT / f"{stem}.qsf")
    assert text.startswith("# Drafted by")
    for suffix in ("", "_Insights"):
        survey = import_responses(data_dir / QT / f"{stem}{suffix}.csv", q, lenient=True)
        _check(survey, 5)
        assert survey.n_set_missing == 0
        report = survey.mapping_report()
        # Insights exports map every drafted item (by name, ImportId or export tag); legacy
        # exports lose only the side-by-side parts whose statements carry export tags, which
        # the legacy exporter writes as "tag: answer tag" columns.
        missing = report["items_without_column"]
        if suffix:
            assert missing == []
        else:
            assert all(i.startswith(("Q40_", "Q49_")) for i in missing)
        # What is left unmapped is the Q50 side-by-side question the draft notes it skipped.
        left = survey.mapping[survey.mapping["how"] == "unmapped"]
        for col, detail in zip(left["column"], left["detail"], strict=True):
            assert "Q50" in col or ": " in col or "Other, please specify" in detail


def test_qsf_draft_skips_trash_and_reads_side_by_side(data_dir):
    q, _, notes = infer_questionnaire(data_dir / QT / "Sample_Survey.qsf")
    ids = {i.id for i in q.items}
    assert not ids & {"Q6", "Q7", "Q8_1", "Q10_1", "Q32"}  # questions in the Trash block
    assert {"Q4_1_1", "Q4_2_3", "Q11_1_2_1_TEXT", "Q11_2_3", "Q49_1_peeling_92"} <= ids
    assert [c.label for c in q.options(q.item("Q4_1_1"))] == ["Unwilling", "Neutral", "Willing"]
    assert [c.code for c in q.options(q.item("Q49_1_peeling_92"))] == [242, 35423, 34]
    assert q.item("Q4_2_1").type == "single"  # the dropdown part
    assert q.item("Q11_2_1").type == "multi"
    assert all("Q50" in n for n in notes if "not drafted" in n)
    survey = import_responses(data_dir / QT / "Sample_Survey_Insights.csv", q)
    m = survey.mapping.set_index("column")
    assert m.loc["Q4#1_2", ["item", "how"]].tolist() == ["Q4_1_2", "name"]
    assert m.loc["Q11#2_3_4", ["item", "option"]].tolist() == ["Q11_2_3", 4]
    assert m.loc["Q44_Q44_1_1", ["item", "option", "how"]].tolist() == ["Q44_1", 1, "name"]


def test_legacy_duplicate_export_tags_map_by_text(data_dir):
    q, _, _ = infer_questionnaire(data_dir / QT / "Single_Answer_Matrix_Questions.qsf")
    data, meta = read_qualtrics(data_dir / QT / "Single_Answer_Matrix_Questions.csv")
    assert list(meta.columns["name"]).count("question_one") == 3
    assert {"question_one", "question_one.1", "question_one.2"} <= set(data.columns)
    survey = import_responses(data_dir / QT / "Single_Answer_Matrix_Questions.csv", q)
    m = survey.mapping.set_index("column")
    assert m.loc["question_one", "item"] == "question_one"
    assert m.loc["question_one.1", "item"] == "Q5_question_one"
    assert m.loc["question_one.2", "item"] == "matrix_question_five_question_one"
    assert survey.mapping_report()["items_without_column"] == []
    # Recode values 10..13 are the platform's codes and are kept.
    assert set(survey.responses["Q5_question_one"].dropna()) <= {10, 11, 12, 13}


def test_qualtrics_test_responses_are_excluded_by_status(data_dir):
    """QualtricsTools' samples are "Generate test responses" output (Status 2 = Survey Test);
    the qualtRics samples are real responses (Status 0)."""
    survey = import_responses(data_dir / QT / "Sample_Survey.csv")
    assert survey.quality_summary().set_index("reason")["respondents"].to_dict() == {
        "read": 5,
        "test_response": 5,
        "kept": 0,
    }
    assert survey.exclusions["detail"].iloc[0] == "Qualtrics status Survey Test"
    assert import_responses(data_dir / "qualtrics/sample.csv").n_kept == 1
