"""Interview text: read transcripts, code them with a keyword codebook, pick redacted quotes.

Typical use::

    turns = read_transcripts("transcripts/")
    codebook = load_codebook("codebook.yaml")
    coded = code_turns(turns, codebook)
    coded = attach_segments(coded, links, segments)
    summary = code_summary(coded, by="segment", codebook=codebook)
    quotes = pick_quotes(coded, by="segment")
"""

from .codebook import Code, Codebook, keyword_regex, load_codebook, parse_codebook
from .coding import CODED_COLUMNS, attach_segments, code_summary, code_turns, sentiment
from .quotes import excerpt, pick_quotes, word_count
from .redact import find_names, redact
from .transcripts import (
    TURN_COLUMNS,
    parse_transcript,
    read_transcript,
    read_transcripts,
    speaker_role,
)

__all__ = [
    "CODED_COLUMNS",
    "TURN_COLUMNS",
    "Code",
    "Codebook",
    "attach_segments",
    "code_summary",
    "code_turns",
    "excerpt",
    "find_names",
    "keyword_regex",
    "load_codebook",
    "parse_codebook",
    "parse_transcript",
    "pick_quotes",
    "read_transcript",
    "read_transcripts",
    "redact",
    "sentiment",
    "speaker_role",
    "word_count",
]
