"""Evaluate a workbook's typing-tool sheet with the `formulas` package, as Excel would."""

from __future__ import annotations

from pathlib import Path

import formulas
import numpy as np
import pandas as pd
import schedula

from research.segments import typing_sheet_cells


def evaluate_typing_sheet(path: Path, tool, answers: pd.DataFrame, sheet: str = "Typing tool"):
    """``(segment, segment_name, first_score)`` Series the sheet shows for each row of `answers`.

    Identical answer patterns give identical cells, so each distinct pattern is typed in once; a
    missing answer is typed as an empty cell.
    """
    cells = typing_sheet_cells(tool)
    model = formulas.ExcelModel().loads(str(path)).finish()
    ref = f"'[{Path(path).name}]{sheet.upper()}'!"
    func = model.compile(
        inputs=[ref + c for c in cells["answers"].values()],
        outputs=[ref + cells["segment"], ref + cells["segment_name"], ref + cells["scores"][0]],
    )
    answers = answers[tool.questions]
    patterns = answers.drop_duplicates()
    empty = np.array([[schedula.EMPTY]], dtype=object)
    shown = {}
    for key, row in zip(patterns.index, patterns.itertuples(index=False), strict=True):
        seg, name, score = func(*[empty if pd.isna(v) else float(v) for v in row])
        shown[key] = (int(seg.value[0, 0]), str(name.value[0, 0]), float(score.value[0, 0]))
    lookup = {
        tuple(r): k for k, r in zip(patterns.index, patterns.fillna(-1).to_numpy(), strict=True)
    }
    first = answers.fillna(-1).apply(tuple, axis=1).map(lookup)
    out = pd.DataFrame([shown[k] for k in first], index=answers.index)
    return out[0].rename("segment"), out[1].rename("segment_name"), out[2].rename("score")
