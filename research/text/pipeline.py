"""Code a folder of transcripts end to end, as ``research code`` does, and write the results.

:func:`code_transcripts` reads the transcripts, splits participants' turns into passages,
applies the codebook's rules, aligns human coding from a coded-segments table (``--train``),
fits the learned coder on the human-coded transcripts and suggests codes for the others, links
the metadata, and analyses the result by segment. :func:`write_coding` writes it, redacted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import pandas as pd

from ..errors import CodebookError, InputFileError
from ..safe_cells import write_csv
from .agreement import coding_agreement
from .analysis import (
    code_frequencies,
    collocations,
    cooccurrence,
    distinctive_terms,
    sentiment_by_code,
)
from .codebook import Code, Codebook, slug
from .codebook_io import load_codebook
from .coded_segments import align_segments, read_coded_segments, split_code_path
from .coding import CODED_COLUMNS, code_passages, empty_coded
from .coding_files import _transcript_of, load_coding
from .learn import CodeClassifier
from .metadata import attach_metadata, metadata_names, read_metadata
from .passages import PASSAGE_KEY, split_passages
from .quotes import people_names
from .redact import (
    INTERVIEWER,
    PARTICIPANT,
    find_names,
    is_person_label,
    label_names,
    redact,
    safe_transcript_ids,
)
from .representative import typical_quotes
from .suggest import code_scores, out_of_fold_codes, suggest_codes
from .transcripts import read_transcripts

__all__ = [
    "OUTPUT_COLUMNS",
    "CodingResult",
    "code_transcripts",
    "load_coding",
    "output_passages",
    "safe_ids",
    "write_coding",
]

#: Columns of ``passages.csv`` (then any metadata columns such as ``segment``).
OUTPUT_COLUMNS = (
    "transcript",
    "turn",
    "sentence",
    "speaker",
    "start",
    "end",
    "text",
    "code",
    "label",
    "source",
    "confidence",
    "sentiment",
)


@dataclass
class CodingResult:
    """Everything :func:`code_transcripts` produced.

    ``quotes``, ``terms`` and ``collocations`` are redacted; ``turns``, ``passages`` and
    ``coded`` keep the original text for analysis (:func:`write_coding` redacts what it writes).
    """

    turns: pd.DataFrame
    passages: pd.DataFrame
    coded: pd.DataFrame
    codebook: Codebook
    by: str | None
    frequencies: pd.DataFrame
    quotes: pd.DataFrame
    terms: pd.DataFrame
    collocations: pd.DataFrame
    cooccurrence: pd.DataFrame
    evaluation: pd.DataFrame | None = None
    agreement: pd.DataFrame | None = None
    unaligned: pd.DataFrame | None = None
    redaction: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _with_paths(codebook: Codebook, paths: Iterable[str]) -> tuple[Codebook, list[str]]:
    """The codebook plus codes for paths it lacks, each under its nearest known parent."""
    current, added = codebook, []
    for path in dict.fromkeys(paths):
        parts = split_code_path(path)
        parent = None
        for depth in range(1, len(parts) + 1):
            found = current.find_path(parts[:depth])
            if found is None:
                found = base = slug(parts[depth - 1])
                n = 2
                while found in current:
                    found, n = f"{base}_{n}", n + 1
                code = Code(id=found, label=parts[depth - 1], parent=parent)
                current = Codebook(
                    codes=(*current.codes, code), name=codebook.name, path=codebook.path
                )
                added.append(" > ".join(parts[:depth]))
            parent = found
    return current, added


def code_transcripts(
    transcripts: str | PathLike | Sequence[str | PathLike],
    codebook: Codebook | str | PathLike | None,
    *,
    train: str | PathLike | None = None,
    metadata: str | PathLike | pd.DataFrame | None = None,
    unit: str = "turn",
    level: int | None = None,
    interviewer_names: Iterable[str] | None = None,
    evaluate: bool = False,
    per_code: int = 1,
    names: Iterable[str] = (),
    classifier: CodeClassifier | None = None,
    encoding: str | None = None,
) -> CodingResult:
    """Read, code and analyse transcripts.

    Parameters
    ----------
    transcripts : path or list of paths
        A folder of transcripts, or files (see :func:`~research.text.read_transcripts`).
    codebook : Codebook, path or None
        The codebook or its file (YAML, ``.qdc``, ``.qdpx``, code list); None builds it from
        the code paths of `train`.
    train : path, optional
        A coded-segments table (document, code path, text) for some of the transcripts: their
        passages get the human codes (``source="human"``) and train the learned coder, which
        suggests codes for the other transcripts (``source="model"``).
    metadata : path or DataFrame, optional
        Transcript → respondent id, segment, attributes (:func:`~research.text.read_metadata`).
    unit : {"turn", "sentence"}
        Passage unit.
    level : int, optional
        Level of the code hierarchy the learned coder and the analysis work at (1 = top-level
        codes); None uses the codes as they are.
    interviewer_names : iterable of str, optional
        Interviewer speaker labels; None detects them.
    evaluate : bool
        With `train`, also report leave-one-transcript-out precision/recall/F1 per code and
        the agreement between the human coding and those out-of-fold machine codes.
    per_code : int
        Representative quotes per code and segment.
    names : iterable of str
        More names to redact (people mentioned in the interviews).
    classifier : CodeClassifier, optional
        Settings of the learned coder.
    encoding : str, optional
        Encoding of text transcripts (default UTF-8; see
        :func:`~research.text.read_transcript`).

    Returns
    -------
    CodingResult
    """
    if codebook is None and train is None:
        raise CodebookError("give a codebook, or a coded-segments table to learn from")
    if codebook is None:
        from .coded_segments import codebook_from_paths

        book = codebook_from_paths(read_coded_segments(train)["code"], path=str(train))
    else:
        book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    notes: list[str] = []
    turns = read_transcripts(transcripts, interviewer_names=interviewer_names, encoding=encoding)
    passages = split_passages(turns, unit=unit)
    unlabelled = sorted(
        t for t, roles in turns.groupby("transcript")["role"] if set(roles) == {"other"}
    )
    if unlabelled:
        notes.append(
            f"no speaker labels in {unlabelled[:5]}: all their text was coded as one voice"
        )
    meta = None
    if metadata is not None:
        meta = metadata if isinstance(metadata, pd.DataFrame) else read_metadata(metadata)
        unknown = sorted(set(meta["transcript"]) - set(turns["transcript"]))
        if unknown:
            notes.append(f"metadata lists transcripts that were not read: {unknown[:5]}")
    frames = [code_passages(passages, book)] if book.rule_codes else []
    evaluation = unaligned = agreement = None
    if train is not None:
        segments = read_coded_segments(train)
        book, added = _with_paths(book, segments["code"])
        if added:
            notes.append(f"{len(added)} code paths only in the training table were added")
        owner = _transcript_of(pd.unique(segments["document"]), pd.unique(turns["transcript"]))
        strays = segments[segments["document"].map(owner).isna()]
        if len(strays):
            raise InputFileError(
                f"document {strays['document'].iloc[0]!r} of the training table is not one of "
                f"the transcripts ({sorted(map(str, pd.unique(turns['transcript'])))[:8]})",
                path=train,
                line=int(strays["line"].iloc[0]),
            )
        trained = set(owner.values())
        mask = passages["transcript"].isin(trained)
        human, unaligned = align_segments(passages[mask], turns, segments, book)
        if len(unaligned):
            notes.append(f"{len(unaligned)} coded segments could not be found in the transcripts")
        frames.append(human)
        others = passages[~mask]
        if len(others) and len(trained) >= 1:
            frames.append(
                suggest_codes(
                    passages[mask], human, others, codebook=book, level=level, classifier=classifier
                )
            )
        if evaluate:
            machine = out_of_fold_codes(
                passages[mask], human, codebook=book, level=level, classifier=classifier
            )
            evaluation = code_scores(passages[mask], human, machine, codebook=book, level=level)
            agreement = coding_agreement(
                human, machine, passages=passages[mask], codebook=book, level=level
            )
    coded = pd.concat([empty_coded(), *frames], ignore_index=True) if frames else empty_coded()
    coded = coded.astype(empty_coded().dtypes.to_dict())
    by = None
    if meta is not None:
        passages, coded = attach_metadata(passages, meta), attach_metadata(coded, meta)
        by = "segment" if "segment" in meta.columns else None
    participant, interviewer = metadata_names(meta) if meta is not None else ([], [])
    interviewer += [
        n
        for s in pd.unique(turns.loc[turns["role"] == "interviewer", "speaker"])
        for n in label_names(s)
    ]
    # names introduced anywhere (``my sister Fiona``) are redacted everywhere
    found = tuple(dict.fromkeys(n for t in turns["text"].astype(str) for n in find_names(t)))
    redaction = people_names(
        turns,
        names=tuple(names),
        participant_names=participant,
        interviewer_names=interviewer,
        found_names=found,
    )
    result = CodingResult(
        turns=turns,
        passages=passages,
        coded=coded,
        codebook=book,
        by=by,
        frequencies=_frequencies(coded, passages, by, book, level),
        quotes=typical_quotes(
            coded, by=by, per_code=per_code, codebook=book, level=level, **redaction
        ),
        terms=distinctive_terms(passages, by=by, names=_all_names(redaction)),
        collocations=collocations(passages, by=by, names=_all_names(redaction)),
        cooccurrence=cooccurrence(coded, codebook=book, level=level),
        evaluation=evaluation,
        agreement=agreement,
        unaligned=unaligned,
        redaction=redaction,
        notes=notes,
    )
    ids = safe_ids(result)  # quotes leave the module: no names in their transcript ids either
    result.quotes["transcript"] = [ids.get(str(t), t) for t in result.quotes["transcript"]]
    return result


def _all_names(redaction: dict) -> tuple[str, ...]:
    return tuple(
        n
        for key in ("names", "participant_names", "interviewer_names", "found_names")
        for name in redaction.get(key, ())
        for n in (name, *name.split())
    )


def _frequencies(coded, passages, by, book, level) -> pd.DataFrame:
    freq = code_frequencies(coded, passages, by=by, codebook=book, level=level)
    senti = sentiment_by_code(coded, by=by, codebook=book, level=level)
    keys = [by or "group", "code"]
    senti = senti.drop(columns=["label", "passages"])
    return freq.merge(senti, on=keys, how="left")


def safe_ids(result: CodingResult) -> dict[str, str]:
    """Transcript ids for output: an id holding a person's name (``Priya_Shah_T01``) becomes
    ``transcript-1``, ``transcript-2``...; other ids are kept (:func:`safe_transcript_ids`)."""
    names = [
        name
        for key in ("names", "participant_names", "interviewer_names", "found_names")
        for name in result.redaction.get(key, ())
    ]
    return safe_transcript_ids(pd.unique(result.turns["transcript"]), names)


def output_passages(result: CodingResult, *, redacted: bool = True) -> pd.DataFrame:
    """The ``passages.csv`` table: every passage, one row per code (an uncoded passage once).

    Parameters
    ----------
    result : CodingResult
    redacted : bool, default True
        Redact text, replace transcript ids holding a name (:func:`safe_ids`), and show
        speakers whose label is a name as ``[PARTICIPANT]``/``[INTERVIEWER]``.

    Returns
    -------
    pandas.DataFrame
        :data:`OUTPUT_COLUMNS` then metadata columns (respondent id, segment, attributes).
    """
    coded = result.coded.drop_duplicates([*PASSAGE_KEY, "code", "source"])
    extra = [
        c
        for c in result.passages.columns
        if c not in (*CODED_COLUMNS, "role", "question") and c in coded.columns
    ]
    keys = list(PASSAGE_KEY)
    codes = coded[[*keys, "code", "label", "source", "confidence"]]
    out = result.passages.merge(codes, on=keys, how="left")
    out = out[[*OUTPUT_COLUMNS, *extra]].copy()
    if redacted:
        args = {k: v for k, v in result.redaction.items()}
        roles = dict(zip(result.turns["speaker"], result.turns["role"], strict=False))
        interviewers = set(args.get("interviewer_names", ()))
        out["speaker"] = [
            (INTERVIEWER if s in interviewers or roles.get(s) == "interviewer" else PARTICIPANT)
            if is_person_label(s)
            else s
            for s in out["speaker"]
        ]
        cache: dict[str, str] = {}
        out["text"] = [cache.setdefault(t, redact(t, **args)) for t in out["text"].astype(str)]
        out["transcript"] = out["transcript"].map(safe_ids(result))
    return out.reset_index(drop=True)


def write_coding(result: CodingResult, out: str | PathLike, *, redacted: bool = True) -> dict:
    """Write ``passages.csv``, ``codes_by_segment.csv``, ``quotes.csv`` and companions.

    Parameters
    ----------
    result : CodingResult
    out : path
        Output folder (created).
    redacted : bool, default True
        Redact ``passages.csv`` (quotes, terms and collocations are always redacted).

    Returns
    -------
    dict of str to Path
        Also ``cooccurrence.csv``, ``terms.csv`` (distinctive words and collocations per
        segment) and, when computed, ``evaluation.csv`` (leave-one-transcript-out precision,
        recall, F1) and ``agreement.csv`` (human coder versus the machine, per code).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    terms = pd.concat(
        [
            result.terms.assign(kind="keyword").rename(columns={"term": "text"}),
            result.collocations.assign(kind="collocation").rename(columns={"collocation": "text"}),
        ],
        ignore_index=True,
    )
    tables = {
        "passages.csv": (output_passages(result, redacted=redacted), False),
        "codes_by_segment.csv": (result.frequencies, False),
        "quotes.csv": (result.quotes, False),
        "cooccurrence.csv": (result.cooccurrence, True),
        "terms.csv": (terms, False),
    }
    if result.evaluation is not None:
        tables["evaluation.csv"] = (result.evaluation, False)
    if result.agreement is not None:
        tables["agreement.csv"] = (result.agreement, False)
    files = {}
    for name, (frame, index) in tables.items():
        files[name.removesuffix(".csv")] = write_csv(frame, out / name, index=index)
    return files
