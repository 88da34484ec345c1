"""Staying signed in on a device (``service.devices``): a token that signs its account in until it expires or
is revoked (sign-out, password change or reset, disabled or locked account), stored only as a hash, every use
and refusal audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from test_accounts import BOSS, GOOD, add, audit_rows, cheap_hashes  # noqa: F401  (fixture used by every test)

from service import accounts as A
from service import audit
from service import devices as D
from service.roles import EDITOR, Actor
from store.schema import device_sessions

LI = Actor("li", EDITOR, ("历城区",), "10.0.0.7")


def remembered(engine, days: float = 7) -> str:
    add(engine, "li", districts=["历城区"])
    return D.remember(engine, LI, days)


def device_audits(engine) -> list[tuple]:
    return [
        (r["account"], r["action"], r["outcome"], r["detail"].get("reason", ""))
        for r in audit_rows(engine)
        if r["action"] == D.REMEMBER or r["detail"].get("method") == D.DEVICE
    ]


def test_a_remembered_device_signs_its_account_in_and_only_the_hash_is_stored(engine):
    token = remembered(engine)
    actor = D.resume(engine, token, "10.0.0.8")
    assert actor == Actor("li", EDITOR, ("历城区",), "10.0.0.8")
    with engine.connect() as conn:
        stored = [dict(r) for r in conn.execute(select(device_sessions)).mappings()]
        dumped = " ".join(str(v) for row in conn.execute(text("SELECT * FROM device_sessions")) for v in row)
    assert len(stored) == 1 and token not in dumped and stored[0]["last_used_at"] is not None
    assert device_audits(engine) == [("li", D.REMEMBER, audit.OK, ""), ("li", audit.SIGN_IN, audit.OK, "")]


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("", "empty"),
        ("x" * 42, "too short"),
        ("x" * 44, "too long"),
        ("<script>alert(1)</script>" + "x" * 18, "not URL-safe base64"),
        ("a" * 43, "well formed, never issued"),
    ],
)
def test_a_token_we_did_not_issue_signs_nobody_in_and_names_nobody(engine, token, why):
    remembered(engine)
    assert D.resume(engine, token, "10.0.0.8") is None, why
    assert device_audits(engine) == [("li", D.REMEMBER, audit.OK, "")]


def _disable(engine) -> None:
    A.set_disabled(engine, BOSS, "li", True)


def _lock(engine) -> None:
    A.set_locked(engine, BOSS, "li", True)


def _reset(engine) -> None:
    A.reset_password(engine, BOSS, "li")


def _change(engine) -> None:
    A.change_password(engine, LI, GOOD, GOOD + " new")


def _sign_out(engine, token: str) -> None:
    A.sign_out(engine, LI, device=token)


@pytest.mark.parametrize(
    ("change", "reason"),
    [(_disable, D.REVOKED), (_lock, D.REVOKED), (_reset, D.REVOKED), (_change, D.REVOKED)],
)
def test_account_changes_revoke_every_device(engine, change, reason):
    token = remembered(engine)
    change(engine)
    assert D.resume(engine, token, "10.0.0.8") is None
    assert device_audits(engine)[-1] == ("li", audit.SIGN_IN, audit.FAILED, reason)


def test_signing_out_revokes_that_device_only(engine):
    token = remembered(engine)
    other = D.remember(engine, LI, 7)
    _sign_out(engine, token)
    assert D.resume(engine, token, "") is None
    assert D.resume(engine, other, "") is not None


def test_a_password_change_keeps_the_device_that_made_it(engine):
    token = remembered(engine)
    other = D.remember(engine, LI, 7)
    A.change_password(engine, LI, GOOD, GOOD + " new", device=token)
    assert D.resume(engine, token, "") is not None
    assert D.resume(engine, other, "") is None


def test_a_token_expires_after_its_days(engine, monkeypatch):
    token = remembered(engine, days=7)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=7, minutes=1)
    monkeypatch.setattr(D, "_now", lambda: later)
    assert D.resume(engine, token, "") is None
    assert device_audits(engine)[-1][3] == D.EXPIRED
    monkeypatch.setattr(D, "_now", lambda: later - dt.timedelta(minutes=2))
    assert D.resume(engine, token, "") is not None


def test_a_lock_out_after_failed_passwords_refuses_the_device_too(engine):
    token = remembered(engine)
    for _ in range(5):
        A.sign_in(engine, "li", "wrong password")
    assert D.resume(engine, token, "") is None
    assert device_audits(engine)[-1][3] == D.LOCKED


def test_an_account_removed_from_under_a_token_is_gone(engine):
    token = remembered(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM accounts WHERE username = 'li'"))
    assert D.resume(engine, token, "") is None
    assert device_audits(engine)[-1][3] == D.GONE


def test_a_token_still_stands_until_revoked_or_expired(engine, monkeypatch):
    """``still_good`` (asked for a session already signed in by the token): true while it stands, false once
    revoked, expired, or never issued; it writes no audit row."""
    token = remembered(engine, days=7)
    before = len(audit_rows(engine))
    assert D.still_good(engine, token)
    assert not D.still_good(engine, D.remember(engine, LI, 7)[::-1])  # a token we never issued
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=7, minutes=1)
    monkeypatch.setattr(D, "_now", lambda: later)
    assert not D.still_good(engine, token)
    monkeypatch.undo()
    _sign_out(engine, token)
    assert not D.still_good(engine, token)
    assert len(audit_rows(engine)) == before + 2  # the second remember and the sign-out, nothing from the checks
