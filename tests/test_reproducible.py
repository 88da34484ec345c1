"""briefing.reproducible: a briefing's files carry its as-of date, never the clock, so the same briefing gives the
same bytes (the app's downloads and the command line agree; tests/test_downloads.py compares them)."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile

import pytest
from briefings import edge_briefing
from pptx import Presentation
from pypdf import PdfReader

from briefing import reproducible
from briefing.pdf import render_pdf
from briefing.pptx import render_pptx
from briefing.reproducible import fixed_zip, stamp
from briefing.xlsx import render_xlsx

MIDNIGHT = dt.datetime(2021, 5, 1, tzinfo=dt.UTC)  # edge_briefing is as of 2021-05-01


def test_the_stamp_is_midnight_utc_of_the_as_of_date_and_never_before_1980():
    b = edge_briefing()
    assert stamp(b) == MIDNIGHT
    from dataclasses import replace

    assert stamp(replace(b, as_of=dt.date(1970, 1, 1))) == reproducible.ZIP_EPOCH


@pytest.mark.parametrize("render", [render_pptx, render_xlsx], ids=["pptx", "xlsx"])
def test_every_zip_entry_and_the_document_dates_are_the_briefings(render):
    data = render(edge_briefing("en"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {info.date_time for info in package.infolist()} == {(2021, 5, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    dates = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core)
    assert sorted(dates) == [("created", "2021-05-01T00:00:00Z"), ("modified", "2021-05-01T00:00:00Z")]
    assert "Steve Canny" not in core and "python-pptx" not in core  # the template's author and note are gone
    assert "Resettlement Housing Delivery" in core


def test_the_decks_properties_name_the_briefing_and_the_product():
    props = Presentation(io.BytesIO(render_pptx(edge_briefing()))).core_properties
    assert (props.title, props.author, props.last_modified_by) == ("调度会", "安置房交付看板", "安置房交付看板")
    assert props.created == props.modified == MIDNIGHT.replace(tzinfo=None)


def test_the_pdf_is_dated_from_the_briefing():
    data = render_pdf(edge_briefing())
    assert PdfReader(io.BytesIO(data)).metadata.creation_date == MIDNIGHT
    assert b"/CreationDate (D:20210501000000Z)" in data


def test_the_same_briefing_gives_the_same_bytes_seconds_later():
    renders = (render_pptx, render_pdf, render_xlsx)
    first = [render(edge_briefing()) for render in renders]
    time.sleep(2.1)  # zip entries keep the time to two seconds, the PDF's date to the second
    assert [render(edge_briefing()) for render in renders] == first


def test_fixed_zip_keeps_the_entries_their_order_and_contents():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("b.xml", "<b/>")
        z.writestr("a.bin", bytes(range(256)))
    fixed = fixed_zip(out.getvalue(), MIDNIGHT)
    with zipfile.ZipFile(io.BytesIO(fixed)) as z:
        assert [i.filename for i in z.infolist()] == ["b.xml", "a.bin"]
        assert z.read("a.bin") == bytes(range(256)) and z.read("b.xml") == b"<b/>"
        assert {i.date_time for i in z.infolist()} == {(2021, 5, 1, 0, 0, 0)}
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
