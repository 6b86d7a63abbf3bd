"""Shared fixtures: the bundled demo study, imported once per session."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

from research.datasets import demo_paths  # noqa: E402

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def demo() -> dict[str, Path]:
    return demo_paths()


@pytest.fixture(scope="session")
def thrift_q(demo):
    from research.questionnaire import load_questionnaire

    return load_questionnaire(demo["questionnaire"])


@pytest.fixture(scope="session")
def thrift_survey(demo, thrift_q):
    from research.ingest import import_responses

    return import_responses(demo["export"], thrift_q)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The whole demo pipeline, run once through the Python API."""
    from research.study import run_study

    out = tmp_path_factory.mktemp("demo")
    return run_study(demo_paths()["study"], out, created="2026-03-25T09:00:00")
