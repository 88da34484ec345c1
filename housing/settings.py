"""Every setting of the product, declared once as data with its default (help texts: the catalogue's ``setting.*``).

Values come, in order of precedence, from the environment (``RESETTLE_<KEY>`` upper-cased), then
``.streamlit/secrets.toml`` (read by the app), then the default below.
"""

from __future__ import annotations

import functools
import logging
import math
import os
from dataclasses import dataclass

from housing.i18n import t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    """One configurable value with its default; its help text is the catalogue's ``setting.<key>``."""

    key: str
    default: float | int | str
    maximum: float | None = None  # the largest value an environment variable may give (None: no bound)

    def help(self, lang: str) -> str:
        """What the setting does, in ``lang``."""
        return t(f"setting.{self.key}", lang)


SETTINGS: tuple[Setting, ...] = (
    Setting("max_upload_mb", 20),
    Setting("max_unzipped_mb", 300),
    Setting("max_cells", 6_000_000),
    Setting("max_sheets", 50),
    Setting("max_rows", 200_000),
    Setting("max_columns", 1000),
    Setting("worker_memory_mb", 512),
    Setting("worker_cpu_s", 120),
    Setting("worker_wall_s", 120),
    Setting("annual_target_projects", 0),
    Setting("region_zh", "济南市"),
    Setting("region_en", "Jinan"),
    Setting("seed_sample", "portfolio"),
    Setting("timezone", "Asia/Shanghai"),
    Setting("max_text_chars", 1000),
    # accounts and sign-in
    Setting("signin_max_failures", 5),
    Setting("signin_lockout_minutes", 15),
    Setting("session_idle_minutes", 30),
    Setting("password_min_length", 10),
    Setting("anonymous_viewing", 0),
    Setting("remember_days", 7),  # "stay signed in on this device" for this many days; 0: not offered
    # supervision tasks: the 1-3-7 clock (working days after the day a task is raised; see housing.tasks)
    Setting("task_ack_days", 1, 365),  # a year at most: 10**8 days ran past the calendar (OverflowError)
    Setting("task_reply_days", 3, 365),
    Setting("task_done_days", 7, 365),
    Setting("task_calendar_days", 0),
    # notices to the group chat (service.notices)
    Setting("public_url", ""),
    Setting("notice_attempts", 4),
    Setting("notice_backoff_s", 2.0),
    # 12345 hotline targets, in percent (docs/DOMAIN.md: counties require ≥ 85 % satisfaction, ≥ 92 % reply)
    Setting("hotline_satisfaction_target", 85.0),
    Setting("hotline_reply_target", 92.0),
    # issue 12: what a reader sees at province scale
    Setting("chart_project_limit", 150),
    Setting("briefing_red_slides", 20),
    Setting("briefing_table_rows", 50),
)

_BY_KEY = {s.key: s for s in SETTINGS}


def from_environment(spec: Setting, raw: str) -> float | int | str | None:
    """An environment value as the setting's type, or ``None`` when it is not one: a number that does not
    parse (``abc``, ``1.5`` for a count), is not finite, is negative (every number setting is a count, a
    limit, a duration or a percentage) or is over the setting's ``maximum``."""
    if isinstance(spec.default, str):
        return raw
    try:
        value = type(spec.default)(raw.strip())
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0 or (spec.maximum is not None and value > spec.maximum):
        return None
    return value


def get_setting(key: str, overrides: dict | None = None):
    """Return a setting's value: an explicit override, then the environment, then the default. An environment
    value that is not one for the setting is logged (never its text: it may be anything) and the default used:
    a typo in a deployment's variables must not stop every page and command with a traceback."""
    spec = _BY_KEY[key]
    if overrides and key in overrides:
        return type(spec.default)(overrides[key])
    name = f"RESETTLE_{key.upper()}"
    raw = os.environ.get(name)
    if raw in (None, ""):
        return spec.default
    value = from_environment(spec, raw)
    if value is None:
        _warn_once(name)
        return spec.default
    return value


@functools.cache
def _warn_once(name: str) -> None:
    log.warning("%s is not a usable value for the setting; its default is used", name)


def resolved(overrides: dict | None = None) -> dict:
    """Every setting's value now, as explicit overrides (for a child process, whose environment is older)."""
    return {s.key: get_setting(s.key, overrides) for s in SETTINGS}
