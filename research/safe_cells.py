"""Cells that stay data: every workbook and CSV the package writes goes through here.

Text from respondents, questionnaires and study files (persona names, item wording, column
names, open answers) must never become a live spreadsheet formula in a stakeholder's Excel
(CWE-1236, "CSV/formula injection").

Workbooks
    :func:`save_workbook_bytes` is the one way a workbook leaves the package. Before saving it
    turns every formula cell into plain text unless the cell was registered with
    :func:`allow_formula` (only the typing tool registers its own formulas), then saves with
    fixed timestamps so identical content gives identical bytes. Text cells that start with a
    formula character also get Excel's quote prefix, so editing the cell keeps it text.
CSV files
    :func:`write_csv` is the one way a CSV leaves the package. Following OWASP's advice, a text
    cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with
    a leading apostrophe (``'=SUM(A1)``), which spreadsheets show but never evaluate. Numbers
    (stored as numbers) are left alone: ``-0.53`` is a value, not a formula. Analysts who
    re-import the file elsewhere can opt out with ``raw=True`` (CLI ``--raw-csv``) or the
    environment variable ``RESEARCH_RAW_CSV=1``; this package's own importer removes the
    apostrophe again (:func:`unneutralise`), so ``responses.csv`` re-imports to the same data.
"""

from __future__ import annotations

import functools
import io
import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl and pandas are imported by the callers that need them
    import numpy as np
    import pandas as pd
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FORMULA_START",
    "RAW_CSV_ENV",
    "allow_formula",
    "neutralise",
    "unneutralise",
    "write_csv",
    "csv_text",
    "defuse_workbook",
    "save_workbook_bytes",
]

#: What makes a spreadsheet treat a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Set to 1 to write CSV cells unchanged (for analysts who re-import elsewhere).
RAW_CSV_ENV = "RESEARCH_RAW_CSV"
_ATTR = "_research_formula_cells"


# -- workbooks -----------------------------------------------------------------------------------


def allow_formula(ws: Worksheet, cell: Any) -> None:
    """Mark ``cell`` of ``ws`` as one of the package's own formulas (kept live when saved)."""
    allowed = getattr(ws, _ATTR, None)
    if allowed is None:
        allowed = set()
        setattr(ws, _ATTR, allowed)
    allowed.add(cell.coordinate)


def defuse_workbook(wb: Workbook) -> int:
    """Turn every formula cell not registered with :func:`allow_formula` into text.

    Returns the number of cells changed. Also sets the quote prefix on text cells that start
    with a formula character, so Excel keeps them as text when a user edits them.
    """
    changed = 0
    for ws in wb.worksheets:
        allowed = getattr(ws, _ATTR, set())
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and cell.coordinate not in allowed:
                    value = cell.value
                    text = value if isinstance(value, str) else str(getattr(value, "text", value))
                    cell._value = text  # bypass openpyxl's "starts with = means formula" rule
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
                elif cell.data_type == "s" and isinstance(cell.value, str):
                    if cell.value.startswith(FORMULA_START) and not cell.quotePrefix:
                        cell.quotePrefix = True
    return changed


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    when = max(when, datetime(1980, 1, 1))  # the zip format cannot store earlier times
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def save_workbook_bytes(wb: Workbook, created: datetime) -> bytes:
    """``wb`` as .xlsx bytes: formulas defused (see :func:`defuse_workbook`), fixed timestamps.

    ``created`` goes into the document properties and every zip entry, so the same workbook
    content and ``created`` give the same bytes.
    """
    from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

    from openpyxl.writer.excel import ExcelWriter

    defuse_workbook(wb)
    wb.properties.created = created
    wb.properties.modified = created
    buffer = io.BytesIO()
    archive = ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    # ExcelWriter directly: openpyxl's save_workbook stamps "modified" with the current time.
    ExcelWriter(wb, archive).save()
    stamp = _zip_time(created)
    out = io.BytesIO()
    with ZipFile(io.BytesIO(buffer.getvalue())) as src, ZipFile(out, "w", ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info))
    return out.getvalue()


# -- CSV -----------------------------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """``value`` with an apostrophe before it when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo :func:`neutralise` (for this package's own importer)."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _raw_default() -> bool:
    return os.environ.get(RAW_CSV_ENV, "").strip().lower() in ("1", "true", "yes")


def _texty(values) -> bool:
    import pandas as pd

    dtype = values.dtype
    return (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def _neutralised(frame: pd.DataFrame, index: bool) -> pd.DataFrame:
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if _texty(column):
            out.isetitem(i, column.astype(object).map(neutralise, na_action="ignore"))
    if index and _texty(out.index):
        out.index = out.index.astype(object).map(neutralise).rename(out.index.name)
    out.columns = [neutralise(c) for c in out.columns]
    if index and out.index.name is not None:
        out.index.name = neutralise(out.index.name)
    return out


# Python's repr (which pandas' float formatting equals) and Arrow's shortest round-trip
# formatting write the same digits for non-integral magnitudes in the first range (positional)
# and for every magnitude below the second's low end or from its high end (exponent); whole
# numbers below 1e10 differ only by repr's ".0". Elsewhere (1e-9 <= |x| < 1e-4, positional in
# Arrow; 1e10 <= |x| < 1e16, exponent in Arrow) ``repr`` formats the cell.
_ARROW_SAFE = (1e-4, 1e10)
_ARROW_EXPONENT = (1e-9, 1e16)


def _arrow_agrees(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells whose Arrow text is repr's (NaN aside), and whole numbers Arrow writes without the
    ".0" repr adds."""
    import numpy as np

    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        whole = values == np.trunc(values)
    positional = (size >= _ARROW_SAFE[0]) & (size < _ARROW_SAFE[1]) & ~whole
    exponent = ((size < _ARROW_EXPONENT[0]) & (size > 0)) | (size >= _ARROW_EXPONENT[1])
    short = whole & (size < _ARROW_SAFE[1])  # includes 0 and -0
    return positional | exponent | np.isnan(values), short


def _numbers_text(values: np.ndarray) -> Any:
    """Arrow strings of a float or integer array as pandas writes them (NaN as empty)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(pa.array(values, from_pandas=True), pa.string())
    if values.dtype.kind in "iu":
        return text
    agree, short = _arrow_agrees(values)
    text = pc.fill_null(text, "")  # NaN: an empty field
    if short.any():
        text = pc.if_else(pa.array(short), pc.binary_join_element_wise(text, ".0", ""), text)
    size = np.abs(values)
    small = (size >= _ARROW_EXPONENT[0]) & (size < _ARROW_SAFE[0])
    if small.any():  # posteriors are often here: rewritten in Arrow, not cell by cell
        mask = pa.array(small)
        text = pc.replace_with_mask(text, mask, _small_as_repr(pc.filter(text, mask)))
    other = ~(agree | short | small)
    if not other.any():
        return text
    patch: list[str | None] = [None] * values.size
    for i in np.flatnonzero(other).tolist():
        patch[i] = repr(float(values[i]))  # 1e10 <= |x| < 1e16, not whole
    return pc.if_else(pa.array(other), pa.array(patch, pa.string()), text)


def _small_as_repr(text: Any) -> Any:
    """Arrow's text of numbers with 1e-9 <= |x| < 1e-4 as repr writes them: Arrow writes
    "0.0000015" (from 1e-6) and "9.9e-7" (below), repr "1.5e-06" and "9.9e-07"."""
    import pyarrow as pa
    import pyarrow.compute as pc

    part = pc.extract_regex(text, r"^(?P<sign>-?)0\.(?P<zeros>0*)(?P<lead>\d)(?P<rest>\d*)$")
    rest = pc.struct_field(part, "rest")
    power = pc.cast(pc.add(pc.utf8_length(pc.struct_field(part, "zeros")), 1), pa.string())
    positional = pc.binary_join_element_wise(
        pc.struct_field(part, "sign"),
        pc.struct_field(part, "lead"),
        pc.if_else(pc.equal(rest, ""), "", pc.binary_join_element_wise(".", rest, "")),
        "e-",
        pc.utf8_lpad(power, width=2, padding="0"),
        "",
    )
    exponent = pc.replace_substring_regex(text, r"e-(\d)$", r"e-0\1")
    return pc.if_else(pc.is_valid(part), positional, exponent)


@functools.cache
def _arrow_writes_like_repr() -> bool:
    """Whether the installed Arrow formats floats as :func:`_arrow_agrees` expects.

    Checked once per process on values of every magnitude (a different Arrow version could
    format differently; the fast writer is then not used).
    """
    import numpy as np

    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return False
    steps = np.arange(1300)
    mantissas = 1.0 + (steps * 0.6180339887498949) % 9.0  # spread over [1, 10)
    signs = np.where(steps % 2, -1.0, 1.0)
    probe = mantissas * 10.0 ** (steps % 628 - 320) * signs  # 1e-320 .. 1e308
    wholes = np.trunc(mantissas * 10.0 ** (steps % 10)) * signs  # 1 .. 1e10
    probe = np.concatenate([probe, wholes, [0.1, 1 / 3, -2 / 3, 1e-4 + 1e-19, 0.00012345678901234567,
                                    9999999999.999998, 123456.789, 2.5, -0.5, 0.0, -0.0, 1.0,
                                    -3.0, 9999999999.0, 1e16, 2.0**53, 9.99e-10, 5e-324,
                                    np.inf, -np.inf, 1.7976931348623157e308]])  # fmt: skip
    agree, short = _arrow_agrees(probe)
    text = pc.cast(pa.array(probe), pa.string()).to_pylist()
    return all(
        t + (".0" if s else "") == repr(x)
        for x, t, a, s in zip(probe.tolist(), text, agree, short, strict=True)
        if a or s
    )


def _fast_numeric_csv(data: pd.DataFrame, index: bool, header: bool) -> str | None:
    """CSV text of an all-number frame, byte for byte as ``to_csv``, or None if not one.

    pandas formats every float through NumPy's string conversion one cell at a time: 0.1 s for
    the 100,000 scores of 20,000 respondents, most of ``research factors``' writing time. Arrow
    formats a column at once and its digits agree with pandas' wherever
    :func:`_arrow_agrees` says (whole numbers get repr's ".0"); the few other cells are
    formatted by ``repr``, which is what pandas writes (``tests/test_safe_cells.py`` compares the two, and
    :func:`_arrow_writes_like_repr` checks the installed Arrow once per process). Frames with
    other dtypes, text needing quotes, multi-level labels or no rows return None.
    """
    import csv

    import numpy as np
    import pandas as pd

    if data.empty or data.columns.nlevels > 1 or data.index.nlevels > 1:
        return None
    if data.shape[1] + int(index) < 2:  # a lone empty field would be quoted
        return None
    if not all(isinstance(d, np.dtype) and d.kind in "fi" and d.itemsize == 8 for d in data.dtypes):
        return None
    labels = list(data.columns)
    if not all(isinstance(c, str) for c in labels):
        return None
    if not _arrow_writes_like_repr():
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    if index:
        keys = data.index
        if pd.api.types.is_integer_dtype(keys.dtype) and isinstance(keys.dtype, np.dtype):
            columns.append(_numbers_text(keys.to_numpy()))
        else:
            values = keys.tolist()
            if not all(isinstance(v, str) and not _CSV_SPECIAL.search(v) for v in values):
                return None
            columns.append(pa.array(values, pa.string()))
    columns += [_numbers_text(data.iloc[:, i].to_numpy()) for i in range(data.shape[1])]
    lines = pc.binary_join_element_wise(*columns, ",").to_pylist()
    head = ""
    if header:
        buffer = io.StringIO()
        name = data.index.name
        first = [("" if name is None else str(name))] if index else []
        csv.writer(buffer, lineterminator="\n").writerow(first + labels)
        head = buffer.getvalue()
    return head + "\n".join(lines) + "\n"


_CSV_SPECIAL = re.compile(r'[,"\r\n]')


def csv_text(frame: pd.DataFrame, *, index: bool = True, raw: bool | None = None, **kwargs) -> str:
    """``frame`` as CSV text with formula-like text cells neutralised (unless ``raw``).

    Frames of numbers only (factor scores, loadings) are formatted by Arrow a column at a time
    rather than by pandas a cell at a time, with the same bytes (see
    :func:`_fast_numeric_csv`).
    """
    if raw is None:
        raw = _raw_default()
    if not raw and index and frame.index.nlevels > 1:  # levels become plain columns
        frame, index = frame.reset_index(), False
    data = frame if raw else _neutralised(frame, index)
    kwargs.setdefault("lineterminator", "\n")
    if kwargs.keys() <= {"lineterminator", "header"} and kwargs["lineterminator"] == "\n":
        header = kwargs.get("header", True)
        if isinstance(header, bool):
            text = _fast_numeric_csv(data, index, header)
            if text is not None:
                return text
    return data.to_csv(index=index, **kwargs)


def write_csv(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    index: bool = True,
    raw: bool | None = None,
    **kwargs,
) -> Path:
    """Write ``frame`` to ``path`` atomically, formula-like text neutralised (unless ``raw``).

    ``raw=None`` follows the ``RESEARCH_RAW_CSV`` environment variable. Other keyword arguments
    go to :meth:`pandas.DataFrame.to_csv`.
    """
    from research.atomic import atomic_write

    target = Path(path)
    text = csv_text(frame, index=index, raw=raw, **kwargs)
    with atomic_write(target) as tmp:
        tmp.write_text(text, encoding=kwargs.get("encoding") or "utf-8", newline="")
    return target
