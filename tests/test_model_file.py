"""The portable model file: written by every run, validated on load, scoring bit-identically."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.model_file import ModelFileError, load_model, read_model, save_model
from research.scoring import import_export, score_frame, score_partition


@pytest.fixture(scope="module")
def model_path(demo_run):
    return demo_run.files["model"]


@pytest.fixture(scope="module")
def mf(model_path):
    return load_model(model_path)


def test_every_run_writes_a_versioned_model_file(mf, demo_run):
    from research import __version__

    assert mf.format == "research-segmentation-model"
    assert mf.schema_version == 2
    assert mf.package_version == __version__
    assert mf.k == demo_run.segments.k
    assert [s.name for s in mf.segments] == [p.name for p in demo_run.personas]
    assert [s.color for s in mf.segments] == [p.color for p in demo_run.personas]
    assert mf.typing_tool.questions == demo_run.analysis.typing_tool.questions
    # The questionnaire travels with the model, so exports import the same way.
    assert mf.questionnaire["id"] == demo_run.questionnaire.id
    assert set(mf.reverse_keys) == {i.id for i in demo_run.questionnaire.items if i.reverse}


def test_scoring_the_original_export_is_bit_identical(mf, demo_run, demo):
    answers, _ = import_export(mf, demo["export"])
    scores = score_frame(mf, answers)
    post = demo_run.segments.posteriors
    # Customers are scored, not screened: every row of the export gets a segment.
    assert scores["scored"].all() and len(scores) >= len(post)
    got = scores.loc[post.index]
    for k in post.columns:
        np.testing.assert_array_equal(got[f"posterior_{k}"].to_numpy(), post[k].to_numpy())
    assert (got["segment"].astype(int) == demo_run.segments.assignments).all()
    from research.study import _as_answered

    typed = demo_run.analysis.typing_tool.predict(_as_answered(demo_run.survey))
    assert (got["typing_segment"].astype(int) == typed).all()


def test_floats_round_trip_exactly(mf, tmp_path):
    again = load_model(save_model(mf, tmp_path / "m.json"))
    assert again == mf
    raw = json.loads((tmp_path / "m.json").read_text())
    assert raw["model"]["means"] == mf.model.means


def test_latent_class_model_round_trips_bit_identically(mf, thrift_survey):
    from research.model_file import _model_params
    from research.personas.profiles import display_codes
    from research.segments import LatentClassModel

    items = thrift_survey.scale_items()[:8]
    lca = LatentClassModel(3, n_init=2, random_state=0).fit(thrift_survey.responses[items])
    data = mf.model_dump(mode="python")
    data.update(
        basis="items",
        basis_columns=items,
        factor_basis=None,
        model=_model_params(lca, "lca").model_dump(mode="python"),
        segments=data["segments"][:3],
    )
    mf3 = read_model(json.loads(json.dumps(data)))
    q = thrift_survey.questionnaire
    ticked = pd.DataFrame({i: display_codes(thrift_survey, q.item(i)) for i in items})
    scores = score_partition(ticked, mf3)
    for k in range(1, 4):
        np.testing.assert_array_equal(
            scores[f"posterior_{k}"].to_numpy(), lca.posteriors_[k].to_numpy()
        )


def _tamper(model_path, tmp_path, edit):
    data = json.loads(model_path.read_text())
    edit(data)
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(data))
    return p


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="something-else"), "not a segmentation model file"),
        (lambda d: d.update(schema_version=99), "schema version 99 is not supported"),
        (lambda d: d["model"]["means"].pop(), "means must be"),
        (lambda d: d["segments"].pop(), "the model has 5 segments but 4"),
        (lambda d: d.update(surprise=1), "surprise: Extra inputs are not permitted"),
        (lambda d: d["model"].update(kind="svm"), "model"),
    ],
)
def test_tampered_model_files_give_one_line_errors(model_path, tmp_path, edit, message):
    bad = _tamper(model_path, tmp_path, edit)
    with pytest.raises(ModelFileError, match=message):
        load_model(bad)
    result = CliRunner().invoke(
        app, ["score", str(bad), str(bad), "--out", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "error:" in result.stderr


def test_foreign_and_broken_files(tmp_path):
    (tmp_path / "a.json").write_text('{"format": "research-segmentation-model",\n oops}')
    with pytest.raises(ModelFileError, match=r"line 2, column 2: not valid JSON"):
        load_model(tmp_path / "a.json")
    (tmp_path / "b.json").write_text("[1, 2]")
    with pytest.raises(ModelFileError, match="a JSON object was expected"):
        load_model(tmp_path / "b.json")
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "missing.json")


def test_run_writes_segments_as_spss_and_parquet(demo_run):
    import pyreadstat

    csv = pd.read_csv(demo_run.files["segments"], index_col=0)
    pq = pd.read_parquet(demo_run.files["segments_parquet"])
    pd.testing.assert_frame_equal(
        pq.reset_index(drop=True), csv.reset_index(drop=True), check_dtype=False
    )
    sav, meta = pyreadstat.read_sav(str(demo_run.files["segments_sav"]))
    assert len(sav) == len(csv)
    np.testing.assert_array_equal(sav["segment"].to_numpy(), csv["segment"].to_numpy())
    labels = meta.variable_value_labels["segment"]
    assert labels[1.0] == demo_run.personas[0].name


def test_score_cli_on_the_original_export_gives_the_fitted_posteriors(
    model_path, demo_run, demo, tmp_path
):
    out = tmp_path / "scores.parquet"
    result = CliRunner().invoke(
        app, ["score", str(model_path), str(demo["export"]), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    scores = pd.read_parquet(out)
    post = demo_run.segments.posteriors
    got = scores.loc[post.index]
    for k in post.columns:
        np.testing.assert_array_equal(got[f"posterior_{k}"].to_numpy(), post[k].to_numpy())
    assert (got["segment"].astype(int) == demo_run.segments.assignments).all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "research-segmentation-model",\n oops}', "not valid JSON"),
        ("[1, 2]", "a JSON object was expected"),
        ('{"name": "some-package", "version": "1.0"}', "not a segmentation model file"),
        ("\x89PNG\r\n\x1a\n", "not valid JSON"),
        (None, "no such model file"),
    ],
)
@pytest.mark.parametrize("command", ["score", "track"])
def test_foreign_model_files_exit_2_with_one_line(demo, tmp_path, text, message, command):
    model = tmp_path / "model.json"
    if text is not None:
        model.write_text(text, encoding="utf-8")
    export = str(demo["export"])
    args = (
        [export, "--out", str(tmp_path / "o.csv")]
        if command == "score"
        else [export, export, "--out", str(tmp_path / "t")]
    )
    result = CliRunner().invoke(app, [command, str(model), *args])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr
