"""Questionnaires: the schema, YAML loading, the scale library, the template library, lint,
renderers (XLSForm, Qualtrics TXT, Word, codebook) and the export columns of each platform."""

from .codebook import to_codebook, write_codebook
from .compose import new_questionnaire, write_new_questionnaire
from .lint import check_questionnaire, estimate_minutes, lint_questionnaire
from .loader import (
    LIBRARY_DIR,
    QuestionnaireErrors,
    library_modules,
    load_questionnaire,
    parse_questionnaire,
    read_questionnaire,
)
from .model import (
    BASES,
    ITEM_TYPES,
    Block,
    Choice,
    Condition,
    Construct,
    Grid,
    Item,
    Questionnaire,
    Scale,
    Statement,
)
from .platforms import PLATFORMS, export_columns
from .qualtrics import setup_notes, to_qualtrics_txt, write_qualtrics
from .scales import LIBRARY_SCALES
from .word import to_docx, write_docx
from .xlsform import to_xlsform, write_xlsform

__all__ = [
    "BASES",
    "ITEM_TYPES",
    "LIBRARY_DIR",
    "LIBRARY_SCALES",
    "PLATFORMS",
    "Block",
    "Choice",
    "Condition",
    "Construct",
    "Grid",
    "Item",
    "Questionnaire",
    "QuestionnaireErrors",
    "Scale",
    "Statement",
    "check_questionnaire",
    "estimate_minutes",
    "export_columns",
    "library_modules",
    "lint_questionnaire",
    "load_questionnaire",
    "new_questionnaire",
    "parse_questionnaire",
    "read_questionnaire",
    "setup_notes",
    "to_codebook",
    "to_docx",
    "to_qualtrics_txt",
    "to_xlsform",
    "write_codebook",
    "write_docx",
    "write_new_questionnaire",
    "write_qualtrics",
    "write_xlsform",
]
