"""A study full of planted personal data: none of it reaches any file of the report folder.

The bundled study is copied with e-mail addresses as respondent ids (also in the interview
links) and planted personal details in every transcript. After ``run_study`` every output file
is scanned: workbook cells, PDF text, CSV, JSON, PNG text chunks.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zlib
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from research.datasets import demo_paths
from research.study import run_study

PLANTED_SENTENCES = [
    "My name is Tobias Green and you can reach me at tobias.green@example.com.",
    "Card 4111 1111 1111 1111 was charged twice, IBAN GB29 NWBK 6016 1331 9268 19 refunded.",
    "I was born on 3 March 1991, my NI number is QQ 12 34 56 C and my SSN 123-45-6789.",
    "Send parcels to 221B Baker Street, sw1a2aa, or ring 07700 900123.",
    "Follow me @tobias_green77, or write to tobias dot green at gmail dot com.",
    "Dr. Helen Carter said Mrs Patel would call; I'm Zoë, by the way.",
]
#: What must not appear anywhere (case-insensitive; digits also without separators).
PLANTED = [
    "Tobias", "tobias.green@example.com", "4111 1111 1111 1111", "4111111111111111",
    "GB29 NWBK", "3 March 1991", "QQ 12 34 56 C", "123-45-6789", "221B Baker", "sw1a2aa",
    "07700 900123", "tobias_green77", "tobias dot green", "Helen Carter", "Patel", "Zoë",
    "@example.net",
]  # fmt: skip


def _texts(folder: Path):
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            for ws in book.worksheets:
                yield path, ws.title
                for row in ws.iter_rows(values_only=True):
                    yield path, " | ".join("" if v is None else str(v) for v in row)
            props = book.properties
            yield (
                path,
                " ".join(str(getattr(props, k) or "") for k in ("title", "subject", "creator")),
            )
        elif suffix == ".pdf":
            reader = PdfReader(path)
            yield path, str(reader.metadata or "")
            for page in reader.pages:
                yield path, page.extract_text()
        elif suffix == ".png":
            data = path.read_bytes()
            pos = 8
            while pos < len(data):
                length = int.from_bytes(data[pos : pos + 4], "big")
                kind = data[pos + 4 : pos + 8]
                body = data[pos + 8 : pos + 8 + length]
                if kind == b"tEXt":
                    yield path, body.decode("latin-1")
                elif kind == b"zTXt":
                    yield path, zlib.decompress(body.split(b"\0", 1)[1][1:]).decode("latin-1")
                elif kind == b"iTXt":
                    yield path, body.decode("utf-8", "replace")
                pos += 12 + length
        else:
            yield path, path.read_text(encoding="utf-8", errors="replace")


def _squash(text: str) -> str:
    return re.sub(r"[\s\-]+", "", text).casefold()


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    src = demo_paths()["study"].parent
    root = tmp_path_factory.mktemp("privacy")
    study_dir = root / "study"
    shutil.copytree(src, study_dir)
    export = study_dir / "qualtrics_export.csv"
    text = export.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    col = rows[0].index("ResponseId")
    ids = {}
    for i, row in enumerate(rows[3:]):
        ids[row[col]] = f"customer.{i}@example.net"
        row[col] = ids[row[col]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    export.write_text(out.getvalue(), encoding="utf-8-sig")
    for name in ("interviews.csv", "truth.csv"):
        path = study_dir / name
        table = list(csv.reader(path.open(encoding="utf-8")))
        idx = table[0].index("respondent_id") if "respondent_id" in table[0] else 0
        for row in table[1:]:
            row[idx] = ids.get(row[idx], row[idx])
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(table)
    for transcript in sorted((study_dir / "transcripts").glob("*.txt")):
        lines = transcript.read_text(encoding="utf-8").splitlines()
        extra = [f"Participant: {s} The price and the fit matter most." for s in PLANTED_SENTENCES]
        transcript.write_text("\n".join(lines + [""] + extra) + "\n", encoding="utf-8")
    study = (study_dir / "study.yaml").read_text(encoding="utf-8")
    study = study.replace("n_init: 10", "n_init: 2\n  n_boot: 3\n  golden_questions: 4")
    (study_dir / "study.yaml").write_text(study, encoding="utf-8")
    result = run_study(study_dir / "study.yaml", root / "reports", created="2026-03-25T09:00:00")
    return root, result


def test_no_planted_value_in_any_report_file(planted_run):
    root, result = planted_run
    found = []
    for path, text in _texts(root / "reports"):
        low, squashed = text.casefold(), _squash(text)
        for value in PLANTED:
            if value.casefold() in low or _squash(value) in squashed:
                found.append((path.name, value))
    assert found == [], sorted(set(found))[:10]
    # The planted passages did flow into the reports, redacted (so the scan above has teeth).
    tags = {t for _, text in _texts(root / "reports") for t in re.findall(r"\[[A-Z]+\]", text)}
    assert {"[EMAIL]", "[ADDRESS]", "[NAME]"} <= tags


def test_ids_are_pseudonyms_and_the_key_is_kept_outside(planted_run):
    root, result = planted_run
    segments = (root / "reports" / "segments.csv").read_text()
    assert "@" not in segments and "R0001" in segments
    key = root / "reports-private" / "respondent_ids.csv"
    assert "customer.0@example.net" in key.read_text()
    assert result.survey.n_kept == segments.count("\n") - 1
