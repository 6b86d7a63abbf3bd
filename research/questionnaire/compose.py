"""Compose a new questionnaire from the template library, one module per segmentation basis."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import QuestionnaireError, ReportError, suggest
from .include import LIBRARY_DIR, compose_includes, library_modules
from .loader import parse_questionnaire
from .model import BASES

__all__ = [
    "BASIS_ORDER",
    "PLACEHOLDER",
    "SCREENER_ORDER",
    "new_questionnaire",
    "write_new_questionnaire",
]

#: Order of modules in a composed questionnaire: the attitudinal core first (needs, attitudes),
#: then behaviour and value, then the describing questions. Screener blocks (ids ending in
#: ``_screener``) of every module go before all of them, in :data:`SCREENER_ORDER`.
BASIS_ORDER = (
    "needs",
    "psychographic",
    "behavioural",
    "value",
    "technographic",
    "firmographic",
    "demographic",
    "geographic",
)
#: Order of screener blocks: who may answer at all (age, country), then the B2B role, then
#: use of the category.
SCREENER_ORDER = ("demographic", "geographic", "firmographic", "behavioural", "value", "needs")
_ALIASES = {"behavioral": "behavioural", "needs-based": "needs", "needs_based": "needs"}


def _bases(bases: list[str] | str) -> list[str]:
    raw = bases.split(",") if isinstance(bases, str) else list(bases)
    out = []
    for b in (x.strip().lower() for x in raw if x.strip()):
        b = _ALIASES.get(b, b)
        if b not in BASES:
            raise QuestionnaireError(
                f"--bases: {b!r} is not one of {list(BASES)}{suggest(b, BASES)}"
            )
        if b not in out:
            out.append(b)
    if not out:
        raise QuestionnaireError(f"--bases: name at least one of {list(BASES)}")
    return sorted(out, key=BASIS_ORDER.index)


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-_")
    if not slug or not slug[0].isalpha():
        raise QuestionnaireError(
            f"questionnaire name {name!r} must start with a letter (letters, digits, - and _)"
        )
    return slug


#: The wording every library module uses for the product category.
PLACEHOLDER = "products like these"


def new_questionnaire(
    name: str,
    bases: list[str] | str,
    *,
    title: str | None = None,
    category: str | None = None,
) -> str:
    """YAML text of a new questionnaire made of the library modules for `bases`.

    Parameters
    ----------
    name : str
        Questionnaire id (also the file name); spaces become ``-``.
    bases : list of str or str
        Segmentation bases (comma-separated in a string), e.g. ``"needs,psychographic"``.
    title : str, optional
        Title shown to respondents; defaults to `name` in words.
    category : str, optional
        The product category in the plural ("running shoes"), written wherever the library
        says "products like these"; without it the placeholder stays, for editing by hand.

    Returns
    -------
    str
        A complete, self-contained questionnaire (modules copied in, so every question can be
        edited); it loads without errors.

    Raises
    ------
    QuestionnaireError
        An unknown basis (with the nearest valid one) or an invalid name.
    """
    qid = _slug(name)
    wanted = _bases(bases)
    modules = library_modules()
    missing = [b for b in wanted if b not in modules]
    if missing:
        raise QuestionnaireError(
            f"the template library has no module for {missing}", path=LIBRARY_DIR
        )
    if category is not None and not category.strip():
        raise QuestionnaireError("--category must name the product category, e.g. 'running shoes'")
    replace = {"replace": {PLACEHOLDER: " ".join(category.split())}} if category else {}
    host = {"id": qid, "title": "x", "blocks": [{"include": b, **replace} for b in wanted]}
    errors: list = []
    data, _ = compose_includes(yaml.safe_dump(host), LIBRARY_DIR / f"{qid}.yaml", (), errors)
    if errors:
        raise errors[0]
    blocks = data["blocks"]
    prefix = {"demographic": "dem_", "geographic": "geo_", "firmographic": "firm_"}
    prefix |= {"behavioural": "beh_", "value": "val_", "needs": "need_"}

    def rank(block: dict) -> int:
        hits = [k for k, b in enumerate(SCREENER_ORDER) if block["id"].startswith(prefix[b])]
        return hits[0] if hits else len(SCREENER_ORDER)

    screeners = sorted((b for b in blocks if b["id"].endswith("_screener")), key=rank)
    blocks = screeners + [b for b in blocks if not b["id"].endswith("_screener")]
    out = {
        "id": qid,
        "title": title or qid.replace("-", " ").replace("_", " ").capitalize(),
        "version": "1",
        "language": "en",
        "intro": "Thank you for taking part. This survey asks about how you choose and use "
        f"{' '.join(category.split()) if category else PLACEHOLDER}. There are no right or "
        "wrong answers, and your answers are confidential and reported only in summary.",
        "outro": "Thank you for your time. Your answers have been recorded.",
        "constructs": data.get("constructs", []),
        "scales": data.get("scales", {}),
        "blocks": blocks,
    }
    if not out["constructs"]:
        del out["constructs"]
    if not out["scales"]:
        del out["scales"]
    todo = (
        "" if category else f"# Replace '{PLACEHOLDER}' with your category (or use --category).\n"
    )
    head = (
        f"# {out['title']}: composed from the template library ({', '.join(wanted)}).\n"
        "# Each dimension's `source` cites the validated scale its statements adapt.\n"
        f"{todo}# Check it with: research questionnaire check {qid}.yaml\n"
    )
    text = head + yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=100)
    parse_questionnaire(text, path=f"{qid}.yaml")  # the library is valid, so is this
    return text


def write_new_questionnaire(
    name: str,
    bases: list[str] | str,
    out_dir: str | Path = ".",
    *,
    title: str | None = None,
    category: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write :func:`new_questionnaire` to ``<out_dir>/<name>.yaml``.

    Raises
    ------
    ReportError
        The file exists (and not `overwrite`) or cannot be written.
    """
    text = new_questionnaire(name, bases, title=title, category=category)
    path = Path(out_dir) / f"{_slug(name)}.yaml"
    if path.exists() and not overwrite:
        raise ReportError("file exists; pass --force to overwrite it", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write questionnaire: {exc.strerror or exc}", path=path) from None
    return path
