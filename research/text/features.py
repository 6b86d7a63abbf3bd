"""Features of a passage for learned coding, and the codebook's own words as training text.

A passage is described by what it says and where it sits in the interview:

* its word stems and stem bigrams (Snowball, English stop words and ``XXXX`` anonymisation
  dropped), TF-IDF weighted;
* ``q:`` stems of the interviewer's question before it (an answer is coded partly by what it
  answers) and, with ``context``, ``c:`` stems of the passages just before and after it in
  the same transcript (talk about one topic spans several turns);
* with ``position``, its relative place in the transcript (0 at the first passage, 1 at the
  last) spread over six smooth bumps, since a semi-structured interview follows its guide;
* its length (log words, and whether it has fewer than four words: "Yeah." rarely carries a
  code).

:func:`code_descriptions` turns a codebook into short texts per code (labels, descriptions,
keywords of the code and its sub-codes), which the classifier learns from alongside the coded
passages, so a code's name counts even when few passages show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .codebook import Codebook
from .passages import require_columns
from .rules import stem_tokens

__all__ = ["Document", "code_descriptions", "passage_documents", "stems"]

#: (text, question, neighbouring text) of one passage.
Document = tuple[str, str, str]

_CENTRES = np.linspace(0.0, 1.0, 6)
_WIDTH = 0.12


def stems(text: str) -> list[str]:
    """Snowball stems of `text` without English stop words and ``XXXX`` anonymisation."""
    return list(_stems(str(text)))


@lru_cache(maxsize=65536)
def _stems(text: str) -> tuple[str, ...]:
    # cached: cross-validation re-reads the same passages many times
    out = [s for s, word, _, _ in stem_tokens(text) if word not in ENGLISH_STOP_WORDS]
    return tuple(s for s in out if not set(s) <= {"x"})


def analyzer(doc: Document) -> list[str]:
    """Stems, stem bigrams, ``q:`` question stems and ``c:`` neighbour stems of a passage."""
    text, question, around = doc
    words = stems(text)
    features = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    features += [f"q:{s}" for s in stems(question)]
    return features + [f"c:{s}" for s in stems(around)]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _length(texts: list[str]) -> np.ndarray:
    words = np.array([len(t.split()) for t in texts], dtype=float)
    return np.c_[np.log1p(words) / 5.0, (words < 4).astype(float)]


def passage_documents(
    X: object, *, context: bool = True, position: bool = True
) -> tuple[list[Document], np.ndarray]:
    """Documents for the TF-IDF part and the dense position and length features.

    Parameters
    ----------
    X : pandas.DataFrame or sequence of str
        Passages: a table with ``text`` (``question``, ``transcript``, ``turn`` and
        ``sentence`` used when present), or bare texts (no question, context or position).
    context, position : bool
        Add neighbouring passages' stems; add relative position.

    Returns
    -------
    (list of Document, numpy.ndarray)
        One document per passage, in input order, and an array of ``8`` columns (six
        position bumps, zero without `position` or a ``transcript``/``turn`` column, then
        two length features).
    """
    if isinstance(X, str):
        raise TypeError("X must be a sequence of passages, not one string")
    if not isinstance(X, pd.DataFrame):
        texts = [_text(t) for t in X]
        docs = [(t, "", "") for t in texts]
        return docs, np.hstack([np.zeros((len(texts), len(_CENTRES))), _length(texts)])
    require_columns(X, ["text"], "the passage table")
    texts = [_text(t) for t in X["text"]]
    questions = [_text(q) for q in X["question"]] if "question" in X.columns else [""] * len(X)
    around = [""] * len(X)
    bumps = np.zeros((len(X), len(_CENTRES)))
    if "transcript" in X.columns and (context or position):
        keys = [c for c in ("turn", "sentence") if c in X.columns]
        frame = pd.DataFrame({"t": X["transcript"].astype(str).to_numpy(), "i": range(len(X))})
        for k in keys:
            frame[k] = pd.to_numeric(X[k], errors="coerce").to_numpy()
        frame = frame.sort_values(["t", *keys, "i"], kind="mergesort")
        for _, group in frame.groupby("t", sort=False):
            order = group["i"].to_numpy()
            if context:
                for j, i in enumerate(order):
                    before = texts[order[j - 1]] if j > 0 else ""
                    after = texts[order[j + 1]] if j + 1 < len(order) else ""
                    around[i] = f"{before} {after}"
            if position and "turn" in keys:
                turn = group["turn"].to_numpy(dtype=float)
                span = np.nanmax(turn) - np.nanmin(turn) if len(turn) else 0.0
                rel = (turn - np.nanmin(turn)) / span if span > 0 else np.zeros(len(turn))
                rel = np.nan_to_num(rel)
                bumps[order] = np.exp(-(((rel[:, None] - _CENTRES) / _WIDTH) ** 2))
    docs = list(zip(texts, questions, around, strict=True))
    return docs, np.hstack([bumps, _length(texts)])


def code_descriptions(
    codebook: Codebook, *, level: int | None = None, codes: Iterable[str] | None = None
) -> dict[str, list[str]]:
    """Short texts that say what each code is about, from the codebook.

    Parameters
    ----------
    codebook : Codebook
    level : int, optional
        Roll codes up to this level (1 = top-level): a top-level code gets the texts of all
        its sub-codes. None keeps every code.
    codes : iterable of str, optional
        Keep only these (rolled-up) codes.

    Returns
    -------
    dict of str to list of str
        For each code, one text per code at or under it: its label, description and include
        or literal keywords, joined. Empty texts are left out.
    """
    keep = None if codes is None else set(codes)
    out: dict[str, list[str]] = {}
    for code in codebook:
        target = codebook.at_level(code.id, level) if level is not None else code.id
        if keep is not None and target not in keep:
            continue
        words = [code.label, code.description, *code.keywords, *code.include.keywords]
        text = " ".join(" ".join(str(w).replace("*", " ").split()) for w in words if w)
        if text.strip():
            out.setdefault(target, []).append(text)
    return out
