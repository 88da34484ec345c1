"""The loader's public entry: a workbook file in, the canonical project table, stage dates and issues out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders.issues import ERROR, WARNING, Issue
from loaders.reading import ReadError, read_sheets
from loaders.table import (
    SheetTable,
    clean_sheet_names,
    find_stage_header,
    project_frame,
    read_stage_sheet,
    read_table,
    stage_date_frame,
)


def empty_stage_dates() -> pd.DataFrame:
    """A stage-dates table (name, district, stage_id, planned, actual, sheet, row) with its dtypes and no rows."""
    return stage_date_frame([])


@dataclass
class LoadResult:
    """What a workbook yielded: projects (one row each), every issue found, and whether it was readable.

    ``stage_dates`` is the long table of per-stage planned and actual dates (one row per project and stage),
    from a stage sheet (项目名称 | 节点 | 计划完成日期 | 实际完成日期) or per-stage columns of the project sheet.
    """

    filename: str
    projects: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    readable: bool = True
    stage_dates: pd.DataFrame = field(default_factory=empty_stage_dates)

    @property
    def errors(self) -> list[Issue]:
        """Issues that block publishing."""
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """Issues shown but allowed."""
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        """Readable and free of errors."""
        return self.readable and not self.errors


def empty_projects() -> pd.DataFrame:
    """A project table with the canonical columns and dtypes, and no rows."""
    return project_frame("", [], {})


def load_bytes(data: bytes, filename: str = "", overrides: dict | None = None) -> LoadResult:
    """Load a workbook from its bytes; never raises for bad input, reports it as issues."""
    try:
        sheets, issues = read_sheets(data, filename, overrides)
    except ReadError as exc:
        return LoadResult(filename, empty_projects(), [exc.issue], readable=False)
    issues += clean_sheet_names(sheets)
    # A stage sheet also names projects, so it is told apart first: read as a project table, its rows would
    # come out as duplicate projects.
    stage_sheets = [find_stage_header(s.rows) is not None for s in sheets]
    tables = [
        t for s, staged in zip(sheets, stage_sheets) if not staged for t in [read_table(s, overrides)] if t is not None
    ]
    if not tables:
        return LoadResult(filename, empty_projects(), issues + [Issue("no_table")], readable=True)
    frames = [t.frame for t in tables if len(t.frame)]
    projects = pd.concat(frames, ignore_index=True) if frames else empty_projects()
    tables += [read_stage_sheet(s, projects, overrides) for s, staged in zip(sheets, stage_sheets) if staged]
    issues += [i for t in tables for i in t.issues]
    return LoadResult(filename, projects, issues, stage_dates=_stage_dates(tables))


def _stage_dates(tables: list[SheetTable]) -> pd.DataFrame:
    """Every sheet's stage dates in one table."""
    frames = [t.stage_dates for t in tables if len(t.stage_dates)]
    return pd.concat(frames, ignore_index=True) if frames else empty_stage_dates()


def load_workbook(path: str | Path, overrides: dict | None = None) -> LoadResult:
    """Load a workbook file from disk (see ``load_bytes``)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        issue = Issue("unreadable", params={"detail": f"{exc.strerror or exc}"})
        return LoadResult(path.name, empty_projects(), [issue], readable=False)
    return load_bytes(data, path.name, overrides)
