"""Questionnaires: the schema, YAML loading, the scale library and renderers."""

from .loader import load_questionnaire, parse_questionnaire
from .model import BASES, ITEM_TYPES, Block, Choice, Construct, Item, Questionnaire, Scale
from .scales import LIBRARY_SCALES

__all__ = [
    "BASES",
    "ITEM_TYPES",
    "LIBRARY_SCALES",
    "Block",
    "Choice",
    "Construct",
    "Item",
    "Questionnaire",
    "Scale",
    "load_questionnaire",
    "parse_questionnaire",
]
