"""The questionnaire schema: items, grids, scales, blocks, logic and constructs (pydantic).

A questionnaire is also the codebook: the importer recodes answers with its scales, the factor
analysis names factors from its constructs, and reports print its wording.

A Likert grid (``type: grid``) is one question on screen with several statements on one scale.
Downstream code sees one :class:`Item` per statement: :attr:`Block.items` and
:attr:`Questionnaire.items` flatten grids, and :attr:`Block.questions` keeps them whole for the
renderers.
"""

from __future__ import annotations

import warnings
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from .scales import LIBRARY_SCALES

__all__ = [
    "BASES",
    "ITEM_TYPES",
    "SCALE_TYPES",
    "CHOICE_TYPES",
    "Choice",
    "Scale",
    "Construct",
    "Condition",
    "Item",
    "Statement",
    "Grid",
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
#: Item types answered by picking from options.
CHOICE_TYPES = ("likert", "importance", "single", "multi", "ranking")
_DEFAULT_SCALE = {"likert": "agree5", "importance": "importance5"}
_ID = r"^[A-Za-z][A-Za-z0-9_]*$"
Basis = Literal[
    "demographic",
    "psychographic",
    "behavioural",
    "needs",
    "value",
    "firmographic",
    "technographic",
    "geographic",
]


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


def _unique_codes(choices: list[Choice], what: str) -> None:
    codes = [c.code for c in choices]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{what} repeats a code")
    labels = [" ".join(c.label.lower().split()) for c in choices]
    if len(set(labels)) != len(labels):
        raise ValueError(f"{what} repeats a label")


def _not_both(choices: list[Choice], missing: list[int | str], what: str) -> None:
    """A missing code cannot also be a scale point (it would vanish from the scale)."""
    labels = {" ".join(c.label.lower().split()) for c in choices}
    codes = {c.code for c in choices}
    for m in missing:
        if (isinstance(m, int) and m in codes) or (
            isinstance(m, str) and " ".join(m.lower().split()) in labels
        ):
            raise ValueError(f"{what}: missing answer {m!r} is also one of its options")


class Scale(_Strict):
    """An ordered answer scale.

    ``missing`` lists the non-substantive answers the platform offered beside the scale
    points ("Don't know", "Not applicable", "Prefer not to say") and codes that mean no answer
    (``0``, ``99``): the importer sets them missing instead of reporting them out of scale.
    """

    id: str = Field(pattern=_ID)
    labels: list[Choice] = Field(min_length=2)
    missing: list[int | str] = Field(default_factory=list)

    @field_validator("labels", mode="before")
    @classmethod
    def _shorthand(cls, v: object) -> object:
        return _choices(v)

    @model_validator(mode="after")
    def _unique(self) -> Scale:
        _unique_codes(self.labels, f"scale {self.id!r}")
        _not_both(self.labels, self.missing, f"scale {self.id!r}")
        return self

    @property
    def codes(self) -> list[int]:
        return [c.code for c in self.labels]

    def label_to_code(self) -> dict[str, int]:
        """Case- and whitespace-insensitive label lookup."""
        return {" ".join(c.label.lower().split()): c.code for c in self.labels}


class Construct(_Strict):
    """An intended attitude or needs dimension, with the words a persona name uses.

    ``source`` cites the validated scale the items adapt (author, year, journal), so reviewers
    and the codebook can trace every dimension; empty for a dimension written for the study.
    """

    id: str = Field(pattern=_ID)
    label: str
    description: str = ""
    adjective: str = ""
    noun: str = ""
    source: str = ""


class Condition(_Strict):
    """A condition on an answer: display logic (``show_if``) or a screener (``screen_out``).

    ``equals`` / ``any_of`` take option labels or codes (for a multiple-choice item: the option
    is among those selected); ``min`` / ``max`` are inclusive bounds on a numeric answer.
    ``item`` names the earlier question a ``show_if`` looks at; a ``screen_out`` looks at its
    own item and leaves it out. ``message`` is what a screened-out respondent reads.
    """

    item: str | None = None
    equals: int | str | None = None
    any_of: list[int | str] | None = Field(default=None, min_length=1)
    min: float | None = None
    max: float | None = None
    message: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        kinds = [
            self.equals is not None,
            self.any_of is not None,
            self.min is not None or self.max is not None,
        ]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of 'equals', 'any_of', or 'min'/'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self

    @property
    def values(self) -> list[int | str]:
        """The option labels or codes the condition names (empty for a numeric range)."""
        if self.equals is not None:
            return [self.equals]
        return list(self.any_of or [])


# pydantic warns that a field named "construct" shadows the deprecated BaseModel.construct;
# the YAML key is the word researchers use, so keep it.
warnings.filterwarnings("ignore", message='Field name "construct"', category=UserWarning)


class Item(_Strict):
    """One question (or one statement of a grid, then with ``grid`` set)."""

    id: str = Field(pattern=_ID)
    type: Literal["likert", "importance", "single", "multi", "numeric", "text", "ranking"]
    text: str = Field(min_length=1)
    instructions: str = ""
    scale: str | None = None
    choices: list[Choice] | None = None
    reverse: bool = False
    construct: str | None = None
    basis: Basis | None = None
    required: bool = False
    attention_check: str | None = None
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    show_if: Condition | None = None
    screen_out: Condition | None = None
    grid: str | None = None
    grid_text: str | None = None
    #: Answers (labels or codes) that mean "no substantive answer": imported as missing.
    missing: list[int | str] = Field(default_factory=list)

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
        if self.type in ("numeric", "text") and (self.choices or self.scale):
            raise ValueError(f"{self.type} item {self.id!r} takes no scale or choices")
        if self.reverse and self.type not in SCALE_TYPES + ("single",):
            raise ValueError(f"item {self.id!r}: only scale items can be reverse-keyed")
        if (self.min is not None or self.max is not None) and self.type != "numeric":
            raise ValueError(f"item {self.id!r}: only numeric items take 'min' and 'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"item {self.id!r}: min {self.min:g} is above max {self.max:g}")
        if self.choices is not None:
            _unique_codes(self.choices, f"item {self.id!r}")
            _not_both(self.choices, self.missing, f"item {self.id!r}")
        if self.screen_out is not None and self.screen_out.item is not None:
            raise ValueError(f"item {self.id!r}: 'screen_out' looks at its own item, drop 'item'")
        if self.show_if is not None and self.show_if.item is None:
            raise ValueError(f"item {self.id!r}: 'show_if' needs the 'item' it depends on")
        return self

    @property
    def scale_id(self) -> str | None:
        """The scale this item uses (library default for Likert and importance items)."""
        if self.scale is not None:
            return self.scale
        return _DEFAULT_SCALE.get(self.type)


class Statement(_Strict):
    """One row of a Likert grid; inherits scale, construct, basis and logic from the grid."""

    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1)
    reverse: bool = False
    construct: str | None = None
    basis: Basis | None = None
    attention_check: str | None = None


class Grid(_Strict):
    """Several statements answered on one scale, shown as one matrix question."""

    id: str = Field(pattern=_ID)
    type: Literal["grid"] = "grid"
    text: str = Field(min_length=1)
    instructions: str = ""
    scale: str = "agree5"
    rating: Literal["likert", "importance"] | None = None
    construct: str | None = None
    basis: Basis | None = None
    required: bool = False
    show_if: Condition | None = None
    statements: list[Statement] = Field(min_length=1)
    missing: list[int | str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _logic(self) -> Grid:
        if self.show_if is not None and self.show_if.item is None:
            raise ValueError(f"grid {self.id!r}: 'show_if' needs the 'item' it depends on")
        return self

    @property
    def items(self) -> list[Item]:
        """One Likert (or importance) item per statement."""
        kind = self.rating or ("importance" if self.scale.startswith("importance") else "likert")
        return [
            Item(
                id=s.id,
                type=kind,
                text=s.text,
                scale=self.scale,
                reverse=s.reverse,
                construct=s.construct or self.construct,
                basis=s.basis or self.basis,
                required=self.required,
                attention_check=s.attention_check,
                show_if=self.show_if,
                grid=self.id,
                grid_text=self.text,
                missing=list(self.missing),
            )
            for s in self.statements
        ]


def _kind(value: object) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return "grid" if kind == "grid" else "item"


Question = Annotated[
    Annotated[Item, Tag("item")] | Annotated[Grid, Tag("grid")], Discriminator(_kind)
]


class Block(_Strict):
    """A page or section of the questionnaire (``items`` in YAML may hold grids)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=_ID)
    title: str = ""
    instructions: str = ""
    randomize: bool = False
    show_if: Condition | None = None
    questions: list[Question] = Field(min_length=1, alias="items")

    @property
    def items(self) -> list[Item]:
        """Items in order, one per grid statement."""
        out: list[Item] = []
        for question in self.questions:
            out.extend(question.items if isinstance(question, Grid) else [question])
        return out


class Questionnaire(_Strict):
    """A whole questionnaire. Load one with :func:`research.questionnaire.load_questionnaire`."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    title: str
    version: str = "1"
    language: str = "en"
    intro: str = ""
    outro: str = ""
    constructs: list[Construct] = Field(default_factory=list)
    scales: dict[str, Scale] = Field(default_factory=dict)
    blocks: list[Block] = Field(min_length=1)

    @field_validator("scales", mode="before")
    @classmethod
    def _scale_ids(cls, v: object) -> object:
        if isinstance(v, dict):
            return {
                k: (
                    {"id": k, "labels": s}
                    if isinstance(s, list)
                    else s
                    if isinstance(s, Scale)
                    else {"id": k, **s}
                    if isinstance(s, dict)
                    else s
                )
                for k, s in v.items()
            }
        return v

    # -- lookups ----------------------------------------------------------------------------
    @property
    def items(self) -> list[Item]:
        """All items in questionnaire order (grids flattened to one item per statement)."""
        return [item for block in self.blocks for item in block.items]

    @property
    def questions(self) -> list[Item | Grid]:
        """Questions as shown: grids whole."""
        return [q for block in self.blocks for q in block.questions]

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

    def missing_answers(self, item: Item) -> list[int | str]:
        """Answers of an item that mean "no substantive answer" (its own and its scale's)."""
        out = list(item.missing)
        sid = item.scale_id if item.choices is None else None
        if sid:
            scale = self.scales.get(sid)
            out += list(scale.missing) if scale is not None else []
        return out

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
