"""Presentation mode: the meeting briefing on the projector, one slide at a time; on a phone, as cards.

``/present?lang=en&as_of=2021-05-01&slide=3&districts=章丘区,历城区&sections=headline,red``: the URL keeps the
slide, the districts and the sections (comma-separated; missing means all), so a reload stays on the slide
and the same query drives the exports. Anything in the URL that names no district or section is ignored.
The briefing comes from ``ui.data.briefing_for``; ``ui.slides`` lays it out and handles the keys.
"""

from __future__ import annotations

import re

import streamlit as st

from briefing.blocks import SECTIONS
from briefing.build import SECTION_BUILDERS
from housing.i18n import t
from housing.statuses import OVERDUE
from service.roles import RAISE_TASK
from ui import tasks as task_ui
from ui.context import View, current_actor, current_view
from ui.data import briefing_for, briefing_key
from ui.downloads import briefing_downloads
from ui.project_picker import register_for, search, select
from ui.slides import SLIDE_PARAM, show_deck, style

LISTS = {"districts": "pr_districts", "sections": "pr_sections"}  # URL parameter -> its picker's key
_COMMAS = re.compile(r"[,，、]")


def known_districts(view: View) -> list[str]:
    """The districts the data names, sorted."""
    return sorted(view.classified["district"].dropna().astype(str).unique())


def url_list(name: str, allowed: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The URL's comma-separated ``name`` narrowed to ``allowed`` (in its order); nothing valid means all."""
    given = {part.strip() for part in _COMMAS.split(st.query_params.get(name) or "")}
    return tuple(item for item in allowed if item in given)


def chosen(view: View) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The districts (empty: all) and sections (every one when none is named) the URL asks for."""
    return url_list("districts", known_districts(view)), url_list("sections", SECTIONS) or SECTIONS


def write_url(name: str) -> None:
    """Callback of a picker: its choice into the URL (all or none: left out), back to the first slide."""
    picked = st.session_state[LISTS[name]]
    if picked:
        st.query_params[name] = ",".join(picked)
    else:
        st.query_params.pop(name, None)
    st.query_params[SLIDE_PARAM] = "1"


def switch_language() -> None:
    """Callback: the other language (app.py keeps it in the URL; the sidebar's picker is hidden here)."""
    st.session_state["lang"] = "en" if st.session_state["lang"] == "zh" else "zh"


def settings(view: View, districts: tuple[str, ...], sections: tuple[str, ...]) -> None:
    """The presenter's choice of districts, sections and language, and the briefing as files for that choice
    (in the popover under the slide)."""
    lang = view.lang
    st.session_state[LISTS["districts"]] = list(districts)  # the URL is the truth (a link, a reload)
    st.session_state[LISTS["sections"]] = [] if sections == SECTIONS else list(sections)
    st.multiselect(
        t("filter_districts", lang),
        known_districts(view),
        key=LISTS["districts"],
        placeholder=t("filter_all", lang),
        on_change=write_url,
        args=("districts",),
    )
    st.multiselect(
        t("pr_sections", lang),
        SECTIONS,
        key=LISTS["sections"],
        placeholder=t("filter_all", lang),
        format_func=lambda key: t(SECTION_BUILDERS[key][0], lang),
        on_change=write_url,
        args=("sections",),
    )
    st.button(t("pr_other_language", lang), key="pr_lang", icon=":material/translate:", on_click=switch_language)
    briefing_downloads(view, districts, sections, "pr")
    raise_from_briefing(view, districts)


def raise_from_briefing(view: View, districts: tuple[str, ...]) -> None:
    """For the roles that may: raise a task on a red (overdue) project of the briefing, prefilled with the
    project and its responsible unit, recorded as raised from the briefing. The red projects are found by
    search (``ui.project_picker``: at province scale thousands are overdue), the best match chosen."""
    lang = view.lang
    if not current_actor().may(RAISE_TASK):
        return
    red = register_for(view, districts, OVERDUE)
    st.markdown(f"**{t('tv_brief_raise', lang)}**")
    if not len(red):
        st.caption(t("tv_brief_no_red", lang))
        return
    task_ui.done_notice()
    found = search(red, lang, "pr_task", empty=red.pairs[0])
    if not found.indices:
        return  # the search said that nothing matched
    at = select(found, red, t("tv_brief_red_project", lang), "pr_task")
    at = found.indices[0] if at is None else at
    task_ui.raise_form(
        view.classified, lang, f"pr_raise_{at}", project=red.pairs[at], unit=red.units[at], source="briefing"
    )


view = current_view()
if not view.has_data:
    style()
    st.info(t("no_data_yet", view.lang), icon=":material/upload_file:")
else:
    DISTRICTS, SECTIONS_SHOWN = chosen(view)
    show_deck(
        briefing_for(view, DISTRICTS, SECTIONS_SHOWN),
        lambda: settings(view, DISTRICTS, SECTIONS_SHOWN),
        briefing_key(view, DISTRICTS, SECTIONS_SHOWN),
    )
