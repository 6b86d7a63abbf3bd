"""Remove personal details from interview text before it is quoted.

:func:`redact` replaces e-mail addresses with ``[email]``, web addresses with ``[link]``,
phone numbers with ``[phone]``, and people's first names with ``[name]``: the names given, and
names that follow a relationship word (``my sister Priya``, ``our neighbour Tom``, ``the courier
Dave``, ``a driver called Sam``, ``married to Jo``). Later mentions of a detected name in the same
text are replaced too, and :func:`find_names` lets a caller carry names found in one passage
over to the other passages of the interview. Redaction is rule-based: it removes the common shapes, not every possible one,
so quotes should still be read before they leave the research team.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["EMAIL", "LINK", "NAME", "PHONE", "RELATIONS", "find_names", "redact"]

EMAIL = "[email]"
PHONE = "[phone]"
LINK = "[link]"
NAME = "[name]"

#: Relationship words after which a capitalised word is taken to be a first name.
RELATIONS = (
    "sister",
    "brother",
    "friend",
    "mate",
    "mum",
    "mom",
    "mother",
    "dad",
    "father",
    "husband",
    "wife",
    "partner",
    "boyfriend",
    "girlfriend",
    "fiance",
    "fiancé",
    "fiancée",
    "son",
    "daughter",
    "grandson",
    "granddaughter",
    "nan",
    "gran",
    "granny",
    "grandma",
    "grandad",
    "aunt",
    "auntie",
    "uncle",
    "cousin",
    "niece",
    "nephew",
    "flatmate",
    "housemate",
    "colleague",
    "neighbour",
    "neighbor",
    "courier",
    "postman",
    "postwoman",
    "driver",
    "boss",
    "manager",
    "lad",
    "lass",
    "guy",
    "bloke",
    "chap",
    "lady",
)

_TLDS = (
    "com|org|net|edu|gov|info|biz|io|co|me|app|shop|store|online|dev|ai|eu|uk|ie|de|fr|es|it|"
    "nl|us|ca|au|nz|in|tv|ly"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL_END = r"[^\s<>\"'()\[\]{}]*[^\s<>\"'()\[\]{}.,;:!?…]"
_URL = re.compile(
    rf"""
    (?:https?://|ftp://)[^\s<>"']*[^\s<>"'.,;:!?)\]}}…]      # scheme://anything
    | (?<![\w@.-])www\.[\w-]+(?:\.[\w-]+)*(?:/{_URL_END})?   # www.host/path
    | (?<![\w@.-])(?:[\w-]+\.)+(?:{_TLDS})\b(?![.-]?\w)       # bare host.tld ...
      (?:/(?:{_URL_END})?)?                                 # ... with an optional path
    """,
    re.VERBOSE | re.IGNORECASE,
)
# One digit, optionally after a separator and/or a parenthesis: "7", " 7", ") 7", "-(7".
_D = r"(?:\)?[ \t.\-]?\(?\d)"
_PHONE = re.compile(
    rf"""
    (?<![\w+/.\-])(?:
        \+\d{{1,3}}(?:[ \t.\-]?\(0\))?{_D}{{6,12}}                     # +44 7700 900123
      | \(?0{_D}{{9,10}}                                            # 07700 900123, 01632 960001
      | (?:\(\d{{3}}\)[ \t]?|\d{{3}}[ \t.\-])\d{{3}}[ \t.\-]\d{{4}}      # (555) 123-4567
    )(?![\w/]|[.\-]\d)
    """,
    re.VERBOSE,
)
_CAPNAME = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+|['’][A-Z][a-z]+)?"
_NOT_NAMES = frozenset(
    """I A An And As At But By For From He Her His If In It Its Me My No Not Of On Or Our She So
    That The Their Then There They This To Us We Who With You Yes Well Oh Um Uh Erm Like Just
    Actually Really Said Says Told Always Never Too Also
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Christmas Easter""".split()
)
_NAME_GROUP = rf"(?P<name>{_CAPNAME})\b"
_RELATION = re.compile(
    r"\b(?i:(?:my|our|the|his|her|their|a|an)(?:\s+(?:little|big|older|younger|best|eldest|"
    r"oldest|youngest|other|old))?\s+(?:"
    + "|".join(sorted(RELATIONS, key=len, reverse=True))
    + r")(?:s|-in-law)?(?:['’]s|\s+is)?)\s*,?\s+"
    + _NAME_GROUP
)
_CALLED = re.compile(
    r"\b(?i:(?:courier|driver|postman|postwoman|guy|man|woman|lady|girl|boy|lad|bloke|friend|"
    r"someone|person|chap|fella)\s+(?:called|named)|married\s+to|(?:kids|children|sons|"
    r"daughters|boys|girls|twins)\s*[,:])\s+" + _NAME_GROUP
)


def find_names(text: str) -> list[str]:
    """Return first names that `text` introduces with a relationship word.

    Parameters
    ----------
    text : str
        A passage.

    Returns
    -------
    list of str
        Distinct capitalised names, in order, found after ``my sister``, ``our neighbour,``,
        ``the courier``, ``a lad,``, ``my wife's``, ``married to``, ``two kids,``, ``a driver
        called`` and similar (see :data:`RELATIONS`). Pass them to :func:`redact` as
        `found_names` to remove later mentions in other passages of the same interview.
    """
    found = (
        m.group("name")
        for pattern in (_RELATION, _CALLED)
        for m in pattern.finditer(str(text))
        if m.group("name") not in _NOT_NAMES
    )
    return list(dict.fromkeys(found))


def _names_pattern(names: Iterable[str], any_case: bool) -> re.Pattern[str] | None:
    cleaned = {" ".join(str(n).split()) for n in names}
    cleaned = sorted((n for n in cleaned if n), key=lambda n: (-len(n), n))
    if not cleaned:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in n.split()) for n in cleaned)
    flags = re.IGNORECASE if any_case else 0
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)


def redact(
    text: str,
    *,
    names: Iterable[str] | str = (),
    found_names: Iterable[str] = (),
) -> str:
    """Replace personal details in a passage with placeholders.

    Parameters
    ----------
    text : str
        The passage.
    names : iterable of str or str, optional
        People's names to remove wherever they occur as whole words, in any case (a single
        string is one name).
    found_names : iterable of str, optional
        Names to remove where they occur as whole words with exactly this capitalisation,
        typically :func:`find_names` of the rest of the interview. Names the passage itself
        introduces (``my sister Priya``) are always found and removed.

    Returns
    -------
    str
        The passage with e-mail addresses as ``[email]``; URLs (``http(s)://...``,
        ``www....``, ``shop.example.net/x``) as ``[link]``; phone numbers in UK, international
        and North-American shapes (``07700 900123``, ``+44 7700 900123``, ``01632 960001``,
        ``(555) 123-4567``) as ``[phone]``; and names as ``[name]``. Other text is unchanged.
    """
    if not isinstance(text, str):
        raise TypeError(f"redact needs a str, got {type(text).__name__}")
    given = (names,) if isinstance(names, str) else tuple(names)
    out = _EMAIL.sub(EMAIL, text)
    out = _URL.sub(LINK, out)
    out = _PHONE.sub(PHONE, out)
    found = [*found_names, *find_names(out)]
    for pattern in (_names_pattern(given, True), _names_pattern(found, False)):
        if pattern is not None:
            out = pattern.sub(NAME, out)
    return out
