"""Codebooks: hierarchical codes with include and exclude rules.

A :class:`Code` has an id, a label, a description, an optional parent code and rules:

* ``include`` keywords are matched on word stems (NLTK's Snowball English stemmer by default),
  so ``price`` matches ``prices`` and ``pricing``; a keyword of several words is a phrase whose
  words must follow each other; a trailing ``*`` matches any word starting with the letters
  before it (``eco*``). ``include`` regular expressions are matched case-insensitively.
* ``exclude`` keywords and regular expressions veto the code for a passage they match.
* ``keywords`` (the older, literal form) match whole words as written, case-insensitively,
  with a trailing ``*`` wildcard; a hyphen matches a hyphen, space or nothing (see
  :func:`keyword_regex`).

A code applies to a passage when an include rule or literal keyword matches and no exclude rule
does. Codes without rules (groupings, or codes imported from REFI-QDA or a coded-segments table)
are never applied by rules; learned coding can still suggest them. The file formats are read by
:func:`research.text.codebook_io.load_codebook`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ..errors import CodebookError, suggest
from .rules import STEMMERS, Rules, keyword_regex, stem_tokens

__all__ = [
    "STEMMERS",
    "Code",
    "Codebook",
    "Rules",
    "keyword_regex",
    "slug",
    "stem_tokens",
]

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def slug(label: str) -> str:
    """Return a code id made from a label: ``"Tool complexity"`` → ``"tool_complexity"``."""
    ascii_text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").lower()
    if not text:
        return "code"
    return text if text[0].isalpha() else f"c_{text}"


_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _prefixes(text: str, cache: dict | None) -> set[str]:
    """The one-, two- and three-letter beginnings of the words of `text` (cached)."""
    if cache is not None and "_prefixes" in cache:
        return cache["_prefixes"]
    out = set()
    for m in _TOKEN.finditer(text):
        word = m.group(0).lower().replace("’", "'")
        out.update((word[:1], word[:2], word[:3]))
    if cache is not None:
        cache["_prefixes"] = out
    return out


@dataclass(frozen=True)
class Code:
    """One code of a codebook.

    Parameters
    ----------
    id : str
        Unique identifier: a letter then letters, digits or underscores (``price_value``).
    label : str
        Human-readable name; defaults to the id.
    description : str
        What the code covers (its definition, for coders).
    parent : str or None
        Id of the parent code, None for a top-level code.
    keywords : tuple of str
        Literal keywords (see the module docstring).
    include, exclude : Rules
        Stem-matched keywords and regular expressions that apply or veto the code.
    codable : bool
        False for a grouping that is not applied to text itself (REFI ``isCodable``).
    color : str or None
        ``#RRGGBB`` colour, kept for REFI-QDA exchange.

    Raises
    ------
    CodebookError
        If the id is malformed or a keyword or regex is malformed.
    """

    id: str
    label: str = ""
    description: str = ""
    parent: str | None = None
    keywords: tuple[str, ...] = ()
    include: Rules = field(default_factory=Rules)
    exclude: Rules = field(default_factory=Rules)
    codable: bool = True
    color: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise CodebookError(
                f"code id {self.id!r} must start with a letter and hold only letters, digits "
                "and underscores"
            )
        if isinstance(self.keywords, str):
            raise CodebookError(f"code {self.id!r}: keywords must be a list, not one string")
        keywords = tuple(dict.fromkeys(" ".join(str(k).split()) for k in self.keywords))
        object.__setattr__(self, "keywords", keywords)
        object.__setattr__(self, "label", " ".join(str(self.label or self.id).split()))
        object.__setattr__(self, "description", " ".join(str(self.description or "").split()))
        if self.parent is not None:
            object.__setattr__(self, "parent", str(self.parent).strip() or None)
        try:
            self.pattern  # noqa: B018 - compile now so a bad keyword fails here
        except CodebookError as exc:
            raise CodebookError(f"code {self.id!r}: {exc.message}") from None

    @property
    def has_rules(self) -> bool:
        """True if the code has literal keywords or include rules."""
        return bool(self.keywords or self.include)

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """Compiled regex of the literal keywords (longest first), or None."""
        if not self.keywords:
            return None
        ordered = sorted(self.keywords, key=lambda k: (-len(k), k))
        # one alternation behind shared look-arounds, guarded by the possible first letters:
        # about ten times faster than one look-behind per keyword
        bodies = [keyword_regex(k)[len(r"(?<!\w)") : -len(r"(?!\w)")] for k in ordered]
        firsts = {k[0].lower() for k in ordered} | {k[0].upper() for k in ordered}
        guard = ""
        if all(re.match(r"\w", k) for k in ordered):
            guard = r"\b(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"
        return re.compile(guard + r"(?<!\w)(?:" + "|".join(bodies) + r")(?!\w)", re.IGNORECASE)

    @cached_property
    def _needles(self) -> frozenset[str] | None:
        """First letters (up to three) of each literal keyword, to skip the regex quickly;
        None when a keyword does not start with a letter or digit."""
        out = set()
        for keyword in self.keywords:
            m = _TOKEN.match(keyword.lower().replace("’", "'"))
            if m is None:
                return None
            out.add(m.group(0)[:3])
        return frozenset(out)

    def find(self, text: str, tokens: dict | None = None) -> list[str]:
        """Return what in `text` applies the code: distinct matches, lower-cased, in order.

        Parameters
        ----------
        text : str
            A passage.
        tokens : dict, optional
            Shared tokenisation cache (see :meth:`Rules.find`).

        Returns
        -------
        list of str
            Empty when no include rule or keyword matches, or an exclude rule matches.
        """
        text = str(text)
        found = []
        if self.pattern is not None and (
            self._needles is None or not self._needles.isdisjoint(_prefixes(text, tokens))
        ):
            found = [" ".join(m.group(0).split()).lower() for m in self.pattern.finditer(text)]
        if self.include:
            found += self.include.find(text, tokens)
        if not found or (self.exclude and self.exclude.find(text, tokens)):
            return []
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Codebook:
    """A tree of codes with unique ids.

    Parameters
    ----------
    codes : iterable of Code
        The codes, in the order reports should list them; a parent need not come first.
    name : str
        Title of the codebook.
    version : str or None
        Version as written in the file.
    path : str or None
        File the codebook was loaded from, if any.

    Raises
    ------
    CodebookError
        If there are no codes, two codes share an id, a parent id is unknown, or parents
        form a cycle.
    """

    codes: tuple[Code, ...]
    name: str = ""
    version: str | None = None
    path: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        codes = tuple(self.codes)
        if not codes:
            raise CodebookError("a codebook needs at least one code", path=self.path)
        seen: set[str] = set()
        for code in codes:
            if not isinstance(code, Code):
                raise TypeError(f"codes must be Code objects, got {type(code).__name__}")
            if code.id in seen:
                raise CodebookError(f"code id {code.id!r} is used twice", path=self.path)
            seen.add(code.id)
        for code in codes:
            if code.parent is not None and code.parent not in seen:
                raise CodebookError(
                    f"code {code.id!r}: parent {code.parent!r} is not a code id"
                    + suggest(code.parent, seen),
                    path=self.path,
                )
        object.__setattr__(self, "codes", codes)
        for code in codes:
            self.ancestors(code.id)  # raises on a cycle

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._by_id

    def __getitem__(self, code_id: str) -> Code:
        try:
            return self._by_id[code_id]
        except KeyError:
            raise KeyError(f"no code {code_id!r}{suggest(code_id, self.ids)}") from None

    @cached_property
    def _by_id(self) -> dict[str, Code]:
        return {c.id: c for c in self.codes}

    @property
    def ids(self) -> list[str]:
        """Code ids in codebook order."""
        return [c.id for c in self.codes]

    @property
    def rule_codes(self) -> list[Code]:
        """Codes that rules can apply, in order."""
        return [c for c in self.codes if c.has_rules and c.codable]

    def children(self, code_id: str | None) -> list[str]:
        """Ids of the direct children of `code_id` (None: the top-level codes)."""
        return [c.id for c in self.codes if c.parent == code_id]

    def ancestors(self, code_id: str) -> list[str]:
        """Ids from the top-level code down to `code_id` itself."""
        chain = [code_id]
        while self[chain[-1]].parent is not None:
            chain.append(self[chain[-1]].parent)
            if len(chain) > len(self.codes):
                raise CodebookError(f"code {code_id!r}: parents form a cycle", path=self.path)
        return chain[::-1]

    def level(self, code_id: str) -> int:
        """Depth of a code: 1 for top-level codes."""
        return len(self.ancestors(code_id))

    def at_level(self, code_id: str, level: int | None) -> str:
        """The ancestor of `code_id` at `level` (the code itself if it is shallower or None)."""
        if level is None:
            return code_id
        chain = self.ancestors(code_id)
        return chain[min(level, len(chain)) - 1]

    def path_of(self, code_id: str, sep: str = " > ") -> str:
        """Labels from the top-level code down to `code_id`, joined by `sep`."""
        return sep.join(self[c].label for c in self.ancestors(code_id))

    def find_path(self, path: str | Iterable[str]) -> str | None:
        """Id of the code whose label path is `path` (``"A > B"`` or ``["A", "B"]``), or None.

        Labels are compared case-insensitively with whitespace folded.
        """
        parts = path.split(">") if isinstance(path, str) else list(path)
        wanted = tuple(" ".join(p.split()).casefold() for p in parts)
        for code in self.codes:
            labels = tuple(self[c].label.casefold() for c in self.ancestors(code.id))
            if labels == wanted:
                return code.id
        return None

    def table(self) -> pd.DataFrame:
        """Return the codebook as a table.

        Returns
        -------
        pandas.DataFrame
            One row per code, in order, with columns ``id``, ``label``, ``description``,
            ``parent`` (missing if top-level), ``path`` (labels joined by ``" > "``),
            ``level``, ``keywords`` (literal and include keywords, comma-separated),
            ``regex`` and ``exclude`` (exclude keywords and regexes).
        """
        rows = []
        for c in self.codes:
            rows.append(
                (
                    c.id,
                    c.label,
                    c.description,
                    c.parent,
                    self.path_of(c.id),
                    self.level(c.id),
                    ", ".join([*c.keywords, *c.include.keywords]),
                    ", ".join(c.include.regex),
                    ", ".join([*c.exclude.keywords, *c.exclude.regex]),
                )
            )
        columns = ["id", "label", "description", "parent", "path", "level", "keywords"]
        return pd.DataFrame(rows, columns=[*columns, "regex", "exclude"])
