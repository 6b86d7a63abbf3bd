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
* payment and identity numbers: card numbers (13-19 digits, with or without spaces or dashes)
  → ``[CARD]``; IBANs → ``[IBAN]``; US social security numbers, UK National Insurance numbers
  and NHS numbers → ``[ID]``;
* full dates before :data:`BIRTH_YEARS_BEFORE` (``3 March 1991``, ``1988-03-14``,
  ``14/03/1988``, ``March 3rd, 1991``), which in interviews are birthdays, any date after
  ``born``/``DOB``, and a month of birth (``born in March 1991``) → ``[DATE]``; a recent date
  (``delivered on 04/03/2026``) and a year alone (``in 2019``, ``born in 1985``) are kept;
* GPS coordinates (``51.50740, -0.12780``) → ``[LOCATION]``; UK vehicle registrations
  (``AB12 CDE``) → ``[ID]``;
* street addresses (``12 Acacia Avenue``, ``221B Baker Street``, ``flat 3, 45 high road``)
  → ``[ADDRESS]``; social-media handles (``@tobias_g``) → ``[HANDLE]``;
* self-introduced and titled names (``my name is ...``, ``I'm Helen``, ``this is Priya``,
  ``call me Jo``, ``Dr. Helen Carter``, ``Mrs Patel``), accented (``Zoë``, ``José``) and, after
  ``my name is`` / ``called``, lower-case ones → ``[NAME]``;
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
    "ADDRESS",
    "CARD",
    "DATE",
    "EMAIL",
    "HANDLE",
    "IBAN",
    "ID",
    "INTERVIEWER",
    "LOCATION",
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
CARD = "[CARD]"
IBAN = "[IBAN]"
ID = "[ID]"
DATE = "[DATE]"
ADDRESS = "[ADDRESS]"
HANDLE = "[HANDLE]"
LOCATION = "[LOCATION]"
#: Every tag :func:`redact` writes.
TAGS = (
    EMAIL, PHONE, URL, IP, POSTCODE, NAME, PARTICIPANT, INTERVIEWER, CARD, IBAN, ID, DATE,
    ADDRESS, HANDLE, LOCATION,
)  # fmt: skip

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
    | (?<![\w.+-])[\w.+-]+(?:\s+(?:dot|underscore|dash|hyphen)\s+[\w.+-]+)*\s+at\s+[\w-]+
      (?:\s+dot\s+[\w-]+)*\s+dot\s+(?:{_TLDS})\b""",
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
      | (?i:[a-z]{1,2}\d[a-z\d]?[ \t]?\d[abd-hjlnp-uw-z]{2})            # UK, any case, compact
      | (?:[A-Z]{1,2}-)?\d{5}(?=[ \t]+[A-Z][a-zà-ÿ]{2,})              # 75008 Paris
    )(?![\w-])
    """,
    re.VERBOSE,
)
# GPS coordinates "51.5074, -0.1278" (four or more decimals: not prices or sizes).
_GPS = re.compile(
    r"(?<![\w.-])[-+]?\d{1,2}\.\d{4,}°?\s*[NS]?,\s*[-+]?\d{1,3}\.\d{4,}°?\s*[EW]?(?![\w.])"
)
# UK vehicle registrations "AB12 CDE" (capitals only, as plates are written).
_PLATE = re.compile(r"(?<![\w-])[A-Z]{2}\d{2}[ \t]?[A-Z]{3}(?![\w-])")
_ZIP_WORD = re.compile(r"(?i:\b(?:zip|post|postal)(?:\s*code)?(?:\s+is)?[:\s]\s*)\d{5}\b")
_ZIP = re.compile(rf"(?<![\w-])((?:{'|'.join(_US_STATES)}),?\s+)\d{{5}}(?![\w-])")
_UP, _LOW = "A-ZÀ-ÖØ-ÞĀ-Ž", "a-zß-öø-ÿā-ž"
_CAPNAME = rf"[{_UP}][{_LOW}]+(?:-[{_UP}]?[{_LOW}]+|['’][{_UP}][{_LOW}]+)?"
_NOT_NAMES = frozenset(
    """I A An And As At But By For From He Her His If In It Its Me My No Not Of On Or Our She So
    That The Their Then There They This To Us We Who With You Yes Well Oh Um Uh Erm Like Just
    Actually Really Said Says Told Always Never Too Also
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Christmas Easter""".split()
)
_NAME_GROUP = rf"(?P<name>{_CAPNAME})\b"
_CARD = re.compile(
    r"""(?<![\w+./-])(?:
        \d{4}(?:[ \t-]\d{4}){3}(?:[ \t-]?\d{1,3})?      # 4111 1111 1111 1111
      | \d{4}[ \t-]\d{6}[ \t-]\d{5}                    # Amex 3782 822463 10005
      | \d{13,19}                                      # 4111111111111111
    )(?![\w/-]|[.,]\d)""",
    re.VERBOSE,
)
_IBAN = re.compile(
    r"(?<![\w-])[A-Z]{2}\d{2}(?:[ \t]?[A-Z0-9]{4}){2,7}(?:[ \t]?[A-Z0-9]{1,3})?(?![\w-])",
    re.IGNORECASE,
)
_NATIONAL_ID = re.compile(
    r"""(?<![\w-])(?:
        \d{3}[ -]\d{2}[ -]\d{4}                                        # US SSN 123-45-6789
      | (?i:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D])  # UK NI
    )(?![\w-])""",
    re.VERBOSE,
)
# "passport number 123456789", "my NHS number is 943 476 5919", "account no: 12345678"
_ID_WORDS = re.compile(
    r"""(?ix)\b((?:passport|licen[cs]e|driving\s+licen[cs]e|account|acct|sort\s+code|membership|
    customer|member|policy|reference|ref|nhs|ssn|social\s+security|national\s+insurance|ni|
    tax|vat|employee|staff|student|patient|loyalty|card)\s*(?:number|no\.?|num|\#|id|code)?
    (?:\s+is)?\s*[:#]?\s*)((?=[A-Z0-9 -]*\d)[A-Z0-9](?:[A-Z0-9]|[ -](?=[A-Z0-9])){4,24})""",
)
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DATE = re.compile(
    rf"""(?<![\w/.-])(?:
        \d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+(?:19|20)\d{{2}}     # 3 March 1991
      | {_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}             # March 3rd, 1991
      | (?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}                                    # 1988-03-14
      | \d{{1,2}}[/.-]\d{{1,2}}[/.-](?:(?:19|20)\d{{2}}|\d{{2}})              # 14/03/1988
    )(?![\w/-]|\.\d)""",
    re.VERBOSE | re.IGNORECASE,
)
_BORN = re.compile(
    rf"(?i)\b((?:born|birthday|date\s+of\s+birth|d\.?o\.?b\.?)\W{{1,3}}(?:(?:on|in|is)\s+)?)"
    rf"((?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?{_MONTHS}\s+(?:19|20)\d{{2}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|(?:19|20)\d{2}-\d{1,2}-\d{1,2})(?![\w/-])"
)
_STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|way|place|pl|court|ct|crescent|cres|"
    "terrace|gardens|gdns|grove|boulevard|blvd|square|sq|hill|park|row|mews|walk|parade|rise|"
    "vale|green|highway|hwy|circle|cir|broadway|embankment|quay|wharf|esplanade"
)
_STREET = re.compile(
    rf"""(?ix)(?<![\w-])
    (?:(?:flat|apartment|apt|unit|suite|house)\s+\d+[a-z]?,?\s+)?
    \d{{1,5}}[a-z]?,?\s+
    (?P<words>(?:[^\W\d_][\w'’-]*\s+){{1,3}})
    (?:{_STREET_TYPES})\b\.?""",
)
_HANDLE = re.compile(r"(?<![\w@.\[])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])")
_NAME_WORD_ANY = rf"[{_UP}{_LOW}][{_LOW}{_UP}'’-]*"
# "my name is tobias green", "call me Jo": whatever follows is a name, in any case.
_SELF_NAMED = re.compile(
    r"\b(?i:my\s+name\s+is|my\s+name['’]s|(?:first|last|full|sur)\s*name\s+is|"
    r"i\s+am\s+called|i['’]m\s+called|i\s+go\s+by)\s+"
    rf"(?P<name>{_NAME_WORD_ANY}(?:\s+{_NAME_WORD_ANY}){{0,2}})"
)
# "I'm Helen", "this is Priya from ...": only a capitalised word is a name here ("I'm happy").
_INTRODUCED = re.compile(
    r"(?:\b(?i:i['’]m|i\s+am|this\s+is|it['’]s|here['’]s|call\s+me|known\s+as|"
    r"speak\s+to|ask\s+for)|^(?i:hi|hello|hey|thanks|thank\s+you),?)\s+"
    rf"(?P<name>{_CAPNAME}(?:\s+{_CAPNAME})?)\b"
)
_TITLES = r"Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sir|Dame|Lady|Lord|Rev|Revd|Fr|Capt|Captain"
_TITLED = re.compile(
    rf"\b(?:{_TITLES})\.?\s+(?P<name>(?:Mc|Mac|O['’])?{_CAPNAME}(?:\s+(?:Mc|Mac|O['’])?{_CAPNAME}){{0,2}})"
)
#: Capitalised words after "I'm" / "this is" that are not names.
_NOT_INTRODUCED = frozenset(
    """British English Scottish Welsh Irish American Canadian Australian Indian Polish French
    German Spanish Italian Chinese Japanese Pakistani Nigerian European Asian African Black
    White Catholic Christian Muslim Jewish Hindu Sikh Buddhist Vegan Vegetarian Sorry Fine Good
    Great Happy Sure Okay OK Ok Not Just Really Very So Glad Still Also Always Never Here There
    Going Looking Trying Getting Done Back Based Gen Generation Autistic Disabled Retired
    Everyone Everybody All Guys Folks Team Thanks Thank Sir Madam""".split()
)
#: Brands that look like a title and a surname.
_TITLED_BRANDS = re.compile(r"\b(?:Dr\.?|Doc)\s+Martens?\b|\bDr\.?\s+Pepper\b")
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


#: Full dates before this year are taken for birthdays and removed; later ones are kept as the
#: dates of events (a delivery on 04/03/2026). A fixed year, so output does not change with
#: the day it runs; "born on ..." is removed whatever the year.
BIRTH_YEARS_BEFORE = 2012


def _date_tag(m: re.Match[str]) -> str:
    year = re.findall(r"\d+", m.group(0))[-1]
    year = int(year) + (1900 if int(year) >= 30 else 2000) if len(year) == 2 else int(year)
    return DATE if year < BIRTH_YEARS_BEFORE else m.group(0)


def _street(m: re.Match[str]) -> str:
    """``[ADDRESS]`` for a house number, up to three name words and a street type."""
    words = m.group("words").lower().split()
    if any(w in _NOT_STREET for w in words):
        return m.group(0)  # "5 minutes to the park", "40 on Oxford Street"
    return ADDRESS


_NOT_STREET = frozenset(
    """a an the of in on at to for from by with and or but my our your their his her its
    was is are were be been being i we you they he she it this that these those very so too
    minutes hours days weeks months years times pounds quid dollars euros pence pairs items
    miles km kilometres kilometers metres meters mins secs percent per""".split()
)


def _self_named(text: str) -> Iterable[str]:
    for m in _SELF_NAMED.finditer(text):
        words = []
        for word in m.group("name").split():
            if word.lower() in ENGLISH_STOP_WORDS or word in _NOT_NAMES:
                break
            words.append(word)
        if words:
            yield " ".join(words)


def find_names(text: str) -> list[str]:
    """Return the names that `text` introduces.

    Parameters
    ----------
    text : str
        A passage.

    Returns
    -------
    list of str
        Distinct names, in order: capitalised first names after ``my sister``, ``our
        neighbour,``, ``the courier``, ``married to``, ``a driver called`` and similar (see
        :data:`RELATIONS`); names a speaker gives for themselves (``my name is tobias green``,
        in any case; ``I'm Helen``, ``this is Priya``, ``call me Jo``, capitalised); and titled
        names (``Dr. Helen Carter``, ``Mrs Patel``; not the boot brand ``Dr. Martens``). Pass
        them to :func:`redact` as `found_names` to remove later mentions in other passages of
        the same interview.
    """
    text = str(text)
    brands = [m.span() for m in _TITLED_BRANDS.finditer(text)]
    found = [
        m.group("name")
        for pattern in (_RELATION, _CALLED)
        for m in pattern.finditer(text)
        if m.group("name") not in _NOT_NAMES
    ]
    found += list(_self_named(text))
    for m in _INTRODUCED.finditer(text):
        first = m.group("name").split()[0]
        if first not in _NOT_NAMES and first not in _NOT_INTRODUCED:
            found.append(m.group("name"))
    for m in _TITLED.finditer(text):
        if not any(a <= m.start() < b for a, b in brands):
            found.append(m.group("name"))
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


def _found_parts(found: Iterable[str]) -> tuple[str, ...]:
    """Found names plus their words (``Helen Carter`` also removes a later ``Carter``)."""
    out = list(found)
    for name in found:
        words = name.split()
        if len(words) > 1:
            out.extend(
                w
                for w in words
                if len(w) > 1 and w not in _NOT_NAMES and w.lower() not in ENGLISH_STOP_WORDS
            )
    return tuple(dict.fromkeys(out))


def safe_transcript_ids(ids: Iterable[str], names: Iterable[str]) -> dict[str, str]:
    """Transcript ids for output: an id holding one of `names` (``T01_Priya_Shah``) or any
    detail :func:`redact` removes (``jo.b@example.com``, ``07700900123``) becomes
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
        named = words & parts or any(p in tid.casefold() for p in parts if len(p) >= 4)
        if named or redact(tid.replace("_", " ")) != tid.replace("_", " "):  # e-mail, phone...
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
    out = _GPS.sub(LOCATION, out)
    out = _HANDLE.sub(HANDLE, out)
    out = _IBAN.sub(IBAN, out)
    out = _CARD.sub(CARD, out)
    out = _NATIONAL_ID.sub(ID, out)
    out = _ID_WORDS.sub(lambda m: m.group(1) + ID, out)
    out = _BORN.sub(lambda m: m.group(1) + DATE, out)
    out = _DATE.sub(_date_tag, out)
    out = _PHONE.sub(PHONE, out)
    out = _STREET.sub(_street, out)
    out = _PLATE.sub(ID, out)
    out = _POSTCODE.sub(POSTCODE, out)
    out = _ZIP.sub(lambda m: m.group(1) + POSTCODE, out)
    out = _ZIP_WORD.sub(lambda m: m.group(0)[:-5] + POSTCODE, out)
    found = [*_as_tuple(found_names), *find_names(out)]
    steps = (
        (_with_parts(_as_tuple(participant_names)), True, PARTICIPANT),
        (_with_parts(_as_tuple(interviewer_names)), True, INTERVIEWER),
        (_with_parts(_as_tuple(names)), True, NAME),
        (_found_parts(found), False, NAME),
    )
    for group, any_case, tag in steps:
        pattern = _names_pattern(group, any_case)
        if pattern is not None:
            out = pattern.sub(tag, out)
    return out
