"""One project: status and every reason, key figures, the stage plan against actual dates, and its history.

The project lives in the URL (``?district=历城区&name=大辛村安置区``, see ``ui.links``), so other pages link
project names here; the pickers choose another. The sidebar filters do not narrow what can be opened.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st

from briefing.charts import days_text, moved_text, slip_text, stage_timeline
from housing.fmt import fmt_date, fmt_datetime, fmt_int, fmt_wan
from housing.i18n import t
from housing.progress import baseline_frame, deadline_history, stage_plan
from housing.rollup import UNNAMED, names_in, projects_in
from housing.settings import get_setting
from housing.stages import stage_name
from housing.status import DONE, OVERDUE, STATUS_COLORS, render
from housing.summary import optional_fields
from service.roles import RAISE_TASK
from ui import tasks as task_ui
from ui.context import View, current_actor, current_view
from ui.data import baselines, hotline_tickets, project_history, project_keys
from ui.escape import html_text, md_escape, md_t
from ui.hotline import project_section
from ui.links import PICKER_KEYS, current_project, picked
from ui.tables import status_text

PLOTLY_CONFIG = {"displaylogo": False}


def pickers(view: View) -> None:
    """The district picker, then the project picker of the chosen district."""
    lang = view.lang
    district_key, name_key = PICKER_KEYS
    district = st.session_state.get(district_key)
    names = names_in(projects_in(view.classified, district), "name") if district else []
    left, right = st.columns(2)
    left.selectbox(
        t("col_district", lang),
        names_in(view.classified, "district"),
        index=None,
        key=district_key,
        placeholder=t("pj_pick_district", lang),
        on_change=picked,
        args=(district_key,),
    )
    right.selectbox(
        t("pj_pick_project", lang),
        names,
        index=None,
        key=name_key,
        placeholder=t("pj_pick_project_hint", lang) if names else t("pj_pick_district_first", lang),
        disabled=not names,
        on_change=picked,
        args=(name_key,),
    )


def status_block(project: pd.Series, lang: str) -> None:
    """The status as a coloured badge (icon and label, never colour alone), the warning level, every reason."""
    status = project["status"]
    level = project.get("level")
    badge = (
        f'<span style="background:{STATUS_COLORS[status]};color:white;padding:3px 12px;border-radius:4px;'
        f'font-weight:600">{status_text(status, lang)}</span>'
    )
    shown = f" &nbsp; {t(f'pj_level_{level}', lang)}" if isinstance(level, str) and status != DONE else ""
    st.markdown(badge + shown, unsafe_allow_html=True)  # our own label and colour only, no workbook text
    # Every reason as an HTML list item: the stage text comes from the workbook (escaped), and a date in a reason
    # stays on one line (a phone broke "推迟至2023年3 / 月6日").
    items = "".join(f"<li>{html_text(render(r, lang))}</li>" for r in project["reasons"])
    st.html(f'<ul class="pj-reasons">{items}</ul>')


def headline(project: pd.Series, baseline: pd.Series, lang: str) -> None:
    """Two KPI rows, wide enough for a Chinese date: households, 万㎡, progress; deadline, baseline and its
    slip, stage."""
    top = st.columns(3)
    top[0].metric(t("kpi_households", lang), fmt_int(project["households"]) or "—")
    top[1].metric(t("kpi_area", lang), fmt_wan(project["floor_area_m2"]) or "—")
    progress = project["progress"]
    top[2].metric(t("pj_progress", lang), f"{float(progress):g}%" if pd.notna(progress) else "—")
    bottom = st.columns(3)
    deadline_delta, deadline_color = _deadline_delta(project, lang)
    bottom[0].metric(
        t("col_deadline", lang),
        fmt_date(project["deadline"], lang) or "—",
        deadline_delta,
        delta_color=deadline_color,
        delta_arrow="off",
    )
    slip = baseline["slip_days"]
    moved = pd.notna(slip) and slip != 0
    bottom[1].metric(
        t("pg_baseline", lang),
        fmt_date(baseline["baseline"], lang) or "—",
        moved_text(slip, lang) or None,
        delta_color=("orange" if slip > 0 else "blue") if moved else "off",
        delta_arrow="off",
        help=t("pj_baseline_help", lang),
    )
    stage_id = project["stage_id"]
    bottom[2].metric(
        t("col_stage", lang),
        stage_name(stage_id, lang) if isinstance(stage_id, str) else t("pg_stage_unknown", lang),
        help=md_t("pj_stage_help", lang, text=project["stage"]) if isinstance(project["stage"], str) else None,
    )


def _deadline_delta(project: pd.Series, lang: str) -> tuple[str | None, Literal["off", "red"]]:
    """Under the deadline: handed over on …, N days overdue (red), or N days left."""
    days = project["days_to_deadline"]
    if project["status"] == DONE:
        return t("pj_handed_over", lang, date=fmt_date(project["handed_over"], lang)), "off"
    if pd.isna(days):
        return None, "off"
    if days < 0:
        return t("pj_days_over", lang, days=days_text(-days, lang)), "red"
    return t("pj_days_left", lang, days=days_text(days, lang)), "off"


def who_and_notes(project: pd.Series, lang: str) -> None:
    """The responsible unit and the notes staff wrote, when given."""
    for key, column in (("col_unit", "unit"), ("chg_field_notes", "notes")):
        value = project[column]
        if isinstance(value, str) and value.strip():
            text = md_escape(value)
            st.markdown(f"**{t(key, lang)}**：{text}" if lang == "zh" else f"**{t(key, lang)}**: {text}")


def stage_table(plan: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per stage: planned and actual dates, the slip in words, and where the stage stands."""
    state = [
        t("pj_state_running", lang) if r.running else t("pj_state_done" if r.done else "pj_state_open", lang)
        for r in plan.itertuples()
    ]
    return pd.DataFrame(
        {
            t("pj_col_stage", lang): [stage_name(s, lang) for s in plan["stage_id"]],
            t("pj_col_planned", lang): [fmt_date(d, lang) for d in plan["planned_end"]],
            t("pj_col_actual", lang): [fmt_date(d, lang) or "—" for d in plan["actual_end"]],
            t("pj_col_slip", lang): [slip_text(d, r, lang) or "—" for d, r in zip(plan["slip_days"], plan["running"])],
            t("pj_col_state", lang): state,
        }
    )


def stages_section(view: View, project: pd.Series) -> None:
    """The stage plan against actual dates, as a chart and a table; an empty state without stage dates."""
    lang = view.lang
    st.subheader(t("pj_sec_stages", lang))
    plan = stage_plan(view.result.stage_dates, project["name"], project["district"], view.as_of, project["stage_id"])
    if plan.empty:
        st.info(t("pj_no_stages", lang))
        return
    st.caption(t("pj_stages_caption", lang))
    st.plotly_chart(stage_timeline(plan, view.as_of, lang), width="stretch", config=PLOTLY_CONFIG)
    st.dataframe(stage_table(plan, lang), hide_index=True, width="stretch")


def history_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per version, newest first: when, deadline and its move, stage, households."""
    tz = str(get_setting("timezone"))
    frame = deadline_history(history).iloc[::-1]
    return pd.DataFrame(
        {
            t("pj_col_version", lang): frame["version_id"].astype(str).tolist(),
            t("pj_col_published", lang): [fmt_datetime(d, lang, tz) for d in frame["created_at"]],
            t("col_deadline", lang): [fmt_date(d, lang) or "—" for d in frame["deadline"]],
            t("pj_col_moved", lang): [moved_text(d, lang) for d in frame["deadline_change"]],
            t("col_stage", lang): frame["stage"].fillna("").tolist(),
            t("col_households", lang): [fmt_int(h) or "—" for h in frame["households"]],
        }
    )


def history_section(view: View, project: pd.Series) -> None:
    """The project across published versions; an empty state for a sample or a single version."""
    lang = view.lang
    st.subheader(t("pj_sec_history", lang))
    if view.source.version is None:
        st.info(t("pj_history_sample", lang))
        return
    district = project["district"] if isinstance(project["district"], str) else None
    history = project_history(view.source, district, project["name"])
    if len(history) < 2:
        st.info(t("pj_history_single", lang))
        return
    st.dataframe(history_table(history, lang), hide_index=True, width="stretch")


def optional_section(project: pd.Series, lang: str) -> None:
    """Flats, investment, completion dates and the responsible leader, when the form gave them."""
    for label, value in optional_fields(project, lang):
        text = md_escape(value)  # the leader's name is workbook text
        st.markdown(f"**{label}**：{text}" if lang == "zh" else f"**{label}**: {text}")


def hotline_section(project: pd.Series, lang: str) -> None:
    """The project's 12345 calls and rates, when the hotline's tickets have been uploaded."""
    tickets = hotline_tickets()
    if not tickets.empty:
        project_section(tickets, project["district"], str(project["name"]), lang)


def tasks_section(view: View, project: pd.Series) -> None:
    """The project's supervision tasks with their 1-3-7 steps; for an overdue project, the form raising one
    (prefilled with the project and its responsible unit) for the roles that may."""
    lang = view.lang
    st.subheader(t("tv_project_tasks", lang))
    district = project["district"] if isinstance(project["district"], str) else None
    tasks = task_ui.with_states(task_ui.load_tasks(), view.as_of)
    if not tasks.empty:
        same_district = tasks["district"].isna() if district is None else tasks["district"] == district
        tasks = tasks[(tasks["project"] == project["name"]) & same_district]
    if tasks.empty:
        st.caption(t("tv_project_none", lang))
    else:
        tasks = tasks.sort_values(["open", "late"], ascending=False, kind="stable")
        task_ui.show_tasks_anywhere(tasks, lang, "project", project=False)
    if project["status"] == OVERDUE and current_actor().may(RAISE_TASK):
        with st.expander(t("tv_project_raise", lang), expanded=tasks.empty or not tasks["open"].any()):
            unit = project["unit"] if isinstance(project["unit"], str) else ""
            task_ui.raise_form(view.classified, lang, "pj_raise", project=(district, str(project["name"])), unit=unit)


def detail(view: View, index) -> None:
    """Everything about one project."""
    lang = view.lang
    project = view.classified.loc[index]
    row = view.classified.loc[[index]]  # one project: its key looked up, not the register's computed again
    base = baseline_frame(row, baselines(view.source, view.classified), project_keys(view).loc[[index]]).iloc[0]
    status_block(project, lang)
    headline(project, base, lang)
    who_and_notes(project, lang)
    optional_section(project, lang)
    task_ui.done_notice()
    tasks_section(view, project)
    stages_section(view, project)
    hotline_section(project, lang)
    history_section(view, project)


view = current_view()
lang = view.lang
index, unknown = current_project(view.classified)
if index is None:
    st.title(t("page_project", lang))
    # No project yet: still the data's region and as-of date under the title, as on every dashboard page.
    st.caption(" · ".join([md_escape(view.region()), t("as_of_caption", lang, date=fmt_date(view.as_of, lang))]))
else:
    chosen = view.classified.loc[index]
    st.title(md_escape(chosen["name"]))
    place = " · ".join(p for p in (chosen["district"], chosen["street"]) if isinstance(p, str))
    st.caption(" · ".join([md_escape(place) or UNNAMED, t("as_of_caption", lang, date=fmt_date(view.as_of, lang))]))
pickers(view)
if unknown:
    st.info(md_t("pj_unknown", lang, name=unknown))  # from the URL, as typed
if not view.has_data:
    st.info(t("no_data_yet", lang), icon=":material/upload_file:")
elif index is None:
    st.info(t("pj_pick_hint", lang), icon=":material/apartment:")
else:
    detail(view, index)
