"""A sheet of supervision tasks (督办事项) read like the register: found by its header words, every problem an
issue located at its cell, parsed in the limited worker process, marked up by ``loaders.annotate``.

Its columns are declared once in ``TASK_FIELDS`` (事项, 项目, 责任单位, 责任人, 交办日期). The loader never looks
in the store: the caller passes the projects (a name as written -> whatever identifies it; ``None`` for a
name shared by two projects) and the account usernames to check against, and gets back the matched values.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from housing.i18n import t
from housing.register import DATE, TEXT
from housing.settings import resolved
from housing.xlsxsafe import write_text
from loaders import values
from loaders.annotate import SUMMARY_HEADERS
from loaders.issues import ERROR, Issue, Reported
from loaders.reading import RawSheet, ReadError, check_size, read_sheets
from loaders.sandbox import ChildError, LimitExceeded, Limits, limit_issue, run_limited
from loaders.schema import Column, split_header
from loaders.table import NOTE_WORDS, ColumnParser, HeaderCell, fill_merged, header_text

log = logging.getLogger(__name__)

__all__ = ["TASK_FIELDS", "TaskField", "TaskRow", "TaskSheetResult", "load_task_sheet", "match_task_header"]

HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class TaskField:
    """One column of the task sheet: its key, kind of value and the headers that name it.

    A header names the field when it is one of ``aliases`` (after normalising case, spaces and width), or when
    it contains one word of each group in ``words`` (Chinese anywhere, English as whole words); the field
    fitting with the longest words wins, two fitting equally name neither. ``required``: a sheet without the
    column cannot be imported, and a row without a value is an error. The display name is the catalogue's
    ``ts.col.<key>``, which is also the header the template writes.
    """

    key: str
    kind: str
    aliases: tuple[str, ...]
    words: tuple[tuple[str, ...], ...] = ()
    required: bool = False


TASK_FIELDS: tuple[TaskField, ...] = (
    TaskField(
        "title",
        TEXT,
        ("事项", "督办事项", "事项内容", "督办内容", "任务", "工作任务", "交办事项", "title", "task", "matter"),
        (("事项", "任务", "督办内容", "title", "task", "matter"),),
        required=True,
    ),
    TaskField(
        "project",
        TEXT,
        ("项目", "项目名称", "所属项目", "涉及项目", "项目编号", "project", "project name", "project code"),
        (("项目", "project"),),
    ),
    TaskField(
        "unit",
        TEXT,
        ("责任单位", "责任部门", "承办单位", "牵头单位", "主责单位", "unit", "responsible unit", "department"),
        (("单位", "部门", "unit", "department", "agency"),),
        required=True,
    ),
    TaskField(
        "assignee",
        TEXT,
        ("责任人", "承办人", "经办人", "负责人", "账号", "用户名", "assignee", "owner", "account", "username"),
        (("责任人", "承办人", "经办人", "负责人", "账号", "用户名", "assignee", "owner", "account", "username"),),
        required=True,
    ),
    TaskField(
        "raised_on",
        DATE,
        ("交办日期", "交办时间", "下达日期", "督办日期", "日期", "raised", "raised on", "date raised", "date"),
        (("交办", "下达", "督办日期", "raised"),),
    ),
)
_BY_KEY = {f.key: f for f in TASK_FIELDS}
_ALIASES = {alias.replace(" ", "").lower(): f for f in TASK_FIELDS for alias in f.aliases}
_ASCII_WORD = re.compile(r"[a-z]")


def _has(word: str, compact: str, spaced: str) -> bool:
    """Whether a header contains ``word``: Chinese anywhere, English as a whole word."""
    if not _ASCII_WORD.search(word):
        return word in compact
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", spaced) is not None


def match_task_header(header) -> TaskField | None:
    """The task-sheet field a header cell names (see ``TaskField``), ``None`` for none or a tie."""
    if not isinstance(header, str) or not header.strip():
        return None
    base, _unit = split_header(header)
    base = base.rstrip(":：*")
    if base in _ALIASES:
        return _ALIASES[base]
    if len(base) > 20:  # a sentence or a title, not a header
        return None
    spaced = " " + re.sub(r"[^a-z0-9\u4e00-\u9fff]+", " ", values.normalize_text(header).lower()) + " "
    scores = {}
    for f in TASK_FIELDS:
        found = [max((len(w) for w in group if _has(w, base, spaced)), default=0) for group in f.words]
        scores[f.key] = sum(found) if found and all(found) else 0
    best = max(scores.values())
    top = [k for k, s in scores.items() if s == best]
    return _BY_KEY[top[0]] if best and len(top) == 1 else None


@dataclass(frozen=True)
class TaskRow:
    """One task read from the sheet: its texts, the matched project (the caller's value) and account, the
    date it was raised, and where it sits (for the report)."""

    title: str
    unit: str
    assignee: str
    raised_on: dt.date
    project: object = None
    project_text: str = ""
    sheet: str = ""
    row: int = 0


@dataclass
class TaskSheetResult(Reported):
    """The tasks a sheet yielded and every problem found; ``ok`` when it can be imported."""

    filename: str
    rows: list[TaskRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    readable: bool = True

    @property
    def ok(self) -> bool:
        """Readable, free of errors and with at least one task."""
        return self.readable and not self.errors and bool(self.rows)


def normalise_name(text: str) -> str:
    """A project name or username as compared: width, case and spaces do not matter."""
    return values.normalize_text(text).replace(" ", "").lower()


def load_task_sheet(
    data: bytes,
    filename: str = "",
    *,
    projects: Mapping[str, object] | None = None,
    accounts: Collection[str] | None = None,
    today: dt.date | None = None,
    overrides: dict | None = None,
) -> TaskSheetResult:
    """Read a task sheet from its bytes in the limited worker process; never raises for bad input.

    ``projects`` maps a project's name (or code) to the value stored with the task, ``None`` marking a name
    that is ambiguous; ``accounts`` are the usernames a task may be given to. Left out, neither is checked.
    ``today`` bounds the raised date (a task cannot be raised in the future) and is its default.
    """
    settings = resolved(overrides)
    known = None if projects is None else {normalise_name(k): v for k, v in projects.items()}
    users = None if accounts is None else {normalise_name(a): a for a in accounts}
    today = today or dt.date.today()
    try:
        check_size(data, settings)
        return run_limited(
            read_task_sheet, data, filename, known, users, today, settings, limits=Limits.from_settings(settings)
        )
    except ReadError as exc:
        return TaskSheetResult(filename, issues=[exc.issue], readable=False)
    except LimitExceeded as exc:
        return TaskSheetResult(filename, issues=[limit_issue(exc)], readable=False)
    except ChildError as exc:  # a bug of ours on odd input: logged in full, told to the user as unreadable
        log.error("reading the task sheet %r failed in the worker:\n%s", filename, exc)
        return TaskSheetResult(filename, issues=[Issue("damaged")], readable=False)


def read_task_sheet(
    data: bytes,
    filename: str,
    projects: dict[str, object] | None,
    accounts: dict[str, str] | None,
    today: dt.date,
    settings: dict | None = None,
) -> TaskSheetResult:
    """``load_task_sheet`` without the worker process (names already normalised): every sheet with a task
    header is read; the list of problems ``loaders.annotate`` adds is skipped."""
    try:
        sheets, issues = read_sheets(data, filename, settings)
    except ReadError as exc:
        return TaskSheetResult(filename, issues=[exc.issue], readable=False)
    rows: list[TaskRow] = []
    found_any = False
    for sheet in sheets:
        if tuple(sheet.rows[0][:6]) in SUMMARY_HEADERS.values() if sheet.rows else False:
            continue
        header = _find_header(sheet.rows)
        if header is None:
            continue
        found_any = True
        sheet_rows, sheet_issues = _read_rows(sheet, *header, projects, accounts, today, settings)
        rows += sheet_rows
        issues += sheet_issues
    if not found_any:
        issues.append(Issue("task_no_table"))
    return TaskSheetResult(filename, rows, issues)


def _find_header(rows: list[list]) -> tuple[int, dict[str, HeaderCell]] | None:
    """The row naming the most task columns, the title among them and one more; ``None`` when none does."""
    best, best_count = None, 1
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells: dict[str, HeaderCell] = {}
        for c, cell in enumerate(row):
            f = match_task_header(cell)
            if f is not None and f.key not in cells:
                cells[f.key] = HeaderCell(Column(f.key, f.kind, f.aliases), c, header_text(cell), "")
        if "title" in cells and len(cells) > best_count:
            best, best_count = (r, cells), len(cells)
    return best


def _is_note(row: list) -> bool:
    """A lone line of text below the table (注：…, 填报人：…)."""
    filled = [v for v in row if not values.is_blank(v)]
    return len(filled) == 1 and isinstance(filled[0], str) and bool(NOTE_WORDS.match(filled[0].strip()))


def _read_rows(
    sheet: RawSheet,
    header_row: int,
    header: dict[str, HeaderCell],
    projects: dict[str, object] | None,
    accounts: dict[str, str] | None,
    today: dt.date,
    settings: dict | None,
) -> tuple[list[TaskRow], list[Issue]]:
    """The tasks below the header and the issues of their cells."""
    issues: list[Issue] = []
    for f in TASK_FIELDS:
        if f.required and f.key not in header:
            issues.append(Issue("task_missing_column", sheet.name, header_row + 1, "", "", {"column": f.aliases[0]}))
    if issues:
        return [], issues
    fill_merged(sheet.rows, sheet.merged, header_row + 1)
    data = [
        r
        for r in range(header_row + 1, len(sheet.rows))
        if any(not values.is_blank(v) for v in sheet.rows[r]) and not _is_note(sheet.rows[r])
    ]
    excel_rows = [r + 1 for r in data]
    max_text = resolved(settings)["max_text_chars"]
    parsers = {k: ColumnParser(sheet.name, cell, excel_rows, issues, max_text) for k, cell in header.items()}

    def cells(key: str) -> list:
        if key not in header:
            return [None] * len(data)
        c = header[key].index
        return [sheet.rows[r][c] if c < len(sheet.rows[r]) else None for r in data]

    parsed = {k: (p.dates if _BY_KEY[k].kind == DATE else p.texts)(cells(k)) for k, p in parsers.items()}
    out = []
    for i, r in enumerate(data):
        value = {k: parsed[k][i] if k in parsed else None for k in _BY_KEY}
        for key in ("title", "unit", "assignee"):
            if value[key] is None:
                parsers[key].report(i, f"task_missing_{key}", "")
        project, assignee = _match(parsers, i, value, projects, accounts)
        raised = value["raised_on"] or today
        if value["raised_on"] is not None and raised > today:
            parsers["raised_on"].report(i, "task_future_date", cells("raised_on")[i], {"date": raised.isoformat()})
        out.append(
            TaskRow(
                value["title"] or "",
                value["unit"] or "",
                assignee or value["assignee"] or "",
                raised,
                project,
                value["project"] or "",
                sheet.name,
                r + 1,
            )
        )
    _repeated(out, parsers["title"])
    failed = {i.row for i in issues if i.severity == ERROR}
    issues.sort(key=lambda x: (x.row or 0, x.col or 0))
    return [task for task in out if task.row not in failed], issues


def _repeated(tasks: list[TaskRow], titles: ColumnParser) -> None:
    """Warn at each row that repeats an earlier one (same task, project, unit, assignee and date; names
    compared as ``normalise_name`` does): imported, it would be a second task for the same thing."""
    first: dict[tuple, int] = {}
    for i, task in enumerate(tasks):
        key = (
            normalise_name(task.title),
            normalise_name(task.project_text),
            normalise_name(task.unit),
            normalise_name(task.assignee),
            task.raised_on,
        )
        if key in first:
            titles.report(i, "task_duplicate_row", task.title, {"first": tasks[first[key]].row})
        else:
            first[key] = i


def _match(
    parsers: dict[str, ColumnParser],
    i: int,
    value: dict,
    projects: dict[str, object] | None,
    accounts: dict[str, str] | None,
) -> tuple[object, str | None]:
    """The row's project (the caller's value) and account username, reporting a name that matches none."""
    project = None
    text = value["project"]
    if text is not None and projects is not None:
        key = normalise_name(text)
        if key not in projects:
            parsers["project"].report(i, "task_unknown_project", text, {"name": text})
        elif projects[key] is None:
            parsers["project"].report(i, "task_ambiguous_project", text, {"name": text})
        else:
            project = projects[key]
    elif text is not None:
        project = text
    assignee = None
    if value["assignee"] is not None and accounts is not None:
        assignee = accounts.get(normalise_name(value["assignee"]))
        if assignee is None:
            parsers["assignee"].report(i, "task_unknown_assignee", value["assignee"], {"name": value["assignee"]})
    return project, assignee


# --- the template staff download, fill in and upload ------------------------------------------------------------

TEMPLATE_WIDTHS = {"title": 48, "project": 26, "unit": 22, "assignee": 18, "raised_on": 16}
TEMPLATE_ROWS = 300
DATE_FORMATS = {"zh": 'yyyy"年"m"月"d"日"', "en": "yyyy-mm-dd"}


def build_task_template(lang: str = "zh") -> bytes:
    """An empty task sheet (.xlsx bytes): the header row the loader reads (the catalogue's ``ts.col.<key>``),
    date-formatted raised-date cells, and a second sheet saying what each column takes. The second sheet has
    no row naming two task columns, so it is never read as tasks."""
    lang = "zh" if lang == "zh" else "en"
    book = Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)  # a new workbook's only sheet
    ws.title = t("ts.sheet", lang)
    for c, f in enumerate(TASK_FIELDS, start=1):
        cell = ws.cell(1, c)
        write_text(cell, t(f"ts.col.{f.key}", lang))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(c)].width = TEMPLATE_WIDTHS[f.key]
        if f.kind == DATE:
            for r in range(2, TEMPLATE_ROWS + 2):
                ws.cell(r, c).number_format = DATE_FORMATS[lang]
    ws.freeze_panes = "A2"
    notes = book.create_sheet(t("ts.notes_sheet", lang))
    notes.column_dimensions["A"].width = 100
    for r, f in enumerate(TASK_FIELDS, start=1):
        cell = notes.cell(r, 1)
        write_text(cell, t(f"ts.help.{f.key}", lang))
        cell.alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
