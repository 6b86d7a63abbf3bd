"""Scoring new rows with a saved segmentation model: a pure function of a DataFrame partition.

:func:`score_partition` takes answers on the questionnaire's item ids (codes as imported:
reverse-keyed items already reversed, as :class:`SurveyData.responses` holds them) and returns
``segment, posterior_1..K, typing_segment, scored, reason``. It reads no file and keeps no
state, so it runs unchanged on every partition of a Dask DataFrame (``map_partitions``).
:func:`score_file` imports an export or customer table with the model's questionnaire (same
mapping, recoding and reverse keys) and writes the scores.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .model_file import LcaParams, ModelFile

__all__ = ["rebuild_model", "score_partition", "score_columns", "score_frame", "score_meta"]


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
    out = answers.copy()
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
    # Plain arrays: element for element the same arithmetic as FactorScorer.transform.
    z = (x.to_numpy(dtype=float) - np.asarray(fb.means)) / np.asarray(fb.sds)
    z[np.isnan(z)] = 0.0
    return pd.DataFrame(z @ np.asarray(fb.weights), index=answers.index, columns=fb.factors)


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
        post = model.predict_proba(basis).to_numpy()
        for s in range(mf.k):
            out.loc[ok, f"posterior_{s + 1}"] = post[:, s]
        out.loc[ok, "segment"] = post.argmax(axis=1) + 1
        out.loc[ok, "scored"] = True
    tool = mf.typing_tool
    if tool is not None and all(q in answers.columns for q in tool.questions):
        x = typing_answers[tool.questions].apply(pd.to_numeric, errors="coerce").astype(float)
        has = x.notna().any(axis=1).to_numpy()
        x = x.fillna(pd.Series(tool.fill_values, index=tool.questions)).to_numpy()
        scores = x @ np.asarray(tool.coefficients).T + np.asarray(tool.intercepts)
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
    survey = import_responses(path, q, rules=off, format=format or mf.export_format, lenient=True)
    ticked = survey.responses.copy()
    for item in mf.reverse_keys:
        if item in ticked:
            ticked[item] = display_codes(survey, q.item(item))
    return ticked, survey.exclusions


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
