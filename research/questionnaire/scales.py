"""The built-in scale library: answer labels and the codes they import as."""

from __future__ import annotations

__all__ = ["LIBRARY_SCALES"]

#: Scale id -> labels in code order (codes start at 1, except ``likelihood11`` at 0).
#: Wording follows the Qualtrics defaults so exports import without a mapping file.
LIBRARY_SCALES: dict[str, dict[str, object]] = {
    "agree5": {
        "labels": [
            "Strongly disagree",
            "Somewhat disagree",
            "Neither agree nor disagree",
            "Somewhat agree",
            "Strongly agree",
        ],
    },
    "agree7": {
        "labels": [
            "Strongly disagree",
            "Disagree",
            "Somewhat disagree",
            "Neither agree nor disagree",
            "Somewhat agree",
            "Agree",
            "Strongly agree",
        ],
    },
    "importance5": {
        "labels": [
            "Not at all important",
            "Slightly important",
            "Moderately important",
            "Very important",
            "Extremely important",
        ],
    },
    "frequency5": {
        "labels": ["Never", "Rarely", "Sometimes", "Often", "Always"],
    },
    "satisfaction5": {
        "labels": [
            "Very dissatisfied",
            "Somewhat dissatisfied",
            "Neither satisfied nor dissatisfied",
            "Somewhat satisfied",
            "Very satisfied",
        ],
    },
    "likelihood11": {
        "labels": [str(i) for i in range(11)],
        "start": 0,
    },
}
