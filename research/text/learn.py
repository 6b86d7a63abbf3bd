"""Learned coding: suggest codes for passages from passages a person already coded.

:class:`CodeClassifier` is TF-IDF over word stems (Snowball; unigrams and bigrams, English stop
words dropped) and one logistic regression per code (scikit-learn's one-vs-rest), so every
code gets its own probability — the ``confidence`` of a suggestion — and a passage can get
several codes or none. :func:`passage_labels` turns a coded corpus into one label set per
passage at any level of the code hierarchy; :func:`cross_validate_transcripts` measures
leave-one-transcript-out precision, recall and F1 per code; :func:`suggest_codes` fits on the
coded transcripts and codes the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted

from ..errors import DataError
from .codebook import Codebook, stem_tokens
from .coding import CODED_COLUMNS, empty_coded
from .passages import PASSAGE_KEY, require_columns

__all__ = [
    "CodeClassifier",
    "METRIC_COLUMNS",
    "cross_validate_transcripts",
    "passage_labels",
    "suggest_codes",
]

#: Columns of :func:`cross_validate_transcripts`.
METRIC_COLUMNS = ("code", "label", "precision", "recall", "f1", "support", "predicted")


def _stems(text: str) -> list[str]:
    stems = [s for s, word, _, _ in stem_tokens(text) if word not in ENGLISH_STOP_WORDS]
    return [s for s in stems if not set(s) <= {"x"}]  # "XXXX" is anonymisation, not a word


def _analyzer(doc: tuple[str, str]) -> list[str]:
    """Stems and stem bigrams of the passage, plus ``q:`` stems of the question before it."""
    text, question = doc
    stems = _stems(text)
    features = stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]
    return features + [f"q:{s}" for s in _stems(question)]


def _documents(X: object) -> list[tuple[str, str]]:
    """(text, question) pairs from a passage table or a sequence of strings."""
    if isinstance(X, pd.DataFrame):
        require_columns(X, ["text"], "the passage table")
        questions = X["question"] if "question" in X.columns else [""] * len(X)
        return [
            (str(t), "" if q is None or (isinstance(q, float) and np.isnan(q)) else str(q))
            for t, q in zip(X["text"], questions, strict=True)
        ]
    if isinstance(X, str):
        raise TypeError("X must be a sequence of passages, not one string")
    return [(str(t), "") for t in X]


def _best_threshold(truth: np.ndarray, proba: np.ndarray) -> float:
    """Threshold maximising pooled (micro) F1; the lowest among ties."""
    best, best_f1 = 0.5, -1.0
    for threshold in _GRID:
        guess = proba >= threshold
        tp = float((guess & truth).sum())
        f1 = 2 * tp / (guess.sum() + truth.sum()) if guess.sum() + truth.sum() else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(threshold), f1
    return best


_GRID = np.round(np.arange(0.1, 0.91, 0.05), 2)


class CodeClassifier(BaseEstimator):
    """Multi-label passage classifier: TF-IDF features, one logistic regression per code.

    Features are the passage's word stems and stem bigrams (English stop words dropped) and,
    when the passage table has a ``question`` column, the stems of the interviewer's question
    that preceded it (an answer is coded partly by what it answers).

    Parameters
    ----------
    threshold : float or "auto", default "auto"
        A code is suggested when its probability is at least this. ``"auto"`` picks the
        threshold that maximises pooled F1 in leave-one-group-out predictions on the training
        data when ``fit`` gets ``groups`` (transcripts), else uses 0.5.
    C : float, default 10.0
        Inverse regularisation strength of each logistic regression.
    class_weight : {"balanced", None}, default "balanced"
        Weight positives up, as most passages lack any one code.
    min_df : int, default 1
        Ignore stems in fewer passages than this.
    random_state : int, default 0
        Seed for the solver.

    Attributes
    ----------
    classes_ : list of str
        Codes the model can suggest (those with positive and negative training passages).
    threshold_ : float
        The threshold in use.
    vectorizer_ : TfidfVectorizer
    model_ : OneVsRestClassifier or None
        None when no code had both positive and negative examples.
    """

    def __init__(
        self,
        *,
        threshold: float | str = "auto",
        C: float = 10.0,
        class_weight: str | None = "balanced",
        min_df: int = 1,
        random_state: int = 0,
    ) -> None:
        self.threshold = threshold
        self.C = C
        self.class_weight = class_weight
        self.min_df = min_df
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.threshold != "auto" and not (
            isinstance(self.threshold, int | float) and 0 < self.threshold < 1
        ):
            raise ValueError(f"threshold must be 'auto' or between 0 and 1, got {self.threshold!r}")
        if not (isinstance(self.C, int | float) and self.C > 0):
            raise ValueError(f"C must be positive, got {self.C!r}")
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight must be 'balanced' or None, got {self.class_weight!r}")

    def fit(self, X: object, y: Sequence[Iterable[str]], groups: object = None) -> CodeClassifier:
        """Fit on passages and their code sets.

        Parameters
        ----------
        X : pandas.DataFrame or sequence of str
            Passages: a table with ``text`` (and optionally ``question``), or texts.
        y : sequence of iterables of str
            The codes of each passage (empty for an uncoded passage).
        groups : array-like, optional
            Transcript of each passage, used by ``threshold="auto"``.

        Returns
        -------
        CodeClassifier
            self.

        Raises
        ------
        ValueError
            If the lengths differ, there are no passages, or a parameter is out of range.
        """
        self._check_params()
        docs = _documents(X)
        sets = [frozenset(map(str, s)) for s in y]
        if len(docs) != len(sets):
            raise ValueError(f"{len(docs)} passages but {len(sets)} label sets")
        if not docs:
            raise ValueError("no passages to learn from")
        self._fit(docs, sets)
        self.threshold_ = 0.5 if self.threshold == "auto" else float(self.threshold)
        if self.threshold == "auto" and groups is not None and self.classes_:
            groups = np.asarray(groups).astype(str)
            if len(groups) != len(docs):
                raise ValueError(f"{len(docs)} passages but {len(groups)} groups")
            if len(set(groups)) >= 2:
                self.threshold_ = self._inner_threshold(docs, sets, groups)
        return self

    def _fit(self, docs: list[tuple[str, str]], sets: list[frozenset[str]]) -> None:
        self.vectorizer_ = TfidfVectorizer(
            analyzer=_analyzer, sublinear_tf=True, min_df=self.min_df
        )
        features = self.vectorizer_.fit_transform(docs)
        every = sorted(set().union(*sets))
        y = np.array([[c in s for c in every] for s in sets], dtype=int).reshape(-1, len(every))
        usable = [i for i in range(len(every)) if 0 < y[:, i].sum() < len(sets)]
        self.classes_ = [every[i] for i in usable]
        self.model_ = None
        if usable:
            base = LogisticRegression(
                C=self.C,
                class_weight=self.class_weight,
                solver="liblinear",
                random_state=self.random_state,
                max_iter=1000,
            )
            self.model_ = OneVsRestClassifier(base).fit(features, y[:, usable])

    def _inner_threshold(
        self, docs: list[tuple[str, str]], sets: list[frozenset[str]], groups: np.ndarray
    ) -> float:
        """Threshold from leave-one-group-out probabilities on the training passages."""
        from sklearn.base import clone

        codes = self.classes_
        truth = np.array([[c in s for c in codes] for s in sets], dtype=bool)
        proba = np.zeros(truth.shape)
        for held in sorted(set(groups)):
            test = groups == held
            inner = clone(self).set_params(threshold=0.5)
            inner._fit(
                [docs[i] for i in np.flatnonzero(~test)], [sets[i] for i in np.flatnonzero(~test)]
            )
            part = inner._proba([docs[i] for i in np.flatnonzero(test)])
            proba[test] = part.reindex(columns=codes, fill_value=0.0).to_numpy()
        return _best_threshold(truth, proba)

    def _proba(self, docs: list[tuple[str, str]]) -> pd.DataFrame:
        if self.model_ is None or not docs:
            return pd.DataFrame(np.zeros((len(docs), len(self.classes_))), columns=self.classes_)
        features = self.vectorizer_.transform(docs)
        proba = self.model_.predict_proba(features)
        return pd.DataFrame(np.asarray(proba).reshape(len(docs), -1), columns=self.classes_)

    def predict_proba(self, X: object) -> pd.DataFrame:
        """Probability of each code for each passage (rows in input order, columns codes)."""
        check_is_fitted(self, "classes_")
        return self._proba(_documents(X))

    def predict(self, X: object) -> list[list[str]]:
        """Codes whose probability reaches ``threshold_``, per passage, most likely first."""
        proba = self.predict_proba(X)
        out = []
        for row in proba.to_numpy():
            order = np.argsort(-row, kind="stable")
            out.append([proba.columns[i] for i in order if row[i] >= self.threshold_])
        return out


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
    others and predicts the held-out passages. Predictions of all folds are pooled.

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
    from sklearn.base import clone
    from sklearn.metrics import precision_recall_fscore_support

    labels = passage_labels(passages, coded, codebook=codebook, level=level)
    groups = passages["transcript"].astype(str).to_numpy()
    names = sorted(set(groups))
    if len(names) < 2:
        raise DataError("leave-one-transcript-out needs passages from at least two transcripts")
    model = CodeClassifier() if classifier is None else classifier
    predicted: list[list[str]] = [[] for _ in labels]
    for held in names:
        test = groups == held
        train = np.flatnonzero(~test)
        fitted = clone(model).fit(
            passages.iloc[train], [labels[i] for i in train], groups=groups[train]
        )
        for i, codes in zip(np.flatnonzero(test), fitted.predict(passages[test]), strict=True):
            predicted[i] = codes
    codes = sorted(set().union(*labels))
    truth = np.array([[c in s for c in codes] for s in labels], dtype=int).reshape(-1, len(codes))
    guess = np.array([[c in p for c in codes] for p in predicted], dtype=int).reshape(
        -1, len(codes)
    )
    p, r, f, support = precision_recall_fscore_support(truth, guess, zero_division=0)
    rows = [
        (c, _label(codebook, c), p[i], r[i], f[i], int(support[i]), int(guess[:, i].sum()))
        for i, c in enumerate(codes)
    ]
    for avg in ("micro", "macro"):
        pa, ra, fa, _ = precision_recall_fscore_support(truth, guess, average=avg, zero_division=0)
        rows.append((avg, avg, pa, ra, fa, int(truth.sum()), int(guess.sum())))
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
    model.fit(train_passages, labels, groups=train_passages["transcript"].astype(str).to_numpy())
    proba = model.predict_proba(passages)
    rows = []
    for rec, (_, probs) in zip(passages.to_dict("records"), proba.iterrows(), strict=True):
        for code in probs.sort_values(ascending=False, kind="stable").index:
            if probs[code] < model.threshold_:
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
