"""History: every published version; download its file, view the dashboard as of it, compare, roll back."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from housing.fmt import fmt_datetime, fmt_int, fmt_list, fmt_wan
from housing.i18n import t
from housing.scope import Removal, removal
from housing.settings import get_setting
from service import actions as S
from service.roles import ROLLBACK, Refused
from store import versions as V
from ui.blocks import html_table, phone_layout, table_and_cards
from ui.change_view import show_changes
from ui.context import (
    PUBLISHED,
    View,
    acting_as,
    audited_download,
    current_actor,
    current_view,
    refusal_text,
)
from ui.data import engine, uploader_label, version_changes, version_projects
from ui.escape import md_list, md_t
from ui.exports import download_xlsx, frame_block, today_name, versions_block, view_filters
from ui.paging import current_page, pager
from ui.tables import page_count

INLINE_NAMES = 10  # up to this many projects are named in the confirmation itself; more go in a table


def source_text(version: V.Version, lang: str) -> str:
    """How the version came about: an upload, a rollback to version N, or the bundled sample; marked when
    it holds sample rows (a rollback to the sample)."""
    if version.source == V.ROLLBACK:
        text = t("hi_source_rollback", lang, version=version.restored_from)
    elif version.summary.get("scope"):
        text = t("hi_source_upload_scope", lang, districts=fmt_list(version.summary["scope"], lang))
    else:
        return t(f"hi_source_{version.source}", lang)  # "bundled sample" says so itself
    return t("hi_sample_mark", lang, source=text) if version.sample else text


def versions_table(versions: list[V.Version], current_id: int | None, lang: str) -> pd.DataFrame:
    """One row per version, newest first, the current one marked."""
    tz = str(get_setting("timezone"))
    rows = [
        {
            t("hi_col_version", lang): f"{v.id}" + (f" · {t('hi_current', lang)}" if v.id == current_id else ""),
            t("hi_col_time", lang): fmt_datetime(v.created_at, lang, tz),
            t("hi_col_uploader", lang): uploader_label(v.uploader, lang),
            t("hi_col_file", lang): v.filename,
            t("col_projects", lang): fmt_int(v.projects),
            t("col_households", lang): fmt_int(v.households),
            t("col_area", lang): fmt_wan(v.floor_area_m2),
            t("hi_col_source", lang): source_text(v, lang),
            t("hi_col_comment", lang): v.comment,
        }
        for v in versions
    ]
    return pd.DataFrame(rows)


VERSIONS_KEY = "hi_versions"  # the paged list of versions (``ui.paging``)


def version_list(versions: list[V.Version], current_id: int | None, lang: str) -> None:
    """The versions, newest first, a page at a time as an HTML table (cards on a phone): a file name, a
    comment or the districts of an upload shown in full rather than cut off in a data grid's cell; the whole
    list is in the Excel download. Weekly uploads make hundreds of versions over the years."""
    listed = (tuple(v.id for v in versions), current_id)
    page, first, last = current_page(VERSIONS_KEY, len(versions), listed)
    if page_count(len(versions)) > 1:
        st.caption(t("pg_rows_shown", lang, first=fmt_int(first + 1), last=fmt_int(last)))
    shown = versions[first:last]
    block = versions_block(shown, versions_table(shown, current_id, lang), lang)
    st.html(table_and_cards("hi-versions", block, title=t("hi_col_version", lang)))
    pager(VERSIONS_KEY, len(versions), page, lang)


def label(version: V.Version, lang: str) -> str:
    """A version as the pickers name it."""
    when = fmt_datetime(version.created_at, lang, str(get_setting("timezone")))
    return t("hi_pick_label", lang, version=version.id, time=when, uploader=uploader_label(version.uploader, lang))


def open_in_dashboard(version_id: int) -> None:
    """Show the dashboard as of this version (the sidebar offers the way back to the current one)."""
    st.session_state.update(dataset=PUBLISHED, version=version_id)
    for key in [k for k in st.session_state if str(k).startswith("dataset__")]:
        del st.session_state[key]  # the per-language data picker is re-seeded from "dataset"


def actions(version: V.Version, current_id: int | None, lang: str) -> None:
    """Download the original file, open the dashboard as of this version, roll back to it."""
    db = engine()
    cols = st.columns(2)
    # A sample version's file says so in its label and in the name it is saved under.
    cols[0].download_button(
        md_t("hi_download_sample" if version.sample else "hi_download", lang, file=version.filename),  # Markdown
        data=audited_download(
            db, f"version {version.id} file", {"file": version.filename}, lambda: V.version_file(db, version.id)[1]
        ),
        file_name=t("hi_sample_file", lang, file=version.filename) if version.sample else version.filename,
        on_click="ignore",
        icon=":material/download:",
        key="hi_download",
    )
    if cols[1].button(t("hi_open", lang), icon=":material/dashboard:", key="hi_open"):
        open_in_dashboard(version.id)
        st.switch_page("views/overview.py")
    if version.id == current_id or current_id is None or not current_actor().may(ROLLBACK):
        return
    if current_actor().districts:  # a rollback replaces every district: not for a district office
        st.info(t("sv_refused_rollback_districts", lang), icon=":material/lock:")
        return
    rollback_form(version, current_id, lang)


def rollback_changes(gone: Removal, back: Removal, version: V.Version, current_id: int, lang: str) -> None:
    """What the rollback removes from the current version and what it brings back, by name and households."""
    if gone.projects.empty and back.projects.empty:
        st.info(t("hi_rb_same_projects", lang, version=version.id), icon=":material/undo:")
        return
    many = len(gone.projects) + len(back.projects) > INLINE_NAMES
    for found, key, icon in (
        (gone, "hi_rb_removes", ":material/delete_sweep:"),
        (back, "hi_rb_restores", ":material/restore:"),
    ):
        if found.projects.empty:
            continue
        names = t("up_removal_see_table", lang) if many else md_list(found.projects["name"], lang)
        figures = {"projects": fmt_int(len(found.projects)), "households": fmt_int(found.households)}
        (st.warning if found is gone else st.info)(t(key, lang, current=current_id, names=names, **figures), icon=icon)
    if many:  # one page of rows at a time: a rollback across a whole register's change names 100,000 projects
        table = changes_table(gone, back, lang)
        page, first, last = current_page("hi_rb_page", len(table), (version.id, current_id))
        st.caption(t("hi_rb_table", lang, count=fmt_int(len(table))))
        if page_count(len(table)) > 1:
            st.caption(t("pg_rows_shown", lang, first=fmt_int(first + 1), last=fmt_int(last)))
        st.html(f'<div class="hi-rb-list">{html_table(frame_block("rollback", table.iloc[first:last]))}</div>')
        pager("hi_rb_page", len(table), page, lang)


def changes_table(gone: Removal, back: Removal, lang: str) -> pd.DataFrame:
    """Every project the rollback removes or brings back, with its district, street and households."""
    columns = {"name": "col_name", "district": "col_district", "street": "col_street", "households": "col_households"}
    frames = [
        found.projects[list(columns)].assign(change=t(key, lang))
        for found, key in ((gone, "hi_rb_removed"), (back, "hi_rb_restored"))
    ]
    table = pd.concat(frames, ignore_index=True)[["change", *columns]]
    return table.rename(columns={"change": t("hi_rb_change", lang), **{c: t(k, lang) for c, k in columns.items()}})


def rollback_form(version: V.Version, current_id: int, lang: str) -> None:
    """Publish this version's rows again as a new version, as the signed-in account, once the user has
    ticked the confirmation naming what goes and what comes back."""
    now, then = version_projects(current_id), version_projects(version.id)
    gone, back = removal(now, then), removal(then, now)
    rollback_changes(gone, back, version, current_id, lang)
    figures = {
        "removed": fmt_int(len(gone.projects)),
        "removed_households": fmt_int(gone.households),
        "restored": fmt_int(len(back.projects)),
        "restored_households": fmt_int(back.households),
    }
    with st.form("hi_rollback"):
        st.markdown(t("hi_rollback_intro", lang, version=version.id))
        comment = st.text_input(t("hi_rollback_reason", lang), key="hi_rb_comment", max_chars=1000)
        confirmed = st.checkbox(
            t("hi_rb_confirm", lang, version=version.id, **figures), key=f"hi_rb_confirm_{version.id}_{current_id}"
        )
        acting_as(lang)
        submitted = st.form_submit_button(t("hi_rollback", lang, version=version.id), icon=":material/undo:")
    if submitted and not confirmed:
        st.error(t("hi_rb_unconfirmed", lang))
    elif submitted:
        roll_back(version, comment, lang)


def roll_back(version: V.Version, comment: str, lang: str) -> None:
    """Roll back through the service, against the version current when the user read the confirmation: a
    second click returns the version the first made, a version published meanwhile refuses it."""
    seen = st.session_state.get("hi_base")
    try:
        done = S.rollback(engine(), current_actor(), version.id, comment, expected=seen, confirmed=True)
    except Refused as refused:
        st.error(refusal_text(refused, lang), icon=":material/lock:")
        return
    except V.VersionMoved as moved:
        st.session_state["hi_moved"] = (moved.version, moved.uploader, moved.published_at)
        st.rerun()
    st.session_state["hi_done"] = (done.version.id, version.id)
    for key in [k for k in st.session_state if str(k).startswith(("hi_version__", "hi_rb_"))]:
        del st.session_state[key]  # the form clears and the picker shows the new current version
    st.rerun()


def moved_notice(lang: str) -> None:
    """After a refused rollback: which version was published meanwhile, by whom and when."""
    moved = st.session_state.pop("hi_moved", None)
    if moved is not None:
        version, uploader, published_at = moved
        when = fmt_datetime(published_at, lang, str(get_setting("timezone")))
        st.warning(
            md_t("hi_rb_moved", lang, version=version, uploader=uploader_label(uploader, lang), time=when),
            icon=":material/sync:",
        )


def compare(versions: list[V.Version], view: View) -> None:
    """Any two versions side by side, with the same change view as the upload preview (the comparison kept
    per pair of versions, ``ui.data.version_changes``)."""
    lang = view.lang
    st.subheader(t("hi_compare", lang))
    ids = [v.id for v in versions]
    names = {v.id: label(v, lang) for v in versions}
    cols = st.columns(2)
    old = cols[0].selectbox(
        t("hi_from", lang), ids, index=min(1, len(ids) - 1), format_func=lambda i: names[i], key=f"hi_from__{lang}"
    )
    new = cols[1].selectbox(t("hi_to", lang), ids, index=0, format_func=lambda i: names[i], key=f"hi_to__{lang}")
    if old == new:
        st.info(t("hi_same", lang))
        return
    pair = t("xl_compared_versions", lang, old=old, new=new)
    filters = view_filters(view, (t("xl_compared", lang), pair), filtered=False)
    file_name = today_name("xl_file_compare", view, f"{old}-{new}")
    show_changes(version_changes(old, new), lang, "hi_chg", (old, new), filters, file_name)


view = current_view()
lang = view.lang
db = engine()
versions = V.list_versions(db)
current_id = V.current_version_id(db)
st.title(t("page_history", lang))
phone_layout()  # the style of the HTML tables (the versions, the comparison's lists, a rollback's projects)
done = st.session_state.pop("hi_done", None)
if done:
    st.success(t("hi_rolled_back", lang, version=done[0], restored=done[1]), icon=":material/undo:")
moved_notice(lang)
if not versions:
    st.info(t("no_data_yet", lang), icon=":material/upload_file:")
else:
    st.caption(t("hi_intro", lang, count=len(versions)))
    version_list(versions, current_id, lang)
    download_xlsx(
        t("xl_download", lang),
        lambda: [
            (t("xl_sheet_versions", lang), versions_block(versions, versions_table(versions, current_id, lang), lang))
        ],
        view_filters(view, filtered=False),
        today_name("xl_file_versions", view),
        "xl_versions",
        lang=lang,
    )
    st.subheader(t("hi_one", lang))
    by_id = {v.id: v for v in versions}
    picked = st.selectbox(
        t("hi_pick", lang), list(by_id), format_func=lambda i: label(by_id[i], lang), key=f"hi_version__{lang}"
    )
    actions(by_id[picked], current_id, lang)
    if len(versions) > 1:
        compare(versions, view)
st.session_state["hi_base"] = current_id  # what this run showed: a rollback confirmed on it expects this version
