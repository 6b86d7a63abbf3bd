"""Import survey exports: detect, read, map to the questionnaire, recode, clean, weight."""

from research._lazy import lazy_attributes

# Names load from their modules on first use (PEP 562), so `research factors`, which needs only
# the CSV decoding in .textio, does not import every reader and the questionnaire model.
_LAZY = {
    "FORMATS": "detect",
    "Detection": "detect",
    "detect_format": "detect",
    "read_export": "detect",
    "read_mapping_file": "generic",
    "read_table": "generic",
    "read_google_forms": "google",
    "import_responses": "importer",
    "infer_questionnaire": "infer",
    "questionnaire_yaml": "infer",
    "read_kobo": "kobo",
    "map_columns": "mapping",
    "mapping_report": "mapping",
    "normalise_text": "mapping",
    "ExportMeta": "meta",
    "QualtricsMeta": "meta",
    "write_import": "outputs",
    "find_personal_columns": "personal",
    "QualityRules": "quality",
    "flag_respondents": "quality",
    "longstring": "quality",
    "read_qualtrics": "qualtrics",
    "recode_columns": "recode",
    "recode_item": "recode",
    "reverse_key": "recode",
    "read_spss": "spss",
    "read_stata": "spss",
    "write_spss": "spss",
    "SurveyData": "survey",
    "read_surveymonkey": "surveymonkey",
    "WeightSpec": "weights",
    "rake": "weights",
    "weight_report": "weights",
}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_attributes(globals())
