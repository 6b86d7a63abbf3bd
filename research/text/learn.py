"""Learned coding: suggest codes for passages from passages a person already coded.

:class:`CodeClassifier` is TF-IDF over word stems (:mod:`research.text.features`: the
passage, the question it answers, its neighbours, its place in the interview and its length)
and one logistic regression per code (scikit-learn's one-vs-rest), so every code gets its own
probability — the ``confidence`` of a suggestion — and a passage can get several codes or
none. The codebook's own words (labels, descriptions, keywords) join the training text. The
regularisation strength and the decision threshold are chosen by leave-one-transcript-out
cross-validation inside the training transcripts, so a score measured on held-out transcripts
is honest. :mod:`research.text.suggest` applies it to a coded corpus (leave-one-transcript-out
scores, suggestions for uncoded transcripts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted

from ..errors import OptionError
from .features import analyzer, passage_documents

__all__ = ["C_GRID", "THRESHOLD_GRID", "CodeClassifier"]

#: Values of ``C`` tried by ``C="auto"``.
C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
#: Thresholds tried by ``threshold="auto"``.
THRESHOLD_GRID = tuple(float(t) for t in np.round(np.arange(0.1, 0.91, 0.05), 2))
_DEFAULT_C = 10.0
_MAX_FOLDS = 5


def _folds(groups: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Leave one group out, or five group folds when there are more than five groups."""
    names = sorted(set(groups))
    if len(names) <= _MAX_FOLDS:
        return [(np.flatnonzero(groups != g), np.flatnonzero(groups == g)) for g in names]
    fold_of = {g: i % _MAX_FOLDS for i, g in enumerate(names)}
    assigned = np.array([fold_of[g] for g in groups])
    return [(np.flatnonzero(assigned != k), np.flatnonzero(assigned == k)) for k in range(5)]


def _micro_f1(truth: np.ndarray, guess: np.ndarray) -> float:
    tp = float((guess & truth).sum())
    total = float(guess.sum() + truth.sum())
    return 2 * tp / total if total else 0.0


class CodeClassifier(BaseEstimator):
    """Multi-label passage classifier: TF-IDF features, one logistic regression per code.

    Parameters
    ----------
    threshold : float or "auto", default "auto"
        A code is suggested when its probability is at least this. ``"auto"`` picks, from
        :data:`THRESHOLD_GRID`, the threshold that maximises pooled (micro) F1 in
        leave-one-transcript-out predictions on the training data (five folds of whole
        transcripts when there are more than five) when ``fit`` gets ``groups``, else uses
        0.5.
    C : float or "auto", default "auto"
        Inverse regularisation strength of each logistic regression. ``"auto"`` picks it from
        :data:`C_GRID` together with the threshold, by the same inner cross-validation (10
        without ``groups``).
    class_weight : {"balanced", None}, default "balanced"
        Weight positives up, as most passages lack any one code.
    min_df : int, default 1
        Ignore stems in fewer passages than this.
    context : bool, default False
        Add the stems of the neighbouring passages of the same transcript (off by default:
        on the PDPilot interviews it did not help, see Notes).
    position : bool, default True
        Add the passage's relative position in its transcript.
    codebook_text : bool, default True
        Learn from the ``descriptions`` given to ``fit`` as well.
    random_state : int, default 0
        Seed for the solver.

    Attributes
    ----------
    classes_ : list of str
        Codes the model can suggest (those with positive and negative training passages).
    threshold_ : float
        The threshold in use.
    C_ : float
        The regularisation strength in use.
    selection_ : pandas.DataFrame or None
        With inner cross-validation: ``C``, ``threshold`` and inner micro ``f1`` of the best
        threshold for each ``C`` tried.
    vectorizer_ : TfidfVectorizer
    model_ : OneVsRestClassifier or None
        None when no code had both positive and negative examples.

    Notes
    -----
    On the PDPilot user-study interviews (P1–P4 with their MAXQDA coding, top-level codes,
    turns), leave-one-transcript-out micro F1 with ``C`` and ``threshold`` chosen by the
    nested inner cross-validation: 0.400 with the passage's words and question alone; 0.419
    adding the codebook's texts; 0.474 adding position as well (the default). Adding
    ``context`` gave 0.469 with position and 0.396 without, so it is off. Session-1 settings
    (``C=10``, words and question only, no length features) gave 0.383.
    """

    def __init__(
        self,
        *,
        threshold: float | str = "auto",
        C: float | str = "auto",
        class_weight: str | None = "balanced",
        min_df: int = 1,
        context: bool = False,
        position: bool = True,
        codebook_text: bool = True,
        random_state: int = 0,
    ) -> None:
        self.threshold = threshold
        self.C = C
        self.class_weight = class_weight
        self.min_df = min_df
        self.context = context
        self.position = position
        self.codebook_text = codebook_text
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.threshold != "auto" and not (
            isinstance(self.threshold, int | float) and 0 < self.threshold < 1
        ):
            raise OptionError(
                f"threshold must be 'auto' or between 0 and 1, got {self.threshold!r}"
            )
        if self.C != "auto" and not (isinstance(self.C, int | float) and self.C > 0):
            raise OptionError(f"C must be 'auto' or positive, got {self.C!r}")
        if self.class_weight not in ("balanced", None):
            raise OptionError(f"class_weight must be 'balanced' or None, got {self.class_weight!r}")
        if isinstance(self.min_df, bool) or not isinstance(self.min_df, int) or self.min_df < 1:
            raise OptionError(f"min_df must be a whole number of at least 1, got {self.min_df!r}")

    def fit(
        self,
        X: object,
        y: Sequence[Iterable[str]],
        groups: object = None,
        descriptions: Mapping[str, Sequence[str]] | None = None,
    ) -> CodeClassifier:
        """Fit on passages and their code sets.

        Parameters
        ----------
        X : pandas.DataFrame or sequence of str
            Passages: a table with ``text`` (and optionally ``question``, ``transcript``,
            ``turn``, ``sentence``), or texts.
        y : sequence of iterables of str
            The codes of each passage (empty for an uncoded passage).
        groups : array-like, optional
            Transcript of each passage, for the inner cross-validation of ``"auto"`` settings.
        descriptions : mapping of str to sequence of str, optional
            Texts describing codes (:func:`~research.text.features.code_descriptions`); each
            is one more training passage with that code, for codes the passages show.

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
        docs, dense = passage_documents(X, context=self.context, position=self.position)
        sets = [frozenset(map(str, s)) for s in y]
        if len(docs) != len(sets):
            raise OptionError(f"{len(docs)} passages but {len(sets)} label sets")
        if not docs:
            raise OptionError("no passages to learn from")
        seen = set().union(*sets)
        extra: list[tuple[str, frozenset[str]]] = []
        if self.codebook_text and descriptions:
            for code, texts in descriptions.items():
                if code in seen:
                    extra.extend((str(t), frozenset([code])) for t in texts if str(t).strip())
        fixed_c = _DEFAULT_C if self.C == "auto" else float(self.C)
        self.C_, self.threshold_, self.selection_ = fixed_c, 0.5, None
        if self.threshold != "auto":
            self.threshold_ = float(self.threshold)
        if groups is not None:
            groups = np.asarray(groups).astype(str)
            if len(groups) != len(docs):
                raise OptionError(f"{len(docs)} passages but {len(groups)} groups")
            if len(set(groups)) >= 2 and (self.C == "auto" or self.threshold == "auto"):
                self._select(docs, dense, sets, groups, extra)
        self._fit(docs, dense, sets, self.C_, extra)
        del self._features, self._y  # the training matrix is not part of the model
        return self

    def _matrix(self, docs: list, dense: np.ndarray, fit: bool) -> sp.csr_matrix:
        words = self.vectorizer_.fit_transform(docs) if fit else self.vectorizer_.transform(docs)
        return sp.hstack([words, sp.csr_matrix(dense)]).tocsr()

    def _fit(
        self, docs: list, dense: np.ndarray, sets: list[frozenset[str]], C: float, extra: list
    ) -> None:
        self._design(docs, dense, sets, extra)
        self._train(C)

    def _design(
        self, docs: list, dense: np.ndarray, sets: list[frozenset[str]], extra: list
    ) -> None:
        """Fit the vocabulary and build the training matrix and label columns."""
        if extra:  # codebook texts always train, never held out
            more, more_dense = passage_documents([t for t, _ in extra], context=False)
            docs, dense = docs + more, np.vstack([dense, more_dense])
            sets = sets + [codes for _, codes in extra]
        self.vectorizer_ = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=self.min_df)
        self._features = self._matrix(docs, dense, fit=True)
        every = sorted(set().union(*sets))
        y = np.array([[c in s for c in every] for s in sets], dtype=int).reshape(-1, len(every))
        usable = [i for i in range(len(every)) if 0 < y[:, i].sum() < len(sets)]
        self.classes_ = [every[i] for i in usable]
        self._y = y[:, usable]

    def _train(self, C: float) -> None:
        self.model_ = None
        if self.classes_:
            base = LogisticRegression(
                C=C,
                class_weight=self.class_weight,
                solver="liblinear",
                random_state=self.random_state,
                max_iter=1000,
            )
            self.model_ = OneVsRestClassifier(base).fit(self._features, self._y)

    def _select(
        self,
        docs: list,
        dense: np.ndarray,
        sets: list[frozenset[str]],
        groups: np.ndarray,
        extra: list,
    ) -> None:
        """C and threshold from leave-one-group-out probabilities on the training passages."""
        codes = sorted(set().union(*sets))
        truth = np.array([[c in s for c in codes] for s in sets], dtype=bool)
        grid_c = C_GRID if self.C == "auto" else (float(self.C),)
        grid_t = THRESHOLD_GRID if self.threshold == "auto" else (float(self.threshold),)
        proba = np.zeros((len(grid_c), *truth.shape))
        for train, test in _folds(groups):
            inner = CodeClassifier(**self.get_params())
            inner._design([docs[i] for i in train], dense[train], [sets[i] for i in train], extra)
            for k, C in enumerate(grid_c):
                inner._train(C)
                part = inner._proba([docs[i] for i in test], dense[test])
                proba[k][test] = part.reindex(columns=codes, fill_value=0.0).to_numpy()
        rows = []
        for k, C in enumerate(grid_c):
            scores = [_micro_f1(truth, proba[k] >= t) for t in grid_t]
            best = int(np.argmax(scores))  # the lowest threshold among ties
            rows.append((C, grid_t[best], scores[best]))
        self.selection_ = pd.DataFrame(rows, columns=["C", "threshold", "f1"])
        C, threshold, _ = rows[int(np.argmax([r[2] for r in rows]))]  # the smallest C among ties
        self.C_, self.threshold_ = float(C), float(threshold)

    def _proba(self, docs: list, dense: np.ndarray) -> pd.DataFrame:
        if self.model_ is None or not docs:
            return pd.DataFrame(np.zeros((len(docs), len(self.classes_))), columns=self.classes_)
        proba = self.model_.predict_proba(self._matrix(docs, dense, fit=False))
        return pd.DataFrame(np.asarray(proba).reshape(len(docs), -1), columns=self.classes_)

    def predict_proba(self, X: object) -> pd.DataFrame:
        """Probability of each code for each passage (rows in input order, columns codes)."""
        check_is_fitted(self, "classes_")
        docs, dense = passage_documents(X, context=self.context, position=self.position)
        return self._proba(docs, dense)

    def predict(self, X: object) -> list[list[str]]:
        """Codes whose probability reaches ``threshold_``, per passage, most likely first."""
        proba = self.predict_proba(X)
        out = []
        for row in proba.to_numpy():
            order = np.argsort(-row, kind="stable")
            out.append([proba.columns[i] for i in order if row[i] >= self.threshold_])
        return out
