"""Single sign-on glue: ``st.login`` to the identity provider, its claims (``st.user``) to an ``Actor``.

Active when ``.streamlit/secrets.toml`` has Streamlit's ``[auth]`` section (``redirect_uri``,
``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``); who gets which role is the
``[sso]`` table (``service.sso``). The signed-in account goes to ``st.session_state["actor"]`` like a
built-in sign-in, marked as single sign-on so that signing out also ends the provider's session cookie.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Mapping

import streamlit as st

from housing.i18n import t
from service.roles import Actor
from service.sso import MappingError, SsoMapping, account_for, load_mapping, shown_name, subject
from ui.context import ACTOR_KEY
from ui.data import engine
from ui.escape import md_t

log = logging.getLogger("resettle")
SSO_SUBJECT = "sso_subject"  # session key: the single sign-on user the actor was made for
SSO_REFUSED = "sso_refused"  # session key: the user the mapping refused (audited once, not on every rerun)
SSO_SHOWN = "sso_refused_shown"  # session key: how the refusal names that user (their e-mail, as the provider sent it)
# Session key: the provider user whose session here ended (idle, disabled, locked). The provider's cookie alone
# does not sign them in again in this session; the single sign-on button does (st.login starts a new session).
SSO_ENDED = "sso_ended"


def _secrets_table(name: str) -> Mapping[str, object] | None:
    """A table of secrets.toml, or ``None`` when there is no such table or no file."""
    if not st.secrets.load_if_toml_exists():
        return None
    value = st.secrets.get(name)
    return value if isinstance(value, Mapping) else None


def configured() -> bool:
    """Whether single sign-on is set up (Streamlit's ``[auth]`` section in secrets.toml)."""
    return _secrets_table("auth") is not None


def provider() -> str | None:
    """The provider ``st.login`` uses: ``None`` for settings directly in ``[auth]``, else the first
    ``[auth.<name>]`` table."""
    auth = _secrets_table("auth") or {}
    if "client_id" in auth:
        return None
    return next((name for name, value in auth.items() if isinstance(value, Mapping)), None)


def mapping() -> SsoMapping | None:
    """The ``[sso]`` role mapping; ``None`` (nobody let in, the error logged) when it is wrong."""
    try:
        return load_mapping(_secrets_table("sso"))
    except MappingError:
        log.exception("the [sso] table of secrets.toml is wrong; single sign-on refuses everyone")
        return None


OIDC_MODULES = ("authlib", "httpx")  # what Streamlit's st.login imports (streamlit[auth])


def ready() -> bool:
    """Whether ``st.login`` can work here (without these its redirect answers "Internal Server Error")."""
    return all(importlib.util.find_spec(name) is not None for name in OIDC_MODULES)


def offer_sign_in(lang: str) -> None:
    """The login screen's single sign-on button (a redirect to the identity provider), or a clear message
    when the server lacks what ``st.login`` needs."""
    if not ready():
        log.error("single sign-on is configured but %s is not installed", " or ".join(OIDC_MODULES))
        st.error(t("sso_unavailable", lang))
        return
    st.button(t("sso_sign_in", lang), key="sso_sign_in", type="primary", on_click=st.login, args=(provider(),))


def _claims() -> dict[str, object]:
    """The ID token's claims of the signed-in provider user (empty when nobody is)."""
    user = st.user.to_dict()
    return {k: v for k, v in user.items() if k != "is_logged_in"} if user.get("is_logged_in") else {}


def client_address() -> str:
    """The client's address as the server saw it (behind a proxy: the proxy's), for the audit trail; like the
    built-in sign-in (``ui.signin``), ``localhost`` when Streamlit hides a loopback address."""
    try:
        address = st.context.ip_address
    except Exception:  # no client context (a script run outside a browser session)
        address = None
    return address if isinstance(address, str) and address else "localhost"


def signed_in_actor() -> Actor | None:
    """After the provider's redirect: the account for ``st.user``, made once per session and kept as the
    actor; ``None`` when nobody signed in through the provider or the mapping refuses them."""
    state, claims = st.session_state, _claims()
    if not claims:
        if state.get(SSO_SUBJECT):  # signed out in another tab: the cookie is gone, so is this session's actor
            state.pop(ACTOR_KEY, None)
            state.pop(SSO_SUBJECT, None)
        return None
    who = subject(claims) or "?"
    if state.get(SSO_SUBJECT) == who and state.get(ACTOR_KEY) is not None:
        return state[ACTOR_KEY]
    if who in (state.get(SSO_REFUSED), state.get(SSO_ENDED)):
        return None
    rules = mapping()
    actor = account_for(engine(), claims, rules, client_address()) if rules else None
    if actor is None:
        state[SSO_REFUSED], state[SSO_SHOWN] = who, shown_name(claims)
        return None
    state[ACTOR_KEY], state[SSO_SUBJECT] = actor, who
    return actor


def refused_notice(lang: str) -> bool:
    """Tell a provider user the mapping refused that they are not let in, with a way to switch accounts;
    returns whether there was such a refusal (then the single sign-on button would only sign them in again)."""
    who = st.session_state.get(SSO_REFUSED)
    if who:
        shown = st.session_state.get(SSO_SHOWN) or who
        st.error(md_t("sso_refused", lang, account=shown))  # the provider's text: never Markdown
        st.button(t("sso_sign_out", lang), key="sso_sign_out_refused", on_click=sign_out)
    return bool(who)


def session_ended() -> None:
    """The session of a provider user ended here (idle, disabled, locked): keep them from being signed in
    again by the provider's cookie alone at the next click."""
    who = st.session_state.get(SSO_SUBJECT)
    if who:
        st.session_state[SSO_ENDED] = who


def sign_out() -> None:
    """End the session's sign-in, and the provider's cookie when it came from single sign-on."""
    state = st.session_state
    signed_in, refused = state.pop(SSO_SUBJECT, None), state.pop(SSO_REFUSED, None)
    for key in (ACTOR_KEY, SSO_SHOWN, SSO_ENDED):
        state.pop(key, None)
    was_sso = bool(signed_in or refused)
    if was_sso:
        st.logout()
