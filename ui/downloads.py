"""The meeting briefing as files: PPTX, PDF and Excel download buttons for the districts and sections in force.

Shown in the presentation page's settings and on the overview next to its link to the presentation. Each file
is made only when its button is pressed (Streamlit's deferred ``data``), by ``briefing.files.write_file``, the
same function the command line uses, so a download and ``python -m briefing build`` give the same bytes for
the same inputs; the download is recorded in the audit trail as the signed-in account.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import streamlit as st

from briefing.files import MIME_TYPES, RENDERERS, charts_drawable, file_name, write_file
from housing.i18n import t
from ui.context import View, audited_download
from ui.data import briefing_for, engine

LABELS = {"pptx": "dl_pptx", "pdf": "dl_pdf", "xlsx": "dl_xlsx"}  # format -> its button's catalogue key
ICONS = {"pptx": ":material/slideshow:", "pdf": ":material/picture_as_pdf:", "xlsx": ":material/table_view:"}


def briefing_file(view: View, districts: tuple[str, ...], sections: tuple[str, ...], fmt: str) -> bytes:
    """The briefing of the view's data, date and language for ``districts`` and ``sections`` as a ``fmt`` file
    (the presentation's own briefing, from the same cache)."""
    return write_file(briefing_for(view, districts, sections), fmt).data


def audit_filters(view: View, districts: tuple[str, ...], sections: tuple[str, ...], fmt: str) -> dict[str, object]:
    """What the audit trail records with the download: the file and the choice it was made for."""
    source = view.source
    data = source.version.id if source.version else source.sample.file if source.sample else None
    return {
        "file": file_name(view.lang, view.as_of, fmt),
        "as_of": view.as_of.isoformat(),
        "lang": view.lang,
        "data": data,
        "districts": list(districts),
        "sections": list(sections),
    }


@lru_cache(maxsize=2)
def pdf_font_problem(lang: str) -> str:
    """Why the PDF cannot be made on this server (no CJK font), in ``lang``; empty when it can. Looked up once
    per process: fonts are installed with the server, not while it runs."""
    from briefing.pdf import FontMissing, find_font  # fpdf2 is imported only for the PDF

    try:
        find_font("Regular", lang)
    except FontMissing as missing:
        return str(missing)
    return ""


def _maker(view: View, districts: tuple[str, ...], sections: tuple[str, ...], fmt: str) -> Callable[[], bytes]:
    return lambda: briefing_file(view, districts, sections, fmt)


def briefing_downloads(view: View, districts: tuple[str, ...], sections: tuple[str, ...], key: str) -> None:
    """A PPTX, a PDF and an Excel button for the briefing (``key`` prefixes the buttons' keys), and a note when
    this server cannot draw the charts or lacks the font the PDF needs."""
    lang = view.lang
    font_problem = pdf_font_problem(lang)
    with st.container(horizontal=True, gap="small", key=f"{key}_downloads"):
        for fmt in RENDERERS:
            filters = audit_filters(view, districts, sections, fmt)
            st.download_button(
                t(LABELS[fmt], lang),
                # recorded in the audit trail as the signed-in account when the user clicks, then written
                data=audited_download(engine(), fmt, filters, _maker(view, districts, sections, fmt)),
                file_name=str(filters["file"]),
                mime=MIME_TYPES[fmt],
                on_click="ignore",
                icon=ICONS[fmt],
                key=f"{key}_{fmt}",
                help=font_problem if fmt == "pdf" and font_problem else t("dl_help", lang),
                disabled=fmt == "pdf" and bool(font_problem),
            )
    if font_problem:
        st.caption(font_problem)
    if not charts_drawable():  # the deck and the PDF then carry a note where each chart would be
        st.caption(t("dl_no_browser", lang))
