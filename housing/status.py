"""Project status as of a date, with the reasons in words.

Statuses: ``done`` (handed over), ``overdue`` (the overdue rule fired: deadline passed, not handed over),
``at_risk`` (any other warning rule fired, yellow or red), ``on_track``. The rules and the engine that applies
them are in ``housing.rules``; ``classify`` here is that engine. Reasons are (key, params) pairs, a rule id
or a catalogue key, so every view and the CLI phrase them the same way in either language (``render``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from housing.fmt import fmt_count, fmt_date
from housing.i18n import t
from housing.rules import RULE_BY_ID, Evidence
from housing.rules import classify as judge
from housing.stages import stage_name
from housing.statuses import (  # noqa: F401  (re-exported: the statuses' long-standing home)
    AT_RISK,
    DONE,
    ON_TRACK,
    OVERDUE,
    STATUS_COLORS,
    STATUS_ICONS,
    STATUSES,
    Reason,
    done_reason,
)

# Counts shown with their noun in the reader's language and plural form (the catalogue's ``count.days``: the
# Chinese templates carry 天 and 个百分点 themselves).
_COUNTS = {"days": "count.days", "points": "count.points"}


def _shown(name: str, value, lang: str):
    """One param as a message shows it: dates by language, stage ids by name, counts with their noun.

    Remembered by name, type and value: a register's 35,000 distinct reasons quote a few thousand dates and day
    counts, each otherwise formatted again through Babel."""
    try:
        return _shown_remembered(name, (type(value), value), lang)
    except TypeError:  # a value that cannot be hashed: shown afresh
        return _shown_afresh(name, value, lang)


@lru_cache(maxsize=65_536)
def _shown_remembered(name: str, typed: tuple, lang: str):
    # ``typed`` is (type, value): the type keeps 1, 1.0 and True (equal, hashed alike) apart
    return _shown_afresh(name, typed[1], lang)


def _shown_afresh(name: str, value, lang: str):
    if isinstance(value, dt.date):
        return fmt_date(value, lang)
    if name == "stage_id":
        return stage_name(value, lang) if value else t("rule_stage_unknown", lang)
    if isinstance(value, float):
        value = f"{value:g}"
    if name in _COUNTS:
        return fmt_count(value, _COUNTS[name], lang)
    return value


def _sentence(key: str, params: Mapping, lang: str) -> str:
    """A reason's sentence from its key and params (``render`` without the memory)."""
    shown = {k: _shown(k, v, lang) for k, v in params.items()}
    rule = RULE_BY_ID.get(key)
    return rule.reason(lang, **shown) if rule else t(key, lang, **shown)


@lru_cache(maxsize=65_536)
def _remembered(key: str, typed: tuple, lang: str) -> str:
    # ``typed`` holds (name, type, value) triples, so 1, 1.0 and True (equal, hashed alike) stay apart
    return _sentence(key, {name: value for name, _, value in typed}, lang)


def render(reason: Reason, lang: str) -> str:
    """One reason as a sentence in ``lang``: a rule's message (``housing.rules``) or a catalogue text.

    Remembered by key, params and language: a register's reasons repeat (the same deadlines, day counts and
    stages), and a risk list of thousands of projects would otherwise format each date and count again.
    """
    key, params = reason
    typed = tuple((name, type(value), value) for name, value in params.items())
    try:
        return _remembered(key, typed, lang)
    except TypeError:  # a param that cannot be hashed: phrase it afresh
        return _sentence(key, params, lang)


def classify(
    projects: pd.DataFrame, as_of: dt.date, thresholds: Mapping | None = None, evidence: Evidence | None = None
) -> pd.DataFrame:
    """The projects with ``status``, ``level``, ``reasons`` and ``days_to_deadline`` added (``housing.rules``)."""
    return judge(projects, as_of, thresholds, evidence)


def urgent_first(classified: pd.DataFrame) -> pd.DataFrame:
    """Overdue (longest late first), then at risk: red before yellow, each soonest deadline first."""
    flagged = classified[classified["status"].isin([OVERDUE, AT_RISK])].copy()
    red = flagged["level"].eq("red").fillna(False).to_numpy(bool) if "level" in flagged else False
    flagged["_rank"] = np.where(flagged["status"] == OVERDUE, 0, np.where(red, 1, 2))
    return flagged.sort_values(["_rank", "days_to_deadline", "households"], ascending=[True, True, False]).drop(
        columns="_rank"
    )
