"""The reports of a full study (weights, scorecard, interviews, respondents, typing tool)."""

from __future__ import annotations

import hashlib
import pickle
import time
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import openpyxl  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import research.cli.report  # noqa: E402,F401  (registers `research report`)
import research.segments  # noqa: E402
from research.cli import app  # noqa: E402
from research.datasets import demo_paths  # noqa: E402
from research.errors import ReportError  # noqa: E402
from research.reports import _common as c  # noqa: E402
from research.reports import (  # noqa: E402
    load_content,
    page_count,
    page_titles,
    rename_personas,
    sheet_names,
    write_pdf,
    write_pngs,
    write_reports,
    write_workbook,
)
from research.reports import pdf as pdf_module  # noqa: E402
from research.reports._pdf_layout import MARGIN, PAGE_SIZE  # noqa: E402
from research.reports._sheets_profile import sig_text  # noqa: E402
from research.reports.simulate import simulate_content  # noqa: E402
from research.safe_cells import allow_formula  # noqa: E402

CREATED = "2026-02-02T10:00:00"


@pytest.fixture(scope="module")
def content():
    base = simulate_content(4, 900, weighted=True, random_state=4, created=CREATED)
    quotes = base.quotes.copy()
    quotes.loc[0, "quote"] = '=HYPERLINK("http://x")'  # formula-looking free text
    return replace(base, quotes=quotes)


@pytest.fixture(scope="module")
def files(content, tmp_path_factory):
    return write_reports(content, tmp_path_factory.mktemp("full"))


@pytest.fixture(scope="module")
def wb(files):
    return openpyxl.load_workbook(files["workbook"])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sheets_in_the_order_the_issue_lists(wb, content):
    personas = [f"{p.segment} {p.name}"[:31] for p in content.personas]
    assert wb.sheetnames == sheet_names(content)
    assert wb.sheetnames == [
        "Summary",
        "Segment sizes",
        "Profile table",
        "Factor loadings",
        "Model selection",
        "Scorecard",
        "Personas",
        *personas,
        "Themes by segment",
        "Quotes",
        "Data quality",
        "Respondents",
    ]


def test_respondents_sheet_matches_content(wb, content):
    ws = wb["Respondents"]
    resp = content.respondents
    assert [c.value for c in ws[1]] == [
        "Respondent",
        "Segment",
        "Persona",
        "Posterior probability",
        "Weight",
    ]
    assert ws.max_row == len(resp) + 1
    for r in (2, 500, ws.max_row):
        rid = ws.cell(r, 1).value
        assert ws.cell(r, 2).value == resp.loc[rid, "segment"]
        assert ws.cell(r, 3).value == resp.loc[rid, "persona"]
        assert ws.cell(r, 4).value == pytest.approx(round(resp.loc[rid, "posterior"], 3))
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:E")


def test_weighted_sizes_sheet(wb, content):
    ws = wb["Segment sizes"]
    assert [c.value for c in ws[1]][:5] == [
        "Segment",
        "Name",
        "Respondents",
        "Weighted share",
        "Weighted respondents",
    ]
    for i, p in enumerate(content.personas, start=2):
        assert ws.cell(i, 4).value == round(p.share, 3)
        assert ws.cell(i, 5).value == pytest.approx(round(p.weighted_size, 1))


def test_scorecard_sheet_colours_verdicts(wb, content):
    ws = wb["Scorecard"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Segment", "Name", "Identifiable"] and len(header) == 9
    card = content.scorecard
    for i, p in enumerate(content.personas, start=2):
        for j, criterion in enumerate(header[2:], start=3):
            rec = card[(card["segment"] == p.segment) & (card["criterion"] == criterion.lower())]
            status = rec["status"].iloc[0]
            mark, strong, light = c.STATUS_STYLE[status]
            cell = ws.cell(i, j)
            assert cell.value.startswith(mark)
            assert cell.fill.fgColor.rgb.endswith(light.lstrip("#"))


def test_profile_table_significance_columns(wb, content):
    ws = wb["Profile table"]
    header = [c.value for c in ws[2]]
    prof = content.profiles
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    checked = 0
    for r, values in enumerate(rows, start=4):
        category = prof["category"].fillna("") == (values[2] or "")
        rec = prof[(prof["variable"] == values[-1]) & category]
        for _, cell in rec.iterrows():
            letter = "ABCD"[cell["segment"] - 1]
            assert (values[header.index(f"{letter} sig.")] or "") == sig_text(
                cell["sig"], cell["letters"]
            )
            font = ws.cell(r, header.index(f"{letter} sig.")).font  # the value cell, left of it
            if cell["sig"] == "higher":
                assert font.bold and font.color.rgb.endswith(c.ABOVE.lstrip("#"))
                checked += 1
    assert checked > 10
    assert "Benjamini" in ws["A1"].value


def test_loadings_cross_loading_is_highlighted(wb, content):
    ws = wb["Factor loadings"]
    amber = c.STATUS_STYLE["caution"][2].lstrip("#")
    assert ws.cell(3, 5).value == pytest.approx(round(content.loadings.iloc[0, 3], 2))
    fills = [ws.cell(3, j).fill.fgColor.rgb for j in range(4, 4 + 6)]
    assert sum(f.endswith(amber) for f in fills) == 1
    assert "cross-loading" in ws.cell(3, 10).value


def test_persona_sheet_needs_and_themes(wb, content):
    p = content.personas[2]
    ws = wb[f"{p.segment} {p.name}"[:31]]
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "TOP NEEDS")
    where = {ws.cell(r, 2).value: r for r in range(start, start + 8)}
    for need in p.needs.itertuples():
        r = where[need.text]
        assert ws.cell(r, 1).value == need.rank
        assert ws.cell(r, 3).value == pytest.approx(round(need.mean, 2))
        assert ws.cell(r, 6).value == pytest.approx(round(need.top_box, 3))
    where = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    for theme in p.top_codes.itertuples():
        assert ws.cell(where[theme.label], 3).value == theme.transcripts
    sections = {ws.cell(r, 1).value for r in range(1, ws.max_row + 1)}
    assert {"ATTITUDE PROFILE", "TOP NEEDS", "HOW TO REACH THEM", "SCORECARD"} <= sections


def test_themes_sheet_matches_content(wb, content):
    ws = wb["Themes by segment"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(content.themes)
    first = content.themes.iloc[0]
    expected = ("segment", "persona", "label", "code", "transcripts")
    assert rows[0][:5] == tuple(first[k] for k in expected)
    assert rows[0][7] == pytest.approx(round(first["sentiment"], 2))


def test_formula_looking_quote_stays_text(wb):
    cells = [c for c in wb["Quotes"]["E"] if c.value == '=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    for ws in wb:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row), ws.title


def test_typing_tool_sheet_comes_from_the_segments_stage(content, tmp_path, monkeypatch):
    calls = []

    def add_typing_tool_sheet(workbook, tool, **labels):
        calls.append(tool)
        assert labels["segment_names"] == {p.segment: p.name for p in content.personas}
        ws = workbook.create_sheet("Typing tool")
        ws["A1"], ws["B1"], ws["C1"] = "score", "=1+1", "=2+2"
        allow_formula(ws, ws["B1"])  # only registered formulas stay live

    monkeypatch.setattr(research.segments, "add_typing_tool_sheet", add_typing_tool_sheet, False)
    tool = object()
    with_tool = replace(content, typing_tool=tool)
    wb = openpyxl.load_workbook(write_workbook(with_tool, tmp_path / "t.xlsx"))
    assert calls == [tool]
    names = wb.sheetnames
    assert names == sheet_names(with_tool)
    assert names.index("Typing tool") == names.index("Data quality") - 1
    assert wb["Typing tool"]["B1"].data_type == "f"
    assert wb["Typing tool"]["C1"].data_type == "s" and wb["Typing tool"]["C1"].value == "=2+2"

    monkeypatch.delattr(research.segments, "add_typing_tool_sheet")
    monkeypatch.setattr(research.segments, "_LAZY", {})  # nor loaded on first use
    wb = openpyxl.load_workbook(write_workbook(with_tool, tmp_path / "u.xlsx"))
    assert "Typing tool" not in wb.sheetnames


def test_pdf_pages_names_and_scorecard(files, content):
    reader = PdfReader(files["pdf"])
    titles = page_titles(content)
    assert len(reader.pages) == page_count(content) == 5 + 4 + 3
    texts = [page.extract_text() for page in reader.pages]
    for p in content.personas:
        i = titles.index(c.persona_label(p))
        assert p.name in texts[i] and p.name in texts[1]
        assert "SCORECARD" in texts[i]
    assert "Segment scorecard" in texts[-1] and "Kish" in texts[-2]
    assert "of customers (weighted)" in texts[titles.index(c.persona_label(content.personas[0]))]


def test_no_text_leaves_its_page(content):
    created = c.parse_created(content)
    width, height = PAGE_SIZE
    for number, fig in enumerate(pdf_module._pages(content, created), start=1):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        dpi = fig.dpi
        left, right = (MARGIN - 0.02) * dpi, (width - MARGIN + 0.02) * dpi
        for text in fig.texts:
            if not text.get_text():
                continue
            box = text.get_window_extent(renderer)
            assert left <= box.x0 and box.x1 <= right, (number, text.get_text())
            assert 0 <= box.y0 and box.y1 <= height * dpi, (number, text.get_text())
        for ax in fig.axes:
            box = ax.get_tightbbox(renderer)
            assert box.x0 >= 0.2 * dpi and box.x1 <= (width - 0.2) * dpi, (number, ax.get_title())


def test_pngs_for_slides(content, files):
    names = sorted(p.name for p in files["charts"].iterdir())
    assert len(names) == 3 + 4 * len(content.personas)
    assert "segment_3_needs.png" in names and "segment_3_channels.png" in names


def test_reports_are_byte_stable(content, files, tmp_path, monkeypatch):
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86_400)
    assert _digest(write_workbook(content, tmp_path / "a.xlsx")) == _digest(files["workbook"])
    assert _digest(write_pdf(content, tmp_path / "a.pdf")) == _digest(files["pdf"])
    for png in write_pngs(content, tmp_path / "png"):
        assert _digest(png) == _digest(files["charts"] / png.name), png.name


def test_an_old_pickle_bundle_is_never_loaded(tmp_path):
    class Boom:
        def __reduce__(self):
            return (Path.write_text, (tmp_path / "pwned", "ran"))

    (tmp_path / "report_content.pkl").write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ReportError, match="old pickle bundle, which is never loaded"):
        load_content(tmp_path / "report_content")
    assert not (tmp_path / "pwned").exists()
    with pytest.raises(ReportError, match="no analysis results here"):
        load_content(tmp_path / "elsewhere" / "report_content")


def test_rename_errors(content):
    with pytest.raises(ReportError, match=r"segment 9 is not in this report; segments are \[1, 2"):
        rename_personas(content, {9: "X"})
    with pytest.raises(ReportError, match="two segments would both be called 'Same'"):
        rename_personas(content, {1: "Same", 2: "Same"})


def test_report_command_rebuilds_with_the_study_files_words(content, tmp_path):
    runner = CliRunner()
    demo = demo_paths()
    study = tmp_path / "study.yaml"
    study.write_text(
        "title: Renamed study\n"
        f"questionnaire: {demo['questionnaire']}\n"
        f"export: {demo['export']}\n"
        "segments:\n  names:\n    2: Weekend Browsers\n"
    )
    out = tmp_path / "run"
    result = runner.invoke(app, ["report", str(study), "--out", str(out)])
    assert result.exit_code == 2
    assert "run `research run STUDY.yaml` first" in result.output
    assert len(result.output.strip().splitlines()) == 1

    write_reports(content, out, pngs=False)
    result = runner.invoke(app, ["report", str(study), "--out", str(out), "--no-charts"])
    assert result.exit_code == 0, result.output
    assert "2. Weekend Browsers" in result.output and "personas.pdf" in result.output
    rebuilt = load_content(out / "report_content")
    assert rebuilt.title == "Renamed study" and rebuilt.personas[1].name == "Weekend Browsers"
    assert set(rebuilt.respondents.loc[rebuilt.respondents["segment"] == 2, "persona"]) == {
        "Weekend Browsers"
    }
    assert "2 Weekend Browsers" in openpyxl.load_workbook(out / "personas.xlsx").sheetnames
    assert "Weekend Browsers" in PdfReader(out / "personas.pdf").pages[1].extract_text()
    assert "Renamed study" in PdfReader(out / "personas.pdf").pages[0].extract_text()
    assert not (out / "charts").exists()
