"""The report-content bundle: exact round trip, and hostile bundles rejected in one line."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import research
from research.errors import ReportError
from research.reports.bundle import MANIFEST, read_bundle, write_bundle
from research.reports.simulate import simulate_content

CREATED = "2026-03-25T09:00:00"


@pytest.fixture(scope="module")
def content():
    base = simulate_content(3, 400, weighted=True, random_state=7, created=CREATED)
    quotes = base.quotes.copy()
    quotes.loc[0, "quote"] = 'He said "no", then\nleft; 3,5 € — ünïcode'
    return replace(base, quotes=quotes, question_text={"q1": "Wording, with a comma"})


@pytest.fixture()
def bundle(content, tmp_path):
    return write_bundle(content, tmp_path / "report_content")


def _frames(obj):
    return {
        name: value
        for name, value in vars(obj).items()
        if isinstance(value, pd.DataFrame | pd.Series)
    }


def test_round_trip_is_exact(content, bundle):
    back = read_bundle(bundle)
    assert back.title == content.title and back.created == content.created
    assert back.question_text == content.question_text
    for name, frame in _frames(content).items():
        if isinstance(frame, pd.DataFrame):
            pd.testing.assert_frame_equal(getattr(back, name), frame, check_exact=True)
    for mine, theirs in zip(content.personas, back.personas, strict=True):
        assert mine.name == theirs.name and mine.share == theirs.share  # bit-identical float
        pd.testing.assert_series_equal(theirs.attitudes, mine.attitudes, check_exact=True)
        pd.testing.assert_frame_equal(theirs.demographics, mine.demographics, check_exact=True)


def test_the_demo_bundle_rebuilds_identical_reports(demo_run, tmp_path):
    from research.reports import write_pdf, write_workbook

    content = demo_run.content
    back = read_bundle(write_bundle(content, tmp_path / "b"))
    assert back.typing_tool is not None
    pd.testing.assert_frame_equal(back.typing_tool.coefficients, content.typing_tool.coefficients)

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    assert digest(write_workbook(back, tmp_path / "b.xlsx")) == digest(
        write_workbook(content, tmp_path / "a.xlsx")
    )
    assert digest(write_pdf(back, tmp_path / "b.pdf")) == digest(
        write_pdf(content, tmp_path / "a.pdf")
    )


def _edit(bundle: Path, change) -> None:
    path = bundle / MANIFEST
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _first_table(data) -> str:
    return sorted(data["tables"])[0]


HOSTILE = {
    "foreign format": (lambda d: d.update(format="something-else"), "not a report-content"),
    "newer version": (lambda d: d.update(version=99), "bundle version 99"),
    "path traversal": (
        lambda d: d["tables"][_first_table(d)].update(file="../../etc/passwd"),
        "not a valid report-content bundle",
    ),
    "unknown record type": (
        lambda d: d["content"].update({"$record": "os.system"}),
        "unknown record type 'os.system'",
    ),
    "extra field": (
        lambda d: d["content"]["fields"].update(evil={"$map": {}}),
        "ReportContent has no field 'evil'",
    ),
    "wrong field type": (
        lambda d: d["content"]["fields"].update(title=["a", "list"]),
        "ReportContent.title should be str",
    ),
    "missing field": (
        lambda d: d["content"]["fields"].pop("personas"),
        "ReportContent lacks the field 'personas'",
    ),
    "table not in manifest": (
        lambda d: d["content"]["fields"].update(summary={"$frame": "t999"}),
        "names a table 't999' the manifest lacks",
    ),
    "disallowed dtype": (
        lambda d: d["tables"][_first_table(d)]["columns"][0].update(dtype="datetime64[ns]"),
        "not a valid report-content bundle",
    ),
    "huge row count": (
        lambda d: d["tables"][_first_table(d)].update(rows=10**12),
        "not a valid report-content bundle",
    ),
    "unknown node": (
        lambda d: d["content"]["fields"].update(title={"$eval": "1+1"}),
        "unknown kind of value",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_manifests_are_one_line_errors(bundle, case):
    change, message = HOSTILE[case]
    _edit(bundle, change)
    with pytest.raises(ReportError, match=re.escape(message)) as info:
        read_bundle(bundle)
    text = str(info.value)
    assert "\n" not in text and len(text) < 400


def test_tampered_or_damaged_tables_are_caught(bundle):
    table = sorted(bundle.glob("t*.csv"))[0]
    table.write_text(table.read_text().replace("1", "2", 1))
    with pytest.raises(ReportError, match="was changed after it was written"):
        read_bundle(bundle)
    table.unlink()
    with pytest.raises(ReportError, match="is missing"):
        read_bundle(bundle)


def test_a_table_whose_cells_do_not_fit_their_dtype_is_refused(bundle):
    data = json.loads((bundle / MANIFEST).read_text())
    key, spec = next(
        (k, s) for k, s in sorted(data["tables"].items()) if s["columns"][0]["dtype"] == "str"
    )
    path = bundle / spec["file"]
    lines = path.read_text().splitlines()
    first = lines[1].split(",", 2)
    lines[1] = ",".join([first[0], "[1, 2]", *first[2:]]) if len(first) > 2 else lines[1]
    path.write_text("\n".join(lines) + "\n")
    spec["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    data["tables"][key] = spec
    (bundle / MANIFEST).write_text(json.dumps(data))
    with pytest.raises(ReportError, match="not a valid report-content bundle"):
        read_bundle(bundle)


def test_garbage_manifest_is_a_one_line_error(bundle):
    (bundle / MANIFEST).write_bytes(b"\x80\x81 not json" + b"[" * 5000)
    with pytest.raises(ReportError, match="is not JSON"):
        read_bundle(bundle)
    (bundle / MANIFEST).write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ReportError, match="not"):
        read_bundle(bundle)


def test_report_command_exits_2_on_a_foreign_bundle(bundle, tmp_path):
    import research.cli.report  # noqa: F401  (registers `research report`)
    from research.cli import app
    from research.datasets import demo_paths

    _edit(bundle, lambda d: d["content"].update({"$record": "subprocess.Popen"}))
    study = tmp_path / "study.yaml"
    demo = demo_paths()
    study.write_text(
        f"title: T\nquestionnaire: {demo['questionnaire']}\nexport: {demo['export']}\n"
    )
    result = CliRunner().invoke(app, ["report", str(study), "--out", str(bundle.parent)])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "unknown record type" in result.output


def test_no_pickle_anywhere_in_the_package():
    root = Path(research.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(
            r"\bimport (c?pickle|joblib|dill)\b|read_pickle|allow_pickle=True", path.read_text()
        )
    ]
    assert offenders == []
