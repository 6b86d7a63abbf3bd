"""Tests for research.text: transcripts, codebook, coding, quotes and redaction."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.errors import CodebookError, DataError, InputFileError
from research.text import (
    CODED_COLUMNS,
    TURN_COLUMNS,
    Code,
    Codebook,
    attach_segments,
    code_summary,
    code_turns,
    excerpt,
    find_names,
    load_codebook,
    parse_codebook,
    pick_quotes,
    read_transcript,
    read_transcripts,
    redact,
)

DATA = Path(__file__).parent / "data" / "transcripts"
PDPILOT = DATA / "pdpilot"
QUALCODER = DATA / "qualcoder"

# Independent detectors of personal details left in text (not redact's own patterns).
EMAIL_LEFT = re.compile(r"\S@\S")
PHONE_LEFT = re.compile(r"\d[\d\s().+-]{7,}\d|\d+\.\d+\.\d+\.\d+|db8")
LINK_LEFT = re.compile(r"https?:|www\.|\.(?:com|org|net|co\.uk)\b", re.IGNORECASE)


def words(text: str) -> int:
    """Word count used to check limits: tokens that hold a letter or digit."""
    return len([t for t in text.split() if re.search(r"\w", t)])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


CODEBOOK_YAML = """\
name: Test codebook
version: 1
codes:
  - id: price_value
    label: Price and value
    description: Prices and deals.
    parent: Shopping drivers
    keywords: [price, prices, cheap, discount*, "value for money"]
  - id: fit_sizing
    label: Fit and sizing
    keywords: [fit, sizing, size*]
  - id: delivery
    label: Delivery
    keywords: [postage, delivery, courier]
"""


@pytest.fixture
def codebook(tmp_path: Path) -> Codebook:
    return load_codebook(write(tmp_path / "codebook.yaml", CODEBOOK_YAML))


def turn_table(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (transcript, turn, speaker, role, text)."""
    frame = pd.DataFrame(rows, columns=["transcript", "turn", "speaker", "role", "text"])
    return frame.assign(start=float("nan"), end=float("nan"))[list(TURN_COLUMNS)]


@pytest.fixture
def turns() -> pd.DataFrame:
    return turn_table(
        [
            ("T1", 1, "Interviewer", "interviewer", "Is the price right? Any discounts?"),
            ("T1", 2, "Participant", "participant", "The price is great, I love a discount."),
            ("T1", 3, "Interviewer", "interviewer", "And sizing?"),
            ("T1", 4, "Participant", "participant", "Sizing is awful, nothing will fit me."),
            ("T2", 1, "Interviewer", "interviewer", "Tell me about delivery."),
            ("T2", 2, "Participant", "participant", "Postage ate the cheap price. Terrible."),
            ("T3", 1, "Participant", "participant", "Nothing to say about that at all."),
        ]
    )


# --------------------------------------------------------------------------- transcripts


def test_pdpilot_p1_turns_and_roles():
    t = read_transcript(PDPILOT / "P1.txt", interviewer_names=["Dan"])
    assert list(t.columns) == list(TURN_COLUMNS)
    assert set(t["speaker"]) == {"Dan", "Participant"}
    assert set(t.loc[t["speaker"] == "Dan", "role"]) == {"interviewer"}
    assert set(t.loc[t["speaker"] == "Participant", "role"]) == {"participant"}
    assert len(t) > 20
    assert list(t["turn"]) == list(range(1, len(t) + 1))
    assert (t["transcript"] == "P1").all()
    assert not t["text"].str.contains(r"Participant:|Dan:").any()
    # PDF debris: the page marker "1/5" and the "Interview" heading are not in any turn,
    # and hard-wrapped lines join their turn.
    assert t["text"].iloc[0].startswith("Okay. So now you can stop sharing")
    assert not t["text"].str.contains(r"\b\d+/5\b").any()
    assert t["text"].iloc[3].endswith("we tend to use ICE plots.")


def test_pdpilot_interviewer_is_detected_or_set():
    detected = read_transcript(PDPILOT / "P1.txt")  # Dan asks; the other label is "Participant"
    assert set(detected.loc[detected["speaker"] == "Dan", "role"]) == {"interviewer"}
    none = read_transcript(PDPILOT / "P1.txt", interviewer_names=[])  # set: nobody
    assert set(none["role"]) == {"participant"}


@pytest.mark.parametrize("name", ["P1", "P2", "P3", "P4"])
def test_pdpilot_turn_count_matches_speaker_labels(name):
    text = (PDPILOT / f"{name}.txt").read_text(encoding="utf-8")
    labels = re.findall(r"^(Dan|Participant):", text, flags=re.MULTILINE)
    t = read_transcript(PDPILOT / f"{name}.txt", interviewer_names="Dan")
    assert list(t["speaker"]) == labels
    # no stray page numbers glued into turns as separate "words" at the end of text
    assert not t["text"].str.contains(r"(?:\s\d{1,3}){3}").any()


def test_qualcoder_text_three_speakers():
    t = read_transcript(QUALCODER / "transcript.txt")
    assert set(t["speaker"]) == {"id1", "id2", "id3"}
    assert len(t) == 7
    assert t["text"].iloc[0].startswith("hello, I like the course.")


def test_qualcoder_docx_reads_text():
    t = read_transcript(QUALCODER / "ID1.docx")
    assert (t["transcript"] == "ID1").all()
    assert t["text"].str.len().sum() > 200
    assert t["text"].str.contains("world history").any()
    # no labels in this document: one unlabelled turn per paragraph
    assert set(t["role"]) == {"other"}


def test_docx_with_labels_is_parsed_into_turns(tmp_path):
    import docx

    document = docx.Document()
    for line in ["Interviewer: How do you shop?", "Participant: Mostly on the app.", "Daily."]:
        document.add_paragraph(line)
    document.save(tmp_path / "D1.docx")
    t = read_transcript(tmp_path / "D1.docx")
    assert list(t["speaker"]) == ["Interviewer", "Participant"]
    assert t["text"].iloc[1] == "Mostly on the app. Daily."


def test_continuation_paragraphs_and_headers(tmp_path):
    path = write(
        tmp_path / "T01.txt",
        "# Second Stitch customer interview T01\n"
        "# Date: 2026-03-04 | Mode: video call\n"
        "\n"
        "Interviewer: Thanks for joining.   How do you shop?\n"
        "\n"
        "Participant: Mostly on the app,\n"
        "  every   evening.\n"
        "\n"
        "And at weekends too.\n"
        "\n"
        "Interviewer 1: Anything else?\n"
        "\n"
        "Participant: No.\n"
        "[laughs] Well, maybe.\n",
    )
    t = read_transcript(path)
    assert list(t["speaker"]) == ["Interviewer", "Participant", "Interviewer 1", "Participant"]
    assert list(t["role"]) == ["interviewer", "participant", "interviewer", "participant"]
    assert t["text"].iloc[0] == "Thanks for joining. How do you shop?"
    assert t["text"].iloc[1] == "Mostly on the app, every evening. And at weekends too."
    assert not t["text"].str.contains("Date|#").any()
    assert t["text"].iloc[3] == "No. [laughs] Well, maybe."


def test_colon_inside_a_sentence_is_not_a_speaker(tmp_path):
    path = write(
        tmp_path / "T.txt",
        "Interviewer: Go on.\nParticipant: my rule is simple: cheap first.\nit works: mostly.\n",
    )
    t = read_transcript(path)
    assert list(t["speaker"]) == ["Interviewer", "Participant"]
    assert t["text"].iloc[1] == "my rule is simple: cheap first. it works: mostly."


def test_read_transcripts_folder_sorted_with_file_stem_ids(tmp_path):
    write(tmp_path / "T02.txt", "Interviewer: Hi.\nParticipant: Two.\n")
    write(tmp_path / "T01.txt", "Interviewer: Hi.\nParticipant: One.\n")
    write(tmp_path / "notes.csv", "not,a,transcript")
    t = read_transcripts(tmp_path)
    assert list(t["transcript"]) == ["T01", "T01", "T02", "T02"]
    assert list(t["text"]) == ["Hi.", "One.", "Hi.", "Two."]
    assert list(t.index) == [0, 1, 2, 3]
    listed = read_transcripts([tmp_path / "T02.txt", tmp_path / "T01.txt"])
    pd.testing.assert_frame_equal(listed, t)


def test_transcript_file_errors(tmp_path):
    with pytest.raises(InputFileError, match="missing.txt"):
        read_transcript(tmp_path / "missing.txt")
    with pytest.raises(InputFileError, match="no text"):
        read_transcript(write(tmp_path / "empty.txt", "# only a header\n\n"))
    (tmp_path / "latin.txt").write_bytes("Participant: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="UTF-8"):
        read_transcript(tmp_path / "latin.txt")
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    with pytest.raises(InputFileError, match="bad.docx"):
        read_transcript(tmp_path / "bad.docx")
    with pytest.raises(InputFileError, match="no transcripts"):
        read_transcripts(_empty_dir(tmp_path))


def _empty_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "empty_folder"
    folder.mkdir()
    return folder


def test_read_transcripts_rejects_two_files_with_one_id(tmp_path):
    write(tmp_path / "T01.txt", "Participant: a\n")
    import docx

    document = docx.Document()
    document.add_paragraph("Participant: b")
    document.save(tmp_path / "T01.docx")
    with pytest.raises(InputFileError, match="T01"):
        read_transcripts(tmp_path)


# --------------------------------------------------------------------------- codebook


def test_codebook_loads(codebook):
    assert codebook.name == "Test codebook"
    # the parent "Shopping drivers" is no code id, so it becomes a grouping code
    assert codebook.ids == ["shopping_drivers", "price_value", "fit_sizing", "delivery"]
    assert not codebook["shopping_drivers"].codable
    table = codebook.table()
    assert list(table.columns) == [
        "id",
        "label",
        "description",
        "parent",
        "path",
        "level",
        "keywords",
        "regex",
        "exclude",
    ]
    assert table.loc[1, "parent"] == "shopping_drivers"
    assert table.loc[1, "path"] == "Shopping drivers > Price and value"
    assert pd.isna(table.loc[2, "parent"])
    assert codebook["fit_sizing"].label == "Fit and sizing"


def test_keywords_wildcard_phrase_case_and_whole_word(codebook):
    price = codebook["price_value"]
    assert price.find("DISCOUNTED, discounts and a Discount") == [
        "discounted",
        "discounts",
        "discount",
    ]
    assert price.find("real value\n for   money") == ["value for money"]
    assert price.find("priceless and cheapest, no discoun") == []
    fit = codebook["fit_sizing"]
    assert fit.find("a real benefit, fitted, outfit") == []
    assert fit.find("It did not fit.") == ["fit"]
    assert fit.find("sizes and oversized") == ["sizes"]


def test_keyword_hyphen_and_apostrophe():
    code = Code("c", keywords=("second-hand", "don't like"))
    assert code.find("second hand, secondhand, Second-hand") == [
        "second hand",
        "secondhand",
        "second-hand",
    ]
    assert code.find("I don’t like it") == ["don’t like"]


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = write(
        tmp_path / "cb.yaml",
        "codes:\n  - id: a\n    keywords: [x, y\n  - id: b\n    keywords: [z]\n",
    )
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert info.value.line == 4
    assert f"{path}:4" in str(info.value)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("codes:\n  - id: a\n    keywords: [x]\n  - id: a\n    keywords: [y]\n", 4, "twice"),
        ("codes:\n  - id: a\n    keywords: []\n", 3, "no keywords"),
        ("codes:\n  - id: a\n    keywords: [x*y]\n", 3, "only allowed at the end"),
        ("codes:\n  - id: a\n    keywords: ['*']\n", 3, "no letters"),
        ("codes:\n  - id: a\n    keywords: [fine, yes]\n", 3, "quotes"),
        ("codes:\n  - id: a\n    kewords: [x]\n", 3, "did you mean 'keywords'"),
        ("codes:\n  - id: a b\n    keywords: [x]\n", 2, "must start with a letter"),
        ("codes:\n  - id: a\n    keywords: x\n", 3, "must be a list"),
        ("codes:\n  - id: a\n    id: b\n    keywords: [x]\n", 3, "appears twice"),
        ("codes: []\n", 1, "non-empty list"),
    ],
)
def test_codebook_errors_name_the_line(text, line, message):
    with pytest.raises(CodebookError, match=re.escape(message)) as info:
        parse_codebook(text, path="cb.yaml")
    assert info.value.line == line
    assert str(info.value).startswith(f"cb.yaml:{line}: ")


def test_codebook_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="nope.yaml"):
        load_codebook(tmp_path / "nope.yaml")


def test_codebook_built_in_code_checks_duplicates():
    with pytest.raises(CodebookError, match="twice"):
        Codebook(codes=(Code("a", keywords=("x",)), Code("a", keywords=("y",))))
    with pytest.raises(CodebookError, match="parent 'b' is not a code id"):
        Codebook(codes=(Code("a", parent="b"),))
    with pytest.raises(CodebookError, match="cycle"):
        Codebook(codes=(Code("a", parent="b"), Code("b", parent="a")))


# --------------------------------------------------------------------------- coding


def test_code_turns_codes_only_participant_turns(turns, codebook):
    before = turns.copy()
    coded = code_turns(turns, codebook)
    pd.testing.assert_frame_equal(turns, before)
    assert list(coded.columns) == list(CODED_COLUMNS)
    assert set(coded["speaker"]) == {"Participant"}
    assert list(zip(coded["transcript"], coded["turn"], coded["code"], strict=True)) == [
        ("T1", 2, "price_value"),
        ("T1", 4, "fit_sizing"),
        ("T2", 2, "price_value"),
        ("T2", 2, "delivery"),
    ]
    assert coded.loc[0, "matched"] == "price, discount"
    assert coded.loc[2, "matched"] == "cheap, price"
    assert coded.loc[0, "sentiment"] > 0.3
    assert coded.loc[1, "sentiment"] < -0.3
    everyone = code_turns(turns, codebook, roles=None)
    assert "Interviewer" in set(everyone["speaker"])
    assert len(everyone) == len(coded) + 3  # the three interviewer turns with keywords


def test_code_turns_order_is_deterministic(turns, codebook):
    shuffled = turns.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(code_turns(shuffled, codebook), code_turns(turns, codebook))


def test_code_turns_missing_column(turns, codebook):
    with pytest.raises(DataError, match="'text'"):
        code_turns(turns.drop(columns="text"), codebook)
    empty = code_turns(turns.iloc[:0], codebook)
    assert list(empty.columns) == list(CODED_COLUMNS) and empty.empty


def test_code_summary_counts(turns, codebook):
    extra = turn_table(
        [
            ("T3", 2, "Participant", "participant", "Cheap. Cheap again, good price."),
            ("T3", 3, "Participant", "participant", "Prices, prices, prices."),
        ]
    )
    coded = code_turns(pd.concat([turns, extra], ignore_index=True), codebook)
    summary = code_summary(coded)
    expected = pd.DataFrame(
        {
            "code": ["price_value", "delivery", "fit_sizing"],
            "label": ["Price and value", "Delivery", "Fit and sizing"],
            "passages": [4, 1, 1],  # T3 has two price passages
            "transcripts": [3, 1, 1],
        }
    )
    pd.testing.assert_frame_equal(summary, expected)


def test_code_summary_by_segment_with_zero_codes(turns, codebook):
    coded = code_turns(turns, codebook)
    links = pd.DataFrame({"transcript": ["T1", "T2", "T3"], "respondent_id": [11, 12, 13]})
    segments = pd.Series({11: "S1", 12: "S1"})  # respondent 13 has no segment
    coded = attach_segments(coded, links, segments)
    summary = code_summary(coded, by="segment", codebook=codebook)
    assert list(summary.columns) == ["segment", "code", "label", "passages", "transcripts"]
    s1 = summary[summary["segment"] == "S1"].set_index("code")
    assert s1.loc["price_value", "passages"] == 2
    assert s1.loc["price_value", "transcripts"] == 2
    assert s1.loc["fit_sizing", "transcripts"] == 1
    assert s1.loc["delivery", "passages"] == 1
    assert len(summary) == 3
    with pytest.raises(DataError, match="segmnt"):
        code_summary(coded, by="segmnt")


def test_attach_segments_keeps_unmatched_and_does_not_mutate(turns, codebook):
    coded = code_turns(turns, codebook)
    before = coded.copy()
    links = pd.DataFrame({"transcript": ["T1", "T2"], "respondent_id": ["7", "8"]})
    segments = pd.Series(["S2", "S4"], index=[7, 9])  # ids as numbers: matched as text
    out = attach_segments(coded, links, segments)
    pd.testing.assert_frame_equal(coded, before)
    assert len(out) == len(coded)
    by_transcript = out.drop_duplicates("transcript").set_index("transcript")
    assert by_transcript.loc["T1", "segment"] == "S2"
    assert pd.isna(by_transcript.loc["T2", "segment"])  # respondent 8 has no segment
    assert by_transcript.loc["T2", "respondent_id"] == "8"
    bad = pd.DataFrame({"transcript": ["T1", "T1"], "respondent_id": ["7", "8"]})
    with pytest.raises(DataError, match="more than one respondent"):
        attach_segments(coded, bad, segments)


# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at priya.k+shop@example.com, thanks.", "Email me at [EMAIL], thanks."),
        ("It's JO_99@mail.example.org.", "It's [EMAIL]."),
        ("Ring 07700 900123 any time.", "Ring [PHONE] any time."),
        ("Or +44 7700 900123 from abroad.", "Or [PHONE] from abroad."),
        ("The shop is on 01632 960001.", "The shop is on [PHONE]."),
        ("US line (555) 123-4567 works.", "US line [PHONE] works."),
        ("London 020 7946 0018 too", "London [PHONE] too"),
        ("See www.example.com/deals?x=1, it's good.", "See [URL], it's good."),
        ("Go to https://shop.example.net/item/42.", "Go to [URL]."),
        ("Try shop.example.net/x now", "Try [URL] now"),
        ("My sister Priya loves it; Priya says so.", "My sister [NAME] loves it; [NAME] says so."),
        ("The courier, Dave, was late.", "The courier, [NAME], was late."),
        ("a driver called Sam knocked", "a driver called [NAME] knocked"),
        (
            "I'm married, my wife's Sarah. Sarah shops.",
            "I'm married, my wife's [NAME]. [NAME] shops.",
        ),
        ("Married to Michelle, two kids, Tyler's 13.", "Married to [NAME], two kids, [NAME]'s 13."),
        ("There's a lad, Dougie, who does our area.", "There's a lad, [NAME], who does our area."),
    ],
)
def test_redact_each_kind(text, expected):
    assert redact(text) == expected


def test_redact_given_names_whole_word_any_case():
    text = "Dan said hi to dan and DAN. Danny and Jordan stay."
    assert (
        redact(text, names=["Dan"]) == "[NAME] said hi to [NAME] and [NAME]. Danny and Jordan stay."
    )
    assert redact("Mary Ann was there", names="Mary Ann") == "[NAME] was there"


@pytest.mark.parametrize(
    "text",
    [
        "It cost £12.50 in 2019 and 2020, sizes 18-32 (UK 18–24), 1,500 customers.",
        "Delivered on 04/03/2026 at 10:30, 30-45 minutes late, order 123456.",
        "Version 1.2.3, e.g. this, i.e. that, etc. in St. Ives... ok.",
        "My mum And I went. My friend said: Great. I will wear it on Monday.",
        "",
    ],
)
def test_redact_keeps_ordinary_text(text):
    assert redact(text) == text


PII = st.one_of(
    st.builds(
        "{}@{}.{}".format,
        st.from_regex(r"[a-z][a-z0-9._+]{0,10}[a-z0-9]", fullmatch=True),
        st.sampled_from(["example", "mail.example", "shop-1.example"]),
        st.sampled_from(["com", "org", "co.uk"]),
    ),
    st.builds("07700 900{:03d}".format, st.integers(0, 999)),
    st.builds("07700900{:03d}".format, st.integers(0, 999)),
    st.builds("+44 7700 900{:03d}".format, st.integers(0, 999)),
    st.builds("01632 960{:03d}".format, st.integers(0, 999)),
    st.builds("(555) {:03d}-{:04d}".format, st.integers(100, 999), st.integers(0, 9999)),
    st.builds("1-800-{:03d}-{:04d}".format, st.integers(200, 999), st.integers(0, 9999)),
    st.builds("+1 212 {:03d} {:04d}".format, st.integers(200, 999), st.integers(0, 9999)),
    st.builds("0044 20 7946 {:04d}".format, st.integers(0, 9999)),
    st.builds("+33 1 {:02d} {:02d} {:02d} {:02d}".format, *[st.integers(0, 99)] * 4),
    st.builds(
        "{}.{}.{}.{}".format, st.integers(1, 255), *[st.integers(0, 255)] * 2, st.integers(1, 254)
    ),
    st.builds("2001:db8::{:x}:{:x}".format, st.integers(16, 65535), st.integers(16, 65535)),
    st.builds(
        "https://shop.example.net/{}".format, st.from_regex(r"[a-z0-9/_-]{0,12}", fullmatch=True)
    ),
    st.builds("www.example.com/{}".format, st.from_regex(r"[a-z0-9/_?=-]{0,12}", fullmatch=True)),
    st.builds("shop.example.net/{}".format, st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)),
)
WORD = st.sampled_from(
    "I bought a lovely wool coat for my mum and the price was fine but postage hurt".split()
)
PUNCT = st.sampled_from(["", ".", ",", "!", "?", ")", ":"])


@st.composite
def text_with_pii(draw):
    parts = draw(st.lists(st.one_of(WORD, WORD, PII), min_size=1, max_size=30))
    parts.append(draw(PII))
    return " ".join(p + draw(PUNCT) for p in draw(st.permutations(parts)))


@settings(max_examples=150, deadline=None)
@given(text_with_pii())
def test_redact_leaves_no_contact_details(text):
    out = redact(text)
    assert not EMAIL_LEFT.search(out), out
    assert not PHONE_LEFT.search(out), out
    assert not LINK_LEFT.search(out), out


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdefghij klmnop,'\n-", max_size=80))
def test_redact_never_changes_plain_lowercase_text(text):
    assert redact(text) == text


# --------------------------------------------------------------------------- quotes


def sentence(i: int, keyword: str) -> str:
    return f"Honestly number {i} is about the {keyword} and how it felt to me that week."


def corpus() -> pd.DataFrame:
    """Coded rows: S1 mentions price in 4 transcripts, fit in 2; S2 mentions delivery."""
    rows = []
    for i, transcript in enumerate(["T1", "T2", "T3", "T4"], start=1):
        text = f"{sentence(i, 'price')} My friend Ann said email ann@example.com about it."
        rows.append(("S1", transcript, 2, "price_value", text, "price"))
    for transcript in ["T1", "T2"]:
        rows.append(("S1", transcript, 4, "fit_sizing", sentence(9, "fit") * 2, "fit"))
    long_text = " ".join(sentence(i, "weather") for i in range(6))
    long_text += " Then the courier lost it, call 07700 900123 said the card. "
    long_text += " ".join(sentence(i, "garden") for i in range(6))
    rows.append(("S2", "T5", 6, "delivery", long_text, "courier"))
    rows.append(("S2", "T6", 2, "delivery", "Too short on courier.", "courier"))
    rows.append((None, "T7", 2, "delivery", sentence(1, "courier"), "courier"))
    return pd.DataFrame(rows, columns=["segment", "transcript", "turn", "code", "text", "matched"])


def test_pick_quotes_respects_limits_and_prefers_frequent_codes():
    coded = corpus()
    quotes = pick_quotes(coded, per_group=3, min_words=12, max_words=40)
    assert list(quotes.columns) == ["segment", "code", "transcript", "turn", "quote"]
    assert set(quotes["segment"]) == {"S1", "S2"}  # no group for the missing segment
    s1 = quotes[quotes["segment"] == "S1"]
    assert len(s1) == 3
    assert s1["code"].iloc[0] == "price_value"  # the code most S1 transcripts mention
    assert set(s1["code"]) == {"price_value", "fit_sizing"}
    assert s1["transcript"].is_unique  # one quote per transcript while others remain
    assert quotes["quote"].map(words).between(12, 40).all()
    one = pick_quotes(coded, per_group=1)
    assert one.groupby("segment").size().to_dict() == {"S1": 1, "S2": 1}
    assert one.loc[one["segment"] == "S1", "code"].item() == "price_value"


def test_pick_quotes_trims_long_turns_on_sentences_and_redacts():
    quotes = pick_quotes(corpus(), per_group=3, min_words=5, max_words=30)
    s2 = quotes[quotes["segment"] == "S2"]
    assert list(s2["transcript"]) == ["T5"]  # T6 is too short
    quote = s2["quote"].item()
    assert quote.startswith("… ") and quote.endswith(" …")
    assert "courier lost it" in quote
    assert "[PHONE]" in quote and "07700" not in quote
    for q in quotes["quote"]:
        assert "@" not in q and "Ann" not in q


def test_names_found_in_one_turn_are_redacted_in_other_turns_quotes():
    assert find_names("It was my daughter Fiona, really. And the courier Dave.") == [
        "Fiona",
        "Dave",
    ]
    assert redact("Fiona phoned me.") == "Fiona phoned me."
    assert redact("Fiona phoned me.", found_names=["Fiona"]) == "[NAME] phoned me."
    filler = "and that is why I keep coming back to this shop for the price every time"
    coded = pd.DataFrame(
        {
            "segment": ["S3", "S3"],
            "transcript": ["T06", "T06"],
            "turn": [2, 12],
            "code": ["customer_service", "returns"],
            "text": [
                f"It was my daughter Fiona, really, {filler}.",
                f"Fiona did the return {filler}.",
            ],
            "matched": ["daughter", "return"],
        }
    )
    quotes = pick_quotes(coded, per_group=2, min_words=5)
    assert len(quotes) == 2
    assert not quotes["quote"].str.contains("Fiona").any()
    assert quotes["quote"].str.contains("[NAME]", regex=False).all()


def test_pick_quotes_is_deterministic():
    coded = corpus()
    first = pick_quotes(coded, per_group=2)
    again = pick_quotes(coded.sample(frac=1, random_state=1).reset_index(drop=True), per_group=2)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, pick_quotes(coded, per_group=2))


def test_pick_quotes_arguments():
    coded = corpus()
    with pytest.raises(ValueError, match="min_words"):
        pick_quotes(coded, min_words=50, max_words=10)
    with pytest.raises(ValueError, match="per_group"):
        pick_quotes(coded, per_group=0)
    with pytest.raises(DataError, match="segment"):
        pick_quotes(coded.drop(columns="segment"))
    whole = pick_quotes(coded.drop(columns="segment"), by=None, per_group=2)
    assert list(whole.columns) == ["code", "transcript", "turn", "quote"]
    assert len(whole) == 2


def test_excerpt_widens_short_sentences_to_min_words():
    text = "Short one. I like the price a lot. Another short one here. " + "Filler words " * 30
    out = excerpt(text, ["price"], min_words=10, max_words=20)
    assert out is not None and "price" in out
    assert 10 <= words(out) <= 20


def test_pick_quotes_on_pdpilot_have_no_contact_details(codebook):
    turns = read_transcripts(
        [PDPILOT / f"P{i}.txt" for i in range(1, 5)], interviewer_names=["Dan"]
    )
    cb = parse_codebook(
        "codes:\n"
        "  - id: plots\n    keywords: [plot*, chart*]\n"
        "  - id: interactions\n    keywords: [interaction*, two-way]\n"
    )
    coded = code_turns(turns, cb)
    assert set(coded["transcript"]) == {"P1", "P2", "P3", "P4"}
    quotes = pick_quotes(coded, by=None, per_group=4, min_words=12, max_words=60)
    assert len(quotes) == 4
    assert quotes["transcript"].is_unique
    assert quotes["quote"].map(words).between(12, 60).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text_with_pii(), min_size=1, max_size=6), st.integers(1, 4))
def test_quotes_never_contain_contact_details(texts, per_group):
    rows = [
        ("S1", f"T{i}", 2, "price_value", f"The price was fine. {t} The price again.", "price")
        for i, t in enumerate(texts)
    ]
    coded = pd.DataFrame(rows, columns=["segment", "transcript", "turn", "code", "text", "matched"])
    quotes = pick_quotes(coded, per_group=per_group, min_words=3, max_words=25)
    assert len(quotes) <= per_group
    for quote in quotes["quote"]:
        assert not EMAIL_LEFT.search(quote), quote
        assert not PHONE_LEFT.search(quote), quote
        assert not LINK_LEFT.search(quote), quote
        assert 3 <= words(quote) <= 25
