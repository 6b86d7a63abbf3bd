"""How typical each passage is of a set: cosine similarity to the set's TF-IDF centroid."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

__all__ = ["FILLERS", "typical_terms", "typicality"]

#: Spoken fillers and discourse markers, dropped with the stop words when weighing terms.
FILLERS = frozenset(
    """yeah yes yep like know think just really um uh erm mean kind sort gonna wanna okay ok
    right actually basically stuff thing things lot bit maybe sure guess pretty probably
    obviously literally honestly mhm hmm oh well got get getting say said going want""".split()
)


def typicality(texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of each text to the centroid of all `texts` (TF-IDF, stop words out).

    Parameters
    ----------
    texts : sequence of str
        Passages with the same code (in the same group).

    Returns
    -------
    numpy.ndarray
        One value per text in [0, 1]; higher means closer to what the passages share. A
        single text, or texts without any content word, score 1.
    """
    texts = [str(t) for t in texts]
    if len(texts) < 2:
        return np.ones(len(texts))
    vectorizer = TfidfVectorizer(
        stop_words=list(ENGLISH_STOP_WORDS | FILLERS),
        token_pattern=r"(?u)(?<![\w'’])[^\W\d_]{3,}(?![\w'’])",
    )
    try:
        matrix = vectorizer.fit_transform(texts).toarray()
    except ValueError:  # empty vocabulary: nothing to tell the passages apart
        return np.ones(len(texts))
    centroid = matrix.mean(axis=0)
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return np.ones(len(texts))
    return matrix @ (centroid / norm)


def typical_terms(texts: Sequence[str], top: int = 5) -> list[str]:
    """The words with the highest weight in the TF-IDF centroid of `texts`."""
    texts = [str(t) for t in texts]
    vectorizer = TfidfVectorizer(
        stop_words=list(ENGLISH_STOP_WORDS | FILLERS),
        token_pattern=r"(?u)(?<![\w'’])[^\W\d_]{3,}(?![\w'’])",
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:
        return []
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    vocab = vectorizer.get_feature_names_out()
    return [str(vocab[i]) for i in np.argsort(-centroid, kind="stable")[:top] if centroid[i] > 0]
