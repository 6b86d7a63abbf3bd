"""Scoring a customer base with a saved model: pandas in chunks vs Dask, rows/s and peak memory.

Generates ``--rows`` simulated customers (default 10 million) as Parquet on disk, one row group
of 500,000 at a time (never all in memory): rows resampled from the bundled study's answers with
random customer ids. Each engine then runs in its own subprocess, reading the Parquet in chunks
and writing scores as Parquet, and reports rows/s and peak resident memory (the largest of the
process and, for Dask, its worker processes).

Run: ``.venv/bin/python benchmarks/bench_scoring.py [--rows 10000000] [--model model.json]``
(without --model the bundled demo study is run first, about a minute).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHUNK = 500_000


def make_model(folder: Path) -> Path:
    from research.datasets import demo_paths
    from research.study import run_study

    run_study(demo_paths()["study"], folder / "demo", created="2026-01-01T00:00:00")
    return folder / "demo" / "model.json"


def make_customers(model: Path, path: Path, rows: int, seed: int = 0) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from research.datasets import demo_paths
    from research.model_file import load_model
    from research.scoring import import_export

    mf = load_model(model)
    answers, _ = import_export(mf, demo_paths()["export"])
    items = mf.factor_basis.items if mf.basis == "factor_scores" else mf.basis_columns
    cols = list(dict.fromkeys([*items, *(mf.typing_tool.questions if mf.typing_tool else [])]))
    pool = answers[cols].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    writer = None
    for lo in range(0, rows, CHUNK):
        n = min(CHUNK, rows - lo)
        block = pool[rng.integers(0, len(pool), n)]
        table = pa.table(
            {"customer_id": np.arange(lo, lo + n, dtype=np.int64)}
            | {c: block[:, j] for j, c in enumerate(cols)}
        )
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=CHUNK)
    writer.close()


def run_pandas(model: str, src: str, out: str) -> None:
    import pyarrow.parquet as pq

    from research.model_file import load_model
    from research.scoring import rebuild_model, score_partition

    mf = load_model(model)
    est = rebuild_model(mf)
    Path(out).mkdir(exist_ok=True)
    for i, batch in enumerate(pq.ParquetFile(src).iter_batches(batch_size=CHUNK)):
        frame = batch.to_pandas().set_index("customer_id")
        score_partition(frame, mf, est).to_parquet(Path(out) / f"part.{i}.parquet")


def run_dask(model: str, src: str, out: str, workers: int) -> None:
    from research.model_file import load_model
    from research.scale_out import score_dask

    score_dask(load_model(model), src, scheduler=None, workers=workers, out=out)


def child(args: argparse.Namespace) -> None:
    t = time.perf_counter()
    if args.engine == "pandas":
        run_pandas(args.model, args.src, args.out)
    else:
        run_dask(args.model, args.src, args.out, args.workers)
    seconds = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mib": own, "children_rss_mib": kids}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", choices=["pandas", "dask"])  # internal: one engine
    ap.add_argument("--src")
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.engine:
        child(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = args.model or make_model(folder)
        src = folder / "customers.parquet"
        t = time.perf_counter()
        make_customers(model, src, args.rows)
        print(
            f"generated {args.rows:,} customers in {time.perf_counter() - t:.1f} s "
            f"({src.stat().st_size / 2**20:.0f} MiB Parquet)"
        )
        results = {}
        for engine in ("pandas", "dask"):
            cmd = [sys.executable, __file__, "--engine", engine, "--model", str(model)]
            cmd += ["--src", str(src), "--out", str(folder / f"out_{engine}")]
            cmd += ["--workers", str(args.workers)]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode:
                sys.exit(f"{engine} failed:\n{proc.stderr[-3000:]}")
            line = proc.stdout
            r = json.loads(line.strip().splitlines()[-1])
            results[engine] = r
            peak = max(r["rss_mib"], r["children_rss_mib"])
            print(
                f"{engine:>6}: {args.rows / r['seconds']:,.0f} rows/s "
                f"({r['seconds']:.1f} s), peak RSS {peak:,.0f} MiB "
                f"(main {r['rss_mib']:,.0f}, largest worker {r['children_rss_mib']:,.0f})"
            )
        ratio = results["pandas"]["seconds"] / results["dask"]["seconds"]
        print(f"dask / pandas throughput: {ratio:.2f}x on {args.workers} workers")


if __name__ == "__main__":
    main()
