"""Problems found in a workbook: one entry per problem, collected rather than raised.

Each entry carries severity, sheet, Excel row number, the column header as written in the file, the
offending value, and a message in Chinese and English (the catalogue's ``issue.<code>`` texts, one per
problem code; the severity of each code is declared below).
The entry and the catalogue sit in the domain package, so storage reads issues back without the loader;
``loaders.issues`` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from housing.i18n import LANGS, t

ERROR = "error"
WARNING = "warning"

# code -> severity; the message of each code is the catalogue text ``issue.<code>`` (housing/locales).
SEVERITY: dict[str, str] = {
    "unreadable": ERROR,
    "damaged": ERROR,
    "not_spreadsheet": ERROR,
    "html_file": ERROR,
    "password": ERROR,
    "unknown_encoding": ERROR,
    "empty_file": ERROR,
    "too_large": ERROR,
    "zip_bomb": ERROR,
    "range_too_large": ERROR,
    "stray_cells": WARNING,
    "unsafe_memory": ERROR,
    "unsafe_cpu": ERROR,
    "unsafe_wall": ERROR,
    "unsafe_crash": ERROR,
    "too_many_parts": ERROR,
    "too_many_sheets": ERROR,
    "too_many_rows": ERROR,
    "too_many_columns": ERROR,
    "too_many_projects": ERROR,
    "xlsb": ERROR,
    "formula_no_value": WARNING,
    "no_table": ERROR,
    "missing_name": ERROR,
    "not_a_number": ERROR,
    "negative": ERROR,
    "not_integer": ERROR,
    "percent_range": ERROR,
    "not_a_date": ERROR,
    "impossible_date": ERROR,
    "date_out_of_range": ERROR,
    "month_only": WARNING,
    "area_unit_guessed": WARNING,
    "total_mismatch": WARNING,
    "duplicate_name": WARNING,
    "missing_deadline": WARNING,
    "handover_before_start": WARNING,
    "unknown_stage": WARNING,
    "unknown_project": WARNING,
    "control_chars": WARNING,
    "control_chars_sheet": WARNING,
    "text_too_long": ERROR,
    "text_cut": WARNING,
    "money_unit_guessed": WARNING,
    "ambiguous_header": WARNING,
    "unused_data_column": WARNING,
    "duplicate_column": ERROR,
    "duplicate_project": ERROR,
    "district_variant_suffix": WARNING,
    "district_variant_spacing": WARNING,
    "district_missing": WARNING,
    # the 12345 hotline export (loaders/hotline.py)
    "hl_no_header": ERROR,
    "hl_missing_ticket": ERROR,
    "hl_missing_received": ERROR,
    "hl_missing_text": WARNING,
    "hl_bad_replied": ERROR,
    "hl_bad_satisfaction": ERROR,
    "hl_reply_before_received": WARNING,
    "hl_duplicate_ticket": WARNING,
    "hl_long_ticket": ERROR,  # hostile: cut to fit, two long numbers became one ticket and one call was lost
    "hl_future_date": ERROR,  # hostile: a call received (or replied to) after today
    # the task sheet (loaders.tasks_sheet)
    "task_no_table": ERROR,
    "task_missing_column": ERROR,
    "task_missing_title": ERROR,
    "task_missing_unit": ERROR,
    "task_missing_assignee": ERROR,
    "task_unknown_project": ERROR,
    "task_ambiguous_project": ERROR,
    "task_unknown_assignee": ERROR,
    "task_future_date": ERROR,
    "task_duplicate_row": WARNING,  # hostile: the same task twice in a sheet would be raised twice
}


def in_language(params: dict, lang: str) -> dict:
    """The params with those given in both languages (``unit_zh``, ``unit_en``) also under their plain name
    (``unit``) in ``lang``: an issue is stored once and shown later in either language."""
    suffix = "_en" if lang == "en" else "_zh"
    return {**params, **{name[: -len(suffix)]: v for name, v in params.items() if name.endswith(suffix)}}


def both_languages(name: str, key: str, **params) -> dict[str, str]:
    """A catalogue text as a pair of params, ``{name}_zh`` and ``{name}_en`` (see ``in_language``)."""
    return {f"{name}_{lang}": t(key, lang, **params) for lang in LANGS}


@dataclass(frozen=True)
class Issue:
    """One problem found in a workbook, located as a user would find it in Excel."""

    code: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    params: dict = field(default_factory=dict)
    # 0-based sheet column of the problem cell, for marking it (``loaders.annotate``); last, so positional
    # constructions keep working, and left out of ``as_dict``, whose shape the CLI's JSON fixes.
    col: int | None = None

    @property
    def severity(self) -> str:
        """``error`` blocks the upload; ``warning`` is shown but allowed."""
        return SEVERITY[self.code]

    def message(self, lang: str = "zh") -> str:
        """The message in ``zh`` or ``en``."""
        return t(f"issue.{self.code}", lang, **in_language(self.params, lang))

    def as_dict(self, lang: str = "zh") -> dict:
        """The JSON shape used by the CLI and the app."""
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "message": self.message(lang),
        }
