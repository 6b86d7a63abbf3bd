"""Personas built from the demo study: names, profiles, quotes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from research.personas import name_segments
from research.personas.profiles import display_codes


def test_one_persona_per_segment_with_distinct_names(demo_run):
    personas = demo_run.personas
    assert [p.segment for p in personas] == list(range(1, demo_run.segments.k + 1))
    assert len({p.name for p in personas}) == len(personas)
    assert sum(p.size for p in personas) == demo_run.survey.n_kept
    np.testing.assert_allclose(sum(p.share for p in personas), 1.0)
    assert len({p.color for p in personas}) == len(personas)


def test_generated_names_follow_the_planted_segments(demo_run):
    names = " | ".join(p.name for p in demo_run.personas)
    for noun in ("Conscious Shoppers", "Bargain Hunters", "Reassurance Seekers", "Resellers"):
        assert noun in names


def test_distinctive_items_index_against_total(demo_run):
    survey = demo_run.survey
    for p in demo_run.personas:
        d = p.distinctive_items
        assert len(d) == 6
        np.testing.assert_allclose(d["index"], 100 * d["mean"] / d["total_mean"])
        members = demo_run.segments.assignments[demo_run.segments.assignments == p.segment].index
        item = survey.questionnaire.item(d.loc[0, "item"])
        np.testing.assert_allclose(
            d.loc[0, "mean"], display_codes(survey, item).loc[members].mean()
        )


def test_profiles_table_matches_raw_shares(demo_run):
    prof = demo_run.content.profiles
    survey = demo_run.survey
    seg = demo_run.segments.assignments
    row = prof[(prof["variable"] == "urbanicity") & (prof["category"] == "Rural area")]
    rural = survey.responses["urbanicity"] == 3
    answered = survey.responses["urbanicity"].notna()
    for r in row.itertuples():
        members = seg.index[seg == r.segment]
        expect = rural.loc[members][answered.loc[members]].mean()
        np.testing.assert_allclose(r.value, expect)
    assert set(prof["section"]) >= {"Attitudes", "Needs", "Demographics", "Behaviour", "Channels"}


def test_quotes_are_redacted_and_from_the_segment(demo_run):
    links = pd.read_csv(demo_run.study.resolve(demo_run.study.interviews.links), dtype=str)
    by_transcript = links.set_index("transcript")["respondent_id"]
    seg = demo_run.segments.assignments
    for p in demo_run.personas:
        assert 1 <= len(p.quotes) <= 3
        for q in p.quotes.itertuples():
            assert seg[by_transcript[q.transcript]] == p.segment
            assert not re.search(r"@|\b07700\b|01632|www\.|https?://", q.quote)
            for name in demo_run.study.interviews.redact_names:
                assert not re.search(rf"\b{name}\b", q.quote), (name, q.quote)


def test_name_overrides_win(demo_run):
    att = pd.DataFrame({"F1": [1.0, -1.0]}, index=[1, 2])
    names = name_segments(att, {"F1": "price"}, demo_run.questionnaire, {2: "Loyal Locals"})
    assert names == {1: "Bargain Hunters", 2: "Loyal Locals"}
