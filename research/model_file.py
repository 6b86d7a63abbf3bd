"""The portable segmentation model file (``model.json``): save a fitted run, load it back.

A plain JSON document, validated with pydantic on load, never pickled: the questionnaire (so
new exports are imported with the same item mapping, recoding and reverse keys), the basis the
segments were found in (rating items, or factor scores with their score weights), the fitted
model's parameters, the typing tool, and the personas' names and colours. Floats are written
with Python's shortest round-trip ``repr``, so a loaded model scores bit-identically.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import ResearchError

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "MappingEntry",
    "ModelFile",
    "ModelFileError",
    "mapping_entries",
    "build_model_file",
    "save_model",
    "load_model",
    "read_model",
]

FORMAT = "research-segmentation-model"
#: 2: ``mapping`` holds the run's mapping file as entries (1 had an unused free-form dict).
#: Version 1 files, which never carried a mapping, are read as version 2.
SCHEMA_VERSION = 2


class ModelFileError(ResearchError):
    """A model file that is missing, not JSON, foreign, of another version, or tampered with."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Category = float | str


class LcaParams(_Strict):
    """Latent class model: log class shares and log item-category probabilities."""

    kind: Literal["lca"]
    ordinal: bool = False
    items: list[str]
    categories: list[list[Category]]
    log_shares: list[float]
    #: One row per category of every item (items in order), one column per class.
    log_probabilities: list[list[float]]

    @model_validator(mode="after")
    def _shapes(self) -> LcaParams:
        k = len(self.log_shares)
        if len(self.categories) != len(self.items):
            raise ValueError(f"{len(self.items)} items but {len(self.categories)} category lists")
        d = sum(len(c) for c in self.categories)
        if len(self.log_probabilities) != d or any(len(r) != k for r in self.log_probabilities):
            raise ValueError(f"log_probabilities must be {d} rows of {k} classes")
        if abs(sum(math.exp(x) for x in self.log_shares) - 1) > 1e-6:
            raise ValueError("class shares do not sum to 1")
        return self


class ProfileParams(_Strict):
    """Gaussian mixture (latent profiles) or k-means, on the basis columns."""

    kind: Literal["gmm", "lpa", "kmeans"]
    covariance_type: str = "full"
    features: list[str]
    #: Columns of the underlying scikit-learn model, reordered to segments 1..K.
    order: list[int]
    weights: list[float] | None = None
    means: list[list[float]]
    precisions_cholesky: Any = None

    @model_validator(mode="after")
    def _shapes(self) -> ProfileParams:
        k = len(self.order)
        if sorted(self.order) != list(range(k)):
            raise ValueError("order must be a permutation of 0..K-1")
        if len(self.means) != k or any(len(m) != len(self.features) for m in self.means):
            raise ValueError(f"means must be {k} rows of {len(self.features)} features")
        return self


class FactorBasis(_Strict):
    """Factor scores as segmentation basis: ``((x - mean) / sd).fillna(0) @ weights``."""

    items: list[str]
    factors: list[str]
    means: list[float]
    sds: list[float]
    weights: list[list[float]]


class TypingToolSpec(_Strict):
    questions: list[str]
    segments: list[int]
    coefficients: list[list[float]]
    intercepts: list[float]
    fill_values: list[float]
    method: str
    cv_accuracy: float | None = None


class MappingEntry(_Strict):
    """One row of the run's mapping file (:func:`research.ingest.read_mapping_file`)."""

    #: The export column (its name), or "" when matched by ImportId.
    column: str = ""
    import_id: str = ""
    #: The questionnaire item the column holds; "" means "not an item: ignore the column".
    item: str = ""
    #: The option of a multi-select item spread over its own column.
    option: str = ""

    @model_validator(mode="after")
    def _keyed(self) -> MappingEntry:
        if not (self.column.strip() or self.import_id.strip()):
            raise ValueError("a mapping entry needs a column or an import_id")
        return self


class SegmentSpec(_Strict):
    segment: int
    name: str
    color: str
    share: float


class ModelFile(_Strict):
    """The validated content of a ``model.json``."""

    format: Literal["research-segmentation-model"]
    schema_version: Literal[2]
    package_version: str
    created: str | None = None
    title: str | None = None
    #: The questionnaire as the run read it (``Questionnaire.model_dump``).
    questionnaire: dict[str, Any]
    export_format: str | None = None
    #: The run's mapping file (export column or ImportId -> item), content not path, when it
    #: used one: scoring imports new exports with the same mapping.
    mapping: list[MappingEntry] | None = None
    #: Reverse-keyed items and the lowest and highest code of their scale: scoring takes
    #: answers as ticked and reverses these (``low + high - code``) as the import did.
    reverse_keys: dict[str, tuple[float, float]] = Field(default_factory=dict)
    basis: Literal["items", "factor_scores"]
    basis_columns: list[str]
    factor_basis: FactorBasis | None = None
    model: Annotated[LcaParams | ProfileParams, Field(discriminator="kind")]
    typing_tool: TypingToolSpec | None = None
    segments: list[SegmentSpec]

    @model_validator(mode="after")
    def _consistent(self) -> ModelFile:
        k = len(self.segments)
        n = len(self.model.log_shares) if self.model.kind == "lca" else len(self.model.order)
        if n != k:
            raise ValueError(f"the model has {n} segments but {k} segments are described")
        if self.basis == "factor_scores" and self.factor_basis is None:
            raise ValueError("basis factor_scores needs factor_basis")
        return self

    @property
    def k(self) -> int:
        return len(self.segments)

    def names(self) -> dict[int, str]:
        return {s.segment: s.name for s in self.segments}


# ---------------------------------------------------------------------------- building


def _floats(a: object) -> list:
    return np.asarray(a, dtype=float).tolist()


def _category_list(cats: np.ndarray) -> list:
    arr = np.asarray(cats)
    if np.issubdtype(arr.dtype, np.number):
        return [float(x) for x in arr]
    return [str(x) for x in arr]


def _model_params(model: Any, kind: str) -> LcaParams | ProfileParams:
    if kind == "lca":
        return LcaParams(
            kind="lca",
            ordinal=bool(model.ordinal),
            items=list(model.categories_),
            categories=[_category_list(c) for c in model.categories_.values()],
            log_shares=_floats(model._logpi),
            log_probabilities=_floats(model._logp),
        )
    inner = model.model_
    if model.kind == "kmeans":
        return ProfileParams(
            kind="kmeans",
            features=list(model.feature_names_),
            order=[int(i) for i in model.order_],
            means=_floats(inner.cluster_centers_),
        )
    return ProfileParams(
        kind=model.kind,
        covariance_type=inner.covariance_type,
        features=list(model.feature_names_),
        order=[int(i) for i in model.order_],
        weights=_floats(inner.weights_),
        means=_floats(inner.means_),
        precisions_cholesky=_floats(inner.precisions_cholesky_),
    )


def _typing(tool: Any) -> TypingToolSpec | None:
    if tool is None:
        return None
    coef = tool.coefficients[tool.questions]
    return TypingToolSpec(
        questions=list(tool.questions),
        segments=[int(s) for s in coef.index],
        coefficients=_floats(coef.to_numpy()),
        intercepts=_floats(tool.intercepts.to_numpy()),
        fill_values=_floats(tool.fill_values[tool.questions].to_numpy()),
        method=tool.method,
        cv_accuracy=float(tool.cv_accuracy),
    )


def build_model_file(
    *,
    questionnaire: Any,
    analysis: Any,
    basis_columns: list[str],
    personas: list[Any],
    factor_scorer: Any = None,
    export_format: str | None = None,
    mapping: list[MappingEntry] | None = None,
    title: str | None = None,
    created: str | None = None,
) -> ModelFile:
    """Collect a fitted run into a :class:`ModelFile` (nothing written)."""
    from . import __version__

    sol = analysis.solution
    basis = "items" if factor_scorer is None else "factor_scores"
    factor_basis = None
    if factor_scorer is not None:
        w = factor_scorer.weights
        factor_basis = FactorBasis(
            items=[str(i) for i in w.index],
            factors=[str(f) for f in w.columns],
            means=_floats(factor_scorer.means[w.index].to_numpy()),
            sds=_floats(factor_scorer.sds[w.index].to_numpy()),
            weights=_floats(w.to_numpy()),
        )
    shares = np.asarray(sol.model.shares_, dtype=float)
    by_seg = {int(p.segment): p for p in personas}
    segments = [
        SegmentSpec(
            segment=s,
            name=by_seg[s].name if s in by_seg else f"Segment {s}",
            color=by_seg[s].color if s in by_seg else "#777777",
            share=float(shares[s - 1]),
        )
        for s in range(1, int(sol.k) + 1)
    ]
    reverse_keys = {}
    for item in questionnaire.items:
        if getattr(item, "reverse", False):
            codes = [c.code for c in questionnaire.options(item)]
            reverse_keys[item.id] = (float(min(codes)), float(max(codes)))
    return ModelFile(
        format=FORMAT,
        reverse_keys=reverse_keys,
        schema_version=SCHEMA_VERSION,
        package_version=__version__,
        created=created,
        title=title,
        questionnaire=questionnaire.model_dump(mode="json", exclude_none=True),
        export_format=export_format,
        mapping=mapping,
        basis=basis,
        basis_columns=list(basis_columns),
        factor_basis=factor_basis,
        model=_model_params(sol.model, sol.kind),
        typing_tool=_typing(analysis.typing_tool),
        segments=segments,
    )


def mapping_entries(path: str | Path) -> list[MappingEntry]:
    """A mapping file's content as model-file entries (read and checked by the importer's
    :func:`research.ingest.read_mapping_file`)."""
    from .ingest import read_mapping_file

    table = read_mapping_file(path)
    return [
        MappingEntry(
            column=str(r.column), import_id=str(r.import_id), item=str(r.item), option=str(r.option)
        )
        for r in table.itertuples(index=False)
    ]


def save_model(model: ModelFile, path: str | Path) -> Path:
    """Write `model` as JSON (floats as shortest round-trip repr); returns the path."""
    from .atomic import atomic_write

    path = Path(path)
    text = json.dumps(model.model_dump(mode="python"), indent=1, allow_nan=False) + "\n"
    with atomic_write(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- loading


def read_model(data: dict, source: str = "model file") -> ModelFile:
    """Validate an already parsed model document; errors say what is wrong in one line."""
    if not isinstance(data, dict):
        raise ModelFileError(f"{source}: not a segmentation model (a JSON object was expected)")
    if data.get("format") != FORMAT:
        raise ModelFileError(
            f"{source}: not a segmentation model file (format is {data.get('format')!r}, "
            f"expected {FORMAT!r})"
        )
    version = data.get("schema_version")
    readable = f"this version of research reads versions 1 to {SCHEMA_VERSION}"
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise ModelFileError(
            f"{source}: schema version {version} is not supported: the file was written by a "
            f"newer version of research ({readable}); upgrade research to read it"
        )
    if version == 1:
        # Version 1 writers never stored a mapping; anything there was put in by hand.
        if data.get("mapping") is not None:
            raise ModelFileError(
                f"{source}: mapping: a schema version 1 file cannot carry a mapping; "
                "run the study again to write a version 2 model file"
            )
        data = {**data, "schema_version": SCHEMA_VERSION}
    elif version != SCHEMA_VERSION:
        raise ModelFileError(f"{source}: schema version {version!r} is not supported ({readable})")
    try:
        mf = ModelFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        more = f" (and {len(exc.errors()) - 1} more problems)" if len(exc.errors()) > 1 else ""
        raise ModelFileError(f"{source}: {where}: {err['msg']}{more}") from None
    if mf.mapping:
        known = {i.id for i in questionnaire_of(mf, source).items}
        for n, entry in enumerate(mf.mapping):
            if entry.item and entry.item not in known:
                raise ModelFileError(
                    f"{source}: mapping.{n}.item: {entry.item!r} is not an item of the "
                    "model's questionnaire"
                )
    return mf


def load_model(path: str | Path) -> ModelFile:
    """Read and validate a ``model.json``.

    Raises
    ------
    ModelFileError
        One line naming the file and what is wrong: missing, not JSON (with line and column),
        another format, another schema version, or a field that fails validation.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such model file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{path}: cannot read the model file ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFileError(
            f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    return read_model(data, str(path))


def questionnaire_of(model: ModelFile, source: str = "model file") -> Any:
    """The questionnaire stored in the model, as a :class:`Questionnaire`."""
    from .questionnaire.model import Questionnaire

    try:
        return Questionnaire.model_validate(model.questionnaire)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ModelFileError(f"{source}: questionnaire.{where}: {err['msg']}") from None


def segment_names(model: ModelFile) -> pd.Series:
    return pd.Series(model.names(), name="segment_name").rename_axis("segment")


def write_run_model(
    out: Path,
    *,
    study: Any,
    questionnaire: Any,
    analysis: Any,
    basis: Any,
    factors: Any,
    personas: list,
    created: str | None,
    ids: dict | None = None,
) -> dict[str, Path]:
    """Write ``model.json``, ``segments.sav`` and ``segments.parquet`` of a finished run.

    The ``.sav`` and ``.parquet`` hold what ``segments.csv`` holds (respondent id, segment,
    posteriors), with segment names as SPSS value labels; with ``ids`` (export id -> pseudonym,
    :mod:`research.pseudonyms`) the respondent ids are the pseudonyms ``segments.csv`` shows.
    ``factors`` is None when the run had no factor analysis (the basis is then items).
    """
    scorer = None  # segments found in the items (or no factor analysis was run)
    if factors is not None and basis is factors.scores:
        scorer = factors.model.scorer_
    mf = build_model_file(
        questionnaire=questionnaire,
        analysis=analysis,
        basis_columns=[str(c) for c in basis.columns],
        personas=personas,
        factor_scorer=scorer,
        export_format=study.format,
        mapping=mapping_entries(study.resolve(study.mapping)) if study.mapping else None,
        title=study.title,
        created=created,
    )
    from .scoring import write_scores

    out = Path(out)
    table = analysis.assignments_table()
    if ids is not None:
        from .pseudonyms import map_index

        table = map_index(table, ids)
    files = {"model": save_model(mf, out / "model.json")}
    files["segments_sav"] = write_scores(table, out / "segments.sav", mf, created=created)
    files["segments_parquet"] = write_scores(table, out / "segments.parquet", mf)
    return files
