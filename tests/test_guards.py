"""Guarded models: what segment refuses, drops or states, and the bootstrap on thin resamples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.segments import LatentClassModel
from research.segments.stability import segment_stability


def _two_classes(n: int = 200, items: int = 5, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cls = rng.integers(0, 2, n)
    return pd.DataFrame(
        {f"q{j}": np.where(rng.random(n) < 0.8, cls + 1, 2 - cls) for j in range(items)},
        index=pd.RangeIndex(n, name="respondent_id"),
    )


@pytest.mark.parametrize("ordinal", [False, True])
def test_bootstrap_survives_a_category_the_resample_lacks(ordinal):
    data = _two_classes()
    data.loc[0, "q0"] = 3  # one respondent gave this answer: most resamples lack it
    model = LatentClassModel(2, n_init=2, ordinal=ordinal, random_state=0).fit(data)
    result = segment_stability(data, model, n_boot=6, n_split=1, random_state=0)
    assert len(result.replicates) == 7
    assert result.replicates["ari"].notna().all()
    assert result.ari > 0.5


def test_refit_keeps_the_declared_categories():
    data = _two_classes()
    model = LatentClassModel(2, n_init=2, random_state=0, categories={"q0": [1, 2, 3]})
    model.fit(data)
    assert list(model.categories_["q0"]) == [1, 2, 3]
    extra = data.head(3).assign(q0=3)
    assert model.predict(extra).notna().all()
