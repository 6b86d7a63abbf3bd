"""`research import` and `research questionnaire infer` through the CLI."""

from __future__ import annotations

import json

import pandas as pd
import pyreadstat
from typer.testing import CliRunner

from research.cli import app
from research.questionnaire import load_questionnaire

runner = CliRunner()


def test_import_writes_every_output(tmp_path, demo):
    out = tmp_path / "out"
    args = ["import", str(demo["export"]), "-q", str(demo["questionnaire"]), "--out", str(out)]
    result = runner.invoke(app, args + ["--sav"])
    assert result.exit_code == 0, result.output
    assert "Detected qualtrics (3-row, utf-8)" in result.output
    assert "Left out 6 personal columns: IPAddress" in result.output
    quality = json.loads((out / "quality.json").read_text())
    assert quality["respondents"] == {
        "read": 1500,
        "kept": 1324,
        "excluded": 176,
        "excluded_by_reason": {
            "speeder": 79,
            "straightliner": 45,
            "attention_check": 30,
            "incomplete": 22,
        },
    }
    assert quality["format"] == "qualtrics" and quality["encoding"] == "utf-8"
    assert quality["mapping"]["items_without_column"] == []
    assert "IPAddress" in quality["personal_columns_left_out"]
    responses = pd.read_csv(out / "responses.csv", index_col="respondent_id")
    assert not {"IPAddress", "LocationLatitude", "RecipientEmail"} & set(responses.columns)
    sav, meta = pyreadstat.read_sav(str(out / "responses.sav"))
    assert len(sav) == 1324 and sav["respondent_id"].iloc[0] == responses.index[0]
    assert meta.variable_value_labels["sus_1"][5.0] == "Strongly agree"
    assert meta.variable_value_labels["sus_4"][1.0] == "Strongly agree (reversed)"
    assert meta.column_names_to_labels["age"] == "What is your age?"
    assert (out / "text.csv").exists()


def test_lenient_out_of_scale_answers_are_counted(tmp_path, demo):
    text = (
        demo["export"]
        .read_text(encoding="utf-8-sig")
        .replace(
            "Strongly agree,Somewhat agree,Strongly disagree",
            "Totally agree,Somewhat agree,Strongly disagree",
            3,
        )
    )
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    base = ["import", str(export), "-q", str(demo["questionnaire"]), "--out", str(tmp_path / "o")]
    failed = runner.invoke(app, base)
    assert failed.exit_code == 2 and "'Totally agree'" in failed.stderr
    assert "use lenient" in failed.stderr and "row R_" in failed.stderr
    result = runner.invoke(app, base + ["--lenient"])
    assert result.exit_code == 0, result.output
    quality = json.loads((tmp_path / "o/quality.json").read_text())
    assert quality["answers_set_missing"] == 3
    entries = quality["out_of_scale"].values()
    assert {v for e in entries for v in e["values"]} == {"Totally agree"}
    assert sum(len(e["rows"]) for e in entries) == sum(e["answers"] for e in entries) == 3
    assert "Set 3 out-of-scale answers missing" in result.output


def test_strict_and_config_options(tmp_path, demo):
    study = tmp_path / "study.yaml"
    study.write_text(
        "title: t\nquality:\n  speeder_fraction: null\n  attention_check: false\n"
        "weights:\n  targets:\n    urbanicity:\n"
        "      {Large city: 0.3, Town or suburb: 0.5, Rural area: 0.2}\n"
    )
    q = ["-q", str(demo["questionnaire"])]
    result = runner.invoke(
        app,
        ["import", str(demo["export"]), *q, "--out", str(tmp_path / "o"), "--config", str(study)],
    )
    assert result.exit_code == 0, result.output
    quality = json.loads((tmp_path / "o/quality.json").read_text())
    assert set(quality["respondents"]["excluded_by_reason"]) == {"straightliner", "incomplete"}
    assert quality["weights"]["converged"] and "Weights: efficiency" in result.output
    assert (tmp_path / "o/weights.csv").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("quality:\n  speeders: 0.3\n")
    result = runner.invoke(
        app, ["import", str(demo["export"]), *q, "--out", str(tmp_path), "--config", str(bad)]
    )
    assert result.exit_code == 2 and "unknown quality rule 'speeders'" in result.stderr
    small = tmp_path / "small.yaml"
    small.write_text(
        "id: s\ntitle: s\nblocks:\n  - id: b\n    items:\n"
        "      - {id: sus_1, type: likert, text: x}\n"
        "      - {id: not_there, type: likert, text: y}\n"
    )
    result = runner.invoke(
        app, ["import", str(demo["export"]), "-q", str(small), "--out", str(tmp_path), "--strict"]
    )
    assert result.exit_code == 2
    assert "items with no column in the export: ['not_there']" in result.stderr


def test_import_without_questionnaire_and_keep_personal(tmp_path, data_dir):
    out = tmp_path / "o"
    result = runner.invoke(
        app,
        ["import", str(data_dir / "google/responses.csv"), "--out", str(out), "--keep-personal"],
    )
    assert result.exit_code == 0, result.output
    assert "Detected google_forms" in result.output
    personal = pd.read_csv(out / "personal.csv", index_col=0)
    assert list(personal.columns) == ["Email address"]
    responses = pd.read_csv(out / "responses.csv", index_col=0)
    assert "Email address" not in responses.columns and len(responses) == 12


def test_questionnaire_infer_writes_loadable_yaml(tmp_path, data_dir):
    target = tmp_path / "q.yaml"
    src = data_dir / "qualtrics/qualtricstools/Single_Answer_Matrix_Questions.qsf"
    result = runner.invoke(app, ["questionnaire", "infer", str(src), "--out", str(target)])
    assert result.exit_code == 0, result.output
    q = load_questionnaire(target)
    assert [i.id for i in q.items][:3] == ["Q2_1", "Q2_2", "Q2_3"]
    assert [c.code for c in q.options(q.item("Q4_1"))] == [10, 11, 12, 13]
    # The drafted questionnaire maps the next import by id.
    export = data_dir / "qualtrics/qualtricstools/Single_Answer_Matrix_Questions_Insights.csv"
    result = runner.invoke(
        app, ["import", str(export), "-q", str(target), "--out", str(tmp_path / "o"), "--strict"]
    )
    assert result.exit_code == 0, result.output
    missing = runner.invoke(
        app, ["questionnaire", "infer", str(tmp_path / "nope.qsf"), "--out", str(target)]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_infer_from_spss_labels_and_export_values(tmp_path, data_dir):
    target = tmp_path / "spss.yaml"
    result = runner.invoke(
        app, ["questionnaire", "infer", str(data_dir / "spss/sample.sav"), "--out", str(target)]
    )
    assert result.exit_code == 0, result.output
    q = load_questionnaire(target)
    assert [c.label for c in q.options(q.item("mylabl"))] == ["Male", "Female"]
    assert q.item("mynum").type == "numeric"
    target = tmp_path / "sm.yaml"
    result = runner.invoke(
        app,
        [
            "questionnaire",
            "infer",
            str(data_dir / "surveymonkey/steak-risk-survey.csv"),
            "--out",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    q = load_questionnaire(target)
    age = next(i for i in q.items if i.text == "Age")
    assert [c.label for c in q.options(age)] == ["18-29", "30-44", "45-60", "> 60"]
    google = tmp_path / "g.yaml"
    runner.invoke(
        app,
        ["questionnaire", "infer", str(data_dir / "google/responses.csv"), "--out", str(google)],
    )
    g = load_questionnaire(google)
    grid = [i for i in g.items if i.type == "likert"]
    assert len(grid) == 3 and all(i.scale == "agree5" for i in grid)
    assert "Email address" not in google.read_text()  # personal columns are left out


def test_import_a_zip_download_and_name_a_bad_file(tmp_path, data_dir):
    import zipfile

    archive = tmp_path / "StarWars.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(data_dir / "surveymonkey/StarWars.csv", "StarWars.csv")
    out = tmp_path / "o"
    result = runner.invoke(app, ["import", str(archive), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Detected surveymonkey (2-row, cp1252)" in result.output
    assert "file 'StarWars.csv' in the ZIP archive" in result.output
    quality = json.loads((out / "quality.json").read_text())
    counts = quality["respondents"]
    assert counts["read"] == 1186 and counts["kept"] + counts["excluded"] == 1186
    old_excel = tmp_path / "export.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = runner.invoke(app, ["import", str(old_excel), "--out", str(out)])
    assert result.exit_code == 2
    assert "export.xls: is an Excel 97-2003 .xls workbook" in result.stderr
