"""The app's pages, declared once as data: file, title, icon, URL path, section, and the action a role
needs to see it. Navigation shows only the pages the signed-in role may use; a page it may not use is not
registered at all, so a deep link to it falls back to the default page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from housing.i18n import t
from service.roles import MANAGE_ACCOUNTS, READ_AUDIT, ROLLBACK, SAVE_SETTINGS, UPLOAD, VIEW, Actor

DASHBOARD, STAFF, ADMIN = "nav_dashboard", "nav_staff", "nav_admin"  # sections (catalogue keys)


@dataclass(frozen=True)
class NavPage:
    """One page of the app and who may use it."""

    file: str
    title_key: str
    icon: str
    url_path: str  # the address of the screen (files live in views/: a pages/ folder would be served on its own)
    section: str
    needs: str  # the action (service.roles) a role must be allowed to see the page
    default: bool = False
    framed: bool = True  # a dashboard page drawn in the frame: sidebar filters, the sample notice


PAGES: tuple[NavPage, ...] = (
    NavPage("views/overview.py", "page_overview", ":material/dashboard:", "home", DASHBOARD, VIEW, default=True),
    NavPage("views/changes.py", "page_changes", ":material/compare_arrows:", "weekly", DASHBOARD, VIEW),
    NavPage("views/districts.py", "page_districts", ":material/account_tree:", "drill", DASHBOARD, VIEW),
    NavPage("views/progress.py", "page_progress", ":material/timeline:", "delivery", DASHBOARD, VIEW),
    NavPage("views/project.py", "page_project", ":material/apartment:", "detail", DASHBOARD, VIEW),
    # Supervision tasks: every role sees them; raising and recording steps are checked per action on the page.
    NavPage("views/tasks.py", "page_tasks", ":material/assignment_turned_in:", "tasks", DASHBOARD, VIEW),
    # Presentation mode: the briefing full screen, no sidebar filters or banner on the slides.
    NavPage("views/hotline.py", "page_hotline", ":material/call:", "hotline", DASHBOARD, VIEW),
    NavPage("views/presentation.py", "page_present", ":material/slideshow:", "present", DASHBOARD, VIEW, framed=False),
    NavPage("views/upload.py", "page_upload", ":material/upload_file:", "uploads", STAFF, UPLOAD),
    NavPage("views/history.py", "page_history", ":material/history:", "versions", STAFF, ROLLBACK),
    NavPage("views/settings.py", "page_settings", ":material/tune:", "admin", ADMIN, SAVE_SETTINGS),
    NavPage("views/accounts.py", "page_accounts", ":material/manage_accounts:", "accounts", ADMIN, MANAGE_ACCOUNTS),
    NavPage("views/audit_trail.py", "page_audit", ":material/policy:", "audit", ADMIN, READ_AUDIT),
)
DASHBOARD_PATHS = frozenset(p.url_path for p in PAGES if p.section == DASHBOARD and p.framed)


def allowed(actor: Actor) -> list[NavPage]:
    """The pages ``actor``'s role may use, in navigation order."""
    return [p for p in PAGES if actor.may(p.needs)]


def navigation(actor: Actor, lang: str) -> StreamlitPage:
    """Register the pages ``actor`` may use, by section, and return the one to run."""
    sections: dict[str, list[StreamlitPage]] = {}
    for spec in allowed(actor):
        title = t(spec.title_key, lang)
        page = st.Page(spec.file, title=title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
        sections.setdefault(t(spec.section, lang), []).append(page)
    return st.navigation(sections, expanded=True)  # never "View 3 more": English chrome, and pages hidden


def stand_ins(form: Callable[[], None], title: str) -> StreamlitPage:
    """Register ``form`` (the sign-in or password form) under every page's URL path, navigation hidden, and
    return the one to run. A page's identity is its URL path, so once the form is done the same link opens
    the real page (or, when the role may not use it, the default page)."""
    pages = [st.Page(form, title=title, url_path=spec.url_path, default=spec.default) for spec in PAGES]
    return st.navigation(pages, position="hidden")


def is_dashboard(page: StreamlitPage) -> bool:
    """Whether ``page`` is a dashboard page (sidebar filters, the sample notice)."""
    return page.url_path in DASHBOARD_PATHS or page.url_path == ""  # "": the default page, the overview
