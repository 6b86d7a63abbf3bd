"""Import survey exports: detect, read, map to the questionnaire, recode, clean, weight."""

from .detect import FORMATS, Detection, detect_format, read_export
from .generic import read_mapping_file, read_table
from .google import read_google_forms
from .importer import import_responses
from .infer import infer_questionnaire, questionnaire_yaml
from .kobo import read_kobo
from .mapping import map_columns, mapping_report, normalise_text
from .meta import ExportMeta, QualtricsMeta
from .outputs import write_import
from .personal import find_personal_columns
from .quality import QualityRules, flag_respondents, longstring
from .qualtrics import read_qualtrics
from .recode import recode_columns, recode_item, reverse_key
from .spss import read_spss, read_stata, write_spss
from .survey import SurveyData
from .surveymonkey import read_surveymonkey
from .weights import WeightSpec, rake, weight_report

__all__ = [
    "FORMATS",
    "Detection",
    "ExportMeta",
    "QualityRules",
    "QualtricsMeta",
    "SurveyData",
    "WeightSpec",
    "detect_format",
    "find_personal_columns",
    "flag_respondents",
    "import_responses",
    "infer_questionnaire",
    "longstring",
    "map_columns",
    "mapping_report",
    "normalise_text",
    "questionnaire_yaml",
    "rake",
    "read_export",
    "read_google_forms",
    "read_kobo",
    "read_mapping_file",
    "read_qualtrics",
    "read_spss",
    "read_stata",
    "read_surveymonkey",
    "read_table",
    "recode_columns",
    "recode_item",
    "reverse_key",
    "weight_report",
    "write_import",
    "write_spss",
]
