"""Shared test helpers: the repository on ``sys.path`` and a builder for small test workbooks.

Workbooks are built in code with openpyxl into ``tmp_path``; the committed files under ``tests/fixtures``
and ``data/`` are read as they are.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `loaders` and `housing` import from the repository root


def write_xlsx(
    path: Path,
    rows: Iterable[Sequence] = (),
    sheet: str = "项目",
    merges: Iterable[str] = (),
    cells: dict[str, object] | None = None,
    sheets: Sequence[tuple[str, Iterable[Sequence], Iterable[str]]] | None = None,
    hidden: Iterable[str] = (),
) -> Path:
    """Write an xlsx: ``rows`` appended from A1 (``None`` is an empty cell), then ``merges`` ("C3:C5") and
    single ``cells`` ({"XFD1048576": "x"}). ``sheets`` gives several (title, rows, merges) instead; titles
    in ``hidden`` become hidden sheets."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, sheet_rows, sheet_merges in sheets or [(sheet, rows, merges)]:
        ws = book.create_sheet(title)
        for row in sheet_rows:
            ws.append(list(row))
        for rng in sheet_merges:
            ws.merge_cells(rng)
        if title in hidden:
            ws.sheet_state = "hidden"
    for ref, value in (cells or {}).items():
        book.worksheets[0][ref] = value
    book.save(path)
    return path


@pytest.fixture
def make_xlsx(tmp_path):
    """``make_xlsx(rows, sheet="项目", merges=(), name="book.xlsx", **kw)`` -> the path of a new xlsx."""

    def build(rows: Iterable[Sequence] = (), sheet: str = "项目", merges: Iterable[str] = (), name="book.xlsx", **kw):
        return write_xlsx(tmp_path / name, rows, sheet, merges, **kw)

    return build


@pytest.fixture
def load_rows(make_xlsx):
    """Build an xlsx from rows (same arguments as ``make_xlsx``) and load it: -> ``LoadResult``."""
    from loaders import load_workbook

    def load(rows: Iterable[Sequence] = (), sheet: str = "项目", merges: Iterable[str] = (), overrides=None, **kw):
        return load_workbook(make_xlsx(rows, sheet, merges, **kw), overrides)

    return load
