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
from .mapping import MAPPING_COLUMNS, METADATA_COLUMNS, is_question_id, is_timing, sanitise_id
from .meta import ExportMeta

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


def _item_for(col: str, values: pd.Series, meta: ExportMeta, text: str) -> dict | None:
    labels = meta.value_labels.get(col)
    distinct = _distinct(values)
    if not distinct:
        return None
    missing = {_code(v) for v in meta.missing_codes.get(col, [])}
    labels = {k: v for k, v in (labels or {}).items() if k not in missing}
    if labels and all(_label_key(v, labels) for v in distinct):
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
        return {"type": "numeric", "text": text}
    strs = [str(v) for v in distinct]
    sid = _library_scale(strs)
    if sid:
        return {
            "type": "importance" if sid.startswith("importance") else "likert",
            "text": text,
            "scale": sid,
        }
    sep = meta.separator
    if sep and len(strs) > 3 and any(sep in s for s in strs):
        tokens = sorted(
            {t.strip() for s in strs for t in s.split(sep.strip() or sep) if t.strip()},
            key=_natural,
        )
        if 1 < len(tokens) <= _MAX_CHOICES and len(tokens) < len(strs):
            return {"type": "multi", "text": text, "choices": tokens}
    n = int(values.notna().sum())
    if len(strs) <= _MAX_CHOICES and (len(strs) <= 3 or len(strs) <= 0.5 * n):
        folded = {}
        for s in sorted(strs, key=_natural):
            folded.setdefault(_fold(s), s)
        return {"type": "single", "text": text, "choices": list(folded.values())}
    return {"type": "text", "text": text}


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
    cols = list(data.columns)
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
        elif len(group) > 1:
            items = []
            for j, c in enumerate(group, start=1):
                item = _item_for(c, data[c], meta, rows[c]["option_label"])
                if item is None:
                    mapping.append([c, None, None, "empty", "no answers"])
                    continue
                iid = _unique(f"{base}_{j}", taken)
                items.append({"id": iid, **item})
                mapping.append([c, iid, None, "id", "drafted"])
            if items:
                blocks.append({"id": _unique(f"{base}_grid", taken), "title": text, "items": items})
        else:
            item = _item_for(col, data[col], meta, text)
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
    q = {"id": stem, "title": Path(meta.path).stem, "blocks": out_blocks}
    return q, pd.DataFrame(mapping, columns=MAPPING_COLUMNS).astype(object)


def _unique(base: str, taken: set[str]) -> str:
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}_{n}"
    taken.add(out)
    return out


def questionnaire_yaml(q: dict, *, source: str | None = None) -> str:
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
        notes = [f"{c}: personal data, left out" for c in sorted(personal)]
    text = questionnaire_yaml(draft, source=str(source))
    return build_questionnaire(draft, source=str(source)), text, notes
