"""Text users wrote stays text in every workbook the product writes (``housing.xlsxsafe``): the blank template with
the current districts and streets, and the marked-up copy of an upload, rebuilt (csv) or opened (xlsx).

Each file is checked in its XML, as Excel reads it: no cell holding user text has a ``<f>`` formula, the text is
there as a string (shared or inline), and text Excel would take for a formula carries the quote prefix.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

import pytest
from openpyxl import Workbook

from housing.xlsxsafe import FORMULA_STARTS, MAX_CELL_CHARS, safe_text, write_text, write_value
from loaders import load_bytes
from loaders.annotate import annotate_workbook
from loaders.template import build_template

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HOSTILE = (
    '=HYPERLINK("http://evil.example/x","点我")',
    "=1+1",
    "+1+1",
    "-5",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "#N/A",
    "=cmd|' /C calc'!A0",
)


@dataclass(frozen=True)
class XmlCell:
    """One ``<c>`` of a worksheet as stored: its text (strings only), formula and quote prefix."""

    sheet: str
    ref: str
    text: str | None
    formula: str | None
    quoted: bool


def _text(node) -> str:
    """The text of a ``<si>`` / ``<is>``, runs joined, with the ``_x000D_`` escapes openpyxl writes decoded."""
    raw = "".join(t.text or "" for t in node.iter(f"{{{NS['m']}}}t"))
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), raw)


def xml_cells(data: bytes) -> list[XmlCell]:
    """Every cell of every worksheet in an xlsx, read from the XML itself."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            shared = [_text(si) for si in ElementTree.fromstring(zf.read("xl/sharedStrings.xml")).findall("m:si", NS)]
        styles = ElementTree.fromstring(zf.read("xl/styles.xml"))
        xfs = styles.find("m:cellXfs", NS)
        prefixed = [xf.get("quotePrefix") in ("1", "true") for xf in xfs.findall("m:xf", NS)]
        cells = []
        for member in sorted(n for n in names if n.startswith("xl/worksheets/sheet")):
            root = ElementTree.fromstring(zf.read(member))
            for c in root.iter(f"{{{NS['m']}}}c"):
                kind, f, v, inline = c.get("t"), c.find("m:f", NS), c.find("m:v", NS), c.find("m:is", NS)
                text = None
                if kind == "s" and v is not None:
                    text = shared[int(v.text)]
                elif kind == "inlineStr" and inline is not None:
                    text = _text(inline)
                elif kind == "str" and v is not None:
                    text = v.text
                formula = None if f is None else (f.text or "")
                cells.append(XmlCell(member, c.get("r"), text, formula, prefixed[int(c.get("s", "0"))]))
        return cells


def validation_sources(data: bytes) -> list[str]:
    """The ``formula1`` of every data validation (a list's source) in the workbook."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        return [
            f.text or "" for n in members for f in ElementTree.fromstring(zf.read(n)).iter(f"{{{NS['m']}}}formula1")
        ]


def assert_text_cells(data: bytes, texts) -> None:
    """Each of ``texts`` is in the workbook as a string, in a cell without a formula, quote-prefixed when it
    starts like a formula; and no cell anywhere has a formula made of a user's text."""
    cells = xml_cells(data)
    for text in texts:
        holding = [c for c in cells if c.text is not None and c.text.replace("\r", "\n") == text.replace("\r", "\n")]
        assert holding, f"{text!r} is not stored as a string"
        for cell in holding:
            assert cell.formula is None, cell
            assert cell.quoted == text.startswith(FORMULA_STARTS), cell
    for cell in cells:
        assert cell.formula is None or not any(h.lstrip("=\t\r\n") in cell.formula for h in HOSTILE), cell


# --- the helper ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "data_type", "quoted"),
    [
        ("=1+1", "s", True),
        ('=HYPERLINK("http://evil","x")', "s", True),
        ("+41", "s", True),
        ("-5", "s", True),
        ("@A1", "s", True),
        ("\tx", "s", True),
        ("\nx", "s", True),
        ("#N/A", "s", False),  # openpyxl would store an error value
        ("#DIV/0!", "s", False),
        ("章丘区", "s", False),
        ("a=b", "s", False),
    ],
)
def test_write_text_keeps_text_as_text(value, data_type, quoted):
    ws = Workbook().active
    cell = write_text(ws["A1"], value)
    assert (cell.value, cell.data_type, bool(cell.quotePrefix)) == (value, data_type, quoted)


@pytest.mark.parametrize(("value", "data_type"), [(5, "n"), (-5.5, "n"), (None, "n"), ("=x", "s")])
def test_write_value_leaves_numbers_alone(value, data_type):
    cell = write_value(Workbook().active["A1"], value)
    assert (cell.value, cell.data_type) == (value, data_type)


def test_safe_text_drops_what_xlsx_cannot_hold_and_cuts_at_excels_limit():
    assert safe_text("a\x00b\x1fc") == "abc"
    assert len(safe_text("x" * (MAX_CELL_CHARS + 10))) == MAX_CELL_CHARS
    assert safe_text(12) == "12"


def test_a_prefixed_cell_goes_back_to_plain_text_when_overwritten():
    cell = write_text(Workbook().active["A1"], "=x")
    write_text(cell, "plain")
    assert not cell.quotePrefix and cell.data_type == "s"


# --- the template ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("as_mapping", [True, False])
def test_template_lists_hostile_district_and_street_names_as_text(lang, as_mapping):
    districts = [h for h in HOSTILE if h.strip() == h]  # the template trims names; these survive trimming
    streets = {districts[0]: list(districts[1:]), districts[1]: ["-7"]} if as_mapping else ["-7", *districts[1:]]
    data = build_template(lang, districts, streets)
    assert_text_cells(data, [*districts, "-7"])
    assert not [c for c in xml_cells(data) if c.formula is not None]  # the template has no formulas at all
    for source in validation_sources(data):  # each list is a range on the hidden sheet, never inline user text
        assert re.fullmatch(r"'[^']+'!\$A\$\d+:\$A\$\d+|[\d.]+", source), source


def test_template_trims_names_and_keeps_a_leading_formula_character_after_trimming():
    data = build_template("zh", ["\t=1+1 ", " -3"], {})
    assert_text_cells(data, ["=1+1", "-3"])


# --- the marked-up workbook ------------------------------------------------------------------------------------

HEADER = ["项目名称", "区县", "安置户数", "计划交付日期"]


def hostile_rows() -> list[list[str]]:
    """Project rows whose names, districts and bad values are formula-like text."""
    return [
        [HOSTILE[0], "=1+1", "=2+2", "2026-12-31"],  # households "=2+2": a bad value, shown in the list
        ["+1+1", "-5", "@SUM(A1:A2)", "2026-12-31"],
        ["#N/A", "历城区", "-5", "不是日期"],
    ]


def csv_bytes(rows) -> bytes:
    lines = [",".join('"' + str(v).replace('"', '""') + '"' for v in row) for row in [HEADER, *rows]]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_rebuilt_csv_keeps_every_hostile_value_as_text(lang):
    data = csv_bytes(hostile_rows())
    result = load_bytes(data, "week.csv")
    assert result.issues  # bad values: the list sheet repeats them
    out = annotate_workbook(data, "week.csv", result.issues, lang)
    assert out is not None
    assert_text_cells(out, [HOSTILE[0], "=1+1", "=2+2", "+1+1", "-5", "@SUM(A1:A2)", "#N/A"])
    assert not [c for c in xml_cells(out) if c.formula is not None]


def original_xlsx(rows) -> bytes:
    """An xlsx whose hostile cells are typed text (as Excel stores ``'=1+1``), plus one real formula."""
    book = Workbook()
    ws = book.active
    ws.title = "项目"
    ws.append(HEADER)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c).value = value
            ws.cell(r, c).data_type = "s"
    ws["F1"] = "=1+2"  # the user's own formula stays a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_opened_xlsx_and_its_problem_list_keep_hostile_text_as_text(lang):
    data = original_xlsx(hostile_rows())
    result = load_bytes(data, "week.xlsx")
    out = annotate_workbook(data, "week.xlsx", result.issues, lang)
    assert out is not None
    cells = xml_cells(out)
    summary = sorted({c.sheet for c in cells})[-1]  # the problem list is the last sheet
    listed = [c for c in cells if c.sheet == summary and c.text in ("=2+2", "@SUM(A1:A2)", "-5")]
    assert {c.text for c in listed} == {"=2+2", "@SUM(A1:A2)", "-5"}, "the bad values are listed"
    assert all(c.formula is None and c.quoted for c in listed)
    for cell in cells:  # the project sheet: text cells stay text (not prefixed: we leave the user's cells alone)
        if cell.text in HOSTILE:
            assert cell.formula is None, cell
    assert [c.formula for c in cells if c.formula is not None] == ["1+2"]
