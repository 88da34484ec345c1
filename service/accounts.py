"""Built-in accounts: Argon2id password hashes, sign-in with lock-out, the password policy, and account
management by an administrator.

Every sign-in (success or failure, with the reason), sign-out, password change and account change writes
its audit row in the same transaction as the change, so both land or neither does; a refused account change
is audited in a transaction of its own (the refusal is what happened). Usernames are hostile input: they
are normalised (NFKC, trimmed, lower-cased) before they are stored or looked up, so the table's unique
constraint makes them unique case-insensitively, and only letters, digits and ``._-@+`` are accepted.
Imports only the domain and storage, never Streamlit.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from housing.settings import get_setting
from service import audit
from service.roles import ADMIN, MANAGE_ACCOUNTS, ROLES, Actor, Refused
from store import devices
from store.db import secret, writing
from store.schema import accounts

MAX_USERNAME = 64
USERNAME_MARKS = frozenset("._-@+")  # besides letters and digits of any script (王主任, li.wei, a@b.cn)
MAX_PASSWORD = 256  # bounds the hashing work a hostile form can ask for
MAX_DISTRICT = 100
SYSTEM = "system"  # the audit trail's account for what the app does by itself (the first admin)
# Names the trail and the history give the app itself (shown as 系统 / the system): an account of that name
# would pass for it there. Refused for new accounts; one made before keeps signing in.
RESERVED_USERNAMES = frozenset({SYSTEM})
FIRST_ADMIN = "admin"
FIRST_ADMIN_ENV = "DASHBOARD_ADMIN_PASSWORD"
LOCKED_BY_ADMIN = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)  # "locked until an administrator unlocks it"

# Why a sign-in failed (catalogue key ``si_fail_<reason>``). Unknown user and wrong password are one reason:
# the form never tells which usernames exist.
WRONG, LOCKED, DISABLED, NO_PASSWORD = "wrong", "locked", "disabled", "no_password"
# The account changes recorded under MANAGE_ACCOUNTS (``detail["change"]``).
CREATE, ROLE, RESET, LOCK, UNLOCK, DISABLE, ENABLE = (
    "create",
    "role",
    "reset_password",
    "lock",
    "unlock",
    "disable",
    "enable",
)


class AccountError(ValueError):
    """An account change or password that breaks a rule; ``key`` names a catalogue text, ``params`` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Failure:
    """A refused sign-in: the reason, and until when the account is locked (for ``LOCKED``)."""

    reason: str
    locked_until: dt.datetime | None = None


@dataclass(frozen=True)
class Account:
    """One account as the accounts page lists it (never its password hash)."""

    username: str
    display_name: str
    role: str
    districts: tuple[str, ...]
    must_change_password: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    disabled: bool
    created_at: dt.datetime
    created_by: str
    last_sign_in: dt.datetime | None
    has_password: bool

    def locked(self, now: dt.datetime | None = None) -> bool:
        """Whether sign-in is locked now (after repeated failures, or by an administrator)."""
        return self.locked_until is not None and self.locked_until > (now or _now())

    def actor(self, address: str = "") -> Actor:
        """The account acting from ``address``."""
        return Actor(self.username, self.role, self.districts, address)


def _now() -> dt.datetime:
    """The time now, in UTC (tests move it to check lock-out expiry)."""
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time with its zone (UTC): SQLite gives back naive datetimes; everything is stored in UTC."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


@cache
def _hasher() -> PasswordHasher:
    """Argon2id with argon2-cffi's current recommended parameters (RFC 9106 low-memory profile)."""
    return PasswordHasher()


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (salted; the parameters are part of the hash)."""
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; without a stored hash, the same work against a dummy one, so
    an unknown user or a single sign-on account answers in the same time as a wrong password."""
    try:
        return _hasher().verify(stored or _dummy_hash(), password[:MAX_PASSWORD]) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with other parameters than the hasher's now (then it is hashed anew)."""
    return _hasher().check_needs_rehash(stored)


def printable(text: str, limit: int = 100) -> str:
    """``text`` without control or format characters, cut to ``limit`` (what typed text may be recorded as)."""
    kept = "".join(c for c in str(text) if unicodedata.category(c)[0] != "C")
    return kept[:limit]


def normal_username(typed: str) -> str:
    """The canonical form of a username: NFKC, trimmed, lower-case (how it is stored and looked up)."""
    return unicodedata.normalize("NFKC", str(typed)).strip().lower()


def check_username(typed: str) -> str:
    """The canonical username, or ``AccountError`` when it is empty, too long or has a character not allowed."""
    name = normal_username(typed)
    if not name:
        raise AccountError("ac_err_username_empty")
    if len(name) > MAX_USERNAME:
        raise AccountError("ac_err_username_long", limit=MAX_USERNAME)
    bad = [c for c in name if not (c in USERNAME_MARKS or unicodedata.category(c)[0] in "LN")]
    if bad:
        raise AccountError("ac_err_username_chars", marks=" ".join(sorted(USERNAME_MARKS)))
    return name


def check_password(password: str, username: str) -> None:
    """Raise ``AccountError`` unless ``password`` meets the policy: long enough, bounded, not the username."""
    minimum = int(get_setting("password_min_length"))
    if len(password) < minimum:
        raise AccountError("ac_err_password_short", minimum=minimum)
    if len(password) > MAX_PASSWORD:
        raise AccountError("ac_err_password_long", limit=MAX_PASSWORD)
    if normal_username(password) == normal_username(username):
        raise AccountError("ac_err_password_username")


def check_districts(districts: Iterable[str]) -> tuple[str, ...]:
    """The districts an account is limited to, as printable, trimmed, unique names (empty: every district)."""
    names = [printable(d, MAX_DISTRICT).strip() for d in districts]
    return tuple(dict.fromkeys(n for n in names if n))


def temporary_password() -> str:
    """A random password for a new or reset account, to be changed on first sign-in."""
    return secrets.token_urlsafe(12)  # 16 characters, 96 bits


def row_account(row: Mapping) -> Account:
    """An ``accounts`` row as the ``Account`` the service hands out (never its password hash)."""
    return Account(
        username=row["username"],
        display_name=row["display_name"] or row["username"],
        role=row["role"],
        districts=tuple(row["districts"] or ()),
        must_change_password=bool(row["must_change_password"]),
        failed_attempts=int(row["failed_attempts"] or 0),
        locked_until=aware(row["locked_until"]),
        disabled=bool(row["disabled"]),
        created_at=aware(row["created_at"]) or _now(),
        created_by=row["created_by"],
        last_sign_in=aware(row["last_sign_in"]),
        has_password=row["password_hash"] is not None,
    )


def _fetch(conn: Connection, username: str, lock: bool = False) -> Mapping | None:
    query = select(accounts).where(accounts.c.username == username)
    return conn.execute(query.with_for_update() if lock else query).mappings().first()


def _valid_or_none(typed: str) -> str | None:
    """The canonical username, or ``None`` for text no account can have (never sent to the database)."""
    try:
        return check_username(typed)
    except AccountError:
        return None


def get_account(engine: Engine, username: str) -> Account | None:
    """The account named ``username`` (any case), or ``None``."""
    name = _valid_or_none(username)
    if name is None:
        return None
    with engine.connect() as conn:
        row = _fetch(conn, name)
    return row_account(row) if row else None


def list_accounts(engine: Engine) -> list[Account]:
    """Every account, by username."""
    with engine.connect() as conn:
        rows = conn.execute(select(accounts).order_by(accounts.c.username)).mappings().all()
    return [row_account(row) for row in rows]


def count_accounts(engine: Engine) -> int:
    """How many accounts there are."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(accounts)).scalar_one())


# --- signing in and out ---------------------------------------------------------------------------------


def sign_in(engine: Engine, username: str, password: str, address: str = "") -> Actor | Failure:
    """Check a typed username and password: the acting ``Actor``, or the ``Failure`` and its reason.

    A locked account is refused without looking at the password; a wrong one counts towards the lock-out
    (``signin_max_failures`` in a row lock it for ``signin_lockout_minutes``); a disabled account is told so
    only when the password was right. Success clears the count and rehashes a hash made with old parameters.
    """
    name = _valid_or_none(username)
    with writing(engine) as conn:
        row = _fetch(conn, name, lock=True) if name else None
        outcome = _judge(conn, row, password)
        who = row["username"] if row else printable(username)
        reason = outcome.reason if isinstance(outcome, Failure) else ""
        audit.record(
            conn,
            who,
            audit.SIGN_IN,
            audit.FAILED if reason else audit.OK,
            target=f"account {who}",
            detail={"reason": reason} if reason else {},
            address=address,
        )
    return (
        Actor(outcome.username, outcome.role, outcome.districts, address) if isinstance(outcome, Account) else outcome
    )


def _judge(conn: Connection, row: Mapping | None, password: str) -> Account | Failure:
    """The outcome of one sign-in attempt, with the account row updated to match."""
    now = _now()
    if row is None:
        verify_password(None, password)  # the same work as for a real account
        return Failure(WRONG)
    account = row_account(row)
    if account.locked(now):
        return Failure(LOCKED, account.locked_until)
    if not verify_password(row["password_hash"], password):
        return _count_failure(conn, account, now, NO_PASSWORD if not account.has_password else WRONG)
    if account.disabled:
        return Failure(DISABLED)
    values: dict[str, object] = {"failed_attempts": 0, "locked_until": None, "last_sign_in": now}
    if needs_rehash(row["password_hash"]):
        values["password_hash"] = hash_password(password)
    conn.execute(update(accounts).where(accounts.c.id == row["id"]).values(**values))
    return account


def _count_failure(conn: Connection, account: Account, now: dt.datetime, reason: str) -> Failure:
    """One more wrong password; at the threshold the account locks and the count starts again."""
    failures = account.failed_attempts + 1
    if failures < int(get_setting("signin_max_failures")):
        _set(conn, account.username, failed_attempts=failures)
        return Failure(reason)
    until = now + dt.timedelta(minutes=float(get_setting("signin_lockout_minutes")))
    _set(conn, account.username, failed_attempts=0, locked_until=until)
    return Failure(LOCKED, until)


def _set(conn: Connection, username: str, **values: object) -> None:
    conn.execute(update(accounts).where(accounts.c.username == username).values(**values))


def sign_out(engine: Engine, actor: Actor, reason: str = "", device: str | None = None) -> None:
    """Record that ``actor`` signed out (``reason``: ``idle`` when the session expired); ``device``: the token
    this device stayed signed in with, revoked in the same transaction."""
    with writing(engine) as conn:
        if device is not None:
            devices.revoke(conn, actor.username, token=device)
        audit.record(
            conn,
            actor.username,
            audit.SIGN_OUT,
            target=f"account {actor.username}",
            detail={"reason": reason} if reason else {},
            address=actor.address,
        )


def change_password(engine: Engine, actor: Actor, current: str, new: str, device: str | None = None) -> None:
    """The signed-in account changes its own password: the current one must be right, the new one must meet
    the policy and differ from it. Clears the must-change flag; every other device that stayed signed in must
    sign in again (``device``: this one's token, kept). ``AccountError`` otherwise (nothing written)."""
    with writing(engine) as conn:
        name = _valid_or_none(actor.username)
        row = _fetch(conn, name, lock=True) if name else None
        if row is None or not verify_password(row["password_hash"], current):
            raise AccountError("ac_err_current_password")
        check_password(new, row["username"])
        if new == current:
            raise AccountError("ac_err_password_same")
        _set(conn, row["username"], password_hash=hash_password(new), must_change_password=False)
        devices.revoke(conn, row["username"], keep=device)
        audit.record(
            conn, actor.username, audit.CHANGE_PASSWORD, target=f"account {row['username']}", address=actor.address
        )


# --- account management (administrators) ---------------------------------------------------------------


def _permitted(engine: Engine, actor: Actor, target: str) -> None:
    """Refuse (and audit the refusal) unless ``actor`` may manage accounts."""
    if actor.may(MANAGE_ACCOUNTS):
        return
    with writing(engine) as conn:
        audit.record(
            conn, actor.username, MANAGE_ACCOUNTS, audit.REFUSED, target=f"account {target}", address=actor.address
        )
    raise Refused(MANAGE_ACCOUNTS)


def _record_change(conn: Connection, actor: Actor, username: str, change: str, **detail: object) -> None:
    audit.record(
        conn,
        actor.username,
        MANAGE_ACCOUNTS,
        target=f"account {username}",
        detail={"change": change, **detail},
        address=actor.address,
    )


def create_account(
    engine: Engine, actor: Actor, username: str, role: str, districts: Iterable[str] = (), display_name: str = ""
) -> str:
    """Create an account with a temporary password (returned, to be shown once) that must be changed on the
    first sign-in. ``AccountError`` for a bad or taken username or an unknown role."""
    _permitted(engine, actor, printable(username))
    name, limited = check_username(username), check_districts(districts)
    if name in RESERVED_USERNAMES:
        raise AccountError("ac_err_username_reserved", name=name)
    _check_role(role)
    password = temporary_password()
    shown = printable(display_name).strip() or unicodedata.normalize("NFKC", str(username)).strip()
    try:
        with writing(engine) as conn:
            _insert(conn, name, shown, role, limited, hash_password(password), actor.username)
            _record_change(conn, actor, name, CREATE, role=role, districts=list(limited))
    except IntegrityError as error:
        raise AccountError("ac_err_username_taken", name=name) from error
    return password


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError("ac_err_role")


def _insert(
    conn: Connection, name: str, shown: str, role: str, districts: tuple[str, ...], hashed: str, by: str
) -> None:
    conn.execute(
        insert(accounts).values(
            username=name,
            display_name=shown[:100],
            role=role,
            districts=list(districts),
            password_hash=hashed,
            must_change_password=True,
            created_at=_now(),
            created_by=by,
        )
    )


def _target(conn: Connection, username: str) -> Mapping:
    name = _valid_or_none(username)
    row = _fetch(conn, name, lock=True) if name else None
    if row is None:
        raise AccountError("ac_err_no_account")
    return row


def _keep_an_admin(conn: Connection, row: Mapping, role: str, disabled: bool) -> None:
    """Refuse a change that would leave no enabled administrator (nobody could manage accounts any more)."""
    if row["role"] != ADMIN or row["disabled"] or (role == ADMIN and not disabled):
        return
    others = select(func.count()).where(
        accounts.c.role == ADMIN, accounts.c.disabled.is_(False), accounts.c.id != row["id"]
    )
    if conn.execute(others).scalar_one() == 0:
        raise AccountError("ac_err_last_admin")


def update_account(engine: Engine, actor: Actor, username: str, role: str, districts: Iterable[str] = ()) -> None:
    """Change an account's role and the districts it is limited to."""
    _permitted(engine, actor, printable(username))
    _check_role(role)
    limited = check_districts(districts)
    with writing(engine) as conn:
        row = _target(conn, username)
        _keep_an_admin(conn, row, role, bool(row["disabled"]))
        _set(conn, row["username"], role=role, districts=list(limited))
        _record_change(conn, actor, row["username"], ROLE, role=role, districts=list(limited), was=row["role"])


def reset_password(engine: Engine, actor: Actor, username: str) -> str:
    """Give an account a new temporary password (returned, to be shown once); it must be changed on the next
    sign-in, and the lock-out count is cleared."""
    _permitted(engine, actor, printable(username))
    password = temporary_password()
    with writing(engine) as conn:
        row = _target(conn, username)
        values = {"password_hash": hash_password(password), "must_change_password": True, "failed_attempts": 0}
        _set(conn, row["username"], **values, locked_until=None)
        devices.revoke(conn, row["username"])  # the old password's devices sign in again
        _record_change(conn, actor, row["username"], RESET)
    return password


def set_locked(engine: Engine, actor: Actor, username: str, locked: bool) -> None:
    """Lock an account until an administrator unlocks it, or unlock it (also ending a lock-out)."""
    _permitted(engine, actor, printable(username))
    with writing(engine) as conn:
        row = _target(conn, username)
        if locked:
            _keep_an_admin(conn, row, row["role"], True)
        _set(conn, row["username"], locked_until=LOCKED_BY_ADMIN if locked else None, failed_attempts=0)
        if locked:
            devices.revoke(conn, row["username"])
        _record_change(conn, actor, row["username"], LOCK if locked else UNLOCK)


def set_disabled(engine: Engine, actor: Actor, username: str, disabled: bool) -> None:
    """Disable an account (it can no longer sign in, and a session of it ends at its next page load) or enable
    it again."""
    _permitted(engine, actor, printable(username))
    with writing(engine) as conn:
        row = _target(conn, username)
        if disabled:
            _keep_an_admin(conn, row, row["role"], True)
        _set(conn, row["username"], disabled=disabled)
        if disabled:
            devices.revoke(conn, row["username"])
        _record_change(conn, actor, row["username"], DISABLE if disabled else ENABLE)


# --- the first administrator ----------------------------------------------------------------------------


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_first_admin(engine: Engine, announce: Callable[[str], None] = _to_stderr) -> bool:
    """With no account at all, create ``admin``: its password is ``DASHBOARD_ADMIN_PASSWORD`` (environment or
    secrets.toml), else a random one that ``announce`` prints once (to the terminal) and that must be changed
    on first sign-in. Returns whether it created the account (several processes starting at once: one does).
    """
    configured = secret(FIRST_ADMIN_ENV)
    password = configured or temporary_password()
    try:
        with writing(engine) as conn:
            if conn.execute(select(func.count()).select_from(accounts)).scalar_one():
                return False
            _insert(conn, FIRST_ADMIN, FIRST_ADMIN, ADMIN, (), hash_password(password), SYSTEM)
            _set(conn, FIRST_ADMIN, must_change_password=not configured)
            source = "configured" if configured else "random"
            detail = {"change": CREATE, "role": ADMIN, "password": source}
            audit.record(conn, SYSTEM, MANAGE_ACCOUNTS, target=f"account {FIRST_ADMIN}", detail=detail)
    except IntegrityError:  # another process created it meanwhile
        return False
    if not configured:
        announce(_first_admin_message(password))
    return True


def _first_admin_message(password: str) -> str:
    return (
        f"First start: created the administrator account '{FIRST_ADMIN}' with the one-time password\n\n"
        f"    {password}\n\n"
        f"Sign in with it and choose a new password (shown only now; set {FIRST_ADMIN_ENV} to choose it)."
    )


def operator_reset(engine: Engine, username: str, announce: Callable[[str], None] = _to_stderr) -> bool:
    """Recovery from the server's terminal (no administrator can sign in): give ``username`` a new temporary
    password, printed by ``announce``, unlocked and enabled. Audited as the system. False: no such account."""
    password = temporary_password()
    with writing(engine) as conn:
        name = _valid_or_none(username)
        row = _fetch(conn, name, lock=True) if name else None
        if row is None:
            return False
        values = {"password_hash": hash_password(password), "must_change_password": True, "failed_attempts": 0}
        _set(conn, row["username"], **values, locked_until=None, disabled=False)
        devices.revoke(conn, row["username"])
        detail = {"change": RESET, "by": "operator"}
        audit.record(conn, SYSTEM, MANAGE_ACCOUNTS, target=f"account {row['username']}", detail=detail)
    announce(f"New one-time password for '{row['username']}' (change it at the next sign-in):\n\n    {password}\n")
    return True


def operator_main(argv: list[str]) -> int | str:
    """``python -m service.accounts reset-password USERNAME``: 0 once reset, else what went wrong (for
    ``sys.exit``: printed, exit status 1); a database out of reach is said, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from store.db import open_database

    if len(argv) != 2 or argv[0] != "reset-password":
        return "usage: python -m service.accounts reset-password USERNAME"
    try:
        return 0 if operator_reset(open_database(), argv[1]) else f"no account named {argv[1]!r}"
    except SQLAlchemyError as error:
        return f"the database cannot be reached ({type(error).__name__}); check DATABASE_URL"


if __name__ == "__main__":  # python -m service.accounts reset-password admin
    sys.exit(operator_main(sys.argv[1:]))
