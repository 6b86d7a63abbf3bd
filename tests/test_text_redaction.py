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
    # T04: North-American and international formats, spelt-out e-mails, IPs, lower-case and
    # continental postcodes, names inside speaker-label qualifiers
    "1-800-555-0199": r"555-0199|800-555",
    "+1 212 555 0147": r"555 0147",
    "0044 20 7946 0991": r"0991",
    "+33 1 23 45 67 89": r"45 67 89",
    "(617) 555-0123 ext. 42": r"555-0123|ext\. 42",
    "rosa at example dot com": r"at example dot",
    "rosa(at)mail(dot)example(dot)org": r"\(at\)|\(dot\)",
    "192.168.1.254": r"192\.168",
    "2001:db8::8a2e:370:7334": r"2001:db8|8a2e",
    "sw1a 2aa": r"sw1a",
    "90210": r"90210",
    "Dan Okafor": r"\bDan\b|\bOkafor\b",
    "Rosa": r"\bRosa\b",
    # T05: video-call display names as speakers
    "maria.gonzalez": r"\bmaria\b|gonzalez",
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
OTHERS = """Dan Okafor (Interviewer): Where do you shop, and what about the price?

Participant (Rosa): Online, the price matters. Call me on 1-800-555-0199 or +1 212 555 0147, from abroad 0044 20 7946 0991 or +33 1 23 45 67 89, or the office on (617) 555-0123 ext. 42. My email is rosa at example dot com, or rosa(at)mail(dot)example(dot)org.

Dan Okafor (Interviewer): And delivery?

Participant (Rosa): The delivery page showed my router 192.168.1.254 and 2001:db8::8a2e:370:7334, weird. Delivery to sw1a 2aa and later to 90210 Beverly Hills took ages. Dan said the delivery price would drop.
"""
DISPLAY_NAMES = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
dan.okafor: Hi Maria, what about the price?

2
00:00:04.500 --> 00:00:09.000
maria.gonzalez: The price is fine, Dan. My friend calls me Maria Gonzalez, by the way.

3
00:00:09.500 --> 00:00:11.000
dan.okafor: And the delivery?

4
00:00:11.500 --> 00:00:16.000
maria.gonzalez: The delivery was slow, but the price made up for it, honestly it did.
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
    (folder / "T04.txt").write_text(OTHERS, encoding="utf-8")
    (folder / "T05.vtt").write_text(DISPLAY_NAMES, encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "transcript,respondent_id,segment,participant_name,interviewer\n"
        "T01_Priya_Shah,R1,Savers,Priya Shah,Jordan Lee\nT02,R2,Savers,Tomasz Nowak,\nT03,R3,Stylists,,\nT04,R4,Stylists,,\nT05,R5,Savers,,\n",
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
    assert set(passages["transcript"]) == {"transcript-1", "T02", "T03", "T04", "T05"}
    for tag in ("[EMAIL]", "[PHONE]", "[URL]", "[IP]", "[POSTCODE]", "[NAME]", "[PARTICIPANT]"):
        assert tag in " ".join(passages["text"]), tag


def test_library_outputs_are_redacted_by_default(corpus):
    result = code_transcripts(corpus["folder"], corpus["codebook"], metadata=corpus["meta"])
    for frame in (result.quotes, result.terms, result.collocations):
        assert not LEAK.search(frame.to_csv()), frame
    quotes = typical_quotes(result.coded, by="segment", per_code=3)  # speaker names only
    assert not re.search(r"@|900123|7946|4567|example\.|SW1A|K1A|M1 1AE", quotes.to_csv())
    assert "T01_Priya_Shah" not in set(quotes["transcript"])  # the id names her
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 1-800-555-0199 now", "call [PHONE] now"),
        ("call +1 (555) 123-4567 now", "call [PHONE] now"),
        ("call 555.123.4567 now", "call [PHONE] now"),
        ("my number is 5551234567", "my number is [PHONE]"),
        ("call 212-555-0123 ext 12 now", "call [PHONE] now"),
        ("call 0044 20 7946 0018 now", "call [PHONE] now"),
        ("call +49 (0)30 123456 now", "call [PHONE] now"),
        ("call +91-98765-43210 now", "call [PHONE] now"),
        ("call +353 1 234 5678 now", "call [PHONE] now"),
        ("call +44 (0) 7700 900123 now", "call [PHONE] now"),
        ("server 192.168.0.1 down", "server [IP] down"),
        ("server 10.0.0.255:8080.", "server [IP]."),
        ("ipv6 2001:db8::ff00:42:8329 here", "ipv6 [IP] here"),
        ("ipv6 fe80::1ff:fe23:4567:890a%eth0 here", "ipv6 [IP] here"),
        ("mac 00:1A:2B:3C:4D:5E here", "mac [IP] here"),
        ("mail john(at)example(dot)com now", "mail [EMAIL] now"),
        ("mail john [at] example [dot] co [dot] uk now", "mail [EMAIL] now"),
        ("mail john at example dot com now", "mail [EMAIL] now"),
        ("post sw1a 1aa now", "post [POSTCODE] now"),
        ("post 75008 Paris now", "post [POSTCODE] Paris now"),
        ("my zip code is 10001.", "my zip code is [POSTCODE]."),
    ],
)
def test_more_contact_shapes(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "at 10:30:45 we met, the 00:01:02 mark",
        "a::b and std::vector",
        "I looked at the price and it was 12.50, 3 items at 10:30",
        "Version 1.2.3 came out in 2019; 1,500 people, sizes 18-32.",
        "I was born in 1985 in Manchester",
    ],
)
def test_new_shapes_leave_ordinary_text_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    ("label", "names"),
    [
        ("Dan (Interviewer)", ("Dan",)),
        ("Interviewer (Dan Smith)", ("Dan Smith",)),
        ("P1 (female, 34)", ()),
        ("Participant (Rosa)", ("Rosa",)),
        ("Speaker 2", ()),
        ("dan.smith", ("dan.smith", "dan", "smith")),
        ("maria", ("maria",)),
        ("Unknown Speaker", ()),
        ("SPEAKER_00", ()),
        ("Female Participant 2", ()),
    ],
)
def test_names_inside_speaker_label_qualifiers(label, names):
    from research.text import label_names

    assert label_names(label) == names
    assert is_person_label(label) is bool(names)


def test_the_study_pipeline_path_leaks_nothing(corpus):
    """research/study.py codes turns and picks persona quotes with code_turns + pick_quotes;
    the names it knows are the speakers and its `redact_names` option."""
    from research.text import attach_segments, code_turns, load_codebook, read_transcripts

    turns = read_transcripts(corpus["folder"])
    coded = code_turns(turns, load_codebook(corpus["codebook"]))
    links = pd.DataFrame(
        {"transcript": ["T01_Priya_Shah", "T02", "T03", "T04", "T05"], "respondent_id": "R1"}
    )
    coded = attach_segments(coded, links, pd.Series(["Savers"], index=["R1"]))
    quotes = pick_quotes(coded, by="segment", per_group=20, names=["Tomasz Nowak"])
    assert len(quotes) >= 3 and "transcript-1" in set(quotes["transcript"])
    assert not LEAK.search(quotes.to_csv()), LEAK.search(quotes.to_csv())
