"""What every page shows, decided once per run by ``app.py``: language, date, data and filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from housing.datasets import Sample, sample_by_file
from housing.i18n import t
from housing.settings import get_setting
from loaders import LoadResult
from service.actions import Invalid, record_export
from service.roles import VIEWER, Actor, Refused
from store.versions import Version
from ui.escape import md_escape, md_list

VIEW_KEY = "view"
ACTOR_KEY = "actor"  # the signed-in account, a ``service.roles.Actor``, set by ``app.py`` after sign-in
# Nobody signed in (anonymous viewing, or a refusal before sign-in): may look, never write. Brackets are
# refused in usernames, so this name is never a real account's; the audit trail records refusals under it.
ANONYMOUS = Actor("(anonymous)", VIEWER)


def is_anonymous(actor: Actor | None) -> bool:
    """True when nobody is signed in: no actor, or the anonymous viewer (from any address)."""
    return actor is None or actor.username == ANONYMOUS.username


PUBLISHED = "published"  # the dataset choice meaning "the database", next to the bundled samples


@dataclass(frozen=True)
class Source:
    """Where the data comes from: a published version (current or past) or a bundled sample file."""

    sample: Sample | None = None
    version: Version | None = None
    current_id: int | None = None

    @property
    def past(self) -> bool:
        """A published version other than the current one is being viewed."""
        return self.version is not None and self.version.id != self.current_id

    def region(self, lang: str) -> str:
        """The area the data covers, for the page title."""
        return self.sample.region(lang) if self.sample else str(get_setting(f"region_{lang}"))

    def target_for(self, year: int) -> int:
        """The year's published target in projects (0: derived from the deadlines)."""
        return self.sample.target_for(year) if self.sample else int(get_setting("annual_target_projects"))


@dataclass(frozen=True)
class View:
    """The current selection and the data it yields."""

    lang: str
    as_of: dt.date
    source: Source
    result: LoadResult
    classified: pd.DataFrame  # every project, with status and reasons
    projects: pd.DataFrame  # the projects left after the sidebar filters
    districts: tuple[str, ...]  # the districts chosen in the sidebar (empty: all)
    thresholds: dict = field(default_factory=dict)  # the rule thresholds the statuses were judged with
    statuses: tuple[str, ...] = ()  # the statuses chosen in the sidebar (empty: all)

    def region(self) -> str:
        """The title's area: the one district chosen, or the data's region."""
        return self.districts[0] if len(self.districts) == 1 else self.source.region(self.lang)

    @property
    def has_data(self) -> bool:
        """Something to show: a published version or a bundled sample (not an empty database)."""
        return self.source.version is not None or self.source.sample is not None


def sample_notice(view: View) -> None:
    """Say so on every page whose data is sample data: a bundled sample picked in the sidebar, or a published
    version holding the sample's rows (the seeded sample, or a rollback to it)."""
    lang, source = view.lang, view.source
    if source.sample is not None:
        st.info(t("sample_banner", lang, title=t(source.sample.title_key, lang)), icon=":material/info:")
        return
    version = source.version
    if version is None or not version.sample:
        return
    sample = sample_by_file(version.filename)
    title = t(sample.title_key, lang) if sample else version.filename
    key = "past_sample_banner" if source.past else "published_sample_banner"
    st.info(t(key, lang, version=version.id, title=title), icon=":material/info:")


def empty_state(view: View) -> bool:
    """Say why a dashboard page has nothing to draw (nothing published, or the filters left nothing).

    Returns True when it said so and the page should draw nothing more.
    """
    if not view.has_data:
        st.info(t("no_data_yet", view.lang), icon=":material/upload_file:")
    elif view.projects.empty:
        st.warning(t("empty_filtered", view.lang))
    return not view.has_data or view.projects.empty


def current_view() -> View:
    """The view ``app.py`` prepared for this run."""
    return st.session_state[VIEW_KEY]


def current_actor() -> Actor:
    """The signed-in account acting in this session; an anonymous viewer when nobody signed in."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else ANONYMOUS


def may_use(action: str, lang: str) -> bool:
    """Whether the signed-in account may do ``action`` (a page's purpose); says so when it may not."""
    if current_actor().may(action):
        return True
    st.warning(t("sv_page_refused", lang), icon=":material/lock:")
    return False


def refusal_text(refused: Refused, lang: str) -> str:
    """The service's refusal in the user's language, as Markdown (district names are escaped user text)."""
    params = {k: md_list(v, lang) if isinstance(v, list | tuple) else md_escape(v) for k, v in refused.params.items()}
    return t(refused.key, lang, **params)


def write_failed(error: Refused | Invalid, lang: str) -> None:
    """Say why the service did not write: a refusal (who may not) or values it cannot store."""
    if isinstance(error, Refused):
        st.error(refusal_text(error, lang), icon=":material/lock:")
    else:
        st.error(t(error.key, lang))


def acting_as(lang: str) -> None:
    """Under a form that writes: the account the change is recorded against (never typed text)."""
    st.caption(t("sv_acting_as", lang, account=md_escape(current_actor().username)))


def audited_download(
    db: Engine, what: str, filters: Mapping[str, object], build: Callable[[], bytes]
) -> Callable[[], bytes]:
    """A download button's deferred ``data``: records the export as the signed-in account when the user
    clicks (Streamlit runs it then, outside the script run: the account is taken now), then builds the file."""
    actor = current_actor()

    def data() -> bytes:
        record_export(db, actor, what, filters)
        return build()

    return data
