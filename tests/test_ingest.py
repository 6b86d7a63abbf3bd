"""Import of Qualtrics exports: reading, mapping, recoding, quality rules."""

from __future__ import annotations

import pandas as pd
import pytest

from research.errors import InputFileError, MappingError, RecodeError, StudyConfigError
from research.ingest import QualityRules, import_responses, read_qualtrics


def test_reads_real_qualtrics_three_row_export(data_dir):
    data, meta = read_qualtrics(data_dir / "qualtrics" / "sample.csv")
    assert meta.layout == "3-row"
    assert len(data) == 1
    assert data.loc[0, "ResponseId"] == "R_2YPOQ602ER1jkf1"
    ids = dict(zip(meta.columns["column"], meta.columns["import_id"], strict=True))
    assert ids["Q1"] == "QID1"
    assert ids["Q2"] == "QID2_TEXT"


def test_reads_real_legacy_export_with_bom(data_dir):
    data, meta = read_qualtrics(data_dir / "qualtrics" / "sample_legacy.csv")
    assert meta.layout == "legacy"
    assert meta.encoding == "utf-8"
    assert not data.columns[0].startswith("\ufeff")
    assert len(data) >= 1


def test_demo_import_keeps_or_excludes_every_row(thrift_survey):
    s = thrift_survey
    assert s.n_read == 1500
    assert s.n_kept + s.n_excluded == s.n_read
    assert not s.exclusions["respondent_id"].duplicated().any()
    assert set(s.exclusions["respondent_id"]).isdisjoint(s.responses.index)
    summary = s.quality_summary().set_index("reason")["respondents"]
    assert summary["read"] == 1500 and summary["kept"] == s.n_kept
    assert summary.drop(["read", "kept"]).sum() == s.n_excluded


def test_demo_exclusions_find_the_planted_faults(thrift_survey, demo):
    truth = pd.read_csv(demo["truth"], index_col=0)
    excluded = truth.loc[thrift_survey.exclusions["respondent_id"], "fault"]
    # Every planted faulty respondent is caught...
    assert set(truth.index[truth["fault"] != "none"]) <= set(excluded.index)
    # ...with the right primary reason for speeders, straight-liners and drop-outs.
    reason = thrift_survey.exclusions.set_index("respondent_id")["reason"]
    for fault, rule in [
        ("speeder", "speeder"),
        ("straightliner", "straightliner"),
        ("incomplete", "incomplete"),
    ]:
        ids = truth.index[truth["fault"] == fault]
        assert (reason.loc[ids] == rule).mean() > 0.9, fault
    # Only a handful of genuine respondents are caught by the speed rule.
    assert (excluded == "none").sum() <= 0.01 * len(truth)


def test_recoding_and_reverse_keying(thrift_survey, demo, thrift_q):
    data, _ = read_qualtrics(demo["export"])
    data = data.set_index("ResponseId")
    rid = thrift_survey.responses.index[0]
    agree = {c.label: c.code for c in thrift_q.options(thrift_q.item("sus_1"))}
    assert thrift_survey.responses.loc[rid, "sus_1"] == agree[data.loc[rid, "sus_1"]]
    # sus_4 is reverse-keyed: "Strongly agree" (5) becomes 1.
    assert thrift_survey.responses.loc[rid, "sus_4"] == 6 - agree[data.loc[rid, "sus_4"]]
    # Multiple choice becomes one 0/1 column per option.
    chosen = data.loc[rid, "channels"].split(",") if data.loc[rid, "channels"] else []
    labels = [c.label for c in thrift_q.options(thrift_q.item("channels"))]
    for code, label in enumerate(labels, start=1):
        assert thrift_survey.responses.loc[rid, f"channels_{code}"] == float(label in chosen)


def test_personal_data_never_carried(thrift_survey):
    cols = set(thrift_survey.responses.columns) | set(thrift_survey.paradata.columns)
    for personal in ("IPAddress", "LocationLatitude", "LocationLongitude", "RecipientEmail"):
        assert personal not in cols


def _export(tmp_path, rows, extra_cols=None):
    cols = ["ResponseId", "Finished", "Duration (in seconds)", "sus_1"] + (extra_cols or [])
    text = ["Response ID", "Finished", "Duration", "Buying second-hand is one of the ways"]
    text += [""] * len(extra_cols or [])
    imp = ['{"ImportId":"_recordId"}', '{"ImportId":"finished"}', '{"ImportId":"duration"}']
    imp += ['{"ImportId":"QID5_1"}'] + ['{"ImportId":"QIDx"}'] * len(extra_cols or [])
    frame = pd.DataFrame([text, imp] + rows, columns=cols)
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False)
    return path


def test_label_not_in_scale_names_row_and_column(tmp_path, thrift_q):
    path = _export(
        tmp_path,
        [["R_1", "True", "500", "Strongly agree"], ["R_2", "True", "480", "Totally agree"]],
    )
    with pytest.raises(RecodeError, match=r"row R_2.*column 'sus_1'.*'Totally agree'"):
        import_responses(path, thrift_q)
    survey = import_responses(
        path, thrift_q, lenient=True, rules=QualityRules(max_missing_share=1.0)
    )
    assert pd.isna(survey.responses.loc["R_2", "sus_1"])
    assert survey.responses.loc["R_1", "sus_1"] == 5


def test_labels_match_case_and_whitespace_insensitively(tmp_path, thrift_q):
    path = _export(tmp_path, [["R_1", "True", "500", "  strongly   AGREE "]])
    assert import_responses(path, thrift_q).responses.loc["R_1", "sus_1"] == 5


def test_duplicate_respondent_ids_are_excluded_not_lost(tmp_path, thrift_q):
    rows = [["R_1", "True", "500", "Strongly agree"], ["R_1", "True", "510", "Strongly agree"]]
    survey = import_responses(_export(tmp_path, rows), thrift_q)
    assert survey.n_kept == 1 and survey.n_excluded == 1
    assert survey.exclusions.loc[0, "reason"] == "duplicate_id"


def test_strict_mapping_reports_missing_items(tmp_path, thrift_q):
    path = _export(tmp_path, [["R_1", "True", "500", "Strongly agree"]])
    with pytest.raises(MappingError, match="no column in the export"):
        import_responses(path, thrift_q, strict=True)


def test_missing_and_wrong_files(tmp_path, thrift_q):
    with pytest.raises(InputFileError, match="does not exist"):
        import_responses(tmp_path / "nope.csv", thrift_q)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n3,4\n")
    with pytest.raises(MappingError, match="no column of the export matches an item"):
        import_responses(wrong, thrift_q)
    with pytest.raises(InputFileError, match="no ResponseId column"):
        read_qualtrics(wrong)


def test_quality_rules_are_configurable(thrift_survey, demo, thrift_q):
    lax = import_responses(
        demo["export"], thrift_q, rules=QualityRules(speeder_fraction=None, attention_check=False)
    )
    reasons = set(lax.exclusions["reason"])
    assert "speeder" not in reasons and "attention_check" not in reasons
    assert lax.n_kept > thrift_survey.n_kept
    with pytest.raises(StudyConfigError, match="unknown quality rule 'speeders'.*did you mean"):
        QualityRules.from_dict({"speeders": 0.3})
