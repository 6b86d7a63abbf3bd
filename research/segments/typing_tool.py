"""Typing tool: the few "golden questions" that classify a new customer into a segment.

The classifier is linear (multinomial logistic regression or linear discriminant analysis), and
is stored as one intercept and one weight per question for each segment, on the answers' own
scale: a segment's score is ``intercept + sum(weight * answer)`` and the highest score wins. The
same arithmetic runs in :func:`assign_segments` (a pure function of a DataFrame partition, so
it can run on a Dask DataFrame with ``map_partitions``) and in the Excel sheet written by
:func:`~research.segments.typing_excel.add_typing_tool_sheet`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from ..errors import DataError
from ._base import check_choice, check_int
from ._items import select_items

__all__ = ["TypingTool", "build_typing_tool", "assign_segments", "TYPING_METHODS"]

TYPING_METHODS = ("logistic", "lda")


@dataclass(frozen=True)
class TypingTool:
    """A linear classifier on a few questions, portable to a spreadsheet.

    Attributes
    ----------
    questions : list of str
        The golden questions, in the order they were selected.
    coefficients : pd.DataFrame
        Weight of each question (columns) in each segment's score (index ``segment``), on the
        answers' own scale.
    intercepts : pd.Series
        Constant of each segment's score.
    fill_values : pd.Series
        Answer used when a question is left blank (its mean in the training data).
    answer_range : pd.DataFrame
        ``min, max`` of each question's answers in the training data (index ``question``).
    accuracy : pd.DataFrame
        Forward selection path: ``n_questions, question, cv_accuracy, cv_sd, selected``.
    method : str
        "logistic" or "lda".
    cv_recall : pd.Series
        Cross-validated share of each segment's members the kept questions put back in it
        (index ``segment``).
    """

    questions: list[str]
    coefficients: pd.DataFrame
    intercepts: pd.Series
    fill_values: pd.Series
    answer_range: pd.DataFrame
    accuracy: pd.DataFrame
    method: str
    cv_recall: pd.Series | None = None

    @property
    def cv_accuracy(self) -> float:
        """Cross-validated accuracy of the questions kept."""
        return float(self.accuracy.loc[self.accuracy["selected"], "cv_accuracy"].iloc[-1])

    def decision_function(self, data: pd.DataFrame) -> pd.DataFrame:
        """Score of each segment (columns) for each row of `data`."""
        return _scores(data, self)

    def predict(self, data: pd.DataFrame) -> pd.Series:
        """Segment of each row of `data` (same as :func:`assign_segments`)."""
        return assign_segments(data, self)


def _scores(data: pd.DataFrame, tool: TypingTool) -> pd.DataFrame:
    x = select_items(data, tool.questions).astype(float)
    x = x.fillna(tool.fill_values).to_numpy()
    scores = x @ tool.coefficients[tool.questions].to_numpy().T + tool.intercepts.to_numpy()
    return pd.DataFrame(scores, index=data.index, columns=tool.coefficients.index)


def assign_segments(partition: pd.DataFrame, tool: TypingTool) -> pd.Series:
    """Segment of each respondent in `partition` from the golden questions alone.

    A pure function of the rows given (no state, no I/O), so it scales out unchanged, e.g.
    ``ddf.map_partitions(assign_segments, tool, meta=("segment", "int64"))`` on Dask.
    Blank answers count as the training mean, as in the spreadsheet.
    """
    scores = _scores(partition, tool)
    labels = scores.columns.to_numpy()[scores.to_numpy().argmax(axis=1)]
    return pd.Series(labels, index=partition.index, name="segment", dtype="int64")


def _classifier(method: str, random_state: int | None):
    if method == "lda":
        return LinearDiscriminantAnalysis()
    return LogisticRegression(C=1.0, max_iter=2000, random_state=random_state)


def _linear(model, method: str, mean: np.ndarray, sd: np.ndarray, classes: np.ndarray):
    """Weights and intercepts on the raw answer scale, one row per class (K rows)."""
    coef = np.atleast_2d(model.coef_) / sd
    inter = np.atleast_1d(model.intercept_) - coef @ mean
    if len(classes) == 2 and coef.shape[0] == 1:
        # Binary models keep one row: score(class 2) - score(class 1). Split it symmetrically.
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        inter = np.array([-inter[0] / 2, inter[0] / 2])
    return coef, inter


def _fit(x: np.ndarray, y: np.ndarray, method: str, seed: int | None):
    mean, sd = x.mean(axis=0), x.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    model = _classifier(method, seed)
    # Problems this small run several times faster on one thread than on a shared pool.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit((x - mean) / sd, y)
    return model, mean, sd


def _stepwise_wilks(x: np.ndarray, y: np.ndarray, n_steps: int) -> list[int]:
    """Columns in the order stepwise discriminant analysis (Wilks' lambda) adds them."""
    centred = x - x.mean(axis=0)
    total = centred.T @ centred
    within = np.zeros_like(total)
    for cls in np.unique(y):
        part = x[y == cls] - x[y == cls].mean(axis=0)
        within += part.T @ part
    chosen: list[int] = []
    for _ in range(n_steps):
        best, best_lam = -1, np.inf
        for j in range(x.shape[1]):
            if j in chosen:
                continue
            cols = chosen + [j]
            sw, lw = np.linalg.slogdet(within[np.ix_(cols, cols)])
            st, lt = np.linalg.slogdet(total[np.ix_(cols, cols)])
            if sw <= 0 or st <= 0:
                continue  # a question collinear with those chosen adds nothing
            lam = lw - lt
            if lam < best_lam - 1e-12:
                best, best_lam = j, lam
        if best < 0:
            break
        chosen.append(best)
    return chosen


def build_typing_tool(
    data: pd.DataFrame,
    segments: pd.Series,
    *,
    candidates: list[str] | None = None,
    max_questions: int = 8,
    method: str = "logistic",
    cv: int = 5,
    tolerance: float = 0.01,
    random_state: int | None = 0,
) -> TypingTool:
    """Choose golden questions by forward selection and fit the typing tool on them.

    Parameters
    ----------
    data : pd.DataFrame
        Respondents by candidate questions (numeric answer codes; NaN = not answered).
    segments : pd.Series
        Segment of each respondent (same index as `data`).
    candidates : list of str, optional
        Columns eligible as golden questions (default: all columns of `data`).
    max_questions : int
        Most questions to select (default 8).
    method : {"logistic", "lda"}
        Multinomial logistic regression or linear discriminant analysis.
    cv : int
        Folds of the stratified cross-validation of accuracy.
    tolerance : float
        The tool keeps the fewest questions whose CV accuracy is within this of the best.
    random_state : int, optional

    Returns
    -------
    TypingTool

    Notes
    -----
    Questions enter by stepwise discriminant analysis: at each step the question that most
    lowers Wilks' lambda ``det(W) / det(T)`` of the questions chosen so far (within-segment
    over total sums of squares and cross-products) joins, as in SPSS ``DISCRIMINANT /METHOD
    WILKS``. The accuracy of every step is then cross-validated with the chosen classifier
    (`cv` stratified folds, each fitted with its own standardisation).
    """
    check_choice("method", method, TYPING_METHODS)
    max_questions = check_int("max_questions", max_questions)
    cv = check_int("cv", cv, 2)
    candidates = list(map(str, data.columns)) if candidates is None else list(candidates)
    frame = select_items(data.rename(columns=str), candidates).astype(float)
    if not frame.index.equals(segments.index):
        missing = frame.index.difference(segments.index)
        if len(missing):
            raise DataError("respondent has no segment", row=missing[0])
        segments = segments.reindex(frame.index)
    y = segments.to_numpy().astype(int)
    classes = np.unique(y)
    if len(classes) < 2:
        raise DataError("a typing tool needs at least two segments")
    smallest = np.bincount(y)[classes].min()
    if smallest < cv:
        raise DataError(
            f"the smallest segment has {smallest} respondents, fewer than cv={cv} folds"
        )
    usable = [c for c in candidates if frame[c].nunique() > 1]
    if not usable:
        raise DataError(f"no candidate question varies: {candidates}")
    fill = frame[usable].mean()
    x_all = frame[usable].fillna(fill).to_numpy()
    path = []
    folds = list(StratifiedKFold(cv, shuffle=True, random_state=random_state).split(x_all, y))
    order = _stepwise_wilks(x_all, y, min(max_questions, len(usable)))
    cv_pred = np.empty((len(order), len(y)), dtype=y.dtype)
    for step in range(len(order)):
        chosen = order[: step + 1]
        acc = []
        for train, test in folds:
            model, mean, sd = _fit(x_all[train][:, chosen], y[train], method, random_state)
            pred = model.predict((x_all[test][:, chosen] - mean) / sd)
            cv_pred[step, test] = pred
            acc.append(np.mean(pred == y[test]))
        path.append((step + 1, usable[order[step]], float(np.mean(acc)), float(np.std(acc))))
    table = pd.DataFrame(path, columns=["n_questions", "question", "cv_accuracy", "cv_sd"])
    keep = int(
        table.loc[
            table["cv_accuracy"] >= table["cv_accuracy"].max() - tolerance, "n_questions"
        ].min()
    )
    table["selected"] = table["n_questions"] <= keep
    questions = table["question"].iloc[:keep].tolist()
    cols = [usable.index(q) for q in questions]
    model, mean, sd = _fit(x_all[:, cols], y, method, random_state)
    coef, inter = _linear(model, method, mean, sd, classes)
    seg = pd.Index(classes, name="segment")
    return TypingTool(
        questions=questions,
        coefficients=pd.DataFrame(coef, index=seg, columns=questions),
        intercepts=pd.Series(inter, index=seg, name="intercept"),
        fill_values=fill[questions].rename("fill"),
        answer_range=pd.DataFrame(
            {"min": frame[questions].min(), "max": frame[questions].max()}
        ).rename_axis("question"),
        accuracy=table,
        method=method,
        cv_recall=pd.Series(
            [float(np.mean(cv_pred[keep - 1][y == k] == k)) for k in classes],
            index=seg,
            name="cv_recall",
        ),
    )
