"""Draft a questionnaire from what an export (or a ``.qsf`` survey definition) says about itself.

Used by ``research questionnaire infer`` and by imports without ``--questionnaire``: every
answer column becomes an item, typed from its answers — value labels (SPSS) become choices,
answers that are all labels of a library scale become a Likert / importance item on that scale,
a few distinct answers become a single-choice item (codes in natural order: ``18-24`` before
``25-34``), numbers become numeric items, and the rest open text. Questions a platform spreads
over columns (SurveyMonkey multiple answers and matrices) become one multi-choice item or one
block of statements.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import InputFileError, QuestionnaireError
from ..questionnaire import LIBRARY_SCALES, Questionnaire, parse_questionnaire
from .bases import guess_basis
from .mapping import MAPPING_COLUMNS, METADATA_COLUMNS, is_question_id, is_timing, sanitise_id
from .meta import ExportMeta
from .ordinal import excel_date, high_to_low, is_missing_label, order_scale, scale_family

__all__ = ["build_questionnaire", "infer_from_export", "infer_questionnaire", "questionnaire_yaml"]

_MAX_CHOICES = 15
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _fold(s: object) -> str:
    return " ".join(str(s).lower().split())


def _natural(label: str) -> tuple:
    m = _NUMBER.search(label)
    return (0, float(m.group().replace(",", "")), label) if m else (1, 0.0, label.lower())


def _library_scale(values: list[str]) -> str | None:
    folded = {_fold(v) for v in values}
    for sid, spec in LIBRARY_SCALES.items():
        labels = {_fold(lab) for lab in spec["labels"]}
        if len(folded) >= 2 and folded <= labels and not all(v.isdigit() for v in folded):
            return sid
    return None


def _distinct(values: pd.Series) -> list:
    if values.dtype.kind in "fiub":
        return [v for v in pd.unique(values.dropna())]
    s = values.dropna().astype(str).str.strip()
    return [v for v in pd.unique(s[s != ""])]


def _code_int(code: str, position: int) -> int:
    try:
        return int(code)
    except ValueError:
        return position


def _code(v: object) -> object:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _label_key(value: object, labels: dict) -> bool:
    """Whether an answer is one of the labelled codes (partly labelled variables are numbers)."""
    if value in labels:
        return True
    try:
        f = float(value)
    except (TypeError, ValueError):
        return False
    return f.is_integer() and int(f) in labels


def _is_number(values: list) -> bool:
    try:
        [float(str(v).replace(",", "")) for v in values]
    except ValueError:
        return False
    return True


class _Scales:
    """Rating scales found so far: items answered on the same words share one scale."""

    def __init__(self) -> None:
        self.scales: dict[str, dict] = {}
        self.positions: dict[str, dict[str, float]] = {}
        self.notes: list[str] = []
        self.top_down: dict[tuple[str, ...], list[str]] = {}  # numbered scales run 1 = top

    def add(self, points: list[str], missing: list, family: str) -> str:
        """The id of the scale holding `points` (low to high), merging a partial one."""
        pos = {_fold(p): float(i) for i, p in enumerate(points)}
        if family != "numbered":
            pos = {_fold(p): scale_family(p)[1] for p in points}  # type: ignore[index]
        for sid, have in self.positions.items():
            if not sid.startswith(family):
                continue
            merged = {**have, **pos}
            same = all(have[k] == v for k, v in pos.items() if k in have)
            if same and len(set(merged.values())) == len(merged):
                spec = self.scales[sid]
                labels = {_fold(x): x for x in spec["labels"]} | {_fold(p): p for p in points}
                spec["labels"] = [labels[k] for k in sorted(merged, key=merged.__getitem__)]
                spec["missing"] = _merge_missing(spec.get("missing", []), missing)
                if not spec["missing"]:
                    spec.pop("missing")
                self.positions[sid] = merged
                return sid
        sid = f"{family}{len(points)}"
        k = 1
        while sid in self.scales or sid in LIBRARY_SCALES:  # never shadow a library scale
            k += 1
            sid = f"{family}{len(points)}_{k}"
        self.scales[sid] = {
            "labels": list(points),
            **({"missing": list(missing)} if missing else {}),
        }
        self.positions[sid] = pos
        return sid


def _merge_missing(a: list, b: list) -> list:
    out = list(a)
    seen = {_fold(x) for x in a}
    for x in b:
        if _fold(x) not in seen:
            out.append(x)
            seen.add(_fold(x))
    return out


def _rating(kind_hint: str, sid: str, text: str, missing: list | None = None) -> dict:
    kind = "importance" if kind_hint.startswith("importan") else "likert"
    item = {"type": kind, "text": text, "scale": sid}
    if missing:
        item["missing"] = list(missing)
    return item


def _library_exact(points: list[str]) -> str | None:
    folded = [_fold(p) for p in points]
    for sid, spec in LIBRARY_SCALES.items():
        if [_fold(x) for x in spec["labels"]] == folded and not all(x.isdigit() for x in folded):
            return sid
    return None


def _labelled_rating(col: str, labels: dict, text: str, ctx: _Scales) -> dict | None:
    """A rating item from value labels ordered by their words; reversed codes are flagged."""
    words = [str(v) for v in labels.values()]
    found = order_scale(words)
    if found is None:
        return None
    points, missing, family = found
    codes = {str(v): k for k, v in labels.items()}
    order = [codes[p] for p in points]
    if all(isinstance(c, int | np.integer) for c in order) and order == sorted(order):
        pass
    elif all(isinstance(c, int | np.integer) for c in order) and order == sorted(order)[::-1]:
        ctx.notes.append(
            f"{col}: the export codes {order[-1]} = {points[-1]!r} and {order[0]} = "
            f"{points[0]!r}; imported so that a higher code means more {family}"
        )
    sid = _library_exact(points) or ctx.add(points, missing, family)
    return _directed(
        col,
        points,
        family,
        ctx,
        _rating(family, sid, text, missing if sid in LIBRARY_SCALES else None),
    )


def _directed(col: str, points: list[str], family: str, ctx: _Scales, item: dict) -> dict:
    """Mark reverse an item whose numbered scale runs from the top down (``1 Strongly
    agree``), so that a higher code means more of what the words name."""
    if family == "numbered" and high_to_low(points):
        item["reverse"] = True
        ctx.top_down.setdefault(tuple(points), []).append(col)
    return item


def _item_for(
    col: str, values: pd.Series, meta: ExportMeta, text: str, ctx: _Scales | None = None
) -> dict | None:
    ctx = ctx if ctx is not None else _Scales()
    labels = meta.value_labels.get(col)
    distinct = _distinct(values)
    if not distinct:
        return None
    missing = {_code(v) for v in meta.missing_codes.get(col, [])}
    labels = {k: v for k, v in (labels or {}).items() if k not in missing}
    if labels and all(_label_key(v, labels) for v in distinct):
        rating = _labelled_rating(col, labels, text, ctx)
        if rating is not None:
            return rating
        keys = list(labels)
        if all(isinstance(k, int | np.integer) for k in keys):
            choices = [{"code": int(k), "label": str(labels[k]) or str(k)} for k in sorted(keys)]
        else:
            choices = [
                {"code": i + 1, "label": str(labels[k]) or str(k)} for i, k in enumerate(keys)
            ]
        lab_list = [c["label"] for c in choices]
        sid = _library_scale(lab_list)
        if sid and len({_fold(x) for x in lab_list}) == len(LIBRARY_SCALES[sid]["labels"]):
            return {
                "type": "importance" if sid.startswith("importance") else "likert",
                "text": text,
                "scale": sid,
            }
        if len({_fold(c["label"]) for c in choices}) == len(choices):
            return {"type": "single", "text": text, "choices": choices}
    if values.dtype.kind in "fiub" or _is_number(distinct):
        whole = _whole_numbers(values)
        item = {"type": "numeric", "text": text}
        if whole and len(whole) <= 15 and min(whole) >= 0:
            item["_codes"] = whole
        return item
    strs = [str(v) for v in distinct]
    mangled = [s for s in strs if excel_date(s)]
    if mangled:
        ctx.notes.append(
            f"{col}: answers like {mangled[0]!r} look like a range or fraction that Excel "
            "turned into a date (e.g. '1-5' saved as '5-Jan'); fix them in the source export"
        )
    found = order_scale(strs)
    if found is not None:
        points, miss, family = found
        sid = _library_scale(points) if len(points) >= 3 else None
        if sid and len(LIBRARY_SCALES[sid]["labels"]) - len(points) > 1:
            sid = None  # five of agree7's seven points are a five-point scale of their own
        if sid and [_fold(x) for x in LIBRARY_SCALES[sid]["labels"]] != [_fold(x) for x in points]:
            lib = [_fold(x) for x in LIBRARY_SCALES[sid]["labels"]]
            if [x for x in lib if x in {_fold(p) for p in points}] != [_fold(p) for p in points]:
                sid = None
        sid = sid or ctx.add(points, miss, family)
        rating = _rating(family, sid, text, miss if sid in LIBRARY_SCALES else None)
        return _directed(col, points, family, ctx, rating)
    for sep in ([meta.separator] if meta.separator else []) + ["|", ";", ", ", ","]:
        choices = _split_multi(strs, sep)
        if choices:
            return {"type": "multi", "text": text, "choices": choices}
    n = int(values.notna().sum())
    # Who and where people are may have many categories (countries, states): still choices.
    most = 250 if guess_basis(text, "single") in ("geographic", "demographic") else _MAX_CHOICES
    if len(strs) <= most and (len(strs) <= 3 or len(strs) <= 0.5 * n):
        folded = {}
        for s in sorted(strs, key=_natural):
            folded.setdefault(_fold(s), s)
        choices = [c for c in folded.values() if not is_missing_label(c)]
        miss = [c for c in folded.values() if is_missing_label(c)]
        if len(choices) < 1:
            choices, miss = list(folded.values()), []
        item = {"type": "single", "text": text, "choices": choices}
        if miss:
            item["missing"] = miss
        return item
    return {"type": "text", "text": text}


def _split_multi(strs: list[str], sep: str) -> list[str] | None:
    """Options of a multi-select joined with `sep`, or None when the cells are not that."""
    split = sep.strip() or sep
    joined = [s for s in strs if split in s]
    if len(strs) <= 3 or len(joined) < max(2, 0.1 * len(strs)):
        return None
    tokens = {}
    for s in strs:
        for t in s.split(split):
            t = t.strip()
            if t:
                tokens.setdefault(_fold(t), t)
    if not 1 < len(tokens) <= max(_MAX_CHOICES, 30) or len(tokens) >= len(strs):
        return None
    # Each option should also be ticked alone or in several combinations: a thousands
    # separator ("$50,000") splits into pieces that never stand alone.
    alone = {_fold(s) for s in strs}
    parts = [t for t in tokens if t in alone]
    if len(parts) < 0.5 * len(tokens):
        return None
    return sorted(tokens.values(), key=_natural)


def _spread_group(data: pd.DataFrame, cols: list[str], meta_rows: dict) -> bool:
    """Whether these columns are one multiple-answer question (each holds only its option)."""
    for c in cols:
        vals = {_fold(v) for v in _distinct(data[c])}
        opt = _fold(meta_rows[c]["option_label"])
        if not vals <= {opt, "1", "yes", "true"}:
            return False
    return True


def infer_from_export(
    data: pd.DataFrame,
    meta: ExportMeta,
    *,
    skip: set[str] | None = None,
    id_column: str | None = None,
) -> tuple[dict, pd.DataFrame]:
    """A questionnaire (YAML-ready dict) for an export, and how its columns map to it.

    Parameters
    ----------
    data, meta
        A reader's output.
    skip : set of str, optional
        Columns to leave out (personal data).
    id_column : str, optional
        The respondent id column: metadata, not an item.

    Returns
    -------
    questionnaire : dict
    mapping : pd.DataFrame
        ``column, item, option, how, detail`` with ``how`` = ``id`` for the columns drafted as
        items, ``metadata``, ``personal`` or ``empty`` for the rest.

    Raises
    ------
    InputFileError
        No column of the export holds answers.
    """
    skip = skip or set()
    rows = {r["column"]: r for r in meta.columns.to_dict("records")}
    taken: set[str] = set()
    main: list[dict] = []
    blocks: list[dict] = []
    mapping: list[list] = []
    ctx = _Scales()
    cols = list(data.columns)
    # Value labels (SPSS) say more than the numbers: those columns are typed from them.
    answer_cols = [
        c for c in cols if c not in skip and c != id_column and not meta.value_labels.get(c)
    ]
    battery = _numeric_batteries(data, answer_cols, rows, ctx)
    # Platform option columns (KoboToolbox group/question/option): one multi item per question.
    options: dict[str, list[tuple[str, str]]] = {}
    for c in cols:
        code = str(rows.get(c, {}).get("option_code") or "")
        if code and c not in skip:
            options.setdefault(rows[c].get("name") or c, []).append((c, code))
    k = 0
    i = 0
    while i < len(cols):
        col = cols[i]
        r = rows.get(col, {"name": col, "question_text": "", "import_id": "", "option_label": ""})
        name = r.get("name") or col
        if col in skip:
            mapping.append([col, None, None, "personal", ""])
            i += 1
            continue
        if name in options:
            i += 1
            if not r.get("option_code"):
                mapping.append([col, None, None, "duplicate", "read from its option columns"])
            elif col == options[name][0][0]:
                iid = _unique(sanitise_id(name) or f"q{k + 1}", taken)
                k += 1
                codes = [_code_int(code, j) for j, (_, code) in enumerate(options[name], 1)]
                labels = [code for _, code in options[name]]
                choices = [{"code": c, "label": lab} for c, lab in zip(codes, labels, strict=True)]
                main.append({"id": iid, "type": "multi", "text": name, "choices": choices})
                mapping += [
                    [c, iid, code, "id", "drafted"]
                    for (c, _), code in zip(options[name], codes, strict=True)
                ]
            continue
        imp = r.get("import_id") or ""
        qtext = r.get("question_text") or ""
        if (
            col == id_column
            or {col, name, qtext} & METADATA_COLUMNS
            or (imp and not is_question_id(imp))
            or is_timing(name, imp)
        ):
            mapping.append([col, None, None, "metadata", ""])
            i += 1
            continue
        if _timestamps(data[col]):
            mapping.append([col, None, None, "metadata", "date and time of the response"])
            i += 1
            continue
        k += 1
        text = r.get("question_text") or name
        group = [col]
        if r.get("option_label"):
            while i + len(group) < len(cols):
                nxt = rows.get(cols[i + len(group)], {})
                if (
                    nxt.get("question_text") != text
                    or not nxt.get("option_label")
                    or cols[i + len(group)] in skip
                ):
                    break
                group.append(cols[i + len(group)])
        sid = sanitise_id(name)
        base = sid if sid and len(sid) <= 32 and " " not in name else f"q{k}"
        if len(group) > 1 and _spread_group(data, group, rows):
            iid = _unique(base, taken)
            labels = [rows[c]["option_label"] for c in group]
            main.append({"id": iid, "type": "multi", "text": text, "choices": labels})
            mapping += [[c, iid, j + 1, "id", "drafted"] for j, c in enumerate(group)]
        elif len(group) > 1 and _is_ranking(data, group, text):
            iid = _unique(base, taken)
            labels = [rows[c]["option_label"] for c in group]
            main.append({"id": iid, "type": "ranking", "text": text, "choices": labels})
            mapping += [[c, iid, j + 1, "id", "drafted"] for j, c in enumerate(group)]
        elif len(group) > 1:
            items = []
            for j, c in enumerate(group, start=1):
                item = battery.get(c) or _item_for(c, data[c], meta, rows[c]["option_label"], ctx)
                if item is None:
                    mapping.append([c, None, None, "empty", "no answers"])
                    continue
                iid = _unique(f"{base}_{j}", taken)
                items.append({"id": iid, **{**item, "text": rows[c]["option_label"] or c}})
                mapping.append([c, iid, None, "id", "drafted"])
            if items:
                blocks.append(_grid_block(_unique(f"{base}_grid", taken), text, items))
        elif col in battery:
            item = dict(battery[col], text=text)
            iid = _unique(base, taken)
            main.append({"id": iid, **item})
            mapping.append([col, iid, None, "id", "drafted"])
        else:
            item = _item_for(col, data[col], meta, text, ctx)
            if item is None:
                mapping.append([col, None, None, "empty", "no answers"])
            else:
                iid = _unique(base, taken)
                main.append({"id": iid, **item})
                mapping.append([col, iid, None, "id", "drafted"])
        i += len(group)
    if not main and not blocks:
        found = ", ".join(f"{c} ({h})" for c, _, _, h, _ in mapping[:8]) or "none"
        raise InputFileError(
            f"no column of the export holds answers to draft items from; its columns are "
            f"metadata, personal or empty: {found}",
            path=meta.path,
        )
    stem = sanitise_id(Path(meta.path).stem) or "survey"
    out_blocks = (
        [{"id": _unique("answers", taken), "title": "Answers", "items": main}] if main else []
    ) + blocks
    _add_bases(out_blocks)
    used = {q.get("scale") for b in out_blocks for q in b["items"]}
    scales = {k: v for k, v in ctx.scales.items() if k in used}
    q = {"id": stem, "title": Path(meta.path).stem}
    if scales:
        q["scales"] = scales
    q["blocks"] = out_blocks
    frame = pd.DataFrame(mapping, columns=MAPPING_COLUMNS, dtype=object)  # codes stay int
    for points, cols in ctx.top_down.items():
        ctx.notes.append(
            f"{', '.join(cols[:3])}{f' (+{len(cols) - 3})' if len(cols) > 3 else ''}: "
            f"{points[0]!r} ... {points[-1]!r} runs from the top down; marked reverse so that a "
            "higher code means more"
        )
    ctx.notes += _routing(q, data, meta, frame)
    if ctx.notes:
        q["_notes"] = list(dict.fromkeys(ctx.notes))
    return q, frame


def _routing(draft: dict, data: pd.DataFrame, meta: ExportMeta, mapping: pd.DataFrame) -> list:
    """Screeners found in the answers, written into `draft` as ``show_if``; their notes."""
    from .recode import recode_columns
    from .screeners import add_inferred_routing

    try:
        q = Questionnaire.model_validate(draft)
    except ValueError:
        return []  # build_questionnaire reports the drafting problem itself
    recoded = recode_columns(
        data,
        mapping,
        q,
        value_labels=meta.value_labels,
        separator=meta.separator,
        platform=meta.format,
        lenient=True,
        decimal_comma=meta.delimiter == ";",
    )
    where = {c: k for k, c in enumerate(data.columns)}
    position: dict[str, int] = {}
    for col, item in zip(mapping["column"], mapping["item"], strict=True):
        if isinstance(item, str) and col in where:
            position[item] = min(position.get(item, where[col]), where[col])
    # "Earlier" must hold in the export and in the drafted questionnaire's order (grids and
    # statement blocks are drafted after the main block): show_if looks back only.
    order = {it.id: k for k, it in enumerate(q.items)}
    position = {i: (p, order[i]) for i, p in position.items() if i in order}
    notes = add_inferred_routing(draft, recoded.codes, q, position)
    if notes:
        try:
            build_questionnaire(draft)
        except QuestionnaireError as exc:  # never let an inferred route break the draft
            for block in draft["blocks"]:
                block.pop("show_if", None)
                for x in block["items"]:
                    x.pop("show_if", None)
            return [f"routing found in the answers but not written ({exc})"]
    return notes


_WHO = ("demographic", "geographic", "firmographic")
_SENTINELS = {-999, -99, -98, -97, -9, -8, -1, 8, 9, 88, 97, 98, 99, 999}
_ANCHOR = re.compile(
    r"\b(\d{1,2})\s*(?:=|:|-|\u2013)\s*([A-Za-z][A-Za-z' ]{2,40}?)(?=\s*(?:[,;)/]|\d|and\b|to\b|$))"
)


def _whole_numbers(values: pd.Series) -> list[int] | None:
    """Distinct whole numbers of a column, or None when a cell is not one."""
    if values.dtype.kind in "fiu":
        num = values.to_numpy(dtype=float)
    elif values.dtype.kind == "b":
        return None
    else:
        text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
        num = pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(dtype=float)
        if (np.isnan(num) & (text != "").to_numpy()).any():
            return None
    num = num[~np.isnan(num)]
    if not len(num) or not np.all(num == np.round(num)):
        return None
    return sorted({int(v) for v in num})


def _numeric_batteries(data: pd.DataFrame, cols: list[str], rows: dict, ctx: _Scales) -> dict:
    """Rating items among numeric columns: runs of three or more adjacent columns answered on
    one short whole-number scale (1-5, 1-7, 0-10...), or one such column whose question
    states its anchors ("1 = Strongly disagree, 5 = Strongly agree"). Codes far outside the
    run (9, 99, -99) and a rare 0 below a 1-k scale are declared missing."""
    info: dict[str, tuple[int, int, list[int]]] = {}
    for c in cols:
        if guess_basis(f"{_text(rows, c)} {c}", "single") in _WHO:
            continue  # coded demographics (1 = male, 2 = female) are categories, not ratings
        distinct = _whole_numbers(data[c])
        if not distinct:
            continue
        sent: list[int] = []
        while len(distinct) > 3 and distinct[-1] in _SENTINELS and distinct[-1] - distinct[-2] > 1:
            sent.append(distinct.pop())
        while len(distinct) > 3 and distinct[0] < 0 and distinct[0] in _SENTINELS:
            sent.append(distinct.pop(0))
        lo, hi = distinct[0], distinct[-1]
        if lo in (0, 1) and 2 <= hi - lo <= 10 and len(distinct) >= 3:
            info[c] = (lo, hi, sent)
    runs: list[list[str]] = []
    cur: list[str] = []
    for c in cols + [None]:
        if c in info and (not cur or info[c][1] - info[cur[0]][1] in (-1, 0, 1)):
            cur.append(c)
            continue
        if len(cur) >= 3:
            runs.append(cur)
        elif len(cur) and any(_ANCHOR.search(_text(rows, x)) for x in cur):
            runs.append(cur)
        cur = [c] if c in info else []
    out: dict[str, dict] = {}
    for run in runs:
        lo = min(info[c][0] for c in run)
        hi = max(info[c][1] for c in run)
        missing = sorted({v for c in run for v in info[c][2]})
        if lo == 0 and 4 <= hi <= 7:
            zero = max(float((pd.to_numeric(data[c], errors="coerce") == 0).mean()) for c in run)
            if zero < 0.02:  # a rare 0 under a 1-k scale: "no answer" (as IPIP exports code it)
                lo, missing = 1, [0, *missing]
        anchors = {}
        for c in run:
            for num, word in _ANCHOR.findall(_text(rows, c)):
                if lo <= int(num) <= hi and scale_family(word):
                    anchors.setdefault(int(num), " ".join(word.split()))
        labels = [
            {"code": k, "label": f"{k} = {anchors[k]}" if k in anchors else str(k)}
            for k in range(lo, hi + 1)
        ]
        reverse = False
        if lo in anchors and hi in anchors:
            low, high = scale_family(anchors[lo]), scale_family(anchors[hi])
            reverse = bool(low and high and low[1] > high[1])
        sid = f"points{lo}_{hi}" + ("_anchored" if anchors else "")
        spec = {"labels": labels, **({"missing": missing} if missing else {})}
        k = 1
        base = sid
        while sid in ctx.scales and ctx.scales[sid] != spec:
            k += 1
            sid = f"{base}_{k}"
        ctx.scales[sid] = spec
        if reverse:
            ctx.notes.append(
                f"{', '.join(run[:3])}{'...' if len(run) > 3 else ''}: {lo} = {anchors[lo]!r}, "
                f"{hi} = {anchors[hi]!r}; marked reverse so that a higher code means more "
                f"{scale_family(anchors[hi])[0] if scale_family(anchors[hi]) else 'of it'}"
            )
        for c in run:
            item = {"type": "likert", "text": _text(rows, c) or c, "scale": sid}
            if reverse:
                item["reverse"] = True
            out[c] = item
        if missing:
            ctx.notes.append(
                f"{run[0]}..{run[-1]}: codes {missing} read as missing (outside the {lo}-{hi} "
                "scale)"
            )
    return out


def _text(rows: dict, col: str) -> str:
    r = rows.get(col, {})
    return str(r.get("question_text") or r.get("option_label") or "")


_DATETIME = re.compile(
    r"^\s*(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})[ T]\d{1,2}:\d{2}(?::\d{2})?"
)


def _timestamps(values: pd.Series) -> bool:
    """Whether a text column holds only submission dates and times (``2024-01-05 10:03``)."""
    if values.dtype.kind != "O":
        return False
    cells = values.dropna().astype(str).str.strip()
    cells = cells[cells != ""]
    return bool(len(cells)) and bool(cells.str.match(_DATETIME).all())


def _is_ranking(data: pd.DataFrame, group: list[str], text: str) -> bool:
    """Whether spread columns hold ranks: each answered row a permutation of 1..n."""
    n = len(group)
    block = data[group].apply(pd.to_numeric, errors="coerce")
    answered = block.notna().any(axis=1)
    if not answered.any():
        return False
    raw = data[group].astype(object).where(data[group].notna(), "").astype(str)
    if ((raw.apply(lambda c: c.str.strip()) != "") & block.isna()).any().any():
        return False  # a cell that is not a number
    sub = block[answered].to_numpy()
    full = ~np.isnan(sub).any(axis=1)
    if not full.any():
        return False
    ok = np.all(np.sort(sub[full], axis=1) == np.arange(1, n + 1), axis=1)
    return bool(ok.mean() >= 0.9 or ("rank" in text.lower() and ok.mean() >= 0.5))


def _grid_block(bid: str, title: str, items: list[dict]) -> dict:
    """A block of statements: one Likert grid when every statement shares one rating scale."""
    scales = {(i.get("type"), i.get("scale")) for i in items}
    kind, sid = next(iter(scales))
    if len(scales) == 1 and kind in ("likert", "importance") and sid:
        missing = _merge_all([i.get("missing", []) for i in items])
        grid = {"id": f"{bid}_q", "type": "grid", "text": title, "scale": sid}
        if kind == "importance" and not sid.startswith("importance"):
            grid["rating"] = "importance"
        if missing:
            grid["missing"] = missing
        grid["statements"] = [{"id": i["id"], "text": i["text"]} for i in items]
        return {"id": bid, "title": title, "items": [grid]}
    return {"id": bid, "title": title, "items": items}


def _merge_all(lists: list[list]) -> list:
    out: list = []
    for x in lists:
        out = _merge_missing(out, x)
    return out


def _add_bases(blocks: list[dict]) -> None:
    """Guess each question's segmentation basis from its wording (in place)."""
    for block in blocks:
        for q in block["items"]:
            kind = (
                q.get("rating")
                or ("importance" if str(q.get("scale", "")).startswith("importance") else "likert")
                if q.get("type") == "grid"
                else q.get("type")
            )
            basis = guess_basis(f"{q.get('text', '')} {q.get('id', '')}", kind)
            if kind == "likert" and str(q.get("scale", "")).startswith("frequency"):
                basis = "behavioural"  # how often someone does something
            if basis and "basis" not in q:
                q["basis"] = basis
            if q.get("type") == "numeric" and basis in ("demographic", "geographic"):
                codes = q.pop("_codes", None)
                if codes and len(codes) <= 15:  # coded categories (1 = male, 2 = female)
                    q["type"] = "single"
                    q["choices"] = [{"code": c, "label": str(c)} for c in codes]
            q.pop("_codes", None)


def _unique(base: str, taken: set[str]) -> str:
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}_{n}"
    taken.add(out)
    return out


def questionnaire_yaml(q: dict, *, source: str | None = None, notes: list[str] = ()) -> str:
    """YAML text of a drafted questionnaire, with a header saying where it came from."""

    class _NoAlias(yaml.SafeDumper):
        def ignore_aliases(self, data):  # noqa: ARG002 - the same choice list may repeat
            return True

    head = (
        f"# Drafted by `research questionnaire infer` from {Path(source).name}.\n"
        if source
        else "# Drafted by `research questionnaire infer`.\n"
    )
    head += "# Check item types, scales, reverse keying and constructs before fielding.\n"
    head += "# Bases are guessed from the wording; 'missing:' answers import as missing.\n"
    for note in notes:
        head += f"# Note: {' '.join(str(note).split())}\n"
    body = yaml.dump(q, Dumper=_NoAlias, sort_keys=False, allow_unicode=True, width=100)
    return head + body


def build_questionnaire(
    q: dict, *, source: str = "<drafted>", via_yaml: bool = True
) -> Questionnaire:
    """Validate a drafted questionnaire dict, by default through its YAML (the file a user
    would get); ``via_yaml=False`` validates the dict with the pydantic model directly."""
    try:
        if not via_yaml:
            return Questionnaire.model_validate(q)
        return parse_questionnaire(questionnaire_yaml(q), path=source)
    except (QuestionnaireError, ValueError) as exc:  # a drafting bug, shown with its cause
        raise QuestionnaireError(f"drafted questionnaire is invalid: {exc}", path=source) from None


def infer_questionnaire(
    source: str | Path, *, format: str | None = None
) -> tuple[Questionnaire, str, list[str]]:
    """Draft a questionnaire from a ``.qsf`` survey definition, an SPSS file or any export.

    Returns
    -------
    questionnaire : Questionnaire
    yaml_text : str
        The draft as YAML (what ``--out`` writes).
    notes : list of str
        Questions not carried over and why.

    Raises
    ------
    InputFileError
        The source cannot be read or has no answer columns.
    """
    source = Path(source)
    if source.suffix.lower() == ".qsf":
        from .qsf import qsf_questionnaire

        draft, notes = qsf_questionnaire(source)
        notes = [*notes, *draft.pop("_notes", [])]
        if not draft["blocks"]:
            raise InputFileError("the survey definition has no questions to draft", path=source)
    else:
        from .detect import read_export
        from .paradata import respondent_ids
        from .personal import find_personal_columns

        data, meta, _ = read_export(source, format=format)
        personal = set(find_personal_columns(data, meta.columns)["column"])
        _, id_column = respondent_ids(data, meta)
        draft, mapping = infer_from_export(data, meta, skip=personal, id_column=id_column)
        notes = draft.pop("_notes", [])
        text = questionnaire_yaml(draft, source=str(source), notes=notes)
        notes = [*notes, *(f"{c}: personal data, left out" for c in sorted(personal))]
        return build_questionnaire(draft, source=str(source)), text, notes
    text = questionnaire_yaml(draft, source=str(source), notes=notes)
    return build_questionnaire(draft, source=str(source)), text, notes


def rating_hint(q: Questionnaire, responses: pd.DataFrame, *, limit: int = 8) -> str:
    """Which items look like rating scales though the questionnaire does not type them so.

    Used when a study needs Likert or importance items and finds none: the message names the
    items and the fix (``set type: likert on ...``).
    """
    found = []
    for item in q.items:
        if item.type not in ("single", "numeric") or item.id not in responses:
            continue
        if item.basis in ("demographic", "geographic", "firmographic"):
            continue
        if item.type == "single" and order_scale([c.label for c in q.options(item)]) is None:
            continue
        values = responses[item.id].dropna()
        if not len(values) or not np.all(values == np.round(values)):
            continue
        distinct = np.unique(values)
        if 3 <= len(distinct) <= 11 and distinct[-1] - distinct[0] <= 10:
            found.append(item.id)
    if not found:
        return (
            "no likert or importance items: the questionnaire has no rating-scale questions; "
            "set 'type: likert' (with a 'scale') on the attitude items"
        )
    more = f" and {len(found) - limit} more" if len(found) > limit else ""
    return (
        "no likert or importance items to analyse: set 'type: likert' (with a 'scale') on "
        f"{', '.join(found[:limit])}{more} in the questionnaire, if they are ratings"
    )
