"""Scoring a customer table with a saved model: CLI, unscorable rows, pandas vs Dask."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.model_file import load_model
from research.scoring import import_export, score_frame


@pytest.fixture(scope="module")
def mf(demo_run):
    return load_model(demo_run.files["model"])


@pytest.fixture(scope="module")
def customers(mf, demo):
    """The bundled answers as a customer table (answers as ticked, own ids), with bad rows."""
    answers, _ = import_export(mf, demo["export"])
    table = answers[mf.factor_basis.items].head(300).copy().astype(object)
    table.index = [f"C{i:05d}" for i in range(len(table))]
    table.index.name = "customer_id"
    table.iloc[3] = np.nan  # nothing answered
    table.iloc[5, 2] = "n/a"  # text in a rating item
    return table


def test_score_cli_on_a_parquet_customer_table(mf, customers, tmp_path):
    src = tmp_path / "customers.parquet"
    customers.astype(str).replace("nan", None).reset_index().to_parquet(src)
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(
        app,
        ["score", str(mf_path(tmp_path, mf)), str(src), "--out", str(out), "--id", "customer_id"],
    )
    assert result.exit_code == 0, result.output
    assert "Scored 298 of 300 rows" in result.output
    assert "no answer to any of the model's items" in result.output
    assert "'n/a'" in result.output
    scores = pd.read_csv(out, index_col=0)
    assert scores.index[0] == "C00000"  # the customer's own ids
    assert not scores.loc["C00003", "scored"] and pd.isna(scores.loc["C00003", "segment"])
    expected = score_frame(mf, customers.apply(pd.to_numeric, errors="coerce"))
    ok = scores["scored"].to_numpy()
    np.testing.assert_allclose(
        scores.loc[ok, "posterior_1"], expected.loc[ok, "posterior_1"].astype(float), rtol=1e-15
    )


def mf_path(tmp_path, mf):
    from research.model_file import save_model

    return save_model(mf, tmp_path / "model.json")


def test_scores_to_spss_with_value_labels(mf, customers, tmp_path):
    import pyreadstat

    from research.scoring import write_scores

    scores = score_frame(mf, customers)
    path = write_scores(scores, tmp_path / "s.sav", mf)
    sav, meta = pyreadstat.read_sav(str(path))
    assert meta.variable_value_labels["segment"][2.0] == mf.segments[1].name
    assert sav["customer_id"].iloc[0] == "C00000"
    np.testing.assert_array_equal(sav["posterior_1"], scores["posterior_1"].astype(float))


def test_export_rows_are_all_scored_or_reported(mf, demo):
    answers, exclusions = import_export(mf, demo["export"])
    raw = pd.read_csv(demo["export"], skiprows=[1, 2])
    assert len(answers) + len(exclusions) == len(raw)


def test_dask_partitions_give_the_pandas_answers(mf, customers, tmp_path):
    pytest.importorskip("dask.dataframe")
    from research.scale_out import score_dask

    src = tmp_path / "c.parquet"
    numeric = customers.apply(pd.to_numeric, errors="coerce")
    numeric.reset_index().to_parquet(src, row_group_size=64)
    got = score_dask(mf, src, id_column="customer_id", scheduler="threads")
    want = score_frame(mf, numeric)
    pd.testing.assert_frame_equal(
        got.sort_index(), want.sort_index(), check_dtype=False, check_index_type=False
    )


@pytest.mark.slow
def test_dask_local_cluster(mf, customers, tmp_path):
    pytest.importorskip("distributed")
    from research.scale_out import score_dask

    src = tmp_path / "c.parquet"
    numeric = customers.apply(pd.to_numeric, errors="coerce")
    numeric.reset_index().to_parquet(src, row_group_size=100)
    got = score_dask(mf, src, id_column="customer_id", workers=1)
    pd.testing.assert_frame_equal(
        got.sort_index(),
        score_frame(mf, numeric).sort_index(),
        check_dtype=False,
        check_index_type=False,
    )
