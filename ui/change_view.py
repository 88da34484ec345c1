"""The change view shared by the upload preview and the history comparison, at any register size.

Counts and totals first, then the changed fields (deadline slips and household changes first), the projects
added and the projects removed (most households first): each list counted, one page of rows at a time as an
HTML table (every text in full, never cut), the rest a click away, and every list whole in one Excel download
built only when someone downloads it. A week in which a 50,000-project register changed throughout phrases
three pages of rows per run, not 100,000.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from briefing.blocks import Table
from housing.changes import Changes, changed_rows_table, largest_first, totals_table
from housing.fmt import fmt_count, fmt_int
from housing.i18n import t
from ui.blocks import html_table
from ui.exports import added_block, download_xlsx, frame_block
from ui.paging import count_caption, current_page, pager


def changed_block(rows: pd.DataFrame, lang: str) -> Table:
    """Rows of ``Changes.changed`` as a table: project, district, field, before, after, the change (texts)."""
    return frame_block("changed", changed_rows_table(rows, lang), empty=t("wk_none", lang))


def change_sheets(changes: Changes, lang: str) -> list[tuple[str, Table]]:
    """Every list whole, a sheet each, in the page's order (the Excel download)."""
    return [
        (t("chg_sheet_changes", lang), changed_block(changes.changed, lang)),
        (t("chg_added", lang), added_block(largest_first(changes.added), lang)),
        (t("chg_removed", lang), added_block(largest_first(changes.removed), lang)),
    ]


def _page(
    name: str,
    title: str,
    count: str,
    keys: tuple[str, str],
    rows: pd.DataFrame,
    block: Callable[[pd.DataFrame, str], Table],
    key: str,
    listed: object,
    lang: str,
) -> None:
    """One list: its title, how many and which are shown, one page of ``rows`` as ``block`` phrases them (only
    the rows shown), the pager."""
    st.markdown(f"**{title}**")
    page, first, last = current_page(f"{key}_{name}", len(rows), listed)
    st.caption(count_caption(count, first, last, len(rows), keys, lang))
    st.html(f'<div class="chg-list-{name}">{html_table(block(rows.iloc[first:last], lang))}</div>')
    pager(f"{key}_{name}", len(rows), page, lang)


def show_changes(
    changes: Changes,
    lang: str,
    key: str,
    listed: object,
    filters: Sequence[tuple[str, str]],
    file_name: str,
) -> None:
    """Counts, totals before and after, then the three lists a page at a time and the whole in one download.

    ``key`` names this view's widgets and page positions; ``listed`` what is compared (a new comparison starts
    every list on its first page); ``filters`` and ``file_name`` describe the Excel download. The page adds the
    tables' style (``ui.blocks.phone_layout``)."""
    cols = st.columns(3)
    cols[0].metric(t("chg_added", lang), fmt_int(len(changes.added)))
    cols[1].metric(t("chg_removed", lang), fmt_int(len(changes.removed)))
    cols[2].metric(t("chg_changed", lang), fmt_int(changes.changed_projects))
    st.dataframe(totals_table(changes, lang), hide_index=True, width="stretch")
    if changes.empty:
        st.info(t("chg_none", lang))
        return
    if not changes.changed.empty:
        count = fmt_count(len(changes.changed), "count.changes", lang)
        title = t("chg_changed_fields", lang)  # says the order itself
        keys = ("chg_list_all", "chg_list_page")
        _page("changed", title, count, keys, changes.changed, changed_block, key, listed, lang)
    for name, frame in (("added", changes.added), ("removed", changes.removed)):
        if not frame.empty:
            count, keys = fmt_count(len(frame), "count.projects", lang), ("chg_projects_all", "chg_projects_page")
            _page(name, t(f"chg_{name}", lang), count, keys, largest_first(frame), added_block, key, listed, lang)
    download_xlsx(
        t("xl_download", lang),
        lambda: change_sheets(changes, lang),  # every list whole, built when downloaded
        filters,
        file_name,
        f"{key}_xlsx",
        lang=lang,
    )
