"""Include and exclude rules of a code: stem-matched keywords and regular expressions.

Keywords are matched on word stems (NLTK's data-free Snowball English stemmer by default, or
Porter, or none): ``price`` matches ``prices`` and ``pricing``; several words form a phrase whose
words must follow each other; a trailing ``*`` matches any word starting with the letters before
it. Regular expressions are matched case-insensitively. :func:`keyword_regex` is the older,
literal keyword syntax (whole words as written).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..errors import CodebookError, suggest

__all__ = ["STEMMERS", "Rules", "keyword_regex", "stem_tokens"]

#: Stemmers a codebook may name (all data-free in NLTK).
STEMMERS = ("snowball", "porter", "none")

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@lru_cache(maxsize=4)
def _stemmer(name: str):
    if name == "snowball":
        from nltk.stem.snowball import SnowballStemmer

        return SnowballStemmer("english").stem
    if name == "porter":
        from nltk.stem.porter import PorterStemmer

        return PorterStemmer().stem
    return str.lower


def stem_tokens(text: str, stemmer: str = "snowball") -> list[tuple[str, str, int, int]]:
    """Split `text` into word tokens with their stems.

    Parameters
    ----------
    text : str
        A passage.
    stemmer : {"snowball", "porter", "none"}
        NLTK's Snowball (English) or Porter stemmer, or lower-casing only.

    Returns
    -------
    list of (stem, lower-cased word, start, end)
        Words are runs of letters and digits, apostrophes inside them kept (``don't``).
    """
    stem = _stemmer(stemmer)
    out = []
    for m in _TOKEN.finditer(str(text)):
        word = m.group(0).lower().replace("’", "'")
        out.append((_cached_stem(stem, word), word, m.start(), m.end()))
    return out


def _index(tokens: list[tuple[str, str, int, int]]) -> tuple:
    """Tokens, stem -> positions, and (word, position) sorted for prefix look-ups."""
    where: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        where.setdefault(token[0], []).append(i)
    words = sorted((token[1], i) for i, token in enumerate(tokens))
    return tokens, where, words


@lru_cache(maxsize=65536)
def _cached_stem(stem, word: str) -> str:
    return stem(word)


def keyword_regex(keyword: str) -> str:
    """Return the regular expression (without flags) for one literal ``keywords`` entry.

    Parameters
    ----------
    keyword : str
        A word or phrase; a trailing ``*`` matches any continuation of the last word.

    Returns
    -------
    str
        A pattern matching the keyword as whole words; compile it with ``re.IGNORECASE``.

    Raises
    ------
    CodebookError
        If the keyword is empty, is only ``*``, or has a ``*`` anywhere but at its end.
    """
    text = " ".join(str(keyword).split())
    if not text:
        raise CodebookError("a keyword is empty")
    stem = text[:-1] if text.endswith("*") else text
    if "*" in stem:
        raise CodebookError(f"keyword {keyword!r}: '*' is only allowed at the end of a keyword")
    if not stem.strip(" -'’"):
        raise CodebookError(f"keyword {keyword!r} has no letters to match")
    parts = []
    for char in stem:
        if char == " ":
            parts.append(r"\s+")
        elif char == "-":
            parts.append(r"[-‐‑–\s]?")
        elif char in "'’":
            parts.append("['’]")
        else:
            parts.append(re.escape(char))
    body = "".join(parts)
    if text.endswith("*"):
        body += r"\w*"
    return rf"(?<!\w){body}(?!\w)"


@dataclass(frozen=True)
class Rules:
    """Stem-matched keywords and regular expressions (one side of a code's rules).

    Parameters
    ----------
    keywords : tuple of str
        Words or phrases matched on stems; a trailing ``*`` is a prefix wildcard.
    regex : tuple of str
        Regular expressions, matched case-insensitively.
    stemmer : {"snowball", "porter", "none"}
        How words are reduced to stems.

    Raises
    ------
    CodebookError
        If a keyword has no letters or a misplaced ``*``, or a regex does not compile.
    """

    keywords: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    stemmer: str = "snowball"

    def __post_init__(self) -> None:
        for name in ("keywords", "regex"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise CodebookError(f"{name} must be a list, not one string")
            object.__setattr__(self, name, tuple(dict.fromkeys(str(v).strip() for v in value)))
        if self.stemmer not in STEMMERS:
            raise CodebookError(
                f"stemmer must be one of {list(STEMMERS)}, got {self.stemmer!r}"
                + suggest(self.stemmer, STEMMERS)
            )
        self._patterns  # noqa: B018 - compile now so a bad rule fails here
        self._regexes  # noqa: B018

    def __bool__(self) -> bool:
        return bool(self.keywords or self.regex)

    @cached_property
    def _patterns(self) -> list[tuple[str, tuple[tuple[str, bool], ...]]]:
        stem = _stemmer(self.stemmer)
        patterns = []
        for keyword in self.keywords:
            words = keyword.replace("’", "'").lower().split()
            if not words or "*" in keyword[:-1] or not re.search(r"\w", keyword):
                raise CodebookError(
                    f"keyword {keyword!r} must hold letters, with '*' only at the end"
                )
            parts = []
            for i, word in enumerate(words):
                prefix = i == len(words) - 1 and word.endswith("*")
                word = word.rstrip("*")
                tokens = [m.group(0) for m in _TOKEN.finditer(word)]
                for j, token in enumerate(tokens):
                    last = prefix and j == len(tokens) - 1
                    parts.append((token if last else _cached_stem(stem, token), last))
            patterns.append((keyword, tuple(parts)))
        return patterns

    @cached_property
    def _regexes(self) -> list[re.Pattern[str]]:
        out = []
        for expression in self.regex:
            try:
                out.append(re.compile(expression, re.IGNORECASE))
            except re.error as exc:
                raise CodebookError(f"regex {expression!r} does not compile: {exc}") from None
        return out

    def find(self, text: str, tokens: dict | None = None) -> list[str]:
        """Return the distinct matching words, phrases or regex matches of `text`, lower-cased.

        Parameters
        ----------
        text : str
            A passage.
        tokens : dict, optional
            A per-passage cache (start with ``{}``), filled as needed, so that many codes
            share one tokenisation of the passage.

        Returns
        -------
        list of str
            In order of first occurrence; empty if nothing matches.
        """
        text = str(text)
        found: list[tuple[int, str]] = []
        if self.keywords:
            cache = {} if tokens is None else tokens
            if self.stemmer not in cache:
                cache[self.stemmer] = _index(stem_tokens(text, self.stemmer))
            toks, where, words = cache[self.stemmer]
            for _, parts in self._patterns:
                first, is_prefix = parts[0]
                if is_prefix:  # words starting with the prefix: a range of the sorted words
                    lo = bisect.bisect_left(words, (first,))
                    starts = []
                    for word, i in words[lo:]:
                        if not word.startswith(first):
                            break
                        starts.append(i)
                else:
                    starts = where.get(first, ())
                n = len(parts)
                for i in starts:
                    if n > 1 and not (
                        i + n <= len(toks)
                        and all(
                            toks[i + k][1].startswith(p) if pre else toks[i + k][0] == p
                            for k, (p, pre) in enumerate(parts[1:], start=1)
                        )
                    ):
                        continue
                    span = text[toks[i][2] : toks[i + n - 1][3]]
                    found.append((toks[i][2], " ".join(span.split()).lower()))
        for pattern in self._regexes:
            for m in pattern.finditer(text):
                if m.group(0).strip():
                    found.append((m.start(), " ".join(m.group(0).split()).lower()))
        return list(dict.fromkeys(word for _, word in sorted(found, key=lambda f: f[0])))
