"""Draft a questionnaire from a Qualtrics survey definition (``.qsf``).

Item ids are the export columns Qualtrics writes for each question, as the mapping reads them:
the question's export tag for single questions (``fruits``, ``Q6``), ``<tag>_<choice>`` for the
statements of a matrix (or ``<tag>_<choice export tag>`` when the matrix sets its own tags, as
the Insights export names them), so the next import of that survey's exports maps by id.
Codes are the question's recode values where it sets them, else the choice ids.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import InputFileError
from .mapping import sanitise_id, strip_html
from .ordinal import is_missing_label, order_scale

__all__ = ["qsf_questionnaire"]

_SINGLE = {"SAVR", "SAHR", "SACOL", "DL", "SB", "NPS", "TB"}
_MULTI = {"MAVR", "MAHR", "MACOL", "MSB"}


def _clean(text: object) -> str:
    return " ".join(strip_html(text or "").split())


def _int(value: object, fallback: int) -> int:
    try:
        f = float(str(value))
    except ValueError:
        return fallback
    return int(f) if f.is_integer() else fallback


def _as_dict(value: object) -> dict:
    """Qualtrics writes some maps as JSON lists (``[]`` when empty, or 1-based arrays)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value, start=1) if v not in (None, "")}
    return {}


def _options(p: dict, key: str = "Choices", order_key: str = "ChoiceOrder", recode: bool = True):
    choices = _as_dict(p.get(key))
    choices = {str(k): v if isinstance(v, dict) else {"Display": v} for k, v in choices.items()}
    if not choices:
        return []
    order = (
        [str(c) for c in (_order(p.get(order_key)) or list(choices))]
        if key == "Choices"
        else [str(c) for c in (_order(p.get("AnswerOrder")) or list(choices))]
    )
    recodes = _as_dict(p.get("RecodeValues")) if recode else {}
    out, seen = [], set()
    for pos, cid in enumerate(order, start=1):
        if cid not in choices:
            continue
        code = _int(recodes.get(cid, cid), pos)
        if code in seen:
            code = max(seen) + 1
        seen.add(code)
        label = _clean(choices[cid].get("Display")) or f"Option {cid}"
        out.append((cid, code, label, bool(choices[cid].get("TextEntry"))))
    return out


def _float(value: object) -> float | None:
    try:
        f = float(str(value))
    except ValueError:
        return None
    return f if f == f and abs(f) != float("inf") else None


def _order(value: object) -> list:
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, list) else []


def _scale_points(p: dict, qid: str, tag: str, notes: list) -> tuple[list, list]:
    """A matrix's answer columns as scale points, and those that are non-substantive."""
    answers = _options(p, "Answers")
    points = [(c, lab) for _, c, lab, _ in answers if not is_missing_label(lab)]
    missing = [(c, lab) for _, c, lab, _ in answers if is_missing_label(lab)]
    found = order_scale([lab for _, lab in points]) if len(points) >= 3 else None
    if (
        found is not None
        and [_fold(x) for x in found[0]] == [_fold(lab) for _, lab in points][::-1]
    ):
        notes.append(
            f"{qid} ({tag}): its scale runs from {points[0][1]!r} (code {points[0][0]}) to "
            f"{points[-1][1]!r}; the drafted items are marked reverse so that a higher code "
            f"means more {found[2]}"
        )
        return [{"code": c, "label": lab} for c, lab in points], missing, True
    return [{"code": c, "label": lab} for c, lab in points], missing, False


def _fold(text: object) -> str:
    return " ".join(str(text).lower().split())


def _unique(base: str, taken: set[str], prefix: str = "") -> str:
    sid = sanitise_id(base) or "item"
    if sid in taken and prefix:
        sid = sanitise_id(f"{prefix}_{base}")
    k, out = 1, sid
    while out in taken:
        k += 1
        out = f"{sid}_{k}"
    taken.add(out)
    return out


def _side_by_side(p: dict, tag: str, qtext: str, block, scales: dict, taken: set, notes: list):
    """Items of a side-by-side question: one per statement and column part.

    Ids are the export's column names as item ids spell them: ``Q4#1_2`` (part 1, statement 2)
    is ``Q4_1_2``; with statement export tags ``Q49#1_peeling_92`` is ``Q49_1_peeling_92``. A
    multiple-answer part gives one multi item per statement (``Q11#2_1_3`` is option 3 of
    ``Q11_2_1``); text parts give ``..._TEXT`` items.
    """
    statements = _options(p, recode=False)
    parts = p.get("AdditionalQuestions") or {}
    if not isinstance(parts, dict) or not statements:
        notes.append(f"{p.get('QuestionID')} ({tag}): side-by-side without parts or statements")
        return
    for k in sorted(parts, key=lambda x: _int(x, 0)):
        part = parts[k] if isinstance(parts[k], dict) else {}
        ptag = str(part.get("DataExportTag") or f"{tag}#{k}")
        if not ptag.startswith(f"{tag}#"):  # a copied question keeps its original's tags
            ptag = f"{tag}#{k}"
        ctags = part.get("ChoiceDataExportTags")
        ctags = ctags if isinstance(ctags, dict) else {}
        atag = part.get("AnswerDataExportTag")
        sel, sub = part.get("Selector"), part.get("SubSelector")
        title = f"{qtext} - {_clean(part.get('QuestionText')) or ptag}"
        answers = _options(part, "Answers")
        kind = (
            "text" if sel == "TE"
            else "multi" if sel == "Likert" and sub == "MultipleAnswer"
            else "single" if sel in ("Likert", "Bipolar") and sub in ("SingleAnswer", "DL")
            else None
        )  # fmt: skip
        if kind is None or not answers or (ctags and kind != "single"):
            # Tagged multi/text parts repeat one column name per answer: not mappable by name.
            notes.append(
                f"{p.get('QuestionID')} ({ptag}): side-by-side part {sel}/{sub} not drafted"
            )
            continue
        items = block(title, own=True)
        sid = None
        if kind == "single" and sub == "SingleAnswer":
            sid = _unique(f"{sanitise_id(ptag)}_scale", set(scales))
            scales[sid] = [{"code": c, "label": lab} for _, c, lab, _ in answers]
        for cid, _, lab, _ in statements:
            base = f"{ptag}_{ctags[cid]}_{atag}" if ctags.get(cid) and atag else f"{ptag}_{cid}"
            if kind == "text":
                for aid, _, alab, _ in answers:
                    items.append(
                        {
                            "id": _unique(f"{base}_{aid}_TEXT", taken),
                            "type": "text",
                            "text": f"{lab} - {alab}",
                        }
                    )
                continue
            item = {"id": _unique(base, taken), "text": lab or f"{title} {cid}"}
            if sid is not None:
                item.update(type="likert", scale=sid)
            else:
                choices = [{"code": c, "label": a} for _, c, a, _ in answers]
                item.update(type=kind, choices=choices)
            items.append(item)


def qsf_questionnaire(path: str | Path) -> tuple[dict, list[str]]:
    """A questionnaire (as a YAML-ready dict) and notes on questions not carried over.

    Raises
    ------
    InputFileError
        The file is not a Qualtrics survey definition (JSON with ``SurveyElements``).
    """
    from .textio import read_text

    text, _ = read_text(path)
    try:
        qsf = json.loads(text)
        elements = qsf["SurveyElements"]
        entry = qsf.get("SurveyEntry", {})
        if not isinstance(elements, list):
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputFileError(
            "is not a Qualtrics survey definition (.qsf JSON with SurveyElements)", path=path
        ) from None
    entry = entry if isinstance(entry, dict) else {}
    # Older and hand-edited definitions hold odd shapes: keep what is well formed.
    elements = [e for e in elements if isinstance(e, dict)]
    questions = {}
    for e in elements:
        payload = e.get("Payload")
        if e.get("Element") != "SQ" or not isinstance(payload, dict):
            continue
        qid = payload.get("QuestionID") or e.get("PrimaryAttribute")
        if isinstance(qid, str) and qid:
            questions[qid] = {**payload, "QuestionID": qid}
    order: list[tuple[str, str]] = []  # (block title, question id)
    trash: set[str] = set()  # deleted questions: never fielded, never in an export
    for e in elements:
        if e.get("Element") != "BL":
            continue
        payload = e.get("Payload") or []
        for block in payload.values() if isinstance(payload, dict) else payload:
            if not isinstance(block, dict):
                continue
            members = block.get("BlockElements")
            for el in members if isinstance(members, list) else []:
                if not isinstance(el, dict) or not isinstance(el.get("QuestionID"), str):
                    continue
                if el.get("Type") == "Question" and el.get("QuestionID") in questions:
                    if block.get("Type") == "Trash":
                        trash.add(el["QuestionID"])
                    else:
                        order.append((block.get("Description") or "Block", el["QuestionID"]))
    placed = {qid for _, qid in order} | trash
    order += [("Questions", qid) for qid in questions if qid not in placed]

    taken: set[str] = set()
    blocks: list[dict] = []
    scales: dict[str, list] = {}
    notes: list[str] = []

    def block(title: str, own: bool = False) -> list:
        if own or not blocks or blocks[-1]["title"] != title or blocks[-1].get("_grid"):
            bid = _unique(f"b_{title}"[:40], taken)
            blocks.append(
                {"id": bid, "title": title, "items": [], **({"_grid": True} if own else {})}
            )
        return blocks[-1]["items"]

    asked: dict[str, dict] = {}  # question id -> its single/multi item, for display logic
    for title, qid in order:
        before = {id(x) for b in blocks for x in b["items"]}
        _draft_question(questions[qid], qid, title, block, scales, taken, notes, asked)
        made = [x for b in blocks for x in b["items"] if id(x) not in before]
        cond = _display_logic(questions[qid], qid, asked, notes) if made else None
        for item in made:
            if cond is not None:
                item["show_if"] = dict(cond)
        if questions[qid].get("SkipLogic"):
            notes.append(
                f"{qid} ({questions[qid].get('DataExportTag') or qid}): skip logic not carried "
                "over; questions it skips count as missing: add show_if to them by hand"
            )
    if any(_branches(e.get("Payload")) for e in elements if e.get("Element") == "FL"):
        notes.append(
            "the survey flow has branches, not carried over: blocks they skip count as missing; "
            "add show_if to those blocks by hand"
        )
    blocks = [{k: v for k, v in b.items() if k != "_grid"} for b in blocks if b["items"]]
    from .infer import _add_bases

    _add_bases(blocks)
    title = _clean(entry.get("SurveyName")) or Path(path).stem
    q = {
        "id": sanitise_id(Path(path).stem) or "survey",
        "title": title,
        "language": str(entry.get("SurveyLanguage") or "en").lower()[:2] or "en",
        "scales": scales,
        "blocks": blocks,
    }
    return q, notes


_CHOICE = re.compile(r"^q://(QID\d+)/SelectableChoice/(\w+)$")


def _branches(flow: object) -> bool:
    """Whether a survey flow (nested dicts and lists) holds a Branch element."""
    if isinstance(flow, dict):
        return flow.get("Type") == "Branch" or any(_branches(v) for v in flow.values())
    if isinstance(flow, list):
        return any(_branches(v) for v in flow)
    return False


def _display_logic(p: dict, qid: str, asked: dict[str, dict], notes: list) -> dict | None:
    """A question's DisplayLogic as a ``show_if``, when it is simple enough to translate.

    Translated: one or more "<choice> Is Selected" on the same earlier multiple-choice question
    joined by Or (``any_of``), or one "Is Not Selected" on a single-choice question (the other
    choices). Anything else (choice "Is Displayed", matrix answers, And, embedded data) is
    named in a note: respondents it hid would count as missing.
    """
    logic = p.get("DisplayLogic")
    if not isinstance(logic, dict):
        return None
    tag = str(p.get("DataExportTag") or qid)
    sets = [v for k, v in logic.items() if str(k).isdigit() and isinstance(v, dict)]
    exprs = [v for k, v in sets[0].items() if str(k).isdigit()] if len(sets) == 1 else []
    words = "; ".join(
        _clean(e.get("Description"))
        for s in sets
        for k, e in s.items()
        if str(k).isdigit() and isinstance(e, dict)
    )
    cond = _translate(exprs, asked)
    if cond is None:
        notes.append(
            f"{qid} ({tag}): display logic not carried over ({words or 'not readable'}); "
            "respondents it hid count as missing: add a show_if by hand"
        )
    return cond


def _translate(exprs: list, asked: dict[str, dict]) -> dict | None:
    if not exprs or not all(isinstance(e, dict) for e in exprs):
        return None
    ops = {e.get("Operator") for e in exprs}
    hits = [_CHOICE.match(str(e.get("LeftOperand") or e.get("ChoiceLocator") or "")) for e in exprs]
    if len(ops) != 1 or not all(hits) or any(e.get("LogicType") != "Question" for e in exprs):
        return None
    controllers = {m.group(1) for m in hits}
    if len(controllers) != 1 or next(iter(controllers)) not in asked:
        return None  # several questions, or one not asked before this one
    if any(str(e.get("Conjuction", "Or")) != "Or" for e in exprs[1:]):  # Qualtrics' spelling
        return None
    item = asked[next(iter(controllers))]
    labels = item["labels"]  # conditions name labels: readable, and codes may be recoded
    chosen = [labels.get(m.group(2)) for m in hits]
    if any(c is None for c in chosen):
        return None  # a choice that is not an answer option (e.g. a "missing" one)
    op = ops.pop()
    if op == "NotSelected" and item["type"] == "single" and len(chosen) == 1:
        chosen = [c for c in labels.values() if c not in chosen]
    elif op != "Selected":
        return None
    if not chosen:
        return None
    return {
        "item": item["id"],
        **({"equals": chosen[0]} if len(chosen) == 1 else {"any_of": chosen}),
    }


def _draft_question(p, qid, title, block, scales, taken, notes, asked) -> None:
    """Append the items of one question to its block (see :func:`qsf_questionnaire`)."""
    qtype, sel = p.get("QuestionType"), p.get("Selector")
    tag = str(p.get("DataExportTag") or qid)
    qtext = _clean(p.get("QuestionText")) or tag
    if qtype == "MC" and (sel in _SINGLE or sel in _MULTI):
        opts = _options(p)
        if not opts:
            notes.append(f"{qid} ({tag}): no choices")
            return
        item = {
            "id": _unique(tag, taken),
            "type": "multi" if sel in _MULTI else "single",
            "text": qtext,
            "choices": [{"code": c, "label": lab} for _, c, lab, _ in opts],
        }
        if sel not in _MULTI:
            keep = [c for c in item["choices"] if not is_missing_label(c["label"])]
            if keep and len(keep) < len(item["choices"]):
                item["missing"] = [c["label"] for c in item["choices"] if c not in keep]
                item["missing"] += [c["code"] for c in item["choices"] if c not in keep]
                item["choices"] = keep
        block(title).append(item)
        kept = {c["code"] for c in item["choices"]}
        asked[qid] = {
            "id": item["id"],
            "type": item["type"],
            "labels": {str(cid): lab for cid, code, lab, _ in opts if code in kept},
        }
        for cid, _, lab, entry_ in opts:
            if entry_:
                block(title).append(
                    {
                        "id": _unique(f"{tag}_{cid}_TEXT", taken),
                        "type": "text",
                        "text": f"{qtext} - {lab}",
                    }
                )
    elif qtype == "Matrix" and p.get("Selector") in ("Likert", "Bipolar", "TE", "Profile"):
        answers = _options(p, "Answers")
        statements = _options(p, recode=False)
        if not answers or not statements:
            notes.append(f"{qid} ({tag}): matrix without statements or scale points")
            return
        multi = p.get("SubSelector") == "MultipleAnswer"
        points, missing, reverse = _scale_points(p, qid, tag, notes)
        everything = [{"code": c, "label": lab} for _, c, lab, _ in answers]
        tags = _as_dict(p.get("ChoiceDataExportTags"))
        items = block(qtext, own=True)
        sid = None
        if not multi and len(points) >= 2:
            sid = _unique(f"{tag}_scale", set(scales))
            scales[sid] = {"labels": points}
            if missing:
                scales[sid]["missing"] = [lab for _, lab in missing] + [c for c, _ in missing]
        for cid, _, lab, _ in statements:
            name = str(tags.get(cid) or f"{tag}_{cid}")
            item = {"id": _unique(name, taken, prefix=tag), "text": lab or f"{qtext} {cid}"}
            if multi or sid is None:
                # A one-column matrix ("tick the statements that apply") or several ticks
                # per row: choice items over its answer columns.
                item.update(type="multi" if multi else "single", choices=everything)
            else:
                item.update(type="likert", scale=sid)
                if reverse:
                    item["reverse"] = True
            items.append(item)
    elif qtype == "TE":
        if sel == "FORM":
            for cid, _, lab, _ in _options(p):
                block(title).append(
                    {
                        "id": _unique(f"{tag}_{cid}", taken),
                        "type": "text",
                        "text": f"{qtext} - {lab}",
                    }
                )
        else:
            block(title).append({"id": _unique(tag, taken), "type": "text", "text": qtext})
    elif qtype in ("Slider", "CS"):
        conf = _as_dict(p.get("Configuration"))
        lo, hi = _float(conf.get("CSSliderMin")), _float(conf.get("CSSliderMax"))
        for cid, _, lab, _ in _options(p, recode=False):
            item = {
                "id": _unique(f"{tag}_{cid}", taken),
                "type": "numeric",
                "text": f"{qtext} - {lab}",
            }
            if qtype == "Slider" and lo is not None and hi is not None and lo <= hi:
                item.update(min=lo, max=hi)
            block(title).append(item)
    elif qtype == "RO":
        opts = _options(p)
        items = block(title)
        for cid, _code, lab, _ in opts:
            iid = _unique(f"{tag}_{cid}", taken)
            text = f"{qtext} - {lab}"
            items.append({"id": iid, "type": "numeric", "text": text, "min": 1, "max": len(opts)})
    elif qtype == "SBS":
        _side_by_side(p, tag, qtext, block, scales, taken, notes)
    elif qtype in ("DB", "Timing", "Meta", "Captcha"):
        return
    else:
        notes.append(f"{qid} ({tag}): question type {qtype}/{sel} not drafted")
