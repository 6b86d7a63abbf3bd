"""The questionnaire schema: items, scales, blocks and constructs (pydantic).

A questionnaire is also the codebook: the importer recodes answers with its scales, the factor
analysis names factors from its constructs, and reports print its wording.
"""

from __future__ import annotations

import warnings
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .scales import LIBRARY_SCALES

__all__ = [
    "BASES",
    "ITEM_TYPES",
    "SCALE_TYPES",
    "Choice",
    "Scale",
    "Construct",
    "Item",
    "Block",
    "Questionnaire",
]

ITEM_TYPES = ("likert", "importance", "single", "multi", "numeric", "text", "ranking")
BASES = (
    "demographic",
    "psychographic",
    "behavioural",
    "needs",
    "value",
    "firmographic",
    "technographic",
    "geographic",
)
#: Item types whose answers are codes of a scale (the attitude and needs battery).
SCALE_TYPES = ("likert", "importance")
_DEFAULT_SCALE = {"likert": "agree5", "importance": "importance5"}
_ID = r"^[A-Za-z][A-Za-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    """One answer option: the numeric code it imports as and the label respondents see."""

    code: int
    label: str = Field(min_length=1)


def _choices(value: object, start: int = 1) -> object:
    """Accept ``["Yes", "No"]`` as shorthand for codes 1..n."""
    if isinstance(value, list):
        return [
            v if isinstance(v, dict | Choice) else {"code": i + start, "label": str(v)}
            for i, v in enumerate(value)
        ]
    return value


class Scale(_Strict):
    """An ordered answer scale."""

    id: str = Field(pattern=_ID)
    labels: list[Choice] = Field(min_length=2)

    @field_validator("labels", mode="before")
    @classmethod
    def _shorthand(cls, v: object) -> object:
        return _choices(v)

    @model_validator(mode="after")
    def _unique(self) -> Scale:
        codes = [c.code for c in self.labels]
        if len(set(codes)) != len(codes):
            raise ValueError(f"scale {self.id!r} repeats a code")
        return self

    @property
    def codes(self) -> list[int]:
        return [c.code for c in self.labels]

    def label_to_code(self) -> dict[str, int]:
        """Case- and whitespace-insensitive label lookup."""
        return {" ".join(c.label.lower().split()): c.code for c in self.labels}


class Construct(_Strict):
    """An intended attitude or needs dimension, with the words a persona name uses."""

    id: str = Field(pattern=_ID)
    label: str
    description: str = ""
    adjective: str = ""
    noun: str = ""


# pydantic warns that a field named "construct" shadows the deprecated BaseModel.construct;
# the YAML key is the word researchers use, so keep it.
warnings.filterwarnings("ignore", message='Field name "construct"', category=UserWarning)


class Item(_Strict):
    """One question (or one statement of a grid)."""

    id: str = Field(pattern=_ID)
    type: Literal["likert", "importance", "single", "multi", "numeric", "text", "ranking"]
    text: str = Field(min_length=1)
    scale: str | None = None
    choices: list[Choice] | None = None
    reverse: bool = False
    construct: str | None = None
    basis: (
        Literal[
            "demographic",
            "psychographic",
            "behavioural",
            "needs",
            "value",
            "firmographic",
            "technographic",
            "geographic",
        ]
        | None
    ) = None
    required: bool = False
    attention_check: str | None = None
    min: float | None = None
    max: float | None = None
    unit: str | None = None

    @field_validator("choices", mode="before")
    @classmethod
    def _shorthand(cls, v: object) -> object:
        return _choices(v)

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        if self.type in SCALE_TYPES and self.choices is not None:
            raise ValueError(f"{self.type} item {self.id!r} takes a scale, not choices")
        if self.type in ("single", "multi", "ranking") and not (self.choices or self.scale):
            raise ValueError(f"{self.type} item {self.id!r} needs choices or a scale")
        if self.reverse and self.type not in SCALE_TYPES + ("single",):
            raise ValueError(f"item {self.id!r}: only scale items can be reverse-keyed")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"item {self.id!r}: min {self.min} is above max {self.max}")
        if self.choices is not None:
            codes = [c.code for c in self.choices]
            if len(set(codes)) != len(codes):
                raise ValueError(f"item {self.id!r} repeats a choice code")
        return self

    @property
    def scale_id(self) -> str | None:
        """The scale this item uses (library default for Likert and importance items)."""
        if self.scale is not None:
            return self.scale
        return _DEFAULT_SCALE.get(self.type)


class Block(_Strict):
    """A page or section of the questionnaire."""

    id: str = Field(pattern=_ID)
    title: str = ""
    randomize: bool = False
    items: list[Item] = Field(min_length=1)


class Questionnaire(_Strict):
    """A whole questionnaire. Load one with :func:`research.questionnaire.load_questionnaire`."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    title: str
    version: str = "1"
    language: str = "en"
    intro: str = ""
    constructs: list[Construct] = Field(default_factory=list)
    scales: dict[str, Scale] = Field(default_factory=dict)
    blocks: list[Block] = Field(min_length=1)

    @field_validator("scales", mode="before")
    @classmethod
    def _scale_ids(cls, v: object) -> object:
        if isinstance(v, dict):
            return {
                k: ({"id": k, "labels": s} if isinstance(s, list) else {"id": k, **s})
                for k, s in v.items()
            }
        return v

    # -- lookups ----------------------------------------------------------------------------
    @property
    def items(self) -> list[Item]:
        """All items in questionnaire order."""
        return [item for block in self.blocks for item in block.items]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def all_scales(self) -> dict[str, Scale]:
        """Library scales overlaid with this questionnaire's own."""
        out = {
            sid: Scale(
                id=sid,
                labels=[
                    Choice(code=i + int(spec.get("start", 1)), label=lab)
                    for i, lab in enumerate(spec["labels"])
                ],
            )
            for sid, spec in LIBRARY_SCALES.items()
        }
        out.update(self.scales)
        return out

    def options(self, item: Item) -> list[Choice]:
        """Answer options of a scale or choice item (empty for numeric and text)."""
        if item.choices is not None:
            return list(item.choices)
        sid = item.scale_id
        return list(self.all_scales()[sid].labels) if sid else []

    def scale_items(self) -> list[Item]:
        """Likert and importance items: the attitude and needs battery."""
        return [i for i in self.items if i.type in SCALE_TYPES and i.attention_check is None]

    def attention_checks(self) -> list[Item]:
        return [i for i in self.items if i.attention_check is not None]

    def construct_of(self) -> dict[str, str]:
        """Item id -> construct id for items with an intended dimension."""
        return {i.id: i.construct for i in self.items if i.construct}

    def construct_labels(self) -> dict[str, str]:
        return {c.id: c.label for c in self.constructs}
