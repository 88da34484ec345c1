"""service.sso: ID-token claims -> role and districts, and the account made or updated on sign-in."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import insert, select

from service import accounts as A
from service.roles import Actor
from service.sso import MappingError, SsoMapping, account_for, load_mapping, role_for, subject
from store.schema import accounts, audit_log

MAPPING = load_mapping(
    {
        "default_role": "viewer",
        "roles": {
            "admin": ["IT@jinan.gov.cn"],
            "editor": ["group:zhangqiu-office", "group:licheng-office", "wang@jinan.gov.cn"],
            "viewer": ["group:leaders"],
        },
        "districts": {"group:zhangqiu-office": ["章丘区"], "group:licheng-office": ["历城区"]},
    }
)
STRICT = SsoMapping(roles=MAPPING.roles, districts=MAPPING.districts, default_role=None)


@pytest.mark.parametrize(
    ("claims", "mapping", "expected"),
    [
        ({"sub": "1", "email": "it@jinan.gov.cn"}, MAPPING, ("admin", ())),
        ({"sub": "1", "email": "It@Jinan.gov.cn", "groups": ["zhangqiu-office"]}, MAPPING, ("admin", ())),
        ({"sub": "2", "email": "li@x.cn", "groups": ["zhangqiu-office"]}, MAPPING, ("editor", ("章丘区",))),
        (  # two district offices: both districts
            {"sub": "3", "email": "li@x.cn", "groups": ["zhangqiu-office", "licheng-office"]},
            MAPPING,
            ("editor", ("历城区", "章丘区")),
        ),
        (  # an unlimited entry for the same role lifts the district limit
            {"sub": "4", "email": "wang@jinan.gov.cn", "groups": ["zhangqiu-office"]},
            MAPPING,
            ("editor", ()),
        ),
        ({"sub": "5", "email": "x@y.cn", "groups": "zhangqiu-office"}, MAPPING, ("editor", ("章丘区",))),
        ({"sub": "6", "email": "x@y.cn", "groups": ["leaders"]}, MAPPING, ("viewer", ())),
        ({"sub": "7", "email": "x@y.cn"}, MAPPING, ("viewer", ())),  # nobody named: the default role
        ({"sub": "7", "email": "x@y.cn"}, STRICT, None),  # no default: refused
        ({"sub": "8", "email": "it@jinan.gov.cn", "email_verified": False}, STRICT, None),  # unverified mail
        ({"sub": "8", "email": "it@jinan.gov.cn", "email_verified": True}, STRICT, ("admin", ())),
        ({"sub": "9", "groups": ["Zhangqiu-Office"]}, STRICT, None),  # group names are exact
        ({"sub": "9", "email": "x@y.cn", "groups": ["zhangqiu-office"]}, STRICT, ("editor", ("章丘区",))),
        ({"email": "it@jinan.gov.cn", "groups": {"a": 1}}, MAPPING, ("admin", ())),  # odd claim types ignored
        ({}, MAPPING, None),  # nothing identifies the user: not even the default role
        ({"sub": "10", "email": "group:leaders"}, STRICT, None),  # an e-mail cannot pose as a group
    ],
)
def test_role_for(claims, mapping, expected):
    assert role_for(claims, mapping) == expected


def test_groups_claim_is_configurable():
    mapping = load_mapping({"groups_claim": "roles", "roles": {"editor": ["group:office"]}})
    assert role_for({"sub": "1", "roles": ["office"]}, mapping) == ("editor", ())
    assert role_for({"sub": "1", "groups": ["office"]}, mapping) is None


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"sub": "abc", "email": " Li@X.cn "}, "li@x.cn"),
        ({"sub": "abc", "email": "li@x.cn", "email_verified": False}, "sso-abc"),
        ({"sub": "abc"}, "sso-abc"),
        ({"sub": "abc", "email": "Ｌｉ@x.cn"}, "li@x.cn"),  # NFKC, as built-in usernames are looked up
        # Characters a username may not have: a stable name from the subject (its hash when that has them too).
        ({"sub": "abc", "email": "[li](http://evil.example)@x.cn"}, "sso-abc"),
        ({"sub": "a:b/c"}, "sso-" + hashlib.sha256(b"a:b/c").hexdigest()[:24]),
        ({"sub": "x" * 70}, "sso-" + hashlib.sha256(b"x" * 70).hexdigest()[:24]),
        ({}, ""),
    ],
)
def test_subject(claims, expected):
    assert subject(claims) == expected
    assert not expected or A.check_username(expected) == expected  # an account like any other


@pytest.mark.parametrize(
    "table",
    [
        {"roles": {"superuser": ["a@b.cn"]}},
        {"default_role": "owner"},
        {"roles": {"admin": "a@b.cn"}},  # a string, not a list
        {"roles": {"admin": [""]}},
        {"roles": ["admin"]},
    ],
)
def test_wrong_configuration_is_refused(table):
    with pytest.raises(MappingError):
        load_mapping(table)


def test_no_configuration_lets_nobody_in():
    assert role_for({"sub": "1", "email": "it@jinan.gov.cn"}, load_mapping(None)) is None


def _audit(engine):
    with engine.connect() as conn:
        return [(r.account, r.action, r.outcome, r.detail) for r in conn.execute(select(audit_log))]


def _account(engine, username):
    with engine.connect() as conn:
        return conn.execute(select(accounts).where(accounts.c.username == username)).one_or_none()


def test_first_sign_in_creates_the_account_and_later_ones_follow_the_configuration(engine):
    claims = {"sub": "u1", "email": "li@x.cn", "name": "李四", "groups": ["zhangqiu-office"]}
    actor = account_for(engine, claims, MAPPING, "10.0.0.7")
    assert actor == Actor("li@x.cn", "editor", ("章丘区",), "10.0.0.7")
    row = _account(engine, "li@x.cn")
    assert (row.role, row.districts, row.password_hash, row.display_name, row.created_by) == (
        "editor",
        ["章丘区"],
        None,
        "李四",
        "sso",
    )
    assert row.last_sign_in is not None
    moved = {**claims, "groups": ["leaders"]}  # left the district office: the next sign-in says so
    assert account_for(engine, moved, MAPPING) == Actor("li@x.cn", "viewer", (), "")
    assert (_account(engine, "li@x.cn").role, _account(engine, "li@x.cn").districts) == ("viewer", [])
    assert [a[:3] for a in _audit(engine)] == [("li@x.cn", "sign_in", "ok")] * 2
    assert _audit(engine)[0][3] == {"method": "sso", "role": "editor", "districts": ["章丘区"]}


def _builtin(engine, username, email=None, disabled=False, password_hash="$argon2id$x", locked_until=None):
    import datetime as dt

    with engine.begin() as conn:
        conn.execute(
            insert(accounts).values(
                username=username,
                email=email,
                role="admin",
                districts=[],
                password_hash=password_hash,
                disabled=disabled,
                locked_until=locked_until,
                created_at=dt.datetime.now(dt.UTC),
                created_by="admin",
            )
        )


@pytest.mark.parametrize(
    ("existing", "outcome", "reason"),
    [
        ({"username": "it@jinan.gov.cn"}, "failed", "conflict"),  # a built-in account's name
        ({"username": "zhang", "email": "it@jinan.gov.cn"}, "failed", "conflict"),  # or its e-mail
        ({"username": "it@jinan.gov.cn", "password_hash": None, "disabled": True}, "refused", "disabled"),
        # Locked by an administrator on the accounts page: the provider's word does not unlock it.
        (
            {"username": "it@jinan.gov.cn", "password_hash": None, "locked_until": A.LOCKED_BY_ADMIN},
            "refused",
            "locked",
        ),
    ],
)
def test_sign_in_refused_for_builtin_or_disabled_accounts(engine, existing, outcome, reason):
    _builtin(engine, **existing)
    assert account_for(engine, {"sub": "1", "email": "it@jinan.gov.cn"}, MAPPING, "10.0.0.9") is None
    assert _audit(engine) == [("it@jinan.gov.cn", "sign_in", outcome, {"method": "sso", "reason": reason})]
    assert _account(engine, existing["username"]).role == "admin"  # untouched


@pytest.mark.parametrize(
    ("claims", "account", "reason"),
    [({"sub": "1", "email": "x@y.cn"}, "x@y.cn", "not_mapped"), ({"name": "nobody"}, "?", "no_subject")],
)
def test_unmapped_sign_in_is_refused_and_audited(engine, claims, account, reason):
    assert account_for(engine, claims, STRICT) is None
    assert _audit(engine) == [(account, "sign_in", "refused", {"method": "sso", "reason": reason})]
    with engine.connect() as conn:
        assert conn.execute(select(accounts)).all() == []


def test_two_first_sign_ins_at_once_make_one_account(engine, monkeypatch):
    import service.sso as S

    real, calls = S._existing, []

    def racing(conn, username, email):  # the first look misses the row the other tab has just made
        calls.append(username)
        return [] if len(calls) == 1 else real(conn, username, email)

    _builtin(engine, "li@x.cn", "li@x.cn", password_hash=None)
    monkeypatch.setattr(S, "_existing", racing)
    claims = {"sub": "1", "email": "li@x.cn", "groups": ["leaders"]}
    assert account_for(engine, claims, MAPPING) == Actor("li@x.cn", "viewer", (), "")
    assert len(calls) == 2  # the insert failed on the unique name, and the second attempt updated the row
    assert _account(engine, "li@x.cn").role == "viewer"
