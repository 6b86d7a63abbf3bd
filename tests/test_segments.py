"""Profile models and the choice of K."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from research.errors import DataError
from research.segments import ProfileModel, select_segments


def _blobs(n=600, k=3, d=4, sep=4.0, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, sep, (k, d))
    sizes = [0.5, 0.3, 0.2][:k]
    truth = rng.choice(k, n, p=np.array(sizes) / sum(sizes))
    x = centres[truth] + rng.normal(0, 1, (n, d))
    idx = pd.Index([f"r{i}" for i in range(n)], name="respondent_id")
    return pd.DataFrame(x, index=idx, columns=[f"F{j + 1}" for j in range(d)]), truth


def test_sweep_recovers_planted_k_and_members():
    x, truth = _blobs()
    sol = select_segments(x, k_min=2, k_max=6, random_state=0)
    assert sol.k == 3
    assert adjusted_rand_score(truth, sol.assignments) > 0.95
    assert "lowest BIC" in sol.reason
    assert sol.fit_table["chosen"].sum() == 1
    assert list(sol.fit_table["k"]) == [2, 3, 4, 5, 6]


def test_segments_are_numbered_by_size_and_deterministic():
    x, _ = _blobs(seed=1)
    a = ProfileModel(3, random_state=7).fit(x)
    b = ProfileModel(3, random_state=7).fit(x)
    counts = a.labels_.value_counts().sort_index()
    assert list(counts) == sorted(counts, reverse=True)
    pd.testing.assert_series_equal(a.labels_, b.labels_)
    # predict on the training rows gives the fitted labels; probabilities sum to one.
    pd.testing.assert_series_equal(a.predict(x), a.labels_)
    np.testing.assert_allclose(a.predict_proba(x).sum(axis=1), 1.0)


def test_kmeans_behind_the_same_interface():
    x, truth = _blobs(seed=2)
    model = ProfileModel(3, kind="kmeans", random_state=0).fit(x)
    assert adjusted_rand_score(truth, model.labels_) > 0.9
    assert set(np.unique(model.posteriors_.to_numpy())) <= {0.0, 1.0}


def test_relative_entropy_high_for_separated_segments():
    x, _ = _blobs(sep=8.0)
    assert ProfileModel(3, random_state=0).fit(x).relative_entropy() > 0.95


def test_errors_name_the_parameter():
    x, _ = _blobs(n=60)
    with pytest.raises(DataError, match=r"covariance_type must be one of \['full'"):
        ProfileModel(2, covariance_type="fullish").fit(x)
    with pytest.raises(DataError, match="kind must be one of"):
        ProfileModel(2, kind="dbscan").fit(x)
    with pytest.raises(DataError, match="too few for 20 segments"):
        ProfileModel(20).fit(x)
    with pytest.raises(DataError, match="k_min <= k_max"):
        select_segments(x, k_min=5, k_max=3)
    holes = x.copy()
    holes.iloc[0, 1] = np.nan
    with pytest.raises(DataError, match="missing values in \\['F2'\\]"):
        select_segments(holes)
