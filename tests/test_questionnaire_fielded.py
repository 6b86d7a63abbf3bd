"""Round trip through the importer: exports laid out as each platform lays out a survey built
from our files import with every item mapped and every code recoded.

The export columns are read off the rendered files (the Qualtrics TXT's ``[[ID:]]`` tags and
option lists; the XLSForm's names, groups and choice lists), not from
:func:`~research.questionnaire.export_columns`, so a renderer and the importer cannot drift
apart unnoticed. The layouts follow the real fixtures: Qualtrics' 3-row CSV
(``tests/data/qualtrics/sample.csv``) and KoboToolbox's XML-values XLSX
(``tests/data/kobo/thrift_kobo.xlsx``).
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import openpyxl
import pytest

from research.ingest import import_responses
from research.questionnaire import (
    BASES,
    load_questionnaire,
    new_questionnaire,
    parse_questionnaire,
    to_qualtrics_txt,
    to_xlsform,
)

ROOT = Path(__file__).resolve().parents[1] / "questionnaires"
DATA = Path(__file__).parent / "data"
QS = {
    "all-bases": parse_questionnaire(new_questionnaire("all-bases", list(BASES), category="tea")),
    "skincare": load_questionnaire(ROOT / "examples" / "skincare-shoppers.yaml"),
    "b2b": load_questionnaire(ROOT / "examples" / "b2b-software-buyers.yaml"),
}
N = 6


def _answer(rng: random.Random, q, item_id: str) -> object:
    """A valid answer for an item, attention checks answered as asked."""
    item = q.item(item_id)
    if item.attention_check:
        return next(c.code for c in q.options(item) if c.label == item.attention_check)
    if item.type == "numeric":
        lo = 18 if item_id.endswith("age") else (item.min or 0)
        return int(min(lo + rng.randint(0, 5), item.max or lo + 5))
    if item.type == "text":
        return rng.choice(["Fine", "Hard to find", ""])
    return rng.choice([c.code for c in q.options(item)])


def _qualtrics_questions(txt: str) -> list[tuple[str, str, list[int], list[str]]]:
    """(kind, export tag, option codes, statement texts) per data question of a TXT."""
    out = []
    for chunk in re.split(r"\n(?=\[\[Question:)", txt)[1:]:
        kind = re.match(r"\[\[Question:([^\]]+)\]\]", chunk).group(1)
        if kind == "DB":
            continue
        tag = re.search(r"^\[\[ID:(\w+)\]\]$", chunk, flags=re.M).group(1)
        body = chunk.split("\n[[PageBreak]]")[0]
        rows = []
        if kind == "Matrix":
            rows = body.split("[[Choices]]\n", 1)[1].split("\n[[")[0].split("\n")
            body = "[[" + body.split("\n[[", 3)[-1]  # the answers part
        if "[[Advanced" in body:
            codes = [int(c) for c in re.findall(r"^\[\[(?:Choice|Answer):(\d+)\]\]$", body, re.M)]
        elif "[[Choices]]" in body or "[[Answers]]" in body:
            part = body.split("[[Answers]]\n" if kind == "Matrix" else "[[Choices]]\n", 1)[1]
            codes = list(range(1, len([x for x in part.split("\n\n")[0].split("\n") if x]) + 1))
        else:
            codes = []
        out.append((kind, tag, codes, rows))
    return out


def _write_qualtrics(q, path: Path, rng: random.Random) -> None:
    with open(DATA / "qualtrics" / "sample.csv", encoding="utf-8-sig", newline="") as f:
        meta_cols = next(csv.reader(f))[:17]  # StartDate ... UserLanguage
    header, texts, imports, makers = list(meta_cols), list(meta_cols), [], []
    imports = [json.dumps({"ImportId": c}) for c in meta_cols]
    by_grid = {g.id: g for g in q.questions}
    for n, (kind, tag, codes, rows) in enumerate(_qualtrics_questions(to_qualtrics_txt(q)), 1):
        if kind == "Matrix":
            grid = by_grid[tag]
            for k, statement in enumerate(grid.statements, 1):
                header.append(f"{tag}_{k}")
                texts.append(f"{grid.text} - {rows[k - 1]}")
                imports.append(json.dumps({"ImportId": f"QID{n}_{k}"}))
                makers.append(lambda r, sid=statement.id: _answer(r, q, sid))
        elif kind.startswith("MC:MultipleAnswer"):  # "split multi-value fields" export
            for code in codes:
                header.append(f"{tag}_{code}")
                texts.append(f"{tag} - option {code}")
                imports.append(json.dumps({"ImportId": f"QID{n}_{code}"}))
                makers.append(lambda r: r.choice(["1", ""]))
        elif kind == "RO":
            for code in codes:
                header.append(f"{tag}_{code}")
                texts.append(f"{tag} - option {code}")
                imports.append(json.dumps({"ImportId": f"QID{n}_{code}"}))
            order = {}

            def rank(r, code, codes=tuple(codes), order=order):
                if code == codes[0]:
                    order["ranks"] = r.sample(range(1, len(codes) + 1), len(codes))
                return order["ranks"][codes.index(code)]

            makers.extend(lambda r, c=c, rank=rank: rank(r, c) for c in codes)
        else:
            header.append(tag)
            texts.append(tag)
            imports.append(json.dumps({"ImportId": f"QID{n}" + ("_TEXT" if "TE" in kind else "")}))
            makers.append(lambda r, t=tag: _answer(r, q, t))
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerows([header, texts, imports])
        for i in range(N):
            meta = ["2026-03-02 09:00:00", "2026-03-02 09:14:00", "IP Address", "", "100"]
            meta += ["840", "True", "2026-03-02 09:14:00", f"R_{i:04d}abc", "", "", "", ""]
            meta += ["", "", "anonymous", "EN"]
            w.writerow(meta + [m(rng) for m in makers])


@pytest.mark.parametrize("name", sorted(QS))
def test_a_qualtrics_export_of_our_txt_imports_completely(name, tmp_path):
    q = QS[name]
    path = tmp_path / "export.csv"
    _write_qualtrics(q, path, random.Random(0))
    survey = import_responses(path, q, strict=True)
    assert survey.format == "qualtrics"
    assert survey.n_read == N and len(survey.responses) + len(survey.exclusions) == N
    mapped = survey.mapping.dropna(subset=["item"])
    assert set(mapped["item"]) == {i.id for i in q.items}
    questions = [c for c in survey.mapping["column"] if c not in _meta_columns()]
    assert set(mapped["column"]) >= set(questions)  # no answer column left unmapped


def _meta_columns() -> set[str]:
    with open(DATA / "qualtrics" / "sample.csv", encoding="utf-8-sig", newline="") as f:
        return set(next(csv.reader(f))[:17])


def _write_kobo(q, path: Path, rng: random.Random) -> None:
    """KoboToolbox 'XML values and headers, include groups': group/name columns, a
    select_multiple as a space-joined column plus one 0/1 column per option."""
    sheets = to_xlsform(q)
    lists = sheets["choices"].groupby("list_name")["name"].apply(list).to_dict()
    header, makers, groups = ["start", "end"], [], []
    for row in sheets["survey"].itertuples(index=False):
        kind = row.type.split()
        if kind[:1] == ["begin"]:
            groups.append(row.name)
        elif kind[:1] == ["end"]:
            groups.pop()
        elif kind[0] != "note":
            col = "/".join([*groups, row.name])
            header.append(col)
            if kind[0] == "select_multiple":
                options = lists[kind[1]]
                header.extend(f"{col}/{o}" for o in options)
                makers.append(("multi", options))
            elif kind[0] == "rank":
                makers.append(("rank", lists[kind[1]]))
            else:
                makers.append(("one", row.name))
    header += ["_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for i in range(N):
        values = ["2026-03-02T09:00:00.000+00:00", "2026-03-02T09:12:00.000+00:00"]
        for kind, arg in makers:
            if kind == "multi":
                ticked = [o for o in arg if rng.random() < 0.4][:1] or [arg[0]]
                values.append(" ".join(ticked))
                values.extend(int(o in ticked) for o in arg)
            elif kind == "rank":
                values.append(" ".join(rng.sample(arg, len(arg))))
            else:
                answer = _answer(rng, q, arg)
                values.append(str(answer) if answer != "" else None)
        values += [1000 + i, f"uuid-{i}", "2026-03-02T09:12:01", "", i + 1]
        ws.append(values)
    wb.save(path)


@pytest.mark.parametrize("name", sorted(QS))
def test_a_kobo_export_of_our_xlsform_imports_completely(name, tmp_path):
    q = QS[name]
    path = tmp_path / "kobo.xlsx"
    _write_kobo(q, path, random.Random(1))
    survey = import_responses(path, q, strict=True)
    assert survey.format == "kobo"
    assert survey.n_read == N and len(survey.responses) + len(survey.exclusions) == N
    mapped = survey.mapping.dropna(subset=["item"])
    assert set(mapped["item"]) == {i.id for i in q.items}
