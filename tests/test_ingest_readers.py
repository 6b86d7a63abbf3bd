"""Readers and the format detector: every layout, encoding and platform quirk."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import Workbook

from research.errors import InputFileError
from research.ingest import (
    QualityRules,
    detect_format,
    import_responses,
    read_export,
    read_google_forms,
    read_kobo,
    read_qualtrics,
    read_surveymonkey,
)
from research.ingest.qualtrics import parse_import_id

LAX = QualityRules(speeder_fraction=None)


def _rows(path, encoding="utf-8-sig"):
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def _write(path, rows, encoding="utf-8", delimiter=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture(scope="module")
def demo_rows(demo):
    rows = _rows(demo["export"])
    return rows[:3] + rows[3:203]  # 200 respondents keep these tests fast


def test_import_id_cell_variants():
    assert parse_import_id('{"ImportId":"QID5_1"}') == ("QID5_1", "")
    assert parse_import_id('{"ImportId":"startDate","timeZone":"America/Denver"}') == (
        "startDate",
        "",
    )
    assert parse_import_id('{"ImportId":"QID3","choiceId":"2"}') == ("QID3", "2")
    assert parse_import_id("{'ImportId': 'QID2-1'}") == ("QID2-1", "")
    assert parse_import_id("Response ID") == ("", "")


def test_timezone_and_choiceid_header_rows(tmp_path, demo_rows, thrift_q):
    rows = [list(r) for r in demo_rows]
    names = rows[0]
    rows[2] = [
        c.replace('"}', '","timeZone":"Europe/London"}') if n in ("StartDate", "EndDate") else c
        for n, c in zip(names, rows[2], strict=True)
    ]
    # Split the joined multi-select column into one column per choice, named by choiceId only.
    k = names.index("channels")
    labels = [c.label for c in thrift_q.options(thrift_q.item("channels"))]
    new = []
    for r_i, r in enumerate(rows):
        head, cell, tail = r[:k], r[k], r[k + 1 :]
        if r_i == 0:
            mid = ["Q3"] * len(labels)  # one repeated export tag: only choiceId tells them apart
        elif r_i == 1:
            mid = [f"Where? - {lab}" for lab in labels]
        elif r_i == 2:
            mid = [f'{{"ImportId":"channels","choiceId":"{j}"}}' for j in range(1, 8)]
        else:
            ticked = cell.split(",") if cell else []
            mid = ["1" if lab in ticked else "" for lab in labels]
        new.append(head + mid + tail)
    path = _write(tmp_path / "tz.csv", new)
    data, meta = read_qualtrics(path)
    assert meta.layout == "3-row"
    assert meta.columns.set_index("column").loc["StartDate", "import_id"] == "startDate"
    assert list(meta.columns["option_code"][k : k + 7]) == [str(j) for j in range(1, 8)]
    survey = import_responses(path, thrift_q, rules=LAX)
    ref = import_responses(_write(tmp_path / "ref.csv", demo_rows), thrift_q, rules=LAX)
    cols = [f"channels_{j}" for j in range(1, 8)]
    got = survey.responses[cols].fillna(0)
    pd.testing.assert_frame_equal(got, ref.responses.loc[got.index, cols].fillna(0))


def test_numeric_value_export_equals_choice_text(tmp_path, demo_rows, thrift_q):
    names = demo_rows[0]
    coded = [list(r) for r in demo_rows]
    for item in thrift_q.items:
        if item.type in ("text", "numeric") or item.id not in names:
            continue
        k = names.index(item.id)
        lookup = {c.label: str(c.code) for c in thrift_q.options(item)}
        for r in coded[3:]:
            parts = r[k].split(",") if item.type == "multi" and r[k] else [r[k]]
            r[k] = ",".join(lookup.get(p, p) for p in parts)
    text = import_responses(_write(tmp_path / "text.csv", demo_rows), thrift_q)
    nums = import_responses(_write(tmp_path / "nums.csv", coded), thrift_q)
    pd.testing.assert_frame_equal(text.responses, nums.responses)
    assert text.n_kept == nums.n_kept


def test_utf16_tsv_export(tmp_path, demo_rows, thrift_q):
    path = _write(tmp_path / "export.tsv", demo_rows, encoding="utf-16", delimiter="\t")
    assert path.read_bytes()[:2] == b"\xff\xfe"
    found = detect_format(path)
    assert (found.format, found.encoding, found.layout) == ("qualtrics", "utf-16", "3-row")
    survey = import_responses(path, thrift_q)
    ref = import_responses(_write(tmp_path / "ref.csv", demo_rows), thrift_q)
    assert survey.encoding == "utf-16"
    pd.testing.assert_frame_equal(survey.responses, ref.responses)


def test_cp1252_and_bom_are_reported(tmp_path, demo_rows):
    rows = [list(r) for r in demo_rows]
    path = _write(tmp_path / "win.csv", rows, encoding="cp1252")
    data, meta = read_qualtrics(path)
    assert meta.encoding == "cp1252"
    assert (data["income"] == "£50,000 to £74,999").any()
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + _write(tmp_path / "x.csv", rows).read_bytes())
    assert detect_format(bom).encoding == "utf-8 with BOM"
    assert read_qualtrics(bom)[0].columns[0] == "StartDate"


def test_cp1252_after_the_detection_window_is_still_found(tmp_path, demo):
    text = demo["export"].read_bytes().decode("utf-8-sig").replace("£", "GBP ")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    path = _write(tmp_path / "late.csv", rows[:3] + rows[3:] * 2 + [rows[-1][:-1] + ["café"]])
    path.write_bytes(path.read_bytes().decode("utf-8").encode("cp1252"))
    assert detect_format(path).encoding == "utf-8"  # the first 256 KB are plain ASCII
    _, meta, found = read_export(path)
    assert meta.encoding == "cp1252" and "cp1252" in found.evidence


def test_duplicate_column_names_are_kept_apart(tmp_path, demo_rows):
    rows = [list(r) for r in demo_rows]
    rows[0][rows[0].index("sus_2")] = "sus_1"
    data, meta = read_qualtrics(_write(tmp_path / "dup.csv", rows))
    assert "sus_1.1" in data.columns
    assert any("duplicate column name 'sus_1'" in n for n in meta.notes)


def test_surveymonkey_xlsx_equals_csv(tmp_path, data_dir):
    rows = _rows(data_dir / "surveymonkey/steak-risk-survey.csv")
    wb = Workbook()
    for r in rows:
        wb.active.append([int(c) if c.isdigit() else (c or None) for c in r])
    wb.save(tmp_path / "steak.xlsx")
    assert detect_format(tmp_path / "steak.xlsx").format == "surveymonkey"
    x, xmeta = read_surveymonkey(tmp_path / "steak.xlsx")
    c, cmeta = read_surveymonkey(data_dir / "surveymonkey/steak-risk-survey.csv")
    assert list(x.columns) == list(c.columns)
    pd.testing.assert_frame_equal(x.astype(str), c.astype(str))
    assert xmeta.encoding == "binary (xlsx)"


def test_google_forms_checkbox_options_with_commas(data_dir):
    from research.questionnaire import load_questionnaire

    path = data_dir / "google/responses.csv"
    assert detect_format(path).format == "google_forms"
    data, meta = read_google_forms(path)
    assert meta.separator == ", "
    assert meta.columns["question_text"].iloc[4].startswith("How much do you agree")
    q = load_questionnaire(data_dir / "google/questionnaire.yaml")
    survey = import_responses(path, q)
    assert survey.personal_columns == ("Email address",)
    assert "Email address" not in survey.responses and survey.personal is None
    # "Instagram, Friends, family or colleagues" is two options, not four.
    row2 = survey.responses.loc["row_2", [f"channels_{j}" for j in range(1, 5)]]
    assert row2.tolist() == [1.0, 1.0, 0.0, 0.0]
    row4 = survey.responses.loc["row_4", [f"channels_{j}" for j in range(1, 5)]]
    assert row4.tolist() == [1.0, 1.0, 0.0, 1.0]
    assert survey.mapping_report()["items_without_column"] == []
    assert survey.responses.loc["row_1", "sty_1"] == 3  # reverse-keyed "Neither" stays 3
    assert survey.text.loc["row_2", "improve"] == "More sizes, please"


def test_kobo_xlsx_and_odk_central_csv(data_dir, thrift_q):
    xdata, xmeta = read_kobo(data_dir / "kobo/thrift_kobo.xlsx")
    assert xmeta.layout == "group separator '/'"
    assert "screener/channels/3" in xdata.columns
    kobo = import_responses(data_dir / "kobo/thrift_kobo.xlsx", thrift_q, rules=LAX)
    odk = import_responses(data_dir / "kobo/thrift_odk_central.csv", thrift_q, rules=LAX)
    assert (kobo.format, odk.format) == ("kobo", "kobo")
    for s in (kobo, odk):
        assert s.mapping_report()["items_without_column"] == []
        assert s.mapping_report()["unmapped"] == []
    # Both carry the same first twelve respondents, coded identically.
    a = kobo.responses.iloc[:12].reset_index(drop=True)
    b = odk.responses.reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b[a.columns])
    assert "_submitted_by" in kobo.personal_columns
    assert odk.responses.index[0].startswith("uuid:")
    # Without a questionnaire the option columns become one multi item again.
    drafted = import_responses(data_dir / "kobo/thrift_kobo.xlsx", rules=LAX)
    item = drafted.questionnaire.item("channels")
    codes = [c.code for c in thrift_q.options(thrift_q.item("channels"))]
    assert item.type == "multi" and [c.code for c in item.choices] == codes
    cols = [f"channels_{j}" for j in codes]
    pd.testing.assert_frame_equal(drafted.responses[cols], kobo.responses[cols])


def test_kobo_semicolon_csv(tmp_path, data_dir, thrift_q):
    rows = _rows(data_dir / "kobo/thrift_odk_central.csv")
    rows[0] = [
        c.replace("-", "/") if c not in ("SubmissionDate",) else "_submission_time" for c in rows[0]
    ]
    rows[0] = [("_uuid" if c == "meta/instanceID" else c) for c in rows[0]]
    path = _write(tmp_path / "kobo.csv", rows, delimiter=";")
    survey = import_responses(path, thrift_q, rules=LAX)
    assert survey.format == "kobo" and survey.n_read == 12
    assert survey.mapping_report()["items_without_column"] == []


def test_reader_errors_name_the_problem(tmp_path, demo_rows):
    with pytest.raises(InputFileError, match="does not exist"):
        read_export(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="is a folder"):
        read_export(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFileError, match="empty"):
        read_export(empty)
    ragged = [list(r) for r in demo_rows[:6]]
    ragged[4] = ragged[4] + ["extra"]
    with pytest.raises(
        InputFileError, match=r"ragged.csv:5.*row has 60 cells but the header has 59"
    ):
        read_qualtrics(_write(tmp_path / "ragged.csv", ragged))
    cut = _write(tmp_path / "cut.csv", demo_rows[:5]).read_bytes()
    (tmp_path / "cut.csv").write_bytes(cut + b'"an answer that never ends,')
    with pytest.raises(InputFileError, match="quoted cell is never closed"):
        read_qualtrics(tmp_path / "cut.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n\x81\x8d,\x90\n")
    with pytest.raises(InputFileError, match=r"cannot decode.*UTF-8, UTF-16 or cp1252.*0x81"):
        read_export(bad)
    with pytest.raises(
        InputFileError, match=r"format must be one of.*got 'qualtrix'.*did you mean"
    ):
        read_export(bad, format="qualtrix")
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"a,b\n1,\x00\x002\n")
    with pytest.raises(InputFileError, match="NUL byte"):
        read_export(binary)


def test_forced_format_and_generic_table(tmp_path, data_dir):
    data, meta, found = read_export(data_dir / "bfi/bfi.csv")
    assert found.format == "generic" and meta.format == "generic" and data.shape == (2800, 28)
    _, meta, found = read_export(data_dir / "qualtrics/sample.csv", format="generic")
    assert meta.format == "generic" and found.evidence == "format given by the caller"


def test_zsav_is_read_like_sav(tmp_path, data_dir):
    import pyreadstat

    df, meta = pyreadstat.read_sav(str(data_dir / "spss/sample.sav"))
    path = tmp_path / "sample.zsav"
    pyreadstat.write_sav(
        df[["mychar", "mynum", "mylabl"]],
        str(path),
        compress=True,
        variable_value_labels={"mylabl": meta.variable_value_labels["mylabl"]},
    )
    found = detect_format(path)
    assert (found.format, found.layout) == ("spss", "zsav")
    survey = import_responses(path)
    assert survey.layout == "zsav" and survey.n_read == 5
    labels = [c.label for c in survey.questionnaire.options(survey.questionnaire.item("mylabl"))]
    assert labels == ["Male", "Female"]
