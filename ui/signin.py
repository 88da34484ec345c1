"""Who is signed in, resolved once per run for ``app.py``: the sign-in form, the forced password change, idle
expiry, the account box in the sidebar, and anonymous viewing when the setting allows it.

The signed-in account is ``st.session_state["actor"]`` (a ``service.roles.Actor``); it is read again from
the database on every run, so a role changed by an administrator applies at the next click and a disabled
account's session ends. The forms do their work in the submit button's callback, before the script runs,
so the password fields can be emptied and the page drawn once with the outcome.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace

import streamlit as st
from sqlalchemy import Engine

from housing.fmt import fmt_datetime
from housing.i18n import t
from housing.settings import get_setting
from service import accounts as A
from service import devices
from service.roles import Actor
from store.db import secret
from ui import sso
from ui.context import ACTOR_KEY, ANONYMOUS, is_anonymous
from ui.data import engine
from ui.escape import md_t

LAST_SEEN = "_si_last_seen"  # time.time() of the previous run, for idle expiry
MUST_CHANGE = "_si_must_change"
NOTICE = "_si_notice"  # (level, catalogue key, params) shown once on the next form
WANTS_SIGN_IN = "_si_wants_sign_in"  # an anonymous viewer asked for the sign-in form
DEVICE = "_si_device"  # the token this session stays signed in with on this device (``service.devices``)
DEVICE_TRIED = "_si_device_tried"  # the device's cookie was looked at: once per session, not after sign-out
COOKIE_WRITE = "_si_cookie"  # what the browser's cookie is to become: a token, or "" to remove it
COOKIE_DAYS = "_si_cookie_days"  # how long a token written to the cookie lasts (the setting when it was made)
KEEP_ON_SIGN_OUT = ("lang", "as_of", "as_of_chosen", "dataset", "version", sso.SSO_ENDED, DEVICE_TRIED)
_admin_checked: set[str] = set()  # databases this process has made sure have an account


def client_address() -> str:
    """The client's IP address as the server sees it (Streamlit hides loopback: then ``localhost``)."""
    try:
        address = st.context.ip_address
    except Exception:  # no client context (a script run outside a browser session)
        address = None
    return address if isinstance(address, str) and address else "localhost"


def anonymous_viewing() -> bool:
    """Whether the dashboard pages may be viewed without signing in (off unless configured)."""
    return secret("DASHBOARD_ANONYMOUS_VIEWING").lower() in ("1", "true", "yes") or bool(
        int(get_setting("anonymous_viewing"))
    )


def first_admin(db: Engine) -> None:
    """Once per database and process: with no account at all, create the first administrator."""
    key = str(db.url)
    if key not in _admin_checked:
        A.ensure_first_admin(db)
        _admin_checked.add(key)


def resolve(db: Engine) -> Actor | None:
    """The account acting in this run: signed in (read again from the database), the anonymous viewer when
    allowed, or ``None``. Signs out a session idle for longer than ``session_idle_minutes``."""
    first_admin(db)
    state = st.session_state
    actor = state.get(ACTOR_KEY)
    if actor is None or is_anonymous(actor):
        actor = _from_device(db) or actor
    if is_anonymous(actor) and sso.configured():
        actor = sso.signed_in_actor() or actor  # back from the identity provider: the mapped account
    if actor is not None and not is_anonymous(actor):
        actor = _still_valid(db, actor)
    if is_anonymous(actor):
        actor = replace(ANONYMOUS, address=client_address()) if anonymous_viewing() else None
        state[MUST_CHANGE] = False
    state[ACTOR_KEY] = actor
    state[LAST_SEEN] = time.time()
    return actor


def device_cookie() -> str | None:
    """The sign-in cookie this browser sent, if any (``st.context.cookies``: those of the page's request)."""
    try:
        value = st.context.cookies.get(devices.COOKIE)
    except Exception:  # no browser behind this run (a script run outside a session)
        return None
    return value if isinstance(value, str) and value else None


def _from_device(db: Engine) -> Actor | None:
    """Once per session: the account this device stays signed in as, from its cookie; a cookie that no
    longer signs in (revoked, expired, the account disabled) is removed from the browser."""
    state = st.session_state
    if state.get(DEVICE_TRIED):
        return None
    state[DEVICE_TRIED] = True
    token = device_cookie()
    actor = devices.resume(db, token, client_address()) if token else None
    if token and actor is None:
        state[COOKIE_WRITE] = ""
    if actor is not None:
        state[DEVICE], state[LAST_SEEN] = token, time.time()
    return actor


def _still_valid(db: Engine, actor: Actor) -> Actor | None:
    """The account as it is now, or ``None`` (with the reason noted) when the session has to end. A session
    on a device its user chose to stay signed in on does not end when idle (that is what they chose), as long
    as the device's token stands: once revoked or expired, idleness ends it as any other."""
    idle = float(get_setting("session_idle_minutes"))
    last = st.session_state.get(LAST_SEEN)
    device = st.session_state.get(DEVICE)
    if last is not None and time.time() - last > idle * 60 and not (device and devices.still_good(db, device)):
        A.sign_out(db, actor, "idle")
        _ended("si_expired", minutes=f"{idle:g}")
        return None
    account = A.get_account(db, actor.username)
    if account is None or account.disabled or account.locked_until == A.LOCKED_BY_ADMIN:
        _ended("si_ended")
        return None
    st.session_state[MUST_CHANGE] = account.must_change_password
    return account.actor(actor.address)


def _ended(key: str, **params: object) -> None:
    sso.session_ended()  # a single sign-on session ends too: the provider's cookie does not sign it in again
    _forget()
    st.session_state[NOTICE] = ("warning", key, params)


def _forget() -> None:
    """Drop everything the session knew except the view's language, date and data. A device the session stayed
    signed in on is told to drop its cookie (the token itself is revoked by the service: at sign-out, or when
    the account was disabled or locked)."""
    had_device = st.session_state.get(DEVICE) is not None
    for key in list(st.session_state.keys()):
        if key not in KEEP_ON_SIGN_OUT:
            del st.session_state[key]
    if had_device:
        st.session_state[COOKIE_WRITE] = ""


def gate(actor: Actor | None):
    """The form to show instead of the app (sign-in or password change), or ``None`` when the app may show."""
    if actor is None or (is_anonymous(actor) and st.session_state.get(WANTS_SIGN_IN)):
        return sign_in_form
    if st.session_state.get(MUST_CHANGE):
        return change_password_form
    return None


def _notice(lang: str) -> None:
    note = st.session_state.pop(NOTICE, None)
    if note:
        level, key, params = note
        getattr(st, level)(md_t(key, lang, **params))


def _centred():
    """A column in the middle of the wide page, so a short form does not stretch across the screen."""
    return st.columns([1, 2, 1])[1]


def sign_in_form() -> None:
    """用户名 / 密码 / 登录: the only thing shown to someone not signed in."""
    with _centred():
        _sign_in_form(st.session_state["lang"])


def _sign_in_form(lang: str) -> None:
    st.title(t("si_title", lang))
    st.caption(t("si_intro", lang))
    _notice(lang)
    with st.form("si_form"):
        st.text_input(t("si_username", lang), key="si_username", max_chars=A.MAX_USERNAME, autocomplete="username")
        st.text_input(
            t("si_password", lang),
            key="si_password",
            type="password",
            max_chars=A.MAX_PASSWORD,
            autocomplete="current-password",
        )
        days = remember_days()
        if days > 0:
            st.checkbox(t("si_remember", lang, days=f"{days:g}"), key="si_remember")
            st.caption(t("si_remember_help", lang))  # in view, not behind a help icon: it is a warning
        st.form_submit_button(t("si_submit", lang), type="primary", on_click=_attempt, args=(lang,))
    if sso.configured() and not sso.refused_notice(lang):  # single sign-on beside the built-in accounts
        sso.offer_sign_in(lang)
    if st.session_state.get(ACTOR_KEY) is not None:  # an anonymous viewer may go back to the dashboard
        st.button(t("si_back_to_viewing", lang), on_click=st.session_state.update, args=({WANTS_SIGN_IN: False},))
    sync_device_cookie()


def remember_days() -> float:
    """How many days "stay signed in on this device" lasts (setting ``remember_days``; 0: not offered). Read
    once where it is needed in a run: the form when it is shown, the sign-in when the box was ticked (the
    cookie then lasts as long as the token made with the same figure)."""
    return float(get_setting("remember_days"))


def _attempt(lang: str) -> None:
    """The sign-in button: check the typed name and password, then empty the password field."""
    state = st.session_state
    typed, password = state.get("si_username", ""), state.get("si_password", "")
    ticked = bool(state.get("si_remember"))  # before ``_forget`` clears the form's fields
    state["si_password"] = ""
    if not typed.strip() or not password:
        state[NOTICE] = ("error", "si_fail_empty", {})
        return
    outcome = A.sign_in(engine(), typed, password, client_address())
    if isinstance(outcome, A.Failure):
        state[NOTICE] = ("error", *_failure_text(outcome, lang))
        return
    _forget()
    state[ACTOR_KEY], state[LAST_SEEN] = outcome, time.time()
    days = remember_days() if ticked else 0.0  # read once: the token and its cookie last as long
    if days > 0:
        token = devices.remember(engine(), outcome, days)
        state[DEVICE], state[COOKIE_WRITE], state[COOKIE_DAYS] = token, token, days


def _failure_text(failure: A.Failure, lang: str) -> tuple[str, dict]:
    """The catalogue key and its parameters telling why a sign-in failed (unknown and wrong read the same)."""
    if failure.reason == A.LOCKED and failure.locked_until == A.LOCKED_BY_ADMIN:
        return "si_fail_locked_admin", {}
    if failure.reason == A.LOCKED and failure.locked_until is not None:
        return "si_fail_locked", {"until": fmt_datetime(failure.locked_until, lang, str(get_setting("timezone")))}
    return ("si_fail_disabled", {}) if failure.reason == A.DISABLED else ("si_fail_wrong", {})


def change_password_form() -> None:
    """The forced change of a temporary password, before anything else is shown."""
    with _centred():
        _change_password_form(st.session_state["lang"])


def _change_password_form(lang: str) -> None:
    st.title(t("si_change_title", lang))
    st.caption(t("si_change_intro", lang, minimum=int(get_setting("password_min_length"))))
    _notice(lang)
    with st.form("si_change"):
        for key, label, hint in (
            ("si_current", "si_current_password", "current-password"),
            ("si_new", "si_new_password", "new-password"),
            ("si_repeat", "si_repeat_password", "new-password"),
        ):
            st.text_input(t(label, lang), key=key, type="password", max_chars=A.MAX_PASSWORD, autocomplete=hint)
        st.form_submit_button(t("si_change_submit", lang), type="primary", on_click=_change, args=(lang,))
    st.button(t("si_sign_out", lang), key="si_change_sign_out", on_click=sign_out)


def _change(lang: str) -> None:
    """The save button of the password form: check, change, and empty every field."""
    state = st.session_state
    current, new, repeat = (state.get(k, "") for k in ("si_current", "si_new", "si_repeat"))
    state.update(si_current="", si_new="", si_repeat="")
    if new != repeat:
        state[NOTICE] = ("error", "si_mismatch", {})
        return
    try:
        A.change_password(engine(), state[ACTOR_KEY], current, new, device=state.get(DEVICE))
    except A.AccountError as error:
        state[NOTICE] = ("error", error.key, error.params)
        return
    state[MUST_CHANGE] = False
    state[NOTICE] = ("success", "si_password_changed", {})


def sign_out() -> None:
    """The sign-out button: record it and forget the session's account."""
    actor = st.session_state.get(ACTOR_KEY)
    if actor is not None and not is_anonymous(actor):
        A.sign_out(engine(), actor, device=st.session_state.get(DEVICE))
    sso.sign_out()  # also ends the identity provider's session cookie when the account came from there
    _forget()
    st.session_state[NOTICE] = ("info", "si_signed_out", {})


def account_box(actor: Actor, lang: str) -> None:
    """The sidebar's "signed in as NAME (role)" and the sign-out button (or, anonymous, a sign-in button)."""
    with st.sidebar:
        if is_anonymous(actor):
            st.caption(t("si_anonymous", lang))
            st.button(t("si_sign_in_button", lang), on_click=st.session_state.update, args=({WANTS_SIGN_IN: True},))
            return
        role = t(f"role_{actor.role}", lang)
        st.caption(md_t("si_signed_in_as", lang, name=actor.username, role=role))
        st.button(t("si_sign_out", lang), key="si_sign_out", icon=":material/logout:", on_click=sign_out)
        sync_device_cookie()
    _notice(lang)  # left for the app itself: the password was changed


def sync_device_cookie() -> None:
    """Bring the browser's sign-in cookie in line with the session: write the token of a device its user chose
    to stay signed in on, or remove a cookie that no longer signs in. Streamlit cannot set a cookie from the
    server, so a script in a one-pixel frame of the same origin does it (``SameSite=Strict``; ``Secure`` over
    HTTPS); the token is URL-safe base64, written as a JSON string."""
    value = st.session_state.get(COOKIE_WRITE)
    if value is None:
        return
    max_age = int(float(st.session_state.get(COOKIE_DAYS, 0)) * 86400) if value else 0  # as long as the token
    cookie = f"{devices.COOKIE}={value}; Path=/; Max-Age={max_age}; SameSite=Strict"
    secure = "(location.protocol === 'https:' ? '; Secure' : '')"
    st.iframe(f"<script>document.cookie = {json.dumps(cookie)} + {secure};</script>", height=1)
