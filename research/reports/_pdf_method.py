"""PDF appendix pages: sample and factors, choosing and testing segments, the scorecard."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from research.personas.model import SCORECARD_CRITERIA, ReportContent
from research.reports import _common as c
from research.reports._pdf_layout import (
    CONTENT_BOTTOM,
    CONTENT_TOP,
    HEADER_FILL,
    MARGIN,
    PAGE_W,
    Page,
    text_table,
    wrap,
)
from research.reports.charts import model_selection_chart

__all__ = ["method_pages", "method_titles"]


def method_titles(content: ReportContent) -> list[str]:
    """Titles of the appendix pages, in order."""
    first = "sample and attitude dimensions" if c.has_factors(content) else "sample"
    titles = [f"Method: {first}", "Method: choosing the segments"]
    if content.scorecard is not None and len(content.scorecard):
        titles.append("Segment scorecard")
    return titles


def _fmt_row(record: dict, keys: Sequence[str], formats: dict[str, Callable[[object], str]]):
    return [formats.get(k, c.cell_text)(record.get(k)) for k in keys]


def _sentence(value: object) -> str:
    text = c.cell_text(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def _heading(page: Page, x: float, y: float, text: str) -> float:
    page.text(x, y, text.upper(), 9, weight="bold", color=HEADER_FILL)
    return y + 0.27


def _method_sample(content: ReportContent) -> Page:
    page = Page.new()
    if c.has_factors(content):
        page.header(
            "How this study was done: sample and attitude dimensions",
            "Study facts, who was excluded before analysis and why, and the attitude factors "
            "the segments are built on. Full tables are in the workbook.",
        )
    else:
        page.header(
            "How this study was done: sample",
            "Study facts and who was excluded before analysis and why. No factor analysis: the "
            "study has no rating battery. Full tables are in the workbook.",
        )
    top, left_w = CONTENT_TOP, 4.6
    x2 = MARGIN + left_w + 0.45
    right_w = PAGE_W - MARGIN - x2
    y = _heading(page, MARGIN, top, "Study facts")
    facts = [
        [str(r.field), c.cell_text(r.value)]
        for r in content.summary.itertuples(index=False)
        if str(r.field) != "Significance tests"
    ]
    text_table(
        page,
        MARGIN,
        y,
        [1.9, left_w - 1.9],
        ["Field", "Value"],
        facts,
        bottom=CONTENT_BOTTOM,
        more_note="see the workbook, sheet Summary",
    )
    y = _heading(page, x2, top, "Data quality")
    quality = [
        [_sentence(r.reason), c.fmt_count(r.respondents)]
        for r in content.quality.itertuples(index=False)
    ]
    y = text_table(
        page,
        x2,
        y,
        [right_w - 1.4, 1.4],
        ["Reason", "Respondents"],
        quality,
        bottom=CONTENT_BOTTOM - 2.2,
        aligns=["left", "right"],
        bold_rows=[str(r[0]).strip().lower() == "kept" for r in quality],
        more_note="see the workbook, sheet Data quality",
    )
    summary = content.factor_summary
    if summary is not None and len(summary):
        y = _heading(page, x2, y + 0.3, "Factor solution")
        rows = [
            [
                c.cell_text(r["label"]),
                c.fmt_count(r["n_items"]),
                c.fmt_number(r["alpha"], 2),
                c.fmt_share(r["variance"]),
            ]
            for r in summary.to_dict("records")
        ]
        widths = [right_w - 2.55, 0.75, 0.9, 0.9]
        headers = ["Factor", "Items", "Cronbach's \u03b1", "Variance"]
        y = text_table(
            page,
            x2,
            y,
            widths,
            headers,
            rows,
            bottom=CONTENT_BOTTOM - 0.35,
            aligns=["left", "right", "right", "right"],
            more_note="see the workbook, sheet Factor loadings",
        )
        note = (
            "Items: questionnaire items whose largest loading (\u2265 0.30) is on the factor. "
            "\u03b1 of 0.70 or more: the items measure one thing reliably."
        )
        lines = wrap(note, right_w, 8, max_lines=2)
        page.lines(x2, y + 0.1, lines, 8, color=c.MUTED, style="italic")
    return page


def _scorecard_page(content: ReportContent) -> Page:
    page = Page.new()
    page.header(
        "Segment scorecard: the seven-part test",
        "Is each segment identifiable, substantial, accessible, stable, differentiable, "
        "actionable and measurable? \u2713 pass \u00b7 ! caution \u00b7 \u2717 fail \u00b7 "
        "\u2022 information.",
    )
    card = content.scorecard
    criteria = [k for k in SCORECARD_CRITERIA if k in set(card["criterion"])]  # type: ignore[index]
    criteria += sorted(set(card["criterion"]) - set(criteria))  # type: ignore[index]
    groups = [(c.persona_label(p), card["segment"] == p.segment) for p in content.personas]  # type: ignore[index]
    if card["segment"].isna().any():  # type: ignore[index]
        groups.append(("All segments", card["segment"].isna()))  # type: ignore[index]
    rows, colors = [], []
    for label, mask in groups:
        lookup = {r["criterion"]: r for r in card[mask].to_dict("records")}  # type: ignore[index]
        row, color = [label], [None]
        for k in criteria:
            rec = lookup.get(k)
            if rec is None:
                row.append("")
                color.append(None)
                continue
            mark, strong, _ = c.STATUS_STYLE[rec["status"]]
            # Verdicts only: the evidence behind each is in the workbook's Scorecard sheet.
            row.append(f"{mark} {c.cell_text(rec['verdict'])}")
            color.append(strong)
        rows.append(row)
        colors.append(color)
    w = PAGE_W - 2 * MARGIN
    first = 2.2
    widths = [first] + [(w - first) / max(len(criteria), 1)] * len(criteria)
    end = text_table(
        page,
        MARGIN,
        CONTENT_TOP,
        widths,
        ["Segment"] + [k.capitalize() for k in criteria],
        rows,
        bottom=CONTENT_BOTTOM - 0.9,
        aligns=["left"] * len(widths),
        size=9,
        colors=colors,
        more_note="see the workbook, sheet Scorecard",
    )
    if any("(" in str(v) for v in card["verdict"]):  # type: ignore[index]
        note = (
            "Figures in brackets. Per segment: identifiable, share of its members the typing "
            "tool puts back in it (cross-validated); substantial, weighted share; accessible, "
            "strongest Cramér's V of membership with a reach variable; stable, mean bootstrap "
            "Jaccard; differentiable, members' mean posterior probability; actionable, needs "
            "with index \u2265 115 or \u2264 85; measurable, respondents. All segments: "
            "typing-tool accuracy, smallest share, strongest V, mean bootstrap adjusted Rand "
            "index, relative entropy, fewest stand-out needs, smallest segment. The evidence "
            "behind every verdict is in the workbook, sheet Scorecard."
        )
        lines = wrap(note, w, 8.5, max_lines=5)
        page.lines(MARGIN, end + 0.2, lines, 8.5, color=c.MUTED)
    return page


def _method_segments(content: ReportContent) -> Page:
    page = Page.new()
    page.header(
        "How this study was done: choosing and testing the segments",
        "The fit of every number of segments tried, and how differences between segments "
        "were tested.",
    )
    top = CONTENT_TOP
    spec = [
        ("k", "Segments", c.fmt_count, 0.9),
        ("log_likelihood", "Log-likelihood", lambda v: c.fmt_number(v, 1), 1.0),
        ("n_parameters", "Parameters", c.fmt_count, 0.85),
        ("bic", "BIC", lambda v: c.fmt_number(v, 1), 0.9),
        ("aic", "AIC", lambda v: c.fmt_number(v, 1), 0.9),
        ("relative_entropy", "Entropy", lambda v: c.fmt_number(v, 2), 0.7),
        ("smallest_share", "Smallest segment", c.fmt_share, 0.8),
        ("chosen", "Chosen", lambda v: "\u2713" if (not c.is_missing(v) and bool(v)) else "", 0.6),
    ]
    spec = [s for s in spec if s[0] in content.model_selection.columns]
    left_w = sum(s[3] for s in spec)
    x2 = MARGIN + max(left_w, 5.0) + 0.45
    right_w = PAGE_W - MARGIN - x2
    records = content.model_selection.to_dict("records")
    y = _heading(page, MARGIN, top, "Choosing the number of segments")
    y = text_table(
        page,
        MARGIN,
        y,
        [s[3] for s in spec],
        [s[1] for s in spec],
        [[fmt(r.get(k)) for k, _, fmt, _ in spec] for r in records],
        bottom=CONTENT_BOTTOM - 0.8,
        aligns=["right"] * (len(spec) - 1) + ["center"],
        bold_rows=[bool(r.get("chosen")) and not c.is_missing(r.get("chosen")) for r in records],
        size=8,
        more_note="see the workbook, sheet Model selection",
    )
    why = [
        str(v)
        for f, v in zip(content.summary["field"], content.summary["value"], strict=True)
        if "chosen" in str(f).lower()
    ]
    note = (
        "BIC and AIC: lower is a better fit for the model's complexity. Entropy: how clearly "
        "respondents are classified (1 = perfectly). \u2713 marks the solution in this report. "
        + " ".join(why)
    )
    page.lines(MARGIN, y + 0.08, wrap(note, left_w, 8, max_lines=4), 8, color=c.MUTED)
    ty = _heading(page, x2, top, "Significance tests")
    text = content.tests_note or "No significance tests were run for this report."
    ty = page.lines(x2, ty, wrap(text, right_w, 9, max_lines=16), 9)
    if "k" in content.model_selection and len(content.model_selection) > 1:
        top = max(ty + 0.55, 4.0)
        ax = page.axes(x2 + 0.75, top, right_w - 0.8, CONTENT_BOTTOM - 0.55 - top)
        model_selection_chart(content, ax, title=None)
        page.text(
            x2, top - 0.38, "BIC AND AIC BY NUMBER OF SEGMENTS", 9, weight="bold", color=HEADER_FILL
        )
    return page


def method_pages(content: ReportContent) -> list[Callable[[], Page]]:
    """Builders of the appendix pages (the scorecard page only when there is a scorecard)."""
    pages = [lambda: _method_sample(content), lambda: _method_segments(content)]
    if content.scorecard is not None and len(content.scorecard):
        pages.append(lambda: _scorecard_page(content))
    return pages
