"""The run's mapping file travels in model.json, and scoring a raw export applies it."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.model_file import ModelFileError, load_model
from research.scoring import import_export, score_frame

#: Two rating items whose columns are swapped in the export; only the mapping file says so.
SWAP = ("fit_2", "rea_4")


@pytest.fixture(scope="module")
def mapped_run(tmp_path_factory, demo):
    """The demo study fitted on an export whose columns need a mapping file."""
    from research.study import run_study

    folder = tmp_path_factory.mktemp("mapped")
    with open(demo["export"], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    a, b = (rows[0].index(c) for c in SWAP)
    for header in rows[:3]:  # name, question text and ImportId all point at the other item
        header[a], header[b] = header[b], header[a]
    export = folder / "export.csv"
    with open(export, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    (folder / "mapping.csv").write_text(
        f"column,item\n{SWAP[1]},{SWAP[0]}\n{SWAP[0]},{SWAP[1]}\n", encoding="utf-8"
    )
    (folder / "study.yaml").write_text(
        f"title: Mapped\nquestionnaire: {demo['questionnaire']}\nexport: export.csv\n"
        "mapping: mapping.csv\nquality:\n  speeder_fraction: 0.4\n  straightline_min_items: 6\n"
        "  max_missing_share: 0.5\nsegments:\n  n_boot: 0\nrandom_state: 2026\n",
        encoding="utf-8",
    )
    result = run_study(folder / "study.yaml", folder / "out", created="2026-03-25T09:00:00")
    return result, export


def test_model_file_holds_the_mapping_content(mapped_run):
    result, _ = mapped_run
    mf = load_model(result.files["model"])
    assert mf.schema_version == 2
    assert [(e.column, e.item) for e in mf.mapping] == [(SWAP[1], SWAP[0]), (SWAP[0], SWAP[1])]
    raw = json.loads(result.files["model"].read_text())
    assert "mapping.csv" not in json.dumps(raw["mapping"])  # the content, not a path


def test_scoring_the_raw_export_applies_the_mapping(mapped_run, tmp_path):
    result, export = mapped_run
    mf = load_model(result.files["model"])
    answers, _ = import_export(mf, export)
    scores = score_frame(mf, answers)
    post = result.segments.posteriors
    got = scores.loc[post.index]
    for k in post.columns:
        np.testing.assert_array_equal(got[f"posterior_{k}"].to_numpy(), post[k].to_numpy())
    assert (got["segment"].astype(int) == result.segments.assignments).all()
    # Without the stored mapping the swapped columns are read as the items they are named.
    bare = mf.model_copy(update={"mapping": None})
    unmapped, _ = import_export(bare, export)
    assert not unmapped[SWAP[0]].equals(answers[SWAP[0]])
    out = tmp_path / "scores.csv"
    cli = CliRunner().invoke(
        app, ["score", str(result.files["model"]), str(export), "--out", str(out)]
    )
    assert cli.exit_code == 0, cli.output


def _edited(path, tmp_path, edit):
    data = json.loads(path.read_text())
    edit(data)
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps(data))
    return bad


def test_schema_versions_and_mapping_validation(mapped_run, demo_run, tmp_path):
    mapped = mapped_run[0].files["model"]
    plain = demo_run.files["model"]
    # A version 1 file (no mapping) still loads.
    old = _edited(plain, tmp_path, lambda d: d.update(schema_version=1, mapping=None))
    assert load_model(old).schema_version == 2
    cases = [
        (mapped, lambda d: d.update(schema_version=1), "version 1 file cannot carry a mapping"),
        (plain, lambda d: d.update(schema_version=3), "written by a newer version of research"),
        (plain, lambda d: d.update(schema_version="2"), "schema version '2' is not supported"),
        (mapped, lambda d: d["mapping"][0].update(item="nope"), "'nope' is not an item"),
        (mapped, lambda d: d["mapping"][0].update(column="", import_id=""), "needs a column"),
        (mapped, lambda d: d.update(mapping={"fit_2": "rea_4"}), "mapping: Input should be"),
    ]
    for path, edit, message in cases:
        bad = _edited(path, tmp_path, edit)
        with pytest.raises(ModelFileError, match=message):
            load_model(bad)
        cli = CliRunner().invoke(
            app, ["score", str(bad), str(bad), "--out", str(tmp_path / "o.csv")]
        )
        assert cli.exit_code == 2 and cli.stderr.strip().count("\n") == 0, cli.stderr
