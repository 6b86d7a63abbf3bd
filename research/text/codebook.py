"""Codebooks for keyword-based coding of interview passages.

A codebook YAML file is a mapping with an optional ``name`` and ``version`` and a list of
``codes``; each code has an ``id`` (letters, digits and underscores, unique), a ``label``, an
optional ``description`` and ``parent`` (a grouping), and a non-empty list of ``keywords``::

    name: Second Stitch interview codebook
    version: 1
    codes:
      - id: price_value
        label: Price and value
        parent: Shopping drivers
        keywords: [price, prices, cheap, discount*, "value for money"]

Keywords match case-insensitively and as whole words; a trailing ``*`` matches any word that
continues the stem (``discount*`` matches ``discount``, ``discounts``, ``discounted``); a phrase
matches across any run of whitespace; a hyphen matches a hyphen, a space or nothing
(``second-hand`` matches ``second hand`` and ``secondhand``); an apostrophe matches ``'`` or
``’``. All other characters match themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from os import PathLike
from pathlib import Path

import pandas as pd
import yaml

from ..errors import CodebookError, InputFileError, suggest

__all__ = ["Code", "Codebook", "keyword_regex", "load_codebook", "parse_codebook"]

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_CODE_FIELDS = ("id", "label", "description", "parent", "keywords")
_TOP_FIELDS = ("name", "version", "description", "codes")


def keyword_regex(keyword: str) -> str:
    """Return the regular expression (without flags) for one codebook keyword.

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
class Code:
    """One code of a codebook.

    Parameters
    ----------
    id : str
        Unique identifier: a letter then letters, digits or underscores (``price_value``).
    label : str
        Human-readable name; defaults to the id.
    description : str
        What the code covers.
    parent : str or None
        Optional grouping (a theme the code belongs to).
    keywords : tuple of str
        Words or phrases that mark a passage with this code (see the module docstring).

    Raises
    ------
    CodebookError
        If the id is malformed, there are no keywords, or a keyword is malformed.
    """

    id: str
    label: str = ""
    description: str = ""
    parent: str | None = None
    keywords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise CodebookError(
                f"code id {self.id!r} must start with a letter and hold only letters, digits "
                "and underscores"
            )
        if isinstance(self.keywords, str):
            raise CodebookError(f"code {self.id!r}: keywords must be a list, not one string")
        keywords = tuple(dict.fromkeys(" ".join(str(k).split()) for k in self.keywords))
        if not keywords:
            raise CodebookError(f"code {self.id!r} has no keywords")
        object.__setattr__(self, "keywords", keywords)
        object.__setattr__(self, "label", str(self.label or self.id).strip())
        object.__setattr__(self, "description", " ".join(str(self.description or "").split()))
        if self.parent is not None:
            object.__setattr__(self, "parent", str(self.parent).strip() or None)
        try:
            self.pattern  # noqa: B018 - compile now so a bad keyword fails here
        except CodebookError as exc:
            raise CodebookError(f"code {self.id!r}: {exc.message}") from None

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled regex matching any of the keywords (longest alternatives first)."""
        ordered = sorted(self.keywords, key=lambda k: (-len(k), k))
        return re.compile("|".join(keyword_regex(k) for k in ordered), re.IGNORECASE)

    def find(self, text: str) -> list[str]:
        """Return the distinct words or phrases of `text` that match, lower-cased, in order.

        Parameters
        ----------
        text : str
            A passage.

        Returns
        -------
        list of str
            Each distinct match once (whitespace folded), in order of first occurrence;
            empty if the code does not apply.
        """
        found = (" ".join(m.group(0).split()).lower() for m in self.pattern.finditer(str(text)))
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Codebook:
    """A set of codes with unique ids.

    Parameters
    ----------
    codes : iterable of Code
        The codes, in the order reports should list them.
    name : str
        Title of the codebook.
    version : str or None
        Version as written in the file.
    path : str or None
        File the codebook was loaded from, if any.

    Raises
    ------
    CodebookError
        If there are no codes or two codes share an id.
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
        object.__setattr__(self, "codes", codes)

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return any(c.id == code_id for c in self.codes)

    def __getitem__(self, code_id: str) -> Code:
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(f"no code {code_id!r}{suggest(code_id, self.ids)}")

    @property
    def ids(self) -> list[str]:
        """Code ids in codebook order."""
        return [c.id for c in self.codes]

    def table(self) -> pd.DataFrame:
        """Return the codebook as a table.

        Returns
        -------
        pandas.DataFrame
            One row per code, in order, with columns ``id``, ``label``, ``description``,
            ``parent`` (missing if absent) and ``keywords`` (comma-separated).
        """
        rows = [(c.id, c.label, c.description, c.parent, ", ".join(c.keywords)) for c in self.codes]
        return pd.DataFrame(rows, columns=list(_CODE_FIELDS))


class _Map(dict):
    """A YAML mapping that remembers the line of each key."""

    line: int = 1
    key_lines: dict


class _Loader(yaml.SafeLoader):
    pass


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int) -> None:
        super().__init__(key, line)
        self.key, self.line = key, line


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            duplicate = key in out
        except TypeError:
            raise _DuplicateKey(key, line) from None
        if duplicate:
            raise _DuplicateKey(key, line)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


def _scalar_text(value: object, what: str, path: str, line: int) -> str:
    if isinstance(value, bool):
        raise CodebookError(
            f"{what} {value!r} was read as a yes/no value; put it in quotes", path=path, line=line
        )
    if isinstance(value, str | int | float):
        return str(value)
    raise CodebookError(f"{what} must be text, not a {type(value).__name__}", path=path, line=line)


def parse_codebook(text: str, *, path: str | PathLike = "<string>") -> Codebook:
    """Parse codebook YAML text; see :func:`load_codebook`.

    Parameters
    ----------
    text : str
        The YAML document.
    path : str or path-like, optional
        Name used in error messages.

    Returns
    -------
    Codebook
    """
    path = str(path)
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except _DuplicateKey as exc:
        raise CodebookError(f"key {exc.key!r} appears twice", path=path, line=exc.line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CodebookError(
            f"not valid YAML: {problem}", path=path, line=None if mark is None else mark.line + 1
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, _Map):
        raise CodebookError("a codebook must be a YAML mapping with a 'codes' list", path=path)
    for key in data:
        if key not in _TOP_FIELDS:
            raise CodebookError(
                f"unknown field {key!r}{suggest(key, _TOP_FIELDS)}",
                path=path,
                line=data.key_lines[key],
            )
    codes_data = data.get("codes")
    codes_line = data.key_lines.get("codes", data.line)
    if not isinstance(codes_data, list) or not codes_data:
        raise CodebookError("'codes' must be a non-empty list of codes", path=path, line=codes_line)
    codes: list[Code] = []
    first_line: dict[str, int] = {}
    for i, entry in enumerate(codes_data, start=1):
        if not isinstance(entry, _Map):
            raise CodebookError(
                f"code {i} must be a mapping with id, label and keywords",
                path=path,
                line=codes_line,
            )
        line = entry.line
        for key in entry:
            if key not in _CODE_FIELDS:
                raise CodebookError(
                    f"code {i}: unknown field {key!r}{suggest(str(key), _CODE_FIELDS)}",
                    path=path,
                    line=entry.key_lines[key],
                )
        if "id" not in entry:
            raise CodebookError(f"code {i} has no 'id'", path=path, line=line)
        code_id = _scalar_text(entry["id"], f"code {i}: id", path, entry.key_lines["id"])
        if code_id in first_line:
            raise CodebookError(
                f"code id {code_id!r} is used twice (first on line {first_line[code_id]})",
                path=path,
                line=entry.key_lines["id"],
            )
        first_line[code_id] = entry.key_lines["id"]
        keywords = entry.get("keywords")
        kw_line = entry.key_lines.get("keywords", line)
        if keywords is None:
            raise CodebookError(f"code {code_id!r} has no keywords", path=path, line=kw_line)
        if not isinstance(keywords, list):
            raise CodebookError(
                f'code {code_id!r}: keywords must be a list like [word, other*, "a phrase"]',
                path=path,
                line=kw_line,
            )
        keywords = [_scalar_text(k, f"code {code_id!r}: keyword", path, kw_line) for k in keywords]
        fields = {}
        for key in ("label", "description", "parent"):
            value = entry.get(key)
            if value is not None:
                fields[key] = _scalar_text(
                    value, f"code {code_id!r}: {key}", path, entry.key_lines[key]
                )
        try:
            codes.append(Code(id=code_id, keywords=tuple(keywords), **fields))
        except CodebookError as exc:
            where = entry.key_lines["id"] if "code id" in exc.message else kw_line
            raise CodebookError(exc.message, path=path, line=where) from None
    name = data.get("name")
    version = data.get("version")
    return Codebook(
        codes=tuple(codes),
        name="" if name is None else str(name),
        version=None if version is None else str(version),
        path=path,
    )


def load_codebook(path: str | PathLike) -> Codebook:
    """Load a codebook from a YAML file.

    Parameters
    ----------
    path : str or path-like
        The codebook file (format in the module docstring).

    Returns
    -------
    Codebook
        The codes in file order.

    Raises
    ------
    InputFileError
        If the file is missing or unreadable.
    CodebookError
        If the YAML is malformed or a code is invalid (no keywords, a repeated id, a bad
        keyword); the message names the file and line.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise InputFileError(f"codebook file {what}", path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"codebook is not UTF-8 text (byte {exc.start})", path=path) from None
    except OSError as exc:
        raise InputFileError(f"cannot read codebook: {exc.strerror}", path=path) from None
    return parse_codebook(text, path=path)
