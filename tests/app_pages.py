"""Opening a page of the app in AppTest the way a user arrives: through the entrypoint, with URL parameters."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_page(page: str, **params) -> AppTest:
    """Run ``app.py`` with ``params`` in the URL (``as_of`` 2026-11-21 unless given), then switch to ``page``.

    Asserts the run raised nothing, so every page test checks that much.
    """
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"as_of": "2026-11-21", **params})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
