"""Check a questionnaire: every load error, then wording and design warnings, and its length.

Rules (``rule`` column of :func:`check_questionnaire`):

=====================  ========  =============================================================
rule                   severity  what
=====================  ========  =============================================================
``schema``             error     anything :func:`load_questionnaire` rejects (all at once)
``export-clash``       error     two items would get the same export column on a platform
``double-barrelled``   warning   "and" / "&" / "as well as" joining two asks in one item
``leading``            warning   wording that suggests an answer ("Don't you agree ...")
``unbalanced``         warning   a stem naming one pole of a bipolar scale ("How satisfied are
                                 you ...?" instead of "How satisfied or dissatisfied ...?")
``markup``             warning   ``${`` (an XLSForm reference) or ``[[``/``]]`` (a Qualtrics
                                 tag) in text; the renderers write it split, check the wording
``grid-size``          warning   a grid (or one-screen block of scale items) over `max_grid`
``construct-items``    warning   a dimension with fewer than 3 scale items
``construct-reverse``  warning   a dimension of 3+ items with no reverse-keyed item
``attention-check``    warning   10+ scale items and no attention check
``length``             warning   estimated completion time over `max_minutes`
``length``             info      the estimate itself: minutes, words read, items answered
``placeholder``        info      texts still saying the library's "products like these"
``promised-length``    warning   the intro promises a length ("about 10 minutes") the estimate is
                                 under half or over one and a half times
=====================  ========  =============================================================

The completion-time estimate reads every word shown (intro, titles, instructions, question
text, options; a grid's scale once) at `words_per_minute` and adds answering time per item:
3 s a scale statement, 4 s a single choice, 6 s a multiple choice, 2 s per option ranked,
8 s a number, 30 s an open answer. A question behind display logic counts half, since only
some respondents see it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .._yaml import read_yaml
from ..errors import QuestionnaireError
from .compose import PLACEHOLDER
from .loader import Sources, read_questionnaire
from .model import SCALE_TYPES, Grid, Item, Questionnaire
from .platforms import PLATFORMS

__all__ = ["FINDING_COLUMNS", "check_questionnaire", "lint_questionnaire", "estimate_minutes"]

FINDING_COLUMNS = ["severity", "rule", "path", "line", "item", "message"]
_ANSWER_SECONDS = {"likert": 3, "importance": 3, "single": 4, "multi": 6, "numeric": 8, "text": 30}
# Fixed phrases where "and"/"or" does not join two questions.
_PHRASES = (
    "more and more",
    "back and forth",
    "now and then",
    "pros and cons",
    "terms and conditions",
    "research and development",
    "friends and family",
    "friends or family",
    "rock and roll",
    "black and white",
    "more or less",
    "sooner or later",
    "either",
    "whether or not",
    "time and effort",
    "time and money",
    "terms and conditions",
    "health and safety",
    "bed and breakfast",
)
_JOIN = re.compile(r"\b(and/or|and|as well as)\b|&", re.IGNORECASE)
_LEADING = re.compile(
    r"\b(don't you|do not you|wouldn't you|won't you|isn't it|aren't you|shouldn't|"
    r"do you agree that|wouldn't you agree|don't you agree|as everyone knows|"
    r"most people (?:think|agree|say|believe|prefer)|"
    r"obviously|clearly|of course|surely|everyone agrees|experts agree|how (?:great|good|"
    r"excellent|amazing|wonderful|much do you (?:love|like|enjoy))|how bad|how terrible)\b",
    re.IGNORECASE,
)


_UNBALANCED = (
    (re.compile(r"\bhow (?:much )?(?:do|would) you agree\b(?! or disagree)", re.I), "or disagree"),
    (re.compile(r"\bhow satisfied\b(?! or dissatisfied)", re.I), "or dissatisfied"),
)
_PROMISE = re.compile(r"(\d+(?:\.\d+)?)(?:\s*(?:to|-|–)\s*(\d+(?:\.\d+)?))?\s*min", re.I)
_MARKUP = re.compile(r"\$\{|\[\[|\]\]")


def _words(text: str) -> int:
    return len(str(text).split())


def estimate_minutes(
    q: Questionnaire, *, words_per_minute: float = 220, conditional_share: float = 0.5
) -> dict[str, float]:
    """Estimated completion time: ``minutes``, ``words`` shown and ``items`` asked.

    A question behind display logic (its own ``show_if`` or its block's) is seen by only some
    respondents, so its reading and answering time count at `conditional_share`; ``words``
    and ``items`` count everything.
    """
    words = _words(q.intro) + _words(q.outro)
    minutes = words / words_per_minute
    for block in q.blocks:
        head = _words(block.title) + _words(block.instructions)
        words += head
        minutes += head / words_per_minute * (conditional_share if block.show_if else 1)
        for question in block.questions:
            n = _words(question.text) + _words(question.instructions)
            if isinstance(question, Grid):
                n += sum(_words(c.label) for c in q.all_scales()[question.scale].labels)
                n += sum(_words(s.text) for s in question.statements)
                seconds = 3 * len(question.statements)
            else:
                n += sum(_words(c.label) for c in q.options(question))
                if question.type == "ranking":
                    seconds = 2 * len(q.options(question))
                else:
                    seconds = _ANSWER_SECONDS[question.type]
            shown = conditional_share if (question.show_if or block.show_if) else 1
            words += n
            minutes += (n / words_per_minute + seconds / 60) * shown
    return {"minutes": round(minutes, 1), "words": words, "items": len(q.items)}


def _asks_two(text: str) -> str | None:
    """The joining word when `text` reads as two questions in one, else None."""
    low = " ".join(text.lower().split())
    low = re.sub(r"\([^)]*\)", " ", low)  # asides and examples in brackets
    low = re.sub(r"\bbetween \S+ (and) \S+", " ", low)
    for phrase in _PHRASES:
        low = low.replace(phrase, " ")
    low = re.sub(r"\b(\w+) and \1\b", " ", low)  # "again and again"
    match = _JOIN.search(low)
    if match is None:
        return None
    left, right = low[: match.start()].split(), low[match.end() :].split()
    return match.group(0) if left and right else None


def lint_questionnaire(
    q: Questionnaire,
    src: Sources | None = None,
    *,
    max_grid: int = 10,
    max_minutes: float = 20,
    min_items: int = 3,
) -> pd.DataFrame:
    """Wording and design warnings for a valid questionnaire (see the module docstring)."""
    src = src or Sources()
    rows: list[tuple] = []

    def add(severity, rule, item_id, message, key=None, where=None):
        path, line = where if where else src.item(item_id, key) if item_id else (None, None)
        rows.append((severity, rule, path, line, item_id, message))

    for question in q.questions:
        texts = [(question.id, question.text)]
        if isinstance(question, Grid):
            texts += [(s.id, s.text) for s in question.statements]
            if len(question.statements) > max_grid:
                add(
                    "warning",
                    "grid-size",
                    question.id,
                    f"grid {question.id!r} has {len(question.statements)} statements; more than "
                    f"{max_grid} on one screen invites straight-lining, split it",
                )
        for item_id, text in texts:
            if (item := _item_or_none(q, item_id)) is not None and item.attention_check:
                continue
            joined = _asks_two(text)
            if joined and not (isinstance(question, Item) and question.type in ("text",)):
                add(
                    "warning",
                    "double-barrelled",
                    item_id,
                    f"{item_id!r} may ask two things at once ({joined!r}): {text!r}",
                    "text",
                )
            if item_id == question.id:
                for pattern, pole in _UNBALANCED:
                    if pattern.search(text):
                        add(
                            "warning",
                            "unbalanced",
                            item_id,
                            f"{item_id!r} names only one side of the scale; add {pole!r}: {text!r}",
                            "text",
                        )
            lead = _LEADING.search(text)
            if lead:
                add(
                    "warning",
                    "leading",
                    item_id,
                    f"{item_id!r} suggests an answer ({lead.group(0)!r}); word it neutrally",
                    "text",
                )
    for item_id, text in _texts(q):
        mark = _MARKUP.search(text)
        if mark:
            add(
                "warning",
                "markup",
                item_id,
                f"{item_id!r}: {mark.group(0)!r} in {text!r} is markup on a platform "
                "(XLSForm reads '${' as a field reference, Qualtrics reads '[[' as a tag); the "
                "renderers split it, so reword if it was not meant",
                where=None if item_id else src.locate(("id",)),
            )
    left = [t for _, t in _texts(q) if PLACEHOLDER in t]
    if left:
        add(
            "info",
            "placeholder",
            None,
            f"{len(left)} texts still say {PLACEHOLDER!r}; replace it with your category "
            "(or compose with research questionnaire new --category ...)",
            where=src.locate(("id",)),
        )
    for block in q.blocks:
        plain = [x for x in block.questions if isinstance(x, Item) and x.type in SCALE_TYPES]
        if len(plain) == len(block.questions) and len(plain) > max_grid:
            add(
                "warning",
                "grid-size",
                None,
                f"block {block.id!r} shows {len(plain)} scale items on one screen; more than "
                f"{max_grid} invites straight-lining, split it into grids",
                where=src.locate(src.blocks.get(block.id, ()) + ("id",)),
            )
    scale_items = q.scale_items()
    for c in q.constructs:
        members = [i for i in scale_items if i.construct == c.id]
        where = src.locate(_construct_loc(q, c.id))
        if 0 < len(members) < min_items or not members:
            add(
                "warning",
                "construct-items",
                None,
                f"dimension {c.id!r} has {len(members)} scale item(s); a reliable scale needs "
                f"at least {min_items}",
                where=where,
            )
        elif not any(i.reverse for i in members):
            add(
                "warning",
                "construct-reverse",
                None,
                f"dimension {c.id!r} has no reverse-keyed item, so acquiescence cannot be told "
                "from agreement; add one with reverse: true",
                where=where,
            )
    if len(scale_items) >= 10 and not q.attention_checks():
        add(
            "warning",
            "attention-check",
            None,
            f"{len(scale_items)} scale items and no attention check; add an item with "
            "attention_check: <expected answer>",
            where=src.locate(("blocks",)),
        )
    for platform in PLATFORMS:
        raw = _raw_columns(q, platform)
        for col in sorted({c for c in raw if raw.count(c) > 1}):
            owners = sorted({i for c2, i in _raw_pairs(q, platform) if c2 == col})
            add(
                "error",
                "export-clash",
                owners[-1],
                f"on {platform}, items {owners} would all export a column {col!r}; rename one",
                "id",
            )
    est = estimate_minutes(q)
    summary = (
        f"about {est['minutes']:g} minutes to complete ({est['words']} words read, "
        f"{est['items']} items answered)"
    )
    if est["minutes"] > max_minutes:
        add(
            "warning",
            "length",
            None,
            f"{summary}; over {max_minutes:g} minutes, expect drop-out and careless answers",
            where=src.locate(("id",)),
        )
    else:
        add("info", "length", None, summary, where=src.locate(("id",)))
    promised = _PROMISE.search(q.intro)
    if promised:
        low = float(promised.group(1))
        high = float(promised.group(2) or low)
        if est["minutes"] > 1.5 * high or est["minutes"] < 0.5 * low:
            add(
                "warning",
                "promised-length",
                None,
                f"the intro says {promised.group(0)!r} but the estimate is about "
                f"{est['minutes']:g} minutes; tell respondents the real length",
                where=src.locate(("intro",)),
            )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _texts(q: Questionnaire) -> list[tuple[str | None, str]]:
    """Every text respondents read, with the id it belongs to (None for the questionnaire)."""
    out: list[tuple[str | None, str]] = [(None, q.title), (None, q.intro), (None, q.outro)]
    for block in q.blocks:
        out += [(None, block.title), (None, block.instructions)]
        for question in block.questions:
            out += [(question.id, question.text), (question.id, question.instructions)]
            if isinstance(question, Grid):
                out += [(s.id, s.text) for s in question.statements]
            else:
                out += [(question.id, c.label) for c in q.options(question)]
                if question.screen_out is not None:
                    out.append((question.id, question.screen_out.message))
    return out


def _item_or_none(q: Questionnaire, item_id: str) -> Item | None:
    try:
        return q.item(item_id)
    except KeyError:
        return None


def _construct_loc(q: Questionnaire, cid: str) -> tuple:
    ids = [c.id for c in q.constructs]
    return ("constructs", ids.index(cid), "id")


def _raw_pairs(q: Questionnaire, platform: str) -> list[tuple[str, str]]:
    from . import platforms

    if platform == "qualtrics":
        rows = platforms._qualtrics(q, None)
    elif platform == "xlsform":
        rows = platforms._xlsform(q, False)
    else:
        rows = platforms._codebook(q)
    return [(r[0], r[1]) for r in rows]


def _raw_columns(q: Questionnaire, platform: str) -> list[str]:
    return [c for c, _ in _raw_pairs(q, platform)]


def check_questionnaire(path: str | Path, **options) -> pd.DataFrame:
    """Every problem in a questionnaire file, errors first, each with its file and line.

    Parameters
    ----------
    path : str or Path
        The questionnaire YAML.
    **options
        ``max_grid``, ``max_minutes``, ``min_items`` for :func:`lint_questionnaire`.

    Returns
    -------
    pd.DataFrame
        :data:`FINDING_COLUMNS`; ``severity`` is ``error``, ``warning`` or ``info``. Lint
        warnings are only computed when there are no load errors.

    Raises
    ------
    InputFileError
        The file does not exist or cannot be read.
    """
    text = read_yaml(path, "questionnaire", QuestionnaireError)
    q, src, errors = read_questionnaire(text, path=path)
    if errors:
        rows = [("error", "schema", e.path, e.line, None, e.message) for e in errors]
        return pd.DataFrame(rows, columns=FINDING_COLUMNS)
    assert q is not None
    found = lint_questionnaire(q, src, **options)
    order = found["severity"].map({"error": 0, "warning": 1, "info": 2})
    return found.assign(_o=order).sort_values(["_o", "line"], kind="stable").drop(columns="_o")
