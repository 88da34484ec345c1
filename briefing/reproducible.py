"""The same briefing gives the same file, byte for byte, whoever makes it and whenever.

The download buttons and ``python -m briefing build`` must hand out the same file for the same inputs, so the
only clock a file carries is the briefing's own as-of date: the document properties (created, modified, last
modified by) and every zip entry's date are set from it instead of the time the file was written. Everything
else the renderers write is already a function of the briefing (chart images included: the same figure gives
the same PNG from the same chromium).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from briefing.blocks import Briefing
from housing.i18n import t

ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest date a zip entry can hold


def stamp(b: Briefing) -> dt.datetime:
    """The moment a briefing's files say they were made: midnight UTC of its as-of date (never before 1980)."""
    return max(dt.datetime.combine(b.as_of, dt.time(), tzinfo=dt.UTC), ZIP_EPOCH)


def author(b: Briefing) -> str:
    """Who the files say made them: the product, in the briefing's language (never the library or a person)."""
    return t("app_title", b.lang)


def fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """An OOXML package (a zip) with every entry dated ``when``, in its order, contents and compression unchanged."""
    out = io.BytesIO()
    stamp_parts = when.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp_parts)
            info.compress_type, info.external_attr = entry.compress_type, entry.external_attr
            target.writestr(info, source.read(entry))
    return out.getvalue()
