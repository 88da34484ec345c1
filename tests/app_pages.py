"""Opening a page of the app in AppTest the way a user arrives: through the entrypoint, with URL parameters,
signed in (an administrator unless told otherwise)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from service.roles import ADMIN, Actor

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def account_for(actor: Actor) -> None:
    """Make sure the app's database (``DATABASE_URL``) has an account for ``actor``, with its role and districts
    and no password to change: the app reads the signed-in account again on every run. Written straight into
    the table (test set-up, not an account change anyone made), so it leaves no row in the audit trail."""
    import datetime as dt

    from sqlalchemy import delete, insert

    from service.accounts import normal_username
    from store.db import open_database, writing
    from store.schema import accounts

    name = normal_username(actor.username)
    row = {"username": name, "display_name": actor.username, "role": actor.role, "districts": list(actor.districts)}
    with writing(open_database()) as conn:
        conn.execute(delete(accounts).where(accounts.c.username == name))
        conn.execute(insert(accounts).values(**row, created_at=dt.datetime.now(dt.UTC), created_by="test set-up"))


def signed_in(at: AppTest, role: str = ADMIN, actor: Actor | None = None) -> AppTest:
    """Put a signed-in account in ``at``'s session (``actor``, else one named after ``role``)."""
    actor = actor or Actor("admin" if role == ADMIN else role, role)
    account_for(actor)
    at.session_state["actor"] = actor
    return at


def open_page(page: str, actor: Actor | None = None, role: str = ADMIN, **params) -> AppTest:
    """Run ``app.py`` signed in as ``actor`` (default: an account named after ``role``, an administrator) with
    ``params`` in the URL (``as_of`` 2026-11-21 unless given), then switch to ``page``.

    Asserts the run raised nothing, so every page test checks that much.
    """
    at = signed_in(AppTest.from_file(APP, default_timeout=90), role, actor)
    at.query_params.update({"as_of": "2026-11-21", **params})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def assert_unreachable(page: str, actor: Actor | None, **params) -> AppTest:
    """``page`` is not there for ``actor`` (``None``: nobody signed in, who sees only the sign-in form): the
    navigation does not register it, so switching to it fails. Returns the app as it stands."""
    import pytest

    at = AppTest.from_file(APP, default_timeout=90)
    if actor is not None:
        signed_in(at, actor.role, actor)
    at.query_params.update({"as_of": "2026-11-21", **params})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)
    return at


def html_table(at: AppTest, css_class: str = "bf-table", block: str | None = None):
    """The first HTML table of class ``css_class`` a page drew (``ui.blocks.html_table``: the overview's risk
    list, or with ``block`` the table of that block, e.g. ``districts``) as a data frame of the texts shown,
    headed as on the page."""
    bodies = (h.proto.body for h in at.get("html") if f'class="{css_class}"' in h.proto.body)
    return table_texts(next(b for b in bodies if block is None or f'data-block="{block}"' in b))


def table_texts(body: str):
    """The first HTML table in ``body`` as a data frame of the texts a reader sees (tags dropped, entities
    resolved), headed as on the page."""
    import html
    import re

    import pandas as pd

    def texts(row: str, tag: str) -> list[str]:
        cells = re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", row, flags=re.S)
        return [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in cells]

    rows = re.findall(r"<tr>(.*?)</tr>", body.split("</table>")[0], flags=re.S)
    return pd.DataFrame([texts(r, "td") for r in rows[1:]], columns=texts(rows[0], "th"))
