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


def _posteriors_equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Same rows, same segments, bit-identical posteriors (not merely close)."""
    assert list(got.index) == list(want.index)
    np.testing.assert_array_equal(got["scored"].to_numpy(bool), want["scored"].to_numpy(bool))
    np.testing.assert_array_equal(
        got["segment"].to_numpy(float, na_value=np.nan),
        want["segment"].to_numpy(float, na_value=np.nan),
    )
    for c in want.columns:
        if c.startswith("posterior_"):
            np.testing.assert_array_equal(got[c].to_numpy(float), want[c].to_numpy(float))


@pytest.fixture(scope="module")
def numeric(customers):
    # 301 rows: chunks of 3 leave a last chunk of one row (BLAS's matrix-vector path).
    table = customers.apply(pd.to_numeric, errors="coerce")
    return pd.concat([table, table.iloc[[7]].rename(index={"C00007": "C99999"})])


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".sav"])
@pytest.mark.parametrize("source", [".parquet", ".csv"])
def test_chunked_scoring_is_bit_identical_to_whole(mf, numeric, tmp_path, source, suffix):
    from research.scoring import score_table

    src = tmp_path / f"c{source}"
    if source == ".parquet":
        numeric.reset_index().to_parquet(src, row_group_size=50)
    else:
        numeric.reset_index().to_csv(src, index=False)
    out = tmp_path / f"s{suffix}"
    summary = score_table(mf, src, out, id_column="customer_id", chunk_rows=3)
    want = score_frame(mf, numeric)
    if suffix == ".parquet":
        got = pd.read_parquet(out)
    elif suffix == ".csv":
        got = pd.read_csv(out, index_col=0)
    else:
        import pyreadstat

        got = pyreadstat.read_sav(str(out))[0].set_index("customer_id")
    _posteriors_equal(got, want)
    assert summary.rows == 301 and summary.scored == int(want["scored"].sum())
    assert summary.reasons["no answer to any of the model's items"] == 1


def test_rows_are_numbered_without_an_id_column(mf, numeric, tmp_path):
    from research.scoring import score_table

    src = tmp_path / "c.parquet"
    numeric.reset_index(drop=True).to_parquet(src, row_group_size=40)
    score_table(mf, src, tmp_path / "s.csv", chunk_rows=7)
    got = pd.read_csv(tmp_path / "s.csv", index_col="row")
    _posteriors_equal(got, score_frame(mf, numeric.reset_index(drop=True)))


def test_dask_partitions_give_the_pandas_answers(mf, numeric, tmp_path):
    pytest.importorskip("dask.dataframe")
    from research.scale_out import parquet_pieces, score_dask

    src = tmp_path / "c.parquet"
    numeric.reset_index().to_parquet(src, row_group_size=100)
    # Row groups larger than a partition are read in slices; the last row group is one row.
    assert [p[3] for p in parquet_pieces(src, 30)][-5:] == [30, 30, 30, 10, 1]
    want = score_frame(mf, numeric)
    for out in (tmp_path / "s.parquet", tmp_path / "s.csv"):
        summary = score_dask(
            mf, src, out, id_column="customer_id", scheduler="threads", chunk_rows=30
        )
        got = pd.read_parquet(out) if out.suffix == ".parquet" else pd.read_csv(out, index_col=0)
        _posteriors_equal(got, want)
        assert summary.rows == 301 and summary.scored == int(want["scored"].sum())
    assert len(list((tmp_path / "s.parquet").glob("part.*.parquet"))) == 13  # one per partition


def test_score_cli_dask_engine(mf, numeric, tmp_path):
    pytest.importorskip("dask.dataframe")
    src = tmp_path / "c.parquet"
    numeric.reset_index(drop=True).to_parquet(src, row_group_size=100)
    model = mf_path(tmp_path, mf)
    out = tmp_path / "s.parquet"
    args = ["score", str(model), str(src), "--out", str(out), "--engine", "dask"]
    result = CliRunner().invoke(app, [*args, "--scheduler", "threads", "--chunk-rows", "40"])
    assert result.exit_code == 0, result.output
    assert "Scored 300 of 301 rows" in result.output
    _posteriors_equal(pd.read_parquet(out), score_frame(mf, numeric.reset_index(drop=True)))
    sav = CliRunner().invoke(app, [*args[:4], str(tmp_path / "s.sav"), *args[5:]])
    assert sav.exit_code == 2 and "use --engine pandas for .sav" in sav.stderr


@pytest.mark.slow
def test_dask_local_cluster(mf, numeric, tmp_path):
    pytest.importorskip("distributed")
    from research.scale_out import score_dask

    src = tmp_path / "c.parquet"
    numeric.reset_index().to_parquet(src, row_group_size=100)
    score_dask(mf, src, tmp_path / "s.parquet", id_column="customer_id", workers=1)
    _posteriors_equal(pd.read_parquet(tmp_path / "s.parquet"), score_frame(mf, numeric))
