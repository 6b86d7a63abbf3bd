"""Persona content and report content from a simulated, weighted survey (no pipeline needed)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from research.errors import DataError
from research.personas import (
    assemble_report,
    describe_segment,
    normalise_scorecard,
    short_label,
    verdict_status,
)
from research.personas.profiles import display_codes
from research.reports.simulate import simulate_report_inputs


@pytest.fixture(scope="module")
def inputs():
    return simulate_report_inputs(5, 1500, weighted=True, random_state=11)


@pytest.fixture(scope="module")
def content(inputs):
    return assemble_report(**inputs)


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna()
    return float(np.average(values[ok], weights=weights[ok]))


def test_sizes_and_shares_are_weighted(content, inputs):
    w, seg = inputs["survey"].weights, inputs["assignments"]
    assert content.weighted
    for p in content.personas:
        assert p.size == int((seg == p.segment).sum())
        np.testing.assert_allclose(p.weighted_size, w[seg == p.segment].sum())
        np.testing.assert_allclose(p.share, w[seg == p.segment].sum() / w.sum())
    np.testing.assert_allclose(sum(p.share for p in content.personas), 1.0)
    assert list(content.segment_sizes.columns) == ["segment", "name", "n", "share", "weighted_n"]
    assert "Kish" in content.tests_note and "weighted Welch" in content.tests_note


def test_profile_values_are_weighted_means_and_shares(content, inputs):
    survey, seg, w = inputs["survey"], inputs["assignments"], inputs["survey"].weights
    prof = content.profiles
    assert {"n", "p_value", "p_adjusted", "sig", "letters"} <= set(prof.columns)
    members = seg == 3
    item = survey.questionnaire.item("sus_4")  # reverse-keyed: shown as ticked
    row = prof[(prof["variable"] == "sus_4") & (prof["segment"] == 3)].iloc[0]
    shown = display_codes(survey, item)
    np.testing.assert_allclose(row["value"], _weighted_mean(shown[members], w[members]))
    np.testing.assert_allclose(row["total"], _weighted_mean(shown, w))
    np.testing.assert_allclose(row["index"], 100 * row["value"] / row["total"])
    tiktok = prof[(prof["variable"] == "channels") & (prof["category"] == "TikTok")]
    hit = survey.responses["channels_2"]
    for r in tiktok.itertuples():
        m = seg == r.segment
        np.testing.assert_allclose(r.value, _weighted_mean(hit[m], w[m]))
        assert r.n == int(m.sum())
    # Letters only name other segments, and only ones with a lower value.
    values = prof.set_index(["variable", "category", "segment"])["value"]
    letters = "ABCDE"
    for r in prof[prof["letters"] != ""].itertuples():
        for letter in r.letters:
            other = letters.index(letter) + 1
            assert other != r.segment
            assert values[(r.variable, r.category, other)] < r.value


def test_needs_are_ranked_with_index_and_top_box(content, inputs):
    survey, seg, w = inputs["survey"], inputs["assignments"], inputs["survey"].weights
    for p in content.personas:
        needs = p.needs
        assert list(needs["rank"]) == list(range(1, len(needs) + 1)) and len(needs) == 5
        assert needs["mean"].is_monotonic_decreasing
        np.testing.assert_allclose(needs["index"], 100 * needs["mean"] / needs["total_mean"])
        first = needs.iloc[0]
        shown = display_codes(survey, survey.questionnaire.item(first["item"]))
        m = seg == p.segment
        np.testing.assert_allclose(first["top_box"], _weighted_mean(shown[m] >= 4, w[m]))
        assert first["text"] == survey.questionnaire.item(first["item"]).text


def test_demographics_use_short_labels_and_sections(content):
    demo = content.personas[0].demographics
    assert {"section", "label", "category", "share", "total_share", "index", "sig"} <= set(demo)
    assert set(demo["section"]) == {"Behaviour", "Channels", "Technology", "Demographics"}
    channels = demo[demo["variable"] == "channels"]
    assert set(channels["label"]) == {"Channels"} and "TikTok" in set(channels["category"])
    metrics = content.personas[0].metrics
    assert metrics["variable"].tolist() == ["spend_12m"] and metrics["unit"].tolist() == ["GBP"]


def test_short_label_prefers_the_questionnaire_label():
    assert short_label(SimpleNamespace(id="purchase_freq", label="Purchase frequency")) == (
        "Purchase frequency"
    )
    assert short_label(SimpleNamespace(id="purchase_freq")) == "Purchase freq"


def test_interview_themes_sentiment_and_quotes(content, inputs):
    coded = inputs["coded"]
    for p in content.personas:
        mine = coded[coded["segment"] == p.segment]
        assert p.interviews == mine["transcript"].nunique()
        top = p.top_codes.iloc[0]
        rows = mine[mine["code"] == top["code"]]
        assert top["transcripts"] == rows["transcript"].nunique()
        np.testing.assert_allclose(top["sentiment"], rows["sentiment"].mean())
        np.testing.assert_allclose(top["transcript_share"], top["transcripts"] / p.interviews)
        assert p.top_codes["transcripts"].is_monotonic_decreasing
        assert 2 <= len(p.quotes) <= 4 and "label" in p.quotes
    assert set(content.themes["segment"]) == {p.segment for p in content.personas}


def test_scorecard_and_respondents_reach_the_content(content, inputs):
    card = content.scorecard
    assert list(card.columns) == ["segment", "criterion", "verdict", "status", "detail"]
    p = content.personas[1]
    assert p.scorecard["criterion"].tolist()[:2] == ["identifiable", "substantial"]
    assert len(p.scorecard) == 7
    resp = content.respondents
    post = inputs["posteriors"]
    assert resp.index.equals(inputs["assignments"].index)
    rid = resp.index[10]
    np.testing.assert_allclose(resp.loc[rid, "posterior"], post.loc[rid, resp.loc[rid, "segment"]])
    assert resp.loc[rid, "persona"] == content.personas[resp.loc[rid, "segment"] - 1].name
    assert "weight" in resp


def test_names_can_be_overridden(inputs):
    content = assemble_report(**{**inputs, "names": {2: "Loyal Locals"}})
    assert content.personas[1].name == "Loyal Locals"
    assert content.segment_sizes.loc[1, "name"] == "Loyal Locals"
    assert len({p.name for p in content.personas}) == len(content.personas)


def test_factor_means_are_weighted_z_scores(content, inputs):
    shares = np.array([p.share for p in content.personas])
    np.testing.assert_allclose(shares @ content.factor_means.to_numpy(), 0, atol=1e-9)


def test_description_is_one_line_from_the_numbers():
    att = pd.Series({"Price focus": 1.2, "Sustainability": -0.8, "Style": 0.1})
    demo = pd.DataFrame(
        {
            "label": ["Age", "Age"],
            "category": ["18-24", "65 or over"],
            "share": [0.6, 0.1],
            "index": [280, 40],
            "sig": ["higher", "lower"],
        }
    )
    text = describe_segment(att, demo)
    assert text == (
        "High on Price focus; low on Sustainability. Over-represented: 18-24 (Age, 60%)."
    )
    assert "\n" not in text


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (True, "pass"),
        (False, "fail"),
        ("Pass", "pass"),
        ("caution: 4% of sample", "caution"),
        ("\u2717", "fail"),
        (0.7, "info"),
        ("see note", "info"),
    ],
)
def test_verdict_status(value, status):
    assert verdict_status(value) == status


def test_scorecard_shapes_are_normalised_alike():
    long = pd.DataFrame(
        {
            "segment": [1, 1, 2, 2],
            "criterion": ["Substantial", "Identifiable", "Substantial", "Identifiable"],
            "verdict": ["pass", "pass", "warn", False],
            "detail": ["31%", "", "4%", ""],
        }
    )
    wide = pd.DataFrame(
        {
            "identifiable": [True, False],
            "substantial": ["pass", "warn"],
            "substantial_detail": ["31%", "4%"],
        },
        index=pd.Index([1, 2], name="segment"),
    )
    a, b = normalise_scorecard(long), normalise_scorecard(wide)
    assert a[["segment", "criterion", "status"]].equals(b[["segment", "criterion", "status"]])
    assert a["criterion"].tolist()[:2] == ["identifiable", "substantial"]
    assert a["status"].tolist() == ["pass", "pass", "fail", "caution"]
    transposed = normalise_scorecard(wide.drop(columns="substantial_detail").T)
    assert transposed["status"].tolist() == ["pass", "pass", "fail", "caution"]
    with pytest.raises(DataError, match="scorecard must have a segment column"):
        normalise_scorecard(pd.DataFrame({"x": [1]}))
    with pytest.raises(DataError, match="needs a criterion column and a verdict column"):
        normalise_scorecard(pd.DataFrame({"segment": [1], "criterion": ["stable"]}))
