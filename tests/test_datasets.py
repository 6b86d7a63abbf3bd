"""The bundled study: the committed export is exactly what the seeded simulator writes."""

from __future__ import annotations

import pandas as pd

from research.datasets import SEGMENTS, regenerate_demo_export
from research.ingest import read_qualtrics


def test_committed_export_is_reproducible(tmp_path, demo):
    regenerate_demo_export(tmp_path)
    files = {"qualtrics_export.csv": "export", "truth.csv": "truth", "interviews.csv": "interviews"}
    for name, role in files.items():
        assert (tmp_path / name).read_bytes() == demo[role].read_bytes(), name


def test_export_is_a_qualtrics_three_row_csv(demo):
    raw = demo["export"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Qualtrics writes UTF-8 with a BOM
    data, meta = read_qualtrics(demo["export"])
    assert meta.layout == "3-row"
    for col in ("StartDate", "EndDate", "Duration (in seconds)", "Finished", "ResponseId"):
        assert col in data.columns
    assert meta.columns.set_index("column").loc["sus_1", "import_id"].startswith("QID")
    assert "Somewhat agree" in set(data["sus_1"])
    assert 1400 <= len(data) <= 1600


def test_planted_structure_and_fault_rates(demo):
    truth = pd.read_csv(demo["truth"], index_col=0)
    shares = truth["segment"].value_counts(normalize=True).sort_index()
    assert (abs(shares.to_numpy() - SEGMENTS["share"].to_numpy()) < 0.03).all()
    faults = truth["fault"].value_counts(normalize=True)
    assert abs(faults["speeder"] - 0.05) < 0.005
    assert abs(faults["straightliner"] - 0.03) < 0.005
    assert abs(faults["attention"] - 0.02) < 0.005


def test_interviews_link_to_clean_respondents_of_their_segment(demo):
    links = pd.read_csv(demo["interviews"])
    truth = pd.read_csv(demo["truth"], index_col=0)
    assert len(links) == len(list(demo["transcripts"].glob("T*.txt"))) == 11
    assert (truth.loc[links["respondent_id"], "fault"] == "none").all()
    assert truth.loc[links["respondent_id"], "segment"].nunique() == 5


def test_transcripts_have_the_promised_shape(demo):
    for path in sorted(demo["transcripts"].glob("T*.txt")):
        text = path.read_text(encoding="utf-8")
        words = len(text.split())
        assert 800 <= words <= 2000, (path.name, words)
        assert "\nInterviewer:" in text and "\nParticipant:" in text
