"""Planted-PII corpus (tests/data/pii): 36 kinds, 252 instances; none may survive redaction.

The corpus is written by ``tests/data/pii/make_corpus.py`` (seeded). A value leaks when it is
still found in the redacted text: as written, with its separators removed (card and phone
numbers split differently), or, for names, any word of three or more letters of it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from research.text import redact

DATA = Path(__file__).parent / "data" / "pii"
NAME_KINDS = {"my_name_is", "my_name_is_lower", "im_name", "this_is", "titled", "relation"}
TITLES = {"dr", "mrs", "mr", "ms", "prof"}


def corpus() -> list[dict[str, str]]:
    with open(DATA / "planted_pii.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _squash(text: str) -> str:
    return re.sub(r"[\s\-./:()]+", "", text).casefold()


def leaks(row: dict[str, str], redacted: str) -> bool:
    value = row["value"]
    if row["type"] in NAME_KINDS:
        words = [w.strip(".,") for w in value.split()]
        words = [w for w in words if len(w) >= 3 and w.casefold().strip(".") not in TITLES]
        return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", redacted, re.I) for w in words)
    return value.casefold() in redacted.casefold() or _squash(value) in _squash(redacted)


def test_the_corpus_is_large_and_varied():
    rows = corpus()
    assert len(rows) >= 200
    assert len({r["type"] for r in rows}) >= 25


def test_no_planted_value_survives_redaction():
    leaked = [
        (r["type"], r["value"], redact(r["text"])) for r in corpus() if leaks(r, redact(r["text"]))
    ]
    assert leaked == []


def test_no_planted_value_survives_in_one_long_transcript():
    rows = corpus()
    text = " ".join(r["text"] for r in rows)
    redacted = redact(text)
    assert [r["value"] for r in rows if leaks(r, redacted)] == []


def test_ordinary_sentences_are_mostly_left_alone():
    sentences = (DATA / "ordinary.txt").read_text(encoding="utf-8").splitlines()
    assert len(sentences) >= 50
    changed = [s for s in sentences if redact(s) != s]
    # Measured: 1 of 50 ("This is Vinted's best feature" reads as an introduction).
    assert len(changed) / len(sentences) <= 0.04, changed


def test_transcript_ids_holding_personal_details_are_replaced():
    from research.text.redact import safe_transcript_ids

    shown = safe_transcript_ids(
        ["T01", "T02_Priya_Shah", "jo.b@example.com", "P3", "interview_07700900123"],
        ["Priya Shah"],
    )
    assert shown["T01"] == "T01" and shown["P3"] == "P3"
    assert {shown[t] for t in ("T02_Priya_Shah", "jo.b@example.com", "interview_07700900123")} == {
        "transcript-1", "transcript-2", "transcript-3"
    }  # fmt: skip
