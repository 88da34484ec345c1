"""ui.context: one definition of "nobody signed in" for the app, its refusals and its audit trail."""

from __future__ import annotations

import dataclasses

import pytest

from service.roles import ADMIN, VIEWER, Actor
from ui.context import ANONYMOUS, is_anonymous


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (None, True),
        (ANONYMOUS, True),
        (dataclasses.replace(ANONYMOUS, address="10.0.0.7"), True),  # the anonymous viewer from an address
        (Actor("admin", ADMIN), False),
        (Actor("viewer", VIEWER), False),
        (Actor("", VIEWER), False),  # not a name sign-in or accounts ever produce: not treated as nobody
    ],
)
def test_is_anonymous(actor, expected):
    assert is_anonymous(actor) is expected


def test_anonymous_is_a_viewer_whose_name_no_account_can_take():
    from service.accounts import AccountError, check_username

    assert ANONYMOUS.role == VIEWER
    with pytest.raises(AccountError):
        check_username(ANONYMOUS.username)
