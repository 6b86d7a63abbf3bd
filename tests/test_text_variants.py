"""Transcript readers on real-world export shapes beyond the basic fixtures, and robustness:
every file is either read correctly or refused with an InputFileError naming file and line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.errors import InputFileError
from research.text import read_transcript, read_transcripts

VARIANTS = Path(__file__).parent / "data" / "transcripts" / "variants"


def turns_of(name: str, **kwargs):
    return read_transcript(VARIANTS / name, **kwargs)


def test_otter_export_with_bom_crlf_header_and_footer():
    t = turns_of("otter_web.txt")
    assert list(t["speaker"]) == ["Speaker 1", "Unknown Speaker"] * 2
    assert list(t["role"]) == ["interviewer", "participant"] * 2
    assert t["text"].iloc[1] == (
        "Honestly, the delivery took nine days. And nobody told me it was delayed."
    )
    assert t["text"].iloc[-1] == "A text message when it ships. That is all."  # no otter.ai
    assert not t["text"].str.contains("SUMMARY|KEYWORDS|\r|\ufeff").any()
    np.testing.assert_allclose(t["start"], [0, 4, 15, 19])


@pytest.mark.parametrize(
    ("name", "speakers", "starts"),
    [
        ("teams_2024.docx", ["Dana Whitfield", "Chris Moreno"] * 2, [3, 9, 15, 21]),
        ("teams_legacy.docx", ["Dana Whitfield", "Chris Moreno"] * 2, [0, 5.28, 9.12, 14]),
        ("zoom_closed_caption.txt", ["Jordan Lee", "Priya Shah"] * 2, [36192, 36200, 36211, 36215]),
        ("sonix.txt", ["Speaker1", "Speaker2"] * 2, [5, 9, 14, 16]),
        ("happyscribe.txt", ["Interviewer", "Respondent"] * 2, [5.12, 9.4, 15, 18.25]),
        ("whisperx.srt", ["SPEAKER_00", "SPEAKER_01"] * 2, [0.5, 3.5, 10, 12.5]),
    ],
)
def test_timed_exports_give_speakers_roles_and_starts(name, speakers, starts):
    t = turns_of(name)
    assert list(t["speaker"]) == speakers
    assert list(t["role"]) == ["interviewer", "participant"] * 2
    np.testing.assert_allclose(t["start"], starts)
    assert not t["text"].str.contains(r"\d:\d\d|-->|transcription|\[|\]").any()


def test_teams_docx_drops_title_date_and_transcription_notices():
    t = turns_of("teams_2024.docx")
    assert t["text"].iloc[0] == "How often do you order from us?"
    assert t["text"].iloc[-1] == "Cheaper delivery, to be honest."


def test_windows_1252_file_needs_its_encoding_and_says_so():
    with pytest.raises(InputFileError, match=r"not UTF-8.*encoding='cp1252'") as info:
        turns_of("rev_cp1252.txt")
    assert info.value.line == 2 and str(info.value).startswith(str(VARIANTS / "rev_cp1252.txt"))
    t = turns_of("rev_cp1252.txt", encoding="cp1252")
    assert list(t["speaker"]) == ["Speaker 1", "Speaker 2"] * 2
    assert t["text"].iloc[1] == "It’s next to the shop – I go every Saturday, it costs £3."
    assert t["text"].iloc[0] == "Tell me about the café you mentioned."
    with pytest.raises(InputFileError, match="unknown text encoding 'klingon'"):
        turns_of("rev_cp1252.txt", encoding="klingon")
    folder = read_transcripts([VARIANTS / "rev_cp1252.txt"], encoding="cp1252")
    assert len(folder) == 4


def test_f4_maxqda_labels_and_hash_timestamps():
    t = turns_of("f4_maxqda.txt")
    assert list(t["speaker"]) == ["I", "B"] * 2
    assert list(t["role"]) == ["interviewer", "participant"] * 2
    assert t["text"].iloc[3] == "Weil es günstiger ist und besser für die Umwelt."


def test_qualifiers_particles_accents_and_lowercase_role_words():
    t = turns_of("qualifiers.txt")
    assert list(t["speaker"]) == [
        "Dan (Interviewer)",
        "Mary van der Berg (P1, female, 34)",
        "Émile Zola (P2)",
        "interviewer",
        "Mary van der Berg (P1, female, 34)",
        "Émile Zola (P2)",
    ]
    assert list(t["role"]) == ["interviewer", "participant", "participant"] * 2


def test_wrapped_text_long_preamble_and_dash_labels():
    t = turns_of("wrapped.txt")
    # the opening note is speech-like text, so it is kept (not silently dropped) as unlabelled
    assert t["speaker"].iloc[0] == "Unlabelled" and t["role"].iloc[0] == "other"
    assert t["text"].iloc[0].startswith("This interview was recorded")
    # "Step 2:" at the start of a wrapped line is not a new speaker
    assert "Step 2" not in set(t["speaker"])
    assert "the Step 2: bit of the form asks for measurements" in t["text"].iloc[2]
    # "Interviewer - ..." and "Participant - ..." are labels
    assert list(t["speaker"].iloc[-2:]) == ["Interviewer", "Participant"]
    assert t["text"].iloc[-1] == "The measurements step, definitely."


def test_short_title_and_metadata_before_the_first_speaker_are_dropped(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(
        "Interview 3\nDate: 4 March\nParticipants: Dan Smith, Maria Lopez\n\n"
        "Dan: Hi?\nMaria: Hello.\n",
        encoding="utf-8",
    )
    t = read_transcript(path)
    assert list(t["speaker"]) == ["Dan", "Maria"]  # "Participants" is not a speaker
    assert not t["text"].str.contains("Lopez|March").any()


def test_numbered_headings_are_not_speakers(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(
        "Interviewer: First question?\nParticipant: Yes.\nQuestion 2: Pricing\n"
        "Interviewer: Second?\nParticipant: No.\n",
        encoding="utf-8",
    )
    t = read_transcript(path)
    assert list(t["speaker"]) == ["Interviewer", "Participant"] * 2


def test_display_names_in_captions_and_chat_style_text():
    t = turns_of("zoom_display_names.vtt")
    assert list(t["speaker"]) == ["dan.smith", "Maria Lopez (she/her)"] * 2
    assert list(t["role"]) == ["interviewer", "participant"] * 2
    assert t["text"].iloc[0] == "How do you shop? Note: be honest."  # "Note:" is no speaker
    assert t["text"].iloc[-1] == "Price: it is cheaper. Note: this is not a speaker."
    chat = turns_of("chat_style.txt")
    assert list(chat["speaker"]) == ["dan.smith", "maria"] * 2
    assert chat["text"].iloc[-1] == "price: it is cheap my rule: cheap first"


def test_zoom_vtt_with_bom_and_crlf():
    t = turns_of("zoom_bom_crlf.vtt")
    assert list(t["speaker"]) == ["Jordan Lee", "Priya Shah"]
    assert list(t["text"]) == ["How did you find us?", "A friend told me."]


def test_srt_with_a_blank_line_inside_a_cue(tmp_path):
    path = tmp_path / "b.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:04,000\nSpeaker 1: Hello,\n\nhow are you?\n\n"
        "2\n00:00:04,000 --> 00:00:06,000\nSpeaker 2: Fine.\n",
        encoding="utf-8",
    )
    t = read_transcript(path)
    assert list(t["text"]) == ["Hello, how are you?", "Fine."]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}}", "an RTF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "a legacy Word .doc"),
        (b"PK\x03\x04" + b"\x00" * 32, "a zip archive"),
    ],
)
def test_documents_saved_as_txt_are_refused_by_name(tmp_path, data, what):
    path = tmp_path / "interview.txt"
    path.write_bytes(data)
    with pytest.raises(InputFileError, match=what) as info:
        read_transcript(path)
    assert info.value.line == 1 and str(path) in str(info.value)


def test_docx_that_is_not_a_docx(tmp_path):
    path = tmp_path / "interview.docx"
    path.write_text("Interviewer: hi\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"interview\.docx: not a readable \.docx"):
        read_transcript(path)


SHAPES = st.sampled_from(
    [
        "Interviewer: ",
        "Participant: ",
        "[00:01:02] Dan: ",
        "DAN (00:01:02): ",
        "Speaker 1  0:03",
        "00:00:01.000 --> 00:00:02.000",
        "0:0:1.0 --> 0:0:2.5",
        "WEBVTT",
        "<v Dan>",
        "1",
        "Page 2 of 9",
        "",
        "# note",
        "**Q:** ",
        "Step 2: ",
        "P1 (f, 34): ",
    ]
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(st.tuples(SHAPES, TEXT), min_size=1, max_size=12),
    suffix=st.sampled_from([".txt", ".md", ".vtt", ".srt"]),
)
def test_any_text_is_read_or_refused_with_file_and_line(tmp_path, lines, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_text("\n".join(a + b for a, b in lines), encoding="utf-8")
    try:
        t = read_transcript(path)
    except InputFileError as exc:
        assert str(exc).startswith(str(path))
    else:
        assert len(t) >= 1 and t["text"].str.len().gt(0).all()
        assert t["turn"].tolist() == list(range(1, len(t) + 1))


def test_metadata_from_excel_in_a_semicolon_locale(tmp_path):
    from research.text import read_metadata

    path = tmp_path / "meta.csv"
    path.write_bytes("\ufefftranscript;Respondent ID;Segment\nT1.docx;R1;Sparer\n".encode())
    meta = read_metadata(path)
    assert meta.to_dict("records") == [
        {"transcript": "T1", "respondent_id": "R1", "segment": "Sparer"}
    ]
    path.write_bytes("transcript,segment\nT1,A\nT2,Spa\xdf\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8") as info:
        read_metadata(path)
    assert info.value.line == 3


def test_word_table_header_row_is_not_a_turn():
    t = turns_of("table_with_header.docx")
    assert list(t["speaker"]) == ["Interviewer", "Respondent"]
    assert list(t["text"]) == ["How do you shop?", "Online."]


def test_press_style_q_and_a():
    t = turns_of("press_qa.txt")
    assert list(t["speaker"]) == ["Q", "A"] * 2
    assert list(t["role"]) == ["interviewer", "participant"] * 2
    assert t["text"].iloc[1] == "Online, mostly. The app is fine."


def test_caption_names_with_accents_and_speech_with_a_colon():
    t = turns_of("accents.vtt")
    assert list(t["speaker"]) == ["Émile Zola", "Zoë"]
    assert t["text"].iloc[0] == "Bonjour? so basically: it works"


@pytest.mark.parametrize(
    "label",
    ["Interviewer1", "Interviewer_2", "Int", "Int.", "Q", "Moderator", "Moderator (Jane)", "Mod",
     "interviewer1", "Moderador"],
)  # fmt: skip
def test_interviewer_labels_with_numbers_and_short_forms_are_found(label):
    from research.text.transcripts import parse_transcript

    lines = [
        f"{label}: Tell me about the last time you shopped.",
        "Sarah: I mostly buy online.",
        f"{label}: Go on.",
        "Sarah: It is cheaper and faster for me.",
        "Tom: Me too.",
        f"{label}: Thanks.",
    ]
    turns = parse_transcript(lines, transcript_id="t")
    roles = dict(zip(turns["speaker"], turns["role"], strict=True))
    assert roles[label] == "interviewer"
    assert roles["Sarah"] == roles["Tom"] == "participant"


@pytest.mark.parametrize("label", ["Ghost", "Intel", "Hostess"])
def test_words_that_only_contain_a_role_are_not_interviewers(label):
    from research.text.transcripts import parse_transcript

    lines = [f"{label}: I like it.", "Sarah: I mostly buy online.", f"{label}: Sure."]
    turns = parse_transcript(lines, transcript_id="t")
    assert dict(zip(turns["speaker"], turns["role"], strict=True))[label] == "participant"
