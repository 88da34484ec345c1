"""From raw sheet rows to the canonical project table, collecting every problem on the way.

The header row is found by its names (title rows above it are skipped); merged cells are filled; blank
rows, footnotes and totals rows (合计/小计/总计/Total) are set aside, and totals are used as a
cross-check. Values are parsed column by column, with a fast path for cells that are already typed.

The 形象进度 text is mapped to a stage id (``housing.stages.match_stage``). Per-stage planned and actual
dates come either from columns of the project sheet (主体封顶计划, 主体封顶实际) or from a stage sheet, one
row per project and stage, recognised by its header (project, stage, planned/actual, no project figures).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from functools import partial

import pandas as pd
import pyarrow as pa

from housing.issues import both_languages
from housing.register import (
    ACTUAL_WORDS,
    GAP_WORDS,
    LOCATION,
    MONEY,
    PLANNED_WORDS,
    STAGE_DATE_DTYPES,
    STORED,
    UNIT_WORDS,
)
from housing.register import PROJECT_COLUMNS as OUTPUT_COLUMNS
from housing.settings import get_setting
from housing.stages import STAGE_IDS, STAGES, is_progress_figure, match_stage
from loaders import chars, values
from loaders.guard import col_letters
from loaders.issues import Issue, display_value
from loaders.parallel import in_parallel
from loaders.reading import RawSheet
from loaders.schema import (
    ACTUAL,
    AREA,
    COLUMNS,
    COUNT,
    DATE,
    IGNORE,
    PERCENT,
    PLANNED,
    TEXT,
    Column,
    area_factor,
    match_header,
    match_stage_date_header,
    match_stage_sheet_header,
    match_words,
    to_simplified,
    unit_factor,
)

HEADER_SCAN_ROWS = 30
# A totals label, with an optional place or scope before it (全区合计, 历城区小计) and a note after it (合计(户)).
TOTAL_WORDS = re.compile(
    r"^([\u4e00-\u9fff]{0,8}?)(合计|总计|小计|total|grandtotal|subtotal|sum)(?:\(.*\))?[:：]?$", re.I
)
GRAND_SCOPES = ("全", "总", "以上", "本表")  # prefixes that still mean the whole table (全区合计, 总计)
# A footnote typed in the name column: 注：…, 说明：…, 填报人：…, 制表日期：…
NOTE_WORDS = re.compile(r"^(注|说明|备注|填报|制表|审核|联系人|数据来源)[^:：]{0,6}[:：]")
# The long table of per-stage dates: one row per project and stage (from a stage sheet or stage columns).
STAGE_DATE_COLUMNS = list(STAGE_DATE_DTYPES)
# Project figures a stage-dates sheet does not have: a header naming one of them is a project table.
PROJECT_FIGURES = {"households", "floor_area", "start", "deadline", "handed_over", "progress"}


@dataclass(frozen=True)
class HeaderCell:
    """Where a canonical column sits in the sheet and how the file wrote its header."""

    column: Column
    index: int
    text: str
    unit: str


def header_text(cell) -> str:
    """A header cell's text as shown in issues: as written, trimmed, without control or invisible characters."""
    return chars.clean(str(cell)).strip()


Mapping = dict[str, str | None]  # header text as written -> field key, or None for "not used"


def _mapped(cell, mapping: Mapping | None) -> tuple[Column | None, str] | None:
    """The column an explicit mapping gives a header cell (``(None, "")`` for "not used"); ``None`` when the
    mapping does not name the header, so it is matched automatically."""
    if not mapping or not isinstance(cell, str):
        return None
    text = header_text(cell)
    if text not in mapping:
        return None
    field = mapping[text]
    column = next((c for c in COLUMNS if c.field == field), None) if field else None
    return column, match_header(cell)[1] if column else ""


def _match(cell, mapping: Mapping | None) -> tuple[Column | None, str]:
    return _mapped(cell, mapping) or match_header(cell)


def _is_sub_header(cell) -> bool:
    """A second header row's cell: a planned/actual/gap word (计划 / 完成 / 差额) or a unit (万平方米, 万元)."""
    if not isinstance(cell, str):
        return False
    text = to_simplified(values.normalize_text(cell)).lower().strip("()（） ")
    return bool(text) and (text in PLANNED_WORDS + ACTUAL_WORDS + GAP_WORDS or text in UNIT_WORDS)


def _group_value(rows: list[list], r: int, c: int, merged) -> object:
    """The cell at (r, c), or the value of a merged range spanning it across (a group header over columns)."""
    value = rows[r][c] if c < len(rows[r]) else ""
    if not values.is_blank(value):
        return value
    for (r0, c0), (r1, c1) in merged:
        if r0 <= r <= r1 and c0 <= c <= c1 and r0 < len(rows) and c0 < len(rows[r0]):
            return rows[r0][c0]
    return value


def combined_header(rows: list[list], r: int, merged=()) -> list | None:
    """Row ``r`` and a second header row below it read as one header per column, or ``None`` when row
    ``r + 1`` is not a second header row.

    Government forms write a group header merged over 计划 / 完成 / 差额 sub-columns, or units on a row of
    their own: 交付时间 over 计划 reads 交付时间计划 (the deadline), 投资 over 万元 reads 投资（万元）.
    """
    if r + 1 >= len(rows):
        return None
    sub = rows[r + 1]
    filled = [v for v in sub if not values.is_blank(v)]
    if not filled or not all(isinstance(v, str) for v in filled) or not any(map(_is_sub_header, filled)):
        return None
    width = max(len(rows[r]), len(sub))
    out: list = []
    for c in range(width):
        top, below = _group_value(rows, r, c, merged), sub[c] if c < len(sub) else ""
        top_text = header_text(top) if not values.is_blank(top) else ""
        below_text = header_text(below) if not values.is_blank(below) else ""
        if not below_text or not top_text:
            out.append(top_text or below_text)
        elif below_text.strip("()（） ") in UNIT_WORDS:
            out.append(f"{top_text}（{below_text.strip('()（） ')}）")
        else:
            out.append(f"{top_text} {below_text}")
    return out


@dataclass(frozen=True)
class FoundHeader:
    """The header: the last header row (0-based; data start below it), its cells (two header rows already
    read as one) and the recognised columns."""

    row: int
    cells: list
    fields: dict[str, HeaderCell]


def _recognised(cells: list, mapping: Mapping | None) -> dict[str, HeaderCell]:
    found: dict[str, HeaderCell] = {}
    for c, cell in enumerate(cells):
        col, unit = _match(cell, mapping)
        if col and col.field not in found:
            found[col.field] = HeaderCell(col, c, header_text(cell), unit)
    return found


def locate_header(rows: list[list], merged=(), mapping: Mapping | None = None) -> FoundHeader | None:
    """The header naming the most known columns (one row, or two read as one); ``None`` when there is none.

    ``mapping`` (header text -> field key or None) decides the headers it names before automatic matching.
    """
    merged = [m for m in merged if m[0][0] <= HEADER_SCAN_ROWS]  # only the header's: not a district merged down
    best: FoundHeader | None = None
    best_score: float = 1  # a header names the project column and at least one more
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        candidates = [(r, row)]
        two = combined_header(rows, r, merged)
        if two is not None:
            candidates.append((r + 1, two))
        for last, cells in candidates:
            found = _recognised(cells, mapping)
            # a second header row of units or 计划/完成 is the header's, never a data row: it wins a tie
            score = len(found) - ("seq" in found) + (0.5 if last != r else 0)
            if "name" in found and score > best_score:
                best, best_score = FoundHeader(last, list(cells), found), score
    return best


def find_header(
    rows: list[list], merged=(), mapping: Mapping | None = None
) -> tuple[int, dict[str, HeaderCell]] | None:
    """The header row (0-based, the last one of a two-row header) and its recognised columns."""
    found = locate_header(rows, merged, mapping)
    return (found.row, found.fields) if found else None


# --- two columns read as the same field ---------------------------------------------------------------------

# (key, Chinese label, English label) of the field a header cell names, or None.
ColumnKey = tuple[object, str, str] | None
_STAGE_NAMES = {stage.id: (stage.zh, stage.en) for stage in STAGES}


def _labels(column: Column) -> tuple[str, str]:
    """A column's names as the messages give them: its first Chinese and its first English header word."""
    zh = next(a for a in column.aliases if not a.isascii())
    return zh, next((a for a in column.aliases if a.isascii()), zh)


def _project_column_key(cell, mapping: Mapping | None = None) -> ColumnKey:
    column = _match(cell, mapping)[0]
    return None if column is None or column.kind == IGNORE else (column.field, *_labels(column))


def _stage_sheet_column_key(cell) -> ColumnKey:
    column = match_stage_sheet_header(cell)
    return None if column is None or column.kind == IGNORE else (column.field, *_labels(column))


def _stage_date_key(cell) -> ColumnKey:
    key = match_stage_date_header(cell)
    if key is None:
        return None
    zh, en = _STAGE_NAMES[key[0]]
    return key, zh + ("计划" if key[1] == PLANNED else "实际"), f"{en} ({key[1]})"


def duplicate_columns(sheet: str, header_row: int, cells: list, key_of) -> list[Issue]:
    """An error for each header cell that names a field an earlier cell of the row already names.

    Only the first such column is read, so the other's values would be dropped without a word; which one
    staff meant is theirs to say. ``key_of(cell)`` gives (field key, Chinese label, English label) or None.
    """
    first: dict[object, tuple[int, str]] = {}
    issues = []
    for c, cell in enumerate(cells):
        key = key_of(cell)
        if key is None:
            continue
        if key[0] not in first:
            first[key[0]] = (c, header_text(cell))
            continue
        first_col, first_text = first[key[0]]
        text = header_text(cell)
        params = {
            "first_col": col_letters(first_col + 1),
            "first": first_text,
            "col": col_letters(c + 1),
            "header": text,
            "field_zh": key[1],
            "field_en": key[2],
        }
        issues.append(Issue("duplicate_column", sheet, header_row + 1, text, text, params, col=c))
    return issues


def fill_merged(rows: list[list], merged, first_row: int) -> None:
    """Copy each merged range's value down its first column below the header (district merged down rows).

    Only down, never across: a footnote merged across the row must stay one cell, or it would land in every
    column and read as a project with a number error in each numeric column.
    """
    for (r0, c0), (r1, _c1) in merged:
        if r1 < first_row or r0 >= len(rows):
            continue
        value = rows[r0][c0]
        for r in range(max(r0, first_row), min(r1 + 1, len(rows))):
            row = rows[r]
            if c0 < len(row) and row[c0] in ("", None):
                row[c0] = value


def _text(value) -> str:
    return values.normalize_text(value).replace(" ", "") if isinstance(value, str) else ""


def row_kind(row: list, name_idx: int, seq_idx: int | None) -> str:
    """``data``, ``total``, ``subtotal``, ``blank`` or ``note`` (a lone line of text such as 填报人：)."""
    name = row[name_idx] if name_idx < len(row) else ""
    text = _text(name)  # one normalisation per row: this runs for every row of a 100,000-row sheet
    if text and text.lower() not in values.BLANKS and (len(name) > 16 or not TOTAL_WORDS.match(text)):
        if NOTE_WORDS.match(text) and sum(not values.is_blank(v) for v in row) == 1:
            return "note"
        return "data"
    filled = [v for v in row if not values.is_blank(v)]
    if not filled:
        return "blank"
    for cell in ([row[seq_idx]] if seq_idx is not None and seq_idx < len(row) else []) + [name] + filled[:2]:
        match = TOTAL_WORDS.match(_text(cell))
        if match:
            scope, word = match.group(1), match.group(2).lower()
            partial = word in ("小计", "subtotal") or (scope and not scope.startswith(GRAND_SCOPES))
            return "subtotal" if partial else "total"
    if len(filled) == 1 and isinstance(filled[0], str) and not name:
        return "note"
    return "data"


_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")  # collapsed with the other whitespace (not so a lone U+3000)


def _collapsed(text: str) -> str:
    """Text with runs of spaces and line breaks read as one space (a name typed over two lines in a cell)."""
    if "  " in text or (not text.isprintable() and _LINE_BREAKS.search(text)):
        return " ".join(text.split())
    return text


def _untyped_numbers(cells: list) -> list[int]:
    """Positions of the cells that are not already a non-negative number (one comprehension, no call per cell:
    it runs over every cell of a 100,000-row column)."""
    return [i for i, raw in enumerate(cells) if not (type(raw) in (int, float) and raw >= 0)]


def _untyped_dates(cells: list) -> list[int]:
    """Positions of the cells that are not already a date within the accepted years."""
    low, high = values.YEAR_LOW, values.YEAR_HIGH
    return [i for i, raw in enumerate(cells) if not (type(raw) is dt.date and low <= raw.year <= high)]


class ColumnParser:
    """Parses one column's cells, recording issues located at their Excel rows."""

    def __init__(
        self, sheet: str, header: HeaderCell, excel_rows: list[int], issues: list[Issue], max_text: int | None = None
    ):
        self.sheet, self.header, self.excel_rows, self.issues = sheet, header, excel_rows, issues
        self.factor = 1.0
        self.max_text = max_text or get_setting("max_text_chars")

    def report(self, i: int, code: str, raw, params: dict | None = None) -> None:
        """Record an issue for the i-th data row of this column."""
        self.issues.append(
            Issue(
                code,
                self.sheet,
                self.excel_rows[i],
                self.header.text,
                display_value(raw),
                params or {},
                col=self.header.index,
            )
        )

    def scrub(self, cells: list) -> list:
        """The cells with control and invisible characters removed from their text (``loaders.chars``), and
        one warning per cell that had any, showing what was there."""
        try:
            joined = "".join(cells)  # a column of text: joined in C
        except TypeError:
            joined = "".join([v for v in cells if type(v) is str])
        if not chars.UNSAFE.search(joined):  # one C-level scan of the whole column: the usual clean column
            return cells
        out = list(cells)
        for i, raw in enumerate(cells):
            if type(raw) is str and chars.has_unsafe(raw):
                out[i] = chars.clean(raw)
                self.report(i, "control_chars", raw, {"chars": chars.listed(raw)})
        return out

    def parse(self, cells: list, parser, untyped) -> list:
        """Cells already typed pass through; those at the positions ``untyped(cells)`` gives go through ``parser``
        (each distinct value once)."""
        cells = self.scrub(cells)
        out = list(cells)
        memo: dict = {}
        for i in untyped(cells):
            raw = cells[i]
            if raw is None or raw == "" or values.is_blank(raw):
                out[i] = None
                continue
            key = (type(raw), raw)
            if key not in memo:
                memo[key] = parser(raw)
            value, code, params = memo[key]
            if code:
                self.report(i, code, raw, params)
            out[i] = value
        return out

    def numbers(self, cells: list) -> list:
        """Non-negative numbers; text such as ``1,623`` or ``1623户`` is parsed."""
        return self.parse(cells, values.parse_number, _untyped_numbers)

    def dates(self, cells: list) -> list:
        """Dates from date cells, Excel serials and text; month-only text is its last day."""
        return self.parse(cells, values.parse_date, _untyped_dates)

    def texts(self, cells: list) -> list:
        """Trimmed text with inner whitespace collapsed, ``None`` for blanks; numbers become their text.

        Control and invisible characters are removed (a warning each, ``scrub``); text longer than the
        ``max_text_chars`` setting is cut to it, with a warning for a note and an error for anything else
        (a name or a district cut short would be published as a different one).
        """
        texts = [raw.strip() if type(raw) is str else display_value(raw) for raw in self.scrub(cells)]
        blanks = {text for text in set(texts) if len(text) <= 4 and text.lower() in values.BLANKS}
        # Whitespace to collapse is looked for in the whole column at once (NUL, gone after ``scrub``, neither
        # is whitespace nor a line break): most columns have none, and then no cell is looked at again.
        joined = "\x00".join(texts)
        out: list
        if "  " in joined or _LINE_BREAKS.search(joined):
            out = [None if text in blanks else _collapsed(text) for text in texts]
        elif blanks:
            out = [None if text in blanks else text for text in texts]
        else:
            out = texts
        if max(map(len, filter(None, out)), default=0) > self.max_text:
            self._cut_long(out)
        return out

    def _cut_long(self, texts: list) -> None:
        """Cut each text over ``max_text`` in place, reporting it (see ``texts``)."""
        limit, note = self.max_text, self.header.column.field == "notes"
        for i, text in enumerate(texts):
            if text is not None and len(text) > limit:
                self.report(i, "text_cut" if note else "text_too_long", text, {"length": len(text), "limit": limit})
                texts[i] = text[:limit]

    def stage_ids(self, texts: list, figures_ok: bool = True) -> list:
        """The stage id each text names; text naming none is reported (a bare 65% only if not ``figures_ok``)."""
        known: dict = {}  # text -> (stage id, unknown?): a register writes a handful of stage texts many times
        out: list = []
        for i, text in enumerate(texts):
            if text not in known:
                stage = match_stage(to_simplified(text)) if text else None
                known[text] = (stage, bool(text) and stage is None and not (figures_ok and is_progress_figure(text)))
            stage, unknown = known[text]
            if unknown:
                self.report(i, "unknown_stage", text, {"text": text})
            out.append(stage)
        return out

    def counts(self, cells: list) -> list:
        """Whole, non-negative numbers (households)."""
        out = self.numbers(cells)
        for i, value in enumerate(out):
            if value is not None and not float(value).is_integer():
                self.report(i, "not_integer", cells[i])
                out[i] = None
        return out

    def percents(self, cells: list) -> list:
        """Progress in percent; a column of fractions (0.65 from a % cell) is scaled to 0–100."""
        out = self.numbers(cells)
        typed_fractions = [v for v, raw in zip(out, cells) if v is not None and not isinstance(raw, str)]
        if typed_fractions and max(typed_fractions) <= 1:
            out = [v * 100 if v is not None and not isinstance(raw, str) else v for v, raw in zip(out, cells)]
        for i, value in enumerate(out):
            if value is not None and value > 100:
                self.report(i, "percent_range", cells[i])
                out[i] = None
        return out

    def areas(self, cells: list) -> list:
        """Floor area in m², converted from the unit written in the header (or guessed, with a warning)."""
        out = self.numbers(cells)
        factor = area_factor(self.header.unit)
        if factor is None:
            known = sorted(v for v in out if v)
            factor = 10_000.0 if known and known[len(known) // 2] < 1000 else 1.0
            unit = both_languages("unit", "issue.word.wan_m2" if factor > 1 else "issue.word.m2")
            self.issues.append(
                Issue(
                    "area_unit_guessed",
                    self.sheet,
                    None,
                    self.header.text,
                    "",
                    unit,
                    col=self.header.index,
                )
            )
        self.factor = factor
        return [round(v * factor, 2) if v is not None else None for v in out]

    def money(self, cells: list) -> list:
        """Amounts in yuan, converted from the unit in the header (万元, 亿元); without one, 万元 is assumed
        (what investment columns of government forms use) and said in a warning."""
        out = self.numbers(cells)
        factor = unit_factor(MONEY, self.header.unit)
        if factor is None:
            factor = 10_000.0
            self.issues.append(Issue("money_unit_guessed", self.sheet, None, self.header.text, col=self.header.index))
        self.factor = factor
        return [round(v * factor, 2) if v is not None else None for v in out]


@dataclass
class SheetTable:
    """The projects found on one sheet, the issues, and the per-stage dates the sheet gives."""

    frame: pd.DataFrame
    issues: list[Issue]
    stage_dates: pd.DataFrame = dataclasses.field(default_factory=lambda: stage_date_frame([]))
    columns: list[ColumnUse] = dataclasses.field(default_factory=list)


def _classify_rows(rows: list[list], start: int, header: dict[str, HeaderCell]):
    """Indices of data rows, and totals rows as (index, kind, data rows since the last subtotal)."""
    name_idx = header["name"].index
    seq_idx = header["seq"].index if "seq" in header else None
    data: list[int] = []
    totals: list[tuple[int, str, list[int]]] = []
    group_start = 0
    for r in range(start, len(rows)):
        kind = row_kind(rows[r], name_idx, seq_idx)
        if kind == "data":
            data.append(r)
        elif kind in ("total", "subtotal"):
            totals.append((r, kind, data[group_start:] if kind == "subtotal" else list(data)))
            group_start = len(data) if kind == "subtotal" else group_start
    return data, totals


def _columns(rows: list[list], data: list[int]) -> list[tuple]:
    """The data rows transposed into columns (one C-level pass; rows are padded to equal width)."""
    return list(zip(*[rows[r] for r in data])) if data else []


def _cells(columns: list[tuple], index: int, n: int) -> list:
    return list(columns[index]) if index < len(columns) else [""] * n


def _parse_columns(sheet: str, columns, data, header, issues, max_text: int) -> tuple[dict[str, list], float]:
    """Each recognised column parsed by its kind; also the m² per unit the area column used."""
    excel_rows = [r + 1 for r in data]
    parsed: dict[str, list] = {}
    area_unit = 1.0
    for field, cell in header.items():
        if cell.column.kind == IGNORE:
            continue
        parser = ColumnParser(sheet, cell, excel_rows, issues, max_text)
        method = {
            TEXT: parser.texts,
            COUNT: parser.counts,
            AREA: parser.areas,
            DATE: parser.dates,
            PERCENT: parser.percents,
            MONEY: parser.money,
        }[cell.column.kind]
        parsed[field] = method(_cells(columns, cell.index, len(data)))
        if field == "stage":
            parsed["stage_id"] = parser.stage_ids(parsed["stage"])
        area_unit = parser.factor if cell.column.kind == AREA else area_unit
    return parsed, area_unit


# From this many data rows a sheet's columns are parsed by two processes at once (``loaders.parallel``): about
# a second of work at 100,000 rows, against a few hundredths for the fork.
SPLIT_ROWS = 20_000
# Microseconds a filled cell of each kind takes to parse and type, measured at 100,000 rows (text: trimming,
# blanks, the Arrow array; a stage's text is also matched to its stage id; dates are mostly typed cells already).
_CELL_US = {TEXT: 0.6, COUNT: 0.3, AREA: 0.6, PERCENT: 0.4, MONEY: 0.4, DATE: 0.25}
_STAGE_US = 0.5
_HELPER_ROW_US = 0.3  # the helper's own cost a row: the fork, its copied pages, its answer pickled and read


def parse_fields(
    sheet: str, columns, data: list[int], header: dict[str, HeaderCell], max_text: int
) -> tuple[dict[str, object], list[Issue], float]:
    """Every recognised column parsed by its kind into the register's typed arrays (``typed_columns``), the
    issues found and the m² per unit the area column used; from ``SPLIT_ROWS`` data rows the columns are shared
    out between this process and a forked one, with the same result."""
    fields = {f: c for f, c in header.items() if c.column.kind != IGNORE}
    work = partial(_typed_fields, sheet, columns, data, max_text=max_text)
    if len(data) < SPLIT_ROWS or len(fields) < 2:
        return work(fields)
    one, other = _halves(fields, columns, len(data))
    (arrays, issues, unit), (more, found, other_unit) = in_parallel(partial(work, one), partial(work, other))
    area_here = any(c.column.kind == AREA for c in one.values())
    return arrays | more, issues + found, unit if area_here else other_unit


def _typed_fields(
    sheet: str, columns, data: list[int], fields: dict[str, HeaderCell], max_text: int
) -> tuple[dict[str, object], list[Issue], float]:
    issues: list[Issue] = []
    parsed, area_unit = _parse_columns(sheet, columns, data, fields, issues, max_text)
    return typed_columns(parsed), issues, area_unit


def _halves(fields: dict[str, HeaderCell], columns, rows: int) -> tuple[dict[str, HeaderCell], dict[str, HeaderCell]]:
    """The fields in two groups of about equal work, this process's first (the costliest column first, each to
    the group with less so far; the helper starts with its own cost), each group in the header's order."""
    cost = {f: _column_cost(c, columns, rows) for f, c in fields.items()}
    loads, groups = [0.0, rows * _HELPER_ROW_US], [set[str](), set[str]()]
    for field in sorted(fields, key=lambda f: -cost[f]):
        lighter = loads.index(min(loads))
        groups[lighter].add(field)
        loads[lighter] += cost[field]
    return tuple({f: c for f, c in fields.items() if f in group} for group in groups)  # type: ignore[return-value]


_SAMPLE_EVERY = 100  # cells looked at to guess a column's filled share: a count of every cell took 80 ms


def _column_cost(cell: HeaderCell, columns, rows: int) -> float:
    """The microseconds parsing one column should take: its filled cells (from a sample) by its kind's cost
    (a notes column is mostly empty)."""
    sample = columns[cell.index][::_SAMPLE_EVERY] if cell.index < len(columns) else ()
    filled = sum(1 for value in sample if value is not None and value != "") / max(len(sample), 1)
    per_cell = _CELL_US.get(cell.column.kind, 0.6) + (_STAGE_US if cell.column.field == "stage" else 0)
    return rows * filled * per_cell


def _dates(cells: list) -> pd.Series:
    return pd.to_datetime(pd.Series(cells, dtype=object)).astype("datetime64[ns]")


def project_frame(sheet: str, data: list[int], parsed: dict[str, list]) -> pd.DataFrame:
    """The canonical project table from parsed columns (by the key each field is read as), its columns and
    dtypes those of ``housing.register``."""
    return typed_frame(sheet, data, typed_columns(parsed))


def typed_frame(sheet: str, data: list[int], arrays: dict[str, object]) -> pd.DataFrame:
    """The canonical project table from the typed columns ``typed_columns`` made (by stored field name; a field
    no column gave is empty)."""
    n = len(data)
    none = [None] * n
    columns = {f.name: arrays[f.name] if f.name in arrays else typed_column(none, f) for f in STORED}
    columns["sheet"] = column_array([sheet] * n, dict(LOCATION)["sheet"])
    columns["row"] = pd.Series([r + 1 for r in data], dtype=dict(LOCATION)["row"]).array
    return pd.DataFrame(columns)[OUTPUT_COLUMNS]


def typed_columns(parsed: dict[str, list]) -> dict[str, object]:
    """The register's typed column (``typed_column``) of every stored field the parsed cells give."""
    return {f.name: typed_column(parsed[f.read_as], f) for f in STORED if f.read_as in parsed}


def typed_column(cells: list, field) -> object:
    """One stored field's cells as its pandas array (``housing.register`` declares the dtype)."""
    if field.kind == DATE:
        return _dates(cells)
    if field.kind == COUNT:  # through floats: a count parsed as 656.0 is still a whole number
        return pd.Series(cells, dtype="Float64").astype("Int64").array
    return column_array(cells, field.dtype)


# pandas keeps text in Arrow when pyarrow is installed (it is a requirement); checked, not assumed
_ARROW_TEXT = pd.StringDtype().storage == "pyarrow"


def column_array(cells: list, dtype: str):
    """``pd.Series(cells, dtype=dtype).array``; text (``str`` or ``None`` cells) is handed to Arrow directly,
    skipping pandas' own pass over every value: half the time, about 0.1 s for a 100,000-row register."""
    if dtype == "string" and _ARROW_TEXT:
        try:
            return pd.arrays.ArrowStringArray(pa.array(cells, type=pa.large_string()))
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # a cell that is not text: pandas converts it
            pass
    return pd.Series(cells, dtype=dtype).array


def stage_date_frame(records: list[tuple]) -> pd.DataFrame:
    """The long stage-dates table (the one place its dtypes are declared) from (name, district, stage_id,
    planned, actual, sheet, row) tuples."""
    columns = dict(zip(STAGE_DATE_COLUMNS, map(list, zip(*records)))) if records else {}
    none: list = [None] * len(records)
    return pd.DataFrame(
        {
            "name": column_array(columns.get("name", none), "string"),
            "district": column_array(columns.get("district", none), "string"),
            "stage_id": column_array(columns.get("stage_id", none), "string"),
            "planned": _dates(columns.get("planned", none)),
            "actual": _dates(columns.get("actual", none)),
            "sheet": column_array(columns.get("sheet", none), "string"),
            "row": pd.array(columns.get("row", []), dtype="int64"),
        }
    )[STAGE_DATE_COLUMNS]


def _row_checks(sheet: str, frame: pd.DataFrame, columns, header, issues: list[Issue]) -> None:
    """Checks that need the whole row: a missing name, duplicates, a missing deadline, odd dates."""
    name_header, name_col = header["name"].text, header["name"].index
    for row in frame.loc[frame["name"].isna(), "row"]:
        issues.append(Issue("missing_name", sheet, int(row), name_header, "", col=name_col))
    named = frame[frame["name"].notna()]
    # Same name in the same district (or both without one) is one project listed twice, which every total
    # would count twice: an error naming both rows. The same name in two districts is two projects.
    twins = named[named.duplicated(["district", "name"], keep=False)]
    first = twins.groupby(["district", "name"], dropna=False)["row"].transform("first")
    for row, name, first_row in zip(twins["row"], twins["name"], first):
        if row != first_row:
            params = {"first_row": int(first_row), "row": int(row)}
            issues.append(Issue("duplicate_project", sheet, int(row), name_header, name, params, name_col))
    if "deadline" in header:
        deadline = header["deadline"]
        raw = columns[deadline.index] if columns else ()
        open_rows = frame.index[frame["name"].notna() & frame["deadline"].isna() & frame["handed_over"].isna()]
        for i, row in zip(open_rows, frame.loc[open_rows, "row"].tolist()):
            if values.is_blank(raw[i]):
                issues.append(Issue("missing_deadline", sheet, int(row), deadline.text, "", col=deadline.index))
    early = frame["handed_over"] < frame["start"]
    handed = header.get("handed_over")  # present whenever a row has a handover date
    for row, value in zip(frame.loc[early, "row"], frame.loc[early, "handed_over"]):
        issues.append(
            Issue("handover_before_start", sheet, int(row), handed.text, value.date().isoformat(), col=handed.index)
        )


def _fmt_figure(value: float, field: str) -> str:
    return f"{value:,.0f}" if field == "households" else f"{value:,.2f}".rstrip("0").rstrip(".")


def _check_totals(sheet: str, frame, rows, totals, header, area_unit: float, issues: list[Issue]) -> None:
    """Compare each 合计/小计 row with the sum of the rows it covers; a difference is a warning."""
    position = {excel_row - 1: i for i, excel_row in enumerate(frame["row"])}
    for field, column in (("households", "households"), ("floor_area", "floor_area_m2")):
        if field not in header:
            continue
        cell = header[field]
        factor = area_unit if field == "floor_area" else 1.0
        for r, kind, group in totals:
            raw = rows[r][cell.index] if cell.index < len(rows[r]) else ""
            file_value, code, _ = values.parse_number(raw) if not values.is_blank(raw) else (None, "blank", {})
            if code:
                continue
            picked = frame[column].iloc[[position[g] for g in group]].dropna()
            row_sum = float(picked.sum()) / factor
            tolerance = 0.5 if field == "households" else 0.01 + 0.005 * len(picked)
            if abs(row_sum - file_value) > tolerance:
                label = both_languages("label", f"issue.word.{kind}_row", text=cell.text)
                issues.append(
                    Issue(
                        "total_mismatch",
                        sheet,
                        r + 1,
                        cell.text,
                        display_value(raw),
                        {
                            **label,
                            "file_value": _fmt_figure(file_value, field),
                            "sum_value": _fmt_figure(row_sum, field),
                        },
                        col=cell.index,
                    )
                )


def read_table(sheet: RawSheet, overrides: dict | None = None) -> SheetTable | None:
    """The project table on one sheet, or ``None`` when the sheet has no recognisable header.

    ``overrides`` are settings (``max_text_chars``) given by the caller rather than the environment.
    """
    mapping = (overrides or {}).get("mapping")
    found = locate_header(sheet.rows, sheet.merged, mapping)
    if found is None:
        return None
    header_row, header, cells = found.row, found.fields, found.cells
    fill_merged(sheet.rows, sheet.merged, header_row + 1)
    data, totals = _classify_rows(sheet.rows, header_row + 1, header)
    columns = _columns(sheet.rows, data)
    issues: list[Issue] = []
    issues += duplicate_columns(sheet.name, header_row, cells, lambda cell: _project_column_key(cell, mapping))
    issues += duplicate_columns(sheet.name, header_row, cells, _stage_date_key)
    max_text = get_setting("max_text_chars", overrides)
    arrays, parse_issues, area_unit = parse_fields(sheet.name, columns, data, header, max_text)
    issues += parse_issues
    frame = typed_frame(sheet.name, data, arrays)
    stage_dates = _stage_columns(sheet.name, cells, columns, data, frame, issues, header)
    _row_checks(sheet.name, frame, columns, header, issues)
    _check_totals(sheet.name, frame, sheet.rows, totals, header, area_unit, issues)
    used = column_uses(sheet.name, cells, header, columns, mapping, issues)
    issues.sort(key=lambda i: (i.row or 0, i.column))
    return SheetTable(frame[frame["name"].notna()].reset_index(drop=True), issues, stage_dates, used)


# --- every column accounted for ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnUse:
    """One column of a sheet's project table: where it is, its header as written and the field it was read
    as (a register field's key, ``stage:<stage id>:planned|actual`` for a stage's date), or ``None``: not used."""

    sheet: str
    letter: str
    header: str
    field: str | None

    def as_dict(self) -> dict:
        """The CLI's JSON shape."""
        return {"sheet": self.sheet, "column": self.letter, "header": self.header, "field": self.field}


DATA_LIKE_SHARE = 0.5  # a column whose filled cells are mostly dates or numbers holds data
DATA_LIKE_SAMPLE = 500  # cells looked at: enough to tell, cheap on 100,000 rows
_DATE_TEXT = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}")
_NUMBER_TEXT = re.compile(r"^[-+]?[\d,，]*\.?\d+\s*%?$")


def _data_like(cells: list) -> str | None:
    """``date`` or ``number`` when most filled cells of a column are dates or numbers, else ``None``."""
    filled = [v for v in cells[:DATA_LIKE_SAMPLE] if not values.is_blank(v)]
    if not filled:
        return None
    dates = sum(isinstance(v, dt.date) or (isinstance(v, str) and bool(_DATE_TEXT.match(v.strip()))) for v in filled)
    numbers = sum(
        (type(v) in (int, float)) or (isinstance(v, str) and bool(_NUMBER_TEXT.match(v.strip()))) for v in filled
    )
    if dates >= DATA_LIKE_SHARE * len(filled):
        return "date"
    return "number" if numbers >= DATA_LIKE_SHARE * len(filled) else None


def column_uses(
    sheet: str, cells: list, header: dict[str, HeaderCell], columns, mapping: Mapping | None, issues: list[Issue]
) -> list[ColumnUse]:
    """Every column of the table with the field it was read as; a warning for each header two fields fit
    equally (naming them) and for each unused column that holds dates or numbers, so no figure is lost
    without a word. Appends to ``issues``."""
    by_index = {cell.index: field for field, cell in header.items()}
    stage_cols = {cell.index: key for key, cell in find_stage_date_columns(cells).items()}
    width = max(len(cells), len(columns))
    out = []
    for c in range(width):
        raw = cells[c] if c < len(cells) else ""
        text = header_text(raw) if not values.is_blank(raw) else ""
        data = list(columns[c][:DATA_LIKE_SAMPLE]) if c < len(columns) else []  # a sample tells
        if not text and all(values.is_blank(v) for v in data):
            continue
        field = by_index.get(c)
        if field is None and c in stage_cols:
            field = "stage:" + ":".join(stage_cols[c])
        out.append(ColumnUse(sheet, col_letters(c + 1), text, field))
        if field is not None or _mapped(raw, mapping) is not None:
            continue  # read, or set to "not used" by the user's own mapping
        found = match_words(raw) if isinstance(raw, str) else None
        params = {"col": col_letters(c + 1), "header": text or "—"}
        if found is not None and found.candidates:
            params["candidates"] = "、".join(found.candidates)
            issues.append(Issue("ambiguous_header", sheet, None, text, "", params, col=c))
        elif (found is None or not found.gap) and (kind := _data_like(data)):
            params |= both_languages("kind", "issue.word.dates" if kind == "date" else "issue.word.numbers")
            issues.append(Issue("unused_data_column", sheet, None, text, "", params, col=c))
    return out


# --- per-stage planned and actual dates ------------------------------------------------------------------------


def find_stage_date_columns(header_cells: list) -> dict[tuple[str, str], HeaderCell]:
    """A project sheet's per-stage date columns (主体封顶计划, Topped out actual): (stage id, planned/actual) ->
    where it sits. Project columns are not among them (计划交付日期 is the deadline)."""
    found: dict[tuple[str, str], HeaderCell] = {}
    for c, cell in enumerate(header_cells):
        key = match_stage_date_header(cell)
        if key and key not in found:
            found[key] = HeaderCell(Column("_".join(key), DATE, ()), c, header_text(cell), "")
    return found


def _stage_columns(
    sheet: str, header_cells: list, columns, data, frame, issues: list[Issue], header: dict | None = None
) -> pd.DataFrame:
    """The per-stage date columns of a project sheet as stage-date rows: one per project and dated stage.

    Register fields that are also a stage's date (竣工 planned and actual: the acceptance stage, see
    ``housing.register.Field.stage_date``) count too, unless the sheet has that stage's own column.
    """
    excel_rows = [r + 1 for r in data]
    dates = {
        key: ColumnParser(sheet, cell, excel_rows, issues).dates(_cells(columns, cell.index, len(data)))
        for key, cell in find_stage_date_columns(header_cells).items()
    }
    for f in STORED:
        if f.stage_date and f.read_as in (header or {}) and f.stage_date not in dates:
            dates[f.stage_date] = [None if pd.isna(v) else v for v in frame[f.name]]
    stages = [s for s in STAGE_IDS if (s, PLANNED) in dates or (s, ACTUAL) in dates]
    none = [None] * len(data)
    records = []
    for i in frame.index[frame["name"].notna()] if stages else ():
        name, district, row = frame.at[i, "name"], frame.at[i, "district"], int(frame.at[i, "row"])
        for stage_id in stages:
            planned, actual = dates.get((stage_id, PLANNED), none)[i], dates.get((stage_id, ACTUAL), none)[i]
            if planned is not None or actual is not None:
                records.append((name, district, stage_id, planned, actual, sheet, row))
    return stage_date_frame(records)


def find_stage_header(rows: list[list]) -> tuple[int, dict[str, HeaderCell]] | None:
    """The header row of a stage-dates sheet: a project, a stage and a planned or actual date column, and none
    of a project table's figures (households, area, deadline …); ``None`` when the sheet is not one."""
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, HeaderCell] = {}
        for c, cell in enumerate(row):
            col = match_stage_sheet_header(cell)
            if col and col.field not in found:
                found[col.field] = HeaderCell(col, c, header_text(cell), "")
        fields = found.keys()
        if {"name", "stage"} <= fields and fields & {PLANNED, ACTUAL} and not fields & PROJECT_FIGURES:
            return r, found
    return None


def _carry_down(names: list) -> list:
    """A blank project name continues the project above: a stage sheet lists several stages per project."""
    out, last = [], None
    for name in names:
        last = name or last
        out.append(last)
    return out


def _parse_stage_sheet(parsers: dict[str, ColumnParser], columns, n: int) -> dict[str, list]:
    """A stage sheet's columns: project names (carried down), districts, stage texts and ids, and the dates."""

    def cells(field: str) -> list:
        return _cells(columns, parsers[field].header.index, n) if field in parsers else [None] * n

    parsed = {f: parsers[f].texts(cells(f)) if f in parsers else [None] * n for f in ("name", "district", "stage")}
    parsed["name"] = _carry_down(parsed["name"])
    parsed["stage_id"] = parsers["stage"].stage_ids(parsed["stage"], figures_ok=False)
    for f in (PLANNED, ACTUAL):
        parsed[f] = parsers[f].dates(cells(f)) if f in parsers else [None] * n
    return parsed


def clean_sheet_names(sheets: list[RawSheet]) -> list[Issue]:
    """Remove control and invisible characters from the sheet names (in place: a CSV's is its file name, and
    the name is stored with every row), with a warning for each sheet renamed."""
    issues = []
    for n, sheet in enumerate(sheets, start=1):
        if chars.has_unsafe(sheet.name):
            raw, sheet.name = sheet.name, chars.clean(sheet.name).strip() or f"Sheet{n}"
            issues.append(
                Issue("control_chars_sheet", sheet.name, None, "", display_value(raw), {"chars": chars.listed(raw)})
            )
    return issues


def _check_stage_names(parser: ColumnParser, names: list, projects: pd.DataFrame) -> None:
    """A row without a project name is an error; a name the project table lacks a warning, once per name."""
    known, reported = set(projects["name"].dropna()), set()
    for i, name in enumerate(names):
        if name is None:
            parser.report(i, "missing_name", "")
        elif name not in known and name not in reported:
            reported.add(name)
            parser.report(i, "unknown_project", name, {"name": name})


def _stage_sheet_records(sheet: str, data: list[int], parsed: dict[str, list], projects) -> list[tuple]:
    """One record per row naming a project, a known stage and a date; the district, when blank, the project's."""
    districts: dict = {}
    for name, district in zip(projects["name"], projects["district"]):
        districts.setdefault(name, district)
    records = []
    for i, r in enumerate(data):
        name, stage_id, planned, actual = (parsed[f][i] for f in ("name", "stage_id", PLANNED, ACTUAL))
        if name and stage_id and (planned is not None or actual is not None):
            district = parsed["district"][i] or districts.get(name)
            records.append((name, district, stage_id, planned, actual, sheet, r + 1))
    return records


def read_stage_sheet(sheet: RawSheet, projects: pd.DataFrame, overrides: dict | None = None) -> SheetTable | None:
    """A stage-dates sheet (one row per project and stage) checked against the project table; ``None`` when
    the sheet is not one. Its projects frame is empty: the rows are in ``stage_dates``."""
    found = find_stage_header(sheet.rows)
    if found is None:
        return None
    header_row, header = found
    fill_merged(sheet.rows, sheet.merged, header_row + 1)
    data, _ = _classify_rows(sheet.rows, header_row + 1, header)
    columns = _columns(sheet.rows, data)
    issues: list[Issue] = []
    excel_rows = [r + 1 for r in data]
    issues += duplicate_columns(sheet.name, header_row, sheet.rows[header_row], _stage_sheet_column_key)
    max_text = get_setting("max_text_chars", overrides)
    parsers = {f: ColumnParser(sheet.name, cell, excel_rows, issues, max_text) for f, cell in header.items()}
    parsed = _parse_stage_sheet(parsers, columns, len(data))
    _check_stage_names(parsers["name"], parsed["name"], projects)
    stage_dates = stage_date_frame(_stage_sheet_records(sheet.name, data, parsed, projects))
    issues.sort(key=lambda i: (i.row or 0, i.column))
    return SheetTable(project_frame(sheet.name, [], {}), issues, stage_dates)
