"""Project status as of a date, with the reasons in words.

Statuses: ``done`` (handed over), ``overdue`` (deadline passed, not handed over), ``at_risk`` (not
handed over and the deadline within ``due_soon_days``), ``on_track``. Reasons are (catalogue key,
params) pairs so every view and the CLI phrase them the same way in either language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from housing.fmt import as_date, fmt_date
from housing.i18n import t

DONE, ON_TRACK, AT_RISK, OVERDUE = "done", "on_track", "at_risk", "overdue"
STATUSES = (OVERDUE, AT_RISK, ON_TRACK, DONE)  # most urgent first
# Paul Tol's "vibrant" scheme: distinguishable with the common colour-vision deficiencies; red only
# for overdue. Every use also carries the status label, so colour is never the only cue.
STATUS_COLORS = {DONE: "#0077BB", ON_TRACK: "#009988", AT_RISK: "#EE7733", OVERDUE: "#CC3311"}
STATUS_ICONS = {DONE: "✔", ON_TRACK: "●", AT_RISK: "▲", OVERDUE: "■"}

Reason = tuple[str, dict]


@dataclass(frozen=True)
class Assessment:
    """A project's status on a date and why."""

    status: str
    reasons: tuple[Reason, ...]
    days_to_deadline: int | None


def assess(deadline, handed_over, stage, as_of: dt.date, due_soon_days: int = 30) -> Assessment:
    """The status of one project on ``as_of``: a handover on or before that date counts as done."""
    deadline, handed_over = as_date(deadline), as_date(handed_over)
    days = (deadline - as_of).days if deadline else None
    if handed_over and handed_over <= as_of:
        return Assessment(DONE, (_done_reason(deadline, handed_over),), days)
    stage_reason = (("reason_stage", {"stage": stage}),) if isinstance(stage, str) and stage else ()
    if deadline is None:
        return Assessment(ON_TRACK, (("reason_no_deadline", {}),), None)
    if days < 0:
        return Assessment(OVERDUE, (("reason_overdue", {"deadline": deadline, "days": -days}),) + stage_reason, days)
    if days <= due_soon_days:
        return Assessment(AT_RISK, (("reason_due_soon", {"deadline": deadline, "days": days}),) + stage_reason, days)
    return Assessment(ON_TRACK, (("reason_on_track", {"deadline": deadline, "days": days}),), days)


def _done_reason(deadline: dt.date | None, handed_over: dt.date) -> Reason:
    if deadline is None:
        return ("reason_done", {"date": handed_over})
    late = (handed_over - deadline).days
    if late > 0:
        return ("reason_done_late", {"date": handed_over, "days": late})
    return ("reason_done_on_time", {"date": handed_over, "days": -late})


def _shown(name: str, value, lang: str):
    if isinstance(value, dt.date):
        return fmt_date(value, lang)
    if name == "days" and lang == "en":  # the Chinese templates carry 天 themselves
        return f"{value} day" if value == 1 else f"{value} days"
    return value


def render(reason: Reason, lang: str) -> str:
    """One reason as a sentence in ``lang``; dates and day counts formatted for that language."""
    key, params = reason
    return t(key, lang, **{k: _shown(k, v, lang) for k, v in params.items()})


def classify(projects: pd.DataFrame, as_of: dt.date, due_soon_days: int = 30) -> pd.DataFrame:
    """The projects with ``status``, ``reasons`` and ``days_to_deadline`` columns added."""
    out = projects.copy()
    found = [
        assess(d, h, s, as_of, due_soon_days)
        for d, h, s in zip(out["deadline"], out["handed_over"], out["stage"], strict=True)
    ]
    out["status"] = pd.array([a.status for a in found], dtype="string")
    out["reasons"] = pd.Series([a.reasons for a in found], index=out.index, dtype=object)
    out["days_to_deadline"] = pd.array([a.days_to_deadline for a in found], dtype="Int64")
    return out


def urgent_first(classified: pd.DataFrame) -> pd.DataFrame:
    """Overdue (longest late first), then at risk (soonest deadline first)."""
    flagged = classified[classified["status"].isin([OVERDUE, AT_RISK])].copy()
    flagged["_rank"] = flagged["status"].map({OVERDUE: 0, AT_RISK: 1})
    return flagged.sort_values(["_rank", "days_to_deadline", "households"], ascending=[True, True, False]).drop(
        columns="_rank"
    )
