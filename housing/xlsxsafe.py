"""Writing text into the workbooks the product hands out (marked-up uploads, templates, Excel exports), so that
text stays text. Kept in the domain layer so both the loaders and the briefing renderers can use it.

openpyxl stores a string that starts with ``=`` as a formula and one such as ``#N/A`` as an error value, so
a district called ``=HYPERLINK("http://evil","x")`` would become a live link in the template's list sheet.
``write_text`` stores every string as a string, and marks one that Excel (or a spreadsheet it is later
pasted or exported to) would read as a formula — starting with ``=``, ``+``, ``-``, ``@``, a tab or a line
break — with Excel's own quote prefix (the ``'`` typed before such text), so even editing the cell in Excel
keeps it text. A number-like string such as ``-5`` is text as well: it was typed as text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypeAlias

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell; longer text makes Excel "repair" the file

# What a cell can hold as a value: what the readers return and openpyxl writes (``datetime`` is a ``date``).
CellValue: TypeAlias = str | int | float | bool | Decimal | dt.date | dt.time | dt.timedelta | None


def safe_text(value: object) -> str:
    """``value`` as cell text: without the control characters an xlsx cannot hold, cut to Excel's limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_CHARS]


def write_text(cell: Cell | MergedCell, value: object) -> Cell | MergedCell:
    """Store ``value`` in ``cell`` as text (never a formula or an error value); returns the cell.

    ``None`` empties the cell. Text that would read as a formula gets the quote prefix.
    """
    if value is None:
        cell.value = None
        return cell
    text = safe_text(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl made it "f" for "=…" and "e" for "#N/A"
    cell.quotePrefix = text.startswith(FORMULA_STARTS)
    return cell


def write_value(cell: Cell | MergedCell, value: CellValue) -> Cell | MergedCell:
    """Store ``value`` in ``cell``: strings through ``write_text``, numbers, dates and ``None`` as they are."""
    if isinstance(value, str):
        return write_text(cell, value)
    cell.value = value
    return cell
