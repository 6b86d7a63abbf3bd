"""Analysis by segment: frequencies, co-occurrence, sentiment, terms, collocations, quotes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.errors import DataError
from research.text import (
    code_frequencies,
    codebook_from_paths,
    collocations,
    cooccurrence,
    distinctive_terms,
    sentiment,
    sentiment_by_code,
    typical_quotes,
)


def passages_table(rows):
    """Rows of (segment, transcript, turn, text)."""
    frame = pd.DataFrame(rows, columns=["segment", "transcript", "turn", "text"])
    return frame.assign(sentence=0, sentiment=[sentiment(t) for t in frame["text"]])


@pytest.fixture
def passages():
    return passages_table(
        [
            ("S1", "T1", 2, "The price was great and the coat is lovely."),
            ("S1", "T1", 4, "Delivery was slow and the courier was rude."),
            ("S1", "T2", 2, "Great price, great value, I love a bargain."),
            ("S1", "T2", 4, "Nothing else to say really."),
            ("S2", "T3", 2, "Delivery took ages, awful courier, terrible tracking."),
            ("S2", "T3", 4, "The price is fine I suppose."),
        ]
    )


@pytest.fixture
def coded(passages):
    codes = {
        ("T1", 2): ["price"],
        ("T1", 4): ["delivery", "service"],
        ("T2", 2): ["price"],
        ("T3", 2): ["delivery", "service"],
        ("T3", 4): ["price"],
    }
    rows = []
    for rec in passages.to_dict("records"):
        for code in codes.get((rec["transcript"], rec["turn"]), []):
            rows.append({**rec, "code": code, "label": code.title(), "matched": ""})
    return pd.DataFrame(rows)


def test_frequencies_are_shares_of_participants_and_passages(coded, passages):
    freq = code_frequencies(coded, passages, by="segment").set_index(["segment", "code"])
    price = freq.loc[("S1", "price")]
    assert (price["participants"], price["n_participants"], price["participants_share"]) == (
        2,
        2,
        1.0,
    )
    assert (price["passages"], price["n_passages"]) == (2, 4)
    assert price["passages_share"] == pytest.approx(0.5)
    assert freq.loc[("S1", "delivery"), "participants_share"] == pytest.approx(0.5)
    assert freq.loc[("S2", "delivery"), "passages_share"] == pytest.approx(0.5)
    with pytest.raises(DataError, match="'segmnt'"):
        code_frequencies(coded, passages, by="segmnt")


def test_frequencies_use_respondents_and_roll_up_levels(coded, passages):
    book = codebook_from_paths(["Logistics > delivery", "Logistics > service", "price"])
    ids = {
        "delivery": book.find_path("Logistics > delivery"),
        "service": book.find_path("Logistics > service"),
        "price": "price",
    }
    coded = coded.assign(code=coded["code"].map(ids))
    freq = code_frequencies(coded, passages, by=None, codebook=book, level=1).set_index("code")
    logistics = book.find_path("Logistics")
    assert freq.loc[logistics, "passages"] == 2  # two passages, each with both children
    assert freq.loc[logistics, "label"] == "Logistics"
    one_person = passages.assign(respondent_id="R1")
    freq = code_frequencies(coded.assign(respondent_id="R1"), one_person, by=None)
    assert (freq["n_participants"] == 1).all()


def test_cooccurrence_counts_passages_with_both_codes(coded):
    table = cooccurrence(coded)
    assert list(table.index) == ["delivery", "price", "service"]
    assert table.loc["delivery", "service"] == 2 and table.loc["price", "delivery"] == 0
    assert table.loc["price", "price"] == 3
    by_transcript = cooccurrence(coded, within="transcript")
    assert by_transcript.loc["price", "delivery"] == 2  # T1 and T3
    np.testing.assert_array_equal(table.to_numpy(), table.to_numpy().T)


def test_sentiment_by_code_and_segment(coded):
    table = sentiment_by_code(coded, by="segment").set_index(["segment", "code"])
    assert table.loc[("S1", "price"), "sentiment_mean"] > 0.5
    assert table.loc[("S2", "delivery"), "sentiment_mean"] < -0.5
    assert table.loc[("S2", "delivery"), "negative_share"] == 1.0
    assert table.loc[("S1", "price"), "passages"] == 2


def test_distinctive_terms_contrast_segments(passages):
    terms = distinctive_terms(passages, by="segment", top=3, min_participants=1)
    s2 = terms[terms["segment"] == "S2"]["term"].tolist()
    assert "tracking" in s2 or "ages" in s2 or "awful" in s2
    assert "price" not in s2[:1]  # shared with S1, so not distinctive of S2
    kept = distinctive_terms(passages, by="segment", top=5, min_participants=2)
    assert set(kept.loc[kept["segment"] == "S1", "term"]) <= {"great", "price"}


def test_collocations_per_segment():
    rows = [
        (
            "S1",
            f"T{i}",
            2,
            "Value for money matters. Customer service was poor, customer service again.",
        )
        for i in range(3)
    ]
    found = collocations(passages_table(rows), by="segment", top=3)
    assert found["collocation"].iloc[0] == "customer service"
    assert found["count"].iloc[0] == 6
    assert not found["collocation"].str.contains(r"\bfor\b").any()  # stop words left out


def test_typical_quotes_pick_the_most_typical_not_the_first():
    texts = [
        "Honestly the parking outside was annoying and my phone battery died.",  # first, atypical
        "The price was fair and the price of postage was fair too, good value.",
        "A fair price and good value, the price made me buy it again.",
        "Good value at that price, fair for the quality I got.",
    ]
    rows = [("S1", f"T{i}", 2, t) for i, t in enumerate(texts)]
    coded = passages_table(rows).assign(code="price", label="Price", matched="")
    quotes = typical_quotes(coded, by="segment", per_code=2, min_words=5)
    assert len(quotes) == 2 and list(quotes["rank"]) == [1, 2]
    assert "parking" not in " ".join(quotes["quote"])
    assert quotes["typicality"].is_monotonic_decreasing
    assert quotes["passages"].iloc[0] == 4
    assert quotes["transcript"].is_unique
