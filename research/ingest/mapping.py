"""Match export columns to questionnaire items, and report what matched and what did not.

A column is matched, in this order of trust, by: a mapping file (``file``); the platform's own
name for the item, i.e. :func:`research.questionnaire.platforms.export_columns` or the item id
itself (``id``); the Qualtrics ImportId (``import_id``: ``QID5_1`` or ``QID5-1`` is item
``QID5_1``); the export tag or question name with group paths and odd characters removed
(``name``: ``Q4#1_1`` → ``Q4_1_1``, ``attitudes/sus_1`` → ``sus_1``, ``channels_3`` → option 3
of ``channels``); or the question text with HTML stripped and whitespace folded (``text``,
including ``Block title - statement`` as Qualtrics, SurveyMonkey and Google Forms write grid
statements and ``question - option`` for spread multi-select columns).
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import MappingError, QuestionnaireError, suggest
from ..questionnaire import Questionnaire
from .names import (
    METADATA_COLUMNS,
    PERSONAL_COLUMNS,
    QUALTRICS_METADATA,
    is_question_id,
    is_timing,
    normalise_text,
    sanitise_id,
    strip_html,
)

__all__ = [
    "MAPPING_COLUMNS",
    "METADATA_COLUMNS",
    "PERSONAL_COLUMNS",
    "QUALTRICS_METADATA",
    "is_question_id",
    "is_timing",
    "map_columns",
    "mapping_report",
    "normalise_text",
    "sanitise_id",
    "strip_html",
]

#: Columns of the mapping table.
MAPPING_COLUMNS = ["column", "item", "option", "how", "detail"]
_RANK = {"file": 0, "id": 1, "import_id": 2, "name": 3, "text": 4}
_PLATFORM = {"qualtrics": "qualtrics", "kobo": "xlsform"}
_LOOP = re.compile(r"^(\d+)_(.+)$")  # Qualtrics loop & merge: 2_QID5 / 2_Q5
_TEXT_ENTRY = re.compile(r"[_-]TEXT$", re.IGNORECASE)  # QID9-TEXT, Q9_TEXT: a text box
_OPTION_TEXT = re.compile(r"[_-]\d+[_-]TEXT$", re.IGNORECASE)  # Q3_4_TEXT: beside option 4
_QTAG = re.compile(r"^(Q\d+)_(.+)$")  # Insights matrices: Q44_<statement tag>_<answer>


def _fold(s: str) -> str:
    return " ".join(str(s).lower().split())


class _Index:
    """Lookups of a questionnaire's items by id, text, block title and option label."""

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.items = {i.id: i for i in q.items}
        self.by_text: dict[str, list[str]] = {}
        self.block_of: dict[str, str] = {}
        for block in q.blocks:
            for item in block.items:
                self.by_text.setdefault(normalise_text(item.text), []).append(item.id)
                self.block_of[item.id] = normalise_text(block.title)
        self.labels = {
            i.id: {_fold(strip_html(c.label)): c.code for c in q.options(i)}
            for i in q.items
            if i.type == "multi"
        }
        self.option_names = {
            f"{i}_{code}": (i, code)
            for i, labels in self.labels.items()
            for code in labels.values()
        }

    def option(self, item_id: str, label: str) -> int | None:
        return self.labels.get(item_id, {}).get(_fold(normalise_text(label)))


def _by_text(ix: _Index, text: str, option_label: str) -> tuple[list[tuple[str, object]], str]:
    """Candidate (item, option) pairs for a column's question text."""
    t = normalise_text(text)
    if not t:
        return [], ""
    if option_label:  # SurveyMonkey spread column: question text + option / statement
        hits = [(i, ix.option(i, option_label)) for i in ix.by_text.get(t, []) if i in ix.labels]
        hits = [(i, o) for i, o in hits if o is not None]
        if hits:
            return hits, ""
        stmt = ix.by_text.get(normalise_text(option_label), [])
        hits = [(i, None) for i in stmt if ix.block_of[i] == t] or [(i, None) for i in stmt]
        if hits:
            return hits, ""
    exact = [(i, None) for i in ix.by_text.get(t, [])]
    if exact:
        return exact, ""
    for sep in (" - ", "-"):
        start = len(t)
        while (k := t.rfind(sep, 0, start)) > 0:
            start = k
            prefix, suffix = t[:k].strip(), t[k + len(sep) :].strip()
            opts = [
                (i, ix.option(i, suffix))
                for i in ix.by_text.get(prefix, [])
                if i in ix.labels and ix.option(i, suffix) is not None
            ]
            if opts:
                return opts, ""
            stmt = ix.by_text.get(suffix, [])
            if stmt:
                p = prefix.removesuffix("...").strip()
                same = [i for i in stmt if ix.block_of[i] and ix.block_of[i].startswith(p)]
                return [(i, None) for i in (same or stmt)], ""
    if t.endswith("..."):
        p = t[:-3].strip()
        hits = [(i, None) for txt, ids in ix.by_text.items() if txt.startswith(p) for i in ids]
        return hits, "question text truncated by the platform"
    return [], ""


def _match(ix: _Index, row: dict, platform: dict) -> tuple[str | None, object, str, str]:
    """(item, option, how, detail) for one export column."""
    col, name = row["column"], row["name"] or row["column"]
    # A name the export repeats (legacy Qualtrics matrices) says nothing: use ImportId or text.
    by_name = not row.get("repeated")
    if by_name and col in platform:
        item, option = platform[col]
        return item, option, "id", ""
    for cand in (col, name) if by_name else ():
        if cand in ix.items:
            code = row.get("option_code") or None
            if code is not None and ix.items[cand].type == "multi":
                return cand, _int(code), "id", ""
            return cand, None, "id", ""
    if row["import_id"]:
        imp = sanitise_id(row["import_id"])
        code = row.get("option_code")
        if code and imp in ix.items and ix.items[imp].type == "multi":
            return imp, _int(code), "import_id", ""
        if imp in ix.items:
            return imp, None, "import_id", ""
        if imp in ix.option_names:
            item, code = ix.option_names[imp]
            return item, code, "import_id", ""
    for cand in (name, col) if by_name else ():
        sid = sanitise_id(cand)
        if sid in ix.items:
            return sid, None, "name", ""
        if sid in ix.option_names:
            item, code = ix.option_names[sid]
            return item, code, "name", ""
    if col in METADATA_COLUMNS or name in METADATA_COLUMNS:
        return None, None, "metadata", ""
    if is_timing(name, row["import_id"]):
        return None, None, "metadata", "Qualtrics paradata (timer or display order)"
    by_loop_name, by_loop_id = _LOOP.match(name), _LOOP.match(row["import_id"] or "")
    if by_name and (by_loop_name or by_loop_id):
        short = by_loop_name[2] if by_loop_name else name
        inner_row = {
            **row,
            "column": short,
            "name": short,
            "import_id": by_loop_id[2] if by_loop_id else row["import_id"],
        }
        inner = _match(ix, inner_row, platform)
        if inner[0] is not None:
            n = (by_loop_name or by_loop_id)[1]
            return (
                None,
                None,
                "unmapped",
                (
                    f"loop & merge iteration {n} of item {inner[0]}: say which iteration holds the "
                    "item in a mapping file"
                ),
            )
    if row["import_id"] and not is_question_id(row["import_id"]):
        return None, None, "metadata", f"ImportId {row['import_id']}"
    tagged = _QTAG.match(sanitise_id(name)) if by_name else None
    if tagged and tagged[2] in ix.items:
        return tagged[2], None, "name", f"after the export tag {tagged[1]}"
    if tagged and tagged[2] in ix.option_names:
        item, code = ix.option_names[tagged[2]]
        return item, code, "name", f"after the export tag {tagged[1]}"
    typed = "typed text (an 'Other, please specify' box or a text question) with no item"
    if _OPTION_TEXT.search(row["import_id"] or name):  # its text is the option's: do not match
        return None, None, "unmapped", typed
    hits, note = _by_text(ix, row["question_text"] or col, row.get("option_label", ""))
    unique = list(dict.fromkeys(hits))
    if len(unique) == 1:
        return unique[0][0], unique[0][1], "text", note
    if unique:
        return None, None, "ambiguous", "matches " + ", ".join(sorted({i for i, _ in unique}))
    return None, None, "unmapped", typed if _TEXT_ENTRY.search(row["import_id"] or name) else ""


def _int(code: object) -> object:
    try:
        return int(str(code))
    except ValueError:
        return code


def _platform_table(q: Questionnaire, fmt: str | None) -> dict[str, tuple[str, object]]:
    if fmt not in _PLATFORM:
        return {}
    from ..questionnaire.platforms import export_columns

    try:
        table = export_columns(q, _PLATFORM[fmt])
    except QuestionnaireError:
        return {}
    return {
        str(r.column): (str(r.item), None if pd.isna(r.option) else _int(r.option))
        for r in table.itertuples(index=False)
    }


def _apply_file(ix: _Index, mapping_file: pd.DataFrame, path) -> tuple[dict, dict, set]:
    by_col, by_imp, ignored = {}, {}, set()
    for r in mapping_file.itertuples(index=False):
        item = str(r.item).strip()
        if item and item not in ix.items:
            raise MappingError(
                f"mapping file names item {item!r}, which is not in the questionnaire"
                f"{suggest(item, ix.items)}",
                path=path,
                line=getattr(r, "line", None),
            )
        option = _int(r.option) if str(r.option).strip() else None
        target = (item, option) if item else None
        col = str(r.column).strip()
        if col and target:
            by_col[col] = target
        elif col:
            ignored.add(col)
        if str(r.import_id).strip():
            by_imp[str(r.import_id).strip()] = target
    return by_col, by_imp, ignored


def map_columns(
    columns: pd.DataFrame,
    q: Questionnaire,
    *,
    strict: bool = False,
    path: str | None = None,
    platform: str | None = None,
    mapping_file: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Map each export column to a questionnaire item (and option, for spread multi-select).

    Parameters
    ----------
    columns : pd.DataFrame
        ``column, question_text, import_id`` at least, as a reader's ``meta.columns``.
    q : Questionnaire
    strict : bool
        Raise when a questionnaire item has no column.
    path : str, optional
        The export (or the mapping file), for error messages.
    platform : str, optional
        The export's format (``qualtrics``, ``kobo``...): its column names for our rendered
        questionnaires come from :func:`research.questionnaire.platforms.export_columns`.
    mapping_file : pd.DataFrame, optional
        From :func:`research.ingest.generic.read_mapping_file`; wins over every other rule.

    Returns
    -------
    pd.DataFrame
        ``column, item, option, how, detail``, one row per export column. ``how`` is one of
        ``file``, ``id``, ``import_id``, ``name``, ``text`` (mapped), ``metadata``,
        ``ignored`` (mapping file says so), ``duplicate`` (a better column holds the same
        item), ``ambiguous`` (several items fit; ``detail`` lists them) or ``unmapped``.

    Raises
    ------
    MappingError
        A mapping file names an unknown item, or (`strict`) an item has no column.
    """
    ix = _Index(q)
    plat = _platform_table(q, platform)
    by_col, by_imp, ignored = ({}, {}, set())
    if mapping_file is not None:
        by_col, by_imp, ignored = _apply_file(ix, mapping_file, path)
    rows = []
    names = columns["name"] if "name" in columns else columns["column"]
    codes = (
        columns["option_code"] if "option_code" in columns else pd.Series("", index=columns.index)
    )
    keys = pd.Series(list(zip(names, codes.fillna(""), strict=True)), index=columns.index)
    repeated = set(keys[keys.duplicated()])
    for row, key in zip(columns.to_dict("records"), keys, strict=True):
        row.setdefault("name", row["column"])
        row["repeated"] = key in repeated
        row.setdefault("import_id", "")
        col = row["column"]
        if col in ignored:
            rows.append([col, None, None, "ignored", "mapping file"])
        elif col in by_col:
            rows.append([col, *by_col[col], "file", ""])
        elif row["import_id"] in by_imp and by_imp[row["import_id"]] is not None:
            rows.append([col, *by_imp[row["import_id"]], "file", f"ImportId {row['import_id']}"])
        else:
            rows.append([col, *_match(ix, row, plat)])
    out = pd.DataFrame(rows, columns=MAPPING_COLUMNS, dtype=object)  # option codes stay int
    out = _resolve_duplicates(out, ix)
    missing = [i for i in ix.items if i not in set(out["item"].dropna())]
    if strict and missing:
        raise MappingError(
            f"questionnaire items with no column in the export: {missing}"
            f"{suggest(missing[0], out.loc[out['how'] == 'unmapped', 'column'])}",
            path=path,
        )
    return out


def _resolve_duplicates(out: pd.DataFrame, ix: _Index) -> pd.DataFrame:
    """Keep the most trusted column for each item (or item option); mark the rest."""
    mapped = out[out["item"].notna()].copy()
    if mapped.empty:
        return out
    mapped["rank"] = mapped["how"].map(_RANK).fillna(9)
    mapped["key"] = [
        f"{i}\x00{'' if o is None or pd.isna(o) else o}"
        for i, o in zip(mapped["item"], mapped["option"], strict=True)
    ]
    out = out.copy()
    for _, grp in mapped.groupby("key", sort=False):
        if len(grp) < 2:
            continue
        best = grp.sort_values("rank", kind="stable").index[0]
        for idx in grp.index.drop(best):
            out.loc[idx, "detail"] = (
                f"{out.at[idx, 'item']} is already in column {out.at[best, 'column']!r}"
            )
            out.loc[idx, ["item", "option", "how"]] = [None, None, "duplicate"]
    # A multi item spread over option columns does not also need its joined column.
    spread = {
        i
        for i, o in zip(out["item"], out["option"], strict=True)
        if i is not None and o is not None and not pd.isna(o)
    }
    joined = out["item"].isin(spread) & out["option"].isna()
    for idx in out.index[joined]:
        out.loc[idx, "detail"] = f"{out.at[idx, 'item']} is read from its option columns"
        out.loc[idx, ["item", "option", "how"]] = [None, None, "duplicate"]
    return out


def mapping_report(mapping: pd.DataFrame, q: Questionnaire) -> dict:
    """Counts and lists for the import summary: mapped, unmapped, ambiguous, items missing.

    Returns
    -------
    dict
        ``mapped`` (columns mapped), ``by_how`` (count per rule), ``unmapped``, ``ambiguous``
        (column -> candidate items), ``duplicate``, ``metadata`` (column lists) and
        ``items_without_column``.
    """
    how = mapping["how"]
    mapped = mapping[mapping["item"].notna()]
    items = set(mapped["item"])
    return {
        "columns": int(len(mapping)),
        "mapped": int(len(mapped)),
        "by_how": {str(k): int(v) for k, v in how.value_counts().sort_index().items()},
        "unmapped": mapping.loc[how == "unmapped", "column"].tolist(),
        "ambiguous": dict(
            zip(
                mapping.loc[how == "ambiguous", "column"],
                mapping.loc[how == "ambiguous", "detail"],
                strict=True,
            )
        ),
        "duplicate": mapping.loc[how == "duplicate", "column"].tolist(),
        "metadata": mapping.loc[
            how.isin(["metadata", "personal", "ignored", "empty"]), "column"
        ].tolist(),
        "items_without_column": [i.id for i in q.items if i.id not in items],
    }
