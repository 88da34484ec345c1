"""Opening a page of the app in AppTest the way a user arrives: through the entrypoint, with URL parameters."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from service.roles import ADMIN, Actor

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ADMIN_ACTOR = Actor("管理员甲", ADMIN, (), "127.0.0.1")  # who the pages act as unless a test says otherwise


def open_page(page: str, actor: Actor | None = ADMIN_ACTOR, **params) -> AppTest:
    """Run ``app.py`` as ``actor`` (signed in; ``None``: nobody) with ``params`` in the URL (``as_of``
    2026-11-21 unless given), then switch to ``page``.

    Asserts the run raised nothing, so every page test checks that much.
    """
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"as_of": "2026-11-21", **params})
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
