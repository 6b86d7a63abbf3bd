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


# ----------------------------------------------------------------------------- indicators

from research.errors import DataError, ResearchError  # noqa: E402
from research.factors.flags import empty_factors  # noqa: E402
from research.segments import analyse_segments  # noqa: E402
from research.segments.guards import model_warnings, screen_indicators  # noqa: E402


def _with_junk(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    cls = rng.integers(0, 2, n)
    data = pd.DataFrame({f"q{j}": np.clip(cls * 2 + rng.integers(1, 4, n), 1, 5) for j in range(5)})
    data["total"] = data.sum(axis=1)
    data["ResponseId"] = np.arange(n) + 1000
    data["duration_s"] = rng.integers(60, 2000, n)
    data["consent"] = 1
    return data


def test_screen_drops_ids_totals_durations_and_constants():
    kept, warnings = screen_indicators(_with_junk())
    assert kept == [f"q{j}" for j in range(5)]
    text = " ".join(warnings)
    for column, why in [
        ("total", "total of"),
        ("ResponseId", "id"),
        ("duration_s", "duration"),
        ("consent", "near-constant"),
    ]:
        assert f"'{column}'" in text and why in text


def test_screen_takes_true_false_and_huge_integer_columns():
    data = _two_classes()
    data["member"] = data["q0"] == 1  # True/False answers (a CSV's TRUE/FALSE column)
    data["total"] = data["member"]  # named a total: the check used to raise AttributeError
    big = 2**60 + np.arange(len(data)) * 7  # distinct ids that float64 would merge
    data["ref"] = np.random.default_rng(0).permutation(big)
    kept, warnings = screen_indicators(data)
    assert "member" in kept and "total" in kept and "ref" not in kept
    assert "holds timestamps" in " ".join(warnings)


def test_screen_keeps_ordinary_rating_items():
    data = _two_classes(items=6)
    assert screen_indicators(data) == (list(data.columns), [])


def test_near_unique_column_is_not_an_indicator():
    data = _two_classes()
    data["postcode"] = [f"P{i:04d}" for i in range(len(data))]
    kept, warnings = screen_indicators(data)
    assert "postcode" not in kept and "near-unique" in warnings[0]


def test_segment_never_uses_an_id_without_saying_so():
    data = _with_junk()
    result = analyse_segments(data, k_min=1, k_max=3, n_boot=0, n_init=2, max_questions=0)
    assert "ResponseId" not in result.basis_columns
    assert list(result.solution.model.categories_) == [f"q{j}" for j in range(5)]
    assert any("'ResponseId' was not used" in w for w in result.warnings)


def test_naming_only_unusable_columns_is_a_one_line_error():
    data = _with_junk()[["ResponseId", "consent"]]
    with pytest.raises(ResearchError, match="nothing left to segment on: the items named") as err:
        analyse_segments(data, items=["ResponseId", "consent"], n_boot=0)
    assert "\n" not in str(err.value)
    assert isinstance(err.value, DataError)


# ----------------------------------------------------------------------------- model warnings


def _fit_table(bics: dict[int, float], chosen: int) -> pd.DataFrame:
    return pd.DataFrame({"k": list(bics), "bic": list(bics.values())}).assign(
        chosen=lambda t: t["k"] == chosen
    )


def test_k_at_the_top_of_the_range_is_stated():
    post = pd.DataFrame([[0.7, 0.3], [0.2, 0.8]] * 50)
    out = model_warnings(_fit_table({2: 120.0, 3: 110.0, 4: 100.0}, 4), 4, post, k_min=2, k_max=4)
    assert any("K = 4 is the largest" in w and "still improves" in w for w in out)
    inside = model_warnings(_fit_table({2: 120.0, 3: 90.0, 4: 100.0}, 3), 3, post, k_min=2, k_max=4)
    assert not any("largest" in w for w in inside)


def test_degenerate_fit_and_failed_scorecard_are_stated():
    post = pd.DataFrame([[1.0, 1e-220], [1e-230, 1.0]] * 100)
    card = pd.DataFrame(
        {
            "criterion": ["stable", "substantial"],
            "status": ["fail", "pass"],
            "detail": ["ARI 0.21", ""],
        }
    )
    out = model_warnings(_fit_table({2: 1.0}, 2), 2, post, card, k_min=2, k_max=2)
    assert any(w.startswith("Degenerate fit") for w in out)
    assert any("fails 'stable' (ARI 0.21)" in w for w in out)
    assert not any("substantial" in w for w in out)


def test_near_empty_class_is_stated():
    post = pd.DataFrame([[0.9, 0.1]] * 199 + [[0.1, 0.9]])
    out = model_warnings(_fit_table({2: 1.0}, 2), 2, post, k_min=1, k_max=3)
    assert any("Segment(s) 2" in w for w in out)


def test_factor_with_no_primary_item_is_found():
    loadings = pd.DataFrame(
        {"F1": [0.8, 0.7, 0.6], "F2": [0.1, 0.2, 0.15], "F3": [0.0, 0.1, 0.62]},
        index=["a", "b", "c"],
    )
    assert empty_factors(loadings) == ["F2"]


def test_continuous_scores_are_not_near_unique():
    rng = np.random.default_rng(0)
    scores = pd.DataFrame(rng.normal(size=(200, 2)), columns=["F1", "F2"])
    assert screen_indicators(scores) == (["F1", "F2"], [])


def test_name_words_not_substrings():
    rng = np.random.default_rng(0)
    data = _two_classes()
    data["spend"] = rng.normal(300, 80, len(data)).round(2)  # "spend" holds "end": not a time
    data["StartDate"] = rng.integers(0, 10_000, len(data))
    kept, warnings = screen_indicators(data)
    assert "spend" in kept and "StartDate" not in kept
    assert "duration or time" in warnings[0]
