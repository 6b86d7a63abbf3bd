"""What a reader found in an export: one typed record shared by every reader."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["COLUMN_FIELDS", "ExportMeta", "QualtricsMeta", "column_table"]

#: Columns of :attr:`ExportMeta.columns`, in order.
COLUMN_FIELDS = ("column", "name", "question_text", "import_id", "option_label", "option_code")


def column_table(
    columns: list[str],
    *,
    names: list[str] | None = None,
    texts: list[str] | None = None,
    import_ids: list[str] | None = None,
    options: list[str] | None = None,
    option_codes: list[str] | None = None,
) -> pd.DataFrame:
    """The per-column table of :class:`ExportMeta` (missing fields become empty strings)."""
    n = len(columns)

    def fill(values: list[str] | None) -> list[str]:
        values = list(values or [])
        return [str(v) if v is not None else "" for v in values[:n]] + [""] * (n - len(values))

    return pd.DataFrame(
        {
            "column": list(columns),
            "name": fill(names) if names is not None else list(columns),
            "question_text": fill(texts),
            "import_id": fill(import_ids),
            "option_label": fill(options),
            "option_code": fill(option_codes),
        },
        dtype=object,
    )


@dataclass(frozen=True)
class ExportMeta:
    """What a reader found in an export.

    Attributes
    ----------
    path : str
        The file read.
    format : str
        ``qualtrics``, ``surveymonkey``, ``google_forms``, ``kobo``, ``spss``, ``stata`` or
        ``generic``.
    encoding : str
        Encoding used to decode the file (``binary`` for SPSS and Excel files).
    layout : str
        Format-specific layout, e.g. Qualtrics ``3-row``, ``insights`` (single-quoted ImportIds)
        or ``legacy`` (``V1``... names), SurveyMonkey ``2-row``, Kobo ``xml-values``.
    columns : pd.DataFrame
        One row per data column: ``column`` (unique name used in the data frame), ``name`` (as
        written in the export, possibly repeated), ``question_text``, ``import_id`` (Qualtrics),
        ``option_label`` and ``option_code`` (the option a spread multi-select column stands
        for, as the platform labels and codes it).
    value_labels : dict
        Column -> {code: label} where the export carries labels (SPSS).
    missing_codes : dict
        Column -> codes the export declares missing (SPSS user-missing values).
    separator : str or None
        How the platform joins several choices in one cell (``,`` Qualtrics, ``, `` Google
        Forms, `` `` Kobo), or ``None``.
    delimiter : str or None
        Field delimiter of a text export.
    notes : tuple of str
        Anything the reader repaired or noticed (renamed duplicates, dropped empty columns).
    """

    path: str
    format: str
    encoding: str
    layout: str
    columns: pd.DataFrame
    value_labels: dict = field(default_factory=dict)
    missing_codes: dict = field(default_factory=dict)
    separator: str | None = None
    delimiter: str | None = None
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line: format, layout, encoding and size."""
        return f"{self.format} export ({self.layout}), {self.encoding}, {len(self.columns)} columns"


#: Kept for code written against the first importer.
QualtricsMeta = ExportMeta
