"""Turn answers into numeric codes with each item's scale or choices, a column at a time.

Each column is factorised once (``pandas.factorize``), the few distinct answers are looked up
in Python, and the codes are spread back with one ``take``: the cost is a hash per cell, not a
Python call per cell.

Order of lookup for an answer: the platform's own value label (SPSS) translated to its text;
the label, case- and whitespace-insensitively; an answer that already is one of the item's codes
(numeric exports, KoboToolbox choice names). Anything else is out of scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import RecodeError
from ..questionnaire import Item, Questionnaire
from .names import strip_html
from .numbers import to_number

__all__ = [
    "PROBLEM_COLUMNS",
    "Recoded",
    "recode_columns",
    "recode_item",
    "reverse_key",
    "to_number",
]

#: Columns of :attr:`Recoded.problems`.
PROBLEM_COLUMNS = ["row", "column", "item", "value", "problem"]
_BOUNDARY = {",": "[,;]", ", ": "[,;]", " ": r"\s", ";": ";"}
_FALSE = {"", "0", "0.0", "false", "no", "nan"}
_QUALTRICS_UNANSWERED = {"-99"}


def _fold(value: object) -> str:
    return " ".join(strip_html(value).lower().split())


def _code_key(value: object) -> str | None:
    """``"3"`` for 3, 3.0 and ``"3"``; ``None`` for anything that is not a whole number."""
    try:
        f = float(str(value).strip())
    except ValueError:
        return None
    return str(int(f)) if np.isfinite(f) and f.is_integer() else None


@dataclass(frozen=True)
class Recoded:
    """Codes, open text and problems of one export.

    Attributes
    ----------
    codes : pd.DataFrame
        Row position index; one float column per item (``<item>_<code>`` 0/1 columns for
        multiple choice), NaN for blank or (lenient) out-of-scale answers.
    text : pd.DataFrame
        Open-ended answers as strings.
    problems : pd.DataFrame
        ``row, column, item, value, problem``: every answer set missing because it was not
        a label or code of its item (row = 0-based data row position).
    """

    codes: pd.DataFrame
    text: pd.DataFrame
    problems: pd.DataFrame


class _Lookup:
    """One item's labels and codes, and a cache of parsed answers."""

    def __init__(self, item: Item, q: Questionnaire) -> None:
        options = q.options(item)
        self.codes = [c.code for c in options]
        self.by_label = {_fold(c.label): c.code for c in options}
        self.by_code = {str(c.code): c.code for c in options}
        labels = sorted((lab for lab in self.by_label if lab), key=len, reverse=True)
        self.labels = labels
        # Non-substantive answers ("Don't know", 99): missing, never out of scale.
        missing = q.missing_answers(item)
        self.missing_labels = {_fold(m) for m in missing if isinstance(m, str)}
        self.missing_codes = {str(m) for m in missing if isinstance(m, int)}

    def is_missing(self, value: object, labels: dict | None = None) -> bool:
        """Whether an answer is one the questionnaire declares missing."""
        if not (self.missing_labels or self.missing_codes):
            return False
        key = _code_key(value)
        if key is not None and key in self.missing_codes:
            return True
        if labels:
            lab = labels.get(int(key)) if key is not None else labels.get(value)
            if lab is not None and _fold(lab) in self.missing_labels:
                return True
        return _fold(value) in self.missing_labels

    def one(self, value: object, labels: dict | None) -> float | None:
        """The code of one answer; ``None`` when it is out of scale, NaN when declared missing."""
        if self.is_missing(value, labels):
            return np.nan
        if labels:
            key = _code_key(value)
            lab = labels.get(int(key)) if key is not None else labels.get(value)
            if lab is not None and _fold(lab) in self.by_label:
                return float(self.by_label[_fold(lab)])
        folded = _fold(value)
        if folded in self.by_label:
            return float(self.by_label[folded])
        key = _code_key(value)
        if key is not None and key in self.by_code:
            return float(self.by_code[key])
        return None

    def many(self, value: str, sep: str | None) -> tuple[set[int], list[str]]:
        """Codes ticked in a joined multi-select cell, and the parts not understood."""
        b = _BOUNDARY.get(sep or "", "[,;|]")
        rest = _fold(value)
        found: set[int] = set()
        for lab in self.labels:  # longest first, so labels containing the separator survive
            if lab in rest:
                pat = re.compile(rf"(?:^|(?<={b}))\s*{re.escape(lab)}\s*(?=$|{b})")
                if pat.search(rest):
                    found.add(self.by_label[lab])
                    rest = pat.sub(" " if b == r"\s" else ",", rest)
        bad = []
        for part in re.split(b, rest):
            part = part.strip()
            if not part:
                continue
            key = _code_key(part)
            if key is not None and key in self.by_code:
                found.add(self.by_code[key])
            else:
                bad.append(part)
        return found, bad


def _blank(uniques: np.ndarray) -> np.ndarray:
    return np.array(
        [
            u is None or (isinstance(u, float) and np.isnan(u)) or str(u).strip() == ""
            for u in uniques
        ],
        dtype=bool,
    )


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values.to_numpy(), use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _single(values, item, look, labels, platform, problems, column) -> np.ndarray:
    codes, uniques = _factorize(values)
    blank = _blank(uniques)
    lut = np.full(len(uniques) + 1, np.nan)
    for k, u in enumerate(uniques):
        if blank[k]:
            continue
        got = look.one(u, labels)
        if got is not None:
            lut[k] = got
        elif platform == "qualtrics" and str(u).strip() in _QUALTRICS_UNANSWERED:
            continue  # Qualtrics writes -99 for "seen but unanswered"
        else:
            rows = np.flatnonzero(codes == k)
            problems.append((rows, column, item.id, u, "not a label or code of its scale"))
    return lut[codes]  # code -1 (missing) picks the trailing NaN


def _numeric(values, item, problems, column, decimal_comma=False, q=None) -> np.ndarray:
    missing = q.missing_answers(item) if q is not None else []
    if missing:
        codes = {float(m) for m in missing if isinstance(m, int)}
        words = {_fold(m) for m in missing if isinstance(m, str)}
        folded = values.map(lambda v: _fold(v) if isinstance(v, str) else v)
        nums = pd.to_numeric(values, errors="coerce")
        values = values.where(~(folded.isin(words) | nums.isin(codes)), None)
    num, bad = to_number(values, decimal_comma=decimal_comma)
    with np.errstate(invalid="ignore"):
        if item.min is not None:
            bad |= num < item.min
        if item.max is not None:
            bad |= num > item.max
    if bad.any():
        cells = values.to_numpy(dtype=object)
        for v in pd.unique(cells[bad]):
            rows = np.flatnonzero(bad & (cells == v))
            problems.append((rows, column, item.id, v, "not a number in range"))
        num = np.where(bad, np.nan, num)
    return num


def _multi_joined(values, item, look, sep, problems, column) -> dict[str, np.ndarray]:
    codes, uniques = _factorize(values)
    blank = _blank(uniques)
    mat = np.zeros((len(uniques) + 1, len(look.codes)))
    mat[-1] = np.nan
    pos = {c: j for j, c in enumerate(look.codes)}
    for k, u in enumerate(uniques):
        if blank[k]:
            mat[k] = np.nan
            continue
        if look.is_missing(u):
            mat[k] = np.nan
            continue
        found, bad = look.many(str(u), sep)
        bad = [b for b in bad if not look.is_missing(b)]
        for c in found:
            mat[k, pos[c]] = 1.0
        if bad:
            rows = np.flatnonzero(codes == k)
            problems.append(
                (rows, column, item.id, u, f"has an option not in the choice list: {bad[0]!r}")
            )
    out = mat[codes]
    return {f"{item.id}_{c}": out[:, j] for j, c in enumerate(look.codes)}


def _rank_joined(values, item, look, sep, problems, column) -> dict[str, np.ndarray]:
    """A ranking answered in one cell, options in rank order (XLSForm ``rank``: codes joined
    by spaces): the rank of each option in ``<item>_<code>``, missing if it was not ranked."""
    codes, uniques = _factorize(values)
    blank = _blank(uniques)
    mat = np.full((len(uniques) + 1, len(look.codes)), np.nan)
    pos = {c: j for j, c in enumerate(look.codes)}
    split = re.compile(r"\s+" if sep == " " else r"[,;|]")
    for k, u in enumerate(uniques):
        if blank[k]:
            continue
        parts = [p for p in split.split(str(u)) if p.strip()]
        got = [look.one(p, None) for p in parts]
        bad = [p for p, g in zip(parts, got, strict=True) if g is None]
        if bad or len(set(got)) < len(got):
            rows = np.flatnonzero(codes == k)
            what = (
                f"has an option not in the choice list: {bad[0]!r}" if bad else "repeats an option"
            )
            problems.append((rows, column, item.id, u, what))
            continue
        for rank, code in enumerate(got, start=1):
            mat[k, pos[int(code)]] = rank
    out = mat[codes]
    return {f"{item.id}_{c}": out[:, j] for j, c in enumerate(look.codes)}


def _multi_spread(data, cols, item, look) -> dict[str, np.ndarray]:
    ticked, answered = {}, None
    for col, option in cols:
        codes, uniques = _factorize(data[col])
        on = np.array(
            [_fold(u) not in _FALSE if u is not None else False for u in uniques] + [False]
        )
        seen = np.array([not b for b in _blank(uniques)] + [False])
        ticked[option] = on[codes].astype(float)
        answered = seen[codes] if answered is None else answered | seen[codes]
    out = {}
    for c in look.codes:
        col = ticked.get(c)
        col = np.zeros(len(data)) if col is None else col
        out[f"{item.id}_{c}"] = np.where(answered, col, np.nan)
    return out


def recode_columns(
    data: pd.DataFrame,
    mapping: pd.DataFrame,
    q: Questionnaire,
    *,
    value_labels: dict | None = None,
    separator: str | None = ",",
    platform: str | None = None,
    lenient: bool = False,
    path: str | None = None,
    row_ids: pd.Series | None = None,
    decimal_comma: bool = False,
) -> Recoded:
    """Recode every mapped column of an export.

    Parameters
    ----------
    data : pd.DataFrame
        The reader's frame (strings, or numbers for SPSS).
    mapping : pd.DataFrame
        ``column, item, option`` from :func:`research.ingest.mapping.map_columns`.
    q : Questionnaire
    value_labels : dict, optional
        Column -> {code: label} carried by the export; codes are translated through them.
    separator : str, optional
        How the platform joins choices in one cell (``,`` ``", "`` or ``" "``).
    platform : str, optional
        The export's format (Qualtrics' ``-99`` "seen but unanswered" becomes missing).
    lenient : bool
        Set out-of-scale answers missing (listed in ``problems``) instead of raising.
    path : str, optional
        For error messages.
    row_ids : pd.Series, optional
        Respondent id of each row, named in error messages.
    decimal_comma : bool
        Read ``12,500`` in numeric items as 12.5 rather than 12500 when no cell of the column
        settles it (the export comes from a decimal-comma locale, e.g. ``;``-delimited).

    Raises
    ------
    RecodeError
        (not `lenient`) An answer is not a label or code of its item; the message names the
        respondent, the column, the value and how many answers share the problem.
    """
    value_labels = value_labels or {}
    used = mapping[mapping["item"].notna()]
    by_item: dict[str, list[tuple[str, object]]] = {}
    for col, item_id, option in zip(used["column"], used["item"], used["option"], strict=True):
        by_item.setdefault(item_id, []).append(
            (col, None if option is None or pd.isna(option) else option)
        )
    codes: dict[str, np.ndarray] = {}
    text: dict[str, np.ndarray] = {}
    problems: list[tuple] = []
    for item in q.items:
        cols = by_item.get(item.id)
        if not cols:
            continue
        col = cols[0][0]
        if item.type == "text":
            text[item.id] = (
                data[col].astype(object).where(data[col].notna(), "").astype(str).to_numpy()
            )
        elif item.type == "numeric":
            codes[item.id] = _numeric(data[col], item, problems, col, decimal_comma, q)
        elif item.type in ("multi", "ranking") and any(o is not None for _, o in cols):
            look = _Lookup(item, q)
            spread = [(c, o) for c, o in cols if o is not None]
            if item.type == "multi":
                codes.update(_multi_spread(data, spread, item, look))
            else:
                for c, o in spread:
                    codes[f"{item.id}_{o}"] = _numeric(data[c], item, problems, c, decimal_comma, q)
        elif item.type == "multi":
            codes.update(_multi_joined(data[col], item, _Lookup(item, q), separator, problems, col))
        elif item.type == "ranking":
            codes.update(_rank_joined(data[col], item, _Lookup(item, q), separator, problems, col))
        else:
            look = _Lookup(item, q)
            codes[item.id] = _single(
                data[col], item, look, value_labels.get(col), platform, problems, col
            )
    if problems and not lenient:
        rows, col, item_id, value, what = min(problems, key=lambda p: int(p[0][0]))
        n = sum(len(p[0]) for p in problems)
        first = int(rows[0])
        raise RecodeError(
            f"answer {value!r} to item {item_id!r} {_verb(what)} ({n} such answers; use "
            "lenient to set them missing)",
            path=path,
            row=row_ids.iloc[first] if row_ids is not None else first + 1,
            column=col,
        )
    index = data.index
    prob = pd.DataFrame(
        [(int(r), c, i, v, w) for rows, c, i, v, w in problems for r in rows],
        columns=PROBLEM_COLUMNS,
    ).sort_values(["row", "column"], kind="stable", ignore_index=True)
    return Recoded(
        codes=pd.DataFrame(codes, index=index, copy=False),
        text=pd.DataFrame(text, index=index),
        problems=prob,
    )


def _verb(what: str) -> str:
    return what if what.startswith("has ") else f"is {what}"


def recode_item(
    values: pd.Series,
    item: Item,
    q: Questionnaire,
    *,
    lenient: bool = False,
    path: str | None = None,
    column: str | None = None,
) -> pd.DataFrame:
    """Codes for one item's answers (one column, or ``<item>_<code>`` per option for multi).

    Raises
    ------
    RecodeError
        An answer is not a label or code of the item (unless `lenient`).
    """
    col = column or item.id
    frame = pd.DataFrame({col: values.to_numpy()})
    mapping = pd.DataFrame({"column": [col], "item": [item.id], "option": [None]})
    out = recode_columns(
        frame, mapping, q, lenient=lenient, path=path, row_ids=pd.Series(values.index)
    )
    result = out.codes if item.type != "text" else out.text
    return result.set_axis(values.index)


def reverse_key(codes: pd.Series, item: Item, q: Questionnaire) -> pd.Series:
    """Reverse a reverse-keyed item's codes within its scale (min + max - code)."""
    if not item.reverse:
        return codes
    scale = [c.code for c in q.options(item)]
    return min(scale) + max(scale) - codes
