"""A long list a page of rows at a time (the slipped projects, a place's projects): which page is shown, the
count above it, previous / next below it. The page lives in the session under the list's key and starts again at
the first page whenever the list itself changes (filters, date, data, scope)."""

from __future__ import annotations

from collections.abc import Hashable

import streamlit as st

from housing.fmt import fmt_int
from housing.i18n import t
from ui.tables import PAGE_ROWS, page_count, page_window


def _state(key: str) -> tuple[str, str]:
    """The session keys of a list: the page shown (0 is the first) and what the list was when it was shown."""
    return f"{key}_page", f"{key}_list"


def current_page(key: str, count: int, listed: Hashable, rows: int = PAGE_ROWS) -> tuple[int, int, int]:
    """The page of list ``key`` to show, and its first and past-the-last row; ``listed`` names the list (its
    filters, data and length), so another list starts on its first page and a shorter one on its last."""
    page_key, list_key = _state(key)
    if st.session_state.get(list_key) != listed:
        st.session_state[list_key], st.session_state[page_key] = listed, 0
    page, first, last = page_window(count, int(st.session_state.get(page_key, 0)), rows)
    st.session_state[page_key] = page
    return page, first, last


def _turn(key: str, step: int) -> None:
    """Move list ``key`` a page on or back (the button's callback, before the page runs again)."""
    page_key, _ = _state(key)
    st.session_state[page_key] = int(st.session_state.get(page_key, 0)) + step


def pager(key: str, count: int, page: int, lang: str, rows: int = PAGE_ROWS) -> None:
    """Previous / next around "第 3 / 660 页" under list ``key`` (only when it takes more than one page); the
    buttons are ``<key>_prev`` and ``<key>_next``."""
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


def count_caption(count_text: str, first: int, last: int, count: int, keys: tuple[str, str], lang: str) -> str:
    """The sentence above a paged list: ``keys`` are the catalogue's whole-list and one-page sentences (given
    ``count``; the second also ``first`` and ``last``), the latter followed by where the full list is."""
    whole, part = keys
    if page_count(count) == 1:
        return t(whole, lang, count=count_text)
    shown = t(part, lang, count=count_text, first=fmt_int(first + 1), last=fmt_int(last))
    return shown + (" " if lang == "en" else "") + t("risk_full_list", lang)
