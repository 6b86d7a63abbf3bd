"""Scoring new rows with a saved segmentation model: a pure function of a DataFrame partition.

:func:`score_partition` takes answers on the questionnaire's item ids (codes as imported:
reverse-keyed items already reversed, as :class:`SurveyData.responses` holds them) and returns
``segment, posterior_1..K, typing_segment, scored, reason``. It reads no file and keeps no
state, so it runs unchanged on every partition of a Dask DataFrame (``map_partitions``).
:func:`score_file` imports an export or customer table with the model's questionnaire (same
mapping, recoding and reverse keys) and writes the scores.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError, ResearchError
from .model_file import LcaParams, ModelFile

__all__ = [
    "CHUNK_ROWS",
    "ScoreSummary",
    "ScoreWriter",
    "iter_table",
    "model_columns",
    "rebuild_model",
    "score_columns",
    "score_frame",
    "score_meta",
    "score_partition",
    "score_table",
]

#: Rows scored at a time when a table is read in chunks: about 150 MiB of working memory for
#: 30 items, so two Dask workers and the pandas engine each stay far below a few GiB.
CHUNK_ROWS = 200_000


def rebuild_model(mf: ModelFile):
    """The fitted estimator of a model file (LatentClassModel or ProfileModel), ready to predict."""
    p = mf.model
    k = mf.k
    cols = pd.Index(range(1, k + 1), name="segment")
    if p.kind == "lca":
        from .segments.lca import LatentClassModel

        m = LatentClassModel(k, ordinal=p.ordinal)
        m.categories_ = {
            item: np.asarray(c, dtype=float if all(isinstance(x, float) for x in c) else object)
            for item, c in zip(p.items, p.categories, strict=True)
        }
        m.feature_names_in_ = np.array(p.items, dtype=object)
        m._n_cat = np.array([len(c) for c in p.categories])
        m._offsets = np.concatenate([[0], np.cumsum(m._n_cat)[:-1]])
        m._logpi = np.asarray(p.log_shares, dtype=float)
        m._logp = np.asarray(p.log_probabilities, dtype=float)
        m.posteriors_ = pd.DataFrame(columns=cols, dtype=float)
        return m
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture

    from .segments.profile import ProfileModel

    m = ProfileModel(k, kind=p.kind, covariance_type=p.covariance_type)
    m.feature_names_ = list(p.features)
    m.order_ = np.asarray(p.order)
    if p.kind == "kmeans":
        inner = KMeans(k)
        inner.cluster_centers_ = np.asarray(p.means, dtype=float)
        inner.n_features_in_ = len(p.features)
        inner._n_threads = 1
    else:
        inner = GaussianMixture(k, covariance_type=p.covariance_type)
        inner.weights_ = np.asarray(p.weights, dtype=float)
        inner.means_ = np.asarray(p.means, dtype=float)
        inner.precisions_cholesky_ = np.asarray(p.precisions_cholesky, dtype=float)
        inner.n_features_in_ = len(p.features)
        inner.converged_ = True
        # covariances_ only feed sampling; scoring needs the precisions alone.
        inner.covariances_ = None
    m.model_ = inner
    m.posteriors_ = pd.DataFrame(columns=cols, dtype=float)
    return m


def score_meta(mf: ModelFile) -> pd.DataFrame:
    """Empty frame with the columns and dtypes :func:`score_partition` returns (Dask ``meta``)."""
    cols = {"segment": pd.Series(dtype="Int64")}
    for s in range(1, mf.k + 1):
        cols[f"posterior_{s}"] = pd.Series(dtype=float)
    cols["typing_segment"] = pd.Series(dtype="Int64")
    cols["scored"] = pd.Series(dtype=bool)
    cols["reason"] = pd.Series(dtype="string")
    return pd.DataFrame(cols)


def reverse_keyed(mf: ModelFile, answers: pd.DataFrame) -> pd.DataFrame:
    """Answers as ticked -> codes as imported (reverse-keyed items reversed); a new frame."""
    rev = {i: lh for i, lh in mf.reverse_keys.items() if i in answers.columns}
    if not rev:
        return answers
    # Shallow: only the reversed columns are new (copy-on-write keeps `answers` intact); a deep
    # copy of a 200,000-row chunk would double its memory.
    out = answers.copy(deep=False)
    for item, (lo, hi) in rev.items():
        out[item] = lo + hi - pd.to_numeric(out[item], errors="coerce")
    return out


def _basis(mf: ModelFile, answers: pd.DataFrame) -> pd.DataFrame:
    if mf.basis == "items":
        return answers[mf.basis_columns]
    fb = mf.factor_basis
    x = answers[fb.items]
    if not all(pd.api.types.is_float_dtype(t) for t in x.dtypes):
        x = x.apply(pd.to_numeric, errors="coerce")
    # Plain arrays: element for element the same arithmetic as FactorScorer.transform, in
    # place so a chunk holds one copy of its answers, not three.
    z = x.to_numpy(dtype=float, copy=True)
    z -= np.asarray(fb.means)
    z /= np.asarray(fb.sds)
    z[np.isnan(z)] = 0.0
    return pd.DataFrame(_matmul(z, np.asarray(fb.weights)), index=answers.index, columns=fb.factors)


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` computed as for a table of two rows or more.

    BLAS takes another code path (matrix-vector) for a single row, which may differ in the
    last bit; scoring a table in chunks must give the posteriors of scoring it whole, and a
    chunk (or a file's last row group) can hold one row.
    """
    if a.shape[0] == 1:
        return (np.vstack([a, a]) @ b)[:1]
    return a @ b


def _predict_proba(model, basis: pd.DataFrame) -> np.ndarray:
    """Posteriors of `basis`; one row is scored as two identical rows (see :func:`_matmul`)."""
    if len(basis) == 1:
        return model.predict_proba(pd.concat([basis, basis])).to_numpy()[:1]
    return model.predict_proba(basis).to_numpy()


def _unscorable(mf: ModelFile, answers: pd.DataFrame) -> pd.Series:
    """Why each row cannot be scored ('' when it can)."""
    reason = pd.Series("", index=answers.index, dtype=object)
    items = mf.basis_columns if mf.basis == "items" else mf.factor_basis.items
    block = answers[items]
    none = block.isna().all(axis=1)
    reason[none] = "no answer to any of the model's items"
    if not isinstance(mf.model, LcaParams) or any(
        isinstance(c, float) for cats in mf.model.categories for c in cats
    ):
        for item in items:
            col = block[item]
            num = pd.to_numeric(col, errors="coerce")
            bad = col.notna() & num.isna() & (reason == "")
            if bad.any():
                reason[bad] = [f"answer {v!r} to {item} is not a number" for v in col[bad]]
    p = mf.model
    if p.kind == "lca":
        for item, cats in zip(p.items, p.categories, strict=True):
            col = answers[item]
            seen = col.isna() | col.isin(cats)
            bad = ~seen & (reason == "")
            if bad.any():
                reason[bad] = [
                    f"answer {v!r} to {item} was not a category of the fit" for v in col[bad]
                ]
    elif mf.basis == "items":
        incomplete = block.isna().any(axis=1) & (reason == "")
        reason[incomplete] = [
            f"no answer to {', '.join(map(str, block.columns[row.to_numpy()]))}"
            for _, row in block[incomplete].isna().iterrows()
        ]
    return reason


def score_partition(answers: pd.DataFrame, mf: ModelFile, model=None) -> pd.DataFrame:
    """Segments of the rows of `answers` (a pure function of the rows and the model).

    Parameters
    ----------
    answers : pd.DataFrame
        One row per respondent or customer, columns named by item id (other columns ignored).
    mf : ModelFile
    model : estimator, optional
        ``rebuild_model(mf)``, to save rebuilding it on every partition.

    Returns
    -------
    pd.DataFrame
        ``segment`` (Int64, NA when unscored), ``posterior_1..K``, ``typing_segment`` (the
        golden questions' answer, NA without a typing tool or its answers), ``scored`` and
        ``reason`` (why a row could not be scored; empty when it was).
    """
    model = rebuild_model(mf) if model is None else model
    typing_answers = answers
    answers = reverse_keyed(mf, answers)
    needed = mf.basis_columns if mf.basis == "items" else mf.factor_basis.items
    absent = [c for c in needed if c not in answers.columns]
    if absent:
        raise DataError(f"the data lack the model's items {absent[:5]}", column=absent[0])
    out = score_meta(mf).reindex(answers.index)
    out["scored"] = False
    reason = _unscorable(mf, answers)
    ok = (reason == "").to_numpy()
    out["reason"] = pd.array(reason.to_numpy(), dtype="string")
    if ok.any():
        basis = _basis(mf, answers.loc[ok])
        post = _predict_proba(model, basis)
        for s in range(mf.k):
            out.loc[ok, f"posterior_{s + 1}"] = post[:, s]
        out.loc[ok, "segment"] = post.argmax(axis=1) + 1
        out.loc[ok, "scored"] = True
    tool = mf.typing_tool
    if tool is not None and all(q in answers.columns for q in tool.questions):
        x = typing_answers[tool.questions].apply(pd.to_numeric, errors="coerce").astype(float)
        has = x.notna().any(axis=1).to_numpy()
        x = x.fillna(pd.Series(tool.fill_values, index=tool.questions)).to_numpy()
        scores = _matmul(x, np.asarray(tool.coefficients).T) + np.asarray(tool.intercepts)
        typed = np.asarray(tool.segments)[scores.argmax(axis=1)]
        out["typing_segment"] = pd.array(np.where(has, typed, 0), dtype="Int64")
        out.loc[~has, "typing_segment"] = pd.NA
    return out


def score_columns(mf: ModelFile) -> list[str]:
    return list(score_meta(mf).columns)


def score_frame(mf: ModelFile, answers: pd.DataFrame) -> pd.DataFrame:
    """Score an in-memory table of answers as ticked (the pandas engine)."""
    return score_partition(answers, mf, rebuild_model(mf))


def score_export(mf: ModelFile, path: str | Path, *, format: str | None = None):
    """Import `path` with the model's questionnaire and score every row it holds.

    Quality rules are off (customers are scored, not screened); rows the import drops are
    returned as ``exclusions`` with the import's reason. Returns ``(scores, exclusions)``.
    """
    ticked, exclusions = import_export(mf, path, format=format)
    return score_frame(mf, ticked), exclusions


def import_export(mf: ModelFile, path: str | Path, *, format: str | None = None):
    """An export imported with the model's questionnaire: ``(answers as ticked, exclusions)``."""
    from .ingest import QualityRules, import_responses
    from .model_file import questionnaire_of
    from .personas.profiles import display_codes

    q = questionnaire_of(mf)
    off = QualityRules(
        test_response=False,
        incomplete=False,
        duplicate_id=False,
        speeder_fraction=None,
        straightline_min_items=None,
        attention_check=False,
        max_missing_share=1.0,
        duplicate_answers=False,
    )
    with _mapping_file(mf) as mapping_file:
        survey = import_responses(
            path,
            q,
            rules=off,
            format=format or mf.export_format,
            lenient=True,
            mapping_file=mapping_file,
        )
    ticked = survey.responses.copy()
    for item in mf.reverse_keys:
        if item in ticked:
            ticked[item] = display_codes(survey, q.item(item))
    return ticked, survey.exclusions


@contextmanager
def _mapping_file(mf: ModelFile) -> Iterator[Path | None]:
    """The model's stored mapping as a temporary mapping file for the importer (None without)."""
    if not mf.mapping:
        yield None
        return
    import csv
    import tempfile

    from .ingest.generic import MAPPING_FIELDS
    from .safe_cells import neutralise

    with tempfile.TemporaryDirectory(prefix="research-mapping-") as tmp:
        path = Path(tmp) / "mapping.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(MAPPING_FIELDS)
            # Neutralised as our CSV writers do; the importer's reader undoes it exactly.
            for e in mf.mapping:
                w.writerow([neutralise(getattr(e, f)) for f in MAPPING_FIELDS])
        yield path


def read_table(path: str | Path) -> pd.DataFrame:
    """A customer table as it is (CSV, Parquet or SPSS), for scoring without import."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".sav", ".zsav"):
        import pyreadstat

        frame, _ = pyreadstat.read_sav(str(path))
        return frame
    return pd.read_csv(path)


def _labelled(scores: pd.DataFrame, mf: ModelFile) -> tuple[pd.DataFrame, dict, dict]:
    """Scores ready for SPSS: Int64 -> float, variable and value labels by segment name."""
    names = {int(s.segment): s.name for s in mf.segments}
    frame = scores.copy()
    for c in ("segment", "typing_segment"):
        if c in frame:
            frame[c] = frame[c].astype("Float64").astype(float)
    if "scored" in frame:
        frame["scored"] = frame["scored"].astype(int)
    var_labels = {"segment": "Segment (most likely)", "typing_segment": "Segment (typing tool)"}
    for s, n in names.items():
        var_labels[f"posterior_{s}"] = f"Posterior probability: {n}"[:255]
    value_labels = {"segment": names, "typing_segment": names, "scored": {0: "no", 1: "yes"}}
    return frame, var_labels, value_labels


def write_scores(
    scores: pd.DataFrame, path: str | Path, mf: ModelFile, *, created: str | None = None
) -> Path:
    """Write scores as CSV, Parquet or SPSS ``.sav`` (segment value labels) by suffix.

    `created` stamps the ``.sav`` header (default: ``SOURCE_DATE_EPOCH`` or now); Parquet and
    CSV carry no timestamp.
    """
    from .atomic import atomic_write
    from .errors import ReportError

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".sav":
        from .ingest import write_spss

        frame, var_labels, value_labels = _labelled(scores, mf)
        return write_spss(
            frame, path, variable_labels=var_labels, value_labels=value_labels, created=created
        )
    if suffix == ".parquet":
        with atomic_write(path) as tmp:
            scores.to_parquet(tmp)
        return path
    if suffix != ".csv":
        raise ReportError(f"{path}: scores are written as .csv, .parquet or .sav")
    from .safe_cells import write_csv

    return write_csv(scores, path)


# ---------------------------------------------------------------------------- chunked tables


def model_columns(mf: ModelFile) -> list[str]:
    """The columns scoring reads: the basis items and the typing tool's questions."""
    items = mf.basis_columns if mf.basis == "items" else mf.factor_basis.items
    typing = mf.typing_tool.questions if mf.typing_tool is not None else []
    return list(dict.fromkeys([*items, *typing]))


def _natural(path: Path) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def parquet_files(path: str | Path) -> list[Path]:
    """A Parquet file, or the ``*.parquet`` files of a folder in natural order (part.2 < part.10)."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    files = sorted(path.glob("*.parquet"), key=_natural)
    if not files:
        raise ResearchError(f"{path}: a folder with no .parquet files")
    return files


def _table_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".parquet" or path.is_dir():
        return "parquet"
    if suffix in (".sav", ".zsav"):
        return "spss"
    return "csv"


def _wanted(columns, mf: ModelFile, id_column: str | None, path) -> list[str]:
    """Columns to read: the model's that the table has (missing ones are reported by scoring)."""
    columns = [str(c) for c in columns]
    if id_column is not None and id_column not in columns:
        raise ResearchError(f"{path}: no column {id_column!r} (--id)")
    want = set(model_columns(mf)) | ({id_column} if id_column else set())
    return [c for c in columns if c in want]


def _indexed(frame: pd.DataFrame, offset: int, id_column: str | None) -> pd.DataFrame:
    """`frame` indexed by `id_column`, else by its row number in the whole table (``row``)."""
    if id_column is not None:
        return frame.set_index(id_column)
    if isinstance(frame.index, pd.RangeIndex):  # no index of its own (a pandas index is kept)
        frame.index = pd.RangeIndex(offset, offset + len(frame), name="row")
    return frame


def iter_table(
    path: str | Path,
    mf: ModelFile,
    *,
    id_column: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """A customer table (Parquet file or folder, CSV, SPSS) in chunks of at most `chunk_rows`.

    Only the model's columns (and `id_column`) are read, so memory is bounded by the chunk
    whatever the table's width and length. Rows are indexed by `id_column`, else by their row
    number in the whole table (``row``, from 0).
    """
    path = Path(path)
    if not path.exists():
        raise ResearchError(f"{path}: no such file")
    kind = _table_kind(path)
    offset = 0
    if kind == "parquet":
        import pyarrow.parquet as pq

        for file in parquet_files(path):
            pf = pq.ParquetFile(file)
            cols = _wanted(pf.schema_arrow.names, mf, id_column, path)
            # A pandas index stored in the file comes back as the index.
            cols += [c for c in _pandas_index_columns(pf.schema_arrow) if c not in cols]
            for batch in pf.iter_batches(batch_size=chunk_rows, columns=cols):
                frame = _indexed(batch.to_pandas(), offset, id_column)
                offset += len(frame)
                yield frame
        return
    if kind == "spss":
        import pyreadstat

        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        cols = _wanted(meta.column_names, mf, id_column, path)
        chunks = pyreadstat.read_file_in_chunks(
            pyreadstat.read_sav, str(path), chunksize=chunk_rows, usecols=cols
        )
        for frame, _ in chunks:
            frame = _indexed(frame.reset_index(drop=True), offset, id_column)
            offset += len(frame)
            yield frame
        return
    header = pd.read_csv(path, nrows=0).columns
    cols = _wanted(header, mf, id_column, path)
    for frame in pd.read_csv(path, usecols=cols, chunksize=chunk_rows):
        frame = _indexed(frame.reset_index(drop=True), offset, id_column)
        offset += len(frame)
        yield frame


def _pandas_index_columns(schema) -> list[str]:
    import json

    meta = (schema.metadata or {}).get(b"pandas")
    if not meta:
        return []
    cols = json.loads(meta).get("index_columns", [])
    return [c for c in cols if isinstance(c, str)]


@dataclass
class ScoreSummary:
    """What a scoring run found: rows, rows scored, why the others were not, segment counts."""

    rows: int = 0
    scored: int = 0
    reasons: Counter = field(default_factory=Counter)
    segments: Counter = field(default_factory=Counter)

    def add(self, scores: pd.DataFrame) -> ScoreSummary:
        """Count one chunk of :func:`score_partition` output in."""
        ok = scores["scored"].to_numpy(dtype=bool)
        self.rows += len(scores)
        self.scored += int(ok.sum())
        self.reasons.update(scores.loc[~ok, "reason"].value_counts().to_dict())
        counts = scores.loc[ok, "segment"].astype(int).value_counts()
        self.segments.update({int(k): int(v) for k, v in counts.items()})
        return self

    def merge(self, other: ScoreSummary) -> ScoreSummary:
        self.rows += other.rows
        self.scored += other.scored
        self.reasons.update(other.reasons)
        self.segments.update(other.segments)
        return self

    @classmethod
    def of(cls, scores: pd.DataFrame) -> ScoreSummary:
        return cls().add(scores)


class ScoreWriter:
    """Write scores chunk by chunk to one CSV, Parquet or SPSS file (by suffix), atomically.

    CSV and Parquet are appended chunk by chunk, so memory holds one chunk; ``.sav`` cannot be
    appended to, so its chunks are collected and written on :meth:`close` (the scores only,
    not the answers). Use as a context manager: the file appears only if every chunk was
    written.
    """

    def __init__(self, path: str | Path, mf: ModelFile, *, created: str | None = None) -> None:
        self.path = Path(path)
        self.mf = mf
        self.created = created
        self.suffix = self.path.suffix.lower()
        if self.suffix not in (".csv", ".parquet", ".sav"):
            from .errors import ReportError

            raise ReportError(f"{self.path}: scores are written as .csv, .parquet or .sav")
        self._parts: list[pd.DataFrame] = []
        self._writer = None
        self._schema = None
        self._handle = None
        self._atomic = None
        self._tmp: Path | None = None
        self.summary = ScoreSummary()

    def __enter__(self) -> ScoreWriter:
        from .atomic import atomic_write

        if self.suffix != ".sav":
            self._atomic = atomic_write(self.path)
            self._tmp = Path(self._atomic.__enter__())
        return self

    def write(self, scores: pd.DataFrame) -> None:
        """Append one chunk of :func:`score_partition` output."""
        self.summary.add(scores)
        if self.suffix == ".sav":
            self._parts.append(scores)
        elif self.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._schema is None:
                self._schema = pa.Schema.from_pandas(scores, preserve_index=True)
                self._writer = pq.ParquetWriter(self._tmp, self._schema)
            table = pa.Table.from_pandas(scores, schema=self._schema, preserve_index=True)
            self._writer.write_table(table)
        else:
            from .safe_cells import csv_text

            if self._handle is None:
                self._handle = open(self._tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115
                self._handle.write(csv_text(scores))
            else:
                self._handle.write(csv_text(scores, header=False))

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None and self.summary.rows == 0 and not self._parts:
                self.write(score_meta(self.mf))  # no rows at all: still a file with the columns
        finally:
            if self._writer is not None:
                self._writer.close()
            if self._handle is not None:
                self._handle.close()
        if self._atomic is not None:
            self._atomic.__exit__(exc_type, exc, tb)
        elif exc_type is None:
            write_scores(pd.concat(self._parts), self.path, self.mf, created=self.created)


def score_table(
    mf: ModelFile,
    path: str | Path,
    out: str | Path,
    *,
    id_column: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    created: str | None = None,
) -> ScoreSummary:
    """Score a customer table chunk by chunk into `out` (the pandas engine, bounded memory).

    Each chunk of `chunk_rows` rows is read, scored and appended to `out` before the next is
    read, so peak memory does not grow with the table; posteriors equal scoring the whole
    table at once, bit for bit.
    """
    model = rebuild_model(mf)
    with ScoreWriter(out, mf, created=created) as writer:
        for chunk in iter_table(path, mf, id_column=id_column, chunk_rows=chunk_rows):
            writer.write(score_partition(chunk, mf, model))
    return writer.summary
