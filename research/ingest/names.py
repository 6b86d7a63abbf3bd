"""What export column names and texts say: platform metadata, Qualtrics column kinds, and the
normalised spellings the mapping compares (text without HTML, names as item ids)."""

from __future__ import annotations

import html
import re

__all__ = [
    "METADATA_COLUMNS",
    "PERSONAL_COLUMNS",
    "QUALTRICS_METADATA",
    "is_question_id",
    "is_timing",
    "normalise_text",
    "sanitise_id",
    "strip_html",
]

#: Columns Qualtrics adds to every export; never mapped to items.
QUALTRICS_METADATA = {
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "ResponseID", "ResponseSet", "Name",
    "EmailAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
    "ExternalReference", "ExternalDataReference", "LocationLatitude", "LocationLongitude",
    "LocationAccuracy", "DistributionChannel", "UserLanguage", "Q_RecaptchaScore",
    "Q_RelevantIDDuplicate", "Q_RelevantIDDuplicateScore", "Q_RelevantIDFraudScore",
    "Q_RelevantIDLastStartDate", "Q_TotalDuration", "Q_BallotBoxStuffing", "Q_URL",
    "Q_Language", "Q_CHL", "Q_DataPolicyViolations", "Q_StraightliningCount",
    "Q_StraightliningPercentage", "Q_StraightliningQuestions", "Q_UnansweredPercentage",
    "Q_UnansweredQuestions", "Q_AmbiguousTextPresent", "Q_AmbiguousTextQuestions",
    "Q_DuplicateRespondent", "Q_EmailSource", "Q_DuplicateScore",
}  # fmt: skip
#: Personal data among the platforms' metadata: read only to be dropped.
PERSONAL_COLUMNS = {
    "IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "EmailAddress",
    "Name", "LocationLatitude", "LocationLongitude", "LocationAccuracy",
}  # fmt: skip
#: Every platform's metadata names (Qualtrics, SurveyMonkey, Google Forms, Kobo/ODK).
METADATA_COLUMNS = QUALTRICS_METADATA | {
    "RespondentID", "Respondent ID", "CollectorID", "Collector ID", "Start Date", "End Date",
    "IP Address", "Email Address", "Email address", "First Name", "Last Name", "Custom Data",
    "Custom Data 1", "Timestamp", "Score", "Total score", "start", "end", "today", "deviceid",
    "instanceID", "instanceName", "_id", "_uuid", "_submission_time", "_validation_status",
    "_notes", "_status", "_submitted_by", "__version__", "_version_", "_tags", "_index",
    "SubmissionDate", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
    "AttachmentsExpected", "ReviewState", "DeviceID", "Edits", "FormVersion", "respondent_id",
}  # fmt: skip
_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"<\s*(?:br|/?p|/?div|/?li|/?tr|/?td|/?h\d)\b[^>]*>", re.IGNORECASE)
_NON_ID = re.compile(r"[^A-Za-z0-9_]+")
_TIMING_ID = re.compile(r"_(?:FIRST_CLICK|LAST_CLICK|PAGE_SUBMIT|CLICK_COUNT)$")
_TIMING_NAME = re.compile(r"_(?:First Click|Last Click|Page Submit|Click Count)$", re.IGNORECASE)
_DISPLAY_ORDER = re.compile(r"(?:^FL_\d+|_)DO$")
_QUESTION_ID = re.compile(r"^(?:\d+_)?QID\d")


def is_question_id(import_id: str) -> bool:
    """Whether a Qualtrics ImportId names a question (``QID5_1``, loop & merge ``2_QID5``)
    rather than metadata or embedded data (``startDate``, ``panel_source``)."""
    return bool(_QUESTION_ID.match(import_id or ""))


def is_timing(name: str, import_id: str = "") -> bool:
    """Whether a Qualtrics column is paradata: a timing question's clicks and page submit,
    or the display order of randomised questions or blocks (``Q5_DO``, ``FL_12_DO``)."""
    return bool(
        _TIMING_ID.search(import_id or "")
        or _TIMING_NAME.search(name or "")
        or _DISPLAY_ORDER.search(name or "")
        or _DISPLAY_ORDER.search(import_id or "")
    )


def strip_html(text: object) -> str:
    """Text without HTML tags (line-breaking tags become spaces) and with entities decoded."""
    return html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", str(text))))


def normalise_text(text: str) -> str:
    """Question text with HTML stripped, entities decoded, whitespace folded, lower case."""
    return " ".join(strip_html(text).split()).lower()


def sanitise_id(name: str) -> str:
    """An export name as an item id would spell it (``Q4#1_1`` → ``Q4_1_1``)."""
    out = _NON_ID.sub("_", str(name)).strip("_")
    return out if out[:1].isalpha() else (f"q{out}" if out else "")
