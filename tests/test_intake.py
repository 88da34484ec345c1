"""Bounded intake: a file over the row, column or cell limits is refused before it is parsed, with the figures
(thousands separators) in both languages, by the loader, the command line and the upload page; nothing else
changes. The limits are lowered through the settings overrides so that every file stays small."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from app_pages import open_page
from conftest import write_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import load_bytes, reading
from loaders.reading import ReadError, _csv_rows, read_sheets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "hostile"))
from build_hostile import ODS_CELL, ods  # noqa: E402

HEADER = ["序号", "项目名称", "区县", "安置户数", "总建筑面积（万㎡）", "计划交付日期"]


def table(rows: int, cols: int = len(HEADER)) -> list[list]:
    """The header and ``rows`` - 1 projects, ``cols`` columns wide (extra columns hold a note)."""
    head = HEADER + [f"备注{c}" for c in range(len(HEADER), cols)]
    body = [
        [i, f"项目{i:04d}", "历城区", 100 + i, 1.5, "2026-06-30"] + ["说明"] * (cols - len(HEADER))
        for i in range(1, rows)
    ]
    return [row[:cols] for row in [head, *body]]


def as_xlsx(rows: list[list], tmp_path: Path) -> bytes:
    return write_xlsx(tmp_path / "book.xlsx", rows).read_bytes()


def as_csv(rows: list[list], _tmp_path: Path) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def as_ods(rows: list[list], _tmp_path: Path) -> bytes:
    cells = "".join(
        "<table:table-row>" + "".join(ODS_CELL.format(repeat="", text=v) for v in row) + "</table:table-row>"
        for row in rows
    )
    return ods(f'<table:table table:name="项目">{cells}</table:table>')


FORMATS = {"xlsx": as_xlsx, "csv": as_csv, "ods": as_ods}
NAMES = {"xlsx": "项目.xlsx", "csv": "项目.csv", "ods": "项目.ods"}

# (limit overridden, its value, rows, columns, the code expected or None: loads). Just below, at, just above.
CASES = [
    ("max_rows", 1000, 999, 6, None),
    ("max_rows", 1000, 1000, 6, None),
    ("max_rows", 1000, 1001, 6, "too_many_rows"),
    ("max_columns", 8, 10, 7, None),
    ("max_columns", 8, 10, 8, None),
    ("max_columns", 8, 10, 9, "too_many_columns"),
    ("max_cells", 180, 29, 6, None),  # 174 cells
    ("max_cells", 180, 30, 6, None),  # 180
    ("max_cells", 180, 31, 6, "range_too_large"),  # 186
]


@pytest.mark.parametrize("kind", list(FORMATS))
@pytest.mark.parametrize(("key", "limit", "rows", "cols", "code"), CASES)
def test_each_limit_just_below_at_and_above(tmp_path, kind, key, limit, rows, cols, code):
    data = FORMATS[kind](table(rows, cols), tmp_path)
    result = load_bytes(data, NAMES[kind], {key: limit})
    if code is None:
        assert result.readable, [i.message("en") for i in result.issues]
        assert len(result.projects) == rows - 1
    else:
        assert not result.readable
        assert [i.code for i in result.issues] == [code]


@pytest.mark.parametrize("kind", list(FORMATS))
@pytest.mark.parametrize(
    ("key", "limit", "rows", "cols", "zh", "en"),
    [
        (
            "max_rows",
            1000,
            1234,
            6,
            "工作表“项目”有 1,234 行，上限为 1,000 行",
            "Sheet “项目” has 1,234 rows; the limit is 1,000.",
        ),
        ("max_columns", 8, 4, 9, "工作表“项目”有 9 列，上限为 8 列", "Sheet “项目” has 9 columns; the limit is 8."),
        (
            "max_cells",
            1000,
            1200,
            6,
            "工作表数据区域过大（1,200 行 × 6 列）",
            "The sheet's data area is too large (1,200 rows x 6 columns)",
        ),
    ],
)
def test_the_message_gives_the_figures_with_thousands_separators(tmp_path, kind, key, limit, rows, cols, zh, en):
    overrides = {key: limit} | ({"max_rows": 5000} if key == "max_cells" else {})
    (issue,) = load_bytes(FORMATS[kind](table(rows, cols), tmp_path), NAMES[kind], overrides).issues
    assert zh in issue.message("zh")
    assert en in issue.message("en")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_over_the_row_limit_is_refused_before_the_parser_runs(tmp_path, kind, monkeypatch):
    def never(*_args, **_kwargs):
        raise AssertionError("the parser ran on a file over the limit")

    monkeypatch.setattr(reading, "read_calamine", never)
    monkeypatch.setattr(reading.csv, "reader", never)
    data = FORMATS[kind](table(1001), tmp_path)
    with pytest.raises(ReadError) as refused:
        read_sheets(data, NAMES[kind], {"max_rows": 1000})
    assert refused.value.issue.code == "too_many_rows"
    assert refused.value.issue.params == {"sheet": "项目", "count": 1001, "limit": 1000}


def test_a_stray_cell_far_below_is_dropped_not_counted_against_the_row_limit(tmp_path):
    rows = table(50)
    data = write_xlsx(tmp_path / "stray.xlsx", rows, cells={"A900000": "x"}).read_bytes()
    result = load_bytes(data, "stray.xlsx", {"max_rows": 1000})
    assert result.readable and len(result.projects) == 49
    assert [i.code for i in result.issues] == ["stray_cells"]


def test_the_project_tables_together_are_limited_by_their_rows_below_the_header(tmp_path):
    sheets = [("一区", table(600), []), ("二区", table(600), [])]
    data = write_xlsx(tmp_path / "two.xlsx", sheets=sheets).read_bytes()
    assert load_bytes(data, "two.xlsx", {"max_rows": 1198}).readable  # 599 + 599 projects
    result = load_bytes(data, "two.xlsx", {"max_rows": 1197})
    assert not result.readable
    (issue,) = result.issues
    assert issue.code == "too_many_projects"
    assert "共有 1,198 行" in issue.message("zh") and "the limit is 1,197" in issue.message("en")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab,;\t\n\r 项", max_size=60))
def test_rows_are_counted_as_the_csv_reader_reads_them(text):
    try:
        rows = len(list(csv.reader(io.StringIO(text), csv.excel)))
    except csv.Error:  # a lone carriage return: the reader refuses the file, whatever the count
        return
    assert _csv_rows(text, csv.excel) == rows


@pytest.mark.parametrize("text", ['a,"b\nc"\nd\n', '"x"\r\n"y\r\nz"', 'a\n""\n'])
def test_quoted_line_breaks_are_counted_by_the_reader(text):
    assert _csv_rows(text, csv.excel) == len(list(csv.reader(io.StringIO(text), csv.excel)))


def test_the_command_line_refuses_with_the_figures_and_exit_code_2(tmp_path):
    path = tmp_path / "项目.csv"
    path.write_bytes(as_csv(table(1500), tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "loaders", "summary", str(path), "--json", "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "RESETTLE_MAX_ROWS": "1000"},
        timeout=120,
    )
    assert done.returncode == 2
    summary = json.loads(done.stdout)
    assert [i["code"] for i in summary["issues"]] == ["too_many_rows"]
    assert "Sheet “项目” has 1,500 rows; the limit is 1,000." in done.stderr
    assert summary["projects"] == 0


def test_the_upload_page_refuses_the_file_and_the_published_version_stays(tmp_path, app_database, monkeypatch):
    from store import versions as V
    from store.db import open_database

    monkeypatch.setenv("RESETTLE_MAX_ROWS", "1000")
    at = open_page("views/upload.py", as_of="2026-11-21")
    before = V.current(open_database(app_database))
    at.file_uploader[0].upload("项目.xlsx", as_xlsx(table(1500), tmp_path)).run()
    assert not at.exception
    assert "工作表“项目”有 1,500 行，上限为 1,000 行" in at.error[0].value.replace("\\", "")
    assert not [b for b in at.button if b.label == "发布"]
    after = V.current(open_database(app_database))
    assert (after.id, after.sha256) == (before.id, before.sha256)


def _unnumbered(data: bytes) -> bytes:
    """The workbook with its sheet's row numbers and cell references taken out (a reader then places each row
    after the one before it, each cell after the one before it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb'<row r="\d+"', b"<row", content)
                content = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", content)
                content = re.sub(rb"<dimension[^>]*/>", b"", content)
            dst.writestr(info.filename, content)
    return out.getvalue()


@pytest.mark.parametrize(("rows", "readable"), [(999, True), (1000, True), (1001, False)])
def test_rows_written_without_numbers_count_against_the_row_limit(tmp_path, monkeypatch, rows, readable):
    data = _unnumbered(as_xlsx(table(rows), tmp_path))
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert b'<row r="' not in book.read("xl/worksheets/sheet1.xml")  # the rows really have no numbers now
    if not readable:
        monkeypatch.setattr(reading, "read_calamine", lambda *_: pytest.fail("the parser ran on a file over the limit"))
        with pytest.raises(ReadError) as refused:
            read_sheets(data, NAMES["xlsx"], {"max_rows": 1000})
        assert refused.value.issue.params == {"sheet": "项目", "count": rows, "limit": 1000}
        return
    sheets, _ = read_sheets(data, NAMES["xlsx"], {"max_rows": 1000})
    assert len(sheets[0].rows) == rows
