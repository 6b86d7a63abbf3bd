"""Import survey exports: read, map to the questionnaire, recode, apply quality rules."""

from .importer import import_responses
from .mapping import map_columns, normalise_text
from .quality import QualityRules, flag_respondents
from .qualtrics import QualtricsMeta, read_qualtrics
from .recode import recode_item, reverse_key
from .survey import SurveyData

__all__ = [
    "QualityRules",
    "QualtricsMeta",
    "SurveyData",
    "flag_respondents",
    "import_responses",
    "map_columns",
    "normalise_text",
    "read_qualtrics",
    "recode_item",
    "reverse_key",
]
