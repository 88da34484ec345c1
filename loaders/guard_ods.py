"""Pre-checks for OpenDocument spreadsheets (.ods) before calamine sees them.

An .ods cell can say "repeat me 16,384 times" and a row "repeat me a million times"; calamine expands every
repeated cell that holds a value, so a 1 KB file can stand for billions of cells. The zip is checked like an
xlsx's; then, only when content.xml uses large repeat counts at all, one streaming pass over it counts the
cells the repeats really stand for (empty repeated cells, which office programs write for formatting, cost
nothing and are not counted).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from loaders.guard import Extent, GuardError, check_extent, check_members, check_xml, local_name, read_member
from loaders.issues import Issue

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ROWS_REPEATED = f"{{{_TABLE_NS}}}number-rows-repeated"
_COLS_REPEATED = f"{{{_TABLE_NS}}}number-columns-repeated"
_VALUE_TYPE = f"{{{_OFFICE_NS}}}value-type"
_NAME = f"{{{_TABLE_NS}}}name"
_TABLE = re.compile(rb"<(?:[^\s<>/:=\"']+:)?table[\s/>]")
_ROW = re.compile(rb"<(?:[^\s<>/:=\"']+:)?table-row[\s/>]")
_BIG_REPEAT = re.compile(rb"number-(?:rows|columns)-repeated\s*=\s*[\"']\s*\+?0*\d{3,}")


def guard_ods(data: bytes, settings: dict) -> None:
    """Refuse an .ods whose parts, sheets or repeated cells are beyond the limits; raises ``GuardError``."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        check_members(zf, settings["max_unzipped_mb"])
        try:
            xml = read_member(zf, "content.xml", settings["max_unzipped_mb"])
        except KeyError as exc:
            raise GuardError(Issue("damaged")) from exc
    check_xml(xml)
    sheets = len(_TABLE.findall(xml))
    if sheets > settings["max_sheets"]:
        raise GuardError(Issue("too_many_sheets", params={"count": sheets, "limit": settings["max_sheets"]}))
    # The exact (streaming, slower) pass only when repeats or the sheer number of rows could break a limit.
    if _BIG_REPEAT.search(xml) or _count(_ROW, xml) > settings["max_rows"]:
        for extent in ods_extents(xml):
            check_extent(extent.sheet, extent.rows, extent.cols, extent.cells, settings)


def _count(pattern: re.Pattern, xml: bytes) -> int:
    """How many times ``pattern`` occurs, without building the list of matches."""
    return sum(1 for _ in pattern.finditer(xml))


def _repeat(element: ElementTree.Element, name: str) -> int:
    try:
        return max(1, int(element.get(name, "1")))
    except ValueError:
        return 1


def ods_file_extents(data: bytes, max_unzipped_mb: float) -> list[Extent]:
    """``ods_extents`` of an .ods file's content.xml (the counterpart of ``xlsx_extents``)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return ods_extents(read_member(zf, "content.xml", max_unzipped_mb))


def ods_extents(xml: bytes) -> list[Extent]:
    """Each sheet's extent as calamine would expand it, in one streaming pass (elements freed as it goes)."""
    extents: list[Extent] = []
    row_index = col_index = row_cells = row_width = 0
    for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        name = local_name(element.tag)
        if event == "start":
            if name == "table":
                extents.append(Extent(element.get(_NAME, "")))
                row_index = 0
            elif name == "table-row":
                col_index = row_cells = row_width = 0
            continue
        if name in ("table-cell", "covered-table-cell"):
            repeat = _repeat(element, _COLS_REPEATED)
            if element.get(_VALUE_TYPE) or len(element):
                row_cells += repeat
                row_width = col_index + repeat
            col_index += repeat
            element.clear()
        elif name == "table-row" and extents:
            repeat = _repeat(element, _ROWS_REPEATED)
            extent = extents[-1]
            if row_cells:
                extent.rows = row_index + repeat
                extent.cols = max(extent.cols, row_width)
                extent.cells += row_cells * repeat
            row_index += repeat
            element.clear()
    return extents
