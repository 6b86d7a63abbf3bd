"""Remove personal details from interview text before it leaves :mod:`research.text`.

:func:`redact` replaces, with role tags:

* e-mail addresses → ``[EMAIL]``; web addresses → ``[URL]``;
* phone numbers (UK, international ``+CC``, North-American shapes) → ``[PHONE]``;
* postcodes (UK ``SW1A 1AA``, Canadian ``K1A 0B1``, Irish Eircode ``D02 X285``, US ZIP after a
  state code ``NY 10001`` and ZIP+4 ``10001-1234``) → ``[POSTCODE]``;
* names of participants (from the metadata, or speaker labels that are names) →
  ``[PARTICIPANT]``; of interviewers → ``[INTERVIEWER]``; of anyone else given, or introduced
  with a relationship word (``my sister Priya``, ``the courier Dave``, ``married to Jo``) →
  ``[NAME]``.

Later mentions of a detected name in the same text are replaced too, and :func:`find_names`
lets a caller carry names found in one passage over to the others. Redaction is rule-based: it
removes the common shapes, not every possible one, so quotes should still be read before they
leave the research team.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = [
    "EMAIL",
    "INTERVIEWER",
    "LINK",
    "NAME",
    "PARTICIPANT",
    "PHONE",
    "POSTCODE",
    "RELATIONS",
    "TAGS",
    "URL",
    "find_names",
    "is_person_label",
    "redact",
]

EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
URL = "[URL]"
LINK = URL  # older name
POSTCODE = "[POSTCODE]"
NAME = "[NAME]"
PARTICIPANT = "[PARTICIPANT]"
INTERVIEWER = "[INTERVIEWER]"
#: Every tag :func:`redact` writes.
TAGS = (EMAIL, PHONE, URL, POSTCODE, NAME, PARTICIPANT, INTERVIEWER)

#: Relationship words after which a capitalised word is taken to be a first name.
RELATIONS = tuple(
    """sister brother friend mate mum mom mother dad father husband wife partner boyfriend
    girlfriend fiance fiancé fiancée son daughter grandson granddaughter nan gran granny grandma
    grandad aunt auntie uncle cousin niece nephew flatmate housemate colleague neighbour neighbor
    courier postman postwoman driver boss manager lad lass guy bloke chap lady""".split()
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
_US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
_POSTCODE = re.compile(
    r"""
    (?<![\w-])(?:
        (?:GIR\s?0AA|[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})   # UK: SW1A 1AA, M1 1AE
      | [ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\s?\d[ABCEGHJ-NPRSTV-Z]\d   # Canada: K1A 0B1
      | [AC-FHKNPRTV-Y]\d{2}\s?[AC-FHKNPRTV-Y\d]{4}                 # Eircode: D02 X285
      | \d{5}-\d{4}                                                # US ZIP+4
    )(?![\w-])
    """,
    re.VERBOSE,
)
_ZIP = re.compile(rf"(?<![\w-])((?:{'|'.join(_US_STATES)}),?\s+)\d{{5}}(?![\w-])")
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
# Speaker labels that name a role, not a person ("Participant", "Speaker 2", "P3", "id1").
_ROLE_LABEL = re.compile(
    r"^(?:(?:the\s+)?(?:lead\s+|co-?)?(?:interviewer|interviewee|participant|respondent|"
    r"moderator|facilitator|researcher|speaker|customer|user|host|guest|observer|note-?taker|"
    r"unknown|unidentified|unlabelled|unlabeled|person|voice|audience|member|client|subject|"
    r"child|parent|staff|man|woman|male|female|teacher|student|pupil|doctor|nurse|patient|"
    r"manager|owner|buyer|seller|shopper|expert|panell?ist|attendee|employee|caller|agent|"
    r"narrator|translator|interpreter|other|all|group|everyone|several|multiple)s?(?:\s*[#\-]?\s*(?:\d+|[a-z]))?"
    r"|[a-z]{0,4}\s?\d+[a-z]?|Q|A)$",
    re.IGNORECASE,
)


def is_person_label(label: str) -> bool:
    """Return True if a speaker label looks like a person's name rather than a role.

    Parameters
    ----------
    label : str
        A speaker label (``Dan``, ``Priya Shah``, ``Participant``, ``Speaker 2``, ``id1``).

    Returns
    -------
    bool
        False for role words, numbered roles and ids (``Interviewer 1``, ``P3``, ``id1``,
        ``Q``); True for one to four alphabetic words starting with a capital letter.
    """
    text = " ".join(str(label).split())
    if not text or _ROLE_LABEL.match(text):
        return False
    words = text.replace("’", "'").split()
    return len(words) <= 4 and all(
        w[0].isupper() and w.replace("'", "").replace("-", "").replace(".", "").isalpha()
        for w in words
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


def _as_tuple(names: Iterable[str] | str | None) -> tuple[str, ...]:
    if names is None:
        return ()
    if isinstance(names, str):
        return (names,)
    return tuple(str(n) for n in names if n is not None and str(n).strip())


def _names_pattern(names: Iterable[str], any_case: bool) -> re.Pattern[str] | None:
    """Whole-word pattern for names; words that are also common English words (``Will``,
    ``May``) match only when capitalised, so ``I will go`` survives a participant named Will."""
    cleaned = {" ".join(str(n).split()) for n in names}
    cleaned = sorted((n for n in cleaned if n), key=lambda n: (-len(n), n))
    if not cleaned:
        return None
    parts = []
    for name in cleaned:
        body = r"\s+".join(re.escape(w) for w in name.split())
        common = name.lower() in ENGLISH_STOP_WORDS
        parts.append(f"(?i:{body})" if any_case and not common else body)
    return re.compile(rf"(?<![\w@])(?:{'|'.join(parts)})(?!\w)")


def _with_parts(names: tuple[str, ...]) -> tuple[str, ...]:
    """Full names plus their words (``Priya Shah`` also removes ``Priya`` and ``Shah``)."""
    out = list(names)
    for name in names:
        words = name.split()
        if len(words) > 1:
            out.extend(w for w in words if len(w) > 1 and w[0].isupper() and w not in _NOT_NAMES)
    return tuple(dict.fromkeys(out))


def redact(
    text: str,
    *,
    names: Iterable[str] | str = (),
    participant_names: Iterable[str] | str = (),
    interviewer_names: Iterable[str] | str = (),
    found_names: Iterable[str] = (),
) -> str:
    """Replace personal details in a passage with role tags.

    Parameters
    ----------
    text : str
        The passage.
    names : iterable of str or str, optional
        Other people's names, removed wherever they occur as whole words in any case
        (``[NAME]``). A single string is one name.
    participant_names, interviewer_names : iterable of str or str, optional
        Names of participants (``[PARTICIPANT]``) and interviewers (``[INTERVIEWER]``), for
        example from the metadata or the speaker labels. Each word of a multi-word name is
        removed as well.
    found_names : iterable of str, optional
        Names to remove where they occur as whole words with exactly this capitalisation,
        typically :func:`find_names` of the rest of the interview. Names the passage itself
        introduces (``my sister Priya``) are always found and removed.

    Returns
    -------
    str
        The passage with e-mail addresses, URLs, phone numbers, postcodes and names replaced
        by :data:`TAGS`. Other text is unchanged.
    """
    if not isinstance(text, str):
        raise TypeError(f"redact needs a str, got {type(text).__name__}")
    out = _EMAIL.sub(EMAIL, text)
    out = _URL.sub(URL, out)
    out = _PHONE.sub(PHONE, out)
    out = _POSTCODE.sub(POSTCODE, out)
    out = _ZIP.sub(lambda m: m.group(1) + POSTCODE, out)
    found = [*_as_tuple(found_names), *find_names(out)]
    steps = (
        (_with_parts(_as_tuple(participant_names)), True, PARTICIPANT),
        (_with_parts(_as_tuple(interviewer_names)), True, INTERVIEWER),
        (_as_tuple(names), True, NAME),
        (tuple(found), False, NAME),
    )
    for group, any_case, tag in steps:
        pattern = _names_pattern(group, any_case)
        if pattern is not None:
            out = pattern.sub(tag, out)
    return out
