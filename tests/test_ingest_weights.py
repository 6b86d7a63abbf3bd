"""Weights: raking checked against its closed forms, trimming, efficiency, weight columns."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import root
from sklearn.exceptions import ConvergenceWarning

from research.errors import DataError, StudyConfigError
from research.ingest import WeightSpec, import_responses, rake, weight_report


def _sample(n=60, seed=3):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.choice(["young", "mid", "old"], n, p=[0.5, 0.3, 0.2]),
            "region": rng.choice(["north", "south"], n, p=[0.7, 0.3]),
        }
    )


def test_one_margin_is_post_stratification():
    frame = _sample()
    target = {"young": 0.3, "mid": 0.3, "old": 0.4}
    w, report = rake(frame[["age"]], {"age": target})
    share = frame["age"].value_counts(normalize=True)
    expected = frame["age"].map(lambda a: target[a] / share[a])
    np.testing.assert_allclose(w, expected / expected.mean(), rtol=1e-10)
    assert report["converged"] and report["iterations"] <= 2


def test_two_margins_equal_the_minimum_discrimination_solution():
    """Raking converges to w = exp(a[age] + b[region]) meeting both margins (Deming-Stephan);
    solve that system directly with a root finder and compare."""
    frame = _sample(30)
    targets = {
        "age": {"young": 0.3, "mid": 0.3, "old": 0.4},
        "region": {"north": 0.5, "south": 0.5},
    }
    w, report = rake(frame, targets, tol=1e-13, max_iter=1000)
    n = len(frame)
    A = pd.get_dummies(frame["age"])[list(targets["age"])].to_numpy(float)
    B = pd.get_dummies(frame["region"])[list(targets["region"])].to_numpy(float)

    def equations(p):
        x = np.exp(A @ p[:3] + B @ np.r_[0.0, p[3]])
        share_a = A.T @ x - n * np.array(list(targets["age"].values()))
        share_b = B.T @ x - n * np.array(list(targets["region"].values()))
        return np.r_[share_a, share_b[1]]

    sol = root(equations, np.zeros(4), method="hybr", tol=1e-14)
    assert sol.success
    x = np.exp(A @ sol.x[:3] + B @ np.r_[0.0, sol.x[3]])
    np.testing.assert_allclose(w, x / x.mean(), rtol=1e-8)
    for v, t in targets.items():
        got = w.groupby(frame[v]).sum() / w.sum()
        np.testing.assert_allclose(got[list(t)], list(t.values()), atol=1e-10)
    assert report["max_margin_error"] < 1e-10


def test_trimming_bounds_and_convergence_warning():
    frame = _sample(200)
    targets = {"age": {"young": 0.1, "mid": 0.1, "old": 0.8}}
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        w, report = rake(frame, targets, trim=(0.5, 2.0), max_iter=20)
    assert not report["converged"] and report["trimmed"] > 0
    assert w.max() / w.min() <= 4.0 + 1e-9
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w, report = rake(frame, {"age": {"young": 0.45, "mid": 0.3, "old": 0.25}}, trim=(0.3, 3))
    assert report["converged"]


def test_weight_report_is_kish():
    w = pd.Series([1.0, 1.0, 2.0, 4.0])
    r = weight_report(w)
    n_eff = 8.0**2 / 22.0
    assert r["effective_n"] == pytest.approx(n_eff)
    assert r["efficiency"] == pytest.approx(n_eff / 4)
    assert r["design_effect"] == pytest.approx(4 * 22 / 64)


def test_raking_errors_name_the_category():
    frame = _sample()
    with pytest.raises(DataError, match=r"respondents have age = 'old', which has no target"):
        rake(frame, {"age": {"young": 0.5, "mid": 0.5}})
    with pytest.raises(DataError, match="no respondent has age = 'ancient'"):
        rake(frame, {"age": {"young": 0.3, "mid": 0.3, "old": 0.3, "ancient": 0.1}})


def test_weight_spec_from_the_study_file():
    spec = WeightSpec.from_dict({"targets": {"age": {"a": 0.5, "b": 0.5}}, "trim": [0.3, 3]})
    assert spec.trim == (0.3, 3.0)
    assert WeightSpec.from_dict(None) is None
    with pytest.raises(StudyConfigError, match="sum to 0.900, not 1"):
        WeightSpec.from_dict({"targets": {"age": {"a": 0.5, "b": 0.4}}})
    with pytest.raises(StudyConfigError, match="unknown weights option 'trimming'"):
        WeightSpec.from_dict({"trimming": [0.3, 3]})
    with pytest.raises(StudyConfigError, match=r"trim must be \[low, high\]"):
        WeightSpec.from_dict({"targets": {"age": {"a": 1}}, "trim": [2, 3]})
    with pytest.raises(StudyConfigError, match="either a column or targets"):
        WeightSpec.from_dict({"column": "w", "targets": {"age": {"a": 1}}})


AGE = {"18-24": 0.1, "25-34": 0.2, "35-44": 0.2, "45-54": 0.2, "55-64": 0.15, "65 or over": 0.15}
URBAN = {"Large city": 0.3, "Town or suburb": 0.5, "Rural area": 0.2}


def test_import_rakes_items_by_label(demo, thrift_q):
    spec = {"targets": {"age": AGE, "urbanicity": URBAN}, "trim": [0.2, 5]}
    survey = import_responses(demo["export"], thrift_q, weights=spec)
    assert survey.weights.index.equals(survey.responses.index)
    assert survey.weights.mean() == pytest.approx(1.0)
    counts = survey.counts("age").set_index("label")
    np.testing.assert_allclose(
        counts["weighted_n"] / counts["weighted_n"].sum(), [AGE[k] for k in counts.index], atol=1e-5
    )
    assert counts["n"].sum() == survey.responses["age"].notna().sum()
    r = survey.weight_report
    assert 0 < r["efficiency"] < 1 and r["converged"]
    # The unweighted import is untouched.
    assert import_responses(demo["export"], thrift_q).n_kept == survey.n_kept


def test_import_rakes_a_cross_of_two_variables(demo, thrift_q):
    cells = {f"{a} x {u}": AGE[a] * URBAN[u] for a in AGE for u in URBAN}
    survey = import_responses(
        demo["export"], thrift_q, weights={"targets": {"age x urbanicity": cells}}
    )
    both = survey.responses[["age", "urbanicity"]].dropna()
    w = survey.weights.loc[both.index]
    joint = w.groupby([both["age"], both["urbanicity"]]).sum() / w.sum()
    assert joint.loc[(1.0, 1.0)] == pytest.approx(AGE["18-24"] * URBAN["Large city"], abs=1e-6)


def test_weight_column_from_the_export(tmp_path, data_dir):
    frame = pd.read_csv(data_dir / "bfi/bfi.csv").head(40)
    frame.insert(0, "respondent_id", [f"P{k}" for k in range(40)])
    frame["wt"] = np.linspace(0.5, 1.5, 40)
    path = tmp_path / "w.csv"
    frame.to_csv(path, index=False)
    survey = import_responses(path, weights=WeightSpec(column="wt"))
    np.testing.assert_allclose(survey.weights.loc[survey.responses.index], frame["wt"], rtol=1e-12)
    with pytest.raises(DataError, match="weight column 'weight' is not in the export"):
        import_responses(path, weights=WeightSpec(column="weight"))
    frame.loc[3, "wt"] = -1
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"row P3, column 'wt'.*not a non-negative number"):
        import_responses(path, weights=WeightSpec(column="wt"))
