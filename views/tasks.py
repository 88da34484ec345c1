"""督办事项 Supervision tasks: open tasks per project and per responsible unit with each step of the 1-3-7
clock (its deadline and whether it was kept; red only for a step not on time), the compliance rate by month
and by unit, and — for the roles that may — raising a task, recording its steps and importing a task sheet.

Everyone signed in sees the page; what they may do depends on their role (and an assignee may always record
the steps of their own tasks). Every state comes from ``housing.tasks``; every write goes through
``service.tasks``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from housing import tasks as T
from housing.clock import today
from housing.fmt import fmt_date, fmt_int
from housing.i18n import t
from loaders.annotate import annotate_workbook
from loaders.tasks_sheet import TaskSheetResult, build_task_template, load_task_sheet
from service import tasks as S
from service.actions import Invalid
from service.roles import RAISE_TASK, Refused
from ui import tasks as U
from ui.blocks import phone_layout
from ui.context import View, current_actor, current_view, write_failed
from ui.data import engine
from ui.escape import md_t
from ui.issues import show_issues
from ui.project_picker import register_for

PLOTLY_CONFIG = {"displaylogo": False}
ACCEPTED = ["xlsx", "xlsm", "xls", "ods", "csv"]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWS = ("open", "late", "all")  # which tasks the list shows


def filters(tasks: pd.DataFrame, lang: str) -> tuple[str, pd.DataFrame]:
    """Group by project or unit, which tasks (open, not on time, all) and which units; the tasks left."""
    left, middle, right = st.columns([1, 1, 2])
    group = left.segmented_control(
        t("tv_group_by", lang),
        ("project", "unit"),
        default="project",
        format_func=lambda g: t(f"tv_col_{g}", lang),
        key=f"tv_group__{lang}",
    )
    show = middle.segmented_control(
        t("tv_show", lang), SHOWS, default="open", format_func=lambda s: t(f"tv_show_{s}", lang), key=f"tv_show__{lang}"
    )
    units = right.multiselect(
        t("tv_col_unit", lang),
        sorted(tasks["unit"].astype(str).unique()),
        placeholder=t("filter_all", lang),
        key="tv_units",
    )
    shown = tasks
    if show == "open":
        shown = shown[shown["open"]]
    elif show == "late":
        shown = shown[shown["late"]]
    if units:
        shown = shown[shown["unit"].isin(units)]
    return str(group or "project"), shown


def task_list(tasks: pd.DataFrame, lang: str) -> None:
    """The headline counts, the summary per project or unit and every task with its steps."""
    with st.container(key="headlines_tasks"):  # ui.blocks: two figures a row on a phone
        cols = st.columns(4)
    cols[0].metric(t("tv_open", lang), fmt_int(int(tasks["open"].sum())))
    cols[1].metric(t("tv_late_open", lang), fmt_int(int((tasks["open"] & tasks["late"]).sum())))
    cols[2].metric(t("tv_done", lang), fmt_int(int((~tasks["open"]).sum())))
    cols[3].metric(t("tv_total", lang), fmt_int(len(tasks)))
    group, shown = filters(tasks, lang)
    if shown.empty:
        st.info(t("tv_none_shown", lang), icon=":material/task_alt:")
        return
    st.dataframe(U.summary_by(shown, group, lang), hide_index=True, width="stretch")
    ordered = shown.assign(
        _key=[U.project_label(r, lang) for _, r in shown.iterrows()] if group == "project" else shown["unit"]
    )
    ordered = ordered.assign(_none=ordered["_key"] == "—")  # tasks of no project after the projects'
    ordered = ordered.sort_values(
        ["_none", "_key", "late", "raised_at"], ascending=[True, True, False, True], kind="stable"
    )
    U.show_tasks_anywhere(ordered, lang, "list", group)
    st.caption(t("tv_legend", lang))


def compliance(tasks: pd.DataFrame, as_of: dt.date, lang: str) -> None:
    """The 1-3-7 compliance rate by month (table and chart) and by unit."""
    st.caption(t("tv_rate_explained", lang))
    by_month = T.compliance(tasks, T.MONTH, as_of)
    st.plotly_chart(U.compliance_chart(by_month, lang), width="stretch", config=PLOTLY_CONFIG)
    st.dataframe(U.compliance_table(by_month, T.MONTH, lang), hide_index=True, width="stretch")
    st.markdown(f"**{t('tv_rate_by_unit', lang)}**")
    st.dataframe(U.compliance_table(T.compliance(tasks, T.UNIT, as_of), T.UNIT, lang), hide_index=True, width="stretch")


# --- the task sheet ----------------------------------------------------------------------------------------------


def read_sheet(content: bytes, filename: str, view: View) -> TaskSheetResult:
    """The file read and checked against the projects and accounts, once per file and session."""
    digest = hashlib.sha256(content).hexdigest()
    cached = st.session_state.get("tv_sheet")
    if cached is None or cached[0] != (digest, filename):
        result = load_task_sheet(
            content, filename, projects=U.project_keys(view.classified), accounts=U.account_names(), today=today()
        )
        st.session_state["tv_sheet"] = cached = ((digest, filename), result)
    return cached[1]


def project_text(project: object) -> str:
    """A matched (district, name) as the tables show it; — for none."""
    if not isinstance(project, tuple):
        return "—"
    district, name = project
    return f"{district} · {name}" if district else str(name)


def sheet_preview(result: TaskSheetResult, lang: str) -> pd.DataFrame:
    """The tasks the sheet will raise, as the user will see them listed."""
    return pd.DataFrame(
        {
            t("col_row", lang): [r.row for r in result.rows],
            t("tv_col_title", lang): [r.title for r in result.rows],
            t("tv_col_project", lang): [project_text(r.project) for r in result.rows],
            t("tv_col_unit", lang): [r.unit for r in result.rows],
            t("tv_col_assignee", lang): [r.assignee for r in result.rows],
            t("tv_col_raised", lang): [fmt_date(r.raised_on, lang) for r in result.rows],
        }
    )


def sheet_upload(view: View) -> None:
    """Templates, the file, the report with every problem (and the workbook with them marked), the tasks it
    holds and the button that raises them all."""
    lang = view.lang
    st.caption(t("tv_sheet_intro", lang))
    cols = st.columns(2)
    for col, template_lang in zip(cols, ("zh", "en")):
        col.download_button(
            t(f"tv_template_{template_lang}", lang),
            data=build_task_template(template_lang),
            file_name=t("tv_template_file", template_lang) + ".xlsx",
            mime=XLSX_MIME,
            on_click="ignore",
            icon=":material/description:",
            key=f"tv_template_{template_lang}",
        )
    upload = st.file_uploader(
        t("tv_sheet_drop", lang), type=ACCEPTED, key=f"tv_file_{st.session_state.get('tv_nonce', 0)}"
    )
    if upload is None:
        return
    content, filename = upload.getvalue(), upload.name[:255]
    result = read_sheet(content, filename, view)
    counts = st.columns(3)
    counts[0].metric(t("up_errors", lang), fmt_int(len(result.errors)))
    counts[1].metric(t("up_warnings", lang), fmt_int(len(result.warnings)))
    counts[2].metric(t("tv_sheet_tasks", lang), fmt_int(len(result.rows)))
    if result.issues:
        phone_layout()  # the style of the problems' HTML table
        show_issues(result.issues, lang, "tv_issues")
    if result.issues and result.readable:
        st.download_button(
            t("up_marked", lang),
            data=lambda: annotate_workbook(content, filename, result.issues, lang) or b"",
            file_name=t("up_marked_file", lang, stem=filename.rsplit(".", 1)[0]) + ".xlsx",
            mime=XLSX_MIME,
            on_click="ignore",
            icon=":material/rate_review:",
            key="tv_marked",
        )
    if not result.ok:
        st.error(t("tv_sheet_blocked" if result.rows or result.errors else "tv_sheet_empty", lang))
        return
    st.dataframe(sheet_preview(result, lang), hide_index=True, width="stretch")
    again = U.already_raised(result, U.load_tasks())
    if again:  # the same sheet uploaded twice: said before the button, which would raise them all again
        st.warning(
            t("tv_sheet_again", lang, count=fmt_int(again), total=fmt_int(len(result.rows))),
            icon=":material/content_copy:",
        )
    U.task_acting_as(lang)
    if st.button(t("tv_sheet_confirm", lang, count=len(result.rows)), type="primary", key="tv_sheet_confirm"):
        try:
            ids = S.import_tasks(current_actor(), U.sheet_rows(result), engine=engine())
        except (Refused, Invalid) as error:
            write_failed(error, lang)
            return
        st.session_state["tv_done_notice"] = t("tv_sheet_done", lang, count=len(ids))
        st.session_state["tv_nonce"] = st.session_state.get("tv_nonce", 0) + 1
        st.session_state.pop("tv_sheet", None)
        st.rerun()


def mine_first(tasks: pd.DataFrame, lang: str) -> None:
    """The signed-in account's own open tasks, before anything else."""
    actor = current_actor()
    mine = tasks[(tasks["assignee"].astype(str).str.lower() == actor.username.lower()) & tasks["open"]]
    mine = mine.sort_values(["late", "raised_at"], ascending=[False, True], kind="stable")  # the oldest late first
    if mine.empty:
        return
    late = int(mine["late"].sum())
    st.subheader(t("tv_mine", lang, count=len(mine)))
    if late:
        st.error(t("tv_mine_late", lang, count=late), icon=":material/alarm:")
    U.show_tasks_anywhere(mine, lang, "mine")


def tasks_page(view: View) -> None:
    """The page: mine first, then the tabs."""
    lang = view.lang
    st.title(md_t("tv_title", lang, region=view.region()))
    st.caption(t("as_of_caption", lang, date=fmt_date(view.as_of, lang)))
    U.calendar_note(view.as_of, lang)
    U.done_notice()
    tasks = U.with_states(U.load_tasks(view.districts), view.as_of)
    if not tasks.empty:
        mine_first(tasks, lang)
    may_raise = current_actor().may(RAISE_TASK)
    names = ["tv_tab_list", "tv_tab_rate", "tv_tab_advance"] + (["tv_tab_raise", "tv_tab_sheet"] if may_raise else [])
    tabs = dict(zip(names, st.tabs([t(n, lang) for n in names])))
    with tabs["tv_tab_list"]:
        if tasks.empty:
            st.info(t("tv_no_tasks", lang), icon=":material/task_alt:")
        else:
            task_list(tasks, lang)
    with tabs["tv_tab_rate"]:
        if tasks.empty:
            st.info(t("tv_no_tasks", lang), icon=":material/task_alt:")
        else:
            compliance(tasks, view.as_of, lang)
    with tabs["tv_tab_advance"]:
        if tasks.empty:
            st.caption(t("tv_nothing_to_advance", lang))
        else:
            U.advance_form(tasks, lang, "tv_advance")
    if may_raise:
        with tabs["tv_tab_raise"]:
            U.raise_form(view.classified, lang, "tv_raise_form", register=register_for(view))
        with tabs["tv_tab_sheet"]:
            sheet_upload(view)


tasks_page(current_view())
