"""Real-world export variants not in the reference folder: each imports correctly or fails with a
ResearchError that names the file and the problem.

Built from the bundled demo export (Qualtrics 3-row), the real SurveyMonkey and SPSS files in
``tests/data``, and files written here with pyreadstat / openpyxl the way the platforms write
them (Qualtrics Excel download, ZIP downloads, Stata, SPSS portable, decimal-comma locales,
classic-Mac line ends, loop & merge, embedded data, timing and "other, specify" columns).
"""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from research.errors import InputFileError
from research.ingest import (
    QualityRules,
    detect_format,
    import_responses,
    read_export,
    read_spss,
    read_surveymonkey,
)
from research.ingest.recode import to_number

LAX = QualityRules(speeder_fraction=None)


def _write(path, rows, encoding="utf-8", delimiter=",", lineterminator="\r\n"):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture(scope="module")
def rows(demo):
    text = demo["export"].read_bytes().decode("utf-8-sig")
    all_rows = list(csv.reader(io.StringIO(text, newline="")))
    return all_rows[:103]  # three header rows and 100 respondents


@pytest.fixture(scope="module")
def ref(rows, thrift_q, tmp_path_factory):
    path = _write(tmp_path_factory.mktemp("ref") / "ref.csv", rows)
    return import_responses(path, thrift_q, rules=LAX)


def _same(survey, ref):
    assert (survey.n_read, survey.n_kept, survey.n_excluded) == (ref.n_read, ref.n_kept, 12)
    pd.testing.assert_frame_equal(survey.responses, ref.responses)


def test_qualtrics_excel_download_equals_csv(tmp_path, rows, ref, thrift_q):
    wb = Workbook()
    for r in rows:  # Excel stores numbers as numbers: Duration, Progress, spend...
        wb.active.append([int(c) if c.isdigit() else (c or None) for c in r])
    wb.save(tmp_path / "export.xlsx")
    found = detect_format(tmp_path / "export.xlsx")
    assert (found.format, found.layout, found.encoding) == ("qualtrics", "3-row", "binary (xlsx)")
    _same(import_responses(tmp_path / "export.xlsx", thrift_q, rules=LAX), ref)


def test_zip_download_is_read_through(tmp_path, rows, ref, thrift_q):
    csv_path = _write(tmp_path / "Second Stitch.csv", rows)
    archive = tmp_path / "Second Stitch.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(csv_path, "Second Stitch.csv")
        zf.writestr("__MACOSX/._Second Stitch.csv", b"\x00\x05")
    assert "in the ZIP archive" in detect_format(archive).evidence
    survey = import_responses(archive, thrift_q, rules=LAX)
    _same(survey, ref)
    assert survey.source == str(archive)
    # A problem inside the archive names the archive and the member.
    bad = [list(r) for r in rows[:6]]
    bad[4].append("extra")
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as zf:
        zf.writestr("export.csv", "\r\n".join(",".join(f'"{c}"' for c in r) for r in bad))
    with pytest.raises(InputFileError, match=r"bad\.zip!export\.csv:5: row has 60 cells"):
        import_responses(tmp_path / "bad.zip", thrift_q)
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as zf:
        zf.writestr("a.csv", "x\n1\n")
        zf.writestr("b.sav", "x")
    with pytest.raises(InputFileError, match=r"two\.zip: is a ZIP archive with 2 data files"):
        read_export(tmp_path / "two.zip")
    with zipfile.ZipFile(tmp_path / "none.zip", "w") as zf:
        zf.writestr("readme.md", "hello")
    with pytest.raises(InputFileError, match=r"none\.zip: is a ZIP archive without a data file"):
        detect_format(tmp_path / "none.zip")


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97-2003 .xls"),
        (b"<html><body><table><tr><td>Respondent ID</td></tr></table>", "HTML page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 50, "gzip-compressed"),
    ],
    ids=["xls", "html", "pdf", "gzip"],
)
def test_files_that_are_no_export_say_what_they_are(tmp_path, head, message):
    path = tmp_path / "export.xls"
    path.write_bytes(head)
    with pytest.raises(InputFileError, match=rf"export\.xls: is .*{message}"):
        import_responses(path)


def test_classic_mac_line_ends_and_semicolon_cp1252(tmp_path, rows, ref, thrift_q):
    cr = _write(tmp_path / "mac.csv", rows, lineterminator="\r")
    _same(import_responses(cr, thrift_q, rules=LAX), ref)
    semi = _write(tmp_path / "excel_de.csv", rows, encoding="cp1252", delimiter=";")
    survey = import_responses(semi, thrift_q, rules=LAX)
    assert survey.encoding == "cp1252"
    _same(survey, ref)
    bom = tmp_path / "bom_semi.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + _write(tmp_path / "x.csv", rows, delimiter=";").read_bytes())
    assert detect_format(bom).encoding == "utf-8 with BOM"
    _same(import_responses(bom, thrift_q, rules=LAX), ref)


def test_decimal_comma_export(tmp_path, rows, ref, thrift_q):
    eu = [list(r) for r in rows]
    k = eu[0].index("spend_12m")
    for r in eu[3:]:
        r[k] = f"{r[k]},5" if r[k] else r[k]
    survey = import_responses(_write(tmp_path / "eu.csv", eu, delimiter=";"), thrift_q, rules=LAX)
    expected = ref.responses["spend_12m"] + 0.5
    pd.testing.assert_series_equal(survey.responses["spend_12m"], expected)


@pytest.mark.parametrize(
    ("cells", "hint", "expected"),
    [
        (["3,5", "12", "1.234,5"], False, [3.5, 12, 1234.5]),  # decimal comma settles it
        (["1,234", "12,500", "7"], False, [1234, 12500, 7]),  # grouped thousands
        (["1,234", "12,500", "7"], True, [1.234, 12.5, 7]),  # ...in a decimal-comma file
        (["1,234,567", "2,5"], True, [np.nan, 2.5]),  # cells disagree: the file decides
        (["0,125", "1,5"], False, [0.125, 1.5]),
        (["1,234.5", "3"], True, [1234.5, 3]),
    ],
)
def test_to_number_decides_what_a_comma_is(cells, hint, expected):
    num, bad = to_number(pd.Series(cells, dtype=object), decimal_comma=hint)
    np.testing.assert_allclose(num, expected)
    assert bad.tolist() == [bool(np.isnan(e)) for e in expected]


def test_embedded_data_timing_loop_and_other_text_are_reported(tmp_path, rows, thrift_q):
    r = [list(x) for x in rows]
    k = r[0].index("sus_1")
    extra = [
        ("panel_source", "panel_source", "panel_source", "dynata"),
        ("Q9_First Click", "Timing - First Click", "QID9_FIRST_CLICK", "1.5"),
        ("Q9_Page Submit", "Timing - Page Submit", "QID9_PAGE_SUBMIT", "14.25"),
        ("channels_8_TEXT", "Where? - Other - Text", "QID3_8_TEXT", "a blog"),
        ("Q5_DO", "How you feel - Display Order", "QID5_DO", "QID5_1|QID5_3|QID5_2"),
    ]
    for name, text, imp, value in extra:
        r[0].append(name)
        r[1].append(text)
        r[2].append(f'{{"ImportId":"{imp}"}}')
        for x in r[3:]:
            x.append(value)
    # Loop & merge: the same question asked twice, prefixed 1_ and 2_.
    r[0][k : k + 1] = ["1_sus_1", "2_sus_1"]
    r[1][k : k + 1] = [r[1][k], r[1][k]]
    imp = r[2][k].split('"')[3]  # sus_1's QID
    r[2][k : k + 1] = [f'{{"ImportId":"1_{imp}"}}', f'{{"ImportId":"2_{imp}"}}']
    for x in r[3:]:
        x[k : k + 1] = [x[k], x[k]]
    path = _write(tmp_path / "loops.csv", r)
    survey = import_responses(path, thrift_q, rules=LAX)
    assert survey.n_kept + survey.n_excluded == survey.n_read == 100
    m = survey.mapping.set_index("column")
    assert m.loc["panel_source", "how"] == "metadata"
    assert m.loc["Q9_First Click", "how"] == m.loc["Q5_DO", "how"] == "metadata"
    assert "timer" in m.loc["Q9_First Click", "detail"]
    assert m.loc["channels_8_TEXT", "how"] == "unmapped"
    assert "'Other, please specify' box" in m.loc["channels_8_TEXT", "detail"]
    assert m.loc["1_sus_1", "how"] == "unmapped"
    assert "loop & merge iteration 1 of item sus_1" in m.loc["1_sus_1", "detail"]
    assert survey.mapping_report()["items_without_column"] == ["sus_1"]
    # A mapping file says which iteration holds the item.
    mfile = tmp_path / "map.csv"
    mfile.write_text("column,item\n2_sus_1,sus_1\n")
    again = import_responses(path, thrift_q, rules=LAX, mapping_file=mfile)
    assert again.mapping_report()["items_without_column"] == []
    # Without a questionnaire timers and embedded data stay out, answers are drafted.
    drafted = import_responses(path, rules=LAX)
    how = drafted.mapping.set_index("column")["how"]
    assert how["Q9_Page Submit"] == how["panel_source"] == how["Q5_DO"] == "metadata"
    assert how["1_sus_1"] == how["2_sus_1"] == "id"


def test_stata_and_spss_portable_files(tmp_path):
    import pyreadstat

    df = pd.DataFrame(
        {"caseid": [11, 12, 13, 14], "agree": [1.0, 2.0, np.nan, 2.0], "city": ["a", "b", "c", "d"]}
    )
    labels = {"agree": {1: "Yes", 2: "No"}}
    pyreadstat.write_dta(
        df, str(tmp_path / "s.dta"), column_labels=["Case id", "Agree?", "City"],
        variable_value_labels=labels,
    )  # fmt: skip
    found = detect_format(tmp_path / "s.dta")
    assert (found.format, found.layout) == ("stata", "dta")
    survey = import_responses(tmp_path / "s.dta")
    assert survey.n_read == 4 and survey.responses.index.tolist() == ["11", "12", "13", "14"]
    agree = survey.questionnaire.item("agree")
    assert agree.text == "Agree?"
    assert [c.label for c in survey.questionnaire.options(agree)] == ["Yes", "No"]
    np.testing.assert_array_equal(survey.responses["agree"], [1, 2, np.nan, 2])
    assert "caseid" not in survey.responses  # the respondent id column is not an item
    pyreadstat.write_por(df, str(tmp_path / "s.por"))
    assert detect_format(tmp_path / "s.por").layout == "por"
    por = import_responses(tmp_path / "s.por")
    assert por.format == "spss" and por.n_read == 4
    (tmp_path / "broken.dta").write_bytes(b"<stata_dta><header><release>118</release>")
    with pytest.raises(InputFileError, match=r"broken\.dta: cannot read a Stata file"):
        import_responses(tmp_path / "broken.dta")


def test_spss_long_strings_and_string_user_missing(tmp_path):
    import pyreadstat

    long = "Because " + "it is really very good, " * 40  # > 255 bytes: a very long string
    df = pd.DataFrame(
        {
            "id": ["r1", "r2", "r3", "r4"],
            "why": [long, "Cheap", "", "DK"],
            "ans": ["Yes", "No", "DK", "Yes"],
            "score": [1.0, 2.0, 9.0, 99.0],
        }
    )
    pyreadstat.write_sav(
        df,
        str(tmp_path / "m.sav"),
        missing_ranges={"ans": ["DK"], "why": ["DK"], "score": [9.0, {"lo": 90, "hi": 100}]},
        variable_value_labels={"score": {1: "Low", 2: "High", 9: "Don't know"}},
    )
    data, meta = read_spss(tmp_path / "m.sav")
    assert data["why"].iloc[0] == long.rstrip()  # SPSS pads strings; trailing blanks go
    assert meta.missing_codes == {"ans": ["DK"], "why": ["DK"], "score": [9.0, 99.0]}
    assert data["ans"].isna().tolist() == [False, False, True, False]
    survey = import_responses(tmp_path / "m.sav")
    q = survey.questionnaire
    assert [c.label for c in q.options(q.item("score"))] == ["Low", "High"]  # 9 is missing
    np.testing.assert_array_equal(survey.responses["score"], [1, 2, np.nan, np.nan])
    assert survey.n_kept + survey.n_excluded == 4


def test_surveymonkey_condensed_export(tmp_path, data_dir):
    """The condensed layout: one header row, ticked options joined in one cell."""
    with open(data_dir / "surveymonkey/StarWars.csv", encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh))
    films = list(range(3, 9))
    top = rows[0][:3] + ["Which of the following Star Wars films have you seen?"]
    body = [r[:3] + [", ".join(c for c in (r[j].strip() for j in films) if c)] for r in rows[2:200]]
    path = _write(tmp_path / "condensed.csv", [top, *body], encoding="cp1252")
    found = detect_format(path)
    assert (found.format, found.layout) == ("surveymonkey", "condensed")
    survey = import_responses(path)
    assert survey.n_read == 198 and survey.n_kept + survey.n_excluded == 198
    item = next(i for i in survey.questionnaire.items if i.type == "multi")
    labels = [c.label for c in survey.questionnaire.options(item)]
    assert "Star Wars: Episode V The Empire Strikes Back" in labels and len(labels) == 6
    # Each ticked film is the same 0/1 answer as in the expanded export.
    # (the expanded export has the character grid, asked only of those who saw a film)
    expanded = import_responses(
        data_dir / "surveymonkey/StarWars.csv", rules=QualityRules(max_missing_share=1.0)
    )
    seen = next(i for i in expanded.questionnaire.items if i.type == "multi")
    for code, label in ((c.code, c.label) for c in expanded.questionnaire.options(seen)):
        mine = next(c.code for c in survey.questionnaire.options(item) if c.label == label)
        a = survey.responses[f"{item.id}_{mine}"]
        b = expanded.responses[f"{seen.id}_{code}"].reindex(a.index)
        pd.testing.assert_series_equal(a.fillna(-1), b.fillna(-1), check_names=False)


def test_surveymonkey_numeric_value_xlsx(tmp_path, data_dir):
    """ "Numerical value" cells in an XLSX export: one header row per kind, numbers as numbers."""
    rows, _ = read_surveymonkey(data_dir / "surveymonkey/steak-risk-survey.csv")
    with open(data_dir / "surveymonkey/steak-risk-survey.csv", encoding="utf-8") as fh:
        head = list(csv.reader(fh))[:2]
    codes = {"Lottery A": 1, "Lottery B": 2, "Yes": 1, "No": 2}
    wb = Workbook()
    for r in head:
        wb.active.append(r)
    for r in rows.itertuples(index=False):
        wb.active.append([int(r[0])] + [codes.get(c, c or None) for c in r[1:]])
    wb.save(tmp_path / "steak.xlsx")
    survey = import_responses(tmp_path / "steak.xlsx")
    assert (survey.format, survey.layout, survey.n_read) == ("surveymonkey", "2-row", 550)
    smoke = next(i for i in survey.questionnaire.items if i.text.startswith("Do you ever smoke"))
    assert survey.responses[smoke.id].dropna().isin([1, 2]).all()


def test_header_only_export(tmp_path, rows, thrift_q):
    path = _write(tmp_path / "empty.csv", rows[:3])
    survey = import_responses(path, thrift_q)
    assert (survey.n_read, survey.n_kept, survey.n_excluded) == (0, 0, 0)
    with pytest.raises(InputFileError, match=r"empty\.csv: has no data rows"):
        import_responses(path)


def test_legacy_header_followed_by_data_rows_is_not_confused(tmp_path, data_dir):
    """A shuffled legacy export (found by fuzzing): row 2 is a respondent, not the labels."""
    lines = (data_dir / "qualtrics/qualtricstools/Single_Answer_Matrix_Questions.csv").read_bytes()
    lines = lines.splitlines(True)
    path = tmp_path / "shuffled.csv"
    path.write_bytes(b"".join([lines[0], *lines[2:], lines[1]]))
    survey = import_responses(path, lenient=True)
    assert survey.n_kept + survey.n_excluded == survey.n_read
    assert survey.responses.columns.is_unique


def test_excel_sep_line_and_blank_rows_below_the_data(tmp_path, rows, ref, thrift_q):
    width = len(rows[0])
    body = _write(tmp_path / "x.csv", [*rows, [""] * width, [""] * width], delimiter=";")
    path = tmp_path / "excel.csv"
    path.write_bytes(b"sep=;\r\n" + body.read_bytes())
    survey = import_responses(path, thrift_q, rules=LAX)
    _same(survey, ref)
    assert any("2 row(s) with every cell blank skipped" in n for n in survey.notes)


@pytest.fixture
def stream_small(monkeypatch):
    """Make every file "large": the body is parsed from disk after a 32 KB head."""
    from research.ingest import delimited

    monkeypatch.setattr(delimited, "STREAM_ABOVE", 1024)
    monkeypatch.setattr(delimited, "HEAD_BYTES", 32 * 1024)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "lineterminator", "prefix"),
    [
        ("utf-8", ",", "\r\n", b""),
        ("utf-8", ";", "\r", b"\xef\xbb\xbfsep=;\r"),  # BOM, Excel sep line, classic Mac
        ("utf-16", "\t", "\r\n", b""),  # UTF-16 is always decoded whole
    ],
    ids=["utf8", "bom-sep-cr", "utf16"],
)
def test_large_files_stream_from_disk(
    tmp_path, rows, ref, thrift_q, stream_small, encoding, delimiter, lineterminator, prefix
):
    body = _write(tmp_path / "b.csv", rows, encoding, delimiter, lineterminator).read_bytes()
    path = tmp_path / "big.csv"
    path.write_bytes(prefix + body)
    survey = import_responses(path, thrift_q, rules=LAX)
    assert survey.encoding == encoding
    _same(survey, ref)


def test_streamed_file_not_utf8_past_its_head(tmp_path, rows, thrift_q, stream_small):
    late = [list(r) for r in rows]
    late[-1][late[0].index("open_last")] = "Très bien"
    path = _write(tmp_path / "late.csv", late, encoding="cp1252")
    assert "Très".encode("cp1252") in path.read_bytes()[32 * 1024 :]
    survey = import_responses(path, thrift_q, rules=LAX)
    assert survey.encoding == "cp1252"
    assert "Très bien" in set(survey.text["open_last"]) | set(survey.exclusions["respondent_id"])
    ragged = [list(r) for r in rows]
    ragged[90].append("extra")
    with pytest.raises(InputFileError, match=r"ragged\.csv:91: row has 60 cells"):
        import_responses(_write(tmp_path / "ragged.csv", ragged), thrift_q)
