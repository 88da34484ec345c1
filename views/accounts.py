"""Accounts (administrators only, ``ui.nav``): who may sign in, with which role and districts; create an
account with a temporary password (shown once), change its role and districts, reset its password, lock,
unlock, disable or enable it. Every change goes through ``service.accounts``, which checks the permission
and writes the audit row."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from housing.fmt import fmt_datetime, fmt_int, fmt_list
from housing.i18n import t
from housing.settings import get_setting
from service import accounts as A
from service.roles import ROLES, Refused
from ui.blocks import phone_layout, table_and_cards
from ui.context import ACTOR_KEY, PUBLISHED, current_view
from ui.data import engine, load_source
from ui.escape import md_t
from ui.exports import frame_block
from ui.paging import current_page, pager
from ui.tables import page_count

MESSAGE, SHOWN_ONCE = "ac_message", "ac_temporary"  # session keys: the outcome of the last change


def when(value, lang: str) -> str:
    """A moment in the configured time zone, or "never"."""
    return fmt_datetime(value, lang, str(get_setting("timezone"))) if value else t("ac_never", lang)


def status(account: A.Account, lang: str) -> str:
    """Everything that keeps an account from signing in, or "active"."""
    states = []
    if account.disabled:
        states.append(t("ac_state_disabled", lang))
    if account.locked_until == A.LOCKED_BY_ADMIN:
        states.append(t("ac_state_locked_admin", lang))
    elif account.locked():
        states.append(t("ac_state_locked", lang, until=when(account.locked_until, lang)))
    if account.must_change_password:
        states.append(t("ac_state_must_change", lang))
    return fmt_list(states, lang) if states else t("ac_state_ok", lang)


def districts_text(districts: tuple[str, ...], lang: str) -> str:
    """The districts an account is limited to, or "all districts"."""
    return fmt_list(districts, lang) if districts else t("ac_all_districts", lang)


def creator(account: A.Account, lang: str) -> str:
    """Who created the account ("the system" for the first administrator)."""
    return t("ac_system", lang) if account.created_by == A.SYSTEM else account.created_by


def accounts_table(accounts: list[A.Account], lang: str) -> pd.DataFrame:
    """One row per account: name, role, districts, status, last sign-in, created when and by whom."""
    return pd.DataFrame(
        {
            t("ac_col_username", lang): [a.username for a in accounts],
            t("ac_col_role", lang): [t(f"role_{a.role}", lang) for a in accounts],
            t("ac_col_districts", lang): [districts_text(a.districts, lang) for a in accounts],
            t("ac_col_status", lang): [status(a, lang) for a in accounts],
            t("ac_col_last_sign_in", lang): [when(a.last_sign_in, lang) for a in accounts],
            t("ac_col_created", lang): [f"{when(a.created_at, lang)} · {creator(a, lang)}" for a in accounts],
        }
    )


ACCOUNTS_KEY = "ac_list"  # the paged list of accounts (``ui.paging``)


def account_list(accounts: list[A.Account], lang: str) -> None:
    """Every account, 50 a page, as an HTML table (cards on a phone): a district office's list of districts or
    a long display name shown in full, never cut off in a data grid's cell."""
    page, first, last = current_page(ACCOUNTS_KEY, len(accounts), tuple(a.username for a in accounts))
    if page_count(len(accounts)) > 1:
        st.caption(t("pg_rows_shown", lang, first=fmt_int(first + 1), last=fmt_int(last)))
    display = accounts_table(accounts[first:last], lang)
    block = frame_block("accounts", display, keys={t("ac_col_username", lang): "name"})
    st.html(table_and_cards("ac-list", block))
    pager(ACCOUNTS_KEY, len(accounts), page, lang)


def known_districts(extra: tuple[str, ...] = ()) -> list[str]:
    """The districts of the current published version (and ``extra``, those already given to an account)."""
    _, current = load_source(PUBLISHED, None)
    return sorted(set(current.projects["district"].dropna()) | set(extra))


def act(change: Callable[[], str | None], key: str, name: str) -> None:
    """Run one account change and leave its outcome (and a temporary password, once) for the next run."""
    try:
        password = change()
    except A.AccountError as error:
        st.session_state[MESSAGE] = ("error", error.key, error.params)
        return
    except Refused:
        st.session_state[MESSAGE] = ("error", "sv_refused", {})
        return
    st.session_state[MESSAGE] = ("success", key, {"name": name})
    if password:
        st.session_state[SHOWN_ONCE] = password


def outcome(lang: str) -> None:
    """The last change's outcome; a temporary password is shown this once and then forgotten."""
    message = st.session_state.pop(MESSAGE, None)
    if message:
        level, key, params = message
        getattr(st, level)(md_t(key, lang, **params))
    password = st.session_state.pop(SHOWN_ONCE, None)
    if password:
        st.code(password, language=None)
        st.caption(t("ac_shown_once", lang))


def create(lang: str) -> None:
    """The button of the new-account form."""
    state = st.session_state
    name, role, districts = state["ac_new_name"], state["ac_new_role"], state["ac_new_districts"]
    shown = A.normal_username(name)  # as it is stored and will be typed
    act(lambda: A.create_account(engine(), state[ACTOR_KEY], name, role, districts), "ac_created", shown)
    if state[MESSAGE][0] == "success":
        state.update(ac_new_name="", ac_new_districts=[])


def create_form(lang: str) -> None:
    """A new account: username, role, districts; its temporary password is shown once."""
    with st.form("ac_create"):
        st.text_input(
            t("ac_username", lang), key="ac_new_name", max_chars=A.MAX_USERNAME, help=t("ac_username_help", lang)
        )
        st.selectbox(t("ac_role", lang), ROLES, key="ac_new_role", format_func=lambda r: t(f"role_{r}", lang))
        st.multiselect(
            t("ac_districts", lang),
            known_districts(),
            key="ac_new_districts",
            placeholder=t("ac_all_districts", lang),
            help=t("ac_districts_help", lang),
        )
        st.form_submit_button(t("ac_create_submit", lang), type="primary", on_click=create, args=(lang,))


def save(account: A.Account) -> None:
    """The button saving an account's role and districts."""
    state, name = st.session_state, account.username
    role, districts = state[f"ac_role_{name}"], state[f"ac_districts_{name}"]
    act(lambda: A.update_account(engine(), state[ACTOR_KEY], name, role, districts), "ac_saved", name)


def edit_form(account: A.Account, lang: str) -> None:
    """Role and districts of one account."""
    name = account.username
    with st.form(f"ac_edit_{name}"):
        st.selectbox(
            t("ac_role", lang),
            ROLES,
            index=ROLES.index(account.role),
            key=f"ac_role_{name}",
            format_func=lambda r: t(f"role_{r}", lang),
        )
        st.multiselect(
            t("ac_districts", lang),
            known_districts(account.districts),
            default=list(account.districts),
            key=f"ac_districts_{name}",
            placeholder=t("ac_all_districts", lang),
            help=t("ac_districts_help", lang),
        )
        st.form_submit_button(t("ac_save", lang), on_click=save, args=(account,))


def buttons(account: A.Account, lang: str) -> None:
    """Reset the password, lock or unlock, disable or enable one account."""
    actor, name, db = st.session_state[ACTOR_KEY], account.username, engine()
    locked, disabled = account.locked(), account.disabled
    choices = [
        ("ac_reset", ":material/password:", lambda: A.reset_password(db, actor, name), "ac_reset_done"),
        (
            "ac_unlock" if locked else "ac_lock",
            ":material/lock_open:" if locked else ":material/lock:",
            lambda: A.set_locked(db, actor, name, not locked),
            "ac_unlocked" if locked else "ac_locked",
        ),
        (
            "ac_enable" if disabled else "ac_disable",
            ":material/person_check:" if disabled else ":material/person_off:",
            lambda: A.set_disabled(db, actor, name, not disabled),
            "ac_enabled" if disabled else "ac_disabled",
        ),
    ]
    for column, (label, icon, change, done) in zip(st.columns(len(choices)), choices, strict=True):
        column.button(t(label, lang), key=f"{label}_{name}", icon=icon, on_click=act, args=(change, done, name))


def manage(accounts: list[A.Account], lang: str) -> None:
    """Pick an account, then change it."""
    names = [a.username for a in accounts]
    picked = st.selectbox(t("ac_pick", lang), names, key="ac_pick")
    account = next((a for a in accounts if a.username == picked), None)
    if account is None:
        return
    st.markdown(md_t("ac_current", lang, status=status(account, lang)))
    edit_form(account, lang)
    buttons(account, lang)


lang = current_view().lang
st.title(t("page_accounts", lang))
st.caption(t("ac_intro", lang))
outcome(lang)
everyone = A.list_accounts(engine())
phone_layout()  # the style of the list's HTML table
account_list(everyone, lang)
st.subheader(t("ac_create", lang))
create_form(lang)
st.subheader(t("ac_manage", lang))
manage(everyone, lang)
