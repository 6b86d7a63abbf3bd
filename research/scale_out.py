"""Scoring a customer base too big for one process: the same partition function on Dask.

``score_partition`` is a pure function of a DataFrame partition, so Dask runs it unchanged with
``map_partitions`` over a Parquet dataset read in chunks; results equal the pandas engine's row
for row. Dask is an optional dependency (``pip install 'segment-research[scale]'``), imported
only here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import ResearchError
from .model_file import ModelFile
from .scoring import rebuild_model, score_meta, score_partition

__all__ = ["score_dask", "score_ddf"]


def _dask():
    try:
        import dask.dataframe as dd
    except ImportError:
        raise ResearchError(
            "--engine dask needs Dask: pip install 'segment-research[scale]'"
        ) from None
    return dd


def score_ddf(mf: ModelFile, ddf):
    """Lazy scores of a Dask DataFrame of answers (as ticked), one partition at a time."""
    model = rebuild_model(mf)
    return ddf.map_partitions(score_partition, mf, model, meta=score_meta(mf))


def score_dask(
    mf: ModelFile,
    path: str | Path,
    *,
    id_column: str | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    blocksize: str | int | None = "64MiB",
    out: str | Path | None = None,
) -> pd.DataFrame | Path:
    """Score a Parquet (or CSV) table with Dask.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running Dask scheduler; ``"synchronous"``/``"threads"``/``"processes"``
        for a local scheduler without a cluster; default: a ``LocalCluster`` of `workers`.
    out : path, optional
        Write the scores as a Parquet folder (one file per partition) instead of collecting
        them in memory; returns the path.
    """
    dd = _dask()
    path = Path(path)
    if not path.exists():
        raise ResearchError(f"{path}: no such file")
    if path.suffix.lower() == ".parquet" or path.is_dir():
        ddf = dd.read_parquet(str(path), split_row_groups="adaptive")
    else:
        ddf = dd.read_csv(str(path), blocksize=blocksize)
    if id_column is not None:
        if id_column not in ddf.columns:
            raise ResearchError(f"{path}: no column {id_column!r} (--id)")
        ddf = ddf.set_index(id_column, sorted=True)
    scores = score_ddf(mf, ddf)
    client = cluster = None
    try:
        if scheduler in ("synchronous", "threads", "processes"):
            kwargs = {"scheduler": scheduler}
        else:
            from distributed import Client, LocalCluster

            if scheduler is None:
                cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
                client = Client(cluster)
            else:
                client = Client(scheduler)
            kwargs = {}
        if out is not None:
            scores.to_parquet(str(out), write_index=True, compute_kwargs=kwargs)
            return Path(out)
        return scores.compute(**kwargs)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
