"""Typing tool: golden questions, pure scoring, and an Excel sheet whose formulas agree with it."""

from __future__ import annotations

import itertools

import numpy as np
import openpyxl
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from typing_sheet import evaluate_typing_sheet

from research.errors import DataError, ReportError
from research.segments import (
    LatentClassModel,
    add_typing_tool_sheet,
    assign_segments,
    build_typing_tool,
    simulate_segments,
)


@pytest.fixture(scope="module")
def demo_items(thrift_survey):
    return thrift_survey.responses[thrift_survey.scale_items()]


@pytest.fixture(scope="module")
def demo_segments(demo_items):
    return LatentClassModel(4, n_init=4, random_state=0).fit(demo_items).labels_


@pytest.fixture(scope="module")
def demo_tool(demo_items, demo_segments):
    return build_typing_tool(demo_items, demo_segments, max_questions=6, random_state=0)


def test_tool_selects_few_questions_that_reproduce_segments(demo_tool, demo_items, demo_segments):
    tool = demo_tool
    path = tool.accuracy
    assert list(path.columns) == ["n_questions", "question", "cv_accuracy", "cv_sd", "selected"]
    assert list(path["n_questions"]) == [1, 2, 3, 4, 5, 6]
    assert path["question"].is_unique
    assert tool.questions == path.loc[path["selected"], "question"].tolist()
    assert 1 <= len(tool.questions) <= 6
    assert tool.cv_accuracy > 0.7
    assert path["cv_accuracy"].iloc[-1] > path["cv_accuracy"].iloc[0] + 0.2
    # In-sample agreement is close to the cross-validated figure.
    agree = (tool.predict(demo_items) == demo_segments).mean()
    assert agree == pytest.approx(tool.cv_accuracy, abs=0.05)
    assert list(tool.coefficients.index) == [1, 2, 3, 4]


def test_scoring_is_a_pure_function_of_each_partition(demo_tool, demo_items):
    whole = assign_segments(demo_items, demo_tool)
    bounds = np.linspace(0, len(demo_items), 8).astype(int)
    parts = [
        assign_segments(demo_items.iloc[a:b], demo_tool) for a, b in itertools.pairwise(bounds)
    ]
    pd.testing.assert_series_equal(pd.concat(parts), whole)
    # Only the golden questions are read; other columns and their order do not matter.
    shuffled = demo_items[demo_tool.questions[::-1]]
    pd.testing.assert_series_equal(assign_segments(shuffled, demo_tool), whole)
    before = demo_items.copy()
    assign_segments(demo_items, demo_tool)
    pd.testing.assert_frame_equal(demo_items, before)


@pytest.mark.slow
def test_excel_formulas_agree_with_predict_for_every_demo_respondent(
    demo_tool, demo_items, tmp_path
):
    book = openpyxl.Workbook()
    names = {1: "Alpha", 2: "Beta", 3: "Gamma", 4: "Delta"}
    sheet = add_typing_tool_sheet(book, demo_tool, segment_names=names)
    assert sheet.title == "Typing tool"
    path = tmp_path / "tool.xlsx"
    book.save(path)
    answers = demo_items[demo_tool.questions]
    expected = demo_tool.predict(demo_items)
    scores = demo_tool.decision_function(demo_items)
    got, got_names, first_score = evaluate_typing_sheet(path, demo_tool, demo_items)
    assert answers.isna().any(axis=1).any()  # the demo has blanks: the fill path is exercised
    assert got.tolist() == expected.tolist()
    assert got_names.tolist() == expected.map(names).tolist()
    assert_allclose(first_score, scores[1].to_numpy(), rtol=1e-12, atol=1e-10)


def test_sheet_shows_accuracy_per_number_of_questions_and_recall(demo_tool, demo_segments):
    book = openpyxl.Workbook()
    ws = add_typing_tool_sheet(book, demo_tool, segment_names={1: "Alpha"})
    rows = list(ws.iter_rows(values_only=True))
    firsts = [r[:5] for r in rows]
    head = firsts.index(("Questions", "Question added", "CV accuracy", "CV SD", "Kept"))
    path = demo_tool.accuracy
    table = [r[:5] for r in rows[head + 1 : head + 1 + len(path)]]
    assert [r[1] for r in table] == path["question"].tolist()
    assert_allclose([r[2] for r in table], path["cv_accuracy"])
    assert [r[4] == "yes" for r in table] == path["selected"].tolist()
    recall = [r[:3] for r in rows].index(("Segment", "Name", "CV recall"))
    got = {r[0]: r[2] for r in rows[recall + 1 : recall + 5]}
    assert got == pytest.approx(demo_tool.cv_recall.to_dict())
    assert rows[recall + 1][1] == "Alpha" and rows[recall + 2][1] == "Segment 2"
    # Recall weighted by segment size is the pooled cross-validated accuracy (cv_accuracy is
    # the mean over folds of slightly unequal size, hence the tolerance).
    sizes = demo_segments.value_counts(normalize=True)
    assert (demo_tool.cv_recall * sizes).sum() == pytest.approx(demo_tool.cv_accuracy, abs=1e-3)


def test_lda_tool_and_binary_segments():
    sim = simulate_segments(600, n_items=8, n_classes=2, random_state=3)
    tool = build_typing_tool(sim.data, sim.truth, method="lda", max_questions=3)
    assert tool.method == "lda"
    assert tool.coefficients.shape == (2, len(tool.questions))
    assert tool.cv_accuracy > 0.85
    # The two-row form of a binary classifier still picks the same winner as sklearn.
    assert (tool.predict(sim.data) == sim.truth).mean() > 0.85


def test_typing_errors(demo_items, demo_segments, demo_tool):
    with pytest.raises(DataError, match=r"method must be one of \['logistic', 'lda'\]"):
        build_typing_tool(demo_items, demo_segments, method="forest")
    with pytest.raises(DataError, match="items \\['nope'\\] are not columns"):
        build_typing_tool(demo_items, demo_segments, candidates=["nope"])
    with pytest.raises(DataError, match="at least two segments"):
        build_typing_tool(demo_items, demo_segments * 0 + 1)
    with pytest.raises(DataError, match="max_questions must be an integer >= 1"):
        build_typing_tool(demo_items, demo_segments, max_questions=0)
    with pytest.raises(DataError, match=r"row .*: respondent has no segment"):
        build_typing_tool(demo_items, demo_segments.iloc[5:])
    with pytest.raises(DataError, match="not columns of the data"):
        assign_segments(demo_items.drop(columns=demo_tool.questions[0]), demo_tool)
    book = openpyxl.Workbook()
    add_typing_tool_sheet(book, demo_tool)
    with pytest.raises(ReportError, match="already has a sheet named 'Typing tool'"):
        add_typing_tool_sheet(book, demo_tool)
    with pytest.raises(ReportError, match="at most 31 characters"):
        add_typing_tool_sheet(book, demo_tool, title="x" * 40)
