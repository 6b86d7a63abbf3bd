"""Honest personas: names follow profiles, labels come from wording, pages show what exists."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from research.factors import FactorModel
from research.factors.naming import factor_labels, wording_label
from research.personas import describe_segment, name_segments
from research.personas.naming import factor_orientation
from research.reports._pdf_persona import _headline_lines, _panels

BFI = Path(__file__).parent / "data" / "bfi"
ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
REVERSED = ["A1", "C4", "C5", "E1", "E2", "O2", "O5"]  # Keying -1 in the bfi dictionary


@pytest.fixture(scope="module")
def dictionary() -> pd.DataFrame:
    return pd.read_csv(BFI / "bfi.dictionary.csv", index_col=0).loc[ITEMS]


@pytest.fixture(scope="module")
def bfi6() -> FactorModel:
    items = pd.read_csv(BFI / "bfi.csv")[ITEMS]
    return FactorModel(n_factors=6).fit(items)


# ----------------------------------------------------------------------------- factor labels


def test_bfi_factor_labels_are_item_wording_not_factor_numbers(bfi6, dictionary):
    wording = dictionary["Item"].to_dict()
    labels = factor_labels(bfi6.loadings_, wording=wording)
    phrases = {str(t).rstrip(".") for t in wording.values()}
    assert not any(v.startswith("Factor ") for v in labels.values())
    assert len(set(labels.values())) == len(labels)
    # Every label is a whole item phrase (possibly "Low: ..."), not a pair of words.
    for label in labels.values():
        assert label.removeprefix("Low: ").rstrip("\u2026") in phrases or label.endswith("\u2026")
        assert " / " not in label
    assert "Get angry easily" in labels.values()


@pytest.mark.parametrize("case", [str, str.lower])
def test_labels_without_wording_name_the_items_not_a_number(bfi6, case):
    # An inferred questionnaire's text is the column name: "N1" (or "caresg") is not wording.
    labels = factor_labels(bfi6.loadings_, wording={i: case(i) for i in ITEMS})
    neuro = [v for v in labels.values() if "N1" in v or "N2" in v]
    assert neuro and neuro[0].startswith("Items ")


def test_reverse_keyed_wording_never_flips_a_label(dictionary):
    # After import reversed A1 ("Am indifferent to the feelings of others"), a high A1 answer
    # means caring: its wording must not label the agreeableness pole.
    loadings = pd.Series({"A1": 0.9, "A2": 0.7, "A3": 0.6})
    wording = dictionary["Item"].to_dict()
    assert wording_label(loadings, wording) == "Am indifferent to the feelings of others"
    kept = {i: t for i, t in wording.items() if i not in REVERSED}
    assert wording_label(loadings, kept) == "Inquire about others' well-being"


# ----------------------------------------------------------------------------- names


def _attitudes(rows: dict[int, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index")


def test_a_segment_low_on_a_construct_is_never_named_for_it(thrift_q):
    constructs = {"F1": "price", "F2": "sustainability"}
    att = _attitudes({1: {"F1": 0.9, "F2": 0.0}, 2: {"F1": -0.1, "F2": 0.8}})
    # F1's items load negatively: a high F1 score is a LOW price focus.
    orientation = {"F1": -1.0, "F2": 1.0}
    names = name_segments(att, constructs, thrift_q, orientation=orientation)
    assert "Bargain Hunters" not in names[1] and "Thrifty" not in names[1]
    assert names[1].startswith("Low on")
    assert names[2] == "Conscious Shoppers"


def test_needs_never_lend_a_name_the_attitudes_contradict(thrift_q):
    constructs = {"F1": "price", "F2": "sustainability"}
    att = _attitudes({1: {"F1": 0.1, "F2": -0.9}})
    needs = pd.DataFrame({"sustainability": [130.0]}, index=[1])
    names = name_segments(att, constructs, thrift_q, needs=needs)
    assert "Eco" not in names[1] and "Conscious" not in names[1]


def test_names_from_wording_labels_follow_the_pole(thrift_q):
    labels = {"F1": "Get angry easily", "F2": "Low: Talk a lot", "F3": "Noise (no primary item)"}
    att = _attitudes(
        {
            1: {"F1": 0.8, "F2": 0.0, "F3": 2.0},
            2: {"F1": 0.0, "F2": 0.9, "F3": 0.0},  # high on "Low: Talk a lot": quiet
            3: {"F1": 0.0, "F2": -0.9, "F3": 0.0},  # talkative
        }
    )
    names = name_segments(att, {}, thrift_q, labels=labels)  # no factor has a construct
    assert names[1] == "Get angry easily"  # the hollow factor F3 is never a name
    assert names[2] == "Low on talk a lot"
    assert names[3] == "Talk a lot"
    line = describe_segment(att.loc[2].rename(labels), pd.DataFrame())
    assert line.startswith("Low on Talk a lot") and "no primary item" not in line


def test_identical_profiles_get_distinct_names(thrift_q):
    constructs = {"F1": "price", "F2": "sustainability"}
    same = {"F1": 1.0, "F2": 0.0}
    att = _attitudes({1: same, 2: same, 3: same})
    names = name_segments(att, constructs, thrift_q)
    assert len(set(names.values())) == 3
    assert names[1] == "Bargain Hunters"


def test_orientation_follows_the_primary_items():
    loadings = pd.DataFrame({"F1": [-0.7, -0.6, 0.1], "F2": [0.1, 0.0, 0.8]}, index=list("abc"))
    assert factor_orientation(loadings) == {"F1": -1.0, "F2": 1.0}


# ----------------------------------------------------------------------------- pages


def test_demo_names_and_review_note(demo_run):
    names = [p.name for p in demo_run.personas]
    assert len(set(names)) == len(names)
    for p in demo_run.personas:
        # Every construct word in a name is one the segment scores above average on.
        for label, z in p.attitudes.items():
            if z < 0:
                assert label.split()[0] not in p.name
    assert any("review" in w for w in demo_run.content.warnings)
    ws = openpyxl.load_workbook(demo_run.files["workbook"])["Summary"]
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert "Read this first" in text
    assert any("review them before sharing" in t for t in text)


def test_header_shows_only_the_declared_measure(demo_run):
    p = demo_run.personas[0]
    assert p.headline == "spend_12m"
    # Another numeric question listed first must not take the header.
    other = p.metrics.assign(variable="visits", label="Visits", unit="")
    p = dataclasses.replace(p, metrics=pd.concat([other, p.metrics], ignore_index=True))
    assert _headline_lines(p)[0].startswith("Spend 12m")
    undeclared = dataclasses.replace(p, headline=None)
    assert _headline_lines(undeclared) == []


def test_pages_lay_out_only_panels_with_data(demo_run):
    p = demo_run.personas[0]
    assert _panels(p) == ["attitudes", "needs", "who", "reach"]
    bare = dataclasses.replace(
        p,
        demographics=p.demographics.iloc[0:0],
        needs=p.needs.iloc[0:0],
    )
    assert _panels(bare) == ["attitudes"]
    from research.reports._pdf_persona import persona_page

    page = persona_page(demo_run.content, bare, limit=2.0)
    assert len(page.fig.axes) == 1


def test_without_wording_names_cite_the_items(thrift_q):
    labels = {"F1": "Items A2, A3, A1 (+2)", "F2": "Items C2, C4, C3 (+2)", "F3": "Items O3, O1"}
    att = _attitudes(
        {
            1: {"F1": 0.8, "F2": 0.0, "F3": 0.0},
            2: {"F1": 0.7, "F2": 0.6, "F3": 0.0},
            3: {"F1": 0.0, "F2": 0.0, "F3": -0.9},
            4: {"F1": 0.1, "F2": 0.0, "F3": 0.1},
        }
    )
    names = name_segments(att, {}, thrift_q, labels=labels)
    assert names == {
        1: "High A2/A3/A1",
        2: "High A2/A3/A1, C2/C4/C3",
        3: "Low on O3/O1",
        4: "Middle Ground",
    }


def test_demo_still_recovers_its_planted_segments(demo_run):
    assert demo_run.recovery >= 0.8
    assert not any("was not used to segment" in w for w in demo_run.content.warnings)
