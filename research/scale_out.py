"""Scoring a customer base too big for one process: the same partition function on Dask.

``score_partition`` is a pure function of a DataFrame partition, so Dask runs it unchanged with
``map_partitions``; results equal the pandas engine's row for row. Memory is bounded by the
partition, never the table:

- Parquet is split into partitions of at most ``chunk_rows`` rows from the file's row-group
  metadata (a row group larger than that is read in slices), and only the model's columns are
  read. Dask's own ``split_row_groups="adaptive"`` sizes partitions by *uncompressed storage*,
  which for dictionary-encoded answers (few distinct values) is tiny: it merged a 10-million-row
  file into one partition and a worker peaked at 10.9 GiB.
- Each partition's scores are written by the task that computed them (one Parquet part file,
  or one CSV piece joined in order at the end) and only a few counts go back to the client:
  no whole-frame compute, sort or shuffle.
- A local cluster's workers get a ``memory_limit``, so Dask spills or pauses before the machine
  runs short.

Dask is an optional dependency (``pip install 'segment-research[scale]'``), imported only here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from .errors import ResearchError
from .model_file import ModelFile
from .scoring import (
    CHUNK_ROWS,
    ScoreSummary,
    _indexed,
    _pandas_index_columns,
    _wanted,
    parquet_files,
    rebuild_model,
    score_meta,
    score_partition,
)

__all__ = ["score_dask", "score_ddf", "parquet_pieces", "read_ddf"]

#: Memory per local worker: two workers and the client stay well under 4 GiB together.
WORKER_MEMORY = "1.5GiB"


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


# ---------------------------------------------------------------------------- reading


def parquet_pieces(path: str | Path, chunk_rows: int = CHUNK_ROWS) -> list[tuple]:
    """``(file, row_group, start, rows, offset)`` pieces of at most `chunk_rows` rows each.

    From the files' footers only (nothing else is read); ``offset`` is the piece's first row
    in the whole table, so rows keep their table-wide number without an id column.
    """
    import pyarrow.parquet as pq

    pieces, offset = [], 0
    for file in parquet_files(path):
        meta = pq.ParquetFile(file).metadata
        for rg in range(meta.num_row_groups):
            n = meta.row_group(rg).num_rows
            for start in range(0, n, chunk_rows):
                rows = min(chunk_rows, n - start)
                pieces.append((str(file), rg, start, rows, offset + start))
            offset += n
    return pieces


def _read_piece(piece: tuple, read_columns: list[str], id_column: str | None) -> pd.DataFrame:
    import pyarrow.parquet as pq

    file, rg, start, rows, offset = piece
    table = pq.ParquetFile(file).read_row_group(rg, columns=read_columns)
    if rows != table.num_rows:  # a row group larger than a partition: this slice of it
        table = table.slice(start, rows)
    return _indexed(table.to_pandas(), offset, id_column)


def read_ddf(
    mf: ModelFile,
    path: str | Path,
    *,
    id_column: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    blocksize: str | int = "32MiB",
):
    """A Parquet or CSV customer table as a Dask DataFrame of bounded partitions.

    Only the model's columns (and `id_column`) are read. Parquet partitions hold at most
    `chunk_rows` rows; CSV partitions `blocksize` bytes of text.
    """
    dd = _dask()
    path = Path(path)
    if not path.exists():
        raise ResearchError(f"{path}: no such file")
    if path.suffix.lower() == ".parquet" or path.is_dir():
        import pyarrow.parquet as pq

        files = parquet_files(path)
        schema = pq.ParquetFile(files[0]).schema_arrow
        columns = _wanted(schema.names, mf, id_column, path)
        columns += [c for c in _pandas_index_columns(schema) if c not in columns]
        pieces = parquet_pieces(path, chunk_rows)
        if not pieces:
            raise ResearchError(f"{path}: the table has no row groups")
        # The first piece's schema, with no rows, is the meta of every partition.
        meta = _read_piece(pieces[0], columns, id_column).iloc[:0]
        return dd.from_map(
            _read_piece,
            pieces,
            read_columns=columns,
            id_column=id_column,
            meta=meta,
            enforce_metadata=False,
        )
    header = pd.read_csv(path, nrows=0).columns
    columns = _wanted(header, mf, id_column, path)
    ddf = dd.read_csv(str(path), usecols=columns, blocksize=blocksize)
    if id_column is not None:
        return ddf.map_partitions(lambda f: f.set_index(id_column))
    # Table-wide row numbers need each partition's offset: one counting pass first.
    lengths = ddf.map_partitions(len).compute().tolist()
    offsets = [sum(lengths[:i]) for i in range(len(lengths))]
    return ddf.map_partitions(_renumber, offsets, meta=ddf._meta.rename_axis("row"))


def _renumber(frame: pd.DataFrame, offsets: list[int], partition_info=None) -> pd.DataFrame:
    offset = offsets[partition_info["number"]] if partition_info else 0
    return _indexed(frame.reset_index(drop=True), offset, None)


# ---------------------------------------------------------------------------- writing


def _summary_frame(summary: ScoreSummary) -> pd.DataFrame:
    """A summary as a small long table, so Dask can collect it like any partition."""
    rows = [("rows", "", summary.rows), ("scored", "", summary.scored)]
    rows += [("reason", str(k), int(v)) for k, v in summary.reasons.items()]
    rows += [("segment", str(k), int(v)) for k, v in summary.segments.items()]
    return pd.DataFrame(rows, columns=["what", "key", "n"]).astype(
        {"what": object, "key": object, "n": "int64"}
    )


def _summary_of(frame: pd.DataFrame) -> ScoreSummary:
    s = ScoreSummary()
    for what, key, n in frame.itertuples(index=False):
        if what == "rows":
            s.rows += int(n)
        elif what == "scored":
            s.scored += int(n)
        elif what == "reason":
            s.reasons[key] += int(n)
        else:
            s.segments[int(key)] += int(n)
    return s


def _score_and_write(
    answers: pd.DataFrame, mf: ModelFile, model, folder: str, fmt: str, partition_info=None
) -> pd.DataFrame:
    """Score one partition, write its scores as one part file, return its counts."""
    scores = score_partition(answers, mf, model)
    i = partition_info["number"] if partition_info else 0
    part = Path(folder) / f"part.{i:06d}.{fmt}"
    if fmt == "parquet":
        scores.to_parquet(part, index=True)
    else:
        from .safe_cells import csv_text

        # Only the first piece has the header: the pieces are joined in order at the end.
        part.write_text(csv_text(scores, header=i == 0), encoding="utf-8", newline="")
    return _summary_frame(ScoreSummary.of(scores))


def _client(scheduler: str | None, workers: int, memory_limit: str | None):
    """(compute kwargs, client, cluster) for a scheduler name, address, or a local cluster."""
    if scheduler in ("synchronous", "threads", "processes"):
        return {"scheduler": scheduler}, None, None
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ResearchError(
            "--engine dask needs dask.distributed: pip install 'segment-research[scale]'"
        ) from None
    if scheduler is not None:
        return {}, Client(scheduler), None
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        memory_limit=memory_limit,
        dashboard_address=None,
    )
    return {}, Client(cluster), cluster


def score_dask(
    mf: ModelFile,
    path: str | Path,
    out: str | Path,
    *,
    id_column: str | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    chunk_rows: int = CHUNK_ROWS,
    memory_limit: str | None = WORKER_MEMORY,
) -> ScoreSummary:
    """Score a Parquet (or CSV) table with Dask, partition by partition, into `out`.

    Parameters
    ----------
    mf : ModelFile
    path : path
        A Parquet file, a folder of Parquet files, or a CSV file.
    out : path
        ``.parquet``: a folder of part files, one per partition (``part.000000.parquet``...;
        ``pandas.read_parquet`` reads the folder as one table). ``.csv``: one CSV file, the
        partitions' pieces joined in order. Written beside and moved into place at the end.
    id_column : str, optional
        Column identifying rows (default: the row number in the table, ``row``).
    scheduler : str, optional
        Address of a running Dask scheduler; ``"synchronous"``/``"threads"``/``"processes"``
        for a local scheduler without a cluster; default: a ``LocalCluster`` of `workers`
        processes with `memory_limit` each. The workers of a remote cluster read `path` and
        write their parts beside `out` themselves, so both must be on a filesystem they share.
    chunk_rows : int
        Most rows in a partition.

    Returns
    -------
    ScoreSummary
        Rows, rows scored, reasons for the rest and rows per segment.
    """
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("parquet", "csv"):
        raise ResearchError(
            f"{out}: --engine dask writes .parquet (a folder of parts) or .csv; an SPSS file "
            "is written whole, from memory: use --engine pandas for .sav"
        )
    ddf = read_ddf(mf, path, id_column=id_column, chunk_rows=chunk_rows)
    staging = out.parent / f".{out.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    model = rebuild_model(mf)
    counts = ddf.map_partitions(
        _score_and_write,
        mf,
        model,
        str(staging),
        fmt,
        meta=_summary_frame(ScoreSummary()).iloc[:0],
        enforce_metadata=False,
    )
    kwargs, client, cluster = _client(scheduler, workers, memory_limit)
    try:
        summary = _summary_of(counts.compute(**kwargs))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    _move_into_place(staging, out, fmt)
    return summary


def _move_into_place(staging: Path, out: Path, fmt: str) -> None:
    parts = sorted(staging.glob(f"part.*.{fmt}"))
    if fmt == "csv":
        from .atomic import atomic_write

        with atomic_write(out) as tmp, open(tmp, "wb") as dst:
            for part in parts:  # streamed: the file is never in memory
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, dst, 1 << 20)
        shutil.rmtree(staging)
        return
    if out.is_dir():
        shutil.rmtree(out)
    elif out.exists():
        out.unlink()
    staging.rename(out)
