"""12345 热线: upload the hotline system's export, assign unmatched tickets to projects, and the reply and
satisfaction rates per district and project by week and month against the targets (双百 months marked)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from housing import hotline as H
from housing.clock import today
from housing.fmt import fmt_date, fmt_int
from housing.i18n import t
from housing.register import UNNAMED
from loaders import chars
from loaders.annotate import annotate_workbook
from loaders.hotline import HotlineResult, read_hotline
from service import hotline as S
from service.roles import UPLOAD_HOTLINE, Refused
from store import versions as V
from ui.blocks import phone_layout
from ui.context import View, current_actor, current_view, refusal_text
from ui.data import engine, hotline_tickets
from ui.escape import md_escape, md_t
from ui.hotline import PLOTLY_CONFIG, headline, months_text, period_label, rates_chart, rates_table, targets
from ui.issues import show_issues
from ui.project_picker import register_for, search, select

ACCEPTED = ["xlsx", "xls", "ods", "csv", "txt"]
SHOWN_UNMATCHED = 200  # unmatched tickets listed at once (the rest after these are assigned)


def checked(content: bytes, filename: str, digest: str) -> HotlineResult:
    """The export read once per file for the session (reruns don't read it again)."""
    key = f"hl_checked_{digest}"
    if key not in st.session_state:
        st.session_state[key] = read_hotline(content, filename, today=today())  # the districts' today
    return st.session_state[key]


def acting_as(lang: str) -> None:
    """Under a button that writes: the account the import or assignment is recorded against."""
    st.caption(t("hl_acting_as", lang, account=md_escape(current_actor().username)))


def report(result: HotlineResult, content: bytes, filename: str, lang: str) -> None:
    """What the file holds and every problem found, located by sheet, row and column, with the file's cells
    marked in a workbook to download (as for the register)."""
    st.markdown(
        t(
            "hl_report",
            lang,
            tickets=fmt_int(len(result.tickets)),
            errors=fmt_int(len(result.errors)),
            warnings=fmt_int(len(result.warnings)),
        )
    )
    if result.issues:
        phone_layout()  # the style of the problems' HTML table
        show_issues(result.issues, lang, "hl_issues")
        st.download_button(
            t("up_marked", lang),
            data=lambda: annotate_workbook(content, filename, result.issues, lang) or b"",  # built when clicked
            file_name=t("up_marked_file", lang, stem=filename.rsplit(".", 1)[0]) + ".xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            icon=":material/rate_review:",
            key="hl_marked",
        )


def upload_section(view: View) -> None:
    """The file picker, the validation report, and the confirm button that stores the tickets."""
    lang = view.lang
    st.subheader(t("hl_upload_title", lang))
    upload = st.file_uploader(
        t("hl_drop", lang),
        type=ACCEPTED,
        key=f"hl_file_{st.session_state.get('hl_nonce', 0)}",
        help=t("hl_drop_help", lang),
    )
    stored = st.session_state.pop("hl_stored", None)
    if stored is not None:
        st.success(t("hl_stored", lang, **{k: fmt_int(v) for k, v in stored.items()}), icon=":material/check_circle:")
    if upload is None:
        return
    content, filename = upload.getvalue(), chars.clean(upload.name)[:255]
    digest = V.sha256(content)
    result = checked(content, filename, digest)
    if not result.readable:
        st.error(t("hl_unreadable", lang, reason=md_escape(result.issues[0].message(lang))), icon=":material/block:")
        return
    report(result, content, filename, lang)
    if result.errors:
        st.error(t("hl_blocked_errors", lang, count=fmt_int(len(result.errors))), icon=":material/block:")
        return
    if result.tickets.empty:
        st.warning(t("hl_no_tickets", lang))
        return
    found = S.matched(engine(), result.tickets, view.classified)
    hits = int(found["project_name"].notna().sum())
    st.info(t("hl_preview", lang, matched=fmt_int(hits), unmatched=fmt_int(len(found) - hits)), icon=":material/info:")
    acting_as(lang)
    if st.button(t("hl_confirm", lang), type="primary", key="hl_confirm", icon=":material/save:"):
        try:
            done = S.store_export(engine(), current_actor(), result.tickets, view.classified, filename, digest)
        except Refused as refused:
            st.error(refusal_text(refused, lang), icon=":material/lock:")
            return
        st.session_state["hl_stored"] = {
            "new": done.new,
            "updated": done.updated,
            "matched": done.matched,
            "unmatched": done.unmatched,
        }
        st.session_state["hl_nonce"] = st.session_state.get("hl_nonce", 0) + 1  # clears the file picker
        st.rerun()


def unmatched_section(view: View, tickets: pd.DataFrame) -> None:
    """The tickets no project could be told for, to assign one by one (the choice is remembered for the text)."""
    lang = view.lang
    st.subheader(t("hl_unmatched_title", lang))
    waiting = tickets[tickets["project_name"].isna()].sort_values(H.RECEIVED, ascending=False)
    if waiting.empty:
        st.caption(t("hl_unmatched_none", lang))
        return
    st.caption(t("hl_unmatched_help", lang, count=fmt_int(len(waiting))))
    shown = waiting.head(SHOWN_UNMATCHED)
    table = pd.DataFrame(
        {
            t("hl_col_ticket", lang): shown[H.TICKET].astype(str),
            t("hl_col_received", lang): [fmt_date(d, lang) for d in shown[H.RECEIVED]],
            t("hl_col_text", lang): shown[H.TEXT].astype(str),
            t("hl_col_district", lang): shown[H.DISTRICT].fillna(UNNAMED).astype(str),
        }
    )
    picked = st.dataframe(
        table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="hl_unmatched"
    )
    rows = picked.selection.rows if picked is not None else []
    if not rows:
        st.caption(t("hl_pick_ticket", lang))
        return
    ticket = shown.iloc[rows[0]]
    actor = current_actor()
    register = register_for(view, actor.districts)  # a limited editor's districts only
    st.markdown(t("hl_assign_ticket", lang, ticket=md_escape(ticket[H.TICKET]), text=md_escape(ticket[H.TEXT])))
    found = search(register, lang, "hl_assign")  # outside the form: typing narrows the picker at once
    with st.form("hl_assign"):
        at = select(
            found, register, t("hl_assign_project", lang), "hl_assign", placeholder=t("hl_assign_placeholder", lang)
        )
        remember = st.checkbox(t("hl_assign_remember", lang), value=True)
        acting_as(lang)
        if not st.form_submit_button(t("hl_assign_button", lang), type="primary"):
            return
    if at is None:
        st.warning(t("hl_assign_pick_first", lang))
        return
    district, name = register.pairs[at]
    try:
        S.assign(engine(), actor, [str(ticket[H.TICKET])], str(ticket[H.TEXT]), district, name, remember)
    except Refused as refused:
        st.error(refusal_text(refused, lang), icon=":material/lock:")
        return
    st.rerun()


def in_districts(tickets: pd.DataFrame, districts: tuple[str, ...]) -> pd.DataFrame:
    """The tickets of the sidebar's districts (the matched project's, else the export's own column)."""
    if not districts:
        return tickets
    own = tickets["project_district"].fillna(tickets[H.DISTRICT])
    return tickets[own.isin(districts).fillna(False)]


def rates_section(view: View, tickets: pd.DataFrame) -> None:
    """Overall figures, the trend chart and the tables by district and by project, by week or month."""
    lang = view.lang
    goal = targets()
    st.subheader(t("hl_rates_title", lang))
    st.caption(
        t(
            "hl_rates_help",
            lang,
            reply=f"{goal['reply_rate']:g}",
            satisfaction=f"{goal['satisfaction_rate']:g}",
        )
    )
    # The headline is the month of the as-of date (the centre is judged month by month), up to that date.
    received = pd.to_datetime(tickets[H.RECEIVED])
    month_start = pd.Timestamp(view.as_of).to_period("M").start_time
    this_month = tickets[(received >= month_start) & (received < pd.Timestamp(view.as_of) + pd.Timedelta(days=1))]
    st.markdown(
        t("hl_this_month", lang, month=period_label(month_start, H.MONTH, lang), date=fmt_date(view.as_of, lang))
    )
    headline(this_month, lang)
    labels = {H.MONTH: t("hl_by_month", lang), H.WEEK: t("hl_by_week", lang)}
    period = st.segmented_control(
        t("hl_period", lang), list(labels), default=H.MONTH, format_func=lambda p: labels[p], key="hl_period"
    )
    period = period or H.MONTH
    overall = H.rates(tickets, period)
    st.plotly_chart(rates_chart(overall, period, lang), width="stretch", config=PLOTLY_CONFIG)
    double = H.rates(tickets, H.MONTH)
    months = [p for p, d in zip(double["period"], double["double_100"], strict=True) if d]
    if months:
        st.success(
            t("hl_double_months", lang, months=months_text(months, lang)),
            icon=":material/workspace_premium:",
        )
    by_district, by_project = st.tabs([t("hl_tab_district", lang), t("hl_tab_project", lang)])
    with by_district:
        placed = tickets.assign(project_district=tickets["project_district"].fillna(tickets[H.DISTRICT]))
        frame = H.rates(placed, period, ("project_district",)).sort_values(
            ["project_district", "period"], ascending=[True, False]
        )
        st.dataframe(rates_table(frame, period, lang, ("project_district",)), hide_index=True, width="stretch")
        st.caption(t("hl_district_note", lang))
    with by_project:
        matched = tickets[tickets["project_name"].notna()]
        columns = ("project_district", "project_name")
        frame = H.rates(matched, period, columns).sort_values([*columns, "period"], ascending=[True, True, False])
        st.dataframe(rates_table(frame, period, lang, columns), hide_index=True, width="stretch")


view = current_view()
lang = view.lang
st.title(md_t("hl_title", lang, region=view.region()))
st.caption(t("as_of_caption", lang, date=fmt_date(view.as_of, lang)))
st.caption(t("hl_intro", lang))
if current_actor().may(UPLOAD_HOTLINE):
    upload_section(view)
all_tickets = hotline_tickets()
if all_tickets.empty:
    st.info(t("hl_none_yet", lang), icon=":material/call:")
else:
    tickets = in_districts(all_tickets, view.districts)
    if current_actor().may(UPLOAD_HOTLINE):
        unmatched_section(view, tickets)
    if tickets.empty:
        st.warning(t("empty_filtered", lang))
    else:
        rates_section(view, tickets)
