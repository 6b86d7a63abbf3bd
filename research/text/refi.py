"""REFI-QDA codebook exchange: read and write ``.qdc`` codebooks and ``.qdpx`` projects.

REFI-QDA (www.qdasoftware.org) is the exchange standard of ATLAS.ti, NVivo, MAXQDA, QualCoder
and others. A ``.qdc`` file is a ``<CodeBook xmlns="urn:QDA-XML:codebook:1.0">`` document
holding ``<Codes>`` (nested ``<Code guid name isCodable color>`` with a ``<Description>``) and
optional ``<Sets>``; a ``.qdpx`` file is a zip archive whose ``project.qde`` is a
``<Project xmlns="urn:QDA-XML:project:1.0">`` document with the same ``<CodeBook><Codes>``.

Validation uses the two REFI-QDA 1.0 schemas (MIT licence), which ship with this package:
``Project-mrt2019.xsd`` for projects and ``Codebook.xsd`` for codebooks. The codebook schema is
not the project schema's types in another namespace: its codes hold no ``NoteRef`` and its
sets name member codes by ``<MemberCode guid=...>`` (the project schema says ``targetGUID``),
as ATLAS.ti and QualCoder write them. Rules (keywords, regexes) have no place in REFI-QDA and
are not exported.
"""

from __future__ import annotations

import io
import re
import uuid
import warnings
import zipfile
from functools import lru_cache
from os import PathLike
from pathlib import Path

from lxml import etree

from ..errors import CodebookError, InputFileError
from .codebook import Code, Codebook, slug

__all__ = [
    "CODEBOOK_NS",
    "CODEBOOK_XSD",
    "PROJECT_NS",
    "PROJECT_XSD",
    "codebook_schema",
    "project_schema",
    "read_qdc",
    "validate_refi",
    "write_qdc",
]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: The REFI-QDA project schema bundled with the package.
PROJECT_XSD = Path(__file__).with_name("schema") / "Project-mrt2019.xsd"
#: The REFI-QDA codebook schema bundled with the package.
CODEBOOK_XSD = Path(__file__).with_name("schema") / "Codebook.xsd"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


def _schema(text: bytes) -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(text, _PARSER))


@lru_cache(maxsize=4)
def project_schema(xsd: str | PathLike = PROJECT_XSD) -> etree.XMLSchema:
    """The REFI-QDA project schema (``Project-mrt2019.xsd``) as an lxml schema."""
    return _schema(Path(xsd).read_bytes())


@lru_cache(maxsize=4)
def codebook_schema(xsd: str | PathLike = CODEBOOK_XSD) -> etree.XMLSchema:
    """The REFI-QDA codebook schema (``Codebook.xsd``) as an lxml schema.

    Parameters
    ----------
    xsd : path, optional
        A codebook schema; the bundled ``Codebook.xsd`` by default.

    Returns
    -------
    lxml.etree.XMLSchema
        A ``CodeBook`` root (``origin`` attribute) holding ``Codes`` and optional ``Sets``
        in the ``urn:QDA-XML:codebook:1.0`` namespace.

    Raises
    ------
    CodebookError
        If `xsd` is not a codebook schema (for example the project schema).
    """
    root = etree.fromstring(Path(xsd).read_bytes(), _PARSER)
    if root.get("targetNamespace") != CODEBOOK_NS:
        raise CodebookError(
            f"not the REFI-QDA codebook schema (its namespace is {root.get('targetNamespace')!r},"
            f" expected {CODEBOOK_NS!r})",
            path=str(xsd),
        )
    return etree.XMLSchema(root)


def _parse(data: bytes, path: Path) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise CodebookError(f"not well-formed XML: {exc.msg}", path=path, line=exc.lineno) from None


def _document(path: Path) -> tuple[etree._Element, str]:
    """Root element of a .qdc/.qde file or of a .qdpx archive's project.qde, and its kind."""
    if path.suffix.lower() == ".qdpx":
        from ..zipguard import check_zip

        check_zip(path, "qdpx")
        try:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".qde")]
                if not names:
                    raise CodebookError("the .qdpx archive holds no project.qde", path=path)
                data = archive.read(names[0])
        except zipfile.BadZipFile:
            raise InputFileError("not a .qdpx (zip) archive", path=path) from None
        return _parse(data, path), "project"
    root = _parse(path.read_bytes(), path)
    return root, "project" if etree.QName(root).localname == "Project" else "codebook"


def validate_refi(
    path: str | PathLike,
    *,
    xsd: str | PathLike = PROJECT_XSD,
    codebook_xsd: str | PathLike = CODEBOOK_XSD,
) -> None:
    """Validate a ``.qdc``, ``.qde`` or ``.qdpx`` file against the REFI-QDA schema.

    Parameters
    ----------
    path : str or path-like
        The file.
    xsd : path, optional
        The project schema, for ``.qde``/``.qdpx`` (bundled ``Project-mrt2019.xsd``).
    codebook_xsd : path, optional
        The codebook schema, for ``.qdc`` (bundled ``Codebook.xsd``).

    Raises
    ------
    CodebookError
        On the first schema violation, naming the line (for a ``.qdpx``, the line inside its
        ``project.qde``).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("REFI-QDA file does not exist", path=path)
    root, kind = _document(path)
    schema = project_schema(str(xsd)) if kind == "project" else codebook_schema(str(codebook_xsd))
    if not schema.validate(etree.ElementTree(root)):
        error = schema.error_log[0]
        raise CodebookError(
            f"does not match the REFI-QDA {kind} schema: {error.message}",
            path=path,
            line=error.line,
        )


def read_qdc(path: str | PathLike, *, validate: bool = True) -> Codebook:
    """Read the code system of a REFI-QDA codebook (``.qdc``) or project (``.qdpx``/``.qde``).

    Parameters
    ----------
    path : str or path-like
        The file.
    validate : bool, default True
        Check it against the schema first: a violation in the code tree raises, one
        elsewhere (such as codebook-style ``<MemberCode guid=...>`` sets inside a project)
        only warns, as the codes are still readable. :func:`validate_refi` is the strict check.

    Returns
    -------
    Codebook
        One code per ``<Code>``, nesting kept as parents; ids made from names
        (:func:`~research.text.codebook.slug`, made unique with the parent's id), labels
        from ``name``, descriptions from ``<Description>``, ``isCodable`` and ``color``
        kept. The codes have no rules.

    Raises
    ------
    CodebookError
        If the file is malformed, invalid, or holds no codes.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("codebook file does not exist", path=path)
    root, kind = _document(path)
    if validate:
        _check_codes(root, kind, path)
    book = root if etree.QName(root).localname == "CodeBook" else _child(root, "CodeBook")
    codes_el = None if book is None else _child(book, "Codes")
    if codes_el is None:
        raise CodebookError("the file holds no codebook (no <CodeBook><Codes>)", path=path)
    codes: list[Code] = []
    used: set[str] = set()

    def walk(element: etree._Element, parent: str | None) -> None:
        for node in element:
            if not isinstance(node.tag, str) or etree.QName(node).localname != "Code":
                continue
            name = " ".join(str(node.get("name", "")).split()) or "code"
            code_id = slug(name)
            if code_id in used and parent:
                code_id = f"{parent}__{code_id}"
            base, n = code_id, 2
            while code_id in used:
                code_id, n = f"{base}_{n}", n + 1
            used.add(code_id)
            description = _child(node, "Description")
            codes.append(
                Code(
                    id=code_id,
                    label=name,
                    description="" if description is None else description.text or "",
                    parent=parent,
                    codable=str(node.get("isCodable", "true")).lower() in ("true", "1"),
                    color=node.get("color"),
                )
            )
            walk(node, code_id)

    walk(codes_el, None)
    if not codes:
        raise CodebookError("the codebook holds no codes", path=path)
    name = root.get("name") or path.stem
    return Codebook(codes=tuple(codes), name=name, path=str(path))


def _check_codes(root: etree._Element, kind: str, path: Path) -> None:
    """Validate; errors in the code tree are fatal, errors elsewhere warn (a project whose
    ``<Sets>`` use the codebook schema's ``<MemberCode guid=...>`` instead of ``targetGUID``)."""
    schema = project_schema() if kind == "project" else codebook_schema()
    if schema.validate(etree.ElementTree(root)):
        return
    tree = root.getroottree()
    for error in schema.error_log:
        found = tree.xpath(error.path) if error.path else []
        chain = [found[0], *found[0].iterancestors()] if found else []
        if any(etree.QName(e).localname == "Codes" for e in chain) or not chain:
            raise CodebookError(
                f"does not match the REFI-QDA {kind} schema: {error.message}",
                path=path,
                line=error.line,
            )
    warnings.warn(
        f"{path}:{schema.error_log[0].line}: outside the code tree, the file does not match the "
        f"REFI-QDA schema ({schema.error_log[0].message}); the codes were read",
        UserWarning,
        stacklevel=3,
    )


def _child(element: etree._Element, local: str) -> etree._Element | None:
    for node in element:
        if isinstance(node.tag, str) and etree.QName(node).localname == local:
            return node
    return None


def _guid(codebook: Codebook, code_id: str) -> str:
    key = f"research-codebook:{codebook.name}:{codebook.path_of(code_id, sep=chr(31))}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key)).upper()


def _codes_element(codebook: Codebook, ns: str) -> etree._Element:
    codes_el = etree.Element(f"{{{ns}}}Codes")

    def add(parent_el: etree._Element, parent_id: str | None) -> None:
        for code_id in codebook.children(parent_id):
            code = codebook[code_id]
            attrs = {
                "guid": _guid(codebook, code_id),
                "name": code.label,
                "isCodable": "true" if code.codable else "false",
            }
            if code.color and re.fullmatch(r"#(?:[0-9A-Fa-f]{3}){1,2}", code.color):
                attrs["color"] = code.color
            node = etree.SubElement(parent_el, f"{{{ns}}}Code", attrs)
            if code.description:
                etree.SubElement(node, f"{{{ns}}}Description").text = code.description
            add(node, code_id)

    add(codes_el, None)
    return codes_el


def write_qdc(
    codebook: Codebook,
    path: str | PathLike,
    *,
    origin: str = "research (segment-research)",
    validate: bool = True,
) -> Path:
    """Write a codebook as a REFI-QDA ``.qdc`` file, or a ``.qdpx`` project holding it.

    Parameters
    ----------
    codebook : Codebook
        The codes; hierarchy, labels, descriptions, ``codable`` and colours are written.
        GUIDs are derived from the codebook name and code path, so re-exporting gives the
        same file.
    path : str or path-like
        Target; a ``.qdpx`` suffix writes a project archive, anything else a ``.qdc``.
    origin : str, optional
        The ``origin`` attribute (the software that wrote the file).
    validate : bool, default True
        Validate the result against the schema before writing.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    project = path.suffix.lower() == ".qdpx"
    ns = PROJECT_NS if project else CODEBOOK_NS
    if project:
        root = etree.Element(
            f"{{{ns}}}Project",
            {"name": codebook.name or path.stem, "origin": origin},
            nsmap={None: ns},
        )
        book = etree.SubElement(root, f"{{{ns}}}CodeBook")
        book.append(_codes_element(codebook, ns))
    else:
        root = etree.Element(f"{{{ns}}}CodeBook", {"origin": origin}, nsmap={None: ns})
        root.append(_codes_element(codebook, ns))
    data = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    if validate:
        schema = project_schema() if project else codebook_schema()
        if not schema.validate(etree.ElementTree(root)):  # pragma: no cover - a bug if it fails
            raise CodebookError(f"export does not match the schema: {schema.error_log[0].message}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if project:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo("project.qde", date_time=(2019, 3, 18, 0, 0, 0))
            archive.writestr(info, data)
        path.write_bytes(buffer.getvalue())
    else:
        path.write_bytes(data)
    return path
