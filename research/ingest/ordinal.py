"""Recognise rating scales from their answer words, in the scale's order (never alphabetical).

A label is placed on a scale by its words: a bipolar pair (agree / disagree, satisfied /
dissatisfied, accurate / inaccurate, easy / difficult, favourably / unfavourably...) gives the
sign, an intensity word (strongly, very, somewhat, slightly...) the distance from the middle,
``neither ... nor`` / ``neutral`` the middle; unipolar families (never ... always, not at all
... extremely important, poor ... excellent) have their own ladders. Labels that lead with a
number (``1 - Strongly disagree``, ``5 (Very likely)``) are ordered by that number.
Non-substantive answers ("Don't know", "Not applicable", "Prefer not to say") are told apart so
the scale can declare them missing.
"""

from __future__ import annotations

import re

__all__ = [
    "MISSING_WORDS",
    "excel_date",
    "high_to_low",
    "is_missing_label",
    "order_scale",
    "scale_family",
]

#: Answers that say "no substantive answer": declared missing on the scale they sit beside.
MISSING_WORDS = re.compile(
    r"^\W*(?:"
    r"(?:i\s+)?(?:don'?t|do not|dont)\s+know|dk|not\s+sure|unsure|can'?t\s+(?:say|tell)"
    r"|cannot\s+(?:say|tell)|no\s+opinion|not\s+applicable|n\s*/\s*a|na|does\s+not\s+apply"
    r"|prefer\s+not\s+to\s+(?:say|answer|respond|disclose)|rather\s+not\s+say|refused?"
    r"|decline(?:d)?\s+to\s+(?:answer|state|say)|no\s+answer|not\s+answered|skipped"
    r"|don'?t\s+remember|not\s+familiar|unfamiliar"
    r")\b|\(n\s*/\s*a\)|\bnot\s+applicable\b|\bprefer\s+not\s+to\s+(?:say|answer)\b",
    re.IGNORECASE,
)

# Bipolar families: (positive pattern, negative pattern). The negative is tried first.
_BIPOLAR = {
    "agree": (r"\bagree", r"\bdisagree"),
    "satisfied": (r"\bsatisf", r"\b(?:dissatisf|unsatisf)"),
    "likely": (r"\blikely\b", r"\b(?:unlikely|not\s+(?:at\s+all\s+|very\s+)?likely)"),
    "favourable": (r"\bfavou?rabl", r"\bunfavou?rabl"),
    "accurate": (r"\baccurate", r"\binaccurate"),
    "easy": (r"\beasy\b", r"\b(?:difficult|hard)\b"),
    "true": (r"\btrue\b", r"\b(?:untrue|false|not\s+(?:at\s+all\s+|very\s+)?true)\b"),
    "like": (r"\blike\b", r"\bdislike\b"),
    "approve": (r"\bapprove", r"\bdisapprove"),
    "support": (r"\bsupport", r"\boppose"),
    "positive": (r"\bpositive", r"\bnegative"),
    "comfortable": (r"\bcomfortable", r"\buncomfortable"),
    "interested": (r"\binterested", r"\b(?:uninterested|not\s+(?:at\s+all\s+|very\s+)?interested)"),
    "confident": (r"\bconfident", r"\bnot\s+(?:at\s+all\s+|very\s+)?confident"),
    "important": (
        r"\bimportant",
        r"\b(?:unimportant|not\s+(?:at\s+all\s+|very\s+|so\s+|too\s+)?important)",
    ),
    "better": (r"\bbetter\b", r"\bworse\b"),
    "increase": (r"\bincrease", r"\bdecrease"),
    # "How well does ... describe": ANES trait ratings (poLCA's election data).
    "well": (r"\bwell\b", r"\b(?:not\s+(?:at\s+all\s+|very\s+|too\s+|so\s+)?well|poorly)\b"),
}
_UNIPOLAR_IMPORTANCE = "important"
_INTENSITY = [
    (r"\bnot\s+at\s+all\b|\bnot\s+\w+\s+at\s+all\b", 4.0),
    (r"\b(?:extremely|completely|totally|entirely|absolutely|definitely|very\s+much)\b", 4.0),
    (r"\b(?:strongly|very|highly|really)\b", 3.0),
    (r"\b(?:moderately|fairly|quite|mostly|mainly|rather)\b", 1.5),
    (r"\b(?:somewhat|slightly|a\s+little|a\s+bit|tend\s+to|mildly|partly|kind\s+of)\b", 1.0),
    (r"\bnot\s+(?:very|so|too)\b", 1.0),
]
_NEUTRAL = re.compile(
    r"\bneither\b|\bneutral\b|\bundecided\b|\bmixed\b|\bin\s+the\s+middle\b|\bindifferent\b"
    r"|\bmiddle\b|\bneutre\b",
    re.IGNORECASE,
)
# Unipolar ladders: (family, [(pattern, position), ...]); longest patterns first.
_LADDERS = {
    "frequency": [
        (r"\b(?:almost|nearly)\s+always\b", 3.7),
        (r"\bvery\s+(?:often|frequently)\b", 3.5),
        (r"\b(?:almost|nearly)\s+never\b|\bhardly\s+ever\b", 0.7),
        (r"\bnever\b", 0.0),
        (r"\b(?:rarely|seldom)\b", 1.0),
        (r"\b(?:sometimes|occasionally|once\s+in\s+a\s+while|now\s+and\s+then)\b", 2.0),
        (r"\b(?:often|frequently|usually|most\s+of\s+the\s+time|regularly)\b", 3.0),
        (r"\balways\b", 4.0),
    ],
    "quality": [
        (r"\bvery\s+poor\b|\bterrible\b|\bawful\b", 0.0),
        (r"\bpoor\b|\bbad\b", 1.0),
        (r"\bfair\b|\baverage\b|\bokay\b|\bok\b|\bacceptable\b", 2.0),
        (r"\bvery\s+good\b", 4.0),
        (r"\bgood\b", 3.0),
        (r"\bexcellent\b|\boutstanding\b", 5.0),
    ],
    "level": [
        (r"\bvery\s+low\b", 0.0),
        (r"\bvery\s+high\b", 4.0),
        (r"\blow\b", 1.0),
        (r"\b(?:medium|moderate|mid)\b", 2.0),
        (r"\bhigh\b", 3.0),
    ],
    "amount": [
        (r"^\W*none\b|\bnot\s+at\s+all\b|\bno\s+extent\b", 0.0),
        (r"\bvery\s+little\b", 0.7),
        (r"\b(?:a\s+little|a\s+bit|slightly|small\s+extent)\b", 1.0),
        (r"\b(?:some|somewhat|moderately|moderate\s+extent|a\s+fair\s+amount)\b", 2.0),
        (r"\b(?:a\s+great\s+deal|a\s+lot|great\s+extent|very\s+much|extremely)\b", 4.0),
        (r"\b(?:quite\s+a\s+bit|much|large\s+extent|very)\b", 3.0),
    ],
}
_LEADING_NUMBER = re.compile(r"^\s*(-?\d{1,2})(?:\s*$|\s*[-=:.)(]|\s+\w)")


def is_missing_label(label: object) -> bool:
    """Whether an answer is a non-substantive one (don't know, not applicable, refused...)."""
    return bool(MISSING_WORDS.search(" ".join(str(label).split())))


def _intensity(text: str) -> float:
    for pat, value in _INTENSITY:
        if re.search(pat, text):
            return value
    return 2.0


def _bipolar(text: str) -> tuple[str, float] | None:
    if _NEUTRAL.search(text):
        fams = [f for f, (p, n) in _BIPOLAR.items() if re.search(p, text) or re.search(n, text)]
        return (fams[0] if fams else "neutral", 0.0)
    for fam, (pos, neg) in _BIPOLAR.items():
        if re.search(neg, text):
            return fam, -_intensity(text)
        if re.search(pos, text):
            return fam, _intensity(text)
    return None


def _ladder(text: str) -> tuple[str, float] | None:
    for fam, steps in _LADDERS.items():
        for pat, pos in steps:
            if re.search(pat, text):
                return fam, pos
    return None


def scale_family(label: object) -> tuple[str, float] | None:
    """``(family, position)`` of one answer label, or None when its words name no scale point."""
    text = " ".join(str(label).lower().replace("’", "'").split())
    if not text or is_missing_label(text):
        return None
    return _bipolar(text) or _ladder(text)


def _leading_numbers(labels: list[str]) -> list[int] | None:
    nums = []
    for lab in labels:
        m = _LEADING_NUMBER.match(str(lab))
        if not m:
            return None
        nums.append(int(m.group(1)))
    return nums if len(set(nums)) == len(nums) else None


def order_scale(labels: list[str]) -> tuple[list[str], list[str], str] | None:
    """Order the answers of a rating scale; None when they do not form one.

    Returns
    -------
    points : list of str
        The scale points from low (disagree, never, not at all) to high.
    missing : list of str
        Non-substantive answers found beside them (declare them missing).
    family : str
        The word family (``agree``, ``frequency``...) or ``numbered``.
    """
    missing = [lab for lab in labels if is_missing_label(lab)]
    points = [lab for lab in labels if lab not in missing]
    if len(points) < 3:
        return None
    nums = _leading_numbers(points)
    if nums is not None:
        ranked = sorted(zip(nums, points, strict=True))
        values = [n for n, _ in ranked]
        if values[-1] - values[0] == len(values) - 1 and any(scale_family(p) for p in points):
            return [p for _, p in ranked], missing, "numbered"
        return None
    placed = [scale_family(p) for p in points]
    if any(p is None for p in placed):
        return None
    fams = {f for f, _ in placed if f != "neutral"}  # type: ignore[misc]
    if len(fams) != 1:
        return None
    positions = [pos for _, pos in placed]  # type: ignore[misc]
    if len(set(positions)) != len(positions):
        return None
    ranked = sorted(zip(positions, points, strict=True))
    return [p for _, p in ranked], missing, fams.pop()


def high_to_low(points: list[str]) -> bool:
    """Whether numbered scale points run from the top down (``1 Strongly agree`` ...
    ``5 Strongly disagree``): their words place the lowest number highest.

    `points` are in number order (as :func:`order_scale` returns them). Needs two points whose
    words name a place on one scale; the placed points must fall steadily.
    """
    placed = [scale_family(p) for p in points]
    fams = {f for f, _ in filter(None, placed) if f != "neutral"}
    pos = [p for _, p in filter(None, placed)]
    if len(pos) < 2 or len(fams) != 1:
        return False
    return all(a > b for a, b in zip(pos, pos[1:], strict=False))


def excel_date(value: object) -> bool:
    """Whether a cell looks like a range or fraction Excel turned into a date (``5-Jan``)."""
    return bool(
        re.fullmatch(
            r"\s*(?:\d{1,2}[-/ ](?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
            r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-/ ]\d{1,2})\s*",
            str(value),
            re.IGNORECASE,
        )
    )
