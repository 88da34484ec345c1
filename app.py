"""安置房交付看板 — entrypoint: sign-in, navigation, the sidebar (language, data, as-of date, filters), shared state.

Nobody sees anything but the sign-in form until signed in (``ui.signin``; or, when the setting allows, the
dashboard pages as an anonymous viewer); the navigation then lists only the pages the role may use
(``ui.nav``).

Language, data, version and as-of date live in the URL (``?lang=en&as_of=2021-05-01&version=3``, or
``data=zhangqiu_2021`` for a bundled sample), so a link opens the same view on the meeting-room projector.
The as-of date is in the URL only once the user picked one: a link without it always opens on today (in
the configured time zone, ``housing.clock``), never on the day the link was copied.
"""

from __future__ import annotations

import datetime as dt
import logging

import streamlit as st

from housing.clock import FIRST_YEAR, LAST_YEAR, today, within_years
from housing.datasets import SAMPLES
from housing.i18n import DEFAULT_LANG, LANGS, status_label, t
from housing.rollup import UNNAMED, filter_projects
from housing.status import STATUSES
from ui import nav, signin
from ui.chrome import apply_chrome
from ui.context import PUBLISHED, VIEW_KEY, View, sample_notice
from ui.data import engine, judged, load_source, rule_thresholds

log = logging.getLogger("resettle")
LANG_NAMES = {"zh": "中文", "en": "English"}
DATASETS = [PUBLISHED, *SAMPLES]
AS_OF_CHOSEN = "as_of_chosen"  # session key: the user picked the as-of date (in the sidebar or the link)

st.set_page_config(page_title="安置房交付看板 · Resettlement Housing", page_icon="🏘️", layout="wide")


def _url_date(text: str | None) -> dt.date | None:
    # Only a date of the years the data can hold: year 1 or 9999 in a link failed every dashboard page.
    try:
        day = dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return day if day is not None and within_years(day) else None


def _url_int(text: str | None) -> int | None:
    # ASCII digits only ("²".isdigit() is True but int() fails) and at most 9 of them: a version id fits the
    # database's 32-bit integer, so a hand-made link cannot make the query itself fail.
    return int(text) if text and len(text) <= 9 and text.isascii() and text.isdigit() else None


def init_state() -> None:
    """First run of a session: take language, as-of date, data and version from the URL."""
    params = st.query_params
    st.session_state.setdefault("lang", params.get("lang") if params.get("lang") in LANGS else DEFAULT_LANG)
    chosen = _url_date(params.get("as_of"))
    st.session_state.setdefault(AS_OF_CHOSEN, chosen is not None)
    st.session_state.setdefault("as_of", chosen or today())
    st.session_state.setdefault("dataset", params.get("data") if params.get("data") in DATASETS else PUBLISHED)
    st.session_state.setdefault("version", _url_int(params.get("version")))


def follow_today() -> None:
    """Until the user picks a date, the as-of date is today (a session left open overnight moves on too)."""
    if not st.session_state[AS_OF_CHOSEN]:
        st.session_state["as_of"] = today()  # before the date widget is drawn, so it shows this value


def chose_date() -> None:
    """The user picked an as-of date in the sidebar: from now on it is kept, and carried in the URL."""
    st.session_state[AS_OF_CHOSEN] = True


def sync_url() -> None:
    """Write the shared choices back to the URL so the view can be linked and reloaded.

    The as-of date only when the user chose it: a shared link without one always opens on today.
    """
    state = st.session_state
    st.query_params.update(lang=state["lang"], data=state["dataset"])
    if state[AS_OF_CHOSEN]:
        st.query_params["as_of"] = state["as_of"].isoformat()
    else:
        st.query_params.pop("as_of", None)
    if state["dataset"] == PUBLISHED and state["version"]:
        st.query_params["version"] = str(state["version"])
    else:
        st.query_params.pop("version", None)


def dataset_label(dataset: str, lang: str) -> str:
    """The data choice as the sidebar names it."""
    return t("dataset_published", lang) if dataset == PUBLISHED else t(SAMPLES[dataset].title_key, lang)


def per_language(key: str, lang: str) -> str:
    """The widget key for ``key`` in ``lang``, seeded from the language-neutral value under ``key``.

    Widgets whose option labels are translated get one key per language: a keyed widget keeps its old
    labels in the browser when only ``format_func`` changes.
    """
    widget_key = f"{key}__{lang}"
    if widget_key not in st.session_state or st.session_state.get("_lang_seen") != lang:
        st.session_state[widget_key] = st.session_state.get(key)
    return widget_key


def keep(key: str, widget_key: str) -> None:
    """Copy a per-language widget's value back under its language-neutral key."""
    st.session_state[key] = st.session_state[widget_key]


def language_choice() -> str:
    """The language switch, offered on every screen (the sign-in form too); returns the language chosen."""
    with st.sidebar:
        st.radio(
            t("language", st.session_state["lang"]), LANGS, key="lang", horizontal=True, format_func=LANG_NAMES.get
        )
    return st.session_state["lang"]


def sidebar_choices(lang: str) -> None:
    """Dataset and as-of date (their values stay in session state under their keys)."""
    with st.sidebar:
        dataset_key = per_language("dataset", lang)
        st.selectbox(t("dataset", lang), DATASETS, key=dataset_key, format_func=lambda d: dataset_label(d, lang))
        keep("dataset", dataset_key)
        if st.session_state["dataset"] == PUBLISHED and st.session_state["version"]:
            st.button(
                t("back_to_current", lang),
                key="back_to_current",
                on_click=st.session_state.update,
                args=({"version": None},),
            )
        st.date_input(
            t("as_of", lang),
            key="as_of",
            on_change=chose_date,
            help=t("as_of_help", lang),
            format="YYYY/MM/DD" if lang == "zh" else "YYYY-MM-DD",
            min_value=dt.date(FIRST_YEAR, 1, 1),  # the picker stays within the years a link may give
            max_value=dt.date(LAST_YEAR, 12, 31),
        )


def sidebar_filters(classified, lang: str) -> tuple[list[str], list[str]]:
    """District and status filters; choices no longer offered (another dataset) are dropped."""
    options = sorted(classified["district"].fillna(UNNAMED).unique())
    chosen = st.session_state.get("ov_filter_districts") or []
    if any(d not in options for d in chosen):  # another dataset: keep only districts it has
        st.session_state["ov_filter_districts"] = [d for d in chosen if d in options]
    with st.sidebar:
        districts = st.multiselect(
            t("filter_districts", lang), options, key="ov_filter_districts", placeholder=t("filter_all", lang)
        )
        st.session_state.setdefault("ov_statuses", [])
        statuses_key = per_language("ov_statuses", lang)
        st.multiselect(
            t("filter_statuses", lang),
            STATUSES,
            key=statuses_key,
            placeholder=t("filter_all", lang),
            format_func=lambda s: status_label(s, lang),
        )
        keep("ov_statuses", statuses_key)
    return districts, st.session_state["ov_statuses"]


def build_view(filters: bool) -> View:
    """Load the chosen data, judge statuses as of the chosen date and (on dashboard pages) apply the filters."""
    state = st.session_state
    lang, as_of = state["lang"], state["as_of"]
    source, result = load_source(state["dataset"], state["version"])
    if source.version is not None and source.version.id == source.current_id:
        state["version"] = None  # the current version is followed, not pinned: a new publish shows at once
    thresholds = rule_thresholds()
    classified = judged(source, result, as_of, thresholds)
    districts, statuses = sidebar_filters(classified, lang) if filters else ([], [])
    projects = filter_projects(classified, districts, statuses)
    return View(lang, as_of, source, result, classified, projects, tuple(districts), thresholds, tuple(statuses))


def main() -> None:
    """One run: who is acting, then either the sign-in (or password) form alone, or the pages the role may use."""
    init_state()
    follow_today()
    actor = signin.resolve(engine())
    lang = language_choice()
    apply_chrome(lang)  # Streamlit's own English words (uploader, menu) in the reader's language
    form = signin.gate(actor)
    if actor is None or form is not None:
        sync_url()
        nav.stand_ins(form or signin.sign_in_form, t("si_title", lang)).run()
        return
    signin.account_box(actor, lang)
    sidebar_choices(lang)
    sync_url()
    page = nav.navigation(actor, lang)
    dashboard = nav.is_dashboard(page)
    st.session_state[VIEW_KEY] = build_view(filters=dashboard)
    st.session_state["_lang_seen"] = lang
    if dashboard:  # every figure of a dashboard page comes from this data: say when it is a sample
        sample_notice(st.session_state[VIEW_KEY])
    page.run()


try:
    main()
except Exception:  # a user never sees a traceback; the log keeps it for us
    log.exception("page failed")
    st.error(t("unexpected_error", st.session_state.get("lang", DEFAULT_LANG)))
