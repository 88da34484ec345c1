"""Upload: drop the week's workbook, read the validation report, preview the changes, publish."""

from __future__ import annotations

import streamlit as st

from housing.changes import diff_projects
from housing.fmt import fmt_datetime, fmt_int
from housing.i18n import t
from housing.scope import file_districts, kept_rows
from housing.settings import get_setting
from housing.summary import columns_table
from loaders import LoadResult, chars, load_bytes
from loaders.annotate import annotate_workbook
from store import versions as V
from store.intake import publish_blocker
from ui.changes import show_changes
from ui.context import View, current_view
from ui.data import engine, scoped_upload, template_bytes, version_projects
from ui.escape import md_list, md_t
from ui.mapping import mapping_form, remember, remembered
from ui.tables import issues_table

ACCEPTED = ["xlsx", "xlsm", "xls", "ods", "csv", "txt"]  # txt: Excel's "Unicode text" export (UTF-16)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def templates(lang: str, current: V.Version | None) -> None:
    """Empty templates in both languages, with the current districts and streets as drop-down lists."""
    version_id = current.id if current else None
    cols = st.columns(2)
    for col, template_lang in zip(cols, ("zh", "en")):
        col.download_button(
            t(f"up_template_{template_lang}", lang),
            data=template_bytes(template_lang, version_id),
            file_name=t("up_template_file", template_lang) + ".xlsx",
            mime=XLSX_MIME,
            on_click="ignore",
            icon=":material/description:",
            key=f"up_template_{template_lang}",
        )


def checked(content: bytes, filename: str, digest: str, mapping: dict | None = None) -> LoadResult:
    """The loader's result for this file (``digest``: its SHA-256) read with ``mapping`` (header → field or
    None), kept for the session so reruns (typing a comment) don't re-read it."""
    key = (digest, filename, tuple(sorted((mapping or {}).items(), key=str)))
    cache = st.session_state.setdefault("up_checked", {})
    if key not in cache:
        cache.clear()  # one file at a time: read automatically, then with its mapping
        cache[key] = load_bytes(content, filename, {"mapping": mapping} if mapping else None)
    return cache[key]


def read_with_mapping(content: bytes, filename: str, digest: str) -> tuple[LoadResult, dict]:
    """The file read automatically, then again with the column mapping remembered for its layout (if any);
    the form to change that mapping comes with the report."""
    first = checked(content, filename, digest)
    mapping = remembered(first) if first.readable else {}
    return (checked(content, filename, digest, mapping) if mapping else first), mapping


def report(result: LoadResult, content: bytes, filename: str, lang: str, mapping: dict | None = None) -> None:
    """Counts of errors and warnings, every problem in a table, the workbook with problem cells marked, and
    every column of the file with what it was read as (未使用 for a column no field took)."""
    st.subheader(t("up_report", lang))
    cols = st.columns(3)
    cols[0].metric(t("up_errors", lang), fmt_int(len(result.errors)))
    cols[1].metric(t("up_warnings", lang), fmt_int(len(result.warnings)))
    cols[2].metric(t("up_projects", lang), fmt_int(len(result.projects)))
    if not result.issues:
        st.success(t("up_clean", lang))
    else:
        st.dataframe(issues_table(result.issues, lang), hide_index=True, width="stretch")
    if result.issues and result.readable:  # an unreadable file has no cells to mark
        st.download_button(
            t("up_marked", lang),
            data=lambda: annotate_workbook(content, filename, result.issues, lang) or b"",  # built when clicked
            file_name=t("up_marked_file", lang, stem=filename.rsplit(".", 1)[0]) + ".xlsx",
            mime=XLSX_MIME,
            on_click="ignore",
            icon=":material/rate_review:",
            key="up_marked",
        )
    if result.columns:  # after the problems: every column and what it was read as, so nothing is dropped unseen
        unused = sum(c.field is None for c in result.columns)
        if mapping:
            st.info(t("map_in_force", lang, count=len(mapping)), icon=":material/table_edit:")
        with st.expander(t("up_columns", lang, used=len(result.columns) - unused, unused=unused), expanded=unused > 0):
            table = columns_table(result.columns, lang, chosen=set(mapping or {}))
            st.dataframe(table, hide_index=True, width="stretch")
        changed = mapping_form(result, mapping or {}, lang)
        if changed is not None:
            remember(result, changed)
            st.rerun()  # read again with the new mapping


def scope_choice(result: LoadResult, digest: str, current: V.Version | None, lang: str) -> list[str] | None:
    """The districts the file replaces (the default, when it names only some of them), or ``None``: all of it.

    Asked only when the file names its districts and the current version has projects outside them.
    """
    covered = file_districts(result.projects) if current else []
    kept = kept_rows(version_projects(current.id), covered) if covered else None
    if kept is None or kept.empty:
        return None
    others = kept["district"].dropna().unique().tolist()
    labels = {
        # Radio options are Markdown: the district names come from the workbook.
        "districts": t("up_scope_districts", lang, districts=md_list(covered, lang), version=current.id),
        "all": t("up_scope_all", lang, count=fmt_int(len(kept)), others=md_list(others, lang) or "—"),
    }
    choice = st.radio(
        t("up_scope", lang),
        list(labels),
        format_func=labels.get,
        key=f"up_scope_{digest[:16]}",  # a new file asks afresh
        help=t("up_scope_help", lang),
    )
    return covered if choice == "districts" else None


def preview(result: LoadResult, current: V.Version | None, lang: str) -> None:
    """What publishing would change against the current version."""
    st.subheader(t("up_preview", lang))
    if current is None:
        st.info(t("up_first_version", lang))
        return
    st.caption(t("up_preview_against", lang, version=current.id))
    show_changes(diff_projects(version_projects(current.id), result.projects), lang)
    st.session_state["up_base"] = current.id  # what the user has now seen the changes against


def publish_form(
    result: LoadResult, content: bytes, filename: str, scope: list[str] | None, view: View, seen_id: int | None
) -> None:
    """Uploader and comment, then publish; refused if another version makes the preview the user read untrue.

    ``result`` is the file as read; with ``scope`` the store merges it onto the version current inside the
    write transaction (the preview showed the same merge onto the version current then). ``seen_id`` is the
    version the previous run's preview compared against, the one the user read.
    """
    lang = view.lang
    with st.form("up_publish"):
        uploader = st.text_input(t("up_uploader", lang), key="up_uploader", max_chars=100)
        comment = st.text_area(t("up_comment", lang), key="up_comment", max_chars=1000)
        submitted = st.form_submit_button(t("up_publish", lang), type="primary", icon=":material/publish:")
    if not submitted:
        return
    if not uploader.strip():
        st.error(t("up_need_uploader", lang))
        return
    try:
        version = V.publish(
            engine(),
            result.projects,
            content=content,
            filename=filename,
            uploader=uploader,
            comment=comment,
            issues=result.issues,
            stage_dates=result.stage_dates,
            scope=scope,
            expected=seen_id,
        )
    except V.VersionMoved as moved:
        # Shown after a rerun, so the preview above is drawn again against the version now current.
        st.session_state["up_moved"] = (moved.version, moved.uploader, moved.published_at)
        st.rerun()
    st.session_state["up_done"] = st.session_state["up_base"] = version.id
    st.session_state["up_nonce"] = st.session_state.get("up_nonce", 0) + 1  # a fresh, empty file picker
    st.rerun()


def moved_notice(lang: str) -> None:
    """After a refused publish: which version was published meanwhile, by whom and when."""
    moved = st.session_state.pop("up_moved", None)
    if moved is not None:
        version, uploader, published_at = moved
        when = fmt_datetime(published_at, lang, str(get_setting("timezone")))
        st.warning(
            md_t("up_version_moved", lang, version=version, uploader=uploader, time=when), icon=":material/sync:"
        )


def published_notice(lang: str) -> None:
    """After a publish: which version is now current, and the way to the dashboard."""
    version_id = st.session_state.pop("up_done", None)
    if version_id is not None:
        st.success(t("up_published", lang, version=version_id), icon=":material/check_circle:")
        st.page_link("pages/overview.py", label=t("up_to_overview", lang), icon=":material/dashboard:")


view = current_view()
lang = view.lang
current = V.current(engine())
seen_id = st.session_state.get("up_base", current.id if current else None)
st.title(t("page_upload", lang))
st.caption(t("up_intro", lang, limit=get_setting("max_upload_mb")))
published_notice(lang)
templates(lang, current)
upload = st.file_uploader(
    t("up_drop", lang),
    type=ACCEPTED,
    key=f"up_file_{st.session_state.get('up_nonce', 0)}",
    help=t("up_drop_help", lang),
)
if upload is None:
    st.info(t("up_empty", lang), icon=":material/upload_file:")
else:
    content, filename = upload.getvalue(), chars.clean(upload.name)[:255]  # kept with the version, shown in history
    digest = V.sha256(content)  # once per run: the cache key, the same-file check and the scope key
    result, mapping = read_with_mapping(content, filename, digest)
    report(result, content, filename, lang, mapping)
    moved_notice(lang)
    blocker = publish_blocker(result, digest, current)
    if blocker == "up_blocked_unreadable":  # the one issue says why; it may quote a sheet name from the file
        st.error(md_t(blocker, lang, reason=result.issues[0].message(lang)), icon=":material/block:")
    elif blocker == "up_blocked_errors":
        st.error(t(blocker, lang, count=len(result.errors)))
    elif blocker:
        st.warning(t(blocker, lang, version=current.id if current else ""))
    else:
        scope = scope_choice(result, digest, current, lang)
        preview(scoped_upload(result, current, scope), current, lang)
        publish_form(result, content, filename, scope, view, seen_id)
