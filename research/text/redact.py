"""Remove personal details from interview text before it leaves :mod:`research.text`.

:func:`redact` replaces, with role tags:

* e-mail addresses, also spelt out (``jo (at) example (dot) com``, ``jo at example dot com``)
  → ``[EMAIL]``; web addresses → ``[URL]``;
* IPv4 and IPv6 addresses and MAC addresses → ``[IP]``;
* phone numbers (UK, international ``+CC`` or ``00CC``, North-American shapes with or without
  a leading ``1``, ten-digit runs, extensions) → ``[PHONE]``;
* postcodes (UK ``SW1A 1AA`` in either case, Canadian ``K1A 0B1``, Irish Eircode ``D02 X285``,
  US ZIP after a state code ``NY 10001`` or the word ZIP, ZIP+4 ``10001-1234``, and five-digit
  codes before a place name, ``75008 Paris``) → ``[POSTCODE]``;
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
    "IP",
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
    "label_names",
    "redact",
    "safe_transcript_ids",
]

EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
URL = "[URL]"
LINK = URL  # older name
POSTCODE = "[POSTCODE]"
IP = "[IP]"
NAME = "[NAME]"
PARTICIPANT = "[PARTICIPANT]"
INTERVIEWER = "[INTERVIEWER]"
#: Every tag :func:`redact` writes.
TAGS = (EMAIL, PHONE, URL, IP, POSTCODE, NAME, PARTICIPANT, INTERVIEWER)

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
_AT, _DOT = r"\s*[(\[{<]\s*at\s*[)\]}>]\s*", r"\s*[(\[{<]\s*dot\s*[)\]}>]\s*"
_EMAIL_SPELT = re.compile(
    rf"""(?<![\w.+-])[\w.+-]+(?:{_AT}|\s*@\s*)[\w-]+(?:(?:{_DOT}|\.)[\w-]+)*{_DOT}[\w-]+
    | (?<![\w.+-])[\w.+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+(?:{_TLDS})\b""",
    re.VERBOSE | re.IGNORECASE,
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_HEX = r"[0-9A-Fa-f]{1,4}"
_IP = re.compile(
    rf"""
    (?<![\w.:])(?:
        (?:{_OCTET}\.){{3}}{_OCTET}(?::\d{{1,5}})?(?!\w|\.\d)               # 192.168.0.1:80
      | (?:(?:{_HEX}:){{7}}{_HEX}                                          # full IPv6
         | (?:{_HEX}:){{1,7}}:(?:{_HEX}(?::{_HEX}){{0,6}})?                  # 2001:db8::1
         | ::{_HEX}(?::{_HEX}){{0,6}}                                       # ::1
        )(?:%[\w.]+)?(?!\w|:[\w:])
      | (?:[0-9A-Fa-f]{{2}}[:-]){{5}}[0-9A-Fa-f]{{2}}(?![\w:-])              # MAC address
    )
    """,
    re.VERBOSE,
)
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
        (?:\+|00)\d{{1,3}}(?:[ \t.\-]?\(0\))?{_D}{{6,12}}              # +44 7700 900123
      | \(?0{_D}{{9,10}}                                            # 07700 900123, 01632 960001
      | (?:1[ \t.\-])?(?:\(\d{{3}}\)[ \t]?|\d{{3}}[ \t.\-])\d{{3}}[ \t.\-]\d{{4}}  # (555) 123-4567
      | [2-9]\d{{9}}                                               # 5551234567
    )(?:[ \t]*(?:ext\.?|extension|x)[ \t]*\d{{1,5}})?(?![\w/]|[.\-]\d)
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
      | (?i:[a-z]{1,2}\d[a-z\d]?[ \t]\d[abd-hjlnp-uw-z]{2})             # UK, lower case
      | (?:[A-Z]{1,2}-)?\d{5}(?=[ \t]+[A-Z][a-zà-ÿ]{2,})              # 75008 Paris
    )(?![\w-])
    """,
    re.VERBOSE,
)
_ZIP_WORD = re.compile(r"(?i:\b(?:zip|post|postal)(?:\s*code)?(?:\s+is)?[:\s]\s*)\d{5}\b")
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
    r"^(?:(?:the\s+)?(?:lead\s+|co-?|(?:unknown|unidentified|other|female|male|new)\s+)?"
    r"(?:interviewer|interviewee|participant|respondent|"
    r"moderator|facilitator|researcher|speaker|customer|user|host|guest|observer|note-?taker|"
    r"unknown|unidentified|unlabelled|unlabeled|person|voice|audience|member|client|subject|"
    r"child|parent|staff|man|woman|male|female|teacher|student|pupil|doctor|nurse|patient|"
    r"manager|owner|buyer|seller|shopper|expert|panell?ist|attendee|employee|caller|agent|"
    r"narrator|translator|interpreter|other|all|group|everyone|several|multiple)s?(?:\s*[#\-_]?\s*(?:\d+|[a-z]))?"
    r"|[a-z]{0,4}\s?\d+[a-z]?|Q|A)$",
    re.IGNORECASE,
)


def _person(text: str) -> bool:
    if not text or _ROLE_LABEL.match(text):
        return False
    words = text.replace("’", "'").split()
    letters = [w.replace("'", "").replace("-", "").replace(".", "") for w in words]
    if len(words) > 4 or not all(w.isalpha() for w in letters):
        return False
    if text.islower():  # "maria" in a chat-style export; not "so" or "the"
        return not any(w in ENGLISH_STOP_WORDS for w in words)
    return all(w[0].isupper() for w in words)


_USERNAME = re.compile(r"^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)+$", re.IGNORECASE)


def _username_parts(text: str) -> tuple[str, ...]:
    """``dan.smith`` (a video-call display name) and its name-like parts ``dan``, ``smith``."""
    parts = [p for p in re.split(r"[._-]", text) if len(p) >= 3 and p.isalpha()]
    return (text, *(p for p in parts if p.lower() not in ENGLISH_STOP_WORDS))


def label_names(label: str) -> tuple[str, ...]:
    """Return the people's names in a speaker label.

    Parameters
    ----------
    label : str
        A speaker label, possibly with a bracketed qualifier (``Dan (Interviewer)``,
        ``Interviewer (Dan Smith)``, ``P1 (female, 34)``).

    Returns
    -------
    tuple of str
        The label, or the parts of it outside and inside brackets (split on commas and
        slashes), that are names rather than roles or ids; a user name such as
        ``dan.smith`` and its parts (``dan``, ``smith``); empty for ``Participant``,
        ``Speaker 2``, ``P1 (female, 34)``, ``SPEAKER_00``.
    """
    text = " ".join(str(label).split())
    if _USERNAME.match(text) and not _ROLE_LABEL.match(text):
        return _username_parts(text)
    if "(" not in text and "/" not in text:
        return (text,) if _person(text) else ()
    parts = re.split(r"[()\[\],/;]+", text)
    return tuple(dict.fromkeys(p for p in (" ".join(x.split()) for x in parts) if _person(p)))


def is_person_label(label: str) -> bool:
    """Return True if a speaker label names a person rather than only a role.

    Parameters
    ----------
    label : str
        A speaker label (``Dan``, ``Priya Shah``, ``Participant``, ``Speaker 2``, ``id1``,
        ``Dan (Interviewer)``).

    Returns
    -------
    bool
        False for role words, numbered roles and ids (``Interviewer 1``, ``P3``, ``id1``,
        ``Q``); True for one to four alphabetic words starting with a capital letter, also
        inside or before a bracketed qualifier (see :func:`label_names`).
    """
    return bool(label_names(label))


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


def safe_transcript_ids(ids: Iterable[str], names: Iterable[str]) -> dict[str, str]:
    """Transcript ids for output: an id holding one of `names` (``T01_Priya_Shah``) becomes
    ``transcript-1``, ``transcript-2``... in sorted order; other ids are kept.

    Parameters
    ----------
    ids : iterable of str
        Transcript ids.
    names : iterable of str
        People's names; each word of three or more letters counts.

    Returns
    -------
    dict of str to str
        Id → id to show.
    """
    parts = {p.casefold() for name in names for p in re.split(r"[\W_]+", str(name)) if len(p) >= 3}
    out, n = {}, 0
    for tid in sorted(dict.fromkeys(map(str, ids))):
        words = {w.casefold() for w in re.split(r"[\W_\d]+", tid) if w}
        if words & parts or any(p in tid.casefold() for p in parts if len(p) >= 4):
            n += 1
            out[tid] = f"transcript-{n}"
        else:
            out[tid] = tid
    return out


def _ip_tag(m: re.Match[str]) -> str:
    """``[IP]``, except for short ``::`` forms such as ``a::b`` that are not addresses."""
    found = m.group(0)
    if "::" in found and sum(c.isalnum() for c in found.split("%")[0]) < 4:
        return found
    return IP


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
        (``[NAME]``), each word of a multi-word name as well. A single string is one name.
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
    out = _EMAIL_SPELT.sub(EMAIL, out)
    out = _URL.sub(URL, out)
    out = _IP.sub(_ip_tag, out)
    out = _PHONE.sub(PHONE, out)
    out = _POSTCODE.sub(POSTCODE, out)
    out = _ZIP.sub(lambda m: m.group(1) + POSTCODE, out)
    out = _ZIP_WORD.sub(lambda m: m.group(0)[:-5] + POSTCODE, out)
    found = [*_as_tuple(found_names), *find_names(out)]
    steps = (
        (_with_parts(_as_tuple(participant_names)), True, PARTICIPANT),
        (_with_parts(_as_tuple(interviewer_names)), True, INTERVIEWER),
        (_with_parts(_as_tuple(names)), True, NAME),
        (tuple(found), False, NAME),
    )
    for group, any_case, tag in steps:
        pattern = _names_pattern(group, any_case)
        if pattern is not None:
            out = pattern.sub(tag, out)
    return out
