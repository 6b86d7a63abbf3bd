"""Redaction: a corpus seeded with e-mails, phones, URLs, postcodes and names leaks none of them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.text import (
    code_transcripts,
    distinctive_terms,
    is_person_label,
    pick_quotes,
    redact,
    typical_quotes,
)

#: Every seeded personal detail, and a pattern that finds it (or any part of it) in output.
SEEDED = {
    "priya.shah@example.com": r"@|priya",
    "jo_99@mail.example.org": r"jo_99",
    "07700 900123": r"900123|07700",
    "+44 20 7946 0018": r"7946",
    "(555) 123-4567": r"4567",
    "www.example.com/jaskreworks": r"example\.(?:com|net|org)|jaskreworks",
    "https://shop.example.net/item/42": r"https?:",
    "M1 1AE": r"\bM1 ?1AE\b",
    "SW1A 1AA": r"\bSW1A\b",
    "K1A 0B1": r"\bK1A\b",
    "Priya Shah": r"\bPriya\b|\bShah\b",
    "Tomasz Nowak": r"\bTomasz\b|\bNowak\b",
    "Jordan Lee": r"\bJordan\b|\bLee\b",
    "Fiona": r"\bFiona\b",
    "Dave": r"\bDave\b",
    "Michelle": r"\bMichelle\b",
}
LEAK = re.compile("|".join(f"(?:{p})" for p in SEEDED.values()), re.IGNORECASE)

ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Jordan Lee: Hi Priya, thanks for joining. How do you shop for clothes?

2
00:00:04.500 --> 00:00:12.000
Priya Shah: Hi Jordan! I'm Priya Shah. I buy second-hand, the price is always better and my sister Fiona agrees with me on the price.

3
00:00:12.500 --> 00:00:14.000
Jordan Lee: What about delivery?

4
00:00:14.500 --> 00:00:24.000
Priya Shah: Delivery was slow, the courier Dave left it at M1 1AE instead of my flat. Email me at priya.shah@example.com or ring 07700 900123 about the delivery.
"""
NOTES = """Interviewer: How do you shop?

Participant: Tomasz here. The price matters most, I'm married to Michelle and we check the price of everything together on www.example.com/jaskreworks every week.

Interviewer: And delivery?

Participant: Delivery to SW1A 1AA took ages. I called +44 20 7946 0018 and (555) 123-4567, then wrote to jo_99@mail.example.org about the delivery. Michelle says Tomasz Nowak complains too much.
"""
MARKDOWN = """**Interviewer:** Any thoughts on the price?

**Participant:** The price was fair. My friend sent me https://shop.example.net/item/42 with a better price, she lives near K1A 0B1. Fiona and Dave said the same about the price.
"""
CODEBOOK = """codes:
  - id: price
    label: Price
    include: [price, cheap]
  - id: delivery
    label: Delivery
    include: [delivery, courier, postage]
"""


@pytest.fixture
def corpus(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "T01_Priya_Shah.vtt").write_text(ZOOM, encoding="utf-8")  # a name in the id
    (folder / "T02.txt").write_text(NOTES, encoding="utf-8")
    (folder / "T03.md").write_text(MARKDOWN, encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "transcript,respondent_id,segment,participant_name,interviewer\n"
        "T01_Priya_Shah,R1,Savers,Priya Shah,Jordan Lee\nT02,R2,Savers,Tomasz Nowak,\nT03,R3,Stylists,,\n",
        encoding="utf-8",
    )
    book = tmp_path / "cb.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    return {"folder": folder, "meta": meta, "codebook": book, "out": tmp_path / "out"}


def test_the_corpus_really_holds_every_seeded_detail(corpus):
    raw = " ".join(p.read_text(encoding="utf-8") for p in corpus["folder"].iterdir())
    for detail in SEEDED:
        assert detail in raw


def test_no_seeded_detail_in_any_cli_output(corpus):
    result = CliRunner().invoke(
        app,
        [
            "code",
            str(corpus["folder"]),
            "--codebook",
            str(corpus["codebook"]),
            "--metadata",
            str(corpus["meta"]),
            "--out",
            str(corpus["out"]),
            "--per-code",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    files = sorted(corpus["out"].glob("*.csv"))
    assert {p.name for p in files} >= {"passages.csv", "codes_by_segment.csv", "quotes.csv"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not LEAK.search(text), (path.name, LEAK.search(text))
    assert not LEAK.search(result.output)
    quotes = pd.read_csv(corpus["out"] / "quotes.csv")
    assert len(quotes) >= 3 and set(quotes["segment"]) == {"Savers", "Stylists"}
    joined = " ".join(quotes["quote"])
    assert "[PARTICIPANT]" in joined and "[NAME]" in joined
    passages = pd.read_csv(corpus["out"] / "passages.csv")
    assert set(passages["speaker"]) == {"[PARTICIPANT]", "Participant"}
    assert set(passages["transcript"]) == {"transcript-1", "T02", "T03"}
    for tag in ("[EMAIL]", "[PHONE]", "[URL]", "[POSTCODE]", "[NAME]", "[PARTICIPANT]"):
        assert tag in " ".join(passages["text"]), tag


def test_library_outputs_are_redacted_by_default(corpus):
    result = code_transcripts(corpus["folder"], corpus["codebook"], metadata=corpus["meta"])
    for frame in (result.quotes, result.terms, result.collocations):
        assert not LEAK.search(frame.to_csv()), frame
    quotes = typical_quotes(result.coded, by="segment", per_code=3)  # speaker names only
    assert not re.search(r"@|900123|7946|4567|example\.|SW1A|K1A|M1 1AE", quotes.to_csv())
    assert not re.search(r"\bPriya\b|\bFiona\b|\bDave\b|\bMichelle\b", quotes.to_csv())
    # on its own, distinctive_terms finds introduced names (Fiona, Dave) but must be given
    # the metadata's names (Tomasz)
    alone = distinctive_terms(result.passages, by="segment", min_participants=1)
    assert not alone["term"].str.contains("priya|fiona|dave|michelle").any()
    named = distinctive_terms(
        result.passages,
        by="segment",
        min_participants=1,
        names=result.redaction["participant_names"],
    )
    assert not named["term"].str.contains("tomasz|nowak").any()


def test_pick_quotes_for_personas_uses_role_tags():
    coded = pd.DataFrame(
        {
            "segment": ["S1", "S1"],
            "transcript": ["T1", "T2"],
            "turn": [2, 2],
            "speaker": ["Priya Shah", "Participant"],
            "code": ["price", "price"],
            "text": [
                "I'm Priya and the price of every coat I buy matters to me, honestly it does.",
                "The price is why I came back, ring me on 07700 900123 or see SW1A 1AA for it.",
            ],
            "matched": ["price", "price"],
        }
    )
    quotes = pick_quotes(coded, per_group=2, min_words=5, names=["Nowak"])
    text = " ".join(quotes["quote"])
    assert "[PARTICIPANT]" in text and "[PHONE]" in text and "[POSTCODE]" in text
    assert "Priya" not in text and "07700" not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Send it to M1 1AE please", "Send it to [POSTCODE] please"),
        ("Office: EC1A 1BB, London", "Office: [POSTCODE], London"),
        ("Ottawa K1A 0B1 Canada", "Ottawa [POSTCODE] Canada"),
        ("Dublin D02 X285", "Dublin [POSTCODE]"),
        ("New York, NY 10001", "New York, NY [POSTCODE]"),
        ("zip 10001-1234", "zip [POSTCODE]"),
        ("order 123456, size 12, 2019, UK 18", "order 123456, size 12, 2019, UK 18"),
    ],
)
def test_postcode_shapes(text, expected):
    assert redact(text) == expected


def test_participant_and_interviewer_tags_and_common_word_names():
    out = redact(
        "Will said I will go; Priya Shah and Shah agreed with Jordan.",
        participant_names=["Priya Shah", "Will"],
        interviewer_names=["Jordan Lee"],
    )
    assert out == (
        "[PARTICIPANT] said I will go; [PARTICIPANT] and [PARTICIPANT] agreed with [INTERVIEWER]."
    )


@pytest.mark.parametrize(
    ("label", "person"),
    [
        ("Dan", True),
        ("Priya Shah", True),
        ("Participant", False),
        ("Speaker 2", False),
        ("Interviewer 1", False),
        ("P3", False),
        ("id1", False),
        ("Q", False),
        ("Speaker A", False),
    ],
)
def test_person_labels(label, person):
    assert is_person_label(label) is person
