"""Every command on mutated real inputs: a result or a one-line exit 2, never a traceback.

Seeds are real files from tests/data and the bundled study (exports, questionnaires, study
files, codebooks, transcripts, coded-segment tables, a report bundle); mutations truncate,
flip bytes, splice junk, swap line ends, plant stray quotes, nest brackets, blow up a field.
``RESEARCH_CLI_FUZZ_CASES`` sets how many cases run (CI: 150, seeded).
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from research.cli import app

DATA = Path(__file__).parent / "data"
THRIFT = Path(__file__).parents[1] / "research/datasets/thrift"
CASES = int(os.environ.get("RESEARCH_CLI_FUZZ_CASES", "150"))
runner = CliRunner()


def _head(path: Path, lines: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(True)[:lines])


def _seeds() -> dict[str, tuple[str, bytes]]:
    """name -> (kind, bytes)."""
    transcript = next(iter(sorted((THRIFT / "transcripts").glob("*.txt"))))
    seeds = {
        "export.csv": ("export", _head(THRIFT / "qualtrics_export.csv", 60)),
        "sample.csv": ("export", (DATA / "qualtrics/sample.csv").read_bytes()),
        "steak.csv": ("export", _head(DATA / "surveymonkey/steak-risk-survey.csv", 40)),
        "questionnaire.yaml": ("questionnaire", (THRIFT / "questionnaire.yaml").read_bytes()),
        "codebook.yaml": ("codebook", (THRIFT / "codebook.yaml").read_bytes()),
        "interview.txt": ("transcript", transcript.read_bytes()),
        "answers.csv": ("answers", _answers()),
        "links.csv": ("links", (THRIFT / "interviews.csv").read_bytes()),
    }
    for path in sorted((DATA / "transcripts").rglob("*")):
        if path.suffix in (".vtt", ".srt", ".docx", ".md") and path.stat().st_size < 200_000:
            seeds[f"t-{path.name}"] = ("transcript", path.read_bytes())
            if len([k for k in seeds if k.startswith("t-")]) >= 4:
                break
    return seeds


def _answers() -> bytes:
    import numpy as np

    rng = np.random.default_rng(3)
    rows = ["respondent_id," + ",".join(f"q{i}" for i in range(8))]
    for r in range(120):
        rows.append(f"r{r}," + ",".join(str(v) for v in rng.integers(1, 6, 8)))
    return ("\n".join(rows) + "\n").encode()


def _mutate(raw: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(10)
    if kind == 0:
        return raw[: rng.randrange(len(raw) + 1)]
    if kind == 1:
        out = bytearray(raw)
        for _ in range(rng.randint(1, 30)):
            if out:
                out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    pos = rng.randrange(len(raw) + 1)
    if kind == 2:
        return raw[:pos] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))) + raw[pos:]
    if kind == 3:
        return raw[:pos] + b'"' + raw[pos:]
    if kind == 4:
        return raw.replace(b"\n", b"\r", rng.randint(1, 5))
    if kind == 5:
        depth = rng.choice([50, 2000])
        return raw[:pos] + b"[" * depth + b"]" * depth + raw[pos:]
    if kind == 6:
        return raw[:pos] + b"9" * rng.choice([500, 5000]) + raw[pos:]
    if kind == 7:
        return raw[:pos] + b"x" * rng.choice([10_000, 300_000]) + raw[pos:]
    if kind == 8:
        return b"\xef\xbb\xbf" + raw if rng.random() < 0.5 else raw.replace(b",", b";")
    lines = raw.splitlines(True)
    rng.shuffle(lines)
    return b"".join(lines)


def _command(kind: str, path: Path, tmp: Path) -> list[str]:
    out = str(tmp / "out")
    if kind == "export":
        return ["import", str(path), "--out", out]
    if kind == "questionnaire":
        return ["questionnaire", "build", str(path), "--out", out]
    if kind == "codebook":
        folder = tmp / "transcripts"
        folder.mkdir(exist_ok=True)
        shutil.copy(next(iter(sorted((THRIFT / "transcripts").glob("*.txt")))), folder / "a.txt")
        return ["code", str(folder), "--codebook", str(path), "--out", out]
    if kind == "transcript":
        folder = tmp / "transcripts"
        folder.mkdir(exist_ok=True)
        shutil.move(path, folder / path.name.removeprefix("t-"))
        return ["code", str(folder), "--codebook", str(THRIFT / "codebook.yaml"), "--out", out]
    if kind == "answers":
        return ["segment", str(path), "--classes", "2", "--starts", "1", "--stability", "0",
                "--questions", "0", "--out", out, "--no-progress"]  # fmt: skip
    if kind == "links":
        study = tmp / "study.yaml"
        study.write_text(
            f"title: T\nquestionnaire: {THRIFT / 'questionnaire.yaml'}\n"
            f"export: {tmp / 'export.csv'}\n"
            f"interviews:\n  transcripts: {THRIFT / 'transcripts'}\n"
            f"  codebook: {THRIFT / 'codebook.yaml'}\n  links: {path}\n"
            "factors: {n_factors: 3}\n"
            "segments: {k_min: 2, k_max: 2, n_init: 1, n_boot: 0, golden_questions: 0}\n"
        )
        (tmp / "export.csv").write_bytes(_head(THRIFT / "qualtrics_export.csv", 400))
        return ["run", str(study), "--out", out]
    raise AssertionError(kind)


def _cases() -> list[tuple[str, int]]:
    names = sorted(_seeds())
    rng = random.Random(2026)
    return [(rng.choice(names), rng.randrange(2**31)) for _ in range(CASES)]


@pytest.fixture(scope="module")
def seeds():
    return _seeds()


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "salt"), _cases())
def test_a_mutated_input_gives_a_result_or_one_line_exit_2(seeds, seed, salt, tmp_path):
    kind, raw = seeds[seed]
    path = tmp_path / seed
    path.write_bytes(_mutate(raw, random.Random(salt)))
    result = runner.invoke(app, _command(kind, path, tmp_path))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        lines = [line for line in result.output.splitlines() if line.startswith("error")]
        assert lines and all(len(line) < 1000 for line in lines), result.output
