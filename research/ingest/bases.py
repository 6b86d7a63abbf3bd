"""Which segmentation basis a drafted question belongs to, from its wording.

Profiles and personas group questions by basis (who they are, where, what they do, what they
need, what they think); an inferred questionnaire has no basis until one is guessed from the
question text or column name. The guess is a draft: the YAML says so and the researcher checks.
"""

from __future__ import annotations

import re

__all__ = ["guess_basis"]

# Order matters: the first family whose words appear wins (geographic before demographic so
# "country of birth" is a place; value before behavioural so "how much do you spend" is value).
_RULES: list[tuple[str, str]] = [
    (
        "geographic",
        r"\b(?:country|countries|region|state|province|county|city|town|zip|postcode|post code|"
        r"postal|location|census|urban|rural|suburb|where do you live|continent|nation)\b",
    ),
    (
        "firmographic",
        r"\b(?:company|organi[sz]ation|industry|sector|employees|headcount|annual revenue|"
        r"turnover|business size|job title|your role|department)\b",
    ),
    (
        "technographic",
        r"\b(?:device|smartphone|phone|mobile|tablet|laptop|computer|browser|ios|android|"
        r"windows|mac|app|apps|software|internet|online|website|social media)\b",
    ),
    (
        "demographic",
        r"\b(?:age|aged|how old|years old|gender|sex|born|birth|education|degree|school|"
        r"income|salary|earn|"
        r"marital|married|children|kids|household|occupation|employment|employed|job|"
        r"ethnic|ethnicity|race|religion|language|engnat|hand|handed|qualification)\b",
    ),
    (
        "value",
        r"\b(?:spend|spent|spending|budget|price|prices|cost|pay|paid|purchase value|"
        r"how much money|\$|£|€)",
    ),
    (
        "needs",
        r"\b(?:important|importance|need|needs|must have|priority|priorities|expect|"
        r"looking for|would like|want)\b",
    ),
    (
        "behavioural",
        r"\b(?:how often|how many times|frequency|times|usually|use|used|using|buy|bought|"
        r"purchase|purchased|visit|visited|seen|watch|watched|play|played|ever|last time|"
        r"recently|smoke|drink|gamble|eat|drive|member|subscribe|subscribed|own)\b",
    ),
]
_COMPILED = [(basis, re.compile(p, re.IGNORECASE)) for basis, p in _RULES]


def guess_basis(text: str, item_type: str) -> str | None:
    """The basis a question most likely measures (None when its words say nothing).

    Rating items with no telling word are attitudes (``psychographic``); importance ratings
    are ``needs``.
    """
    words = " ".join(str(text).replace("_", " ").split())
    if item_type == "importance":
        return "needs"
    if item_type == "likert":
        if _COMPILED[5][1].search(words):
            return "needs"
        return "psychographic"
    for basis, pat in _COMPILED:
        if pat.search(words):
            return basis
    return None
