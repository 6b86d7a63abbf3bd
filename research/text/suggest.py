"""Learned coding on a corpus: label sets per passage, leave-one-transcript-out scores, and
suggestions for uncoded transcripts, with :class:`~research.text.learn.CodeClassifier`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from .codebook import Codebook
from .coding import CODED_COLUMNS, empty_coded
from .features import code_descriptions
from .learn import CodeClassifier
from .passages import PASSAGE_KEY, require_columns

__all__ = [
    "METRIC_COLUMNS",
    "code_scores",
    "cross_validate_transcripts",
    "out_of_fold_codes",
    "passage_labels",
    "suggest_codes",
]

#: Columns of :func:`cross_validate_transcripts`.
METRIC_COLUMNS = ("code", "label", "precision", "recall", "f1", "support", "predicted")


def passage_labels(
    passages: pd.DataFrame,
    coded: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    level: int | None = None,
) -> list[frozenset[str]]:
    """The set of codes of each passage, optionally rolled up to one level of the hierarchy.

    Parameters
    ----------
    passages : pandas.DataFrame
        Passages (columns ``transcript``, ``turn``, ``sentence``).
    coded : pandas.DataFrame
        A coded corpus over the same passages (columns ``transcript``, ``turn``,
        ``sentence``, ``code``).
    codebook : Codebook, optional
        Needed when `level` is given.
    level : int, optional
        1 for top-level codes, 2 for their children, ...; codes deeper than `level` count as
        their ancestor at `level`. None keeps the codes as they are.

    Returns
    -------
    list of frozenset of str
        One set per passage, in the passages' order.
    """
    require_columns(passages, PASSAGE_KEY, "the passage table")
    require_columns(coded, [*PASSAGE_KEY, "code"], "the coded corpus")
    if level is not None:
        if codebook is None:
            raise DataError("rolling codes up to a level needs the codebook")
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise DataError(f"level must be a whole number of at least 1, got {level!r}")
    sets: dict[tuple, set[str]] = {}
    for t, turn, sentence, code in coded[[*PASSAGE_KEY, "code"]].itertuples(index=False):
        if level is not None:
            code = codebook.at_level(code, level)
        sets.setdefault((t, turn, sentence), set()).add(code)
    keys = passages[list(PASSAGE_KEY)].itertuples(index=False, name=None)
    return [frozenset(sets.get(k, ())) for k in keys]


def cross_validate_transcripts(
    passages: pd.DataFrame,
    coded: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    level: int | None = None,
    classifier: CodeClassifier | None = None,
) -> pd.DataFrame:
    """Leave-one-transcript-out precision, recall and F1 of learned coding, per code.

    Each transcript in turn is held out; the classifier is fitted on the passages of the
    others (and the codebook's texts) and predicts the held-out passages. Predictions of all
    folds are pooled. The classifier's ``"auto"`` settings are chosen by its own
    leave-one-transcript-out inside each fold's training transcripts, so the held-out
    transcript never influences them (nested cross-validation).

    Parameters
    ----------
    passages, coded, codebook, level
        As :func:`passage_labels`.
    classifier : CodeClassifier, optional
        Settings to use (a fresh clone is fitted per fold); default :class:`CodeClassifier`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`METRIC_COLUMNS`, one row per code present in the human coding, then
        ``micro`` (pooled over codes) and ``macro`` (mean over codes) rows. ``support`` counts
        passages with the code, ``predicted`` passages the model gave it. A code seen in only
        one transcript cannot be learned when that transcript is held out.

    Raises
    ------
    DataError
        If fewer than two transcripts are coded.

    Notes
    -----
    Precision, recall and F1 follow scikit-learn's ``precision_recall_fscore_support``
    (zero where undefined).
    """
    predicted = out_of_fold_codes(
        passages, coded, codebook=codebook, level=level, classifier=classifier
    )
    return code_scores(passages, coded, predicted, codebook=codebook, level=level)


def out_of_fold_codes(
    passages: pd.DataFrame,
    coded: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    level: int | None = None,
    classifier: CodeClassifier | None = None,
) -> pd.DataFrame:
    """Machine coding of passages a person coded, each transcript by a model that never saw it.

    Each transcript in turn is held out, the classifier is fitted on the others (its ``auto``
    settings chosen inside them) and codes the held-out passages: the machine's side of a
    coder-versus-machine comparison (:func:`~research.text.agreement.coding_agreement`).

    Parameters
    ----------
    passages, coded, codebook, level, classifier
        As :func:`cross_validate_transcripts`.

    Returns
    -------
    pandas.DataFrame
        Coded corpus rows (:data:`~research.text.coding.CODED_COLUMNS`), ``source`` =
        ``"model"``, ``confidence`` = the code's probability, codes at `level`.

    Raises
    ------
    DataError
        If fewer than two transcripts are coded.
    """
    from sklearn.base import clone

    labels = passage_labels(passages, coded, codebook=codebook, level=level)
    groups = passages["transcript"].astype(str).to_numpy()
    names = sorted(set(groups))
    if len(names) < 2:
        raise DataError("leave-one-transcript-out needs passages from at least two transcripts")
    model = CodeClassifier() if classifier is None else classifier
    descriptions = None if codebook is None else code_descriptions(codebook, level=level)
    frames = []
    for held in names:
        test = groups == held
        train = np.flatnonzero(~test)
        fitted = clone(model).fit(
            passages.iloc[train],
            [labels[i] for i in train],
            groups=groups[train],
            descriptions=descriptions,
        )
        held_out = passages[test]
        frames.append(_rows(held_out, fitted.predict_proba(held_out), fitted.threshold_, codebook))
    return pd.concat(frames, ignore_index=True).astype(empty_coded().dtypes.to_dict())


def code_scores(
    passages: pd.DataFrame,
    truth: pd.DataFrame,
    predicted: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    level: int | None = None,
) -> pd.DataFrame:
    """Precision, recall and F1 per code of one coding (`predicted`) against another.

    Parameters
    ----------
    passages : pandas.DataFrame
        The passages both codings cover (columns ``transcript``, ``turn``, ``sentence``).
    truth, predicted : pandas.DataFrame
        Coded corpora over those passages (columns ``transcript``, ``turn``, ``sentence``,
        ``code``); a passage absent from one is uncoded there.
    codebook, level
        As :func:`passage_labels` (both codings are rolled up to `level`).

    Returns
    -------
    pandas.DataFrame
        As :func:`cross_validate_transcripts`: one row per code of `truth`, then ``micro``
        and ``macro``.
    """
    from sklearn.metrics import precision_recall_fscore_support

    labels = passage_labels(passages, truth, codebook=codebook, level=level)
    guessed = passage_labels(passages, predicted, codebook=codebook, level=level)
    codes = sorted(set().union(*labels))
    truth_m = np.array([[c in s for c in codes] for s in labels], dtype=int).reshape(-1, len(codes))
    guess = np.array([[c in p for c in codes] for p in guessed], dtype=int).reshape(-1, len(codes))
    p, r, f, support = precision_recall_fscore_support(truth_m, guess, zero_division=0)
    rows = [
        (c, _label(codebook, c), p[i], r[i], f[i], int(support[i]), int(guess[:, i].sum()))
        for i, c in enumerate(codes)
    ]
    for avg in ("micro", "macro"):
        pa, ra, fa, _ = precision_recall_fscore_support(
            truth_m, guess, average=avg, zero_division=0
        )
        rows.append((avg, avg, pa, ra, fa, int(truth_m.sum()), int(guess.sum())))
    return pd.DataFrame(rows, columns=list(METRIC_COLUMNS))


def _label(codebook: Codebook | None, code: str) -> str:
    if codebook is None or code not in codebook:
        return code
    return codebook.path_of(code)


def suggest_codes(
    train_passages: pd.DataFrame,
    train_coded: pd.DataFrame,
    passages: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    level: int | None = None,
    classifier: CodeClassifier | None = None,
) -> pd.DataFrame:
    """Fit on coded passages and suggest codes for other passages.

    Parameters
    ----------
    train_passages, train_coded
        Passages and their human coding (as :func:`passage_labels`).
    passages : pandas.DataFrame
        Passages to code (columns as :func:`~research.text.passages.split_passages`).
    codebook, level
        As :func:`passage_labels`; labels come from the codebook when given.
    classifier : CodeClassifier, optional
        Settings to use; default :class:`CodeClassifier`.

    Returns
    -------
    pandas.DataFrame
        Coded corpus rows (:data:`~research.text.coding.CODED_COLUMNS`) with ``source`` =
        ``"model"`` and ``confidence`` = the code's probability.
    """
    from sklearn.base import clone

    labels = passage_labels(train_passages, train_coded, codebook=codebook, level=level)
    model = clone(CodeClassifier() if classifier is None else classifier)
    model.fit(
        train_passages,
        labels,
        groups=train_passages["transcript"].astype(str).to_numpy(),
        descriptions=None if codebook is None else code_descriptions(codebook, level=level),
    )
    return _rows(passages, model.predict_proba(passages), model.threshold_, codebook)


def _rows(
    passages: pd.DataFrame, proba: pd.DataFrame, threshold: float, codebook: Codebook | None
) -> pd.DataFrame:
    """Coded corpus rows for every code whose probability reaches `threshold`."""
    rows = []
    for rec, (_, probs) in zip(passages.to_dict("records"), proba.iterrows(), strict=True):
        for code in probs.sort_values(ascending=False, kind="stable").index:
            if probs[code] < threshold:
                break
            label = codebook[code].label if codebook is not None and code in codebook else code
            rows.append(
                (
                    rec["transcript"],
                    rec["turn"],
                    rec.get("sentence", 0),
                    rec.get("speaker", ""),
                    rec.get("start", np.nan),
                    rec.get("end", np.nan),
                    code,
                    label,
                    rec["text"],
                    "",
                    "model",
                    float(probs[code]),
                    rec.get("sentiment", np.nan),
                )
            )
    if not rows:
        return empty_coded()
    return pd.DataFrame(rows, columns=list(CODED_COLUMNS)).astype(empty_coded().dtypes.to_dict())
