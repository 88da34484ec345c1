"""Audit trail (administrators; URL /audit): who did what, when, to what and from where; filtered, newest
first, paged, exported.

Read-only: the app offers no way to edit or delete a row (``store.audit`` only reads). The export is itself
recorded in the trail when the user clicks it.
"""

from __future__ import annotations

import math

import streamlit as st
from sqlalchemy import Engine

from housing.fmt import fmt_int
from housing.i18n import t
from housing.settings import get_setting
from service.actions import read_audit
from service.roles import READ_AUDIT
from store.audit import AuditFilter, audit_values
from ui.audit import (
    EVENTS,
    OUTCOMES,
    action_label,
    column_px,
    day_bounds,
    export_workbook,
    filter_params,
    shown,
)
from ui.context import audited_download, current_actor, current_view, may_use
from ui.data import engine, uploader_label
from ui.escape import md_escape

PAGE_SIZE = 50  # rows per page: the trail grows by thousands, the page shows a screenful
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chosen_filter(db: Engine, lang: str, tz: str) -> AuditFilter:
    """Account, actions, outcomes and a range of days, side by side."""
    cols = st.columns([2, 3, 2, 2])
    accounts: list[str | None] = [None, *audit_values(db, "account")]
    account = cols[0].selectbox(
        t("au_account", lang),
        accounts,
        format_func=lambda a: t("au_all", lang) if a is None else uploader_label(a, lang),
        key="au_account",
    )
    events = list(dict.fromkeys([*EVENTS, *audit_values(db, "action")]))
    actions = cols[1].multiselect(
        t("au_action", lang),
        events,
        format_func=lambda a: action_label(a, lang),
        placeholder=t("au_all", lang),
        key=f"au_actions__{lang}",  # translated option labels: one widget per language
    )
    outcomes = cols[2].multiselect(
        t("au_outcome", lang),
        OUTCOMES,
        format_func=lambda o: t(f"au_outcome_{o}", lang),
        placeholder=t("au_all", lang),
        key=f"au_outcomes__{lang}",
    )
    dates = cols[3].date_input(
        t("au_dates", lang), value=[], key="au_dates", format="YYYY/MM/DD" if lang == "zh" else "YYYY-MM-DD"
    )
    since, before = day_bounds(tuple(dates) if isinstance(dates, tuple | list) else (dates,), tz)
    return AuditFilter(account, tuple(actions), tuple(outcomes), since, before)


def export_button(db: Engine, wanted: AuditFilter, lang: str, tz: str) -> None:
    """Every row the filter matches (not just this page) as an .xlsx, built and audited when clicked."""
    actor = current_actor()
    build = lambda: export_workbook(read_audit(db, actor, wanted, 0, None)[0], lang, tz)  # noqa: E731
    st.download_button(
        t("au_export", lang),
        data=audited_download(db, "audit trail", filter_params(wanted), build),
        file_name=t("au_export_file", lang) + ".xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="au_export",
    )


def trail(db: Engine, lang: str) -> None:
    """The filters, the matching rows a page at a time (newest first), and the export."""
    tz = str(get_setting("timezone"))
    wanted = chosen_filter(db, lang, tz)
    total = read_audit(db, current_actor(), wanted, 0, 0)[1]
    if not total:
        st.info(t("au_empty", lang), icon=":material/search_off:")
        return
    pages = math.ceil(total / PAGE_SIZE)
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    # A new filter starts on its first page: the page number's key follows the filter.
    number = right.number_input(
        t("au_page", lang, pages=fmt_int(pages)), 1, pages, 1, key=f"au_page_{abs(hash(wanted))}"
    )
    offset = (int(number) - 1) * PAGE_SIZE
    rows, _ = read_audit(db, current_actor(), wanted, offset, PAGE_SIZE)
    left.caption(t("au_count", lang, count=fmt_int(total), first=fmt_int(offset + 1), last=fmt_int(offset + len(rows))))
    table = shown(rows, lang, tz)
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            # The short columns as wide as their longest text on this page ("系统（示例数据）", "在设备上保持登录",
            # "Refused (no permission)"), so none ends in an ellipsis; the rest goes to the detail.
            **{
                t(key, lang): st.column_config.TextColumn(width=column_px([t(key, lang), *table[t(key, lang)]]))
                for key in ("au_col_account", "au_col_action", "au_col_outcome")
            },
            t("au_col_detail", lang): st.column_config.TextColumn(width="large"),
        },
        on_select="rerun",
        selection_mode="single-row",
        key=f"au_rows_{abs(hash(wanted))}_{offset}",
    )
    chosen = picked.selection.rows if picked is not None else []
    if chosen:  # the whole detail of the row picked, however long (the table cell may be cut at its width)
        st.info(md_escape(table.iloc[chosen[0]][t("au_col_detail", lang)] or "—"), icon=":material/info:")
    else:
        st.caption(t("au_pick_row", lang))
    export_button(db, wanted, lang, tz)


view = current_view()
st.title(t("page_audit", view.lang))
st.caption(t("au_intro", view.lang))
if may_use(READ_AUDIT, view.lang):
    trail(engine(), view.lang)
