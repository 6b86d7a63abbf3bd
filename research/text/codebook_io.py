"""Load codebooks: YAML (the project's format), REFI-QDA ``.qdc``/``.qdpx``, plain code lists.

YAML codebook::

    name: Second Stitch interview codebook
    version: 2
    stemmer: snowball            # snowball (default), porter or none
    codes:
      - id: drivers
        label: Shopping drivers
        codes:                   # sub-codes nest here (or give a child `parent: drivers`)
          - id: price_value
            label: Price and value
            description: Prices, deals, discounts and value for money.
            include:
              keywords: [price, discount, "value for money", bargain*]
              regex: ['£\\s?\\d+']
            exclude:
              keywords: [price tag]
          - id: fit_sizing
            parent: Product & fit  # a parent that is not a code id becomes a grouping code
            keywords: [fit, sizing, size*]   # literal keywords (whole words as written)

``include``/``exclude`` may also be a plain list of keywords. Every mistake raises
:class:`~research.errors.CodebookError` naming the file and line.
"""

from __future__ import annotations

from dataclasses import replace
from os import PathLike
from pathlib import Path

import yaml

from .._yaml import load_guarded
from ..errors import CodebookError, InputFileError, suggest
from .codebook import STEMMERS, Code, Codebook, Rules, slug

__all__ = ["load_codebook", "parse_code_list", "parse_codebook"]

_CODE_FIELDS = (
    "id",
    "label",
    "description",
    "parent",
    "keywords",
    "include",
    "exclude",
    "codes",
    "color",
)
_RULE_FIELDS = ("keywords", "regex")
_TOP_FIELDS = ("name", "version", "description", "stemmer", "codes")


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


def _text(value: object, what: str, path: str, line: int) -> str:
    if isinstance(value, bool):
        raise CodebookError(
            f"{what} {value!r} was read as a yes/no value; put it in quotes", path=path, line=line
        )
    if isinstance(value, str | int | float):
        return str(value)
    raise CodebookError(f"{what} must be text, not a {type(value).__name__}", path=path, line=line)


def _rules(value: object, what: str, stemmer: str, path: str, line: int) -> Rules:
    if value is None:
        return Rules(stemmer=stemmer)
    if isinstance(value, list):
        listed = _Map(keywords=value)
        listed.line, listed.key_lines = line, {"keywords": line}
        value = listed
    if not isinstance(value, _Map):
        raise CodebookError(
            f"{what} must be a list of keywords or a mapping with keywords and regex",
            path=path,
            line=line,
        )
    for key in value:
        if key not in _RULE_FIELDS:
            raise CodebookError(
                f"{what}: unknown field {key!r}{suggest(str(key), _RULE_FIELDS)}",
                path=path,
                line=value.key_lines[key],
            )
    lists = {}
    for key in _RULE_FIELDS:
        items = value.get(key, [])
        where = value.key_lines.get(key, line)
        if not isinstance(items, list):
            raise CodebookError(f"{what}: {key} must be a list", path=path, line=where)
        lists[key] = [
            _text(k, f"{what}: {key[:-1] if key == 'keywords' else key}", path, where)
            for k in items
        ]
    try:
        return Rules(
            keywords=tuple(lists["keywords"]), regex=tuple(lists["regex"]), stemmer=stemmer
        )
    except CodebookError as exc:
        raise CodebookError(f"{what}: {exc.message}", path=path, line=line) from None


class _Parser:
    def __init__(self, path: str, stemmer: str) -> None:
        self.path, self.stemmer = path, stemmer
        self.codes: list[Code] = []
        self.first_line: dict[str, int] = {}
        self.parents: dict[str, tuple[str, int]] = {}  # code id -> (parent as written, line)

    def error(self, message: str, line: int | None) -> CodebookError:
        return CodebookError(message, path=self.path, line=line)

    def entries(self, items: object, parent: str | None, line: int, number: list[int]) -> None:
        if not isinstance(items, list) or not items:
            raise self.error("'codes' must be a non-empty list of codes", line)
        for entry in items:
            number[0] += 1
            self.entry(entry, parent, line, number)

    def entry(self, entry: object, parent: str | None, line: int, number: list[int]) -> None:
        i = number[0]
        if not isinstance(entry, _Map):
            raise self.error(f"code {i} must be a mapping with an id or label", line)
        lines = entry.key_lines
        for key in entry:
            if key not in _CODE_FIELDS:
                raise self.error(
                    f"code {i}: unknown field {key!r}{suggest(str(key), _CODE_FIELDS)}",
                    lines[key],
                )
        if "id" not in entry and "label" not in entry:
            raise self.error(f"code {i} has no 'id' or 'label'", entry.line)
        if "id" in entry:
            code_id = _text(entry["id"], f"code {i}: id", self.path, lines["id"])
        else:
            code_id = slug(_text(entry["label"], f"code {i}: label", self.path, lines["label"]))
        id_line = lines.get("id", lines.get("label", entry.line))
        if code_id in self.first_line:
            raise self.error(
                f"code id {code_id!r} is used twice (first on line {self.first_line[code_id]})",
                id_line,
            )
        self.first_line[code_id] = id_line
        fields: dict[str, object] = {}
        for key in ("label", "description", "color"):
            if entry.get(key) is not None:
                fields[key] = _text(entry[key], f"code {code_id!r}: {key}", self.path, lines[key])
        keywords = entry.get("keywords")
        kw_line = lines.get("keywords", entry.line)
        if "keywords" in entry:
            if not isinstance(keywords, list):
                raise self.error(
                    f'code {code_id!r}: keywords must be a list like [word, other*, "a phrase"]',
                    kw_line,
                )
            if not keywords:
                raise self.error(f"code {code_id!r} has no keywords (the list is empty)", kw_line)
            keywords = [
                _text(k, f"code {code_id!r}: keyword", self.path, kw_line) for k in keywords
            ]
        for side in ("include", "exclude"):
            fields[side] = _rules(
                entry.get(side),
                f"code {code_id!r}: {side}",
                self.stemmer,
                self.path,
                lines.get(side, entry.line),
            )
        if entry.get("parent") is not None:
            if parent is not None:
                raise self.error(
                    f"code {code_id!r} is nested under {parent!r} and also names a parent",
                    lines["parent"],
                )
            written = _text(
                entry["parent"], f"code {code_id!r}: parent", self.path, lines["parent"]
            )
            self.parents[code_id] = (written, lines["parent"])
        try:
            code = Code(id=code_id, keywords=tuple(keywords or ()), parent=parent, **fields)
        except CodebookError as exc:
            where = id_line if "code id" in exc.message else kw_line
            raise self.error(exc.message, where) from None
        self.codes.append(code)
        if "codes" in entry:
            self.entries(entry["codes"], code_id, lines["codes"], number)

    def resolve_parents(self) -> list[Code]:
        """Turn written parents into ids; a parent that is no code becomes a grouping code."""
        by_id = {c.id: c for c in self.codes}
        by_label = {c.label.casefold(): c.id for c in self.codes}
        groups: dict[str, Code] = {}
        out: list[Code] = []
        for code in self.codes:
            if code.id in self.parents:
                written, line = self.parents[code.id]
                target = written if written in by_id else by_label.get(written.casefold())
                if target is None:
                    group_id = slug(written)
                    if group_id not in groups:
                        while group_id in by_id:
                            group_id += "_group"
                        groups[group_id] = Code(id=group_id, label=written, codable=False)
                        out.append(groups[group_id])
                    target = groups[group_id].id
                if target == code.id:
                    raise self.error(f"code {code.id!r} names itself as parent", line)
                code = replace(code, parent=target)
            out.append(code)
        return out


def parse_codebook(text: str, *, path: str | PathLike = "<string>") -> Codebook:
    """Parse codebook YAML text; see :func:`load_codebook` and the module docstring.

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
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters already here
        data, _ = load_guarded(loader, len(text), path, CodebookError)
    except _DuplicateKey as exc:
        raise CodebookError(f"key {exc.key!r} appears twice", path=path, line=exc.line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CodebookError(
            f"not valid YAML: {problem}", path=path, line=None if mark is None else mark.line + 1
        ) from None
    finally:
        if loader is not None:
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
    stemmer = str(data.get("stemmer", "snowball"))
    if stemmer not in STEMMERS:
        raise CodebookError(
            f"stemmer must be one of {list(STEMMERS)}, got {stemmer!r}{suggest(stemmer, STEMMERS)}",
            path=path,
            line=data.key_lines["stemmer"],
        )
    parser = _Parser(path, stemmer)
    parser.entries(data.get("codes"), None, data.key_lines.get("codes", data.line), [0])
    codes = parser.resolve_parents()
    name, version = data.get("name"), data.get("version")
    return Codebook(
        codes=tuple(codes),
        name="" if name is None else str(name),
        version=None if version is None else str(version),
        path=path,
    )


def parse_code_list(lines: list[str], *, path: str = "<string>") -> Codebook:
    """Parse a plain code list: one code per line, ``parent>>child`` paths, a tab then a memo.

    This is the plain-text import format of QualCoder (``cat1>>cat2>>code4<TAB>memo``).

    Parameters
    ----------
    lines : list of str
        The file's lines; blank lines are skipped.
    path : str, optional
        Name used in error messages.

    Returns
    -------
    Codebook
        Categories become codes; ids are made from labels (:func:`~research.text.codebook.slug`).
    """
    from .coded_segments import codebook_from_paths

    paths, memos = [], {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        name, _, memo = line.partition("\t")
        parts = [p.strip() for p in name.split(">>")]
        if not all(parts):
            raise CodebookError(f"empty code name in {name.strip()!r}", path=path, line=number)
        paths.append(" > ".join(parts))
        if memo.strip():
            memos[paths[-1]] = memo.strip()
    if not paths:
        raise CodebookError("the code list is empty", path=path)
    return codebook_from_paths(paths, descriptions=memos, path=path)


def load_codebook(path: str | PathLike) -> Codebook:
    """Load a codebook from a file.

    Parameters
    ----------
    path : str or path-like
        A YAML codebook (``.yaml``/``.yml``, format in the module docstring), a REFI-QDA
        codebook (``.qdc``) or project (``.qdpx``/``.qde``, its code system is read), or a
        plain code list (``.txt``, see :func:`parse_code_list`).

    Returns
    -------
    Codebook
        The codes in file order.

    Raises
    ------
    InputFileError
        If the file is missing or unreadable.
    CodebookError
        If the file is malformed or a code is invalid; the message names the file and line.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise InputFileError(f"codebook file {what}", path=path)
    suffix = path.suffix.lower()
    if suffix in (".qdc", ".qdpx", ".qde"):
        from .refi import read_qdc

        return read_qdc(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"codebook is not UTF-8 text (byte {exc.start})", path=path) from None
    except OSError as exc:
        raise InputFileError(f"cannot read codebook: {exc.strerror}", path=path) from None
    if suffix == ".txt":
        return parse_code_list(text.splitlines(), path=str(path))
    return parse_codebook(text, path=path)
