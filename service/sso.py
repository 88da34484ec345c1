"""Single sign-on: which role and districts an identity provider's user gets, and their account row.

Streamlit's ``st.login`` (OIDC) proves who someone is; this module decides what they may do, from a mapping
in configuration (the ``[sso]`` table of ``.streamlit/secrets.toml``)::

    [sso]
    default_role = "viewer"          # anyone else the provider signs in; leave out to refuse them
    groups_claim = "groups"          # the ID-token claim listing the user's groups
    [sso.roles]
    admin = ["it@jinan.gov.cn"]
    editor = ["group:zhangqiu-office", "wang@licheng.gov.cn"]
    [sso.districts]                  # entries limited to districts (an editor of one district office)
    "group:zhangqiu-office" = ["章丘区"]

An entry is an e-mail address (matched without regard to case, and only when the provider does not say it
is unverified) or ``group:<name>``. The highest role any entry grants wins; its districts are the union of
the districts of the entries granting it, unless one of those entries is unlimited. No Streamlit here: the
page glue is ``ui/sso.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from service.accounts import AccountError, check_username
from service.audit import FAILED, OK, REFUSED, SIGN_IN, record
from service.roles import ADMIN, ROLES, Actor
from store.db import writing
from store.schema import accounts

GROUP = "group:"
METHOD = "sso"  # the audit rows' target and the created_by of accounts made on first sign-in


@dataclass(frozen=True)
class SsoMapping:
    """Who gets which role: entries (e-mail or ``group:name``) per role, districts per entry, the default."""

    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    districts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    default_role: str | None = None  # None: a user no entry names is refused
    groups_claim: str = "groups"


class MappingError(ValueError):
    """The ``[sso]`` configuration is wrong; single sign-on refuses everyone until it is fixed."""


def _entry(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise MappingError(f"[sso] entries must be non-empty strings, not {text!r}")
    text = text.strip()
    return text if text.startswith(GROUP) else text.lower()  # group names are compared as the provider sends them


def _role(name: object, where: str) -> str:
    if name not in ROLES:
        raise MappingError(f"[sso] {where}: unknown role {name!r} (one of {', '.join(ROLES)})")
    return str(name)


def _strings(values: object, where: str) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        raise MappingError(f"[sso] {where} must be a list")
    return tuple(_entry(v) for v in values)


def load_mapping(table: Mapping[str, object] | None) -> SsoMapping:
    """The mapping from the ``[sso]`` table (absent: nobody is let in); raises ``MappingError`` when wrong."""
    table = table or {}
    roles = table.get("roles") or {}
    districts = table.get("districts") or {}
    if not isinstance(roles, Mapping) or not isinstance(districts, Mapping):
        raise MappingError("[sso] roles and districts must be tables")
    default = table.get("default_role") or None
    return SsoMapping(
        roles={_role(role, "roles"): _strings(entries, f"roles.{role}") for role, entries in roles.items()},
        districts={_entry(e): tuple(str(d).strip() for d in ds) for e, ds in districts.items()},
        default_role=_role(default, "default_role") if default is not None else None,
        groups_claim=str(table.get("groups_claim") or "groups"),
    )


def email_of(claims: Mapping[str, object]) -> str:
    """The user's e-mail address, lower-cased; empty when missing, malformed or marked unverified."""
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is False:
        return ""
    email = email.strip().lower()
    return email if "@" in email and not email.startswith(GROUP) else ""  # never posing as a group entry


def _groups(claims: Mapping[str, object], claim: str) -> list[str]:
    value = claims.get(claim)
    if isinstance(value, str):  # some providers send a single group as a string
        return [value]
    return [str(g) for g in value] if isinstance(value, list | tuple) else []


def identities(claims: Mapping[str, object], mapping: SsoMapping) -> set[str]:
    """The entries these claims match: the verified e-mail and ``group:<name>`` per group."""
    email = email_of(claims)
    return {e for e in [email, *(GROUP + g for g in _groups(claims, mapping.groups_claim))] if e}


def _districts(entries: Iterable[str], mapping: SsoMapping) -> tuple[str, ...]:
    limits = [mapping.districts.get(e, ()) for e in entries]
    if any(not limit for limit in limits):  # one unlimited entry grants every district
        return ()
    return tuple(sorted({d for limit in limits for d in limit}))


def role_for(claims: Mapping[str, object], mapping: SsoMapping) -> tuple[str, tuple[str, ...]] | None:
    """The role and districts (empty: all) the mapping gives these ID-token claims; ``None``: refused."""
    matched = identities(claims, mapping)
    for role in reversed(ROLES):  # the highest role any entry grants
        entries = [e for e in mapping.roles.get(role, ()) if e in matched]
        if entries:
            return role, () if role == ADMIN else _districts(entries, mapping)
    return (mapping.default_role, ()) if mapping.default_role and subject(claims) else None


def subject(claims: Mapping[str, object]) -> str:
    """The account name for these claims: the verified e-mail, else ``sso-<sub>``; empty when neither.

    Always a valid built-in username (``service.accounts.check_username``), so the account is read again on
    every click and an administrator can change, lock or disable it like any other. An e-mail or subject
    with characters a username may not have gets a stable name made from the subject's hash instead."""
    sub = claims.get("sub")
    sub = sub if isinstance(sub, str) and sub else ""
    hashed = f"sso-{hashlib.sha256(sub.encode()).hexdigest()[:24]}" if sub else ""
    return _username(email_of(claims)) or (sub and _username(f"sso-{sub}")) or hashed


def _username(text: str) -> str:
    """``text`` as a canonical username, or empty when a username may not be that."""
    try:
        return check_username(text) if text else ""
    except AccountError:
        return ""


def shown_name(claims: Mapping[str, object]) -> str:
    """Who the provider says signed in, as the refusal names them: the e-mail when there is one."""
    return email_of(claims) or subject(claims) or "?"


def _display_name(claims: Mapping[str, object]) -> str:
    name = claims.get("name")
    return name.strip()[:100] if isinstance(name, str) else ""


def _existing(conn: Connection, username: str, email: str | None):
    """The account rows holding this username or e-mail (at most two)."""
    where = accounts.c.username == username
    if email:
        where = or_(where, accounts.c.email == email)
    return conn.execute(select(accounts).where(where)).all()


def _upsert(conn: Connection, username: str, claims: Mapping[str, object], granted: tuple[str, tuple[str, ...]]):
    """Insert or update the password-less account; returns a refusal reason, or ``None`` when done."""
    email = email_of(claims) or None
    rows = _existing(conn, username, email)
    if any(r.password_hash is not None or r.username != username for r in rows):
        return "conflict"  # a built-in account already has this name or e-mail: never taken over by SSO
    now = dt.datetime.now(dt.UTC)
    if rows and rows[0].disabled:
        return "disabled"
    if rows and _locked(rows[0].locked_until, now):  # locked by an administrator: the provider cannot undo that
        return "locked"
    role, districts = granted
    values = {"role": role, "districts": list(districts), "email": email, "last_sign_in": now}
    if _display_name(claims):
        values["display_name"] = _display_name(claims)
    if rows:
        conn.execute(update(accounts).where(accounts.c.username == username).values(**values))
    else:
        conn.execute(insert(accounts).values(username=username, created_at=now, created_by=METHOD, **values))
    return None


def _locked(until: dt.datetime | None, now: dt.datetime) -> bool:
    if until is None:
        return False
    return (until if until.tzinfo else until.replace(tzinfo=dt.UTC)) > now  # SQLite gives back naive UTC


def account_for(engine: Engine, claims: Mapping[str, object], mapping: SsoMapping, address: str = "") -> Actor | None:
    """Sign in the identity provider's user: map the claims, create or update their account, audit it.

    Returns the acting account, or ``None`` when the mapping grants nothing, the name or e-mail belongs to
    a built-in (password) account, or the account is disabled or locked; every outcome is written to the audit trail.
    The role and districts follow the configuration at every sign-in (an admin changes them there).
    """
    try:
        return _sign_in(engine, claims, mapping, address)
    except IntegrityError:  # the same user's first sign-in in two tabs at once: the other one made the row
        return _sign_in(engine, claims, mapping, address)


def _sign_in(engine: Engine, claims: Mapping[str, object], mapping: SsoMapping, address: str) -> Actor | None:
    username = subject(claims)
    granted = role_for(claims, mapping)
    with writing(engine) as conn:
        if not username or granted is None:
            reason = "not_mapped" if username else "no_subject"
            _audit(conn, username or "?", REFUSED, address, reason=reason)
            return None
        reason = _upsert(conn, username, claims, granted)
        if reason:
            _audit(conn, username, FAILED if reason == "conflict" else REFUSED, address, reason=reason)
            return None
        _audit(conn, username, OK, address, role=granted[0], districts=list(granted[1]))
    return Actor(username, granted[0], granted[1], address)


def _audit(conn: Connection, username: str, outcome: str, address: str, **detail: object) -> None:
    """The sign-in row (committed with the account change, or alone when refused)."""
    record(conn, username, SIGN_IN, outcome, METHOD, {"method": METHOD, **detail}, address)
