"""Hostile and unlucky inputs: a one-line error and exit 2, within bounded memory, never a traceback.

Each case is a fault found by trying the commands as an attacker or an unlucky user would
(issue 12). Memory and time bombs are refused by a cap before anything large is allocated; the
message names the cap.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from research.cli import app
from research.datasets import demo_paths
from research.errors import MAX_MESSAGE, InputFileError, ResearchError

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def assert_user_error(result, *needles: str) -> str:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    text = result.output.strip()
    assert "Traceback" not in text
    for needle in needles:
        assert needle in text, text
    return text


def alias_bomb(levels: int = 9) -> str:
    text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    previous = "a"
    for i in range(1, levels):
        name = chr(ord("a") + i)
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


YAML_CASES = {
    "alias bomb": (alias_bomb(), "alias expansion cap"),
    "recursive alias": ("a: &a [*a]\n", "recursive alias"),
    "deep nesting": ("a: " + "[" * 2000 + "]" * 2000 + "\n", "nesting cap"),
    "huge integer": ("id: x\ntitle: " + "9" * 5000 + "\n", "5,000 digits"),
    "not yaml": ("a: [unclosed\n", "not valid YAML"),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_hostile_yaml_is_refused_by_every_reader(case, tmp_path):
    text, needle = YAML_CASES[case]
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    assert_user_error(run("questionnaire", "check", path), needle)
    assert_user_error(run("run", path), needle)  # the same loader reads study files
    transcripts = tmp_path / "t"
    transcripts.mkdir()
    (transcripts / "a.txt").write_text("Interviewer: hi\nParticipant: the price is fine\n")
    assert_user_error(run("code", transcripts, "--codebook", path, "--out", tmp_path / "o"), needle)


def test_a_blank_first_header_row_is_a_clear_error(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(",,\nResponseID,Status,Q1\nR_1,0,1\n")
    assert_user_error(run("import", export, "--out", tmp_path / "o"), "header row 1 is blank")


def test_five_million_columns_hit_the_column_cap(tmp_path):
    export = tmp_path / "wide.csv"
    export.write_text(",".join(f"c{i}" for i in range(5_000_000)) + "\n1,2\n")
    assert_user_error(run("import", export, "--out", tmp_path / "o"), "column cap")


def test_a_zip_bomb_export_hits_the_ratio_cap(tmp_path):
    bomb = tmp_path / "export.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", "a,b\n" + "1,2\n" * 10_000_000)  # 40 MB from ~40 KB
    assert bomb.stat().st_size < 200_000
    assert_user_error(run("import", bomb, "--out", tmp_path / "o"), "compression ratio cap")


def _docx(tmp_path: Path, body: bytes = b"", doctype: bytes = b"") -> Path:
    import docx

    plain = tmp_path / "plain.docx"
    document = docx.Document()
    document.add_paragraph("Interviewer: How do you choose?")
    document.add_paragraph("Participant: Mostly on price, and the fit.")
    document.save(plain)
    folder = tmp_path / "transcripts"
    folder.mkdir(exist_ok=True)
    target = folder / "interview.docx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = data.replace(b"?>", b"?>" + doctype, 1)
                data = data.replace(b"</w:body>", body + b"</w:body>")
            dst.writestr(name, data)
    return folder


def _codebook(tmp_path: Path) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text("codes:\n  - id: price\n    label: Price\n    keywords: [price]\n")
    return path


def test_a_docx_with_a_dtd_is_read_without_expanding_entities(tmp_path):
    doctype = (
        b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    folder = _docx(tmp_path, doctype=doctype)
    result = run("code", folder, "--codebook", _codebook(tmp_path), "--out", tmp_path / "o")
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        passages = (tmp_path / "o" / "passages.csv").read_text()
        assert "aaaaaaaaaa" not in passages


def test_a_docx_holding_a_huge_document_hits_the_size_cap(tmp_path):
    body = b"<w:p><w:r><w:t>" + b"a" * 300_000_000 + b"</w:t></w:r></w:p>"
    folder = _docx(tmp_path, body=body)
    assert (folder / "interview.docx").stat().st_size < 2_000_000
    result = run("code", folder, "--codebook", _codebook(tmp_path), "--out", tmp_path / "o")
    assert_user_error(result, "uncompressed size cap")


def test_per_code_zero_is_an_option_error(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "a.txt").write_text("Interviewer: hi\nParticipant: the price is fine\n")
    result = run(
        "code",
        folder,
        "--codebook",
        _codebook(tmp_path),
        "--out",
        tmp_path / "o",
        "--per-code",
        "0",
    )
    assert_user_error(result, "per_code must be a whole number of at least 1")


def test_a_malformed_links_file_is_a_clear_error(tmp_path):
    demo = demo_paths()
    links = tmp_path / "links.csv"
    links.write_bytes(b'transcript,respondent_id\n"unterminated,R_1\n' + b"\xff\xfe" * 10)
    study = tmp_path / "study.yaml"
    study.write_text(
        f"title: T\nquestionnaire: {demo['questionnaire']}\nexport: {demo['export']}\n"
        f"interviews:\n  transcripts: {demo['study'].parent / 'transcripts'}\n"
        f"  codebook: {demo['study'].parent / 'codebook.yaml'}\n  links: {links}\n"
        "segments: {n_boot: 0, golden_questions: 0, k_max: 3, n_init: 1}\n"
    )
    result = run("run", study, "--out", tmp_path / "out")
    assert_user_error(result, "links")


def test_error_messages_are_bounded_and_one_line():
    cell = "x" * 100_000 + "\nsecond line"
    exc = InputFileError(f"label {cell!r} is not in the scale", path="p.csv", column=cell, row=cell)
    text = str(exc)
    assert "\n" not in text
    assert len(text) <= MAX_MESSAGE + 3 * 130
    assert isinstance(exc, ResearchError)


# -- rows are never lost without a trace -------------------------------------------------------

THRIFT = Path(__file__).parents[1] / "research/datasets/thrift/qualtrics_export.csv"


def _import(path: Path):
    from research.ingest import import_responses

    return import_responses(path)


def _plain_count(raw: bytes, headers: int = 3) -> int:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    return sum(1 for r in rows[headers:] if any(c.strip() for c in r))


def test_a_lone_cr_after_the_header_keeps_respondent_one(tmp_path):
    raw = THRIFT.read_bytes()
    lines = raw.split(b"\r\n")
    mutated = b"\r\n".join(lines[:2]) + b"\r\n" + lines[2] + b"\r" + b"\r\n".join(lines[3:])
    path = tmp_path / "export.csv"
    path.write_bytes(mutated)
    survey = _import(path)
    assert survey.n_read == _plain_count(raw) == 1500
    assert survey.n_kept + survey.n_excluded == survey.n_read


def test_a_stray_quote_that_merges_two_respondents_is_refused(tmp_path):
    lines = THRIFT.read_bytes().split(b"\r\n")
    at = next(i for i in range(3, len(lines) - 1) if b'"' not in lines[i] and b'"' in lines[i + 1])
    lines[at] = lines[at].replace(b",", b',"', 1)
    path = tmp_path / "export.csv"
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(InputFileError, match=rf"line {at + 1} runs on into line {at + 2}"):
        _import(path)


def test_multi_line_open_answers_are_not_mistaken_for_merged_rows(tmp_path):
    raw = THRIFT.read_bytes().split(b"\r\n")
    at = next(i for i in range(3, len(raw)) if raw[i].endswith(b","))
    raw[at] = raw[at] + b'"I like it,\r\nbut the fit is hit and miss"'
    path = tmp_path / "export.csv"
    path.write_bytes(b"\r\n".join(raw))
    survey = _import(path)
    assert survey.n_read == 1500


def test_an_understated_xlsx_dimension_loses_no_rows_or_columns(tmp_path):
    import re as regex

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ResponseId", "Q1", "Q2", "Q3"])
    for i in range(50):
        sheet.append([f"R_{i}", i % 5 + 1, (i * 3) % 5 + 1, (i * 7) % 5 + 1])
    full = tmp_path / "full.xlsx"
    book.save(full)
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(full) as src, zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = regex.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:B10"/>', data)
            dst.writestr(name, data)
    survey = _import(lying)
    assert survey.n_read == 50
    assert list(survey.responses.columns) == ["Q1", "Q2", "Q3"]
