"""The served app's hardening lives in ``.streamlit/config.toml``: read it as Streamlit does and check it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from housing.settings import get_setting

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def config() -> dict:
    return tomllib.loads(CONFIG.read_text("utf-8"))


@pytest.mark.parametrize(
    ("section", "option", "expected"),
    [
        ("server", "enableXsrfProtection", True),  # uploads need the XSRF cookie's token
        ("server", "enableCORS", True),  # else Streamlit accepts WebSocket connections from any origin
        ("client", "showErrorDetails", "none"),  # no traceback ever reaches a user
        ("client", "toolbarMode", "minimal"),  # no developer chrome: the menu shows no developer options
        ("server", "fileWatcherType", "none"),  # no module walk on the event loop after every script run
    ],
)
def test_hardening_options(config, section, option, expected):
    assert config[section][option] == expected


def test_upload_limit_matches_the_loader(config, monkeypatch):
    # Streamlit refuses a larger file before the loader sees it; a smaller Streamlit limit would hide the
    # loader's own clear message, a larger one would let big files reach the server only to be refused.
    monkeypatch.delenv("RESETTLE_MAX_UPLOAD_MB", raising=False)
    assert config["server"]["maxUploadSize"] == get_setting("max_upload_mb")
