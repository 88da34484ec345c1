"""Today is the date in the configured time zone; a link carries ``as_of`` only when a user chose it."""

from __future__ import annotations

import datetime as dt

import pytest
from app_pages import APP, signed_in
from streamlit.testing.v1 import AppTest

from housing import clock
from loaders.cli import build_parser

EVENING_UTC = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)  # already 2 December in Beijing


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (EVENING_UTC, "Asia/Shanghai", dt.date(2026, 12, 2)),
        (EVENING_UTC, None, dt.date(2026, 12, 2)),  # the setting's default zone
        (EVENING_UTC, "UTC", dt.date(2026, 12, 1)),
        (dt.datetime(2026, 12, 1, 15, 59, tzinfo=dt.UTC), "Asia/Shanghai", dt.date(2026, 12, 1)),
        (dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC), "Asia/Shanghai", dt.date(2026, 12, 2)),  # Beijing midnight
        (dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC), "America/New_York", dt.date(2026, 12, 1)),
        (EVENING_UTC, "Mars/Olympus", dt.date(2026, 12, 2)),  # a typo in the setting: the default zone
    ],
)
def test_today_is_the_date_in_the_zone(now, tz, expected):
    assert clock.today(tz, now=now) == expected


@pytest.mark.parametrize(("setting", "expected"), [(None, dt.date(2026, 12, 2)), ("UTC", dt.date(2026, 12, 1))])
def test_today_follows_the_timezone_setting(monkeypatch, setting, expected):
    if setting:
        monkeypatch.setenv("RESETTLE_TIMEZONE", setting)
    monkeypatch.setattr(clock, "now_utc", lambda: EVENING_UTC)
    assert clock.today() == expected
    assert build_parser().parse_args(["summary", "x.xlsx"]).as_of == expected  # the CLI's default too


@pytest.fixture
def evening(monkeypatch):
    """The app's clock stopped at 2026-12-01 20:00 UTC; ``evening[0] = ...`` moves it."""
    now = [EVENING_UTC]
    monkeypatch.setattr(clock, "now_utc", lambda: now[0])
    return now


def run(**params) -> AppTest:
    at = signed_in(AppTest.from_file(APP, default_timeout=90))
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_link_without_a_date_opens_on_today_in_beijing_and_stays_without_one(evening):
    at = run(data="zhangqiu_2021")
    assert at.session_state["as_of"] == dt.date(2026, 12, 2)
    assert at.caption[0].value == "截至2026年12月2日"
    assert "as_of" not in at.query_params and at.query_params["data"] == "zhangqiu_2021"
    at.radio(key="lang").set_value("en").run()  # other choices go into the URL, the date still does not
    assert "as_of" not in at.query_params and at.query_params["lang"] == "en"
    evening[0] += dt.timedelta(days=1)  # the session stays open overnight: it moves on to the new today
    at.run()
    assert at.session_state["as_of"] == dt.date(2026, 12, 3) and "as_of" not in at.query_params


@pytest.mark.parametrize(
    ("params", "picked", "expected"),
    [
        ({}, dt.date(2026, 11, 21), "2026-11-21"),  # picked in the sidebar: now in the URL
        ({}, dt.date(2027, 1, 15), "2027-01-15"),  # a future date: a forecast
        ({"as_of": "2021-05-01"}, None, "2021-05-01"),  # a link with a date keeps it
        ({"as_of": "2021-05-01"}, dt.date(2021, 6, 1), "2021-06-01"),
    ],
)
def test_a_chosen_date_is_carried_in_the_url(evening, params, picked, expected):
    at = run(data="zhangqiu_2021", **params)
    if picked is not None:
        at.date_input(key="as_of").set_value(picked).run()
    assert at.query_params["as_of"] == expected
    evening[0] += dt.timedelta(days=1)
    at.run()  # a chosen date does not follow the clock
    assert at.session_state["as_of"].isoformat() == expected == at.query_params["as_of"]
