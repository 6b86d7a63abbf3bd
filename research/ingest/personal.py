"""Recognise personal data in an export: by column name and by what the cells look like.

Personal columns (names, e-mail addresses, IP addresses, latitude/longitude, phone numbers,
postal addresses, platform recipient fields, device ids) are read only to be listed and
dropped: they never reach ``responses.csv``, ``paradata`` or a report unless the caller asks
to keep them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["PERSONAL_PATTERNS", "find_personal_columns"]

#: Name patterns (matched on the column name and on its question text, case-insensitively).
PERSONAL_PATTERNS = {
    "e-mail": r"e-?mail",
    "IP address": r"\bip[ _-]?address\b|^ipaddress$|^ip$",
    "location": r"latitude|longitude|location ?accuracy|^gps|geo ?point|geolocation",
    "name": r"^(first|last|full|given|family|sur)[ _-]?name$|^name$|recipient(first|last)?name|"
    r"^recipient|your (full )?name|submitter ?name|^_submitted_by$|^username$",
    "phone": r"phone|mobile number|telephone|^simserial$|^subscriberid$",
    "address": r"street|postal address|home address|^address$",
    "device id": r"^deviceid$|^device ?id$|^imei$",
}
_NAME = {k: re.compile(v, re.IGNORECASE) for k, v in PERSONAL_PATTERNS.items()}
#: Question text is prose: only unmistakable requests for personal data count.
_TEXT = re.compile(
    r"e-?mail address|your (full |first |last )?name\b|phone number|home address|postal address",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_IPV4 = re.compile(r"^(?:\d{1,3}\.){3}\d{1,3}$")
_IPV6 = re.compile(r"^[0-9A-Fa-f:]{2,39}$")
_SAMPLE = 200


def _kind_by_value(values: pd.Series) -> str | None:
    if values.dtype.kind in "fiubmM":
        return None
    # Look at an evenly spaced sample only: the test is "most cells look like X".
    step = max(1, len(values) // (_SAMPLE * 5))
    cells = [str(v).strip() for v in values.to_numpy()[::step] if v is not None and v == v]
    cells = [c for c in cells if c]
    if not cells:
        return None
    sample = [
        cells[i] for i in np.linspace(0, len(cells) - 1, min(_SAMPLE, len(cells))).astype(int)
    ]
    half = len(sample) / 2
    for kind, pat in (("e-mail", _EMAIL), ("IP address", _IPV4)):
        if sum(1 for c in sample if pat.match(c)) >= half:
            return kind
    if sum(1 for c in sample if (c.count(":") >= 3 or "::" in c) and _IPV6.match(c)) >= half:
        return "IP address"
    return None


def find_personal_columns(
    data: pd.DataFrame, columns: pd.DataFrame, *, protected: set[str] | None = None
) -> pd.DataFrame:
    """Which columns hold personal data, and why.

    Parameters
    ----------
    data : pd.DataFrame
        The export as read.
    columns : pd.DataFrame
        The reader's ``meta.columns`` (``column``, ``name``, ``question_text``).
    protected : set of str, optional
        Columns mapped to questionnaire items that are not open text: their answers are codes
        of the item's scale, so they are not checked.

    Returns
    -------
    pd.DataFrame
        ``column, kind, found_by`` (``name`` or ``values``), one row per personal column.
    """
    protected = protected or set()
    rows = []
    for rec in columns.to_dict("records"):
        col = rec["column"]
        kind = None
        if col not in protected:
            for label in (rec.get("name") or col, col):
                label = str(label).rsplit("/", 1)[-1].strip()
                if len(label) > 40:  # a question's text used as its name: judged as text
                    continue
                kind = next((k for k, p in _NAME.items() if label and p.search(label)), None)
                if kind:
                    break
            text = str(rec.get("question_text") or "")
            if kind is None and _TEXT.search(text):
                kind = "name" if "name" in text.lower() else "contact details"
        if kind:
            rows.append((col, kind, "name"))
            continue
        kind = _kind_by_value(data[col]) if col in data and col not in protected else None
        if kind:
            rows.append((col, kind, "values"))
    return pd.DataFrame(rows, columns=["column", "kind", "found_by"], dtype=object)
