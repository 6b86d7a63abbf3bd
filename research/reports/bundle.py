"""The report-content bundle: plain JSON and CSV that can be read back without running code.

A study run saves the :class:`~research.personas.ReportContent` its reports were drawn from, so
``research report`` can rewrite them with new words in seconds. The bundle is a folder:

``manifest.json``
    format name, version, and the content as a JSON tree in which every table is a reference
    ``{"$frame": "t003"}`` / ``{"$series": "t004"}`` and every record a
    ``{"$record": "Persona", "fields": {...}}``;
``t000.csv``, ``t001.csv``, ...
    one file per table, one JSON literal per cell (``"text"``, ``1.5``, ``null``), so strings,
    numbers and missing values come back exactly as written (floats round-trip bit for bit).

Loading never evaluates anything from the files: the manifest is checked against a schema
(pydantic) before use, table names must match ``t<digits>.csv`` inside the bundle, each table's
SHA-256 must match, only whitelisted dtypes and the three record types below are rebuilt, and
each record's fields are checked against their declared types. Anything else is a one-line
:class:`~research.errors.ReportError`. This replaced a pickle, which runs any code a crafted
file asks for.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import os
import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from research.atomic import atomic_write
from research.errors import ReportError
from research.personas.model import Persona, ReportContent

__all__ = ["FORMAT", "VERSION", "MANIFEST", "write_bundle", "read_bundle"]

FORMAT = "research-report-content"
VERSION = 2
MANIFEST = "manifest.json"

#: Caps that keep a hostile bundle from exhausting memory before validation fails.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_TABLE_BYTES = 1024 * 1024 * 1024
MAX_ROWS = 20_000_000
MAX_COLUMNS = 10_000
MAX_DEPTH = 32

_DTYPES = ("float64", "int64", "bool", "str", "object", "Int64", "Float64", "boolean", "string")
_TABLE_FILE = re.compile(r"^t\d{3,6}\.csv$")


def _records() -> dict[str, type]:
    # Imported here: the typing tool lives in the segments stage, which imports the reports.
    from research.segments.typing_tool import TypingTool

    return {"ReportContent": ReportContent, "Persona": Persona, "TypingTool": TypingTool}


class _Column(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | int | float | None
    dtype: Literal[_DTYPES]  # type: ignore[valid-type]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str = Field(pattern=_TABLE_FILE.pattern)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    kind: Literal["frame", "series"]
    rows: int = Field(ge=0, le=MAX_ROWS)
    index: _Column
    columns: list[_Column] = Field(max_length=MAX_COLUMNS)


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["research-report-content"]
    version: int
    tables: dict[str, _Table]
    content: dict[str, Any]


# -- writing -----------------------------------------------------------------------------------


def _scalar(value: Any) -> Any:
    """A JSON-ready Python scalar (numpy scalars unwrapped, missing as None, NaN kept)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return value  # json writes NaN, which json.loads reads back
    if isinstance(value, str | int | float | bool):
        return value
    raise ReportError(f"cannot store a {type(value).__name__} in the report bundle")


def _dtype(series: pd.Series | pd.Index) -> str:
    name = str(series.dtype)
    if name not in _DTYPES:
        raise ReportError(f"cannot store a column of dtype {name} in the report bundle")
    return name


def _label(value: Any) -> str | int | float | None:
    value = _scalar(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _cells(values: pd.Series | pd.Index) -> list[Any]:
    cells = values.tolist()
    if str(values.dtype) in ("str", "string"):  # missing text is null, not a float NaN
        cells = [None if not isinstance(v, str) else v for v in cells]
    return cells


class _Writer:
    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}

    def table(self, frame: pd.DataFrame, kind: str) -> str:
        key = f"t{len(self.tables):03d}"
        if isinstance(frame.index, pd.MultiIndex) or isinstance(frame.columns, pd.MultiIndex):
            raise ReportError("cannot store a multi-level table in the report bundle")
        columns = [{"name": _label(c), "dtype": _dtype(frame[c])} for c in frame.columns]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["index", *(json.dumps(c["name"]) for c in columns)])
        values = [_cells(frame.index), *(_cells(frame.iloc[:, i]) for i in range(frame.shape[1]))]
        for row in zip(*values, strict=True):
            writer.writerow([json.dumps(_scalar(v)) for v in row])
        data = buffer.getvalue().encode("utf-8")
        self.files[f"{key}.csv"] = data
        self.tables[key] = {
            "file": f"{key}.csv",
            "sha256": hashlib.sha256(data).hexdigest(),
            "kind": kind,
            "rows": int(frame.shape[0]),
            "index": {"name": _label(frame.index.name), "dtype": _dtype(frame.index)},
            "columns": columns,
        }
        return key

    def encode(self, value: Any) -> Any:
        if isinstance(value, pd.DataFrame):
            return {"$frame": self.table(value, "frame")}
        if isinstance(value, pd.Series):
            return {"$series": self.table(value.to_frame(), "series")}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            name = type(value).__name__
            if _records().get(name) is not type(value):
                raise ReportError(f"cannot store a {name} in the report bundle")
            fields = {
                f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)
            }
            return {"$record": name, "fields": fields}
        if isinstance(value, list | tuple):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise ReportError("cannot store a mapping with non-text keys in the report bundle")
            return {"$map": {k: self.encode(v) for k, v in value.items()}}
        return _scalar(value)


def write_bundle(content: ReportContent, folder: str | os.PathLike[str]) -> Path:
    """Save ``content`` as a bundle folder that :func:`read_bundle` reads back exactly.

    Every file is written atomically; the manifest last, so a folder whose manifest exists
    names only tables that were complete when it was written.
    """
    target = Path(folder)
    writer = _Writer()
    tree = writer.encode(content)
    manifest = {"format": FORMAT, "version": VERSION, "tables": writer.tables, "content": tree}
    for name, data in writer.files.items():
        with atomic_write(target / name) as tmp:
            tmp.write_bytes(data)
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    with atomic_write(target / MANIFEST) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")
    wanted = set(writer.files) | {MANIFEST}
    for stale in target.glob("t*.csv"):  # tables of an earlier, larger bundle
        if stale.name not in wanted and _TABLE_FILE.match(stale.name):
            stale.unlink(missing_ok=True)
    return target


# -- reading -----------------------------------------------------------------------------------


def _fail(folder: Path, message: str) -> ReportError:
    return ReportError(f"not a valid report-content bundle: {message}", path=folder)


def _loads(text: str) -> Any:
    return json.loads(text)  # NaN/Infinity allowed: floats are written with repr


def _column(values: list[Any], dtype: str) -> pd.Series:
    if dtype in ("float64", "Float64"):
        if not all(
            v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values
        ):
            raise ValueError("a number column holds text")
        values = [math.nan if v is None and dtype == "float64" else v for v in values]
    elif dtype in ("int64", "Int64"):
        if not all(
            (isinstance(v, int) and not isinstance(v, bool)) or (v is None and dtype == "Int64")
            for v in values
        ):
            raise ValueError("a whole-number column holds something else")
    elif dtype in ("bool", "boolean"):
        if not all(isinstance(v, bool) or (v is None and dtype == "boolean") for v in values):
            raise ValueError("a true/false column holds something else")
    elif dtype in ("str", "string"):
        if not all(v is None or isinstance(v, str) for v in values):
            raise ValueError("a text column holds something else")
    elif not all(v is None or isinstance(v, str | int | float | bool) for v in values):
        raise ValueError("a cell holds a list or mapping")
    if dtype == "object":
        return pd.Series(values, dtype=object)
    return pd.Series(values, dtype=dtype)


def _read_table(folder: Path, key: str, spec: _Table) -> pd.DataFrame:
    path = folder / spec.file
    if path.is_symlink() or not path.is_file():
        raise _fail(folder, f"table {spec.file} is missing")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise _fail(folder, f"table {spec.file} is larger than {MAX_TABLE_BYTES:,} bytes")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != spec.sha256:
        raise _fail(folder, f"table {spec.file} was changed after it was written")
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        header, body = rows[0], rows[1:]
        if len(header) != len(spec.columns) + 1 or len(body) != spec.rows:
            raise ValueError("its shape differs from the manifest")
        cells = [[_loads(cell) for cell in row] for row in body]
        if any(len(row) != len(header) for row in cells):
            raise ValueError("a row has the wrong number of cells")
        columns = list(zip(*cells, strict=True)) if cells else [()] * len(header)
        index = pd.Index(_column(list(columns[0]), spec.index.dtype), name=spec.index.name)
        frame = pd.DataFrame(
            {
                i: _column(list(values), col.dtype).set_axis(index)
                for i, (col, values) in enumerate(zip(spec.columns, columns[1:], strict=True))
            },
            index=index,
        )
        frame.columns = [c.name for c in spec.columns]
    except (ValueError, TypeError, IndexError, csv.Error, UnicodeDecodeError, OverflowError) as exc:
        raise _fail(folder, f"table {spec.file}: {str(exc)[:120]}") from None
    return frame


_CHECKS: dict[str, Any] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "None": lambda v: v is None,
    "object": lambda v: True,
    "pd.DataFrame": lambda v: isinstance(v, pd.DataFrame),
    "pd.Series": lambda v: isinstance(v, pd.Series),
    "list[Persona]": lambda v: isinstance(v, list) and all(isinstance(p, Persona) for p in v),
    "list[str]": lambda v: isinstance(v, list) and all(isinstance(p, str) for p in v),
    "dict[str,str]": lambda v: (
        isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items())
    ),
}


def _check_field(record: str, field: dataclasses.Field, value: Any) -> None:
    """Raise ValueError unless ``value`` fits the field's declared type (a string annotation)."""
    parts = str(field.type).replace(" ", "").split("|")
    if not any(_CHECKS.get(part, lambda v: False)(value) for part in parts):
        raise ValueError(
            f"{record}.{field.name} should be {field.type}, not {type(value).__name__}"
        )


class _Reader:
    def __init__(self, folder: Path, manifest: _Manifest) -> None:
        self.folder = folder
        self.manifest = manifest
        self.cache: dict[str, pd.DataFrame] = {}

    def table(self, key: Any, kind: str) -> pd.DataFrame:
        spec = self.manifest.tables.get(key) if isinstance(key, str) else None
        if spec is None or spec.kind != kind:
            raise ValueError(f"the content names a table {str(key)[:40]!r} the manifest lacks")
        if key not in self.cache:
            self.cache[key] = _read_table(self.folder, key, spec)
        return self.cache[key].copy()

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError("the content is nested too deeply")
        if isinstance(node, list):
            return [self.decode(v, depth + 1) for v in node]
        if not isinstance(node, dict):
            return node
        if set(node) == {"$frame"}:
            return self.table(node["$frame"], "frame")
        if set(node) == {"$series"}:
            frame = self.table(node["$series"], "series")
            if frame.shape[1] != 1:
                raise ValueError("a series table must have one column")
            return frame.iloc[:, 0]
        if set(node) == {"$map"} and isinstance(node["$map"], dict):
            return {k: self.decode(v, depth + 1) for k, v in node["$map"].items()}
        if set(node) == {"$record", "fields"} and isinstance(node["fields"], dict):
            return self.record(node["$record"], node["fields"], depth)
        raise ValueError("the content holds an unknown kind of value")

    def record(self, name: Any, fields: dict[str, Any], depth: int) -> Any:
        cls = _records().get(name) if isinstance(name, str) else None
        if cls is None:
            raise ValueError(f"unknown record type {str(name)[:40]!r}")
        declared = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(fields) - set(declared))
        if unknown:
            raise ValueError(f"{name} has no field {unknown[0][:40]!r}")
        values = {k: self.decode(v, depth + 1) for k, v in fields.items()}
        for key, field in declared.items():
            if key in values:
                _check_field(name, field, values[key])
            elif (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            ):
                raise ValueError(f"{name} lacks the field {key!r}")
        return cls(**values)


def read_bundle(folder: str | os.PathLike[str]) -> ReportContent:
    """Read a bundle written by :func:`write_bundle`, validating it before anything is built.

    Raises
    ------
    ReportError
        If the folder has no bundle, the manifest is not valid JSON of this format and version,
        a table is missing, changed or of the wrong shape or type, or the content does not
        describe a report. The message is one line and names the folder.
    """
    source = Path(folder)
    path = source / MANIFEST
    if not path.is_file():
        raise ReportError(
            "no analysis results here: run `research run STUDY.yaml` first", path=source
        )
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise _fail(source, f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES:,} bytes")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise _fail(source, f"{MANIFEST} is not JSON ({str(exc)[:80]})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _fail(source, f"{MANIFEST} is not a report-content manifest")
    if raw.get("version") != VERSION:
        raise ReportError(
            f"report-content bundle version {str(raw.get('version'))[:20]}, this package reads "
            f"{VERSION}: run the study again",
            path=source,
        )
    try:
        manifest = _Manifest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])[:80]
        raise _fail(source, f"{where}: {first['msg'][:80]}") from None
    try:
        content = _Reader(source, manifest).decode(manifest.content)
    except ReportError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:
        raise _fail(source, str(exc)[:160]) from None
    if not isinstance(content, ReportContent):
        raise _fail(source, "the content is not a report")
    return content
