"""Agreement statistics: textbook worked examples, equality with nltk, passage-level coding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.metrics.agreement import AnnotationTask

from research.errors import DataError
from research.text import coding_agreement, reliability


def test_cohen_kappa_worked_example():
    """Wikipedia, "Cohen's kappa", example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no."""
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    r = reliability(pd.DataFrame({"A": a, "B": b}))
    assert r["percent"] == pytest.approx(70.0)
    assert r["kappa"] == pytest.approx(0.4, abs=1e-12)  # (0.70 - 0.50) / (1 - 0.50)


def test_krippendorff_alpha_binary_two_coders():
    """Krippendorff (2011), "Computing Krippendorff's alpha-reliability", binary example."""
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    r = reliability(pd.DataFrame({"A": a, "B": b}))
    np.testing.assert_allclose(r["alpha"], 1 - 19 * 4 / (14 * 6), atol=1e-12)  # 0.095
    assert round(r["alpha"], 3) == 0.095


def test_krippendorff_alpha_nominal_four_coders_with_missing_values():
    """Krippendorff (2011), nominal data, 4 observers, 12 units, missing values: alpha 0.743."""
    n = np.nan
    ratings = pd.DataFrame(
        {
            "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
            "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
            "C": [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
            "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
        }
    )
    r = reliability(ratings)
    assert round(r["alpha"], 3) == 0.743
    assert r["items"] == 11  # unit 12 has one rating and is left out


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=2, max_size=40).filter(
        lambda pairs: len({v for p in pairs for v in p}) > 1
    )
)
def test_equals_nltk_annotation_task(pairs):
    frame = pd.DataFrame(pairs, columns=["A", "B"])
    task = AnnotationTask(data=[(c, str(i), str(v)) for c in "AB" for i, v in enumerate(frame[c])])
    r = reliability(frame)
    assert r["percent"] == pytest.approx(100 * task.avg_Ao())
    assert r["alpha"] == pytest.approx(task.alpha())
    assert r["kappa"] == pytest.approx(task.kappa())


def test_no_variation_is_undefined_not_perfect():
    r = reliability(pd.DataFrame({"A": [0, 0, 0], "B": [0, 0, 0]}))
    assert r["percent"] == 100 and np.isnan(r["kappa"]) and np.isnan(r["alpha"])
    with pytest.raises(DataError, match="two coders"):
        reliability(pd.DataFrame({"A": [1, 0]}))
    with pytest.raises(DataError, match="at least two coders"):
        reliability(pd.DataFrame({"A": [1, np.nan], "B": [np.nan, 0]}))


def coding(rows):
    return pd.DataFrame(rows, columns=["transcript", "turn", "sentence", "code"])


def test_passage_level_agreement_per_code_and_overall():
    # 6 passages; "price": A on 1,2,3 and B on 1,2,4; "fit": A on 5, B on 5; passage 6 uncoded
    a = coding(
        [
            ("T", 1, 0, "price"),
            ("T", 2, 0, "price"),
            ("T", 3, 0, "price"),
            ("T", 5, 0, "fit"),
            ("T", 4, 0, ""),
            ("T", 6, 0, ""),
        ]
    )
    b = coding(
        [
            ("T", 1, 0, "price"),
            ("T", 2, 0, "price"),
            ("T", 4, 0, "price"),
            ("T", 5, 0, "fit"),
            ("T", 3, 0, ""),
            ("T", 6, 0, ""),
        ]
    )
    table = coding_agreement(a, b).set_index("code")
    price = table.loc["price"]
    assert (price["passages"], price["coder_a"], price["coder_b"], price["both"]) == (6, 3, 3, 2)
    assert price["percent"] == pytest.approx(100 * 4 / 6)
    # kappa by hand: po = 4/6, pe = (3/6)(3/6) + (3/6)(3/6) = 0.5
    assert price["kappa"] == pytest.approx((4 / 6 - 0.5) / 0.5)
    assert table.loc["fit", "kappa"] == pytest.approx(1.0)
    pooled_a = [1, 1, 1, 0, 0, 0] + [0, 0, 0, 0, 1, 0]
    pooled_b = [1, 1, 0, 1, 0, 0] + [0, 0, 0, 0, 1, 0]
    expected = reliability(pd.DataFrame({"A": pooled_a, "B": pooled_b}))
    assert table.loc["overall", "kappa"] == pytest.approx(expected["kappa"])
    assert table.loc["overall", "alpha"] == pytest.approx(expected["alpha"])
    assert table.loc["mean", "kappa"] == pytest.approx((price["kappa"] + 1.0) / 2)


def test_passages_missing_from_one_table_count_as_uncoded_and_keys_must_match():
    a = coding([("T", 1, 0, "x"), ("T", 2, 0, "x")])
    b = coding([("T", 1, 0, "x")])
    row = coding_agreement(a, b).set_index("code").loc["x"]
    assert (row["passages"], row["coder_a"], row["coder_b"]) == (2, 2, 1)
    with pytest.raises(DataError, match="identify passages differently"):
        coding_agreement(a, pd.DataFrame({"transcript": ["T"], "text": ["t"], "code": ["x"]}))
    with pytest.raises(DataError, match="no column 'code'"):
        coding_agreement(a.drop(columns="code"), b)
    with pytest.raises(DataError, match="neither coder"):
        coding_agreement(a.assign(code=""), b.assign(code=""))


#: Fleiss (1971) as worked on Wikipedia ("Fleiss' kappa"): 10 subjects, 14 raters, 5
#: categories; n_ij = raters who put subject i in category j. Published kappa 0.210.
FLEISS_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def fleiss_by_formula(counts: np.ndarray) -> float:
    """Fleiss' kappa from a subjects × categories count table (Fleiss 1971, eqs. 2-5)."""
    n = counts.sum(axis=1)[0]
    p_j = counts.sum(axis=0) / counts.sum()
    p_i = ((counts**2).sum(axis=1) - n) / (n * (n - 1))
    return float((p_i.mean() - (p_j**2).sum()) / (1 - (p_j**2).sum()))


def test_fleiss_kappa_worked_example():
    ratings = pd.DataFrame(
        [[j for j, n in enumerate(row) for _ in range(n)] for row in FLEISS_COUNTS],
        columns=[f"r{k}" for k in range(14)],
    )
    r = reliability(ratings)
    assert round(r["fleiss"], 3) == 0.210
    np.testing.assert_allclose(r["fleiss"], 0.2099307044, atol=1e-9)
    np.testing.assert_allclose(r["fleiss"], fleiss_by_formula(np.array(FLEISS_COUNTS)), atol=1e-12)


def test_fleiss_equals_scotts_pi_for_two_coders():
    """With two coders Fleiss' kappa is Scott's pi: (po - pe) / (1 - pe), pe from pooled
    marginals. Wikipedia's Cohen table: po 0.70, pooled yes share 0.55, pe 0.505."""
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    r = reliability(pd.DataFrame({"A": a, "B": b}))
    pe = 0.55**2 + 0.45**2
    np.testing.assert_allclose(r["fleiss"], (0.70 - pe) / (1 - pe), atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(*[st.one_of(st.none(), st.integers(0, 3))] * 3), min_size=3, max_size=30
    ).filter(lambda rows: sum(sum(v is not None for v in r) >= 2 for r in rows) >= 1)
)
def test_three_coders_with_missing_values_equal_nltk(rows):
    frame = pd.DataFrame(rows, columns=["A", "B", "C"], dtype=float)
    values = {v for r in rows for v in r if v is not None}
    r = reliability(frame)
    triples = [
        (c, str(i), str(int(v))) for c in "ABC" for i, v in frame[c].items() if not np.isnan(v)
    ]
    if len(values) > 1:
        assert r["alpha"] == pytest.approx(AnnotationTask(data=triples).alpha())
    complete = frame.dropna()
    if len(complete) and complete.stack().nunique() > 1:
        full = AnnotationTask(
            data=[(c, str(i), str(int(v))) for c in "ABC" for i, v in complete[c].items()]
        )
        assert r["fleiss"] == pytest.approx(full.pi())
        assert r["kappa"] == pytest.approx(full.kappa())
        counts = np.array([[(row == k).sum() for k in sorted(values)] for row in complete.values])
        assert r["fleiss"] == pytest.approx(fleiss_by_formula(counts))
