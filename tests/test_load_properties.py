"""Property-based tests of the loader: any bytes, any workbook of random cells, any header spelling, and
damaged copies of a real workbook give a result or the loader's own error, never another exception."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from loaders import load_bytes
from loaders.issues import SEVERITY
from loaders.reading import OLE2_MAGIC, ZIP_MAGIC

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "data" / "sample_zhangqiu_2021.xlsx").read_bytes()
EXTENSIONS = ["xlsx", "xlsm", "xls", "ods", "csv", ""]
# Every call runs a worker process; a few dozen examples per property keep the suite's time in bounds.
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_answered(data: bytes, filename: str) -> None:
    """The loader's contract: a result, every issue one of its own, an unreadable file with exactly one."""
    result = load_bytes(data, filename)
    assert all(i.code in SEVERITY for i in result.issues)
    assert all(i.message("zh") and i.message("en") for i in result.issues)
    if not result.readable:
        assert len(result.issues) == 1 and result.issues[0].severity == "error"
        assert result.projects.empty


@EXAMPLES
@given(
    prefix=st.sampled_from([b"", ZIP_MAGIC, OLE2_MAGIC, b"\xef\xbb\xbf", b"\xff\xfe", "项目名称,安置户数\n".encode()]),
    body=st.binary(max_size=4000),
    extension=st.sampled_from(EXTENSIONS),
)
def test_any_bytes_under_any_name(prefix, body, extension):
    assert_answered(prefix + body, f"file.{extension}")


@EXAMPLES
@given(position=st.integers(0, len(SAMPLE) - 1), garbage=st.binary(min_size=1, max_size=64))
def test_a_real_workbook_damaged_anywhere(position, garbage):
    assert_answered(SAMPLE[:position] + garbage + SAMPLE[position + len(garbage) :], "damaged.xlsx")


@EXAMPLES
@given(cut=st.integers(0, len(SAMPLE)))
def test_a_real_workbook_cut_anywhere(cut):
    assert_answered(SAMPLE[:cut], "cut.xlsx")


CELL = st.one_of(
    st.none(),
    st.text(max_size=40).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 12, 31)),
    st.sampled_from(["合计", "小计", "章丘区", "2021年3月31日前", "主体封顶", "—", "#N/A", "=SUM(A1:A2)", "1,234"]),
)
HEADER_WORD = st.sampled_from(
    [
        "项目名称",
        "项目",
        "区县",
        "所属区县",
        "街道",
        "安置户数",
        "户数（户）",
        "总建筑面积（万㎡）",
        "面积(平方米)",
        "计划交付日期",
        "具备交付条件时间",
        "实际交付",
        "形象进度",
        "完成比例",
        "备注",
        "Project",
        "Households",
        "Deadline",
        "序号",
        "",
    ]
)


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@EXAMPLES
@given(rows=st.lists(st.lists(CELL, max_size=10), max_size=12))
def test_any_workbook_of_random_cells(rows):
    assert_answered(workbook(rows), "random.xlsx")


@EXAMPLES
@given(
    header=st.lists(st.one_of(HEADER_WORD, st.text(max_size=12)), min_size=1, max_size=10),
    rows=st.lists(st.lists(CELL, max_size=10), max_size=5),
)
def test_any_header_spelling(header, rows):
    header = [ILLEGAL_CHARACTERS_RE.sub("", h) for h in header]
    assert_answered(workbook([["安置房项目台账"], header, *rows]), "headers.xlsx")


@EXAMPLES
@given(text=st.text(max_size=2000), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_any_text_as_csv(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        pytest.skip("not encodable")  # gb18030 encodes all of Unicode; this is for surrogates
    assert_answered(data, "table.csv")
