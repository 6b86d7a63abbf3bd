"""Read a plain CSV/TSV/XLSX table (one header row) and a column-mapping file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import MappingError
from .excel import read_single_header
from .meta import ExportMeta, column_table

__all__ = ["MAPPING_FIELDS", "read_mapping_file", "read_table"]

#: Columns of a mapping file: ``column`` (or ``import_id``) -> ``item`` (and ``option``).
MAPPING_FIELDS = ("column", "import_id", "item", "option")


def read_table(path: str | Path) -> tuple[pd.DataFrame, ExportMeta]:
    """Read any table with one header row: CSV (``,`` ``;`` or tab) or the first XLSX sheet.

    Returns
    -------
    data : pd.DataFrame
        String columns named by the header row (duplicates suffixed ``.1``, ``.2``).
    meta : ExportMeta
        ``format="generic"``; question text is the header itself.

    Raises
    ------
    InputFileError
        Missing, empty or unreadable file, or a row wider than the header.
    """
    header, data, notes, encoding, delimiter = read_single_header(path)
    table = column_table(list(data.columns), names=header, texts=header)
    meta = ExportMeta(
        path=str(path),
        format="generic",
        encoding=encoding,
        layout="1-row",
        columns=table,
        separator=",",
        delimiter=delimiter,
        notes=tuple(notes),
    )
    return data, meta


def read_mapping_file(path: str | Path) -> pd.DataFrame:
    """Read a mapping file: which export column (or ImportId) holds which item (and option).

    The file is CSV/XLSX with a header row ``column,item`` (optionally ``import_id`` instead
    of, or beside, ``column``, and ``option`` for a multi-select option spread over its own
    column), or YAML ``{column: item}`` / ``{column: {item: x, option: 3}}``. An empty
    ``item`` means "not an item: ignore this column".

    Returns
    -------
    pd.DataFrame
        ``column, import_id, item, option`` (empty strings where not given), with ``line`` the
        1-based line of each entry in the file.

    Raises
    ------
    MappingError
        The file has neither a ``column`` nor an ``import_id`` header, or no ``item`` header.
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        from .._yaml import parse_yaml, read_yaml

        data, lines = parse_yaml(read_yaml(path, "mapping", MappingError), path, MappingError)
        rows = []
        for col, spec in data.items():
            spec = spec if isinstance(spec, dict) else {"item": spec}
            rows.append(
                {
                    "column": str(col),
                    "import_id": "",
                    "item": "" if spec.get("item") is None else str(spec.get("item")),
                    "option": "" if spec.get("option") is None else str(spec.get("option")),
                    "line": lines.get((col,)),
                }
            )
        return pd.DataFrame(rows, columns=[*MAPPING_FIELDS, "line"])
    frame, meta = read_table(path)
    cols = {c.strip().lower(): c for c in frame.columns}
    if "item" not in cols or not ({"column", "import_id"} & set(cols)):
        raise MappingError(
            f"a mapping file needs an 'item' header and a 'column' or 'import_id' header; "
            f"found {list(frame.columns)}",
            path=path,
            line=1,
        )
    out = pd.DataFrame(
        {
            f: frame[cols[f]].fillna("").astype(str).str.strip() if f in cols else ""
            for f in MAPPING_FIELDS
        }
    )
    out["line"] = range(2, len(out) + 2)
    return out
