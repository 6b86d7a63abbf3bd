"""Stability (bootstrap, split-half, Hungarian matching) and the seven-part scorecard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.stats import chi2_contingency
from sklearn.base import clone as sklearn_clone
from sklearn.metrics import adjusted_rand_score

from research.errors import DataError
from research.estimator import clone
from research.segments import (
    CRITERIA,
    DEFAULT_THRESHOLDS,
    LatentClassModel,
    ProfileModel,
    adjusted_rand_index,
    cramers_v_table,
    match_segments,
    pairwise_cohen_d,
    scorecard,
    segment_jaccard,
    segment_scorecard,
    segment_stability,
    simulate_segments,
)


def test_hungarian_matching_undoes_a_relabelling():
    rng = np.random.default_rng(0)
    ref = rng.integers(1, 5, 500)
    perm = np.array([3, 1, 4, 2])
    other = perm[ref - 1]
    other[:20] = 1  # some disagreement
    matched = match_segments(ref, other, 4)
    assert (matched[20:] == ref[20:]).all()
    jac = segment_jaccard(ref, matched, 4)
    assert ((jac > 0.8) & (jac <= 1)).all()
    assert_allclose(segment_jaccard(ref, ref, 4), 1.0)


def test_adjusted_rand_index_matches_scikit_learn():
    rng = np.random.default_rng(3)
    cases = [(rng.integers(0, k, n), rng.integers(0, j, n)) for n, k, j in
             [(500, 4, 4), (37, 2, 6), (1000, 8, 3), (10, 10, 1)]]  # fmt: skip
    ref = rng.integers(1, 6, 800)
    noisy = np.where(rng.random(800) < 0.2, rng.integers(1, 6, 800), ref)
    cases += [
        (ref, noisy),
        (ref, 7 - ref),  # relabelled: 1.0
        (np.zeros(9), np.zeros(9)),  # everyone together in both
        (np.arange(9), np.arange(9)[::-1]),  # everyone apart in both
        (np.zeros(9), np.arange(9)),
        (np.array([1]), np.array([2])),
        (np.array(["a", "b", "b", "c"]), np.array([2, 2, 1, 1])),
    ]
    for a, b in cases:
        assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
    assert adjusted_rand_index(ref, 7 - ref) == 1.0
    assert adjusted_rand_index(ref, noisy) < 0.9


@pytest.mark.parametrize(
    "model",
    [
        LatentClassModel(3, n_init=2, categories={"q1": [1, 2, 3]}, random_state=4),
        ProfileModel(2, kind="kmeans", random_state=1),
    ],
)
def test_clone_matches_scikit_learn(model):
    ours, theirs = clone(model), sklearn_clone(model)
    assert type(ours) is type(model) and ours is not model
    assert ours.get_params() == theirs.get_params() == model.get_params()
    if "categories" in model.get_params():
        assert ours.categories is not model.categories  # deep-copied, as scikit-learn does


@pytest.fixture(scope="module")
def planted():
    sim = simulate_segments(800, n_items=12, n_classes=3, random_state=21)
    model = LatentClassModel(3, n_init=3, random_state=0).fit(sim.data)
    return sim, model


def test_separated_segments_are_stable(planted):
    sim, model = planted
    res = segment_stability(sim.data, model, n_boot=4, n_split=2, n_init=2, random_state=0)
    reps = res.replicates
    assert list(reps.columns) == ["method", "replicate", "ari"]
    assert reps["method"].value_counts().to_dict() == {"bootstrap": 4, "split-half": 2}
    assert res.ari > 0.9
    assert (reps["ari"] > 0.85).all()
    assert list(res.jaccard.columns) == ["method", "replicate", "segment", "jaccard"]
    assert len(res.jaccard) == 6 * 3
    summary = res.summary
    assert set(summary["segment"]) == {1, 2, 3}
    assert (summary["jaccard_mean"] > 0.85).all()


def test_noise_is_not_stable():
    rng = np.random.default_rng(1)
    noise = pd.DataFrame(rng.integers(1, 6, (300, 6)), columns=list("abcdef"))
    model = LatentClassModel(4, n_init=2, random_state=0).fit(noise)
    res = segment_stability(noise, model, n_boot=3, n_split=0, n_init=2, random_state=0)
    assert res.ari < 0.6


def test_stability_errors(planted):
    sim, model = planted
    with pytest.raises(DataError, match="nothing to replicate"):
        segment_stability(sim.data, model, n_boot=0, n_split=0)
    with pytest.raises(DataError, match="n_boot must be an integer >= 0"):
        segment_stability(sim.data, model, n_boot=-1)
    with pytest.raises(DataError, match="too few to check the stability"):
        segment_stability(sim.data.head(8), model, n_boot=1)


def _segments(n=400, seed=0):
    rng = np.random.default_rng(seed)
    seg = pd.Series(rng.choice([1, 2, 3], n, p=[0.5, 0.3, 0.2]), name="segment")
    needs = pd.DataFrame(
        {f"n{j}": 3 + (seg == (j % 3) + 1) * 1.2 + rng.normal(0, 0.6, n) for j in range(6)}
    )
    reach = pd.DataFrame(
        {
            "region": np.where(rng.random(n) < 0.7, seg, rng.integers(1, 4, n)),
            "coin": rng.integers(0, 2, n),
        }
    )
    post = pd.DataFrame(np.eye(3)[seg - 1] * 0.9 + 0.1 / 3, columns=[1, 2, 3])
    return seg, needs, reach, post


def test_scorecard_has_seven_criteria_with_figures_and_grades():
    seg, needs, reach, post = _segments()
    card = scorecard(
        seg,
        needs=needs,
        reach=reach,
        posteriors=post,
        typing_accuracy=0.91,
        stability_ari=0.7,
    )
    assert list(card["criterion"]) == list(CRITERIA)
    assert list(card.columns) == [
        "criterion", "question", "measure", "value", "pass_at", "warn_at", "status", "detail"
    ]  # fmt: skip
    row = card.set_index("criterion")
    assert row.loc["identifiable", "status"] == "pass"
    assert row.loc["stable", "status"] == "warn"  # 0.7 is between warn 0.6 and pass 0.8
    share = seg.value_counts(normalize=True).min()
    assert row.loc["substantial", "value"] == pytest.approx(share)
    assert row.loc["substantial", "status"] == "pass"
    assert row.loc["accessible", "value"] > 0.5 and "region" in row.loc["accessible", "detail"]
    assert "coin" not in row.loc["accessible", "detail"]
    assert row.loc["actionable", "status"] == "pass"  # each segment is high on two needs
    assert row.loc["measurable", "value"] == seg.value_counts().min()
    p = post.to_numpy()
    entropy = 1 + (p * np.log(p)).sum() / (len(p) * np.log(3))
    assert row.loc["differentiable", "value"] == pytest.approx(entropy)


def test_thresholds_come_from_the_caller_and_missing_inputs_say_na():
    seg, needs, _, _ = _segments()
    card = scorecard(
        seg, needs=needs, thresholds={"substantial": {"pass": 0.5, "warn": 0.3}}
    ).set_index("criterion")
    assert card.loc["substantial", "status"] == "fail"
    assert card.loc["substantial", "pass_at"] == 0.5
    assert card.loc["identifiable", "status"] == "not assessed"
    assert card.loc["accessible", "status"] == "not assessed"
    assert card.loc["stable", "detail"] == "no stability check given"
    assert DEFAULT_THRESHOLDS["substantial"]["pass"] == 0.10  # defaults not mutated
    small = scorecard(seg.iloc[:200], thresholds={"measurable": {"pass": 10}})
    # Enough respondents per segment for pass at 10, but the shares' margin of error is over
    # 5 points, which caps the grade at warn.
    assert small.set_index("criterion").loc["measurable", "status"] == "warn"
    assert scorecard(seg.iloc[:40]).set_index("criterion").loc["measurable", "status"] == "fail"


def test_scorecard_errors():
    seg, *_ = _segments()
    with pytest.raises(DataError, match="did you mean 'stable'"):
        scorecard(seg, thresholds={"stabel": {"pass": 0.9}})
    with pytest.raises(DataError, match=r"threshold stable.pas is unknown.*did you mean 'pass'"):
        scorecard(seg, thresholds={"stable": {"pas": 0.9}})
    with pytest.raises(DataError, match="must be a number, got 'high'"):
        scorecard(seg, thresholds={"stable": {"pass": "high"}})
    with pytest.raises(DataError, match="weights must be given and non-negative"):
        scorecard(seg, weights=pd.Series(-1.0, index=seg.index))


def test_cramers_v_and_cohen_d_tables():
    seg, needs, reach, _ = _segments()
    v = cramers_v_table(seg, reach)
    assert list(v.columns) == ["variable", "cramers_v", "p_value", "n"]
    assert v.iloc[0]["variable"] == "region" and v.iloc[0]["p_value"] < 1e-10
    d = pairwise_cohen_d(seg, needs)
    assert len(d) == 3 * 6
    one = d[(d["segment_a"] == 1) & (d["segment_b"] == 2) & (d["item"] == "n0")]["cohen_d"]
    a, b = needs["n0"][seg == 1], needs["n0"][seg == 2]
    pooled = np.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / (len(a) + len(b) - 2))
    assert one.iloc[0] == pytest.approx((a.mean() - b.mean()) / pooled)


def test_cohen_d_with_missing_answers_lone_answers_and_constant_items():
    rng = np.random.default_rng(5)
    items = pd.DataFrame(rng.integers(1, 6, (60, 3)).astype(float), columns=["a", "b", "c"])
    items = items.mask(rng.random(items.shape) < 0.25)
    items["c"] = 3.0  # no spread: d undefined
    seg = pd.Series(rng.integers(1, 4, 60), index=items.index)
    seg.iloc[0], items.loc[seg == 3, "b"] = 3, np.nan
    items.loc[0, "b"] = 4.0  # segment 3's only answer to b: no variance
    d = pairwise_cohen_d(seg, items).set_index(["segment_a", "segment_b", "item"])["cohen_d"]
    for (s, t, item), value in d.items():
        x, y = items[item][seg == s].dropna(), items[item][seg == t].dropna()
        var = ((len(x) - 1) * x.var() + (len(y) - 1) * y.var()) / (len(x) + len(y) - 2)
        expected = (x.mean() - y.mean()) / np.sqrt(var) if var > 0 else np.nan
        assert value == pytest.approx(expected, nan_ok=True), (s, t, item)
    assert d.xs("c", level="item").isna().all() and np.isnan(d[(1, 3, "b")])
    assert d.xs("a", level="item").notna().all()


def test_segment_scorecard_names_the_weak_segment():
    seg, needs, reach, post = _segments()
    # Segment 3's members are unsure of their segment, and the typing tool misses most of them.
    post = post.copy()
    post.loc[seg == 3] = [0.3, 0.3, 0.4]
    recall = pd.Series({1: 0.95, 2: 0.9, 3: 0.5})
    jaccard = pd.Series({1: 0.9, 2: 0.7, 3: 0.4})
    card = segment_scorecard(
        seg, needs=needs, reach=reach, posteriors=post, typing_recall=recall, jaccard=jaccard
    )
    assert list(card.columns) == ["segment", "criterion", "measure", "value", "status", "detail"]
    assert len(card) == 3 * 7
    by = card.set_index(["segment", "criterion"])
    assert list(card.loc[card["segment"] == 1, "criterion"]) == list(CRITERIA)
    assert by.loc[(1, "identifiable"), "status"] == "pass"
    assert by.loc[(3, "identifiable"), "status"] == "fail"  # 0.5 < warn 0.65
    # Jaccard uses Hennig's cut-offs: 0.9 stable, 0.7 doubtful, 0.4 dissolved.
    assert [by.loc[(s, "stable"), "status"] for s in (1, 2, 3)] == ["pass", "warn", "fail"]
    assert by.loc[(3, "differentiable"), "value"] == pytest.approx(0.4)
    assert by.loc[(3, "differentiable"), "status"] == "fail"
    assert by.loc[(1, "differentiable"), "value"] == pytest.approx(0.9 + 0.1 / 3)
    for s in (1, 2, 3):
        assert by.loc[(s, "substantial"), "value"] == pytest.approx((seg == s).mean())
        assert by.loc[(s, "measurable"), "value"] == (seg == s).sum()
        # Region tracks every segment; the coin tracks none.
        assert "region" in by.loc[(s, "accessible"), "detail"]
        assert by.loc[(s, "accessible"), "status"] == "pass"
        # Each segment is high on its own two needs (index >= 115).
        assert by.loc[(s, "actionable"), "value"] >= 2
    # Segment vs rest Cramér's V on a 2 x c table equals phi from the chi-square.
    member = (seg == 1).astype(int)
    table = pd.crosstab(member, reach["region"])
    chi2 = chi2_contingency(table, correction=False)[0]
    assert by.loc[(1, "accessible"), "value"] == pytest.approx(np.sqrt(chi2 / len(seg)))


def test_segment_scorecard_without_inputs_says_not_assessed():
    seg, *_ = _segments()
    card = segment_scorecard(seg).set_index(["segment", "criterion"])
    for crit in ("identifiable", "accessible", "stable", "actionable"):
        assert card.loc[(1, crit), "status"] == "not assessed"
    with pytest.raises(DataError, match="no respondent has a segment"):
        segment_scorecard(pd.Series([np.nan, np.nan]))


def _profiles_by_pandas(data: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    numeric = data.apply(pd.to_numeric, errors="coerce").reindex(segments.index)
    overall = numeric.mean()
    means = numeric.groupby(segments.rename("segment")).mean()
    rows = [
        (s, str(item), means.loc[s, item], overall[item])
        for s in means.index
        for item in numeric.columns
    ]
    table = pd.DataFrame(rows, columns=["segment", "item", "mean", "overall"])
    table["index"] = 100 * table["mean"] / table["overall"].replace(0, np.nan)
    return table


@pytest.mark.parametrize("seed", range(4))
def test_segment_profiles_match_a_pandas_groupby(seed):
    from research.segments import segment_profiles_table

    rng = np.random.default_rng(seed)
    n = 240
    data = pd.DataFrame(rng.integers(0, 6, (n, 5)).astype(float), columns=list("abcde"))
    data = data.mask(rng.random(data.shape) < 0.2)
    data["a"] = 0.0  # overall mean 0: index NaN
    data["text"] = np.where(rng.random(n) < 0.5, "3", "not a number")
    segments = pd.Series(rng.integers(1, 5, n), index=data.index).astype(float)
    segments[rng.random(n) < 0.1] = np.nan  # unassigned: in the overall mean only
    segments = segments.sample(frac=0.9, random_state=seed)  # a subset, in another order
    got = segment_profiles_table(data, segments)
    expected = _profiles_by_pandas(data, segments)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)
    assert got["segment"].tolist() == sorted(got["segment"])
    assert got["index"][got["item"] == "a"].isna().all()
