"""`research code` and `research agreement`: command-line entry to research.text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app, out, progress, user_errors

__all__ = ["agreement", "code"]


def _transcript_files(folder: Path, pattern: str | None, skip: list[Path | None]) -> object:
    """The folder itself, or the files matching `pattern`, leaving out the other inputs."""
    from ..errors import InputFileError
    from ..text.transcripts import SUFFIXES

    if pattern is None and not any(p is not None and p.parent == folder for p in skip):
        return folder
    if not folder.is_dir():
        raise InputFileError("transcripts folder does not exist", path=folder)
    skipped = {p.resolve() for p in skip if p is not None}
    files = [
        p
        for p in sorted(folder.glob(pattern or "*"))
        if p.is_file() and p.suffix.lower() in SUFFIXES and p.resolve() not in skipped
    ]
    if not files:
        raise InputFileError(f"no transcripts match {pattern or '*'!r}", path=folder)
    return files


@app.command("code")
@user_errors
def code(
    transcripts: Annotated[
        Path, typer.Argument(help="Folder of transcripts (.txt .md .docx .vtt .srt).")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the CSV outputs.")],
    codebook: Annotated[
        Path | None,
        typer.Option(
            "--codebook", help="Codebook: .yaml, .qdc or .qdpx (default: --train's codes)."
        ),
    ] = None,
    train: Annotated[
        Path | None,
        typer.Option("--train", help="Coded segments (document, code path, text) to learn from."),
    ] = None,
    metadata: Annotated[
        Path | None,
        typer.Option("--metadata", help="CSV: transcript, respondent_id, segment, attributes."),
    ] = None,
    unit: Annotated[str, typer.Option("--unit", help="Passage unit: turn or sentence.")] = "turn",
    level: Annotated[
        int | None, typer.Option("--level", help="Code level for learning/analysis (1 = top).")
    ] = None,
    pattern: Annotated[
        str | None, typer.Option("--glob", help="Read only files matching this pattern.")
    ] = None,
    interviewer: Annotated[
        list[str] | None,
        typer.Option("--interviewer", help="Interviewer speaker label (repeat; default: detect)."),
    ] = None,
    evaluate: Annotated[
        bool, typer.Option("--evaluate", help="With --train: leave-one-transcript-out scores.")
    ] = False,
    per_code: Annotated[int, typer.Option("--per-code", help="Quotes per code and segment.")] = 1,
    no_redact: Annotated[
        bool, typer.Option("--no-redact", help="Keep names and contacts in passages.csv.")
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Encoding of text transcripts, e.g. cp1252 (default UTF-8)."
        ),
    ] = None,
) -> None:
    """Code transcripts with a codebook (rules), human coding (--train) and a learned model.

    Writes passages.csv, codes_by_segment.csv, quotes.csv, cooccurrence.csv, terms.csv (and
    evaluation.csv, agreement.csv with --evaluate: leave-one-transcript-out scores and
    human-versus-machine agreement). Text is redacted unless --no-redact.

    Example: research code interviews/ --codebook codebook.yaml --metadata meta.csv --out coded/
    """
    from ..text.pipeline import code_transcripts, write_coding

    source = _transcript_files(transcripts, pattern, [codebook, train, metadata])
    progress("reading and coding transcripts")
    result = code_transcripts(
        source,
        codebook,
        train=train,
        metadata=metadata,
        unit=unit,
        level=level,
        interviewer_names=interviewer or None,
        evaluate=evaluate,
        per_code=per_code,
        encoding=encoding,
    )
    files = write_coding(result, out_dir, redacted=not no_redact)
    coded = result.coded
    passages = result.passages
    out.print(
        f"Read {passages['transcript'].nunique()} transcripts: {len(passages):,} participant "
        f"passages ({unit}s), {coded[['transcript', 'turn', 'sentence']].drop_duplicates().shape[0]:,} coded."
    )
    for source_name, n in coded["source"].value_counts().sort_index().items():
        out.print(f"  {source_name}: {n:,} codes applied")
    for note in result.notes:
        out.print(f"Note: {note}")
    if result.evaluation is not None:
        micro = result.evaluation.set_index("code").loc["micro"]
        out.print(
            f"Leave-one-transcript-out (level {level or 'as coded'}): micro precision "
            f"{micro['precision']:.3f}, recall {micro['recall']:.3f}, F1 {micro['f1']:.3f}"
        )
    if result.agreement is not None:
        overall = result.agreement.set_index("code").loc["overall"]
        out.print(
            f"Human vs machine on the same passages: {overall['percent']:.1f}% agreement, "
            f"Cohen's kappa {overall['kappa']:.3f}, Krippendorff's alpha {overall['alpha']:.3f}"
        )
    out.print(f"Wrote {', '.join(p.name for p in files.values())} to {out_dir}/")


@app.command("agreement")
@user_errors
def agreement(
    first: Annotated[Path, typer.Argument(help="Coder A: passages.csv or a coded-segments table.")],
    second: Annotated[Path, typer.Argument(help="Coder B: same kinds as A.")],
    transcripts: Annotated[
        Path | None,
        typer.Option("--transcripts", help="Transcripts folder, for coded-segments tables."),
    ] = None,
    level: Annotated[
        int | None, typer.Option("--level", help="Compare codes at this level (1 = top).")
    ] = None,
    unit: Annotated[str, typer.Option("--unit", help="Passage unit: turn or sentence.")] = "turn",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Also write the table to this CSV.")
    ] = None,
) -> None:
    """Agreement between two codings: percent, Cohen's kappa, Krippendorff's alpha per code.

    Example: research agreement coderA.csv coderB.csv --transcripts interviews/
    """
    from ..text.agreement import coding_agreement
    from ..text.pipeline import load_coding

    a, book_a = load_coding(first, transcripts=transcripts, unit=unit)
    b, book_b = load_coding(second, transcripts=transcripts, unit=unit)
    book = book_a or book_b
    table = coding_agreement(a, b, codebook=book, level=level)
    shown = table.copy()
    for col in ("percent", "kappa", "alpha"):
        shown[col] = shown[col].map(lambda v: "" if v != v else f"{v:.3f}")
    for col in ("coder_a", "coder_b", "both"):
        shown[col] = shown[col].map(lambda v: "" if v != v else f"{int(v)}")
    out.print(shown.drop(columns="label").to_string(index=False))
    if out_file is not None:
        from ..safe_cells import write_csv

        write_csv(table, out_file, index=False)
        out.print(f"Wrote {out_file}")
