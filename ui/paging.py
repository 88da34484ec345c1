"""A long list one page at a time: which page is shown (kept in the session), its row window, and the pager.

The page's position lives in ``st.session_state[key]``; ``listed`` names the list (the file and version it was
compared with, the two versions, the filters): when it changes the list starts again on its first page, so a
new comparison never opens on page 37 of the previous one. Rows come from ``ui.tables.page_window`` (the
overview's risk list pages with the same arithmetic); texts from the risk list's pager.
"""

from __future__ import annotations

import streamlit as st

from housing.fmt import fmt_int
from housing.i18n import t
from ui.tables import PAGE_ROWS, page_count, page_window


def _list_key(key: str) -> str:
    return f"{key}__listed"


def shown_page(key: str, count: int, listed: object, rows: int = PAGE_ROWS) -> tuple[int, int, int]:
    """The page of a ``count``-row list to show now and its first and past-the-last row (see the module)."""
    if st.session_state.get(_list_key(key)) != listed:
        st.session_state[_list_key(key)], st.session_state[key] = listed, 0
    page, first, last = page_window(count, int(st.session_state.get(key, 0)), rows)
    st.session_state[key] = page
    return page, first, last


def _turn(key: str, step: int) -> None:
    """A pager button's callback: a page on or back (the page then runs again)."""
    st.session_state[key] = int(st.session_state.get(key, 0)) + step


def pager(key: str, count: int, page: int, lang: str, rows: int = PAGE_ROWS) -> None:
    """Previous / next around "第 3 / 660 页", only when the list takes more than one page."""
    pages = page_count(count, rows)
    if pages == 1:
        return
    with st.container(horizontal=True, vertical_alignment="center", key=f"{key}_pager"):
        st.button(
            t("risk_prev", lang),
            icon=":material/chevron_left:",
            disabled=page == 0,
            on_click=_turn,
            args=(key, -1),
            key=f"{key}_prev",
        )
        st.markdown(t("risk_page", lang, page=fmt_int(page + 1), pages=fmt_int(pages)), width="content")
        st.button(
            t("risk_next", lang),
            icon=":material/chevron_right:",
            disabled=page >= pages - 1,
            on_click=_turn,
            args=(key, 1),
            key=f"{key}_next",
        )


def count_text(count: str, order: str, first: int, last: int, total: int, lang: str, rows: int = PAGE_ROWS) -> str:
    """ "共 1,234 处变化，推迟交付和户数变化在前，显示第 1–50 条；完整清单请下载 Excel。" (``count`` with its noun,
    ``order`` how the list is sorted); without the window when the list fits on one page."""
    if page_count(total, rows) == 1:
        return t("pg_list_all", lang, count=count, order=order)
    return t("pg_list_page", lang, count=count, order=order, first=fmt_int(first + 1), last=fmt_int(last))
