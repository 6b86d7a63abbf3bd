"""Fuzzing the importer: truncated, shuffled, wrongly encoded and garbage files.

The only acceptable outcomes are a consistent result (every row read is kept or excluded) or
a ResearchError that names the file; any other exception is a bug.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.errors import ResearchError
from research.ingest import import_responses
from research.questionnaire import load_questionnaire

DATA = Path(__file__).parent / "data"
SEEDS = {
    "qualtrics.csv": (DATA / "qualtrics/sample.csv").read_bytes(),
    "legacy.csv": (DATA / "qualtrics/sample_legacy.csv").read_bytes(),
    "insights.csv": (
        DATA / "qualtrics/qualtricstools/Single_Answer_Matrix_Questions_Insights.csv"
    ).read_bytes(),
    "matrix.csv": (
        DATA / "qualtrics/qualtricstools/Single_Answer_Matrix_Questions.csv"
    ).read_bytes(),
    "steak.csv": b"".join(
        (DATA / "surveymonkey/steak-risk-survey.csv").read_bytes().splitlines(True)[:30]
    ),
    "google.csv": (DATA / "google/responses.csv").read_bytes(),
    "odk.csv": (DATA / "kobo/thrift_odk_central.csv").read_bytes(),
    "sample.sav": (DATA / "spss/sample_missing.sav").read_bytes(),
    "kobo.xlsx": (DATA / "kobo/thrift_kobo.xlsx").read_bytes(),
}
THRIFT = Path(__file__).parents[1] / "research/datasets/thrift"
DEMO = b"".join((THRIFT / "qualtrics_export.csv").read_bytes().splitlines(True)[:40])
SEEDS["demo.csv"] = DEMO


def _variants(demo: bytes) -> dict[str, bytes]:
    """The same 37 respondents as a Qualtrics Excel download, a UTF-16 TSV, a ZIP download,
    and a Stata file: binary containers the mutations must also not crash."""
    import pyreadstat
    from openpyxl import Workbook

    rows = list(csv.reader(io.StringIO(demo.decode("utf-8-sig"), newline="")))
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    xlsx = io.BytesIO()
    wb.save(xlsx)
    tsv = io.StringIO()
    csv.writer(tsv, delimiter="\t", lineterminator="\r\n").writerows(rows)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Second Stitch.csv", demo)
    with tempfile.TemporaryDirectory() as tmp:
        frame = pd.DataFrame({"caseid": [1, 2, 3], "agree": [1.0, 2.0, None]})
        pyreadstat.write_dta(frame, f"{tmp}/s.dta", variable_value_labels={"agree": {1: "Y"}})
        dta = Path(f"{tmp}/s.dta").read_bytes()
    return {
        "qualtrics.xlsx": xlsx.getvalue(),
        "qualtrics.tsv": tsv.getvalue().encode("utf-16"),
        "download.zip": archive.getvalue(),
        "stata.dta": dta,
    }


SEEDS.update(_variants(DEMO))
Q = load_questionnaire(THRIFT / "questionnaire.yaml")


def _truncate(raw: bytes, data) -> bytes:
    return raw[: data.draw(st.integers(0, len(raw)), label="cut")]


def _shuffle(raw: bytes, data) -> bytes:
    lines = raw.splitlines(True)
    return b"".join(data.draw(st.permutations(lines), label="order"))


def _encode(raw: bytes, data) -> bytes:
    text = raw.decode("utf-8", errors="replace")
    codec = data.draw(
        st.sampled_from(["utf-16-le", "utf-16-be", "utf-16", "cp1252", "latin-1", "utf-32"])
    )
    return text.encode(codec, errors="replace")


def _flip(raw: bytes, data) -> bytes:
    out = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 20), label="flips")):
        if not out:
            break
        pos = data.draw(st.integers(0, len(out) - 1))
        out[pos] = data.draw(st.integers(0, 255))
    return bytes(out)


def _splice(raw: bytes, data) -> bytes:
    junk = data.draw(st.binary(min_size=1, max_size=200), label="junk")
    pos = data.draw(st.integers(0, len(raw)))
    return raw[:pos] + junk + raw[pos:]


def _garbage(raw: bytes, data) -> bytes:
    return data.draw(st.binary(max_size=2000), label="garbage")


def _text_garbage(raw: bytes, data) -> bytes:
    alphabet = st.sampled_from(list(",;\t\"\n\r{}':ab1 é£"))
    return "".join(data.draw(st.lists(alphabet, max_size=400))).encode("utf-8")


def _stray_quote(raw: bytes, data) -> bytes:
    pos = data.draw(st.integers(0, len(raw)), label="quote at")
    return raw[:pos] + b'"' + raw[pos:]


def _line_ends(raw: bytes, data) -> bytes:
    """One line end turned into a lone CR, a lone LF or a CRLF."""
    ends = [i for i in range(len(raw)) if raw[i : i + 1] in (b"\n", b"\r")]
    if not ends:
        return raw
    pos = data.draw(st.sampled_from(ends), label="line end")
    new = data.draw(st.sampled_from([b"\r", b"\n", b"\r\n", b""]), label="as")
    width = 2 if raw[pos : pos + 2] == b"\r\n" else 1
    return raw[:pos] + new + raw[pos + width :]


def _huge_field(raw: bytes, data) -> bytes:
    pos = data.draw(st.integers(0, len(raw)), label="at")
    size = data.draw(st.sampled_from([10_000, 200_000, 2_000_000]), label="size")
    return raw[:pos] + b"x" * size + raw[pos:]


def _blank_rows(raw: bytes, data) -> bytes:
    lines = raw.splitlines(True)
    pos = data.draw(st.integers(0, len(lines)), label="blank at")
    blank = data.draw(st.sampled_from([b"\r\n", b",,,\r\n", b"\n", b" \n"]))
    return b"".join(lines[:pos] + [blank] + lines[pos:])


MUTATIONS = [
    _truncate, _shuffle, _encode, _flip, _splice, _garbage, _text_garbage, _stray_quote,
    _line_ends, _huge_field, _blank_rows,
]  # fmt: skip


def _outcome(path: Path, questionnaire) -> None:
    try:
        survey = import_responses(path, questionnaire, lenient=True)
    except ResearchError as exc:
        assert str(exc), "a ResearchError must say what is wrong"
        # The file, or for a ZIP download "archive.zip!member.csv", is named.
        assert exc.path is not None and Path(exc.path.split("!")[0]).name == path.name
        return
    assert survey.n_kept + survey.n_excluded == survey.n_read
    assert survey.responses.index.is_unique
    plain = _plain_count(path, survey.layout)
    if plain is not None:  # rows read = records a plain CSV parser counts past the header
        assert survey.n_read == plain, (survey.layout, survey.n_read, plain)


#: Header rows of each CSV layout.
HEADER_ROWS = {"3-row": 3, "insights": 3, "legacy": 2, "2-row": 2, "1-row": 1}


def _plain_count(path: Path, layout: str) -> int | None:
    """Non-blank records past the header by Python's csv module (UTF-8 CSV files only)."""
    if path.suffix != ".csv" or layout not in HEADER_ROWS:
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=","))
    except (UnicodeDecodeError, csv.Error):
        return None
    if any(ch in text.split("\n", 1)[0] for ch in (";", "\t")) or "\x00" in text:
        return None  # another delimiter or binary junk: no single plain reading to compare
    return max(0, sum(1 for r in rows if any(c.strip() for c in r)) - HEADER_ROWS[layout])


@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("RESEARCH_FUZZ_EXAMPLES", "300")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    mutation=st.sampled_from(MUTATIONS),
    with_questionnaire=st.booleans(),
    data=st.data(),
)
def test_mutated_exports_give_a_result_or_a_research_error(
    seed, mutation, with_questionnaire, data
):
    raw = mutation(SEEDS[seed], data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / seed
        path.write_bytes(raw)
        _outcome(path, Q if with_questionnaire else None)


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_unmutated_seeds_import(seed, tmp_path):
    path = tmp_path / seed
    path.write_bytes(SEEDS[seed])
    _outcome(path, None)
