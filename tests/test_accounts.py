"""Built-in accounts (``service.accounts``): hashing, sign-in and lock-out, the password policy, account
management by administrators, the first administrator, and the audit rows each writes (or does not)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from service import accounts as A
from service import audit
from service.roles import ADMIN, EDITOR, MANAGE_ACCOUNTS, VIEWER, Actor, Refused
from store.schema import accounts, audit_log

BOSS = Actor("boss", ADMIN, (), "10.0.0.1")
GOOD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """Argon2id with small parameters, so the many hashes here stay fast (the real ones are checked below)."""
    monkeypatch.setattr(A, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def audit_rows(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings().all()
    return [dict(r) for r in rows]


def add(engine, name: str, role: str = EDITOR, password: str = GOOD, must_change: bool = False, **values) -> None:
    """An account with a known password (as if it had already changed its temporary one)."""
    A.create_account(engine, BOSS, name, role, values.pop("districts", ()))
    with engine.begin() as conn:
        conn.execute(
            accounts.update()
            .where(accounts.c.username == A.normal_username(name))
            .values(**{"password_hash": A.hash_password(password), "must_change_password": must_change, **values})
        )


def test_default_hashes_are_argon2id_and_old_parameters_are_rehashed_on_sign_in(engine, monkeypatch):
    monkeypatch.undo()  # the real hasher
    hashed = A.hash_password(GOOD)
    assert hashed.startswith("$argon2id$") and A.verify_password(hashed, GOOD)
    assert not A.verify_password(hashed, GOOD + "x") and not A.needs_rehash(hashed)
    old = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(GOOD)
    add(engine, "li")
    with engine.begin() as conn:
        conn.execute(accounts.update().values(password_hash=old))
    assert isinstance(A.sign_in(engine, "li", GOOD), Actor)
    with engine.connect() as conn:
        new = conn.execute(select(accounts.c.password_hash)).scalar_one()
    assert new != old and not A.needs_rehash(new) and A.verify_password(new, GOOD)


@pytest.mark.parametrize(
    ("typed", "password", "expected"),
    [
        ("li", GOOD, Actor("li", EDITOR, ("章丘区",), "1.2.3.4")),
        ("  LI ", GOOD, Actor("li", EDITOR, ("章丘区",), "1.2.3.4")),  # names are found whatever their case
        ("li", "wrong password", A.Failure(A.WRONG)),
        ("nobody", GOOD, A.Failure(A.WRONG)),  # an unknown user is told the same as a wrong password
        ("", GOOD, A.Failure(A.WRONG)),
        ("li\x00", GOOD, A.Failure(A.WRONG)),
    ],
)
def test_sign_in(engine, typed, password, expected):
    add(engine, "li", districts=["章丘区"])
    assert A.sign_in(engine, typed, password, "1.2.3.4") == expected
    row = audit_rows(engine)[-1]
    ok = isinstance(expected, Actor)
    assert (row["action"], row["outcome"], row["address"]) == (audit.SIGN_IN, "ok" if ok else "failed", "1.2.3.4")
    assert row["detail"] == ({} if ok else {"reason": A.WRONG})
    assert "\x00" not in row["account"]


def test_an_unknown_user_costs_a_hash_like_a_real_one(engine, monkeypatch):
    calls = []
    real = A.verify_password
    monkeypatch.setattr(A, "verify_password", lambda stored, pw: calls.append(stored) or real(stored, pw))
    A.sign_in(engine, "ghost", GOOD)
    assert calls == [None]  # verified against the dummy hash, not skipped


@pytest.mark.parametrize(("failures", "locked"), [(4, False), (5, True)])
def test_lock_out_at_the_threshold_and_its_expiry(engine, monkeypatch, failures, locked):
    add(engine, "li")
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(A, "_now", lambda: start)
    results = [A.sign_in(engine, "li", "wrong password") for _ in range(failures)]
    assert results[-1].reason == (A.LOCKED if locked else A.WRONG)
    outcome = A.sign_in(engine, "li", GOOD)  # even the right password is refused while locked
    assert isinstance(outcome, A.Failure) is locked
    if locked:
        assert outcome == A.Failure(A.LOCKED, start + dt.timedelta(minutes=15))
        monkeypatch.setattr(A, "_now", lambda: start + dt.timedelta(minutes=14, seconds=59))
        assert A.sign_in(engine, "li", GOOD).reason == A.LOCKED
        monkeypatch.setattr(A, "_now", lambda: start + dt.timedelta(minutes=15, seconds=1))
        assert isinstance(A.sign_in(engine, "li", GOOD), Actor)
    assert A.get_account(engine, "li").failed_attempts == 0  # a success starts the count again


def test_lock_out_threshold_and_duration_are_settings(engine, monkeypatch):
    monkeypatch.setenv("RESETTLE_SIGNIN_MAX_FAILURES", "2")
    monkeypatch.setenv("RESETTLE_SIGNIN_LOCKOUT_MINUTES", "60")
    add(engine, "li")
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(A, "_now", lambda: start)
    assert [A.sign_in(engine, "li", "nope nope nope").reason for _ in range(2)] == [A.WRONG, A.LOCKED]
    assert A.get_account(engine, "li").locked_until == start + dt.timedelta(minutes=60)


@pytest.mark.parametrize(
    ("state", "password", "reason"),
    [
        ({"disabled": True}, GOOD, A.DISABLED),
        ({"disabled": True}, "wrong password", A.WRONG),  # a disabled account is not revealed to a guesser
        ({"password_hash": None}, GOOD, A.NO_PASSWORD),  # single sign-on accounts have no password here
        ({"locked_until": A.LOCKED_BY_ADMIN}, GOOD, A.LOCKED),
    ],
)
def test_accounts_that_may_not_sign_in(engine, state, password, reason):
    add(engine, "li", **state)
    assert A.sign_in(engine, "li", password).reason == reason


def test_a_temporary_password_must_be_changed(engine):
    temporary = A.create_account(engine, BOSS, "Wang.Wei", VIEWER)
    actor = A.sign_in(engine, "wang.wei", temporary, "1.2.3.4")
    assert actor == Actor("wang.wei", VIEWER, (), "1.2.3.4")
    assert A.get_account(engine, "wang.wei").must_change_password
    A.change_password(engine, actor, temporary, GOOD)
    assert not A.get_account(engine, "wang.wei").must_change_password
    assert A.sign_in(engine, "wang.wei", temporary).reason == A.WRONG
    assert isinstance(A.sign_in(engine, "wang.wei", GOOD), Actor)
    changed = [r for r in audit_rows(engine) if r["action"] == audit.CHANGE_PASSWORD]
    assert [(r["account"], r["address"]) for r in changed] == [("wang.wei", "1.2.3.4")]


@pytest.mark.parametrize(
    ("current", "new", "key"),
    [
        ("not the password", "a brand new password", "ac_err_current_password"),
        (GOOD, "short", "ac_err_password_short"),
        (GOOD, "x" * 257, "ac_err_password_long"),
        (GOOD, "Li.Wei.Long", "ac_err_password_username"),
        (GOOD, GOOD, "ac_err_password_same"),
    ],
)
def test_password_changes_that_break_the_policy_write_nothing(engine, current, new, key):
    add(engine, "li.wei.long")
    before = audit_rows(engine)
    with pytest.raises(A.AccountError) as refused:
        A.change_password(engine, Actor("li.wei.long", EDITOR), current, new)
    assert refused.value.key == key
    assert audit_rows(engine) == before
    assert isinstance(A.sign_in(engine, "li.wei.long", GOOD), Actor)  # the old password still works


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Li.Wei", "li.wei"),
        ("  王主任 ", "王主任"),
        ("ｌｉ", "li"),  # full-width letters are the same name
        ("zhang-san_2@jinan.gov.cn", "zhang-san_2@jinan.gov.cn"),
        ("", "ac_err_username_empty"),
        ("   ", "ac_err_username_empty"),
        ("a" * 65, "ac_err_username_long"),
        ("li wei", "ac_err_username_chars"),
        ("li\x1b[31m", "ac_err_username_chars"),
        ("li\u202e", "ac_err_username_chars"),  # right-to-left override
        ("<script>", "ac_err_username_chars"),
        ("[x](http://evil)", "ac_err_username_chars"),
    ],
)
def test_username_validation(typed, expected):
    if expected.startswith("ac_err_"):
        with pytest.raises(A.AccountError) as refused:
            A.check_username(typed)
        assert refused.value.key == expected
    else:
        assert A.check_username(typed) == expected


def test_usernames_are_unique_whatever_their_case_and_a_failed_create_writes_no_audit_row(engine):
    A.create_account(engine, BOSS, "Li", VIEWER)
    before = audit_rows(engine)
    for typed in ("li", "LI", "ｌｉ"):
        with pytest.raises(A.AccountError) as refused:
            A.create_account(engine, BOSS, typed, VIEWER)
        assert refused.value.key == "ac_err_username_taken"
    assert audit_rows(engine) == before
    assert [a.username for a in A.list_accounts(engine)] == ["li"]
    assert A.get_account(engine, "LI").display_name == "Li"


@pytest.mark.parametrize(
    ("change", "check"),
    [
        (lambda e: A.update_account(e, BOSS, "li", VIEWER, ["历城区"]), lambda a: (a.role, a.districts)),
        (lambda e: A.set_disabled(e, BOSS, "li", True), lambda a: a.disabled),
        (lambda e: A.set_locked(e, BOSS, "li", True), lambda a: a.locked_until),
        (lambda e: A.reset_password(e, BOSS, "li"), lambda a: a.must_change_password),
    ],
)
def test_account_changes_are_audited_with_the_admin_and_address(engine, change, check):
    add(engine, "li")
    change(engine)
    row = audit_rows(engine)[-1]
    assert (row["account"], row["action"], row["outcome"]) == ("boss", MANAGE_ACCOUNTS, "ok")
    assert (row["target"], row["address"]) == ("account li", "10.0.0.1")
    assert row["detail"]["change"] in (A.ROLE, A.DISABLE, A.LOCK, A.RESET)
    assert check(A.get_account(engine, "li")) not in (None, False, (EDITOR, ()))
    assert "password" not in str(row["detail"]).replace("reset_password", "")  # no secret in the trail


def test_reset_password_gives_a_working_temporary_password_and_ends_a_lock_out(engine):
    add(engine, "li", locked_until=dt.datetime(2099, 1, 1, tzinfo=dt.UTC), failed_attempts=3)
    temporary = A.reset_password(engine, BOSS, "li")
    assert len(temporary) >= 10 and A.sign_in(engine, "li", GOOD).reason == A.WRONG
    assert isinstance(A.sign_in(engine, "li", temporary), Actor)
    assert A.get_account(engine, "li").must_change_password


def test_unlock_and_enable_undo_lock_and_disable(engine):
    add(engine, "li")
    A.set_locked(engine, BOSS, "li", True)
    A.set_disabled(engine, BOSS, "li", True)
    A.set_locked(engine, BOSS, "li", False)
    A.set_disabled(engine, BOSS, "li", False)
    assert isinstance(A.sign_in(engine, "li", GOOD), Actor)
    changes = [r["detail"]["change"] for r in audit_rows(engine) if r["action"] == MANAGE_ACCOUNTS]
    assert changes[-4:] == [A.LOCK, A.DISABLE, A.UNLOCK, A.ENABLE]


@pytest.mark.parametrize(
    "change",
    [
        lambda e, who: A.create_account(e, who, "new", VIEWER),
        lambda e, who: A.update_account(e, who, "li", ADMIN),
        lambda e, who: A.reset_password(e, who, "li"),
        lambda e, who: A.set_locked(e, who, "li", False),
        lambda e, who: A.set_disabled(e, who, "li", False),
    ],
)
@pytest.mark.parametrize("role", [VIEWER, EDITOR])
def test_only_admins_manage_accounts_and_refusals_are_audited(engine, change, role):
    add(engine, "li", role=role)
    before = A.get_account(engine, "li")
    with pytest.raises(Refused):
        change(engine, Actor("li", role, (), "9.9.9.9"))
    row = audit_rows(engine)[-1]
    assert (row["account"], row["action"], row["outcome"], row["address"]) == (
        "li",
        MANAGE_ACCOUNTS,
        "refused",
        "9.9.9.9",
    )
    assert A.get_account(engine, "li") == before and A.get_account(engine, "new") is None


@pytest.mark.parametrize(
    "change",
    [
        lambda e: A.update_account(e, BOSS, "admin", EDITOR),
        lambda e: A.set_disabled(e, BOSS, "admin", True),
        lambda e: A.set_locked(e, BOSS, "admin", True),
    ],
)
def test_the_last_enabled_admin_cannot_be_removed(engine, change):
    A.ensure_first_admin(engine, announce=lambda _: None)
    before = audit_rows(engine)
    with pytest.raises(A.AccountError) as refused:
        change(engine)
    assert refused.value.key == "ac_err_last_admin" and audit_rows(engine) == before
    add(engine, "second", role=ADMIN)
    change(engine)  # with another admin it is allowed


@pytest.mark.parametrize(
    ("typed", "key"),
    [("bad name", "ac_err_username_chars"), ("", "ac_err_username_empty")],
)
def test_bad_role_or_name_creates_nothing(engine, typed, key):
    for name, role, expected in ((typed, VIEWER, key), ("ok", "root", "ac_err_role")):
        with pytest.raises(A.AccountError) as refused:
            A.create_account(engine, BOSS, name, role)
        assert refused.value.key == expected
    assert A.list_accounts(engine) == [] and audit_rows(engine) == []


def test_districts_are_cleaned(engine):
    A.create_account(engine, BOSS, "li", EDITOR, [" 章丘区 ", "章丘区", "", "历城\x00区"])
    assert A.get_account(engine, "li").districts == ("章丘区", "历城区")


def test_first_admin_from_the_environment(engine, monkeypatch):
    monkeypatch.setenv(A.FIRST_ADMIN_ENV, "the configured one")
    said = []
    assert A.ensure_first_admin(engine, announce=said.append)
    assert said == []  # nothing printed: the operator chose the password
    assert A.sign_in(engine, "admin", "the configured one") == Actor("admin", ADMIN)
    assert not A.get_account(engine, "admin").must_change_password
    assert not A.ensure_first_admin(engine, announce=said.append)  # only with no account at all
    row = audit_rows(engine)[0]
    assert (row["account"], row["action"], row["detail"]) == (
        A.SYSTEM,
        MANAGE_ACCOUNTS,
        {"change": "create", "role": ADMIN, "password": "configured"},
    )


def test_first_admin_with_a_random_password_printed_once(engine, monkeypatch):
    monkeypatch.delenv(A.FIRST_ADMIN_ENV, raising=False)
    monkeypatch.setattr("store.db.SECRETS", Path("/nonexistent/secrets.toml"))  # none configured
    said = []
    assert A.ensure_first_admin(engine, announce=said.append)
    assert not A.ensure_first_admin(engine, announce=said.append)
    assert len(said) == 1
    password = said[0].split("\n\n")[1].strip()
    assert len(password) >= 10 and isinstance(A.sign_in(engine, "admin", password), Actor)
    assert A.get_account(engine, "admin").must_change_password
    assert password not in str(audit_rows(engine))


def test_sign_out_is_audited(engine):
    A.sign_out(engine, Actor("li", VIEWER, (), "1.2.3.4"), "idle")
    row = audit_rows(engine)[-1]
    assert (row["account"], row["action"], row["detail"], row["address"]) == (
        "li",
        audit.SIGN_OUT,
        {"reason": "idle"},
        "1.2.3.4",
    )


def test_the_operator_can_reset_a_password_from_the_terminal(engine):
    add(engine, "li", locked_until=A.LOCKED_BY_ADMIN, disabled=True)
    said = []
    assert A.operator_reset(engine, "LI", announce=said.append)
    password = said[0].split("\n\n")[1].strip()
    assert A.sign_in(engine, "li", password) == Actor("li", EDITOR)
    assert A.get_account(engine, "li").must_change_password
    assert audit_rows(engine)[-2]["detail"] == {"change": "reset_password", "by": "operator"}
    assert not A.operator_reset(engine, "nobody", announce=said.append) and len(said) == 1


@pytest.mark.parametrize(
    ("url", "args", "said"),
    [
        ("foo://x", ["reset-password", "admin"], "the database cannot be reached (NoSuchModuleError)"),
        ("not a url", ["reset-password", "admin"], "the database cannot be reached (ArgumentError)"),
        (None, ["reset-password"], "usage: python -m service.accounts reset-password USERNAME"),
        (None, ["reset-password", "\x1b[2Jnobody"], "no account named '\\x1b[2Jnobody'"),
    ],
)
def test_the_operator_reset_says_what_went_wrong_without_a_traceback(tmp_path, url, args, said):
    """A database out of reach ended ``python -m service.accounts reset-password`` in a traceback."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": url or f"sqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "service.accounts", *args],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 1 and said in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("typed", ["system", "System", "ＳＹＳＴＥＭ", " system "])
def test_the_name_the_trail_gives_the_app_itself_is_not_a_new_account(engine, typed):
    """An account named ``system`` would read as 系统 / the system in the audit trail and the history."""
    before = len(audit_rows(engine))
    with pytest.raises(A.AccountError) as refused:
        A.create_account(engine, BOSS, typed, EDITOR, ["历城区"])
    assert refused.value.key == "ac_err_username_reserved"
    assert A.get_account(engine, "system") is None and len(audit_rows(engine)) == before
