"""Upload: drop the week's workbook, read the validation report, preview the changes, publish."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from housing.changes import Changes, diff_projects
from housing.districts import (
    apply_mapping,
    district_issues,
    district_variants,
    repeated_projects,
    rows_without_district,
)
from housing.fmt import fmt_count, fmt_datetime, fmt_int, fmt_list, fmt_percent
from housing.i18n import t
from housing.scope import Removal, file_districts, kept_rows, removal_in
from housing.settings import get_setting
from housing.summary import columns_table
from loaders import LoadResult, chars, load_bytes
from loaders.annotate import annotate_workbook
from service import actions as S
from service.audit import FAILED, OK
from service.roles import UPLOAD, Actor, Refused
from store import versions as V
from store.intake import publish_blocker
from ui.blocks import phone_layout
from ui.change_view import show_changes
from ui.context import View, acting_as, current_actor, current_view, may_use, refusal_text
from ui.data import engine, scoped_upload, template_bytes, uploader_label, version_projects
from ui.escape import md_list, md_t
from ui.exports import today_name, view_filters
from ui.issues import show_issues
from ui.mapping import mapping_form, remember, remembered

ACCEPTED = ["xlsx", "xlsm", "xls", "ods", "csv", "txt"]  # txt: Excel's "Unicode text" export (UTF-16)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INLINE_NAMES = 10  # up to this many removed projects are named in the warning itself; more go in a table


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
    if st.session_state.get("up_checked_file") != (digest, filename):  # one file at a time, in its readings
        st.session_state["up_checked_file"], st.session_state["up_checked"] = (digest, filename), {}
    cache = st.session_state["up_checked"]
    key = tuple(sorted((mapping or {}).items(), key=str))
    if key not in cache:
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
        show_issues(result.issues, lang, "up_issues")
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
    if current is None:
        return None
    covered = file_districts(result.projects)
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


def known_districts(current: V.Version | None) -> list[str]:
    """The current version's districts (none before the first publish)."""
    return version_projects(current.id)["district"].dropna().unique().tolist() if current else []


def with_district_checks(result: LoadResult, current: V.Version | None) -> LoadResult:
    """The file's result with the district warnings added: names differing from a known district only by
    suffix or spacing, rows without a district. They need the current version, so the loader cannot find them."""
    if not result.readable or result.projects.empty:
        return result
    return replace(result, issues=result.issues + district_issues(result.projects, known_districts(current)))


def district_names(result: LoadResult, current: V.Version | None, digest: str, lang: str) -> dict[str, str]:
    """For each name differing from a known district only by suffix or spacing: read it as that district (the
    default: two spellings of one district would count its projects under two) or keep it as written.

    Returns the names to read as a known district, name as written → known district.
    """
    variants = district_variants(result.projects, known_districts(current))
    if not variants:
        return {}
    st.subheader(t("up_districts", lang))
    st.caption(t("up_districts_intro", lang))
    mapping = {}
    for n, variant in enumerate(variants):
        labels = {  # radio labels and options are Markdown: the names come from the workbook
            "known": md_t("up_district_read_as", lang, known=variant.known),
            "new": md_t("up_district_keep", lang, written=variant.written),
        }
        choice = st.radio(
            md_t("up_district_variant", lang, written=variant.written, count=len(variant.rows)),
            list(labels),
            format_func=labels.get,
            horizontal=True,
            key=f"up_district_{digest[:16]}_{n}",  # a new file asks afresh
        )
        if choice == "known":
            mapping[variant.written] = variant.known
    return mapping


def mapped(result: LoadResult, mapping: dict[str, str]) -> LoadResult:
    """The file with the chosen district names read as the known districts (projects and stage dates)."""
    if not mapping:
        return result
    return replace(
        result,
        projects=apply_mapping(result.projects, mapping),
        stage_dates=apply_mapping(result.stage_dates, mapping),
    )


def row_refs(rows: pd.DataFrame, lang: str) -> str:
    """Rows as the user finds them in Excel: 第 5 行“白泉”、第 9 行“月官” (Markdown-escaped)."""
    return md_list([t("up_row_ref", lang, row=int(r), name=n) for r, n in zip(rows["row"], rows["name"])], lang)


def counted(projects: int, households: int, lang: str) -> dict[str, str]:
    """Projects and households with their nouns, for a sentence naming both (``3 个项目``, ``1 household``)."""
    return {
        "projects": fmt_count(projects, "count.projects", lang),
        "households": fmt_count(households, "count.households", lang),
    }


def file_scope(result: LoadResult, digest: str, current: V.Version | None, lang: str) -> list[str] | None:
    """The districts the file replaces (``None``: the whole register), saying why when it cannot be fewer.

    Over the bundled sample the file is the whole register: no question, no sample row kept. A file some of
    whose rows name no district cannot update just its districts: the page names those rows.
    """
    if current is None:
        return None
    if current.sample:
        figures = counted(current.projects, current.households, lang)
        st.info(t("up_replaces_sample", lang, version=current.id, **figures), icon=":material/swap_horiz:")
        return None
    missing = rows_without_district(result.projects)
    if missing.empty:
        return scope_choice(result, digest, current, lang)
    named = result.projects["district"].dropna().unique().tolist()
    if set(known_districts(current)) - set(named):  # a district update was possible but for these rows
        st.warning(
            t(
                "up_scope_impossible",
                lang,
                districts=md_list(named, lang),
                count=len(missing),
                rows=row_refs(missing, lang),
            ),
            icon=":material/rule:",
        )
    return None


def limited_scope(result: LoadResult, current: V.Version | None, actor: Actor, lang: str) -> list[str] | None:
    """For an editor limited to some districts: the districts the file updates (its own, all within the
    account's), or ``None`` after saying why it cannot be published (the service refuses it too)."""
    mine = md_list(actor.districts, lang)
    if current is None or current.sample:  # the first real upload is the whole register
        st.error(t("up_limited_sample", lang, districts=mine), icon=":material/lock:")
        return None
    covered = file_districts(result.projects)
    refused = S.district_refusal(actor, result.projects, covered)
    if refused is not None:
        st.error(refusal_text(refused, lang), icon=":material/lock:")
        return None
    st.info(t("up_limited", lang, districts=mine, scope=md_list(covered, lang)), icon=":material/lock:")
    return covered


def removal_notice(changes: Changes | None, current: V.Version | None, lang: str) -> Removal | None:
    """When publishing removes more than a tenth of the current projects or households: say what goes and
    return it (publishing then needs a ticked confirmation). Replacing the bundled sample is not a loss.
    ``changes``: the preview's comparison with the current version (its removed projects are what goes)."""
    if current is None or current.sample or changes is None:
        return None
    found = removal_in(changes)
    if not found.large:
        return None
    names = found.projects["name"].tolist()
    params = {
        "version": current.id,
        **counted(len(names), found.households, lang),
        "share_projects": fmt_percent(len(names) / max(found.current_projects, 1)),
        "share_households": fmt_percent(found.households / max(found.current_households, 1)),
        "names": md_list(names, lang) if len(names) <= INLINE_NAMES else t("up_removal_see_preview", lang),
    }
    # More names than a sentence holds: the preview above lists them, a page at a time, and its download has all.
    st.warning(t("up_removal", lang, **params), icon=":material/delete_sweep:")
    return found


def compared(result: LoadResult, current: V.Version, reading: tuple) -> Changes:
    """The changes publishing ``result`` would make to ``current``, compared once per reading of the file
    (``reading``: its digest, column mapping, district names and scope) and version: typing a comment or turning
    a page of the preview does not compare 50,000 projects again. One comparison is kept per session."""
    key = (current.id, reading)
    kept = st.session_state.get("up_diff")
    if kept is None or kept[0] != key:
        kept = (key, diff_projects(version_projects(current.id), result.projects))
        st.session_state["up_diff"] = kept
    return kept[1]


def preview(result: LoadResult, current: V.Version | None, view: View, filename: str, reading: tuple) -> Changes | None:
    """What publishing would change against the current version (``reading``: see ``compared``); returns the
    comparison (``None`` before the first version)."""
    lang = view.lang
    st.subheader(t("up_preview", lang))
    if current is None:
        st.info(t("up_first_version", lang))
        return None
    against = t("up_preview_against", lang, version=current.id)
    st.caption(against)
    filters = view_filters(view, (t("hi_col_file", lang), filename), (t("xl_compared", lang), against), filtered=False)
    file_name = today_name("xl_file_preview", view)
    changes = compared(result, current, reading)
    show_changes(changes, lang, "up_chg", (current.id, reading), filters, file_name)
    st.session_state["up_base"] = current.id  # what the user has now seen the changes against
    return changes


def publish_form(
    result: LoadResult,
    content: bytes,
    filename: str,
    scope: list[str] | None,
    view: View,
    seen_id: int | None,
    removing: Removal | None = None,
    digest: str = "",
) -> None:
    """Comment, then publish as the signed-in account; refused if another version makes the preview the user
    read untrue.

    ``result`` is the file as read; with ``scope`` the store merges it onto the version current inside the
    write transaction (the preview showed the same merge onto the version current then). ``seen_id`` is the
    version the previous run's preview compared against, the one the user read. ``removing``: what a large
    removal takes away; then publishing needs the confirmation naming its figures ticked (``digest``, the
    file's SHA-256, keys it: another file or scope is confirmed afresh).
    """
    lang = view.lang
    figures = {}
    if removing is not None:
        figures = counted(len(removing.projects), removing.households, lang)
    confirm_key = f"up_confirm_{digest[:16]}_{'|'.join(scope or [])}"
    with st.form("up_publish"):
        comment = st.text_area(t("up_comment", lang), key="up_comment", max_chars=1000)
        confirmed = removing is None or st.checkbox(t("up_removal_confirm", lang, **figures), key=confirm_key)
        acting_as(lang)
        submitted = st.form_submit_button(t("up_publish", lang), type="primary", icon=":material/publish:")
    if not submitted:
        return
    if not confirmed:
        st.error(t("up_removal_unconfirmed", lang, **figures))
        return
    publish_now(result, content, filename, scope, seen_id, comment, removing is not None, confirm_key, lang)


def publish_now(
    result: LoadResult,
    content: bytes,
    filename: str,
    scope: list[str] | None,
    seen_id: int | None,
    comment: str,
    confirmed: bool,
    confirm_key: str,
    lang: str,
) -> None:
    """Publish through the service; a refusal is said here, a stale preview is redrawn with why."""
    try:
        published = S.publish(
            engine(), current_actor(), result, content, filename, comment, scope, expected=seen_id, confirmed=confirmed
        )
    except Refused as refused:
        st.error(refusal_text(refused, lang), icon=":material/lock:")
        return
    except S.NeedsConfirmation as needed:  # the removal grew after the preview: redraw it and ask
        gone = needed.removal
        st.session_state["up_needs"] = {"projects": fmt_int(len(gone.projects)), "households": fmt_int(gone.households)}
        st.rerun()
    except V.VersionMoved as moved:
        # Shown after a rerun, so the preview above is drawn again against the version now current.
        st.session_state["up_moved"] = (moved.version, moved.uploader, moved.published_at)
        st.session_state.pop(confirm_key, None)  # the redrawn preview may remove other projects: confirm again
        st.rerun()
    for key in ("up_comment", confirm_key):  # the form starts empty for the next file
        st.session_state.pop(key, None)
    st.session_state["up_done"] = st.session_state["up_base"] = published.version.id
    st.session_state["up_nonce"] = st.session_state.get("up_nonce", 0) + 1  # a fresh, empty file picker
    st.rerun()


def _sorted(mapping: dict) -> tuple:
    """A mapping as a sorted tuple of pairs (part of a comparison's key; values may be ``None``)."""
    return tuple(sorted(mapping.items(), key=str))


def record_attempt(result: LoadResult, filename: str, digest: str) -> None:
    """Record the upload and its validation outcome in the audit trail, once per file and session (reruns
    for typing a comment or choosing a scope are not new attempts)."""
    recorded = st.session_state.setdefault("up_recorded", set())
    if (digest, filename) in recorded:
        return
    outcome = OK if result.readable and not result.errors else FAILED
    counts = {"errors": len(result.errors), "warnings": len(result.warnings), "projects": len(result.projects)}
    S.record_upload(engine(), current_actor(), filename, digest, outcome, counts)
    recorded.add((digest, filename))


def moved_notice(lang: str) -> None:
    """After a refused publish: which version was published meanwhile, by whom and when; or that the
    removal grew since the preview and needs confirming."""
    needs = st.session_state.pop("up_needs", None)
    if needs is not None:
        st.error(t("up_removal_changed", lang, **needs), icon=":material/delete_sweep:")
    moved = st.session_state.pop("up_moved", None)
    if moved is not None:
        version, uploader, published_at = moved
        when = fmt_datetime(published_at, lang, str(get_setting("timezone")))
        st.warning(
            md_t("up_version_moved", lang, version=version, uploader=uploader_label(uploader, lang), time=when),
            icon=":material/sync:",
        )


def published_notice(lang: str) -> None:
    """After a publish: which version is now current, and the way to the dashboard."""
    version_id = st.session_state.pop("up_done", None)
    if version_id is not None:
        st.success(t("up_published", lang, version=version_id), icon=":material/check_circle:")
        st.page_link("views/overview.py", label=t("up_to_overview", lang), icon=":material/dashboard:")


def upload_page(view: View) -> None:
    """The page: templates, the file picker, then report, scope, preview and publish for the chosen file."""
    lang = view.lang
    current = V.current(engine())
    seen_id = st.session_state.get("up_base", current.id if current else None)
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
        return
    content, filename = upload.getvalue(), chars.clean(upload.name)[:255]  # kept with the version, shown in history
    digest = V.sha256(content)  # once per run: the cache key, the same-file check and the scope key
    read, mapping = read_with_mapping(content, filename, digest)
    result = with_district_checks(read, current)
    record_attempt(result, filename, digest)
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
        publishable(result, content, filename, digest, current, seen_id, view, mapping)


def publishable(
    result: LoadResult,
    content: bytes,
    filename: str,
    digest: str,
    current: V.Version | None,
    seen_id: int | None,
    view: View,
    mapping: dict | None = None,
) -> None:
    """A file without errors: district names, what it replaces, the preview, what goes, and the form.

    ``mapping``: the column mapping the file was read with (part of what the preview compared)."""
    lang, actor = view.lang, current_actor()
    names = district_names(result, current, digest, lang)
    result = mapped(result, names)
    repeated = repeated_projects(result.projects)
    if repeated:  # two spellings of one district read as one: the same project would count twice
        st.error(md_t("up_district_duplicates", lang, names=fmt_list(repeated, lang)))
        return
    if actor.districts:
        scope = limited_scope(result, current, actor, lang)
        if scope is None:
            return
    else:
        scope = file_scope(result, digest, current, lang)
    new = scoped_upload(result, current, scope)
    reading = (digest, _sorted(mapping or {}), _sorted(names), tuple(scope or ()))
    changes = preview(new, current, view, filename, reading)
    removing = removal_notice(changes, current, lang)
    publish_form(result, content, filename, scope, view, seen_id, removing, digest)


page_view = current_view()
st.title(t("page_upload", page_view.lang))
phone_layout()  # the style of the preview's HTML tables
st.caption(t("up_intro", page_view.lang, limit=get_setting("max_upload_mb")))
if may_use(UPLOAD, page_view.lang):
    upload_page(page_view)
