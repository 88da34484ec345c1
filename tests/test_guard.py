"""Safety checks before calamine sees an xlsx: ``loaders.guard`` (stray cells, zip bombs, absurd ranges)."""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import load_bytes, load_workbook
from loaders.guard import GuardError, col_letters, col_number, guard_xlsx, read_member

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_zhangqiu_2021.xlsx"
SHEET_XML = "xl/worksheets/sheet1.xml"
HEADER = ["序号", "项目名称", "区县", "安置户数", "总建筑面积（万㎡）", "计划交付日期"]


def projects(n: int) -> list[list]:
    return [[i, f"项目{i:03d}", "历城区", 100 + i, 1.5, "2026-06-30"] for i in range(1, n + 1)]


# --- column letters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letters", "number"),
    [("A", 1), ("B", 2), ("Z", 26), ("AA", 27), ("AZ", 52), ("BA", 53), ("ZZ", 702), ("AAA", 703), ("XFD", 16384)],
)
def test_col_number_and_col_letters(letters, number):
    assert col_number(letters) == number
    assert col_number(letters.encode()) == number  # the guard passes regex matches on bytes
    assert col_letters(number) == letters


def test_col_letters_round_trip_over_every_excel_column():
    assert all(col_number(col_letters(n)) == n for n in range(1, 16385))


# --- stray cells -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "row", "column"),
    [
        ("XFD1048576", 1048576, "XFD"),
        ("A1048576", 1048576, "A"),
        ("XFD20000", 20000, "XFD"),
        ("AZ900000", 900000, "AZ"),
    ],
)
def test_a_stray_cell_far_away_is_dropped_with_a_warning(load_rows, ref, row, column):
    result = load_rows([["安置房项目台账"], HEADER, *projects(5)], cells={ref: "x"})
    assert result.ok
    assert list(result.projects["name"]) == [f"项目{i:03d}" for i in range(1, 6)]
    assert int(result.projects["households"].sum()) == 515
    (issue,) = result.issues
    assert (issue.code, issue.severity, issue.sheet, issue.row, issue.column, issue.value) == (
        "stray_cells",
        "warning",
        "项目",
        row,
        column,
        ref,
    )
    assert issue.message("en") == f"Ignored 1 stray cell far outside the table (e.g. {ref})"
    assert issue.message("zh") == f"忽略了表格区域以外的 1 个零散单元格（如 {ref}）"


def test_stray_cell_in_xfd1048576_loads_fast_and_small_in_a_fresh_process(make_xlsx):
    """Plain calamine would allocate the whole 16384 x 1048576 grid and abort the process."""
    path = make_xlsx([["标题"], HEADER, *projects(5)], cells={"XFD1048576": "x"})
    script = (
        "import json, resource, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from loaders import load_workbook\n"
        "t = time.perf_counter()\n"
        f"r = load_workbook({str(path)!r})\n"
        # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the (big) pytest process
        "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'projects': len(r.projects),\n"
        "    'codes': [i.code for i in r.issues], 'maxrss_kb': hwm}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["projects"] == 5
    assert report["codes"] == ["stray_cells"]
    assert report["maxrss_kb"] / 1024 < 500, report
    assert report["seconds"] < 30, report


def test_stray_value_in_zz5_beside_100_real_rows(load_rows):
    result = load_rows([HEADER, *projects(100)], cells={"ZZ5": "stray"})
    assert result.ok
    assert len(result.projects) == 100
    assert list(result.projects["row"]) == list(range(2, 102))
    assert int(result.projects["households"].sum()) == sum(100 + i for i in range(1, 101))
    assert result.issues == []  # 702 x 101 cells is a small range: read as is, the unnamed column ignored


def test_stray_value_in_zz5_is_cut_when_the_range_is_over_the_cell_limit(load_rows):
    result = load_rows([HEADER, *projects(100)], cells={"ZZ5": "stray"}, overrides={"max_cells": 10_000})
    assert len(result.projects) == 100
    assert [(i.code, i.row, i.column, i.value, i.params) for i in result.issues] == [
        ("stray_cells", 5, "ZZ", "ZZ5", {"count": 1, "cell": "ZZ5"})
    ]


def test_several_stray_cells_are_counted(load_rows):
    cells = {"XFD1048576": "x", "XFD1048575": 1, "A1048000": "y"}
    result = load_rows([HEADER, *projects(3)], cells=cells)
    assert len(result.projects) == 3
    (issue,) = result.issues
    assert issue.params["count"] == 3


def test_stray_cells_on_a_second_sheet_name_that_sheet(make_xlsx):
    path = make_xlsx(sheets=[("说明", [["本表说明"]], []), ("项目台账", [HEADER, *projects(2)], [])])
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("xl/worksheets/sheet2.xml")
    stray = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    result = load_bytes(replace_member(data, "xl/worksheets/sheet2.xml", xml.replace(b"</sheetData>", stray)))
    assert len(result.projects) == 2
    assert [(i.code, i.sheet) for i in result.issues] == [("stray_cells", "项目台账")]


def test_an_absurd_stale_dimension_alone_is_rewritten_quietly(make_xlsx):
    data = make_xlsx([HEADER, *projects(3)]).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(SHEET_XML)
    stale = re.sub(rb'<dimension ref="A1:F4"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    assert stale != xml
    result = load_bytes(replace_member(data, SHEET_XML, stale), "stale.xlsx")
    assert result.ok and result.issues == []
    assert len(result.projects) == 3


def test_a_dense_range_over_the_cell_limit_is_refused(load_rows):
    result = load_rows([HEADER, *projects(30)], overrides={"max_cells": 100})
    assert not result.readable
    assert [(i.code, i.sheet, i.params) for i in result.issues] == [
        ("range_too_large", "项目", {"rows": 31, "cols": 6})
    ]
    assert result.issues[0].message("en") == (
        "The sheet's data area is too large (31 rows x 6 columns); remove the excess and upload again"
    )


def test_an_ordinary_workbook_is_passed_through_untouched():
    data = SAMPLE.read_bytes()
    guarded = guard_xlsx(data, 300, 6_000_000)
    assert guarded.data is data
    assert guarded.issues == []


# --- zip bombs ---------------------------------------------------------------------------------------------


def replace_member(data: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == member else src.read(info.filename))
    return out.getvalue()


def write_bomb(path: Path, megabytes: int) -> Path:
    """The sample workbook with its sheet XML padded by ``megabytes`` MB of spaces, streamed (memory stays low)."""
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != SHEET_XML:
                dst.writestr(info.filename, src.read(info.filename))
                continue
            xml = src.read(SHEET_XML)
            cut = xml.index(b"<sheetData>")
            with dst.open(SHEET_XML, "w", force_zip64=True) as fh:
                fh.write(xml[:cut])
                chunk = b" " * (1 << 20)
                for _ in range(megabytes):
                    fh.write(chunk)
                fh.write(xml[cut:])
    return path


@pytest.fixture(scope="module")
def bomb_400mb(tmp_path_factory) -> Path:
    return write_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", 400)


def test_zip_bomb_under_the_default_limit_is_refused(bomb_400mb):
    assert bomb_400mb.stat().st_size < 1_000_000  # tiny on disk, well under the 20 MB upload limit
    result = load_workbook(bomb_400mb)
    assert not result.readable
    assert result.projects.empty
    (issue,) = result.issues
    assert (issue.code, issue.severity, issue.params["limit_mb"]) == ("zip_bomb", "error", 300)
    assert 400 < issue.params["size_mb"] < 401
    assert issue.message("en") == "The workbook unzips to 400 MB; the limit is 300 MB"
    assert issue.message("zh") == "工作簿解压后过大（400 MB），上限为 300 MB"


def test_zip_bomb_with_a_lower_limit(tmp_path):
    path = write_bomb(tmp_path / "small_bomb.xlsx", 8)
    result = load_workbook(path, overrides={"max_unzipped_mb": 5})
    assert [(i.code, i.params["limit_mb"]) for i in result.issues] == [("zip_bomb", 5)]
    assert not result.readable
    assert load_workbook(path).ok  # the same file under the default limit is an ordinary workbook


def test_zip_bomb_spread_over_many_members(tmp_path):
    data = SAMPLE.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for k in range(6):
            dst.writestr(f"xl/media/padding{k}.bin", b"\0" * (1 << 20))  # 1 MB each, none over the limit alone
    result = load_bytes(out.getvalue(), "padded.xlsx", overrides={"max_unzipped_mb": 5})
    assert [i.code for i in result.issues] == ["zip_bomb"]


def test_a_zip_that_lies_about_its_sizes_is_refused_without_reading_it_all():
    """The central directory says 1,000 bytes; the member inflates to 20 MB. Reading stops at the lie."""
    data = bytearray(replace_member(SAMPLE.read_bytes(), SHEET_XML, b" " * (20 << 20)))
    name = SHEET_XML.encode()
    local = data.index(b"PK\x03\x04")  # local file header: name at +30, size at +22
    while data[local + 30 : local + 30 + len(name)] != name:
        local = data.index(b"PK\x03\x04", local + 4)
    central = data.index(b"PK\x01\x02")  # central directory entry: name at +46, size at +24
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, local + 22, 1000)
    struct.pack_into("<I", data, central + 24, 1000)
    result = load_bytes(bytes(data), "liar.xlsx")
    assert [(i.code, i.severity) for i in result.issues] == [("damaged", "error")]
    assert not result.readable


def testread_member_stops_at_the_limit():
    data = replace_member(SAMPLE.read_bytes(), SHEET_XML, b" " * (3 << 20))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        with pytest.raises(GuardError) as caught:
            read_member(zf, SHEET_XML, 2)
        assert caught.value.issue.code == "zip_bomb"
        assert len(read_member(zf, SHEET_XML, 4)) == 3 << 20


_XMLISH = st.lists(
    st.sampled_from(["<", ">", "/", ":", "f", "x", " ", "\n", "c", "v", '"', "=", "<f", ":f", "</f>", "<x:f ", "<f/>"]),
    max_size=40,
).map(lambda parts: "".join(parts).encode())


@settings(max_examples=500, deadline=None)
@given(xml=_XMLISH)
def test_the_quick_formula_searches_find_every_formula_the_tolerant_pattern_finds(xml):
    """No formula warning is lost to the fast path: whenever the tolerant pattern finds a formula element, one of
    the two literal searches does too."""
    from loaders import guard

    if guard._FORMULA.search(xml):
        assert guard._PLAIN_FORMULA.search(xml) or guard._PREFIXED_FORMULA.search(xml)


@pytest.mark.parametrize(
    "cell",
    [b'<c r="B3"><f>A1+1</f></c>', b'<c r="B3"><x:f t="shared" si="0"/></c>', b'<c r="B3"><f\n>A1</f></c>'],
)
def test_a_formula_without_its_value_is_warned_about_in_any_spelling(cell):
    from loaders.guard import uncached_formulas

    xml = b'<worksheet><sheetData><row r="3">' + cell + b"</row></sheetData></worksheet>"
    assert [(i.code, i.column, i.row) for i in uncached_formulas(xml, "项目")] == [("formula_no_value", "B", 3)]
