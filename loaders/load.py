"""The loader's public entry: a workbook file in, the canonical project table, stage dates and issues out."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from housing.register import empty_projects, empty_stage_dates
from housing.settings import get_setting, resolved
from loaders.issues import Issue, Reported
from loaders.reading import ZIP_MAGIC, RawSheet, ReadError, check_size, diagnose, read_path, read_sheets, xlsx_verdict
from loaders.sandbox import ChildError, LimitExceeded, Limits, limit_issue, run_limited, start_limited
from loaders.table import (
    ColumnUse,
    SheetTable,
    clean_sheet_names,
    find_stage_header,
    locate_header,
    read_stage_sheet,
    read_table,
)

log = logging.getLogger(__name__)
# From this size a zipped workbook's guard runs beside its parse (``_load_beside_guard``): measured at 10,000
# projects (700 KB), 0.035 s sooner of 0.85 s; below it, where the guard takes a few milliseconds, one worker
# does both, a second process's start costing about what it would save.
GUARD_BESIDE_FROM = 262_144


__all__ = ["LoadResult", "empty_projects", "empty_stage_dates", "load_bytes", "load_workbook"]


@dataclass
class LoadResult(Reported):
    """What a workbook yielded: projects (one row each), every issue found, and whether it was readable.

    ``stage_dates`` is the long table of per-stage planned and actual dates (one row per project and stage),
    from a stage sheet (项目名称 | 节点 | 计划完成日期 | 实际完成日期) or per-stage columns of the project sheet.
    """

    filename: str
    projects: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    readable: bool = True
    stage_dates: pd.DataFrame = field(default_factory=empty_stage_dates)
    # Every column of the file's project table(s): its header and the field it was read as, or None.
    columns: list[ColumnUse] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Readable and free of errors."""
        return self.readable and not self.errors


def load_bytes(data: bytes, filename: str = "", overrides: dict | None = None) -> LoadResult:
    """Load a workbook from its bytes; never raises for bad input, reports it as issues.

    The file is parsed in a separate process under the memory, CPU and time limits (``loaders.sandbox``):
    whatever a parser does with a hostile file, this process only sees a clear issue.

    ``overrides`` holds settings by key, and optionally ``mapping``: {header text as written -> field key
    (``housing.register.Field.read_as``) or None for "not used"}, consulted before automatic matching.
    """
    settings = resolved(overrides)
    if overrides and overrides.get("mapping"):
        settings["mapping"] = dict(overrides["mapping"])
    try:
        check_size(data, settings)
        limits = Limits.from_settings(settings)
        if data.startswith(ZIP_MAGIC) and len(data) >= GUARD_BESIDE_FROM:
            return _load_beside_guard(data, filename, settings, limits)
        return run_limited(load_unguarded, data, filename, settings, limits=limits)
    except ReadError as exc:
        return unreadable(filename, exc.issue)
    except LimitExceeded as exc:
        return unreadable(filename, _explained(data, filename, settings) or limit_issue(exc))
    except ChildError as exc:  # a bug of ours on odd input: logged in full, told to the user as unreadable
        log.error("loading %r failed in the worker:\n%s", filename, exc)
        return unreadable(filename, Issue("damaged"))


def _load_beside_guard(data: bytes, filename: str, settings: dict, limits: Limits) -> LoadResult:
    """``load_bytes`` of a large zipped workbook with its guard in a second worker, beside the one that parses it
    as it is: the guard's passes over the sheet XML no longer come before calamine's (0.35 s of a 100,000-row
    file). The guard's verdict comes first and decides, so the result is the one-worker result: a file it
    refuses is refused with its message (the parse, whatever it was doing, is stopped); a file it rewrites is
    loaded again the one-worker way; otherwise the parse's result stands, the guard's warnings first. Each
    worker has the limits."""
    parse = start_limited(load_unguarded, data, filename, settings, True, limits=limits, quiet=True)
    try:
        verdict = run_limited(xlsx_verdict, data, filename, settings, limits=limits)
    except BaseException:
        parse.stop()
        raise
    if verdict.refusal or verdict.rewritten:
        parse.stop()
        if verdict.refusal:
            return unreadable(filename, verdict.refusal)
        # guarded again there rather than sent the guard's copy: rewritten stored, not compressed, it can be hundreds
        # of MB, and a rare file (stray cells) pays 0.35 s at 100,000 rows
        return run_limited(load_unguarded, data, filename, settings, limits=limits)
    result = parse.answer()
    if result.readable:
        result.issues[:0] = verdict.warnings
    return result


def _explained(data: bytes, filename: str, settings: dict) -> Issue | None:
    """After a limit was hit: the sheet and the figures that explain it, found in a second limited worker."""
    try:
        return run_limited(diagnose, data, filename, settings, limits=Limits.from_settings(settings))
    except (LimitExceeded, ChildError):
        return None


def unreadable(filename: str, issue: Issue) -> LoadResult:
    """The result for a file that could not be read at all: no projects, the one issue that says why."""
    return LoadResult(filename, empty_projects(), [issue], readable=False)


def load_unguarded(
    data: bytes, filename: str = "", overrides: dict | None = None, guarded_xlsx: bool = False
) -> LoadResult:
    """``load_bytes`` without the worker process: only for code already running under the limits.
    ``guarded_xlsx``: an xlsx's guard runs elsewhere (``read_sheets``)."""
    try:
        sheets, issues = read_sheets(data, filename, overrides, guarded_xlsx)
    except ReadError as exc:
        return unreadable(filename, exc.issue)
    issues += clean_sheet_names(sheets)
    # A stage sheet also names projects, so it is told apart first: read as a project table, its rows would
    # come out as duplicate projects.
    stage_sheets = [find_stage_header(s.rows) is not None for s in sheets]
    too_many = _too_many_projects(sheets, stage_sheets, overrides)
    if too_many is not None:
        return unreadable(filename, too_many)
    tables = [
        t for s, staged in zip(sheets, stage_sheets) if not staged for t in [read_table(s, overrides)] if t is not None
    ]
    if not tables:
        return LoadResult(filename, empty_projects(), issues + [Issue("no_table")], readable=True)
    frames = [t.frame for t in tables if len(t.frame)]
    projects = pd.concat(frames, ignore_index=True) if frames else empty_projects()
    stage_tables = [read_stage_sheet(s, projects, overrides) for s, staged in zip(sheets, stage_sheets) if staged]
    tables += [t for t in stage_tables if t is not None]  # never None: these sheets were found to be stage sheets
    issues += [i for t in tables for i in t.issues]
    columns = [c for t in tables for c in t.columns]
    return LoadResult(filename, projects, issues, stage_dates=_stage_dates(tables), columns=columns)


def _too_many_projects(sheets: list[RawSheet], stage_sheets: list[bool], overrides: dict | None) -> Issue | None:
    """The error for a register whose project tables have more rows below their headers, all sheets together,
    than ``max_rows`` (each sheet alone may be within it); ``None`` when it is within. Counted before any
    value is parsed, from the header's position alone."""
    mapping = (overrides or {}).get("mapping")
    below = 0
    for sheet, staged in zip(sheets, stage_sheets):
        found = None if staged else locate_header(sheet.rows, sheet.merged, mapping)
        below += len(sheet.rows) - found.row - 1 if found else 0
    limit = get_setting("max_rows", overrides)
    return Issue("too_many_projects", params={"count": below, "limit": limit}) if below > limit else None


def _stage_dates(tables: list[SheetTable]) -> pd.DataFrame:
    """Every sheet's stage dates in one table."""
    frames = [t.stage_dates for t in tables if len(t.stage_dates)]
    return pd.concat(frames, ignore_index=True) if frames else empty_stage_dates()


def load_workbook(path: str | Path, overrides: dict | None = None) -> LoadResult:
    """Load a workbook file from disk (see ``load_bytes``)."""
    path = Path(path)
    try:
        data = read_path(path, overrides)
    except ReadError as exc:
        return unreadable(path.name, exc.issue)
    return load_bytes(data, path.name, overrides)
