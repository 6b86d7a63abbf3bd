"""Tests of the stakeholder report writers (workbook, PDF, PNG charts, atomic writes)."""

from __future__ import annotations

import hashlib
import struct
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from research.errors import ReportError, ResearchError  # noqa: E402
from research.personas.model import Persona, ReportContent  # noqa: E402
from research.reports import atomic_write, charts, write_pdf, write_pngs, write_workbook  # noqa: E402
from research.reports import excel as excel_module  # noqa: E402
from research.reports import pdf as pdf_module  # noqa: E402

TRICKY_QUOTES = ('=HYPERLINK("http://x")', "-5 is fine", "@home", "+44 number, call me")

# ---------------------------------------------------------------------------------------------
# fixture factory
# ---------------------------------------------------------------------------------------------

_NAMES = [
    ("Eco-minded Style Seekers", "Buy less but better: sustainability and look both matter."),
    ("Budget Pragmatists", "Price comes first; they shop around and wait for discounts."),
    ("Convenience Loyalists", "Stick with a few trusted brands that make buying effortless."),
    ("Vintage Treasure Hunters", "Love the thrill of the find in second-hand and vintage stores."),
    ("Disengaged Basics Buyers", "Clothes are a necessity; little interest in brands or trends."),
]
_COLORS = ["#1B9E77", "#D95F02", "#7570B3", "#E6AB02", "#E7298A"]
_FACTORS = ["Sustainability", "Price focus", "Style seeking", "Convenience", "Brand trust"]
_ITEMS = [
    ("Q1_1", "I check how clothes were made before buying them", "Sustainability"),
    ("Q1_2", "I would pay more for clothes made from recycled materials", "Sustainability"),
    ("Q1_3", "I always look for the lowest price", "Price focus"),
    ("Q1_4", "I wait for sales before buying clothes", "Price focus"),
    ("Q1_5", "I like to stand out with what I wear", "Style seeking"),
    ("Q1_6", "I follow fashion influencers on social media", "Style seeking"),
    ("Q1_7", "Buying clothes should be quick and easy", "Convenience"),
    ("Q1_8", "I prefer shops that deliver to my door the next day", "Convenience"),
    ("Q1_9", "I stay with brands I know", "Brand trust"),
    ("Q1_10", "A well-known brand is a sign of quality", "Brand trust"),
]
_NEEDS = [
    ("N1", "Clothes that last for years"),
    ("N2", "Free and easy returns"),
    ("N3", "Unique pieces nobody else has"),
]
_CATEGORIES = {
    ("Demographics", "Age"): ["18\u201324", "25\u201334", "35\u201354", "55+"],
    ("Demographics", "Gender"): ["Woman", "Man", "Another identity"],
    ("Behaviour", "Buys second-hand"): ["Monthly", "A few times a year", "Never"],
    ("Channels", "Main channel"): ["Instagram", "Brand website", "Marketplace app", "In store"],
}
_CODES = [
    ("price", "Price and value"),
    ("quality", "Quality and durability"),
    ("sustain", "Sustainability concerns"),
    ("thrill", "Thrill of the find"),
    ("returns", "Returns and delivery"),
]


def _shares(rng: np.random.Generator, k: int) -> np.ndarray:
    raw = rng.gamma(2.0, 1.0, size=k)
    return raw / raw.sum()


def make_content(
    n_personas: int = 4,
    *,
    seed: int = 7,
    created: str = "2024-05-01T09:30:00",
    tricky_quotes: bool = True,
) -> ReportContent:
    """A realistic ReportContent with ``n_personas`` fake personas (unrounded statistics)."""
    rng = np.random.default_rng(seed)
    segments = list(range(1, n_personas + 1))
    sizes = np.sort(rng.integers(60, 200, size=n_personas))[::-1]
    kept = int(sizes.sum())
    shares = sizes / kept

    profile_rows = []
    item_means: dict[int, dict[str, float]] = {s: {} for s in segments}
    totals: dict[str, float] = {}
    for item, text, _construct in _ITEMS + [(n, t, None) for n, t in _NEEDS]:
        section = "Needs" if item.startswith("N") else "Attitudes"
        means = rng.uniform(1.8, 4.6, size=n_personas)
        total = float(np.dot(means, shares))
        totals[item] = total
        for s, m in zip(segments, means, strict=True):
            item_means[s][item] = float(m)
            profile_rows.append(
                dict(
                    section=section,
                    variable=item,
                    label=text,
                    category=None,
                    segment=s,
                    value=float(m),
                    total=total,
                    index=100 * float(m) / total,
                )
            )
    demo_rows: dict[int, list[dict]] = {s: [] for s in segments}
    for (section, variable), cats in _CATEGORIES.items():
        seg_shares = {s: _shares(rng, len(cats)) for s in segments}
        total_shares = sum(seg_shares[s] * sh for s, sh in zip(segments, shares, strict=True))
        for j, cat in enumerate(cats):
            for s in segments:
                value, total = float(seg_shares[s][j]), float(total_shares[j])
                row = dict(
                    section=section,
                    variable=variable,
                    label=variable,
                    category=cat,
                    segment=s,
                    value=value,
                    total=total,
                    index=100 * value / total,
                )
                profile_rows.append(row)
                demo_rows[s].append(
                    dict(
                        variable=variable,
                        category=cat,
                        share=value,
                        total_share=total,
                        index=row["index"],
                    )
                )
    profiles = pd.DataFrame(profile_rows)

    factor_means = pd.DataFrame(
        rng.normal(0, 0.6, size=(n_personas, len(_FACTORS))), index=segments, columns=_FACTORS
    )
    factor_means.index.name = "segment"

    personas = []
    quote_rows = []
    for i, s in enumerate(segments):
        name, description = _NAMES[i]
        dist = []
        for item, text, _construct in _ITEMS:
            m, t = item_means[s][item], totals[item]
            dist.append(
                dict(
                    item=item,
                    text=text,
                    construct=_construct,
                    mean=m,
                    total_mean=t,
                    index=100 * m / t,
                    direction="higher" if m >= t else "lower",
                )
            )
        dist_frame = pd.DataFrame(dist)
        dist_frame = dist_frame.reindex(
            (dist_frame["index"] - 100).abs().sort_values(ascending=False).index
        ).head(6)
        codes = pd.DataFrame(
            [
                dict(code=code, label=label, passages=int(p), transcripts=int(t))
                for (code, label), p, t in zip(
                    _CODES,
                    sorted(rng.integers(3, 30, 5), reverse=True),
                    rng.integers(1, 8, 5),
                    strict=True,
                )
            ]
        )
        quotes = [
            dict(
                code="price",
                transcript=f"T0{i + 1}",
                quote="If it is not on sale I just leave it in the basket and wait a week or two.",
            ),
            dict(
                code="quality",
                transcript=f"T1{i}",
                quote=(
                    "Honestly, I'd rather have three things I love and wear for years than a "
                    "wardrobe full of stuff that falls apart after two washes. When I find a "
                    "shop that gets that right, with proper information about where things "
                    "come from and how they were made, I keep going back, and I tell my "
                    "friends about it too, which is more than any advert could ever do."
                ),
            ),
            dict(code="thrill", transcript=f"T2{i}", quote="Finding a $5 jacket is the best."),
        ]
        if tricky_quotes and i == 0:
            quotes += [dict(code="returns", transcript="T09", quote=q) for q in TRICKY_QUOTES]
        quotes_frame = pd.DataFrame(quotes)
        personas.append(
            Persona(
                segment=s,
                name=name,
                description=description,
                size=int(sizes[i]),
                share=float(shares[i]),
                color=_COLORS[i],
                attitudes=factor_means.loc[s].rename(None),
                distinctive_items=dist_frame.reset_index(drop=True),
                demographics=pd.DataFrame(demo_rows[s]),
                top_codes=codes,
                quotes=quotes_frame,
            )
        )
        for q in quotes:
            quote_rows.append(dict(segment=s, persona=name, **q))

    loadings = pd.DataFrame(
        rng.uniform(-0.25, 0.25, size=(len(_ITEMS), len(_FACTORS))),
        index=[item for item, _, _ in _ITEMS],
        columns=_FACTORS,
    )
    for item, _, construct in _ITEMS:
        loadings.loc[item, construct] = rng.uniform(0.38, 0.85)
    loadings.loc["Q1_4", "Brand trust"] = 0.33  # between the grey and bold thresholds
    loadings.insert(0, "construct", [c for _, _, c in _ITEMS])
    loadings.insert(0, "text", [t for _, t, _ in _ITEMS])

    read = kept + 57
    quality = pd.DataFrame(
        dict(
            reason=["speeding", "straight-lining", "failed attention check", "duplicate", "kept"],
            respondents=[21, 17, 12, 7, kept],
        )
    )
    reasons = ["speeding"] * 21 + ["straight-lining"] * 17 + ["failed attention check"] * 12
    reasons += ["duplicate"] * 7
    exclusions = pd.DataFrame(
        dict(
            respondent_id=[f"R{1000 + i}" for i in range(len(reasons))],
            reason=reasons,
            detail=[f"rule fired for respondent {i}" for i in range(len(reasons))],
        )
    )
    ks = list(range(2, 8))
    chosen_k = n_personas
    model_selection = pd.DataFrame(
        dict(
            k=ks,
            log_likelihood=[-21000.123 + 300 * k - 12 * k * k for k in ks],
            n_parameters=[k * 25 - 1 for k in ks],
            bic=[42500.456 - 350 * k + 40 * (k - chosen_k) ** 2 for k in ks],
            aic=[42100.789 - 420 * k + 30 * (k - chosen_k) ** 2 for k in ks],
            smallest_share=[0.31 / k for k in ks],
            chosen=[k == chosen_k for k in ks],
        )
    )
    summary = pd.DataFrame(
        dict(
            field=[
                "Respondents read",
                "Respondents kept",
                "Respondents excluded",
                "Share kept",
                "Attitude factors",
                "Segments",
                "Why this number of segments",
                "Fieldwork",
            ],
            value=[
                read,
                kept,
                read - kept,
                kept / read,
                len(_FACTORS),
                n_personas,
                f"{n_personas} segments had the lowest BIC among solutions whose smallest "
                "segment holds at least 5% of respondents.",
                "March 2024, online panel, UK adults who bought clothes in the last 6 months",
            ],
        )
    )
    segment_sizes = pd.DataFrame(
        dict(segment=segments, name=[p.name for p in personas], n=sizes, share=shares)
    )
    return ReportContent(
        title="Thrift & Style: who buys clothes, and why",
        subtitle="Needs-based segmentation of 2024 UK clothing shoppers (latent class, 5 factors)",
        personas=personas,
        summary=summary,
        segment_sizes=segment_sizes,
        profiles=profiles,
        factor_means=factor_means,
        loadings=loadings,
        model_selection=model_selection,
        quality=quality,
        exclusions=exclusions,
        quotes=pd.DataFrame(quote_rows),
        created=created,
    )


# ---------------------------------------------------------------------------------------------
# shared outputs (written once per module: the writers are deterministic)
# ---------------------------------------------------------------------------------------------

SHEETS = [
    "Summary",
    "Segment sizes",
    "Profile table",
    "Factor loadings",
    "Model selection",
    "Personas",
    "1 Eco-minded Style Seekers",
    "2 Budget Pragmatists",
    "3 Convenience Loyalists",
    "4 Vintage Treasure Hunters",
    "Quotes",
    "Data quality",
]
TABLE_SHEETS = [
    "Summary",
    "Segment sizes",
    "Profile table",
    "Factor loadings",
    "Personas",
    "Quotes",
]


@pytest.fixture(scope="module")
def content() -> ReportContent:
    return make_content(4)


@pytest.fixture(scope="module")
def workbook_path(content, tmp_path_factory) -> Path:
    return write_workbook(content, tmp_path_factory.mktemp("xlsx") / "out" / "report.xlsx")


@pytest.fixture(scope="module")
def wb(workbook_path):
    return openpyxl.load_workbook(workbook_path)


@pytest.fixture(scope="module")
def pdf_path(content, tmp_path_factory) -> Path:
    return write_pdf(content, tmp_path_factory.mktemp("pdf") / "report.pdf")


def _header(ws, row: int = 1) -> list:
    return [c.value for c in ws[row] if c.value is not None]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _later_clock(monkeypatch) -> None:
    """Move the wall clock on by a day, so any timestamp taken from it would change bytes."""
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86_400)


# ---------------------------------------------------------------------------------------------
# workbook
# ---------------------------------------------------------------------------------------------


def test_sheet_names_and_order(wb, content):
    assert wb.sheetnames == SHEETS == excel_module.sheet_names(content)


def test_headers(wb, content):
    labels = [f"{p.segment} \u00b7 {p.name}" for p in content.personas]
    assert _header(wb["Summary"])[:2] == ["Field", "Value"]
    assert _header(wb["Segment sizes"])[:4] == ["Segment", "Name", "Respondents", "Share"]
    banner = ["Section", "Question", "Category", "Total"]
    for label, letter in zip(labels, "ABCD", strict=True):
        banner += [f"{label} ({letter})", f"{letter} sig.", f"{letter} index"]
    assert _header(wb["Profile table"], 2) == [*banner, "Variable"]
    assert _header(wb["Factor loadings"], 2) == [
        "Item",
        "Text",
        "Construct",
        *[col for col in content.loadings.columns if col not in ("text", "construct")],
        "Flag",
    ]
    assert _header(wb["Model selection"])[:2] == ["Segments (k)", "Log-likelihood"]
    assert _header(wb["Quotes"]) == ["Segment", "Persona", "Theme", "Transcript", "Quote"]
    quality = wb["Data quality"]
    assert _header(quality, 2) == ["Reason", "Respondents"]
    header_rows = [r for r in range(1, 20) if quality.cell(r, 1).value == "Respondent"]
    assert len(header_rows) == 1
    assert _header(quality, header_rows[0]) == ["Respondent", "Reason", "Detail"]


def test_table_sheets_have_styled_frozen_header_and_filter(wb):
    for name in TABLE_SHEETS + ["Data quality"]:
        ws = wb[name]
        assert ws.freeze_panes, ws.title
        assert ws.auto_filter.ref, ws.title
        header_row = int("".join(ch for ch in ws.auto_filter.ref.split(":")[0] if ch.isdigit()))
        assert ws[ws.freeze_panes].row == header_row + 1, ws.title
        first = ws.cell(header_row, 1)
        assert first.font.bold and first.fill.fgColor.rgb.endswith("2F3B4C"), ws.title
    for ws in wb:
        assert ws.freeze_panes, ws.title
        for letter, dim in ws.column_dimensions.items():
            assert dim.width is None or dim.width <= 70, (ws.title, letter, dim.width)


def test_segment_sizes_sheet_values_and_chart(wb, content):
    ws = wb["Segment sizes"]
    for i, p in enumerate(content.personas, start=2):
        assert [ws.cell(i, j).value for j in (1, 2, 3)] == [p.segment, p.name, p.size]
        assert ws.cell(i, 4).value == round(p.share, 3)
        assert ws.cell(i, 4).number_format == "0%"
        assert ws.cell(i, 1).fill.fgColor.rgb.endswith(p.color.lstrip("#").upper())
    sizes, attitudes = ws._charts
    fills = [pt.graphicalProperties.solidFill.srgbClr for pt in sizes.series[0].dPt]
    assert [getattr(f, "val", f) for f in fills] == [
        p.color.lstrip("#").upper() for p in content.personas
    ]
    assert len(attitudes.series) == len(content.personas)  # one series per segment


def test_persona_sheets_match_persona_objects(wb, content):
    for p, name in zip(content.personas, SHEETS[6:10], strict=True):
        ws = wb[name]
        assert ws["A1"].value == f"{p.segment} \u00b7 {p.name}"
        assert ws["A1"].fill.fgColor.rgb.endswith(p.color.lstrip("#").upper())
        assert ws["A2"].value == p.description
        assert f"{p.size:,} respondents" in ws["A3"].value
        column = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
        for factor, z in p.attitudes.items():
            assert ws.cell(column[factor], 3).value == pytest.approx(round(z, 2))
        for item in p.distinctive_items.itertuples():
            r = column[item.text]
            assert ws.cell(r, 3).value == pytest.approx(round(item.mean, 2))
            assert ws.cell(r, 5).value == round(item.index)
        text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        for q in p.quotes["quote"]:
            assert q in text
        assert len(ws._charts) == 1  # native attitude chart


def _profile_rows(ws):
    header = [c.value for c in ws[2]]
    return header, {
        (r[0], r[-1], r[2] or ""): dict(zip(header, r, strict=True))
        for r in ws.iter_rows(min_row=4, values_only=True)
    }


def test_profile_values_match_input_after_rounding(wb, content):
    ws = wb["Profile table"]
    header, rows = _profile_rows(ws)
    labels = {p.segment: f"{p.segment} \u00b7 {p.name}" for p in content.personas}
    letters = dict(zip(labels, "ABCD", strict=False))
    assert len(rows) == len(content.profiles.drop_duplicates(["variable", "category"]))
    for rec in content.profiles.to_dict("records"):
        category = rec["category"] if isinstance(rec["category"], str) else ""
        row = rows[(rec["section"], rec["variable"], category)]
        digits = 3 if category else 2
        letter = letters[rec["segment"]]
        assert row[f"{labels[rec['segment']]} ({letter})"] == pytest.approx(
            round(rec["value"], digits), abs=1e-12
        )
        assert row["Total"] == pytest.approx(round(rec["total"], digits), abs=1e-12)
        assert row[f"{letter} index"] == round(rec["index"])
    assert ws["A3"].value == "Base" and ws["D3"].value == sum(p.size for p in content.personas)
    item_row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 3).value is None)
    share_row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 3).value is not None)
    assert ws.cell(item_row, 5).number_format == "0.00"
    assert ws.cell(share_row, 5).number_format == "0%"


def test_profile_index_has_colour_scale_centred_at_100(wb, content):
    ws = wb["Profile table"]
    (cf,) = list(ws.conditional_formatting)
    (rule,) = cf.rules
    assert rule.type == "colorScale"
    cfvo = rule.colorScale.cfvo
    assert len(cfvo) == 3 and (cfvo[1].type, float(cfvo[1].val)) == ("num", 100.0)
    ranges = list(cf.sqref.ranges)
    assert len(ranges) == len(content.personas)
    for cells in ranges:
        assert str(ws.cell(2, cells.min_col).value).endswith(" index")


def test_loadings_emphasis(wb, content):
    ws = wb["Factor loadings"]
    assert "0.40" in ws["A1"].value and "0.30" in ws["A1"].value  # the note row
    flag_col = 4 + len(content.loadings.columns) - 2
    flagged = {ws.cell(r, 1).value: ws.cell(r, flag_col).value for r in range(3, 13)}
    assert "cross-loading" in flagged["Q1_4"]  # 0.33 on Brand trust besides its own factor
    factors = [c for c in content.loadings.columns if c not in ("text", "construct")]
    seen = {"bold": 0, "grey": 0, "plain": 0}
    for i, item in enumerate(content.loadings.index, start=3):
        assert ws.cell(i, 1).value == item
        for j, factor in enumerate(factors, start=4):
            cell = ws.cell(i, j)
            value = round(float(content.loadings.loc[item, factor]), 2)
            assert cell.value == pytest.approx(value)
            if abs(value) >= 0.4:
                assert cell.font.bold
                seen["bold"] += 1
            elif abs(value) < 0.3:
                assert cell.font.color.rgb.endswith("A6A6A6")
                seen["grey"] += 1
            else:
                assert not cell.font.bold
                seen["plain"] += 1
    assert all(seen.values())


def test_formula_like_text_stays_text(wb):
    ws = wb["Quotes"]
    cells = {c.value: c for c in ws["E"] if isinstance(c.value, str)}
    for text in TRICKY_QUOTES:
        assert text in cells, text
        assert cells[text].data_type == "s"
        assert cells[text].value == text
    assert cells['=HYPERLINK("http://x")'].quotePrefix
    # No formula anywhere in the workbook.
    for sheet in wb:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_formula_like_names_are_text_too(tmp_path):
    base = make_content(3)
    persona = replace(base.personas[0], name="=1+1 shoppers", description="@everyone")
    content = replace(base, personas=[persona, *base.personas[1:]], title="+ Study")
    wb = openpyxl.load_workbook(write_workbook(content, tmp_path / "x.xlsx"))
    ws = wb["Segment sizes"]
    assert (ws["B2"].value, ws["B2"].data_type) == ("=1+1 shoppers", "s")
    persona = wb[wb.sheetnames[6]]
    assert (persona["A2"].value, persona["A2"].data_type) == ("@everyone", "s")
    assert persona["A2"].quotePrefix
    assert wb["Summary"]["B2"].value == "+ Study" and wb["Summary"]["B2"].quotePrefix


def test_workbook_is_byte_identical_on_rewrite(content, workbook_path, tmp_path, monkeypatch):
    _later_clock(monkeypatch)
    again = write_workbook(content, tmp_path / "again.xlsx")
    assert _digest(again) == _digest(workbook_path)


def test_workbook_dates_come_from_content(wb):
    assert wb.properties.created == datetime(2024, 5, 1, 9, 30)
    assert wb.properties.modified == datetime(2024, 5, 1, 9, 30)


# ---------------------------------------------------------------------------------------------
# PDF and PNG
# ---------------------------------------------------------------------------------------------


def test_pdf_pages_and_text(pdf_path, content):
    reader = PdfReader(pdf_path)
    titles = pdf_module.page_titles(content)
    n = len(content.personas)
    assert len(reader.pages) == 5 + n + 2 == pdf_module.page_count(content) == len(titles)
    texts = [page.extract_text() for page in reader.pages]
    assert content.title in texts[0]
    first = titles.index(f"1 \u00b7 {content.personas[0].name}")
    for i, persona in enumerate(content.personas):
        assert persona.name in texts[0]  # cover: contents
        assert persona.name in texts[1]  # executive summary: segments at a glance
        assert persona.name in texts[first + i]  # its own page
    for i, text in enumerate(texts, start=1):
        assert f"Page {i} of {len(texts)}" in text
    assert "Finding a $5 jacket" in texts[first]  # a "$" is not taken for mathtext
    assert "What each segment needs" in texts[4]
    assert "How this study was done" in texts[-1]


def test_pdf_embeds_fonts_and_is_a4_landscape(pdf_path):
    reader = PdfReader(pdf_path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    fonts = reader.pages[5]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_pdf_is_byte_identical_on_rewrite(content, pdf_path, tmp_path, monkeypatch):
    _later_clock(monkeypatch)
    again = write_pdf(content, tmp_path / "again.pdf")
    assert _digest(again) == _digest(pdf_path)
    metadata = PdfReader(again).metadata
    assert metadata.title == content.title
    assert metadata.creation_date == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def test_sparse_content_still_renders(tmp_path):
    base = make_content(1, tricky_quotes=False)
    empty_codes = base.personas[0].top_codes.iloc[0:0]
    empty_quotes = base.personas[0].quotes.iloc[0:0]
    persona = replace(
        base.personas[0],
        name="Price $ensitive shoppers with a very long name that keeps going and going on",
        description="A description long enough to need wrapping. " * 8,
        top_codes=empty_codes,
        quotes=empty_quotes,
        demographics=base.personas[0].demographics.iloc[0:0],
    )
    content = replace(
        base,
        personas=[persona],
        exclusions=base.exclusions.iloc[0:0],
        quotes=base.quotes.iloc[0:0],
        created="2024-05-01T09:30:00+02:00",
    )
    pdf = write_pdf(content, tmp_path / "one.pdf")
    assert len(PdfReader(pdf).pages) == 5 + 1 + 2
    wb = openpyxl.load_workbook(write_workbook(content, tmp_path / "one.xlsx"))
    assert wb.properties.created == datetime(2024, 5, 1, 7, 30)  # stored in UTC
    assert wb["Data quality"].auto_filter.ref


def test_write_pngs(content, tmp_path):
    paths = write_pngs(content, tmp_path / "slides")
    n = len(content.personas)
    assert len(paths) == 3 + 4 * n
    assert [p.name for p in paths[:3]] == [
        "segment_sizes.png",
        "attitude_heatmap.png",
        "needs_by_segment.png",
    ]
    for path in paths:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == tuple(int(side * 150) for side in charts.SLIDE_SIZE)
    assert sorted(p.name for p in (tmp_path / "slides").iterdir()) == sorted(p.name for p in paths)


def test_chart_functions_return_figures_in_segment_colours(content):
    persona = content.personas[1]
    fig = charts.segment_sizes_chart(content)
    bars = fig.axes[0].patches
    assert [to_hex(b.get_facecolor()).upper() for b in bars] == [
        p.color.upper() for p in content.personas
    ]
    fig = charts.demographics_chart(persona)
    assert to_hex(fig.axes[0].patches[0].get_facecolor()).upper() == persona.color.upper()
    fig = charts.attitude_profile_chart(persona)
    values = persona.attitudes.to_numpy()
    colors = [to_hex(b.get_facecolor()).upper() for b in fig.axes[0].patches]
    assert colors == ["#2166AC" if v >= 0 else "#B2182B" for v in values]
    fig = charts.attitude_heatmap(content)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].endswith(content.personas[0].name)
    assert isinstance(fig, Figure)


# ---------------------------------------------------------------------------------------------
# atomic writes and errors
# ---------------------------------------------------------------------------------------------


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "deep" / "er" / "file.txt"
    with atomic_write(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_text("first")
    assert target.read_text() == "first"
    with pytest.raises(RuntimeError), atomic_write(target) as tmp:
        tmp.write_text("second")
        raise RuntimeError("boom")
    assert target.read_text() == "first"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"]
    with pytest.raises(ReportError, match="file.txt"), atomic_write(target) as tmp:
        raise OSError(28, "No space left on device")
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"]


def test_failed_workbook_write_leaves_nothing(content, tmp_path, monkeypatch):
    real = excel_module.save_workbook_bytes

    def failing(wb, created):
        real(wb, created)  # the workbook is built and packed, then the disk fails
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(excel_module, "save_workbook_bytes", failing)
    with pytest.raises(ReportError, match="No space left on device"):
        write_workbook(content, tmp_path / "report.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_failed_pdf_write_leaves_nothing_and_keeps_old_file(content, tmp_path, monkeypatch):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old report")

    def failing(*args, **kwargs):
        raise RuntimeError("chart exploded")

    monkeypatch.setattr(pdf_module, "persona_page", failing)
    with pytest.raises(RuntimeError, match="chart exploded"):
        write_pdf(content, target)
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


@pytest.mark.parametrize("writer", [write_workbook, write_pdf, write_pngs])
def test_unwritable_path_raises_report_error(content, tmp_path, writer):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    target = blocker / "out" / "report.any"
    with pytest.raises(ReportError) as info:
        writer(content, target)
    assert isinstance(info.value, ResearchError)
    assert "not-a-folder" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_bad_created_and_bad_colour_are_report_errors(content, tmp_path):
    with pytest.raises(ReportError, match="ISO timestamp"):
        write_workbook(replace(content, created="yesterday"), tmp_path / "a.xlsx")
    persona = replace(content.personas[0], color="not-a-colour")
    bad = replace(content, personas=[persona, *content.personas[1:]])
    with pytest.raises(ReportError, match="segment 1"):
        write_pdf(bad, tmp_path / "a.pdf")
    assert list(tmp_path.iterdir()) == []


def test_personas_overview_has_one_row_per_persona(wb, content):
    ws = wb["Personas"]
    header = [cell.value for cell in ws[1]]
    assert header[:5] == ["Segment", "Persona", "Description", "Respondents", "Share"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [p.name for p in content.personas]
    assert [r[3] for r in rows] == [p.size for p in content.personas]
