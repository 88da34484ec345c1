"""Problems found in a workbook, as the loader reports them: the entry and its catalogue (``housing.issues``,
re-exported here) and how a cell's value is shown in one.
"""

from __future__ import annotations

from housing.issues import ERROR, SEVERITY, WARNING, Issue
from loaders.chars import visible

__all__ = ["ERROR", "SEVERITY", "SHOWN_CHARS", "WARNING", "Issue", "display_value"]


# An issue shows at most this much of a value: enough to find the cell, not a whole pasted document.
SHOWN_CHARS = 200


def display_value(value) -> str:
    """A cell value as the user typed it, for an issue entry: control and invisible characters written out
    (``\\x00``, ``U+202E``, see ``loaders.chars``) and a long text cut to ``SHOWN_CHARS`` with an ellipsis."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + "…"
    return visible(text)


class Reported:
    """What a read file reported, sorted by severity; mixed into every result with an ``issues`` list (the
    register's ``LoadResult``, the hotline export's and the task sheet's)."""

    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        """Issues that block publishing or importing."""
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """Issues shown but allowed."""
        return [i for i in self.issues if i.severity == WARNING]
