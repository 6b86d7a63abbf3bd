"""The rendered files read against their formats' specifications, independently of the renderers.

XLSForm (https://xlsform.org): sheet and column names, choice lists referenced by every select,
unique names, ``${name}`` references to earlier fields, balanced expressions, codes in
comparisons that exist in the list, one label column per language. Qualtrics Advanced Format
TXT (Survey > Tools > Import): only the documented tags, each question with an ``[[ID:]]``, the
option sections each question type takes, page breaks only between questions. Both run on every
library module, every example and a questionnaire composed from all eight bases; a real
Qualtrics export checks the column names a TXT-imported matrix exports.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from research.questionnaire import (
    BASES,
    Choice,
    Grid,
    Item,
    Questionnaire,
    Scale,
    Statement,
    export_columns,
    load_questionnaire,
    new_questionnaire,
    parse_questionnaire,
    to_qualtrics_txt,
    write_xlsform,
)
from research.questionnaire.model import Block

ROOT = Path(__file__).resolve().parents[1] / "questionnaires"
DATA = Path(__file__).parent / "data" / "questionnaire" / "qualtricstools"
FILES = sorted((ROOT / "library").glob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))
QS = [load_questionnaire(p) for p in FILES] + [
    parse_questionnaire(new_questionnaire("all-bases", list(BASES), category="running shoes"))
]
IDS = [q.id for q in QS]

# -- XLSForm -----------------------------------------------------------------------------------
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_LANG_COLUMN = re.compile(r"^(label|hint|constraint_message|required_message)(::(.+ \(\w+\)))?$")


def _rows(ws) -> list[dict[str, str]]:
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [
        {h: ("" if v is None else str(v)) for h, v in zip(header, r, strict=True)} for r in rows[1:]
    ]


def _balanced(expr: str) -> bool:
    depth = 0
    for ch in re.sub(r"'[^']*'", "", expr):  # brackets inside quoted codes do not count
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and expr.count("'") % 2 == 0


def xlsform_problems(path: Path) -> list[str]:
    """Everything in the workbook that the XLSForm specification does not allow."""
    wb = load_workbook(path)
    problems: list[str] = []
    if wb.sheetnames[:3] != ["survey", "choices", "settings"]:
        return [f"sheets are {wb.sheetnames}"]
    survey, choices, settings = (_rows(wb[s]) for s in ("survey", "choices", "settings"))
    lists: dict[str, list[str]] = {}
    for row in choices:
        names = lists.setdefault(row["list_name"], [])
        if not row["label"]:
            problems.append(f"choice {row['list_name']}/{row['name']} has no label")
        if " " in row["name"] or not row["name"] or row["name"] in names:
            problems.append(f"choice name {row['name']!r} of {row['list_name']!r} is not unique")
        names.append(row["name"])
    label_columns = [c for c in survey[0] if _LANG_COLUMN.match(c)]
    languages = {(_LANG_COLUMN.match(c).group(3) or "") for c in label_columns}
    if len(languages) != 1:
        problems.append(f"label columns mix languages: {sorted(languages)}")
    default = settings[0].get("default_language", "")
    if default and languages != {""} and languages != {default}:
        problems.append(f"default_language {default!r} is not the language of {sorted(languages)}")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", settings[0]["form_id"]):
        problems.append(f"form_id {settings[0]['form_id']!r}")
    seen: dict[str, str] = {}  # name -> type, in form order
    depth, used_lists = 0, set()
    for k, row in enumerate(survey, start=2):
        kind = row["type"].split()
        if kind == ["end", "group"]:
            depth -= 1
            continue
        name = row["name"]
        if not _NAME.match(name) or name.lower().startswith("xml") or name == "meta":
            problems.append(f"row {k}: name {name!r} is not a valid XML name")
        if name in seen:
            problems.append(f"row {k}: name {name!r} is used twice")
        if kind == ["begin", "group"]:
            depth += 1
        elif kind[0] in ("select_one", "select_multiple", "rank"):
            if len(kind) != 2 or kind[1] not in lists:
                problems.append(f"row {k}: {row['type']!r} names no list on the choices sheet")
            used_lists.add(kind[-1])
        elif kind[0] not in ("note", "text", "integer", "decimal"):
            problems.append(f"row {k}: unknown type {row['type']!r}")
        if kind[0] != "begin" and not row["label"]:
            problems.append(f"row {k}: {name!r} has no label")
        if row["required"] not in ("", "yes"):
            problems.append(f"row {k}: required is {row['required']!r}")
        for column in ("relevant", "constraint"):
            expr = row[column]
            if not expr:
                continue
            if not _balanced(expr):
                problems.append(f"row {k}: {column} {expr!r} is not balanced")
            for ref in re.findall(r"\$\{([^}]*)\}", expr):
                if ref not in seen:
                    problems.append(f"row {k}: {column} refers to {ref!r}, not asked before")
            for ref, code in re.findall(r"\$\{(\w+)\}\s*=\s*'([^']*)'", expr):
                options = lists.get(seen.get(ref, "").split(" ")[-1], [])
                if code not in options:
                    problems.append(f"row {k}: {ref} = {code!r} is not one of its codes")
            for ref, code in re.findall(r"selected\(\$\{(\w+)\}, '([^']*)'\)", expr):
                if not seen.get(ref, "").startswith("select_multiple"):
                    problems.append(f"row {k}: selected() on {ref!r}, not a select_multiple")
                elif code not in lists[seen[ref].split()[1]]:
                    problems.append(f"row {k}: selected({ref}, {code!r}) is not one of its codes")
            if column == "constraint" and "${" in expr:
                problems.append(f"row {k}: a constraint should test '.', not other fields")
        seen[name] = row["type"]
    if depth != 0:
        problems.append("begin group / end group rows do not pair up")
    unused = set(lists) - used_lists
    if unused:
        problems.append(f"choice lists no question uses: {sorted(unused)}")
    return problems


@pytest.mark.parametrize("q", QS, ids=IDS)
def test_xlsform_meets_the_specification(q, tmp_path):
    assert xlsform_problems(write_xlsform(q, tmp_path / "form.xlsx")) == []


def test_the_xlsform_checker_catches_mistakes(tmp_path):
    q = QS[0]
    path = write_xlsform(q, tmp_path / "form.xlsx")
    wb = load_workbook(path)
    survey = wb["survey"]
    header = [c.value for c in survey[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    row = next(r for r in range(2, survey.max_row + 1) if survey.cell(r, 1).value == "text")
    survey.cell(row, col["type"]).value = "select_one nolist"
    survey.cell(row, col["relevant"]).value = "(${nowhere} = '1'"
    wb.save(path)
    problems = "\n".join(xlsform_problems(path))
    assert "names no list" in problems
    assert "is not balanced" in problems
    assert "refers to 'nowhere'" in problems


# -- Qualtrics Advanced Format TXT --------------------------------------------------------------
_TAG = re.compile(
    r"^\[\[(AdvancedFormat|Block(:[^\[\]]+)?|PageBreak|"
    r"Question:(MC:(SingleAnswer|MultipleAnswer):(Vertical|Horizontal)|Matrix|RO|"
    r"TE:(SingleLine|Essay)|DB)|ID:[A-Za-z][A-Za-z0-9_]*|Choices|AdvancedChoices|Choice:\d+|"
    r"Answers|AdvancedAnswers|Answer:\d+)\]\]$"
)


def qualtrics_problems(txt: str) -> list[str]:
    """Everything in a TXT that Qualtrics' Advanced Format does not define."""
    lines = txt.split("\n")
    problems = [] if lines[0] == "[[AdvancedFormat]]" else ["first line is not [[AdvancedFormat]]"]
    for k, line in enumerate(lines, start=1):
        if "[[" in line or "]]" in line:
            if not _TAG.match(line):
                problems.append(f"line {k}: {line!r} is not an Advanced Format tag")
    # page breaks: never first in a block, never doubled, never last
    tags = [x for x in lines if x.startswith("[[") and not x.startswith("[[ID:")]
    for a, b in zip(tags, tags[1:], strict=False):
        if a == "[[PageBreak]]" and (b == "[[PageBreak]]" or b.startswith("[[Block")):
            problems.append(f"a page break is followed by {b}")
        if a.startswith("[[Block") and b == "[[PageBreak]]":
            problems.append("a block starts with a page break")
    if tags and tags[-1] == "[[PageBreak]]":
        problems.append("the file ends with a page break")
    ids = []
    for chunk in re.split(r"\n(?=\[\[(?:Question:|Block|PageBreak))", txt)[1:]:
        head = chunk.split("\n")
        if not head[0].startswith("[[Question:"):
            continue
        kind = head[0][len("[[Question:") : -2]
        if not head[1].startswith("[[ID:"):
            problems.append(f"{head[0]} has no [[ID:]] on the next line")
            continue
        qid = head[1][5:-2]
        ids.append(qid)
        if not head[2].strip():
            problems.append(f"{qid}: no question text")
        body = "\n".join(head[3:])
        choice = "[[Choices]]" in body or "[[AdvancedChoices]]" in body
        answer = "[[Answers]]" in body or "[[AdvancedAnswers]]" in body
        expects = {"Matrix": (True, True), "RO": (True, False), "DB": (False, False)}
        want = expects.get(kind, (kind.startswith("MC"), False))
        if (choice, answer) != want:
            problems.append(f"{qid}: {kind} with choices={choice}, answers={answer}")
        for section, one in (("[[AdvancedChoices]]", "Choice"), ("[[AdvancedAnswers]]", "Answer")):
            if section in body:
                codes = re.findall(rf"^\[\[{one}:(\d+)\]\]$", body, flags=re.M)
                if len(set(codes)) != len(codes) or "0" in codes:
                    problems.append(f"{qid}: {one} ids {codes} are not unique positive numbers")
        options = [x for x in body.split("\n") if x and not x.startswith("[[")]
        if kind != "DB" and kind[:2] != "TE" and len(options) < 2:
            problems.append(f"{qid}: fewer than two options")
    if len(set(ids)) != len(ids):
        problems.append("an [[ID:]] is used twice")
    return problems


@pytest.mark.parametrize("q", QS, ids=IDS)
def test_qualtrics_txt_meets_the_advanced_format(q):
    txt = to_qualtrics_txt(q)
    assert qualtrics_problems(txt) == []
    n_questions = len(re.findall(r"^\[\[Question:(?!DB)", txt, flags=re.M))
    assert n_questions == len(q.questions)  # one per item, a grid being one matrix item


def test_page_breaks_follow_grids_screeners_and_logic_sources():
    q = parse_questionnaire(
        "id: p\ntitle: P\nblocks:\n  - id: b\n    items:\n"
        "      - {id: age, type: numeric, text: Age, min: 0, max: 99, screen_out: {max: 17}}\n"
        "      - {id: pet, type: single, text: Pet, choices: [Cat, Dog]}\n"
        "      - {id: name, type: text, text: Name}\n"
        "      - {id: why, type: text, text: Why a dog, show_if: {item: pet, equals: Dog}}\n"
        "      - id: g\n        type: grid\n        text: Agree\n"
        "        statements: [{id: g1, text: One}, {id: g2, text: Two}]\n"
    )
    order = re.findall(r"^\[\[(?:ID:(\w+)|(PageBreak))\]\]$", to_qualtrics_txt(q), flags=re.M)
    assert ["".join(x) for x in order] == [
        "age", "PageBreak", "pet", "PageBreak", "name", "why", "g",
    ]  # fmt: skip


def test_the_qualtrics_checker_catches_mistakes():
    bad = "[[AdvancedFormat]]\n\n[[Block:B]]\n\n[[Question:MC:Dropdown]]\n[[ID:x]]\nText\n"
    bad += "[[Choices]]\nA\n\n[[Question:TE:SingleLine]]\nNo id\n\n[[PageBreak]]\n"
    problems = "\n".join(qualtrics_problems(bad))
    assert "is not an Advanced Format tag" in problems
    assert "has no [[ID:]]" in problems
    assert "ends with a page break" in problems


def test_tags_in_text_are_never_read_as_tags():
    q = parse_questionnaire(
        "id: t\ntitle: T\nblocks:\n  - id: b\n    items:\n"
        "      - {id: x, type: single, text: 'Pick [[Choices]] one', choices: ['A]]', B]}\n"
    )
    txt = to_qualtrics_txt(q)
    assert qualtrics_problems(txt) == []
    assert "Pick [ [Choices] ] one" in txt


# -- a real Qualtrics export of matrices laid out as a TXT import lays them out ---------------
def _header_and_rows(name: str) -> tuple[list[str], list[list[str]]]:
    with open(DATA / name, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows


def test_txt_imported_matrices_export_tag_k_columns_with_their_codes():
    """Q2 (answers 1-4) and Q4 (recode values 10-13), neither with statement export tags: the
    grids we would write for them promise ``Q2_1..Q2_3`` and ``Q4_1..Q4_3`` holding codes of
    their scales, and the real exports (legacy and Insights) have exactly that."""
    qsf = json.loads((DATA / "Single_Answer_Matrix_Questions.qsf").read_text(encoding="utf-8"))
    grids, scales = [], {}
    for element in qsf["SurveyElements"]:
        p = element["Payload"] if element["Element"] == "SQ" else None
        if p is None or p.get("ChoiceDataExportTags"):
            continue  # statement export tags cannot be set from a TXT import
        tag = p["DataExportTag"]
        recode = p.get("RecodeValues") or {}
        codes = [int(recode.get(a, a)) for a in p["Answers"]]
        points = [Choice(code=c, label=f"point {c}") for c in codes]
        scales[f"{tag}_scale"] = Scale(id=f"{tag}_scale", labels=points)
        statements = [Statement(id=f"{tag}_s{c}", text=f"s{c}") for c in p["Choices"]]
        grids.append(Grid(id=tag, text=tag, scale=f"{tag}_scale", statements=statements))
    assert sorted(g.id for g in grids) == ["Q2", "Q4"]
    q = Questionnaire(id="m", title="M", scales=scales, blocks=[Block(id="b", items=grids)])
    txt = to_qualtrics_txt(q)
    assert "[[AdvancedAnswers]]\n[[Answer:10]]\npoint 10" in txt  # Q4 keeps its codes
    cols = export_columns(q, "qualtrics")
    for name in (
        "Single_Answer_Matrix_Questions.csv",
        "Single_Answer_Matrix_Questions_Insights.csv",
    ):
        header, rows = _header_and_rows(name)
        data = [r for r in rows if r and re.fullmatch(r"R_\w+", r[0])]
        assert data, name
        for column, item in zip(cols["column"], cols["item"], strict=True):
            assert column in header, (name, column)
            grid = q.questions[[g.id for g in grids].index(item.split("_s")[0])]
            codes = {str(c.code) for c in q.all_scales()[grid.scale].labels}
            values = {r[header.index(column)] for r in data} - {""}
            assert values and values <= codes, (name, column, values, codes)


def test_exclusive_options_in_every_format():
    q = load_questionnaire(ROOT / "library" / "technographic.yaml")
    item = q.item("tech_software")
    assert isinstance(item, Item)
    from research.questionnaire import setup_notes, to_xlsform

    survey = to_xlsform(q)["survey"].set_index("name")
    assert survey.loc["tech_software", "constraint"] == (
        "not(selected(., '9') and count-selected(.) > 1)"
    )
    assert "'None of these' cannot be combined" in survey.loc["tech_software", "constraint_message"]
    assert survey.loc["tech_main_device", "constraint"] == ""  # single choice: nothing to add
    notes = "\n".join(setup_notes(q))
    assert "tech_software: make 'None of these' exclusive" in notes
