"""Agreement between two codings of the same passages: percent, Cohen's kappa, Krippendorff's alpha.

Each code is a yes/no decision per passage: coder A applied it or not, coder B applied it or
not. :func:`coding_agreement` reports, per code and overall, the percent of passages where the
two agree, Cohen's kappa and Krippendorff's alpha (nominal), all computed by NLTK's
``nltk.metrics.agreement.AnnotationTask``; :func:`reliability` is the same statistic for any
items × coders table. "Overall" pools every (passage, code) decision into one table, so
frequent codes weigh more; the ``mean`` row averages the per-code values instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import DataError
from .codebook import Codebook
from .passages import PASSAGE_KEY, require_columns

__all__ = ["AGREEMENT_COLUMNS", "coding_agreement", "passage_key", "reliability"]

#: Columns of :func:`coding_agreement`.
AGREEMENT_COLUMNS = (
    "code",
    "label",
    "passages",
    "coder_a",
    "coder_b",
    "both",
    "percent",
    "kappa",
    "alpha",
)


def _task(triples: list[tuple[str, object, str]]):
    from nltk.metrics.agreement import AnnotationTask

    return AnnotationTask(data=triples)


def reliability(ratings: pd.DataFrame) -> pd.Series:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha of an items × coders table.

    Parameters
    ----------
    ratings : pandas.DataFrame
        One row per item (unit), one column per coder, nominal values; NaN where a coder did
        not rate the item.

    Returns
    -------
    pandas.Series
        ``items``, ``coders``, ``percent`` (mean pairwise observed agreement, 0–100),
        ``kappa`` (mean pairwise Cohen's kappa; for two coders, Cohen's kappa), ``fleiss``
        (Fleiss' kappa, the multi-coder generalisation of Scott's pi) and ``alpha``
        (Krippendorff's alpha, nominal distance; items rated by fewer than two coders are left
        out, as Krippendorff prescribes). ``kappa`` and ``alpha`` are NaN when every rating has
        the same value (no variation, so chance agreement is total and the ratio undefined).
        ``percent``, ``kappa`` and ``fleiss`` use only items every coder rated.

    Raises
    ------
    DataError
        If there are fewer than two coders or no item rated by two coders.

    Notes
    -----
    Computed with ``nltk.metrics.agreement.AnnotationTask`` (``avg_Ao``, ``kappa``, ``pi``
    for Fleiss' kappa, ``alpha``). Checked against textbook examples: Cohen's kappa 0.4 for
    the 50-item table of Wikipedia's worked example; Fleiss' kappa 0.210 for the 10-subject,
    14-rater table of Fleiss (1971) as worked on Wikipedia; Krippendorff's alpha 0.095
    (binary, 2 coders) and 0.743 (nominal, 4 coders, missing values) from Krippendorff
    (2011), "Computing Krippendorff's alpha-reliability".
    """
    if not isinstance(ratings, pd.DataFrame):
        raise TypeError(f"ratings must be a pandas DataFrame, got {type(ratings).__name__}")
    if ratings.shape[1] < 2:
        raise DataError(f"agreement needs at least two coders, got {ratings.shape[1]}")
    triples = [
        (str(coder), str(item), str(value))
        for coder in ratings.columns
        for item, value in ratings[coder].items()
        if not pd.isna(value)
    ]
    rated_twice = ratings.notna().sum(axis=1) >= 2
    if not rated_twice.any():
        raise DataError("no item was rated by at least two coders")
    complete = ratings[ratings.notna().all(axis=1)]
    values = pd.unique(ratings.stack().astype(str))
    percent = kappa = fleiss = alpha = np.nan
    if len(complete):
        full = _task(
            [(str(c), str(i), str(v)) for c in complete.columns for i, v in complete[c].items()]
        )
        percent = 100.0 * full.avg_Ao()
        if len(pd.unique(complete.stack().astype(str))) > 1:
            kappa = full.kappa()
            fleiss = full.pi()
    if len(values) > 1:
        alpha = _task(triples).alpha()
    return pd.Series(
        {
            "items": int(rated_twice.sum()),
            "coders": int(ratings.shape[1]),
            "percent": percent,
            "kappa": kappa,
            "fleiss": fleiss,
            "alpha": alpha,
        }
    )


def passage_key(coded: pd.DataFrame) -> list[str]:
    """Columns identifying a passage in a coded table: transcript, turn, sentence if present;
    else transcript, start, end; else transcript, text."""
    for key in (list(PASSAGE_KEY), ["transcript", "turn"], ["transcript", "start", "end"]):
        if all(k in coded.columns for k in key):
            return key
    return ["transcript", "text"]


def _decisions(coded: pd.DataFrame, key: list[str], codebook, level) -> dict[tuple, set[str]]:
    out: dict[tuple, set[str]] = {}
    frame = coded[[*key, "code"]]
    for row in frame.itertuples(index=False, name=None):
        passage, code = tuple(str(v) for v in row[:-1]), row[-1]
        codes = out.setdefault(passage, set())
        if isinstance(code, str) and code.strip():
            if codebook is not None and level is not None and code in codebook:
                code = codebook.at_level(code, level)
            codes.add(code.strip())
    return out


def coding_agreement(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    passages: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    level: int | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Agreement per code between two codings of the same passages.

    Parameters
    ----------
    a, b : pandas.DataFrame
        Coded tables (one row per passage and code, as ``passages.csv`` or a coded corpus):
        columns ``transcript``, ``code`` and the passage's position (see
        :func:`passage_key`). A row with an empty code marks a passage the coder saw and left
        uncoded.
    passages : pandas.DataFrame, optional
        Every passage both coders saw; by default the passages named in `a` or `b`. A passage
        missing from one coder's table counts as not coded by that coder.
    codebook : Codebook, optional
        For labels, and for `level`.
    level : int, optional
        Compare codes rolled up to this level of the hierarchy (1 = top-level).
    codes : sequence of str, optional
        Codes to report; default every code either coder used.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`AGREEMENT_COLUMNS`: ``coder_a``/``coder_b`` count passages each gave
        the code, ``both`` those both gave it; ``percent``, ``kappa`` and ``alpha`` as
        :func:`reliability`. One row per code, then ``overall`` (pooled decisions) and
        ``mean`` (average of the code rows).

    Raises
    ------
    DataError
        If a column is missing, the two tables identify passages differently, or there are
        no passages or codes.
    """
    require_columns(a, ["transcript", "code"], "coder A's table")
    require_columns(b, ["transcript", "code"], "coder B's table")
    key = passage_key(a)
    if passage_key(b) != key:
        raise DataError(f"the tables identify passages differently: {key} and {passage_key(b)}")
    da, db = _decisions(a, key, codebook, level), _decisions(b, key, codebook, level)
    if passages is not None:
        require_columns(passages, key, "the passage table")
        universe = list(
            dict.fromkeys(
                tuple(str(v) for v in r) for r in passages[key].itertuples(index=False, name=None)
            )
        )
    else:
        universe = list(dict.fromkeys([*da, *db]))
    if not universe:
        raise DataError("no passages to compare")
    used = sorted(set().union(*da.values(), *db.values())) if codes is None else list(codes)
    if not used:
        raise DataError("neither coder applied any code")
    rows, pooled = [], {"A": [], "B": []}
    for code in used:
        in_a = [code in da.get(p, ()) for p in universe]
        in_b = [code in db.get(p, ()) for p in universe]
        pooled["A"] += in_a
        pooled["B"] += in_b
        stats = reliability(pd.DataFrame({"A": in_a, "B": in_b}).astype(int))
        label = codebook[code].label if codebook is not None and code in codebook else code
        rows.append(
            (
                code,
                label,
                len(universe),
                sum(in_a),
                sum(in_b),
                sum(x and y for x, y in zip(in_a, in_b, strict=True)),
                stats["percent"],
                stats["kappa"],
                stats["alpha"],
            )
        )
    table = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))
    overall = reliability(pd.DataFrame(pooled).astype(int))
    total = (
        "overall",
        "overall",
        len(universe),
        int(table["coder_a"].sum()),
        int(table["coder_b"].sum()),
        int(table["both"].sum()),
        overall["percent"],
        overall["kappa"],
        overall["alpha"],
    )
    mean = (
        "mean",
        "mean",
        len(universe),
        np.nan,
        np.nan,
        np.nan,
        table["percent"].mean(),
        table["kappa"].mean(),
        table["alpha"].mean(),
    )
    return pd.concat(
        [table, pd.DataFrame([total, mean], columns=list(AGREEMENT_COLUMNS))], ignore_index=True
    )
