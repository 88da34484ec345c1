"""Control, bidi-override and invisible characters and over-long text in cells: removed or refused, always
with a message naming the cell, never stored (PostgreSQL refuses NUL) and never printed raw (the CLI)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook as openpyxl_load

from loaders import chars, load_bytes, load_workbook
from loaders.annotate import annotate_workbook
from loaders.cli import json_safe, main, shown
from loaders.issues import display_value
from store import versions as V

HEADER = ["项目名称", "区县", "街道", "安置户数", "计划交付日期", "备注"]
DUE = dt.date(2026, 6, 30)

# (cell as typed, value loaded) for each text column of a row; households and deadline below.
DIRTY_ROWS = [
    ["西琅沟\x00", "章丘区", "", 656, DUE, "正常"],
    ["\x1b[31m红", "历城\u202e区", "", 120, DUE, ""],
    ["abc\u202eexe.xlsx", "章丘区", "明水\u2066街道\u2069", 300, DUE, "含\x7f与\x9b"],
    ["白\u200b泉", "\ufeff章丘区", "", "1555\u200b", "2026-04-30\u200b", "\u200d备注\u200c"],
]
CLEAN = {
    "name": ["西琅沟", "[31m红", "abcexe.xlsx", "白泉"],
    "district": ["章丘区", "历城区", "章丘区", "章丘区"],
    "street": [None, None, "明水街道", None],
    "households": [656, 120, 300, 1555],
    "deadline": ["2026-06-30", "2026-06-30", "2026-06-30", "2026-04-30"],
    "notes": ["正常", None, "含与", "备注"],
}
# (Excel row, column header, value shown, characters listed): one warning per cell.
WARNINGS = [
    (2, "项目名称", "西琅沟\\x00", "\\x00"),
    (3, "区县", "历城U+202E区", "U+202E"),
    (3, "项目名称", "\\x1b[31m红", "\\x1b"),
    (4, "备注", "含\\x7f与\\x9b", "\\x7f, \\x9b"),
    (4, "街道", "明水U+2066街道U+2069", "U+2066, U+2069"),
    (4, "项目名称", "abcU+202Eexe.xlsx", "U+202E"),
    (5, "计划交付日期", "2026-04-30U+200B", "U+200B"),
    (5, "区县", "U+FEFF章丘区", "U+FEFF"),
    (5, "备注", "U+200D备注U+200C", "U+200D, U+200C"),
    (5, "安置户数", "1555U+200B", "U+200B"),
    (5, "项目名称", "白U+200B泉", "U+200B"),
]
WARNINGS.sort(key=lambda w: (w[0], w[1]))  # the loader's order: by row, then by column header


def xlsx_bytes(rows: list[list], title: str = "项目") -> bytes:
    """An xlsx holding ``rows`` as typed, control characters included: openpyxl refuses the C0 ones, so they
    are written as Excel's own escape ``_x001B_``, which Excel and calamine read back as the character."""
    from openpyxl import Workbook

    def placeholder(value):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"@@{ord(m.group()):04X}@@", value)

    book = Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append([placeholder(v) if isinstance(v, str) else v for v in row])
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, re.sub(rb"@@([0-9A-F]{4})@@", rb"_x\1_", src.read(info.filename)))
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    return "".join(",".join(str(v) for v in row) + "\r\n" for row in rows).encode(encoding)


def cell_warnings(result) -> list[tuple]:
    return [
        (i.row, i.column, i.value, i.params["chars"])
        for i in result.issues
        if i.code == "control_chars" and i.severity == "warning"
    ]


SOURCES = [
    ("xlsx", lambda: xlsx_bytes([HEADER, *DIRTY_ROWS]), "周报.xlsx", "项目"),
    ("csv", lambda: csv_bytes([HEADER, *DIRTY_ROWS]), "周报.csv", "周报"),
    ("csv_utf16", lambda: b"\xff\xfe" + csv_bytes([HEADER, *DIRTY_ROWS], "utf-16-le"), "周报.csv", "周报"),
]


@pytest.mark.parametrize(("make", "filename", "sheet"), [s[1:] for s in SOURCES], ids=[s[0] for s in SOURCES])
def test_unsafe_characters_are_removed_with_one_warning_per_cell(make, filename, sheet):
    result = load_bytes(make(), filename)
    assert result.ok, result.errors
    frame = result.projects
    for column, expected in CLEAN.items():
        got = [None if pd.isna(v) else v for v in frame[column]]
        if column == "deadline":
            got = [v.date().isoformat() for v in frame[column]]
        assert got == expected, column
    assert cell_warnings(result) == WARNINGS
    assert {i.sheet for i in result.issues} == {sheet}
    assert all(i.code == "control_chars" for i in result.issues)
    for column in ("name", "district", "street", "notes"):
        assert not any(chars.has_unsafe(v) for v in frame[column].dropna())
    issue = result.issues[0]
    assert issue.message("zh") == "已删除单元格中的控制字符或不可见字符（\\x00）"
    assert issue.message("en") == "Removed control or invisible characters from the cell (\\x00)"


def test_the_cleaned_workbook_publishes_on_every_database(engine):
    """PostgreSQL refuses NUL in text: the loaded frame, its stage dates and its issues must all be storable."""
    rows = [HEADER + ["主体封顶计划"], *[row + [DUE] for row in DIRTY_ROWS]]
    data = xlsx_bytes(rows, title="项目\u202e")
    result = load_bytes(data, "周报.xlsx")
    assert result.ok and len(result.stage_dates) == 4
    assert set(result.projects["sheet"]) == {"项目"}
    version = V.publish(
        engine,
        result.projects,
        content=data,
        filename="周报.xlsx",
        uploader="张三",
        issues=result.issues,
        stage_dates=result.stage_dates,
    )
    back = V.version_projects(engine, version.id)
    pd.testing.assert_frame_equal(back, result.projects[back.columns])
    assert list(back["name"]) == CLEAN["name"]
    pd.testing.assert_frame_equal(V.version_stage_dates(engine, version.id), result.stage_dates)
    stored = [(i.code, i.value) for i in version.warnings]
    assert stored == [(i.code, i.value) for i in result.warnings] and len(stored) == len(WARNINGS) + 1


@pytest.mark.parametrize(
    ("title", "expected"),
    [("项目\u202e", "项目"), ("\u200b项目表", "项目表"), ("Sheet\x7f1", "Sheet1")],
)
def test_a_sheet_name_with_unsafe_characters_is_cleaned_with_a_warning(title, expected):
    result = load_bytes(xlsx_bytes([["项目名称", "户数"], ["西琅沟", 656]], title=title), "周报.xlsx")
    assert list(result.projects["sheet"]) == [expected]
    (issue,) = result.issues
    assert (issue.code, issue.severity, issue.sheet, issue.value) == (
        "control_chars_sheet",
        "warning",
        expected,
        chars.visible(title),
    )


def test_a_csv_named_with_an_escape_sequence_gets_a_clean_sheet_name():
    result = load_bytes(csv_bytes([["项目名称", "户数"], ["西琅沟", 656]]), "台账\x1b[2J.csv")
    assert list(result.projects["sheet"]) == ["台账[2J"]
    assert [(i.code, i.value) for i in result.issues] == [("control_chars_sheet", "台账\\x1b[2J")]


def test_a_cell_of_only_invisible_characters_is_empty():
    rows = [["项目名称", "区县", "户数"], ["西琅沟", "\u200b\ufeff", 656], ["\x00", "章丘区", 10]]
    result = load_bytes(xlsx_bytes(rows), "周报.xlsx")
    assert [None if pd.isna(v) else v for v in result.projects["district"]] == [None]
    codes = [(i.code, i.row, i.column) for i in result.issues]
    assert codes == [("control_chars", 2, "区县"), ("control_chars", 3, "项目名称"), ("missing_name", 3, "项目名称")]


def test_a_stage_sheet_with_invisible_characters_matches_its_projects():
    from tests.conftest import write_xlsx  # noqa: F401  (the stage sheet needs two sheets: built below)

    out = io.BytesIO()
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "项目"
    for row in (["项目名称", "户数"], ["西琅沟", 656]):
        book.active.append(row)
    stages = book.create_sheet("节点")
    for row in (["项目名称", "节点", "计划完成日期"], ["西琅沟\u200b", "主体封顶", DUE]):
        stages.append(row)
    book.save(out)
    result = load_bytes(out.getvalue(), "周报.xlsx")
    assert [(i.code, i.sheet, i.row, i.column) for i in result.issues] == [("control_chars", "节点", 2, "项目名称")]
    assert list(result.stage_dates["name"]) == ["西琅沟"]


# --- over-long text ---------------------------------------------------------------------------------------

LIMIT = {"max_text_chars": 10}


@pytest.mark.parametrize(
    ("column", "text", "code", "stored"),
    [
        ("项目名称", "一" * 10, None, "一" * 10),
        ("项目名称", "一" * 11, "text_too_long", "一" * 10),
        ("区县", "区" * 11, "text_too_long", "区" * 10),
        ("街道", "街" * 11, "text_too_long", "街" * 10),
        ("形象进度", "主体封顶" * 3, "text_too_long", "主体封顶主体封顶主体"),
        ("责任单位", "单" * 11, "text_too_long", "单" * 10),
        ("备注", "注" * 10, None, "注" * 10),
        ("备注", "注" * 25, "text_cut", "注" * 10),
    ],
)
def test_text_over_the_limit_is_refused_or_cut_never_silently(column, text, code, stored):
    header = ["项目名称", "户数", column] if column != "项目名称" else ["项目名称", "户数"]
    row = ["西琅沟", 656, text] if column != "项目名称" else [text, 656]
    result = load_bytes(xlsx_bytes([header, row]), "周报.xlsx", overrides=LIMIT)
    field = {"项目名称": "name", "区县": "district", "街道": "street", "形象进度": "stage"}
    field |= {"责任单位": "unit", "备注": "notes"}
    assert list(result.projects[field[column]]) == [stored]
    found = [(i.code, i.severity, i.row, i.column, i.params) for i in result.issues if i.code != "unknown_stage"]
    if code is None:
        assert found == []
    else:
        severity = "warning" if code == "text_cut" else "error"
        assert found == [(code, severity, 2, column, {"length": len(text), "limit": 10})]


def test_the_default_limit_is_1000_characters():
    rows = [["项目名称", "户数", "备注"], ["甲" * 1000, 1, "注" * 1000], ["乙" * 1001, 2, "注" * 1001]]
    result = load_bytes(xlsx_bytes(rows), "周报.xlsx")
    assert [(i.code, i.row, i.column) for i in result.issues] == [
        ("text_cut", 3, "备注"),
        ("text_too_long", 3, "项目名称"),
    ]
    assert result.issues[1].message("en") == "The text is too long (1001 characters); the limit is 1000"
    assert result.issues[0].message("zh") == "备注过长（1001 个字符），只保留了前 1000 个字符"
    assert len(result.issues[1].value) == 201 and result.issues[1].value.endswith("…")


@pytest.mark.parametrize(
    ("value", "shown_value"),
    [
        (None, ""),
        (656.0, "656"),
        ("西琅沟\x00", "西琅沟\\x00"),
        ("\x1b[31m", "\\x1b[31m"),
        ("abc\u202eexe", "abcU+202Eexe"),
        ("a" * 300, "a" * 200 + "…"),
    ],
)
def test_issue_values_show_what_was_there(value, shown_value):
    assert display_value(value) == shown_value


# --- the characters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cleaned", "visible", "listed"),
    [
        ("西琅沟", "西琅沟", "西琅沟", ""),
        ("a\tb\nc\rd", "a\tb\nc\rd", "a\tb\nc\rd", ""),  # whitespace is the loader's to collapse
        ("\x00\x01\x08\x0b\x0c\x0e\x1f", "", "\\x00\\x01\\x08\\x0b\\x0c\\x0e\\x1f", "\\x00, \\x01, \\x08, \\x0b"),
        ("\x7f\x80\x9b\x9f", "", "\\x7f\\x80\\x9b\\x9f", "\\x7f, \\x80, \\x9b, \\x9f"),
        ("\u202a\u202b\u202c\u202d\u202e", "", "U+202AU+202BU+202CU+202DU+202E", "U+202A, U+202B, U+202C"),
        ("\u2066\u2067\u2068\u2069", "", "U+2066U+2067U+2068U+2069", "U+2066, U+2067, U+2068, U+2069"),
        ("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff", "", None, None),
        ("\ud800x", "x", "U+D800x", "U+D800"),  # a lone surrogate: no encoder takes it
        ("\U000e0041", "", "U+E0041", "U+E0041"),  # a tag character
        ("全角　空格", "全角　空格", "全角　空格", ""),
    ],
)
def test_unsafe_characters(text, cleaned, visible, listed):
    assert chars.clean(text) == cleaned
    assert chars.has_unsafe(text) is (cleaned != text)
    if visible is not None:
        assert chars.visible(text) == visible
    if listed is not None:
        assert chars.listed(text).startswith(listed)


def test_visible_on_one_line_shows_line_breaks_too():
    assert chars.visible("a\tb\nc\r", lines=True) == "a\\x09b\\x0ac\\x0d"
    assert chars.visible("a\u2028b", lines=True) == "aU+2028b"


# --- the command line -----------------------------------------------------------------------------------------

EVIL_NAME = "周报\x1b]0;pwned\x07\u202eslx.csv"


def _no_raw_unsafe(text: str) -> bool:
    return not chars.has_unsafe(text) and "\x1b" not in text


@pytest.mark.parametrize("as_json", [False, True])
def test_the_cli_never_prints_a_control_character(tmp_path, capsys, as_json):
    path = tmp_path / EVIL_NAME
    rows = [HEADER, *DIRTY_ROWS, ["坏值", "章丘区", "", "12\x1b[31m", DUE, ""]]
    path.write_bytes(csv_bytes(rows))
    code = main(["summary", str(path), "--as-of", "2026-01-01", *(["--json"] if as_json else [])])
    out, err = capsys.readouterr()
    assert code == 1  # the bad number
    assert _no_raw_unsafe(out) and _no_raw_unsafe(err)
    if as_json:
        summary = json.loads(out)
        assert summary["file"] == EVIL_NAME  # the same JSON value, escaped
        assert [p["name"] for p in summary["projects_detail"]][:4] == CLEAN["name"]
    else:
        assert "周报\\x1b]0;pwned\\x07U+202Eslx.csv" in out
        assert "西琅沟\\x00" in out and "\\x1b[31m红" in out


def test_the_cli_message_for_an_unreadable_file_is_safe(tmp_path, capsys):
    assert main(["summary", str(tmp_path / EVIL_NAME)]) == 2
    out, err = capsys.readouterr()
    assert _no_raw_unsafe(err) and err.strip()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("西琅沟", "西琅沟"), ("a\x1b[2Jb", "a\\x1b[2Jb"), ("x\ny", "x\\x0ay"), (12, "12"), ("\u202e", "U+202E")],
)
def test_shown(value, expected):
    assert shown(value) == expected


@pytest.mark.parametrize("value", ["\x7f\x9b", "abc\u202eexe", "\u200b", "\ud800", "\U000e0041", "正常", "\x00\x1b"])
def test_json_safe_keeps_the_json_value(value):
    dumped = json_safe(json.dumps({"v": value}, ensure_ascii=False))
    assert json.loads(dumped) == {"v": value}
    assert _no_raw_unsafe(dumped)


# --- the marked-up copy -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (xlsx_bytes([HEADER, *DIRTY_ROWS], title="项目\u202e"), "周报.xlsx"),
        (csv_bytes([HEADER, *DIRTY_ROWS]), "台账\x1b[2J.csv"),
    ],
    ids=["xlsx", "csv"],
)
def test_the_marked_up_copy_of_a_dirty_file_opens(data, filename):
    result = load_bytes(data, filename)
    marked = annotate_workbook(data, filename, result.issues, "zh")
    assert marked is not None
    book = openpyxl_load(io.BytesIO(marked))
    assert all(not chars.has_unsafe(ws.title) for ws in book.worksheets if ws.title != "项目\u202e")
    data_sheet = book.worksheets[0]
    assert data_sheet["A2"].comment is not None  # the name cell of the first warning is marked


def test_loading_a_file_from_disk_too(tmp_path):
    path = tmp_path / "dirty.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, *DIRTY_ROWS]))
    assert cell_warnings(load_workbook(path)) == WARNINGS


def test_every_unsafe_character_is_non_printable():
    """``chars.clean`` / ``has_unsafe`` skip printable text without the regular expression: that needs every
    character of the class to be non-printable (else it would slip through unseen)."""
    unsafe = [chr(c) for c in range(0x110000) if chars.UNSAFE.match(chr(c))]
    assert len(unsafe) > 2000  # C0, C1, bidi, zero-width, surrogates, tags
    assert not any(ch.isprintable() for ch in unsafe)
    assert all(chars.has_unsafe(f"项目{ch}名称") and chars.clean(f"项目{ch}名称") == "项目名称" for ch in unsafe)


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("西琅沟\n二期", "西琅沟 二期"), ("西琅沟\r\n二期", "西琅沟 二期"), ("西琅沟\u2028二期", "西琅沟 二期")]
    + [("西琅沟\u3000二期", "西琅沟\u3000二期"), ("西琅沟  二期", "西琅沟 二期"), ("西琅沟\t二期", "西琅沟 二期")],
)
def test_line_breaks_in_text_are_collapsed_and_nothing_else(cell, stored):
    result = load_bytes(xlsx_bytes([["项目名称", "户数"], [cell, 1]]), "周报.xlsx")
    assert list(result.projects["name"]) == [stored] and result.issues == []
