"""Supervision tasks (督办事项) on screen: the table of tasks with each step's deadline and whether it was kept,
the 1-3-7 compliance tables, and the forms that raise a task and record its next step.

Every state comes from ``housing.tasks.task_states`` (one computation for the page, the project page, the
overview's notice and the briefing); the forms write only through ``service.tasks``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from briefing.charts import FONT
from housing import tasks as T
from housing.clock import now_utc, today, zone
from housing.fmt import fmt_date, fmt_int, fmt_percent
from housing.i18n import t
from housing.settings import get_setting
from housing.statuses import ON_TRACK, OVERDUE, STATUS_COLORS
from housing.workdays import beyond_calendar, covered_years
from loaders.tasks_sheet import TaskSheetResult
from service import tasks as S
from service.actions import Invalid
from service.roles import ADVANCE_TASK, RAISE_TASK, Actor, Refused
from store.tasks import tasks_frame
from ui import project_picker as P
from ui.blocks import PHONE_PX, phone_layout
from ui.context import current_actor, write_failed
from ui.data import engine
from ui.escape import md_escape
from ui.paging import current_page, pager
from ui.tables import page_count

# How a step's state looks: an icon (never colour alone) and the cell's text and background colour. Red is
# only for a step not on time; a kept step is the on-track teal; a step still to come stays plain.
STATE_ICONS = {T.KEPT: "✔", T.MISSED: "■", T.LATE_OPEN: "■", T.DUE: "○"}
STATE_STYLES = {
    T.KEPT: f"color: {STATUS_COLORS[ON_TRACK]}",
    T.MISSED: f"color: white; background-color: {STATUS_COLORS[OVERDUE]}",
    T.LATE_OPEN: f"color: white; background-color: {STATUS_COLORS[OVERDUE]}",
    T.DUE: "",
}
NOTE_STEPS = ("replied", "done")  # the steps that record what was said or done
MAX_TITLE, MAX_NOTE, MAX_UNIT = 300, 2000, 100
TASK_PAGE_ROWS = 50  # tasks drawn at once in a list (the rest a page turn away)


def load_tasks(districts: Sequence[str] = ()) -> pd.DataFrame:
    """Every task (of ``districts`` when given, tasks without a district included), newest first. Not cached:
    a step recorded in another session shows at the next click."""
    frame = tasks_frame(engine(), tuple(districts))
    return frame.sort_values("raised_at", ascending=False, kind="stable").reset_index(drop=True)


def with_states(tasks: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """``tasks`` with their clock as of ``as_of`` (``housing.tasks.task_states``) alongside."""
    if tasks.empty:
        return tasks.assign(open=pd.Series(dtype=bool), late=pd.Series(dtype=bool))
    return pd.concat([tasks, T.task_states(tasks, as_of)], axis=1)


def project_label(row: pd.Series, lang: str) -> str:
    """A task's project as the tables name it: district and name, or — for a task of no project."""
    name = row.get("project")
    if not isinstance(name, str) or not name:
        return "—"
    district = row.get("district")
    return f"{district} · {name}" if isinstance(district, str) and district else name


def step_text(row: pd.Series, step: str, lang: str) -> str:
    """One step's cell: its icon, its state and the deadline (or the day it was recorded)."""
    state = row[f"{step}_state"]
    icon = STATE_ICONS[state]
    at = row.get(f"{step}_at")
    if state in (T.KEPT, T.MISSED) and pd.notna(at):  # recorded: the day it was, in the districts' time zone
        day = T.local_days(pd.Series([at])).iloc[0]
        return t(f"tv_state_{state}", lang, icon=icon, date=fmt_date(day, lang), due="")
    return t(f"tv_state_{state}", lang, icon=icon, date="", due=fmt_date(row[f"{step}_due"], lang))


STEP_COLUMNS = {step: f"tv_col_{step}" for step in T.CLOCKED}


def task_cells(
    tasks: pd.DataFrame, lang: str, group: str | None = None, project: bool = True
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Tasks (with their states) as the table's texts in the user's language, and each step column's states;
    ``group`` ("project" or "unit") puts that column first. The three steps come right after the task (its
    number leading its text); the assignee follows the unit. ``project=False`` leaves the project out (on the
    project's own page)."""
    columns = {
        "title": t("tv_col_title", lang),
        "project": t("tv_col_project", lang),
        "unit": t("tv_col_unit_assignee", lang),
        "raised_on": t("tv_col_raised", lang),
        **{step: t(key, lang) for step, key in STEP_COLUMNS.items()},
    }
    shown = pd.DataFrame(
        {
            columns["title"]: [f"#{int(i)} {title}" for i, title in zip(tasks["id"], tasks["title"])],
            columns["project"]: [project_label(r, lang) for _, r in tasks.iterrows()],
            **{columns[s]: [step_text(r, s, lang) for _, r in tasks.iterrows()] for s in T.CLOCKED},
            columns["unit"]: [f"{u} · {a}" for u, a in zip(tasks["unit"], tasks["assignee"])],
            columns["raised_on"]: [fmt_date(d, lang) for d in tasks["raised_on"]],
        }
    )
    if not project:
        shown = shown.drop(columns=columns["project"])
    elif group in ("project", "unit"):
        first = columns[group]
        shown = shown[[first, *(c for c in shown.columns if c != first)]]
    return shown.reset_index(drop=True), {columns[s]: list(tasks[f"{s}_state"]) for s in T.CLOCKED}


def task_table(tasks: pd.DataFrame, lang: str, group: str | None = None, project: bool = True) -> Styler:
    """``task_cells`` as a styled frame, each step's cell coloured by its state (the Excel-like view)."""
    shown, states = task_cells(tasks, lang, group, project)

    def colour(col: pd.Series) -> list[str]:
        return [STATE_STYLES[s] for s in states[str(col.name)]] if col.name in states else [""] * len(col)

    return shown.style.apply(colour, axis=0)


def frame_html(frame: pd.DataFrame, styles: dict[str, list[str]] | None = None) -> str:
    """A frame of texts as an HTML table (``ui.blocks``' ``bf-table`` style): every text in full and escaped,
    wrapping instead of being cut; the columns in ``styles`` get one inline style per row and stay on a line."""
    styles = styles or {}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)

    def cell(column: str, i: int, text: object) -> str:
        if column not in styles:
            return f"<td>{html.escape(str(text))}</td>"
        return f'<td class="bf-date" style="{styles[column][i]}">{html.escape(str(text))}</td>'

    body = "".join(
        "<tr>" + "".join(cell(c, i, row[c]) for c in frame.columns) + "</tr>"
        for i, row in enumerate(frame.to_dict("records"))
    )
    return f'<table class="bf-table tv-tasks"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def task_table_html(tasks: pd.DataFrame, lang: str, group: str | None = None, project: bool = True) -> str:
    """``task_cells`` as an HTML table: a long task wraps instead of being cut, each step cell in its state's
    colours (the same as the cards)."""
    shown, states = task_cells(tasks, lang, group, project)
    styles = {column: [STATE_STYLES[s] for s in row] for column, row in states.items()}
    styles[t("tv_col_raised", lang)] = [""] * len(shown)  # a date: on one line, like the steps
    return frame_html(shown, styles)


def show_tasks(tasks: pd.DataFrame, lang: str, group: str | None = None, project: bool = True) -> None:
    """``task_table_html`` drawn on the page (``ui.blocks.phone_layout`` gives it its style)."""
    st.html(task_table_html(tasks, lang, group, project))


def summary_by(tasks: pd.DataFrame, group: str, lang: str) -> pd.DataFrame:
    """Open and late tasks per project or per unit, most late first (tasks of no project last)."""
    keys = [project_label(r, lang) for _, r in tasks.iterrows()] if group == "project" else tasks["unit"].astype(str)
    frame = pd.DataFrame({"key": list(keys), "open": tasks["open"].astype(int), "late": tasks["late"].astype(int)})
    table = frame.groupby("key", sort=False).sum().reset_index()
    table = table.assign(none=table["key"] == "—").sort_values(["none", "late", "open"], ascending=[True, False, False])
    table["key"] = table["key"].where(~table["none"], t("tv_no_project", lang))  # tasks of no project, last
    return pd.DataFrame(
        {
            t(f"tv_col_{group}", lang): table["key"],
            t("tv_col_open", lang): table["open"].map(fmt_int),
            t("tv_col_late", lang): table["late"].map(fmt_int),
        }
    )


def compliance_table(rates: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    """``housing.tasks.compliance`` in the user's language: the group and its rate (— where nothing is judged
    yet) first, so a phone shows them without scrolling, then tasks raised, judged, on time, late and open."""
    first = t("tv_col_month", lang) if by == T.MONTH else t("tv_col_unit", lang)
    return pd.DataFrame(
        {
            first: rates[by].astype(str),
            t("tv_col_rate", lang): [fmt_percent(r) if pd.notna(r) else "—" for r in rates["rate"]],
            t("tv_col_raised_count", lang): rates["tasks"].map(fmt_int),
            t("tv_col_judged", lang): rates["judged"].map(fmt_int),
            t("tv_col_on_time", lang): rates["on_time"].map(fmt_int),
            t("tv_col_late", lang): rates["late"].map(fmt_int),
            t("tv_col_open", lang): rates["open"].map(fmt_int),
        }
    )


def calendar_note(as_of: dt.date, lang: str) -> None:
    """Which years the official calendar covers, and what counts beyond them (Monday to Friday)."""
    years = covered_years()
    key = "tv_calendar_beyond" if beyond_calendar(as_of) else "tv_calendar_note"
    st.caption(t(key, lang, first=years.start, last=years.stop - 1))


# --- writing ---------------------------------------------------------------------------------------------------


def may_advance(actor: Actor, row: pd.Series) -> bool:
    """Whether ``actor`` may record this task's next step: its assignee always; an editor or administrator
    when the task's district is among theirs (the service checks again)."""
    if str(row["assignee"]).lower() == actor.username.lower():
        return True
    district = row.get("district")
    return actor.may(ADVANCE_TASK) and (not isinstance(district, str) or actor.covers((district,)))


def advance_form(tasks: pd.DataFrame, lang: str, key: str) -> None:
    """Pick an open task the signed-in account may move on, and record its next step (签收 / 回复 / 办结),
    with a note of what was said or done for a reply or completion."""
    actor = current_actor()
    mine = tasks[tasks["open"]]
    mine = mine[[may_advance(actor, r) for _, r in mine.iterrows()]] if len(mine) else mine
    if mine.empty:
        st.caption(t("tv_nothing_to_advance", lang))
        return
    labels = {int(r["id"]): f"#{int(r['id'])} {r['title']} · {r['assignee']}" for _, r in mine.iterrows()}
    ids: list[int] = list(labels)
    task_id = int(
        st.selectbox(t("tv_pick_task", lang), ids, format_func=lambda i: labels[i], key=f"{key}_task") or ids[0]
    )
    row = mine[mine["id"] == task_id].iloc[0]
    step = str(row["next_step"])
    with st.form(f"{key}_form"):  # kept on a refusal (cleared once recorded, below): typed text is never lost
        st.markdown(t(f"tv_next_{step}", lang))
        note = (
            st.text_area(t(f"tv_note_{step}", lang), max_chars=text_limit(MAX_NOTE), key=f"{key}_note")
            if step in NOTE_STEPS
            else ""
        )
        task_acting_as(lang)
        submitted = st.form_submit_button(t(f"tv_do_{step}", lang), type="primary")
    if not submitted:
        return
    if step in NOTE_STEPS and not note.strip():
        st.error(t("tv_note_needed", lang))
        return
    try:
        S.advance_task(actor, task_id, step, note.strip(), engine=engine())
    except (Refused, Invalid) as error:
        write_failed(error, lang)
        return
    st.session_state["tv_done_notice"] = t(f"tv_recorded_{step}", lang, id=task_id)
    clear_fields(f"{key}_note")
    st.rerun()


def text_limit(most: int) -> int:
    """A form field's length limit: ``most``, or the service's (``max_text_chars``) when lower: what the field
    takes, the service accepts."""
    return min(most, int(get_setting("max_text_chars")))


def clear_fields(*keys: str) -> None:
    """Empty a form's fields once what they held is recorded (their widgets take their defaults on the rerun);
    a refused form keeps them, so nothing typed is lost (``clear_on_submit`` emptied them before the check)."""
    for key in keys:
        st.session_state.pop(key, None)


def task_acting_as(lang: str) -> None:
    """Under a form that writes a task: the account it is recorded against (never typed text)."""
    st.caption(t("tv_acting_as", lang, account=md_escape(current_actor().username)))


def account_names() -> list[str]:
    """The usernames a task may be given to: every enabled account."""
    from service.accounts import list_accounts

    return sorted(a.username for a in list_accounts(engine()) if not a.disabled)


def raise_form(
    projects: pd.DataFrame,
    lang: str,
    key: str,
    *,
    project: tuple[str | None, str] | None = None,
    unit: str = "",
    source: str = "page",
    register: P.Register | None = None,
) -> None:
    """The form raising a task: what, which project (optional), the responsible unit and the assignee; recorded
    as the signed-in account. Only for roles that may.

    ``project`` = (district, name): the page it is raised from has chosen the project (its detail page, the
    briefing's red project), so the picker offers that one or none, not the register's 50,000 names. Else the
    search-first picker (``ui.project_picker``) over ``register`` (``register_for``: built once per data
    version), else over ``projects``: a search box above the form, at most ``PICKER_ROWS`` matches in it."""
    actor = current_actor()
    if not actor.may(RAISE_TASK):
        return
    found = None
    if project is None:  # searched outside the form: typing reruns the page and narrows the picker
        register = register if register is not None else P.register_of(projects)
        found = P.search(register, lang, key, empty=(None, ""))
    accounts = account_names()
    with st.form(key):  # kept on a refusal (cleared once raised, below): typed text is never lost
        title = st.text_input(t("tv_col_title", lang), max_chars=text_limit(MAX_TITLE), key=f"{key}_title")
        if found is not None and register is not None:
            at = P.select(found, register, t("tv_col_project", lang), key, blank=t("tv_no_project", lang))
            picked = register.pairs[at] if at is not None else None
        else:
            options = [(None, ""), project]
            picked = st.selectbox(
                t("tv_col_project", lang),
                options,
                index=1,
                format_func=lambda c: P.label(c) if c and c[1] else t("tv_no_project", lang),
                key=f"{key}_project",
            )
        left, right = st.columns(2)
        unit_text = left.text_input(
            t("tv_col_unit", lang), value=unit, max_chars=text_limit(MAX_UNIT), key=f"{key}_unit"
        )
        assignee = right.selectbox(
            t("tv_col_assignee", lang),
            accounts,
            index=None,
            placeholder=t("tv_pick_assignee", lang),
            key=f"{key}_assignee",
        )
        task_acting_as(lang)
        submitted = st.form_submit_button(t("tv_raise", lang), type="primary", icon=":material/assignment_add:")
    if not submitted:
        return
    missing = [
        t(label, lang)
        for label, value in (("tv_col_title", title), ("tv_col_unit", unit_text), ("tv_col_assignee", assignee))
        if not (value or "").strip()
    ]
    if missing:
        st.error(t("tv_missing", lang, fields="、".join(missing) if lang == "zh" else ", ".join(missing)))
        return
    district, name = picked if picked and picked[1] else (None, None)
    try:
        task_id = S.raise_task(
            actor,
            title=title.strip(),
            unit=unit_text.strip(),
            assignee=str(assignee),
            project=name,
            district=district,
            source=source,
            engine=engine(),
        )
    except (Refused, Invalid) as error:
        write_failed(error, lang)
        return
    st.session_state["tv_done_notice"] = t("tv_raised", lang, id=task_id, assignee=str(assignee))
    clear_fields(*(f"{key}_{field}" for field in ("title", "search", "project", "unit", "assignee")))
    st.rerun()


def done_notice() -> None:
    """After a write: what was recorded (kept over the rerun that shows it)."""
    notice = st.session_state.pop("tv_done_notice", None)
    if notice:
        st.success(notice, icon=":material/check_circle:")


def my_open_tasks(actor: Actor, as_of: dt.date) -> pd.DataFrame:
    """The signed-in account's own open tasks with their states, the late ones first."""
    if not actor.username:
        return pd.DataFrame()
    tasks = with_states(load_tasks(), as_of)
    if tasks.empty:
        return tasks
    mine = tasks[(tasks["assignee"].str.lower() == actor.username.lower()) & tasks["open"]]
    return mine.sort_values(["late", "raised_at"], ascending=[False, True], kind="stable")


def compliance_chart(rates: pd.DataFrame, lang: str) -> go.Figure:
    """The 1-3-7 compliance rate by month as bars labelled with the rate and the tasks judged; a month with
    nothing judged yet has no bar (no rate, not 0%)."""
    judged = rates[rates["rate"].notna()]
    fig = go.Figure()
    fig.add_bar(
        x=judged["month"].astype(str),
        y=judged["rate"] * 100,
        marker_color=STATUS_COLORS[ON_TRACK],
        text=[
            t("tv_chart_label", lang, rate=fmt_percent(r), judged=fmt_int(n))
            for r, n in zip(judged["rate"], judged["judged"])
        ],
        textposition="outside",
        hoverinfo="skip",
    )
    fig.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": FONT, "size": 13},
        yaxis={"range": [0, 115], "ticksuffix": "%", "title": None},
        xaxis={"type": "category", "title": None},
        title={"text": t("tv_chart_title", lang), "font": {"size": 14}},
        plot_bgcolor="white",
        showlegend=False,
    )
    return fig


def next_due_text(row: pd.Series, lang: str) -> str:
    """An open task's next step and its deadline, with whether it is already late."""
    step = str(row["next_step"])
    state = row[f"{step}_state"]
    return t(f"tv_next_due_{state}", lang, step=t(f"tk_step_{step}", lang), due=fmt_date(row[f"{step}_due"], lang))


def my_tasks_notice(as_of: dt.date, lang: str) -> None:
    """At the top of the overview: the signed-in account's own open tasks (late ones first), each with its
    next step and deadline, and the way to the tasks page where the steps are recorded. Nothing when none."""
    mine = my_open_tasks(current_actor(), as_of)
    if mine.empty:
        return
    late = int(mine["late"].sum())
    text = t("tv_notice_late", lang, count=len(mine), late=late) if late else t("tv_notice", lang, count=len(mine))
    box = st.error if late else st.info
    rest = len(mine) - TASK_PAGE_ROWS
    mine = mine.head(TASK_PAGE_ROWS)  # the most pressing; every one of them on the tasks page
    with st.container(border=True, key="tv_my_tasks"):
        box(text, icon=":material/assignment_late:" if late else ":material/assignment:")
        table = pd.DataFrame(
            {
                t("tv_col_id", lang): [f"#{int(i)}" for i in mine["id"]],
                t("tv_col_title", lang): mine["title"].astype(str).tolist(),
                t("tv_col_project", lang): [project_label(r, lang) for _, r in mine.iterrows()],
                t("tv_col_next", lang): [next_due_text(r, lang) for _, r in mine.iterrows()],
            }
        )
        st.html(PHONE_CSS)  # on a phone the cards, with every step, stand in for the table
        with st.container(key=f"{TABLE_KEY}_notice"):
            phone_layout()  # the table's style
            st.html(frame_html(table))
        with st.container(key=f"{CARDS_KEY}_notice"):
            st.html(task_cards(mine, lang))
        if rest > 0:
            st.caption(t("tv_notice_more", lang, count=fmt_int(rest)))
        st.page_link("views/tasks.py", label=t("tv_to_tasks", lang), icon=":material/assignment_turned_in:")


# --- on a phone: cards instead of the wide table -----------------------------------------------------------------

TABLE_KEY, CARDS_KEY = "tv_table", "tv_cards"
PHONE_CSS = f"""
<style>
[class*="st-key-{CARDS_KEY}"] {{ display: none; }}
.tv-step {{ display: inline-block; border-radius: 4px; padding: 0 0.4rem; margin: 0.1rem 0.3rem 0.1rem 0;
  font-size: 0.9rem; }}
@media (max-width: {PHONE_PX}px) {{
  [class*="st-key-{CARDS_KEY}"] {{ display: block; }}
  [class*="st-key-{TABLE_KEY}"] {{ display: none; }}
}}
</style>
"""
CARD_COLOURS = {"late": STATUS_COLORS[OVERDUE], "done": STATUS_COLORS[ON_TRACK], "open": "#888888"}


def task_cards(tasks: pd.DataFrame, lang: str, project: bool = True) -> str:
    """Each task as a card (number and text, project, unit and assignee, raised date, its three steps with the
    same icons and red as the table), every text from the database escaped."""
    cards = []
    for _, row in tasks.iterrows():
        kind = "late" if row["late"] else "open" if row["open"] else "done"
        named = project_label(row, lang)
        meta = [named] if project and named != "—" else []
        meta += [f"{row['unit']} · {row['assignee']}", t("tv_card_raised", lang, date=fmt_date(row["raised_on"], lang))]
        steps = "".join(
            f'<span class="tv-step" style="{STATE_STYLES[row[f"{s}_state"]]}">'
            f"{html.escape(t(STEP_COLUMNS[s], lang))} {html.escape(step_text(row, s, lang))}</span>"
            for s in T.CLOCKED
        )
        cards.append(
            f'<div class="bf-card" style="--bf-status:{CARD_COLOURS[kind]}">'
            f"<h4>#{int(row['id'])} {html.escape(str(row['title']))}</h4>"
            f'<div class="bf-meta">{html.escape(" · ".join(meta))}</div><div>{steps}</div></div>'
        )
    return '<div class="bf-cards">' + "".join(cards) + "</div>"


def task_page(tasks: pd.DataFrame, lang: str, key: str, rows: int = TASK_PAGE_ROWS) -> pd.DataFrame:
    """The page of ``tasks`` to draw (a new list, as filters change it, starts on its first page) with, when
    the list takes more than one page, which tasks these are; the pager itself is ``task_pager``."""
    ids = tasks["id"].tolist() if "id" in tasks else []
    _, first, last = current_page(f"tv_{key}", len(tasks), (len(tasks), ids[:1], ids[-1:]), rows)
    if page_count(len(tasks), rows) > 1:
        st.caption(t("tv_count_shown", lang, count=fmt_int(len(tasks)), first=fmt_int(first + 1), last=fmt_int(last)))
    return tasks.iloc[first:last]


def task_pager(count: int, lang: str, key: str, rows: int = TASK_PAGE_ROWS) -> None:
    """Previous / next buttons around "第 3 / 200 页" (only when the list takes more than one page)."""
    pager(f"tv_{key}", count, int(st.session_state.get(f"tv_{key}_page", 0)), lang, rows)


def show_tasks_anywhere(
    tasks: pd.DataFrame, lang: str, key: str, group: str | None = None, project: bool = True
) -> None:
    """The table on a wide screen, the cards on a phone (``ui.blocks`` styles the cards), a page of
    ``TASK_PAGE_ROWS`` tasks at a time: 10,000 tasks drawn at once made the page 13 MB of HTML."""
    phone_layout()
    st.html(PHONE_CSS)
    shown = task_page(tasks, lang, key)
    with st.container(key=f"{TABLE_KEY}_{key}"):
        show_tasks(shown, lang, group, project)
    with st.container(key=f"{CARDS_KEY}_{key}"):
        st.html(task_cards(shown, lang, project))
    task_pager(len(tasks), lang, key)


# --- the task sheet's rows, matched and handed to the service ----------------------------------------------------


def project_keys(projects: pd.DataFrame) -> dict[str, object]:
    """What a task sheet may write in its project column: a name (``None`` when districts share it) or
    ``district/name``; each gives (district, name)."""
    keys: dict[str, object] = {}
    for district, name in zip(projects["district"], projects["name"]):
        district = district if isinstance(district, str) and district else None
        value = (district, str(name))
        keys[str(name)] = None if str(name) in keys and keys[str(name)] != value else value
        if district:
            keys[f"{district}/{name}"] = value
    return keys


def raised_at(day: dt.date) -> dt.datetime:
    """The moment a sheet's task counts as raised: now for today's, noon local time of an earlier day (the
    loader refuses later days)."""
    if day >= today():
        return now_utc()
    return dt.datetime.combine(day, dt.time(12), tzinfo=zone()).astimezone(dt.UTC)


def sheet_rows(result: TaskSheetResult) -> list[dict]:
    """The sheet's tasks as the service takes them."""
    rows = []
    for row in result.rows:
        district, name = row.project if isinstance(row.project, tuple) else (None, None)
        rows.append(
            {
                "title": row.title,
                "unit": row.unit,
                "assignee": row.assignee,
                "project": name,
                "district": district,
                "raised_at": raised_at(row.raised_on),
            }
        )
    return rows


def task_key(title: object, unit: object, assignee: object, project: object, raised_on: dt.date) -> tuple:
    """What makes two tasks the same task: its text, unit, assignee, project and the day it was raised."""
    return (
        T.clean_text(title),
        T.clean_text(unit),
        T.clean_text(assignee).lower(),
        T.clean_text(project),
        raised_on,
    )


def already_raised(result: TaskSheetResult, existing: pd.DataFrame) -> int:
    """How many of a task sheet's tasks are tasks already (the same sheet imported twice would raise each of
    them again)."""
    if existing.empty or not result.rows:
        return 0
    days = T.local_days(existing["raised_at"]).dt.date
    have = {
        task_key(*fields)
        for fields in zip(existing["title"], existing["unit"], existing["assignee"], existing["project"], days)
    }
    rows = sheet_rows(result)
    keys = [
        task_key(row["title"], row["unit"], row["assignee"], row["project"], task.raised_on)
        for row, task in zip(rows, result.rows)
    ]
    return sum(key in have for key in keys)
