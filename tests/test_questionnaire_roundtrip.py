"""Round trip: the ids a renderer writes are exactly the columns `export_columns` promises.

The XLSForm and Qualtrics files are parsed back here the way each platform names its export
columns (independently of `export_columns`), and the naming rules for Qualtrics are checked
against real exports of a real survey definition (QualtricsTools' Sample Survey).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from research.errors import QuestionnaireError
from research.questionnaire import (
    Choice,
    Grid,
    Item,
    Questionnaire,
    export_columns,
    load_questionnaire,
    new_questionnaire,
    parse_questionnaire,
    to_qualtrics_txt,
    to_xlsform,
)
from research.questionnaire.model import Block, Statement

ROOT = Path(__file__).resolve().parents[1] / "questionnaires"
DATA = Path(__file__).parent / "data" / "questionnaire" / "qualtricstools"
FILES = sorted((ROOT / "library").glob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))


def _questionnaires() -> list[Questionnaire]:
    qs = [load_questionnaire(p) for p in FILES]
    qs.append(
        parse_questionnaire(
            new_questionnaire(
                "all",
                "needs,psychographic,behavioural,"
                "value,demographic,firmographic,technographic,geographic",
            )
        )
    )
    return qs


QS = _questionnaires()


def _kobo_columns(sheets) -> tuple[set[str], set[str]]:
    """Columns KoboToolbox exports for an XLSForm, without and with group names in headers."""
    survey, choices = sheets["survey"], sheets["choices"]
    options = choices.groupby("list_name")["name"].apply(list).to_dict()
    bare, grouped, path = set(), set(), []
    for row in survey.itertuples(index=False):
        kind = row.type.split()[0] if row.type else ""
        if kind == "begin":
            path.append(row.name)
        elif kind == "end":
            path.pop()
        elif kind != "note":
            full = "/".join([*path, row.name])
            bare.add(row.name)
            grouped.add(full)
            if kind == "select_multiple":
                for code in options[row.type.split()[1]]:
                    bare.add(f"{row.name}/{code}")
                    grouped.add(f"{full}/{code}")
    return bare, grouped


@pytest.mark.parametrize("q", QS, ids=[q.id for q in QS])
def test_xlsform_names_are_the_export_columns(q):
    bare, grouped = _kobo_columns(to_xlsform(q))
    assert set(export_columns(q, "xlsform", group_names=False)["column"]) == bare
    assert set(export_columns(q, "xlsform", group_names=True)["column"]) == grouped
    both = export_columns(q, "xlsform")
    assert set(both["column"]) == bare | grouped
    assert set(both["item"]) == {i.id for i in q.items}


def _qualtrics_columns(txt: str, split: bool) -> set[str]:
    """Columns Qualtrics exports for an Advanced Format TXT (export tag = [[ID:...]])."""
    cols: set[str] = set()
    for chunk in re.split(r"\n(?=\[\[Question:)", txt)[1:]:
        kind = re.match(r"\[\[Question:([^\]]+)\]\]", chunk).group(1)
        tag = re.search(r"^\[\[ID:([^\]]+)\]\]$", chunk, flags=re.M).group(1)
        if kind == "DB":
            continue
        body = chunk.split("[[Answers]]")[0].split("[[AdvancedAnswers]]")[0]
        if "[[AdvancedChoices]]" in body:
            ids = re.findall(r"^\[\[Choice:(\d+)\]\]$", body, flags=re.M)
        elif "[[Choices]]" in body:
            lines = body.split("[[Choices]]\n", 1)[1].split("\n\n")[0].split("\n")
            ids = [str(k) for k in range(1, len([x for x in lines if x]) + 1)]
        else:
            ids = []
        if kind == "Matrix" or kind == "RO":
            cols |= {f"{tag}_{i}" for i in ids}
        elif kind.startswith("MC:MultipleAnswer"):
            cols |= {f"{tag}_{i}" for i in ids} if split else {tag}
        else:
            cols.add(tag)
    return cols


@pytest.mark.parametrize("q", QS, ids=[q.id for q in QS])
def test_qualtrics_ids_are_the_export_columns(q):
    txt = to_qualtrics_txt(q)
    for split in (True, False):
        expected = _qualtrics_columns(txt, split)
        assert set(export_columns(q, "qualtrics", split_multi=split)["column"]) == expected
    assert set(export_columns(q, "qualtrics")["item"]) == {i.id for i in q.items}


def test_export_columns_contract():
    q = load_questionnaire(ROOT / "examples" / "thrift-shoppers.yaml")
    cols = export_columns(q, "qualtrics")
    assert list(cols.columns) == ["column", "item", "option"]
    rows = {c: (i, o) for c, i, o in cols.itertuples(index=False)}
    assert rows["sus_1"] == ("sus_1", None)
    assert rows["channels"] == ("channels", None)
    assert rows["channels_3"] == ("channels", 3) and type(rows["channels_3"][1]) is int
    kobo = export_columns(q, "xlsform", group_names=True)
    assert kobo.iloc[0].tolist() == ["screener/purchase_freq", "purchase_freq", None]
    assert "screener/channels/8" in set(kobo["column"])
    plain = export_columns(q, "codebook")
    assert "channels_1" in set(plain["column"]) and "channels" not in set(plain["column"])
    with pytest.raises(
        QuestionnaireError,
        match=r"platform must be one of .*'qualtrics'.*got 'qualtrix'; did you mean 'qualtrics'",
    ):
        export_columns(q, "qualtrix")


def _header(name: str) -> list[str]:
    with open(DATA / name, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f))


def test_qualtrics_naming_matches_real_exports():
    """Mirror the real survey's MC, multiple-answer, matrix and text questions and check the
    promised columns are in the real exports (legacy and 'Insights' format)."""
    qsf = json.loads((DATA / "Sample_Survey.qsf").read_text(encoding="utf-8"))
    blocks = next(e["Payload"] for e in qsf["SurveyElements"] if e["Element"] == "BL")
    blocks = blocks.values() if isinstance(blocks, dict) else blocks
    trash = {x["QuestionID"] for b in blocks if b["Type"] == "Trash" for x in b["BlockElements"]}
    questions: list[Item | Grid] = []
    for element in qsf["SurveyElements"]:
        p = element["Payload"] if element["Element"] == "SQ" else None
        if p is None or element["PrimaryAttribute"] in trash:
            continue
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", p["DataExportTag"]):
            continue
        tag, kind, selector = p["DataExportTag"], p["QuestionType"], p.get("Selector")
        # a TXT import sets choice ids = codes; recode values default to the ids
        recode = p.get("RecodeValues") or {}
        choices = [
            Choice(code=int(recode.get(k, k)), label=f"c{k}") for k in (p.get("Choices") or {})
        ]
        if kind == "MC" and selector in ("SAVR", "SAHR", "DL"):
            questions.append(Item(id=tag, type="single", text=tag, choices=choices))
        elif kind == "MC" and selector in ("MAVR", "MAHR"):
            questions.append(Item(id=tag, type="multi", text=tag, choices=choices))
        elif (kind, selector, p.get("SubSelector")) == ("Matrix", "Likert", "SingleAnswer"):
            keys = list(p["Choices"])
            if keys != [str(k) for k in range(1, len(keys) + 1)] or p.get("ChoiceDataExportTags"):
                continue  # only matrices laid out as a TXT import lays them out
            statements = [Statement(id=f"{tag}_s{k}", text=k) for k in keys]
            questions.append(Grid(id=tag, text=tag, statements=statements))
        elif kind == "TE" and selector in ("SL", "ESTB"):
            questions.append(Item(id=tag, type="text", text=tag))
    q = Questionnaire(id="sample", title="Sample", blocks=[Block(id="b", items=questions)])
    kinds = {type(x).__name__ + ":" + getattr(x, "type", "") for x in questions}
    assert {"Item:single", "Item:multi", "Grid:grid", "Item:text"} <= kinds
    promised = set(export_columns(q, "qualtrics", split_multi=True)["column"])
    multi_joined = {x.id for x in questions if isinstance(x, Item) and x.type == "multi"}
    for name in ("Sample_Survey.csv", "Sample_Survey_Insights.csv"):
        header = set(_header(name))
        if name == "Sample_Survey.csv":  # legacy: first row holds V1..V10 then the tags
            assert "fruits" in header
        assert promised - multi_joined <= header, sorted(promised - multi_joined - header)
