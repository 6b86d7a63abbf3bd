"""Interview text: transcripts, codebooks, rule and learned coding, agreement, analysis, quotes.

Typical use::

    turns = read_transcripts("transcripts/")              # .txt .md .docx .vtt .srt
    codebook = load_codebook("codebook.yaml")              # or .qdc / .qdpx
    passages = split_passages(turns, unit="sentence")
    coded = code_passages(passages, codebook)              # rules; see also suggest_codes
    coded = attach_metadata(coded, read_metadata("meta.csv"))
    code_frequencies(coded, attach_metadata(passages, meta), by="segment")
    typical_quotes(coded, by="segment")                    # redacted

or, end to end, :func:`code_transcripts` (what ``research code`` runs).
"""

from .agreement import coding_agreement, reliability
from .analysis import (
    code_frequencies,
    collocations,
    cooccurrence,
    distinctive_terms,
    sentiment_by_code,
)
from .codebook import Code, Codebook, slug
from .codebook_io import load_codebook, parse_code_list, parse_codebook
from .coded_segments import align_segments, codebook_from_paths, read_coded_segments
from .coding import (
    CODED_COLUMNS,
    attach_segments,
    code_passages,
    code_summary,
    code_turns,
)
from .features import code_descriptions, passage_documents
from .learn import CodeClassifier
from .metadata import attach_metadata, metadata_names, read_metadata
from .passages import PASSAGE_COLUMNS, sentiment, split_passages
from .pipeline import CodingResult, code_transcripts, load_coding, output_passages, write_coding
from .quotes import excerpt, pick_quotes, word_count
from .redact import find_names, is_person_label, label_names, redact
from .refi import read_qdc, validate_refi, write_qdc
from .representative import typical_quotes
from .rules import Rules, keyword_regex, stem_tokens
from .suggest import (
    code_scores,
    cross_validate_transcripts,
    out_of_fold_codes,
    passage_labels,
    suggest_codes,
)
from .transcripts import (
    TURN_COLUMNS,
    detect_interviewers,
    parse_transcript,
    read_transcript,
    read_transcripts,
    speaker_role,
)

__all__ = [
    "CODED_COLUMNS",
    "PASSAGE_COLUMNS",
    "TURN_COLUMNS",
    "Code",
    "CodeClassifier",
    "Codebook",
    "CodingResult",
    "Rules",
    "align_segments",
    "attach_metadata",
    "attach_segments",
    "code_descriptions",
    "code_frequencies",
    "code_passages",
    "code_scores",
    "code_summary",
    "code_transcripts",
    "code_turns",
    "codebook_from_paths",
    "coding_agreement",
    "collocations",
    "cooccurrence",
    "cross_validate_transcripts",
    "detect_interviewers",
    "distinctive_terms",
    "excerpt",
    "find_names",
    "is_person_label",
    "keyword_regex",
    "label_names",
    "load_codebook",
    "load_coding",
    "metadata_names",
    "out_of_fold_codes",
    "output_passages",
    "parse_code_list",
    "parse_codebook",
    "parse_transcript",
    "passage_documents",
    "passage_labels",
    "pick_quotes",
    "read_coded_segments",
    "read_metadata",
    "read_qdc",
    "read_transcript",
    "read_transcripts",
    "redact",
    "reliability",
    "sentiment",
    "sentiment_by_code",
    "slug",
    "speaker_role",
    "split_passages",
    "stem_tokens",
    "suggest_codes",
    "typical_quotes",
    "validate_refi",
    "word_count",
    "write_coding",
    "write_qdc",
]
