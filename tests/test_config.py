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


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("max_upload_mb", "abc", 20),  # was: ValueError on every page and command
        ("max_upload_mb", "1e308", 20),
        ("max_upload_mb", "-1", 20),  # every upload refused as "over -1 MB"
        ("max_upload_mb", " 30 ", 30),
        ("notice_backoff_s", "nan", 2.0),
        ("notice_backoff_s", "inf", 2.0),
        ("notice_backoff_s", "0.5", 0.5),
        ("task_done_days", "7.5", 7),
        ("task_done_days", "１０", 10),  # full-width digits are digits
        ("task_done_days", "100000000", 7),  # past the calendar: OverflowError on the tasks page
        ("task_done_days", "365", 365),
        ("task_ack_days", "366", 1),
        ("timezone", "Mars/Base", "Mars/Base"),  # a text is kept; housing.clock.zone falls back (tested there)
    ],
)
def test_an_environment_value_that_is_not_one_gives_the_default(monkeypatch, key, raw, expected):
    monkeypatch.setenv(f"RESETTLE_{key.upper()}", raw)
    assert get_setting(key) == expected
