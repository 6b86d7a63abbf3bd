"""Transcript readers: every format, speaker shapes, timestamps, headers, roles, metadata."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.errors import DataError, InputFileError
from research.text import (
    TURN_COLUMNS,
    attach_metadata,
    detect_interviewers,
    metadata_names,
    read_metadata,
    read_transcript,
    read_transcripts,
)

DATA = Path(__file__).parent / "data" / "transcripts"
FORMATS = DATA / "formats"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def turns_of(name: str, **kwargs) -> pd.DataFrame:
    return read_transcript(FORMATS / name, **kwargs)


def test_zoom_vtt_merges_cues_of_one_speaker_and_detects_the_interviewer():
    t = turns_of("zoom.vtt")
    assert list(t.columns) == list(TURN_COLUMNS)
    assert list(t["speaker"]) == ["Jordan Lee", "Priya Shah"] * 3
    assert list(t["role"]) == ["interviewer", "participant"] * 3  # Jordan asks the questions
    second = t.iloc[1]
    assert second["text"] == (
        "Mostly second-hand, on the app, and in charity shops when I have time at the weekend."
    )
    assert (second["start"], second["end"]) == (5.0, 12.0)
    assert t["text"].iloc[3] == "A wool coat. The price was fair & it fitted well."  # &amp;
    assert t["end"].iloc[-1] == pytest.approx(62.125)


def test_teams_vtt_voices_styles_and_notes():
    t = turns_of("teams.vtt")
    assert list(t["speaker"]) == ["Moderator", "Sam Taylor", "Moderator", "Sam Taylor"]
    assert list(t["role"]) == ["interviewer", "participant"] * 2
    assert t["text"].iloc[1] == "It came late, two weeks late, and the courier left it outside."
    assert not t["text"].str.contains("<|Recorded|::cue|align:", regex=True).any()
    assert (t["start"].iloc[1], t["end"].iloc[1]) == (3.9, 9.8)


def test_otter_srt_continuation_cues_and_numbered_speakers():
    t = turns_of("otter.srt")
    assert list(t["speaker"]) == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"]
    assert list(t["role"]) == ["interviewer", "participant"] * 2
    assert t["text"].iloc[1].endswith("I also like that nothing goes to landfill.")
    assert t["end"].iloc[1] == pytest.approx(12.01)


def test_unlabelled_captions_drop_rolling_duplicates_and_split_at_pauses():
    t = turns_of("unlabelled.srt")
    assert list(t["speaker"]) == ["Unlabelled", "Unlabelled"]
    assert list(t["role"]) == ["other", "other"]
    assert t["text"].iloc[0] == (
        "I buy most of my clothes second-hand. It is cheaper and better for the planet."
    )
    assert t["start"].iloc[1] == 12.0


@pytest.mark.parametrize(
    ("name", "speakers", "starts"),
    [
        ("rev.txt", ["Interviewer", "Sam Taylor"] * 2, [5, 12, 62, 69]),
        ("bracket_timestamps.txt", ["Interviewer", "Alex"] * 2, [2, 6, 15, 18]),
        ("otter_export.txt", ["Interviewer", "Maria Lopez"] * 2, [3, 9, 75, 81]),
        ("table.docx", ["Interviewer", "Respondent"] * 2, [4, 9, 15, 18]),
        ("teams_transcript.docx", ["Dana Whitfield", "Chris Moreno"] * 2, [3, 11, 25, 31]),
    ],
)
def test_timestamped_speaker_shapes(name, speakers, starts):
    t = turns_of(name)
    assert list(t["speaker"]) == speakers
    assert list(t["role"]) == ["interviewer", "participant"] * 2
    np.testing.assert_allclose(t["start"], starts)
    np.testing.assert_allclose(t["end"].iloc[:-1], starts[1:])  # next turn's start
    # no timestamp is left in the text
    assert not t["text"].str.contains(r"\d:\d\d").any()


def test_bracket_timestamps_inside_a_turn_are_removed():
    t = turns_of("bracket_timestamps.txt")
    assert t["text"].iloc[1] == (
        "I use it every day on the bus. The search is good, but the filters reset when I go back."
    )
    assert t["text"].iloc[3] == "Keep my filters. And show the size first."


def test_rev_title_line_before_the_first_speaker_is_dropped():
    t = turns_of("rev.txt")
    assert not t["text"].str.contains("Rev.com").any()
    assert t["text"].iloc[1].endswith("And I check the measurements.")


def test_speaker_alone_on_its_line():
    t = turns_of("own_line.txt")
    assert list(t["speaker"]) == ["INTERVIEWER", "PARTICIPANT"] * 2
    assert list(t["role"]) == ["interviewer", "participant"] * 2
    assert t["text"].iloc[1] == "Too much plastic. It should come in paper."


def test_markdown_emphasis_links_quotes_and_lists():
    t = turns_of("interview.md")
    assert list(t["speaker"]) == ["Interviewer", "Participant"] * 2
    assert t["text"].iloc[0] == "How did you hear about Second Stitch?"
    assert t["text"].iloc[1] == (
        "On TikTok, from a creator I follow. I trust her picks more than adverts."
    )
    assert t["text"].iloc[3].endswith("I already sell on two other apps. Their fees are about 10%.")
    assert not t["text"].str.contains(r"\*|https?:|Date", regex=True).any()


def test_page_headers_footers_and_numbers_are_stripped():
    t = turns_of("pdf_headers.txt")
    assert list(t["speaker"]) == ["Q", "A"] * 3
    assert list(t["role"]) == ["interviewer", "participant"] * 3
    assert t["text"].iloc[1] == "Once a month, maybe less. Mostly jackets and jeans."
    assert not t["text"].str.contains("Confidential|Page|- 2 -").any()


def test_interviewers_can_be_set_instead_of_detected():
    t = turns_of("teams_transcript.docx", interviewer_names=["Chris Moreno"])
    assert list(t["role"]) == ["participant", "interviewer"] * 2
    assert set(turns_of("teams_transcript.docx", interviewer_names=[])["role"]) == {"participant"}


def test_focus_group_without_an_asker_has_no_interviewer():
    t = read_transcript(DATA / "qualcoder" / "transcript.txt")
    assert detect_interviewers(t) == []
    assert set(t["role"]) == {"participant"}


def test_read_transcripts_reads_every_format_in_a_folder():
    t = read_transcripts(FORMATS)
    assert sorted(pd.unique(t["transcript"])) == sorted(p.stem for p in FORMATS.iterdir())
    assert (
        t.groupby("transcript")["turn"].apply(lambda s: list(s) == list(range(1, len(s) + 1))).all()
    )


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "w.txt"
    path.write_bytes("Interviewer: Hi?\nParticipant: Café.\n".encode("utf-16"))
    assert read_transcript(path)["text"].tolist() == ["Hi?", "Café."]


@pytest.mark.parametrize(
    ("name", "content", "line", "message"),
    [
        ("a.vtt", "00:00:01.000 --> 00:00:02.000\nHi\n", 1, "must start with 'WEBVTT'"),
        ("b.vtt", "WEBVTT\n\n1\n00:00:01 -> 00:00:02\nHi\n", 4, "expected a cue timing"),
        ("c.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\nHello there\n", 6, "cue timing"),
        ("d.srt", "1\n00:00:05,000 --> 00:00:02,000\nHi\n", 2, "ends before it starts"),
    ],
)
def test_malformed_captions_name_file_and_line(tmp_path, name, content, line, message):
    path = write(tmp_path / name, content)
    with pytest.raises(InputFileError, match=message) as info:
        read_transcript(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_unreadable_text_names_file_and_line(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Interviewer: ok\nParticipant: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="UTF-8") as info:
        read_transcript(path)
    assert info.value.line == 2
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"Interviewer: hi\n\x00\x01\x02")
    with pytest.raises(InputFileError, match="binary") as info:
        read_transcript(binary)
    assert info.value.line == 2
    with pytest.raises(InputFileError, match="no text"):
        read_transcript(write(tmp_path / "e.vtt", "WEBVTT\n\nNOTE nothing here\n"))


# --------------------------------------------------------------------------- metadata


def test_metadata_links_transcripts_and_keeps_names_out(tmp_path):
    path = write(
        tmp_path / "meta.csv",
        "File,Respondent ID,Segment,Region,Name,Interviewer\n"
        "zoom.vtt,R1,Savers,North,Priya Shah,Jordan Lee\n"
        "teams,R2,Stylists,South,Sam Taylor,\n",
    )
    meta = read_metadata(path)
    assert list(meta["transcript"]) == ["zoom", "teams"]
    assert {"respondent_id", "segment", "Region"} <= set(meta.columns)
    assert metadata_names(meta) == (["Priya Shah", "Sam Taylor"], ["Jordan Lee"])
    turns = read_transcripts([FORMATS / "zoom.vtt", FORMATS / "teams.vtt", FORMATS / "otter.srt"])
    before = turns.copy()
    linked = attach_metadata(turns, meta)
    pd.testing.assert_frame_equal(turns, before)
    assert "Name" not in linked.columns and "Interviewer" not in linked.columns
    seg = linked.drop_duplicates("transcript").set_index("transcript")["segment"]
    assert seg["zoom"] == "Savers" and seg["teams"] == "Stylists" and pd.isna(seg["otter"])


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("transcript,segment\nT1,A\nT1,B\n", 3, "listed twice"),
        ("transcript,segment\nT1,A\n,B\n", 3, "no transcript"),
        ("respondent,segment\nR1,A\n", None, "needs a 'transcript' column"),
    ],
)
def test_metadata_errors(tmp_path, content, line, message):
    path = write(tmp_path / "m.csv", content)
    with pytest.raises(InputFileError, match=message) as info:
        read_metadata(path)
    assert info.value.line == line
    with pytest.raises(DataError, match="transcript"):
        attach_metadata(pd.DataFrame({"x": [1]}), pd.DataFrame({"transcript": ["a"]}))


@pytest.mark.parametrize(
    ("line", "speaker", "start", "text"),
    [
        ("DAN SMITH (00:01:02): We use ICE plots.", "DAN SMITH", 62.0, "We use ICE plots."),
        ("Speaker 2 [01:02:03.5] Fine, thanks.", "Speaker 2", 3723.5, "Fine, thanks."),
        ("(00:00:07) Interviewer 2: And then?", "Interviewer 2", 7.0, "And then?"),
        ("[00:12] Q: Why?", "Q", 12.0, "Why?"),
        ("Interviewer 1: No time here.", "Interviewer 1", None, "No time here."),
    ],
)
def test_inline_speaker_shapes(tmp_path, line, speaker, start, text):
    path = write(tmp_path / "t.txt", f"{line}\nParticipant: ok\n")
    t = read_transcript(path)
    assert t["speaker"].iloc[0] == speaker and t["text"].iloc[0] == text
    assert t["role"].iloc[1] == "participant"
    if start is None:
        assert np.isnan(t["start"].iloc[0])
    else:
        assert t["start"].iloc[0] == pytest.approx(start)
