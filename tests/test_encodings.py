"""CSV text in every encoding Chinese offices write: ``loaders.reading.decode_text``, ``sniff_format`` and the
traditional-character headers of Big5 files (``loaders.schema.to_simplified``)."""

from __future__ import annotations

import pytest

from loaders import load_bytes
from loaders.reading import ReadError, decode_text, looks_binary, sniff_format, utf16_without_bom
from loaders.schema import area_factor, match_header, match_stage_date_header

NAMES = ["西琅沟", "白泉", "月官"]
NAMES_TRADITIONAL = ["西琅溝", "白泉", "月官"]
HEADER = ["项目名称", "所属区县", "安置户数", "总建筑面积（万平方米）", "备注"]
HEADER_TRADITIONAL = ["項目名稱", "所屬區縣", "安置戶數", "總建築面積（萬平方米）", "備註"]
NOTES = ["安置明水街道明一、明二及辛庄小区群众", "安置原白泉村群众", ""]
NOTES_TRADITIONAL = ["安置明水街道明一、明二及辛莊小區群眾", "安置原白泉村群眾", ""]


def csv_text(header, names, notes, delimiter=",", district="章丘区") -> str:
    lines = [delimiter.join(header)]
    for name, households, note in zip(names, [656, 1555, 803], notes):
        lines.append(delimiter.join([name, district, str(households), "21.26", note]))
    return "\r\n".join(lines) + "\r\n"


SIMPLIFIED = csv_text(HEADER, NAMES, NOTES)
TRADITIONAL = csv_text(HEADER_TRADITIONAL, NAMES_TRADITIONAL, NOTES_TRADITIONAL, district="章丘區")


def encode(text: str, encoding: str) -> bytes:
    """``text`` in ``encoding``; ``utf-16-le-bom`` / ``utf-16-be-bom`` with their byte-order mark written first."""
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


SIMPLIFIED_ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "gb18030",
    "gbk",
    "utf-16",
    "utf-16-le-bom",
    "utf-16-be-bom",
    "utf-16-le",  # no mark: recognised by its NUL bytes
    "utf-16-be",
    "utf-32",
]
TRADITIONAL_ENCODINGS = ["big5", "cp950", "big5hkscs", "utf-8", "utf-16-le-bom"]
CASES = [(SIMPLIFIED, e, NAMES, NOTES) for e in SIMPLIFIED_ENCODINGS]
CASES += [(TRADITIONAL, e, NAMES_TRADITIONAL, NOTES_TRADITIONAL) for e in TRADITIONAL_ENCODINGS]


@pytest.mark.parametrize("delimiter", [",", "\t"])
@pytest.mark.parametrize(("text", "encoding", "names", "notes"), CASES, ids=[f"{c[1]}-{c[2][0]}" for c in CASES])
def test_the_names_round_trip_through_every_encoding(text, encoding, names, notes, delimiter):
    data = encode(text.replace(",", delimiter), encoding)
    assert sniff_format(data, "台账.csv") == "csv"
    assert decode_text(data) == text.replace(",", delimiter)
    result = load_bytes(data, "台账.csv")
    assert result.ok and result.issues == []
    assert list(result.projects["name"]) == names
    assert list(result.projects["households"]) == [656, 1555, 803]
    assert list(result.projects["floor_area_m2"]) == [212_600.0] * 3  # 萬平方米 is 万平方米
    assert [n if isinstance(n, str) else "" for n in result.projects["notes"]] == notes


@pytest.mark.parametrize("filename", ["台账.txt", "台账.xls", "台账.csv", ""])
def test_excels_unicode_text_export_is_read(filename):
    """Excel's "Unicode text" (文本文件 Unicode): UTF-16 LE with a mark, tab-separated, under any name."""
    data = b"\xff\xfe" + SIMPLIFIED.replace(",", "\t").encode("utf-16-le")
    assert b"\x00" in data[:64]  # what made it "not a spreadsheet" before
    result = load_bytes(data, filename)
    assert result.ok and list(result.projects["name"]) == NAMES


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        # the names alone, no header words to help: the characters decide
        ("Project,Households\r\n西琅溝,656\r\n白泉,1555\r\n月官,803\r\n", "cp950"),
        ("Project,Households\r\n西琅沟,656\r\n白泉,1555\r\n月官,803\r\n", "gb18030"),
        ("西琅溝", "cp950"),
        ("西琅沟", "gb18030"),
        ("月官", "cp950"),
        ("月官", "gb18030"),
        ("䶮村安置区,120\r\n", "gb18030"),  # four bytes in GB18030, not in GBK
        ("項目名稱,戶數\r\n灣仔安置區,120\r\n", "big5hkscs"),
    ],
)
def test_gb_and_big5_are_told_apart_by_what_the_text_says(text, encoding):
    assert decode_text(text.encode(encoding)) == text


def test_big5_bytes_also_decode_as_gb18030_but_read_as_nonsense():
    """Why the choice is needed: the Big5 bytes of 西琅溝 are valid GB18030 too, decoding to something else."""
    data = "西琅溝,白泉,月官".encode("big5")
    assert data.decode("gb18030") != "西琅溝,白泉,月官"
    assert decode_text(data) == "西琅溝,白泉,月官"


UNKNOWN = [
    ("odd_utf16", b"\xff\xfe\xff,1\r\n"),  # a UTF-16 mark and an odd number of bytes
    ("latin1", "Café,Crème brûlée\r\n1,2\r\n".encode("latin-1")),
    ("random", bytes(b for b in bytes(range(1, 256)) * 16)),
    ("neither_plausible", bytes([0xF0, 0x50, 0xE0, 0x60] * 100) + b",1\r\n"),  # rare GBK/4 and Big5 level 2
    ("bad_tail", "项目名称,户数\r\n".encode("gb18030") * 5000 + b"\xff\xff\r\n"),  # past the sample
]


@pytest.mark.parametrize("data", [u[1] for u in UNKNOWN], ids=[u[0] for u in UNKNOWN])
def test_bytes_in_no_supported_encoding_are_one_clear_error(data):
    with pytest.raises(ReadError) as caught:
        decode_text(data)
    assert caught.value.issue.code == "unknown_encoding"
    result = load_bytes(data, "台账.csv")
    assert not result.readable and [i.code for i in result.issues] == ["unknown_encoding"]
    issue = result.issues[0]
    for encoding in ("UTF-8", "GBK/GB18030", "UTF-16", "Big5"):
        assert encoding in issue.message("zh") and encoding in issue.message("en")


def test_the_neither_plausible_bytes_do_decode_in_both():
    """The case above is not a decoding failure: both candidates decode, and neither reads as text."""
    data = bytes([0xF0, 0x50, 0xE0, 0x60] * 100)
    assert data.decode("gb18030") and data.decode("cp950")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("项目名称,户数\r\n".encode("utf-16-le"), "utf-16-le"),
        ("项目名称,户数\r\n".encode("utf-16-be"), "utf-16-be"),
        ("Project,Households\r\n".encode("utf-16-le"), "utf-16-le"),
        ("项目名称,户数\r\n".encode(), None),
        (b"a\x00b,c\r\n", None),  # one NUL is a stray character in a cell, not UTF-16
        (b"PK\x05\x06" + b"\x00" * 18, None),  # NULs at both offsets: binary
        (bytes(range(256)) * 4, None),
    ],
)
def test_utf16_without_a_mark_is_recognised_by_its_nul_bytes(data, expected):
    assert utf16_without_bom(data) == expected


@pytest.mark.parametrize(
    ("data", "binary"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", True),
        (bytes(range(256)) * 16, True),
        (b"\xff\xfe" + "项目名称\t户数\r\n".encode("utf-16-le"), False),
        ("项目名称,户数\r\n".encode("utf-16-be"), False),
        ("项目名称,户数\r\n西琅沟\x00,656\r\n".encode(), False),  # a stray NUL in a cell
        ("项目名称,户数\r\n".encode(), False),
    ],
)
def test_binary_files_are_told_from_text_with_a_stray_nul(data, binary):
    assert looks_binary(data) is binary


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        ("項目名稱", "name", ""),
        ("項目", "name", ""),
        ("安置戶數", "households", ""),
        ("戶數", "households", ""),
        ("區", "district", ""),
        ("縣", "district", ""),
        ("所屬區縣", "district", ""),
        ("鎮", "street", ""),
        ("總建築面積（萬平方米）", "floor_area", "万平方米"),
        ("開工日期", "start", ""),
        ("計劃交付日期", "deadline", ""),
        ("計畫交付日期", "deadline", ""),  # Taiwan writes 計畫
        ("實際交付日期", "handed_over", ""),
        ("形象進度", "stage", ""),
        ("完成進度", "progress", ""),
        ("責任單位", "unit", ""),
        ("備註", "notes", ""),
        ("備注", "notes", ""),
        ("編號", "seq", ""),
    ],
)
def test_traditional_headers_are_understood(header, field, unit):
    column, found_unit = match_header(header)
    assert column is not None and column.field == field
    assert found_unit == unit
    if field == "floor_area":
        assert area_factor(found_unit) == 10_000.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [("主體封頂計劃", ("topped_out", "planned")), ("主體封頂實際", ("topped_out", "actual"))],
)
def test_traditional_stage_date_headers_are_understood(header, expected):
    assert match_stage_date_header(header) == expected


def test_a_big5_file_with_traditional_stage_names():
    text = "項目名稱,戶數,形象進度,主體封頂計劃\r\n西琅溝,656,主體封頂,2021年3月31日\r\n白泉,1555,聯合驗收,\r\n"
    result = load_bytes(text.encode("big5"), "台賬.csv")
    assert result.ok and result.issues == []
    assert list(result.projects["stage"]) == ["主體封頂", "聯合驗收"]  # stored as written
    assert list(result.projects["stage_id"]) == ["topped_out", "acceptance"]
    assert list(result.stage_dates["stage_id"]) == ["topped_out"]
