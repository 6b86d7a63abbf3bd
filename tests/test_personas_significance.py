"""Significance tests of profile tables, checked against scipy and textbook formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from research.errors import DataError
from research.personas.significance import adjust_pvalues, column_letter, segment_tests


def _data(seed: int = 3, n: int = 420) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"R{i}" for i in range(n)], name="respondent_id")
    seg = pd.Series(rng.choice([1, 2, 3], size=n, p=[0.5, 0.3, 0.2]), index=ids)
    score = rng.normal(0.3 * seg, 1 + 0.4 * seg)
    score[rng.random(n) < 0.05] = np.nan  # item non-response
    hit = (rng.random(n) < 0.15 + 0.12 * seg).astype(float)
    return pd.DataFrame({"score": score, "hit": hit}, index=ids), seg


def _row(result: pd.DataFrame, variable: str, segment: int) -> pd.Series:
    return result[(result["variable"] == variable) & (result["segment"] == segment)].iloc[0]


@pytest.mark.parametrize("equal_var", [False, True])
def test_mean_test_equals_scipy_ttest_ind(equal_var):
    data, seg = _data()
    result = segment_tests(data, seg, correction="none", equal_var=equal_var)
    for s in (1, 2, 3):
        inside = data.loc[seg == s, "score"].dropna()
        rest = data.loc[seg != s, "score"].dropna()
        ref = stats.ttest_ind(inside, rest, equal_var=equal_var)
        row = _row(result, "score", s)
        np.testing.assert_allclose(row["statistic"], ref.statistic, rtol=1e-10)
        np.testing.assert_allclose(row["p_value"], ref.pvalue, rtol=1e-8)
        np.testing.assert_allclose(row["value"], inside.mean(), rtol=1e-12)
        np.testing.assert_allclose(row["rest"], rest.mean(), rtol=1e-12)
        assert row["n"] == len(inside)


def test_proportion_test_is_the_pooled_z_test():
    data, seg = _data()
    result = segment_tests(data, seg, correction="none")
    for s in (1, 2, 3):
        a, b = data.loc[seg == s, "hit"], data.loc[seg != s, "hit"]
        p1, p2, n1, n2 = a.mean(), b.mean(), len(a), len(b)
        pooled = (a.sum() + b.sum()) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))  # textbook
        row = _row(result, "hit", s)
        assert row["kind"] == "proportion"
        np.testing.assert_allclose(row["statistic"], z, rtol=1e-10)
        np.testing.assert_allclose(row["p_value"], 2 * stats.norm.sf(abs(z)), rtol=1e-10)
        # z squared is Pearson's chi-square of the 2 x 2 table (no continuity correction).
        chi2, p, _, _ = stats.chi2_contingency(pd.crosstab(seg == s, data["hit"]), False)
        np.testing.assert_allclose(row["statistic"] ** 2, chi2, rtol=1e-10)
        np.testing.assert_allclose(row["p_value"], p, rtol=1e-8)


def test_p_adjust_matches_r_textbook_values():
    p = [0.01, 0.02, 0.03, 0.04, 0.05]
    # R: p.adjust(c(.01,.02,.03,.04,.05), "holm") and "BH"
    np.testing.assert_allclose(adjust_pvalues(p, "holm"), [0.05, 0.08, 0.09, 0.09, 0.09])
    np.testing.assert_allclose(adjust_pvalues(p, "bh"), [0.05] * 5)
    q = [0.04, np.nan, 0.001, 0.03, 0.2]
    # R: p.adjust(c(.04,.001,.03,.2), "holm") = 0.09 0.004 0.09 0.2 (NA kept, not counted)
    np.testing.assert_allclose(adjust_pvalues(q, "holm"), [0.09, np.nan, 0.004, 0.09, 0.2])
    np.testing.assert_allclose(adjust_pvalues(q, "none"), q)


def test_bh_matches_scipy_false_discovery_control():
    p = np.random.default_rng(0).random(40) ** 3
    np.testing.assert_allclose(adjust_pvalues(p, "bh"), stats.false_discovery_control(p))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_adjusted_p_values_are_ordered_and_bounded(p):
    holm, bh = adjust_pvalues(p, "holm"), adjust_pvalues(p, "bh")
    raw = np.asarray(p)
    assert np.all(holm >= raw - 1e-12) and np.all(bh >= raw - 1e-12)
    assert np.all(holm <= 1) and np.all(bh <= holm + 1e-12)


def test_table_correction_adjusts_all_tests_together():
    data, seg = _data()
    raw = segment_tests(data, seg, correction="none")
    holm = segment_tests(data, seg, correction="holm")
    np.testing.assert_allclose(holm["p_adjusted"], adjust_pvalues(raw["p_value"], "holm"))
    expected = np.where(
        holm["p_adjusted"] < 0.05, np.where(holm["value"] > holm["rest"], "higher", "lower"), ""
    )
    assert holm["sig"].tolist() == expected.tolist()


def test_constant_weights_change_nothing_and_weights_weight():
    data, seg = _data()
    plain = segment_tests(data, seg)
    same = segment_tests(data, seg, weights=pd.Series(2.5, index=data.index))
    cols = ["value", "statistic", "p_value", "p_adjusted", "letters"]
    pd.testing.assert_frame_equal(plain[cols], same[cols])

    w = pd.Series(np.random.default_rng(1).uniform(0.5, 2.0, len(data)), index=data.index)
    weighted = segment_tests(data, seg, weights=w, correction="none")
    inside = seg == 2
    x, wi = data.loc[inside, "score"], w[inside]
    ok = x.notna()
    mean = np.average(x[ok], weights=wi[ok])
    row = _row(weighted, "score", 2)
    np.testing.assert_allclose(row["value"], mean, rtol=1e-12)
    # Kish effective size and a hand-written weighted Welch test.
    n_eff = wi[ok].sum() ** 2 / (wi[ok] ** 2).sum()
    np.testing.assert_allclose(row["n_effective"], n_eff, rtol=1e-12)

    def moments(mask):
        xs, ws = data.loc[mask, "score"], w[mask]
        keep = xs.notna()
        xs, ws = xs[keep].to_numpy(), ws[keep].to_numpy()
        m = np.sum(ws * xs) / np.sum(ws)
        v1, v2 = ws.sum(), (ws**2).sum()
        var = np.sum(ws * (xs - m) ** 2) / (v1 - v2 / v1)
        return m, var, v1**2 / v2

    (ma, va, na), (mb, vb, nb) = moments(inside), moments(~inside)
    t = (ma - mb) / np.sqrt(va / na + vb / nb)
    np.testing.assert_allclose(row["statistic"], t, rtol=1e-9)


def test_column_letters_mark_the_segments_beaten():
    rng = np.random.default_rng(5)
    seg = pd.Series(np.repeat([1, 2, 3], 300))
    data = pd.DataFrame(
        {
            "low_to_high": rng.normal(np.repeat([0.0, 1.0, 2.0], 300), 1),
            "same": rng.normal(0, 1, 900),
            "share": (rng.random(900) < np.repeat([0.1, 0.1, 0.6], 300)).astype(float),
        }
    )
    result = segment_tests(data, seg, correction="holm")
    letters = result.set_index(["variable", "segment"])["letters"]
    assert [letters["low_to_high", s] for s in (1, 2, 3)] == ["", "A", "AB"]
    assert [letters["same", s] for s in (1, 2, 3)] == ["", "", ""]
    assert [letters["share", s] for s in (1, 2, 3)] == ["", "", "AB"]
    assert result.set_index(["variable", "segment"]).loc[("low_to_high", 3), "sig"] == "higher"
    assert result["letter"].tolist()[:3] == ["A", "B", "C"]


def test_small_bases_are_not_tested():
    seg = pd.Series([1] * 200 + [2] * 5)
    data = pd.DataFrame({"x": np.r_[np.zeros(200), np.full(5, 9.0)] + np.arange(205) * 1e-3})
    result = segment_tests(data, seg, min_n=10)
    assert result["p_value"].isna().all()
    assert (result["letters"] == "").all() and (result["sig"] == "").all()


def test_column_letter_goes_past_z():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
    ]


def test_bad_options_are_data_errors():
    data, seg = _data()
    with pytest.raises(DataError, match=r"correction must be one of .*got 'holms'.*'holm'"):
        segment_tests(data, seg, correction="holms")
    with pytest.raises(DataError, match="alpha must be between 0 and 1, got 5"):
        segment_tests(data, seg, alpha=5)
    with pytest.raises(DataError, match=r"kind of 'score' must be one of .*got 'median'"):
        segment_tests(data, seg, kinds={"score": "median"})
    weights = pd.Series(1.0, index=data.index)
    weights.iloc[7] = -1
    with pytest.raises(DataError, match=r"row R7, column 'weight': weights must be finite"):
        segment_tests(data, seg, weights=weights)
    with pytest.raises(DataError, match="correction must be one of"):
        adjust_pvalues([0.1], "bonferroni")
