"""The loader end to end: ``loaders.load_workbook`` / ``load_bytes`` on every format, bad files and real samples."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from housing.stages import STAGE_IDS
from loaders import Issue, LoadResult, empty_projects, load_bytes, load_workbook
from loaders.load import empty_stage_dates
from loaders.table import OUTPUT_COLUMNS, STAGE_DATE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
DATA = ROOT / "data"
D = dt.date

# --- the 章丘区 2021 facts (tests/fixtures/README.md) ----------------------------------------------------------

ZQ_NAMES = ["西琅沟", "老四中周边沿街（汇泉路商业）", "老四中周边ABC", "经十东路北侧", "白泉", "月官", "北皋埠", "长青"]
ZQ_HOUSEHOLDS = [656, None, 1623, 2187, 1555, 803, 268, 161]
ZQ_AREA_M2 = [212_600.0, 139_600.0, 576_800.0, 736_800.0, 520_600.0, 264_200.0, 158_600.0, 39_100.0]
ZQ_DEADLINES = ["2021-03-31", "2021-05-31", "2021-04-30", "2021-04-30", "2021-04-30", "2021-03-31", "2021-07-30"]
ZQ_DEADLINES += ["2021-06-30"]
ZQ_STREETS = [None, None, "明水街道", None, None, None, None, None]
ZQ_STAGES = ["电力户表安装完成，正在组织分配"] + [None] * 7
ZQ_NOTES = [
    "电力户表提前5天安装完成",
    "商业项目，无安置户",
    "安置明水街道明一、明二、明三及辛庄小区等群众",
    "安置大雷、小雷、闫家坞等村群众",
    "安置原白泉村及横沟村一部分群众",
    None,
    None,
    None,
]

ZHANGQIU_FILES = [
    # file, sheet, Excel rows of the eight projects
    (DATA / "sample_zhangqiu_2021.xlsx", "交付项目", list(range(5, 13))),
    (FIXTURES / "zhangqiu_2021.ods", "交付项目", list(range(2, 10))),
    (FIXTURES / "zhangqiu_2021.xls", "交付项目", list(range(2, 10))),
    (FIXTURES / "zhangqiu_2021_gbk.csv", "zhangqiu_2021_gbk", list(range(3, 11))),
    (FIXTURES / "zhangqiu_2021_utf8bom.csv", "zhangqiu_2021_utf8bom", list(range(3, 11))),
]


def nullable(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


def dates(series: pd.Series) -> list:
    return [None if pd.isna(v) else v.date().isoformat() for v in series]


def issue_rows(result: LoadResult) -> list[tuple]:
    return [(i.code, i.severity, i.sheet, i.row, i.column, i.value) for i in result.issues]


def assert_zhangqiu(result: LoadResult, sheet: str, rows: list[int]) -> None:
    assert result.readable and result.ok
    assert result.issues == []
    frame = result.projects
    assert list(frame.columns) == OUTPUT_COLUMNS
    assert list(frame["name"]) == ZQ_NAMES
    assert nullable(frame["households"]) == ZQ_HOUSEHOLDS
    assert list(frame["floor_area_m2"]) == ZQ_AREA_M2
    assert dates(frame["deadline"]) == ZQ_DEADLINES
    assert nullable(frame["street"]) == ZQ_STREETS
    assert nullable(frame["stage"]) == ZQ_STAGES
    assert nullable(frame["notes"]) == ZQ_NOTES
    assert set(frame["district"]) == {"章丘区"}
    assert set(frame["unit"]) == {"章丘区房屋征收服务中心"}
    assert frame["start"].isna().all() and frame["handed_over"].isna().all() and frame["progress"].isna().all()
    assert list(frame["sheet"]) == [sheet] * 8
    assert list(frame["row"]) == rows
    assert int(frame["households"].sum()) == 7_253
    assert frame["floor_area_m2"].sum() == pytest.approx(2_648_300.0)


# --- formats -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "sheet", "rows"), ZHANGQIU_FILES, ids=lambda v: v.name if isinstance(v, Path) else "")
def test_each_format_yields_the_same_eight_projects(path, sheet, rows):
    result = load_workbook(path)
    assert result.filename == path.name
    assert_zhangqiu(result, sheet, rows)


def test_csv_utf8_without_bom():
    data = (FIXTURES / "zhangqiu_2021_utf8bom.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert_zhangqiu(load_bytes(data[3:], "交付项目.csv"), "交付项目", list(range(3, 11)))


def test_csv_gbk_is_not_utf8():
    data = (FIXTURES / "zhangqiu_2021_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("gbk") == (FIXTURES / "zhangqiu_2021_utf8bom.csv").read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_delimiters_and_encodings(delimiter, encoding):
    lines = [["项目名称", "区县", "安置户数", "总建筑面积（万㎡）", "计划交付日期"]]
    lines += [
        ["西琅沟", "章丘区", "656", "21.26", "2021年3月31日前"],
        ["白泉", "章丘区", "1555户", "52.06", "2021.4.30"],
    ]
    text = "\r\n".join(delimiter.join(line) for line in lines) + "\r\n"
    result = load_bytes(text.encode(encoding), "table.csv")
    assert result.issues == []
    assert list(result.projects["name"]) == ["西琅沟", "白泉"]
    assert list(result.projects["households"]) == [656, 1555]
    assert list(result.projects["floor_area_m2"]) == [212_600.0, 520_600.0]
    assert dates(result.projects["deadline"]) == ["2021-03-31", "2021-04-30"]


def test_gb18030_characters_outside_gbk():
    name = "䶮村安置区"  # U+4DAE: four bytes in GB18030, not in GBK
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    result = load_bytes(f"项目名称,户数\r\n{name},120\r\n".encode("gb18030"), "t.csv")
    assert list(result.projects["name"]) == [name]


def test_xlsm(make_xlsx):
    data = make_xlsx([["项目名称", "户数"], ["西琅沟", 656]], name="macro.xlsx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                assert b"macroEnabled" in content
            dst.writestr(info.filename, content)
    result = load_bytes(out.getvalue(), "台账.xlsm")
    assert result.ok and result.issues == []
    assert list(result.projects["name"]) == ["西琅沟"]


@pytest.mark.parametrize(
    ("source", "filename"),
    [
        (DATA / "sample_zhangqiu_2021.xlsx", "台账.csv"),
        (DATA / "sample_zhangqiu_2021.xlsx", "台账.xls"),
        (DATA / "sample_zhangqiu_2021.xlsx", "台账.ods"),
        (DATA / "sample_zhangqiu_2021.xlsx", "台账"),
        (DATA / "sample_zhangqiu_2021.xlsx", ""),
        (FIXTURES / "zhangqiu_2021.xls", "台账.xlsx"),
        (FIXTURES / "zhangqiu_2021.xls", "台账.csv"),
        (FIXTURES / "zhangqiu_2021.ods", "台账.xlsx"),
        (FIXTURES / "zhangqiu_2021.ods", "台账.xls"),
        (FIXTURES / "zhangqiu_2021_gbk.csv", "台账.xls"),  # what web systems export as "Excel"
        (FIXTURES / "zhangqiu_2021_gbk.csv", "台账.txt"),
        (FIXTURES / "zhangqiu_2021_utf8bom.csv", ""),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_the_format_comes_from_the_content_not_the_name(source, filename):
    result = load_bytes(source.read_bytes(), filename)
    assert result.ok and result.issues == []
    assert list(result.projects["name"]) == ZQ_NAMES
    assert int(result.projects["households"].sum()) == 7_253


# --- files that are not readable workbooks --------------------------------------------------------------------


def _zip_of(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return out.getvalue()


def _random_without_nul() -> bytes:
    return bytes(b for b in random.Random(1).randbytes(8192) if b)[:4096]


BAD_FILES = [
    # id, bytes, filename, code, English message
    ("random", lambda: random.Random(0).randbytes(4096), "台账.xlsx", "not_spreadsheet", None),
    ("random_no_nul", _random_without_nul, "台账.dat", "unknown_encoding", None),
    ("truncated_xlsx", lambda: (DATA / "sample_zhangqiu_2021.xlsx").read_bytes()[:3000], "台账.xlsx", "damaged", None),
    ("truncated_tail", lambda: (DATA / "sample_zhangqiu_2021.xlsx").read_bytes()[:-40], "台账.xlsx", "damaged", None),
    ("truncated_xls", lambda: (FIXTURES / "zhangqiu_2021.xls").read_bytes()[:2000], "台账.xls", "damaged", None),
    (
        "html_named_xls",
        lambda: b"<html><head><meta charset='utf-8'></head><body><table><tr><td>1</td></tr></table></body></html>",
        "台账.xls",
        "html_file",
        "This is a web page saved under a spreadsheet name; open it in Excel and save it as .xlsx",
    ),
    ("html_doctype_bom", lambda: "\ufeff<!DOCTYPE html>\n<html></html>".encode(), "台账.xls", "html_file", None),
    ("html_table_only", lambda: b"  \r\n<table><tr><td>1</td></tr></table>", "台账.xls", "html_file", None),
    ("empty", lambda: b"", "台账.xlsx", "empty_file", "The file is empty"),
    (
        "zip_not_workbook",
        lambda: _zip_of(**{"readme.txt": b"hello", "word/document.xml": b"<w/>"}),
        "台账.xlsx",
        "not_spreadsheet",
        "This is not a spreadsheet; upload an xlsx, xlsm, xls, ods or csv file",
    ),
    (
        "unknown_encoding",
        lambda: b"\xff\xfe\xff,1\r\n",
        "台账.csv",
        "unknown_encoding",
        "The CSV file's text encoding is not recognised (supported: UTF-8, GBK/GB18030, UTF-16, Big5); "
        "save it as .xlsx in Excel",
    ),
    ("one_huge_field", lambda: b"x" * 200_000, "台账.csv", "not_spreadsheet", None),
    ("nul_bytes", lambda: b"PK\x05\x06" + b"\x00" * 18, "台账.xlsx", "not_spreadsheet", None),
]


@pytest.mark.parametrize(
    ("make", "filename", "code", "english"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_an_unreadable_file_gets_one_clear_error(make, filename, code, english):
    result = load_bytes(make(), filename)
    assert not result.readable and not result.ok
    assert [(i.code, i.severity, i.sheet, i.row) for i in result.issues] == [(code, "error", "", None)]
    assert result.errors == result.issues and result.warnings == []
    assert result.projects.empty and list(result.projects.columns) == OUTPUT_COLUMNS
    issue = result.issues[0]
    assert issue.message("zh") and issue.message("en") and issue.message("zh") != issue.message("en")
    if english:
        assert issue.message("en") == english


def test_a_gbk_csv_is_readable_not_an_error():
    result = load_bytes((FIXTURES / "zhangqiu_2021_gbk.csv").read_bytes(), "台账.csv")
    assert result.readable and result.ok and len(result.projects) == 8


@pytest.mark.parametrize(
    "content",
    [b"hello world\r\nthis is not a table\r\n", "项目进度说明\r\n本月无数据\r\n".encode("gbk"), b"\r\n\r\n"],
)
def test_text_without_a_project_table(content):
    result = load_bytes(content, "note.csv")
    assert result.readable and not result.ok
    assert [(i.code, i.severity) for i in result.issues] == [("no_table", "error")]
    assert result.issues[0].message("zh") == "没有找到项目表：未识别到包含“项目名称”等列名的表头行"


def test_a_workbook_without_a_project_table(make_xlsx):
    result = load_workbook(make_xlsx([["说明"], ["本工作簿暂无数据"]]))
    assert result.readable and [i.code for i in result.issues] == ["no_table"]


def test_a_missing_file_and_a_directory(tmp_path):
    missing = load_workbook(tmp_path / "nowhere.xlsx")
    assert (missing.filename, missing.readable) == ("nowhere.xlsx", False)
    assert [(i.code, i.params) for i in missing.issues] == [("unreadable", {"detail": "No such file or directory"})]
    assert missing.issues[0].message("en") == "The file cannot be read (No such file or directory)"
    directory = load_workbook(tmp_path)
    assert [(i.code, i.params) for i in directory.issues] == [("unreadable", {"detail": "Is a directory"})]


def test_what_is_not_a_regular_file_or_too_big_is_refused_unread(tmp_path):
    """A pipe used to hang the reader, ``/dev/zero`` to fill the memory; a file over the limit is refused
    from its size alone."""
    import os

    os.mkfifo(tmp_path / "pipe.xlsx")
    for path in (tmp_path / "pipe.xlsx", "/dev/zero"):
        result = load_workbook(path)
        assert [(i.code, i.params) for i in result.issues] == [("unreadable", {"detail": "not a regular file"})]
    big = tmp_path / "big.xlsx"
    with big.open("wb") as handle:
        handle.truncate(3 * 1048576)  # sparse
    result = load_workbook(big, {"max_upload_mb": 1})
    assert [(i.code, i.params) for i in result.issues] == [("too_large", {"size_mb": 3.0, "limit_mb": 1})]
    sample = Path(__file__).resolve().parent.parent / "data" / "sample_zhangqiu_2021.xlsx"
    assert load_workbook(sample, {"max_upload_mb": 10**30}).readable  # read(limit + 1) raised OverflowError


def _xlsx_of_size(size: int) -> bytes:
    """The 章丘 sample padded to exactly ``size`` bytes with a stored (uncompressed) extra part."""

    def build(padding: int) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(DATA / "sample_zhangqiu_2021.xlsx") as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info.filename))
            dst.writestr(zipfile.ZipInfo("docProps/padding.bin"), b"\0" * padding)
        return out.getvalue()

    return build(size - len(build(0)))


def test_a_file_over_the_upload_limit_is_refused():
    at_limit = load_bytes(_xlsx_of_size(1_048_576), "limit.xlsx", overrides={"max_upload_mb": 1})
    assert at_limit.ok and len(at_limit.projects) == 8  # exactly 1 MB is allowed
    data = _xlsx_of_size(1_048_577)
    assert len(data) == 1_048_577
    over = load_bytes(data, "over.xlsx", overrides={"max_upload_mb": 1})
    assert not over.readable and over.projects.empty
    (issue,) = over.issues
    assert (issue.code, issue.severity, issue.params["limit_mb"]) == ("too_large", "error", 1)
    assert issue.message("en") == "The file is too large (1.0 MB); the limit is 1 MB"
    assert issue.message("zh") == "文件过大（1.0 MB），上限为 1 MB"


def test_the_default_upload_limit_is_20_mb(monkeypatch):
    monkeypatch.delenv("RESETTLE_MAX_UPLOAD_MB", raising=False)
    result = load_bytes(b"x" * (20 * 1_048_576 + 1), "big.csv")
    assert [(i.code, i.params["limit_mb"]) for i in result.issues] == [("too_large", 20)]


# --- the real samples and fixtures ----------------------------------------------------------------------------


def test_sample_portfolio():
    result = load_workbook(DATA / "sample_portfolio.xlsx")
    frame = result.projects
    assert len(frame) == 56
    assert int(frame["households"].sum()) == 67_650
    assert frame["floor_area_m2"].sum() == pytest.approx(9_599_520.0)
    assert result.errors == []
    assert issue_rows(result) == [("month_only", "warning", "项目台账", 30, "计划交付日期", "2028年6月")]
    (warning,) = result.warnings
    assert warning.params == {"date": "2028-06-30"}
    assert warning.message("zh") == "只填写了月份，按该月最后一天（2028-06-30）处理"
    assert warning.message("en") == "Only a month was given; read as its last day (2028-06-30)"
    assert result.ok
    row30 = frame[frame["row"] == 30].iloc[0]
    assert row30["deadline"] == pd.Timestamp("2028-06-30")
    # mess that must come out clean
    by_row = frame.set_index("row")
    assert by_row.at[11, "name"] == "宋刘村安置区" and by_row.at[11, "households"] == 860  # "８６０"
    assert by_row.at[58, "households"] == 893  # "893户"
    assert by_row.at[9, "progress"] == 82.0 and by_row.at[4, "progress"] == 40.0  # "82%" beside 40
    assert by_row.at[4, "start"] == pd.Timestamp("2024-06-03")  # Excel serial 45446
    assert by_row.at[5, "start"] == pd.Timestamp("2022-05-04")  # "2022.5.4"
    assert by_row.at[5, "handed_over"] == pd.Timestamp("2024-08-02")  # "2024年8月2日"
    assert by_row.at[4, "floor_area_m2"] == 56_990.0  # header in ㎡: no conversion
    assert set(frame["district"]) >= {"历城区", "天桥区", "济阳区"}
    assert "小计" not in set(frame["name"]) and "合计" not in set(frame["name"])


def test_sample_zhangqiu_2021_has_no_issues():
    result = load_workbook(DATA / "sample_zhangqiu_2021.xlsx")
    assert (len(result.projects), result.issues) == (8, [])


def test_english_headers_fixture():
    result = load_workbook(FIXTURES / "english_headers.xlsx")
    assert result.ok and result.issues == []
    frame = result.projects
    assert list(frame["row"]) == [3, 4, 5, 6, 7]
    assert set(frame["sheet"]) == {"Projects"}
    assert list(frame["name"]) == [
        "Dongwu Village Resettlement Area",
        "Shuitun Relocation Housing Phase I",
        "Duandian Resettlement Housing",
        "Longdong Village Phase II",
        "Jibei Resettlement Area",
    ]
    assert list(frame["district"]) == [
        "Licheng District",
        "Tianqiao District",
        "Huaiyin District",
        "Lixia District",
        "Jiyang District",
    ]
    assert list(frame["street"]) == [
        "Wangsheren Subdistrict",
        "Beiyuan Subdistrict",
        "Duandianbeilu Subdistrict",
        "Longdong Subdistrict",
        "Jibei Subdistrict",
    ]
    assert list(frame["households"]) == [420, 1180, 760, 305, 1540]
    assert list(frame["floor_area_m2"]) == [60_500.0, 163_500.0, 107_400.0, 42_800.0, 219_000.0]
    assert dates(frame["start"]) == ["2022-03-15", "2022-09-01", "2023-05-10", "2024-04-08", "2021-11-20"]
    assert dates(frame["deadline"]) == ["2025-06-30", "2026-12-31", "2027-06-30", "2027-12-31", "2026-09-30"]
    assert dates(frame["handed_over"]) == ["2025-07-20", None, None, None, None]
    assert list(frame["stage"]) == [
        "Handed over",
        "Supporting works",
        "Topped out",
        "Foundation works",
        "Joint acceptance completed",
    ]
    assert list(frame["progress"]) == [100.0, 80.0, 62.0, 15.0, 90.0]
    assert list(frame["unit"]) == [
        "Wangsheren Subdistrict Office",
        "Tianqiao Urban Investment Group",
        "Huaiyin Urban Development Group",
        "Longdong Subdistrict Office",
        "Jiyang Urban Development Group",
    ]
    assert nullable(frame["notes"]) == [None, None, None, None, "Delayed: pipeline relocation"]
    assert int(frame["households"].sum()) == 4_205
    assert frame["floor_area_m2"].sum() / 10_000 == pytest.approx(59.32)


def test_bad_values_fixture():
    result = load_workbook(FIXTURES / "bad_values.xlsx")
    assert result.readable and not result.ok
    assert issue_rows(result) == [
        ("negative", "error", "项目", 4, "安置户数", "-12"),
        ("not_a_number", "error", "项目", 5, "安置户数", "约三百户"),
        ("negative", "error", "项目", 6, "总建筑面积（万㎡）", "-1.2"),
        ("impossible_date", "error", "项目", 7, "计划交付日期", "2021年13月5日"),
        ("missing_name", "error", "项目", 8, "项目名称", ""),
        ("total_mismatch", "warning", "项目", 10, "安置户数", "999"),
    ]
    assert [i.message("en") for i in result.errors] == [
        "Must not be negative",
        "Not a valid number",
        "Must not be negative",
        "This date does not exist",
        "This row has data but no project name",
    ]
    assert [i.message("zh") for i in result.errors] == [
        "不能为负数",
        "不是有效的数字",
        "不能为负数",
        "日期不存在",
        "该行有数据但缺少项目名称",
    ]
    (mismatch,) = result.warnings
    assert mismatch.params["file_value"] == "999"
    # The loader adds every data row whose households it could read, the nameless row 8 (120) included:
    # 300 + 150 + 260 + 120 + 200. (The fixture README quotes 500, the sum of the two error-free rows.)
    assert mismatch.params["sum_value"] == "1,030"
    assert "999" in mismatch.message("zh") and "999" in mismatch.message("en")
    # Rows with a problem stay in the table, their bad cells empty; the error-free rows are 3 and 9.
    frame = result.projects
    assert list(frame["row"]) == [3, 4, 5, 6, 7, 9]
    error_rows = {i.row for i in result.errors}
    clean = frame[~frame["row"].isin(error_rows)]
    assert list(clean["row"]) == [3, 9]
    assert list(clean["name"]) == ["甲村安置区", "乙村安置区"]
    assert int(clean["households"].sum()) == 500
    assert clean["floor_area_m2"].sum() == pytest.approx(56_000.0)
    assert dates(clean["deadline"]) == ["2026-06-30", "2027-03-31"]
    by_row = frame.set_index("row")
    assert pd.isna(by_row.at[4, "households"]) and pd.isna(by_row.at[5, "households"])
    assert pd.isna(by_row.at[6, "floor_area_m2"]) and pd.isna(by_row.at[7, "deadline"])


# --- a messy workbook built in code ---------------------------------------------------------------------------


MESSY_HEADER = [
    "序号",
    "项目名称",
    "所属区县",
    "街道（镇）",
    "安置户数（户）",
    "总建筑面积（万平方米）",
    "开工时间",
    "具备交付条件时间",
    "交房日期",
    "形象进度",
    "完成比例",
    "责任单位",
    "备注",
]
MESSY_ROWS = [
    ["历城区2026年安置房项目进度表"],  # 1 title, merged A1:M1
    ["填报单位：区房屋征收服务中心", None, None, None, None, None, None, None, None, None, None, None, "2026年11月"],
    [],  # 3 blank
    MESSY_HEADER,  # 4
    [
        1,
        "甲村安置区",
        "历城区",
        "港沟街道",
        "1,623",
        21.26,
        D(2023, 3, 1),
        "2026年12月31日前",
        None,
        "主体封顶",
        0.6,
    ],  # 5
    [2, "乙村安置区", None, "港沟街道", "860户", "13.96", 44621, "2027.6.30", None, "配套工程", 0.85],  # 6
    [3, "丙村安置区", None, "华山街道", "１２０", 3.91, "2022/3/1", D(2025, 6, 30), "2025年6月20日", "已交房入住", 1],
    [],  # 8 blank
    [4, "丁村安置区", "章丘区", "明水街道", 268, 15.86, "2024-05-10", "2027年3月", None, "主体施工", 0.3],  # 9
    ["合计", None, None, None, 2871, 55.01],  # 10
    ["注：面积为总建筑面积"],  # 11 footnote, merged A11:M11
]
MESSY_MERGES = ["A1:M1", "A2:L2", "C5:C7", "A11:M11"]


def test_a_messy_workbook_is_read_cell_by_cell(load_rows):
    result = load_rows(MESSY_ROWS, sheet="项目进度", merges=MESSY_MERGES)
    assert issue_rows(result) == [("month_only", "warning", "项目进度", 9, "具备交付条件时间", "2027年3月")]
    frame = result.projects
    assert list(frame["row"]) == [5, 6, 7, 9]
    assert list(frame["name"]) == ["甲村安置区", "乙村安置区", "丙村安置区", "丁村安置区"]
    assert list(frame["district"]) == ["历城区", "历城区", "历城区", "章丘区"]  # merged C5:C7
    assert list(frame["street"]) == ["港沟街道", "港沟街道", "华山街道", "明水街道"]
    assert list(frame["households"]) == [1623, 860, 120, 268]
    assert list(frame["floor_area_m2"]) == [212_600.0, 139_600.0, 39_100.0, 158_600.0]
    assert dates(frame["start"]) == ["2023-03-01", "2022-03-01", "2022-03-01", "2024-05-10"]
    assert dates(frame["deadline"]) == ["2026-12-31", "2027-06-30", "2025-06-30", "2027-03-31"]
    assert dates(frame["handed_over"]) == [None, None, "2025-06-20", None]
    assert list(frame["progress"]) == [60.0, 85.0, 100.0, 30.0]  # a % column holding fractions
    assert list(frame["stage"]) == ["主体封顶", "配套工程", "已交房入住", "主体施工"]


def test_a_wrong_total_in_the_messy_workbook_names_both_figures(load_rows):
    rows = [list(r) for r in MESSY_ROWS]
    rows[9] = ["合计", None, None, None, 3000, 55.01]
    result = load_rows(rows, merges=MESSY_MERGES)
    (issue,) = result.warnings[1:]  # after the month_only warning on row 9
    assert (issue.code, issue.row, issue.column, issue.value) == ("total_mismatch", 10, "安置户数（户）", "3000")
    assert issue.message("en") == "The file's total row's “安置户数（户）” says 3,000, but the rows add up to 2,871"
    assert issue.message("zh") == "文件中的合计行的“安置户数（户）”为 3,000，但各行合计为 2,871"


def test_every_error_kind_in_one_workbook(load_rows):
    rows = [
        ["项目名称", "安置户数", "建筑面积（㎡）", "计划交付日期"],
        ["甲村", -5, 1000, "2026-06-30"],  # 2
        ["乙村", "很多", 1000, "2026-06-30"],  # 3
        ["丙村", 10, -1, "2026-06-30"],  # 4
        ["丁村", 10, "大约", "2026-06-30"],  # 5
        ["戊村", 10, 1000, "2021-02-30"],  # 6
        [None, 10, 1000, "2026-06-30"],  # 7
    ]
    result = load_rows(rows)
    assert [(i.code, i.row, i.column, i.value) for i in result.errors] == [
        ("negative", 2, "安置户数", "-5"),
        ("not_a_number", 3, "安置户数", "很多"),
        ("negative", 4, "建筑面积（㎡）", "-1"),
        ("not_a_number", 5, "建筑面积（㎡）", "大约"),
        ("impossible_date", 6, "计划交付日期", "2021-02-30"),
        ("missing_name", 7, "项目名称", ""),
    ]
    assert result.warnings == []


# --- sheets ---------------------------------------------------------------------------------------------------


def test_projects_from_several_sheets_skip_notes_and_hidden_sheets(make_xlsx):
    header = ["项目名称", "区县", "户数"]
    path = make_xlsx(
        sheets=[
            ("说明", [["填表说明"], ["每个区一个工作表"]], []),
            ("历城区", [header, ["甲村", "历城区", 10], ["乙村", "历城区", 20]], []),
            ("章丘区", [["章丘区台账"], header, ["丙村", "章丘区", 30]], []),
            ("旧版", [header, ["丁村", "历城区", 40]], []),
        ],
        hidden=["旧版"],
    )
    result = load_workbook(path)
    assert result.issues == []
    assert list(zip(result.projects["sheet"], result.projects["row"], result.projects["name"])) == [
        ("历城区", 2, "甲村"),
        ("历城区", 3, "乙村"),
        ("章丘区", 3, "丙村"),
    ]


# --- the result and its issues --------------------------------------------------------------------------------


def test_result_errors_warnings_and_ok():
    warning = Issue("month_only", "项目", 3, "计划交付日期", "2021年3月", {"date": "2021-03-31"})
    error = Issue("negative", "项目", 4, "安置户数", "-12")
    result = LoadResult("a.xlsx", empty_projects(), [warning, error])
    assert (result.errors, result.warnings, result.ok) == ([error], [warning], False)
    assert LoadResult("a.xlsx", empty_projects(), [warning]).ok
    assert not LoadResult("a.xlsx", empty_projects(), [], readable=False).ok


def test_issue_as_dict():
    issue = Issue("negative", "项目", 4, "安置户数", "-12")
    assert issue.as_dict("en") == {
        "severity": "error",
        "sheet": "项目",
        "row": 4,
        "column": "安置户数",
        "value": "-12",
        "code": "negative",
        "message": "Must not be negative",
    }
    assert issue.as_dict("zh")["message"] == "不能为负数"
    assert issue.message() == "不能为负数"  # Chinese by default


def test_empty_projects_has_the_canonical_columns_and_types():
    frame = empty_projects()
    assert list(frame.columns) == OUTPUT_COLUMNS and frame.empty
    assert {c: str(frame[c].dtype) for c in ("households", "floor_area_m2", "progress", "deadline", "row")} == {
        "households": "Int64",
        "floor_area_m2": "Float64",
        "progress": "Float64",
        "deadline": "datetime64[ns]",
        "row": "int64",
    }


# --- stages ---------------------------------------------------------------------------------------------------


def test_stage_ids_of_the_samples_and_fixtures():
    zhangqiu = load_workbook(DATA / "sample_zhangqiu_2021.xlsx").projects
    assert nullable(zhangqiu["stage_id"]) == ["allocation"] + [None] * 7  # 电力户表安装完成，正在组织分配
    english = load_workbook(FIXTURES / "english_headers.xlsx").projects
    assert list(english["stage_id"]) == ["handover", "supporting", "topped_out", "start", "acceptance"]
    portfolio = load_workbook(DATA / "sample_portfolio.xlsx").projects
    assert portfolio["stage"].notna().all() and portfolio["stage_id"].notna().all()  # every text maps
    assert portfolio["stage_id"].isin(STAGE_IDS).all()
    assert (portfolio["stage_id"] == "handover").sum() == portfolio["handed_over"].notna().sum() == 17


def test_sample_portfolio_stage_dates():
    result = load_workbook(DATA / "sample_portfolio.xlsx")
    dates = result.stage_dates
    assert list(dates.columns) == STAGE_DATE_COLUMNS
    assert set(dates["sheet"]) == {"节点计划"}
    assert set(dates["stage_id"]) == {"start", "topped_out", "acceptance", "ready", "handover"}
    listed = set(dates["name"])
    assert 40 <= len(listed) < 56 and listed <= set(result.projects["name"])  # most projects, all known
    districts = result.projects.set_index("name")["district"]
    assert all(districts[n] == d for n, d in zip(dates["name"], dates["district"]))
    as_of = pd.Timestamp("2026-11-21")
    assert (dates["actual"] > dates["planned"]).sum() >= 10  # done late
    assert (dates["actual"].isna() & (dates["planned"] < as_of)).sum() >= 5  # planned date passed, not done
    assert (dates["actual"].dropna() <= as_of).all()


def test_a_stage_sheet_is_read_as_stage_dates_not_as_projects(make_xlsx):
    path = make_xlsx(
        sheets=[
            (
                "项目",
                [
                    ["项目名称", "所属区县", "户数", "形象进度"],
                    ["甲村", "历城区", 10, "主体封顶"],
                    ["乙村", "章丘区", 20, "停工"],
                ],
                [],
            ),
            (
                "节点",
                [
                    ["项目名称", "所属区县", "形象进度节点", "计划完成日期", "实际完成日期"],
                    ["甲村", "历城区", "主体封顶", D(2025, 3, 31), D(2025, 4, 20)],
                    ["甲村", "历城区", "联合验收", D(2026, 5, 31), None],
                    ["丙村", "天桥区", "主体封顶", D(2025, 3, 31), None],
                    ["乙村", "章丘区", "完成了一半", D(2025, 3, 31), None],
                    ["乙村", "章丘区", "开工", "2024年13月1日", None],
                ],
                [],
            ),
        ]
    )
    result = load_workbook(path)
    assert list(result.projects["name"]) == ["甲村", "乙村"]  # the stage sheet adds no projects
    assert nullable(result.projects["stage_id"]) == ["topped_out", None]
    assert issue_rows(result) == [
        ("unknown_stage", "warning", "项目", 3, "形象进度", "停工"),
        ("unknown_project", "warning", "节点", 4, "项目名称", "丙村"),
        ("unknown_stage", "warning", "节点", 5, "形象进度节点", "完成了一半"),
        ("impossible_date", "error", "节点", 6, "计划完成日期", "2024年13月1日"),
    ]
    assert [i.message("en") for i in result.warnings] == [
        "Stage “停工” is not recognised; use a standard stage name (Approval … Handed over)",
        "Project “丙村” is not in the project table, so its stage dates match no project",
        "Stage “完成了一半” is not recognised; use a standard stage name (Approval … Handed over)",
    ]
    dates = result.stage_dates
    assert list(zip(dates["sheet"], dates["row"], dates["name"], dates["stage_id"])) == [
        ("节点", 2, "甲村", "topped_out"),
        ("节点", 3, "甲村", "acceptance"),
        ("节点", 4, "丙村", "topped_out"),
    ]
    assert dates["actual"].iloc[0] == pd.Timestamp("2025-04-20") and dates["actual"].iloc[1:].isna().all()


def test_an_english_stage_sheet_is_not_a_second_project_table(make_xlsx):
    # "Stage" alone is a project-table column, so without the stage-sheet check these rows would be projects.
    path = make_xlsx(
        sheets=[
            ("Projects", [["Project", "Households", "Stage"], ["Dongwu", 420, "Topped out"]], []),
            (
                "Milestones",
                [["Project", "Stage", "Planned", "Actual"], ["Dongwu", "Topped out", D(2025, 3, 31), D(2025, 5, 2)]],
                [],
            ),
        ]
    )
    result = load_workbook(path)
    assert result.issues == []
    assert list(result.projects["name"]) == ["Dongwu"]
    assert list(zip(result.stage_dates["name"], result.stage_dates["stage_id"])) == [("Dongwu", "topped_out")]


def test_stage_dates_from_the_stage_columns_and_a_stage_sheet_together(make_xlsx):
    path = make_xlsx(
        sheets=[
            (
                "项目",
                [["项目名称", "户数", "主体封顶计划", "主体封顶实际"], ["甲村", 10, D(2025, 3, 31), D(2025, 4, 2)]],
                [],
            ),
            ("节点", [["项目名称", "节点", "计划时间"], ["甲村", "联合验收", D(2026, 5, 31)]], []),
        ]
    )
    result = load_workbook(path)
    assert result.issues == []
    assert list(zip(result.stage_dates["sheet"], result.stage_dates["stage_id"])) == [
        ("项目", "topped_out"),
        ("节点", "acceptance"),
    ]


def test_stage_dates_are_empty_and_typed_when_there_are_none():
    for result in (
        load_workbook(DATA / "sample_zhangqiu_2021.xlsx"),
        load_bytes(b"", "empty.xlsx"),
        load_bytes(b"hello\r\n", "note.csv"),
        LoadResult("a.xlsx", empty_projects()),
    ):
        dates = result.stage_dates
        assert dates.empty and list(dates.columns) == STAGE_DATE_COLUMNS
        assert dates.dtypes.equals(empty_stage_dates().dtypes)
    assert str(empty_stage_dates()["planned"].dtype) == "datetime64[ns]"
    assert str(empty_projects()["stage_id"].dtype) == "string"


# --- the guard beside the parse ----------------------------------------------------------------------------------

BESIDE_SAMPLES = [
    DATA / "sample_zhangqiu_2021.xlsx",
    DATA / "sample_portfolio.xlsx",
    FIXTURES / "zhangqiu_2021.ods",
    FIXTURES / "zhangqiu_2021.xls",
]


def _hostile_cases() -> list:
    import sys

    sys.path.insert(0, str(FIXTURES / "hostile"))
    from build_hostile import CASES

    return [pytest.param(build, id=name) for name, build, _codes in CASES]


def _loaded_both_ways(monkeypatch, data: bytes, name: str) -> tuple[LoadResult, LoadResult]:
    import loaders.load as L

    monkeypatch.setattr(L, "GUARD_BESIDE_FROM", 10**12)
    alone = load_bytes(data, name)
    monkeypatch.setattr(L, "GUARD_BESIDE_FROM", 0)
    return alone, load_bytes(data, name)


def _same_result(alone: LoadResult, beside: LoadResult) -> None:
    assert beside.readable == alone.readable
    assert [i.as_dict("zh") for i in beside.issues] == [i.as_dict("zh") for i in alone.issues]
    pd.testing.assert_frame_equal(beside.projects, alone.projects)
    pd.testing.assert_frame_equal(beside.stage_dates, alone.stage_dates)
    assert beside.columns == alone.columns


@pytest.mark.parametrize("build", _hostile_cases())
def test_a_hostile_file_gets_the_same_answer_with_its_guard_beside_the_parse(monkeypatch, build):
    _same_result(*_loaded_both_ways(monkeypatch, build(), "file.xlsx"))


@pytest.mark.parametrize("path", [p for p in BESIDE_SAMPLES if p.exists()], ids=lambda p: p.name)
def test_a_workbook_loads_the_same_with_its_guard_beside_the_parse(monkeypatch, path):
    alone, beside = _loaded_both_ways(monkeypatch, path.read_bytes(), path.name)
    assert len(alone.projects) > 0
    _same_result(alone, beside)


def test_the_guards_warnings_come_first_when_it_runs_beside_the_parse(monkeypatch, make_xlsx):
    header = ["项目名称", "所在区", "安置户数", "安置面积（万㎡）", "计划交付时间"]
    rows = [header, ["甲", "历下区", 10, 1.5, "2026-12-31"], ["乙", "历下区", "十", 1.2, "2026-12-31"]]
    data = make_xlsx(rows).read_bytes()
    book = zipfile.ZipFile(io.BytesIO(data))  # the workbook as written, with a formula cell saved without its value
    members = {i.filename: book.read(i.filename) for i in book.infolist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/"))
    formula = b'<row r="9"><c r="C9"><f>SUM(C2:C3)</f></c></row></sheetData>'
    members[sheet] = members[sheet].replace(b"</sheetData>", formula)
    alone, beside = _loaded_both_ways(monkeypatch, _zip_of(**members), "book.xlsx")
    codes = [i.code for i in beside.issues]
    assert codes[0] == "formula_no_value" and len(codes) > 1  # the guard's warning, then the table's
    _same_result(alone, beside)
