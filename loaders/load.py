"""The loader's public entry: a workbook file in, the canonical project table and its issues out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders.issues import ERROR, WARNING, Issue
from loaders.reading import ReadError, read_sheets
from loaders.table import project_frame, read_table


@dataclass
class LoadResult:
    """What a workbook yielded: projects (one row each), every issue found, and whether it was readable."""

    filename: str
    projects: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    readable: bool = True

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
    tables = [t for t in (read_table(s) for s in sheets) if t is not None]
    if not tables:
        return LoadResult(filename, empty_projects(), issues + [Issue("no_table")], readable=True)
    frames = [t.frame for t in tables if len(t.frame)]
    projects = pd.concat(frames, ignore_index=True) if frames else empty_projects()
    return LoadResult(filename, projects, issues + [i for t in tables for i in t.issues])


def load_workbook(path: str | Path, overrides: dict | None = None) -> LoadResult:
    """Load a workbook file from disk (see ``load_bytes``)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        issue = Issue("unreadable", params={"detail": f"{exc.strerror or exc}"})
        return LoadResult(path.name, empty_projects(), [issue], readable=False)
    return load_bytes(data, path.name, overrides)
