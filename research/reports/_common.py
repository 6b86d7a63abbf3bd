"""Rounding, wording and colour rules shared by the workbook, the PDF and the PNG charts.

Statistics arrive unrounded in :class:`~research.personas.model.ReportContent`; every number a
reader sees is rounded here, so the workbook, the PDF and the slides say the same thing.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from numbers import Real

import pandas as pd
from matplotlib.colors import to_hex, to_rgb

from research.errors import ReportError
from research.personas.model import Persona, ReportContent

MINUS = "\u2212"
MID_DOT = "\u00b7"
ELLIPSIS = "\u2026"
UP = "\u25b2"
DOWN = "\u25bc"

#: Above / below the all-respondent average, everywhere (heat map ends, profile bars, arrows).
ABOVE = "#2166AC"
BELOW = "#B2182B"
#: Neutral grey for "all respondents" bars and muted text.
TOTAL_GREY = "#BDBDBD"
INK = "#222222"
MUTED = "#6B6B6B"
RULE = "#D9D9D9"
FALLBACK_COLOR = "#7F7F7F"

#: Scorecard verdicts: (mark, strong colour, light fill) per status.
STATUS_STYLE = {
    "pass": ("\u2713", "#1A7F37", "#DCEFD9"),
    "caution": ("!", "#9A6700", "#FCEBC5"),
    "fail": ("\u2717", "#B2182B", "#F6D4D4"),
    "info": ("\u2022", "#6B6B6B", "#EEEEEE"),
}

_MONTHS = (
    "January February March April May June July August September October November December"
).split()


# ---------------------------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------------------------


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA (never raises on odd objects)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_float(value: object) -> float | None:
    """A finite float, or None for missing, infinite or non-numeric values."""
    if is_missing(value) or isinstance(value, bool | str):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def rounded(value: object, digits: int) -> float | int | None:
    """Round a statistic for display; integers when ``digits`` is 0; None when missing."""
    number = as_float(value)
    if number is None:
        return None
    if digits <= 0:
        return int(round(number))
    result = round(number, digits)
    return 0.0 if result == 0 else result  # no "-0.00"


def fmt_signed(value: object, digits: int = 2) -> str:
    """``+0.62``, ``−0.41`` (true minus sign), ``0.00``; ``–`` when missing."""
    number = rounded(value, digits)
    if number is None:
        return "\u2013"
    text = f"{abs(number):.{digits}f}"
    if number > 0:
        return "+" + text
    if number < 0:
        return MINUS + text
    return text


def fmt_number(value: object, digits: int = 1) -> str:
    """A rounded number with thousands separators and a true minus sign."""
    number = rounded(value, digits)
    if number is None:
        return "\u2013"
    text = f"{abs(number):,.{max(digits, 0)}f}"
    return (MINUS + text) if number < 0 else text


def fmt_share(value: object) -> str:
    """A 0..1 share as a whole percentage: ``31%``."""
    number = as_float(value)
    if number is None:
        return "\u2013"
    return f"{number * 100:.0f}%"


def fmt_count(value: object) -> str:
    number = as_float(value)
    return "\u2013" if number is None else f"{int(round(number)):,}"


def cell_text(value: object) -> str:
    """Any value as display text (numbers tidied, missing as an empty string)."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Real) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer():
            return f"{int(number):,}"
        return fmt_number(number, 2)
    return str(value)


def truncate(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


# ---------------------------------------------------------------------------------------------
# time
# ---------------------------------------------------------------------------------------------


def parse_created(content: ReportContent) -> datetime:
    """``content.created`` as a naive UTC datetime (what file metadata wants)."""
    text = str(content.created).strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ReportError(
            f"created must be an ISO timestamp such as 2024-05-01T09:30:00, got {text!r}"
        ) from exc
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.replace(microsecond=0)


def display_date(when: datetime) -> str:
    """``1 May 2024`` whatever the locale."""
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


# ---------------------------------------------------------------------------------------------
# colours
# ---------------------------------------------------------------------------------------------


def hex_color(color: object, *, segment: object = None) -> str:
    """A ``#rrggbb`` colour, or :class:`ReportError` naming the segment."""
    try:
        return to_hex(to_rgb(color)).upper()  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        where = f"segment {segment}: " if segment is not None else ""
        raise ReportError(f"{where}{color!r} is not a colour (expected e.g. '#1f77b4')") from exc


def luminance(color: str) -> float:
    """WCAG relative luminance of a colour (0 black .. 1 white)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_on(color: str) -> str:
    """Black or white, whichever reads better on ``color``."""
    return "#FFFFFF" if luminance(color) < 0.40 else "#111111"


def readable_on_white(color: str, min_contrast: float = 3.0) -> str:
    """``color`` darkened just enough to reach ``min_contrast`` against white (for big text)."""
    r, g, b = to_rgb(color)
    for step in range(21):
        factor = 1 - step * 0.05
        candidate = (r * factor, g * factor, b * factor)
        if 1.05 / (luminance(candidate) + 0.05) >= min_contrast:  # type: ignore[arg-type]
            return to_hex(candidate).upper()
    return INK


def segment_colors(content: ReportContent) -> dict[int, str]:
    """Segment number -> persona colour (validated)."""
    return {int(p.segment): hex_color(p.color, segment=p.segment) for p in content.personas}


# ---------------------------------------------------------------------------------------------
# persona wording
# ---------------------------------------------------------------------------------------------


def persona_label(persona: Persona) -> str:
    return f"{persona.segment} {MID_DOT} {persona.name}"


def size_line(persona: Persona, n_segments: int | None = None, *, share: bool = True) -> str:
    """``Segment 1 of 4 · 192 respondents · 28% of the sample``."""
    of = f" of {n_segments}" if n_segments else ""
    line = f"Segment {persona.segment}{of} {MID_DOT} {fmt_count(persona.size)} respondents"
    return f"{line} {MID_DOT} {fmt_share(persona.share)} of the sample" if share else line


def has_factors(content: ReportContent) -> bool:
    """Whether the study ran a factor analysis (it has attitude dimensions to show)."""
    return len(content.factor_means.columns) > 0


def has_answers(content: ReportContent) -> bool:
    """Whether the personas carry the answers they were found from (a categorical basis)."""
    return any(p.answers is not None and len(p.answers) for p in content.personas)


def top_attitudes(persona: Persona, n: int = 4) -> list[tuple[str, float]]:
    """The ``n`` factors furthest from the average (largest |z| first)."""
    pairs = [(str(k), as_float(v)) for k, v in persona.attitudes.items()]
    kept = [(k, v) for k, v in pairs if v is not None]
    kept.sort(key=lambda kv: -abs(kv[1]))
    return kept[:n]  # type: ignore[return-value]


def demographic_highlights(
    persona: Persona,
    n: int = 4,
    min_share: float = 0.05,
    *,
    sections: Sequence[str] | None = None,
    over_first: bool = False,
) -> pd.DataFrame:
    """Categories that most over- or under-index (|index − 100| largest), ignoring tiny bases.

    Categories held by fewer than ``min_share`` of both the segment and the total are left out,
    as their index is mostly noise; significant differences (``sig``) come first when the
    persona carries tests. ``sections`` keeps only those profile sections (e.g.
    ``["Channels"]``); ``over_first`` ranks by index alone (the most over-represented
    first). Returns at most ``n`` rows of ``variable, label, category, share, total_share,
    index``, highest index first.
    """
    cols = ["variable", "label", "category", "share", "total_share", "index", "sig", "section"]
    frame = persona.demographics
    if frame is None or frame.empty:
        return pd.DataFrame(columns=cols)
    frame = frame.loc[:, [c for c in cols if c in frame.columns]].copy()
    if "section" not in frame:  # older content: every row describes who they are
        frame["section"] = "Demographics"
    if sections is not None:
        frame = frame[frame["section"].isin(sections)]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    if "label" not in frame:
        frame["label"] = frame["variable"]
    for col in ("share", "total_share", "index"):
        frame[col] = pd.to_numeric(frame.get(col), errors="coerce")
    frame = frame[frame["index"].map(lambda v: as_float(v) is not None)]
    frame = frame[(frame["share"] >= min_share) | (frame["total_share"] >= min_share)]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    distance = frame["index"] if over_first else (frame["index"] - 100).abs()
    if "sig" in frame:
        marks = ["higher"] if over_first else ["higher", "lower"]
        distance = distance + 1e6 * frame["sig"].isin(marks)
    order = distance.sort_values(ascending=False, kind="stable").index
    top = frame.loc[order[:n]]
    return top.sort_values("index", ascending=False, kind="stable").reset_index(drop=True)


def sentiment_word(score: object) -> str:
    """``positive (+0.66)``; VADER's usual cut-offs of ±0.05 for neutral."""
    value = as_float(score)
    if value is None:
        return ""
    word = "positive" if value >= 0.05 else "negative" if value <= -0.05 else "neutral"
    return f"{word} ({fmt_signed(value)})"


def metric_lines(persona: Persona) -> list[str]:
    """``Spend 12m: 116 GBP vs 312 overall (index 37)`` for numeric questions."""
    frame = persona.metrics
    if frame is None or frame.empty:
        return []
    out = []
    for r in frame.itertuples(index=False):
        unit = r.unit if isinstance(r.unit, str) else ""
        prefix = _CURRENCY.get(unit.upper(), "")
        suffix = f" {unit}" if unit and not prefix else ""
        out.append(
            f"{r.label}: {prefix}{fmt_number(r.mean, 0)}{suffix} vs "
            f"{prefix}{fmt_number(r.total_mean, 0)}{suffix} overall "
            f"(index {fmt_number(r.index, 0)})"
        )
    return out


def headline_lines(persona: Persona) -> list[str]:
    """The persona header's figure: the measure the study declares (``Persona.headline``).

    Never an arbitrary numeric item: without a declared headline there is none.
    """
    frame = persona.metrics
    if not getattr(persona, "headline", None) or frame is None or frame.empty:
        return []
    mine = frame[frame["variable"] == persona.headline]
    return metric_lines(dataclasses.replace(persona, metrics=mine)) if len(mine) else []


_CURRENCY = {"GBP": "\u00a3", "USD": "$", "EUR": "\u20ac", "JPY": "\u00a5"}


def theme_lines(
    persona: Persona, n: int = 4, *, sentiment: bool = False, compact: bool = False
) -> list[str]:
    frame = persona.top_codes
    if frame is None or frame.empty:
        return []
    lines = []
    for row in frame.head(n).itertuples(index=False):
        record = row._asdict()
        label = record.get("label")
        label = record.get("code", "") if is_missing(label) or not str(label).strip() else label
        passages, transcripts = record.get("passages"), record.get("transcripts")
        parts = []
        if as_float(transcripts) is not None:
            t = int(round(float(transcripts)))
            parts.append(f"{t} interview" + ("" if t == 1 else "s"))
        if as_float(passages) is not None and not compact:
            parts.append(f"{fmt_count(passages)} passages")
        if sentiment and as_float(record.get("sentiment")) is not None:
            word = sentiment_word(record.get("sentiment"))
            parts.append(word.split(" ")[0] if compact else word)
        lines.append(f"{label} ({', '.join(parts)})" if parts else str(label))
    return lines


def persona_quotes(persona: Persona, n: int = 3) -> list[tuple[str, str]]:
    """``(quote, source)`` pairs, source like ``T06 · price``."""
    frame = persona.quotes
    if frame is None or frame.empty:
        return []
    out = []
    for row in frame.itertuples(index=False):
        record = row._asdict()
        quote = record.get("quote")
        if is_missing(quote) or not str(quote).strip():
            continue
        theme = record.get("label") if not is_missing(record.get("label")) else record.get("code")
        source = [str(v) for v in (record.get("transcript"), theme) if not is_missing(v)]
        out.append((" ".join(str(quote).split()), f" {MID_DOT} ".join(source)))
        if len(out) == n:
            break
    return out
