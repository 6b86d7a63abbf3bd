"""`research demo` and `research run`: the whole pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._app import CreatedOption, ProgressOption, StageProgress, app, err, out, user_errors


def _report(result: Any, out_dir: Path) -> None:
    s = result.survey
    reasons = ", ".join(f"{r} {n}" for r, n in s.exclusions["reason"].value_counts().items())
    out.print(
        f"Imported {s.n_read:,} respondents: kept {s.n_kept:,}, excluded {s.n_excluded:,}"
        + (f" ({reasons})" if reasons else "")
    )
    for field, value in result.content.summary[["field", "value"]].to_numpy():
        if field == "Outside the segmentation base":  # routing, see research.ingest.routing
            out.print(f"Outside the segmentation base: {value}", markup=False)
    if result.factors is None:
        out.print("Factors: none (no rating battery)")
    else:
        labels = ", ".join(result.factors.labels.values())
        out.print(f"Factors: {result.factors.loadings.shape[1]} ({labels})", markup=False)
    out.print(f"Segments: {result.segments.k}. {result.segments.reason}", markup=False)
    for p in result.personas:
        out.print(f"  {p.segment}. {p.name}: {p.size:,} ({p.share:.0%})", markup=False)
    analysis = result.analysis
    for note in result.content.warnings:
        err.print(f"warning: {note}", markup=False)
    if analysis is not None:
        card = analysis.scorecard
        counts = card["status"].value_counts()
        tally = ", ".join(f"{counts[s]} {s}" for s in ("pass", "warn", "fail") if s in counts)
        weak = card[card["status"].isin(["warn", "fail"])]["criterion"].tolist()
        out.print(f"Scorecard: {tally}" + (f" (check {', '.join(weak)})" if weak else ""))
        if analysis.stability is not None:
            out.print(f"Stability: mean bootstrap ARI {analysis.stability.ari:.2f}")
        tool = analysis.typing_tool
        if tool is not None:
            out.print(
                f"Typing tool: {len(tool.questions)} golden questions, "
                f"{tool.cv_accuracy:.1%} cross-validated accuracy"
            )
    if result.recovery is not None:
        out.print(f"Adjusted Rand index vs planted segments: {result.recovery:.3f}")
    out.print(
        f"Reports written to {out_dir}/: personas.xlsx, personas.pdf, charts/, segments.csv, "
        "scorecard.csv"
    )


@app.command()
@user_errors
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the reports.")] = Path(
        "reports/demo"
    ),
    created: CreatedOption = None,
    show_progress: ProgressOption = True,
) -> None:
    """Run the whole pipeline on the bundled Second Stitch study.

    Example: research demo --out reports/demo
    """
    from ..datasets import demo_paths
    from ..study import run_study

    progress = StageProgress(show_progress)
    result = run_study(
        demo_paths()["study"], out_dir, progress=progress, progress_bars=progress.bars,
        created=created,
    )  # fmt: skip
    _report(result, out_dir)


@app.command()
@user_errors
def run(
    study: Annotated[Path, typer.Argument(help="The study file (study.yaml).")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for the reports (default: the study's).")
    ] = None,
    created: CreatedOption = None,
    show_progress: ProgressOption = True,
) -> None:
    """Run every stage of a study: import, factors, segments, interviews, personas, reports.

    Example: research run studies/thrift/study.yaml --out reports/thrift
    """
    from ..study import load_study, run_study

    spec = load_study(study)
    target = out_dir if out_dir is not None else Path(spec.output)
    progress = StageProgress(show_progress)
    result = run_study(
        spec, target, progress=progress, progress_bars=progress.bars, created=created
    )
    _report(result, target)
