"""The four statuses of a project, their colours and icons, and why a handed-over project is done.

At the bottom of the domain package: the rules (``housing.rules``) and the status engine that applies them
(``housing.status``) both use these, so neither has to import the other both ways.
"""

from __future__ import annotations

import datetime as dt

DONE, ON_TRACK, AT_RISK, OVERDUE = "done", "on_track", "at_risk", "overdue"
STATUSES = (OVERDUE, AT_RISK, ON_TRACK, DONE)  # most urgent first
# Paul Tol's "vibrant" scheme: distinguishable with the common colour-vision deficiencies; red only
# for overdue. Every use also carries the status label, so colour is never the only cue.
STATUS_COLORS = {DONE: "#0077BB", ON_TRACK: "#009988", AT_RISK: "#EE7733", OVERDUE: "#CC3311"}
STATUS_ICONS = {DONE: "✔", ON_TRACK: "●", AT_RISK: "▲", OVERDUE: "■"}

Reason = tuple[str, dict]


def done_reason(deadline: dt.date | None, handed_over: dt.date) -> Reason:
    """Why a handed-over project is done: on time (days early), late (days late), or no deadline to judge."""
    if deadline is None:
        return ("reason_done", {"date": handed_over})
    late = (handed_over - deadline).days
    if late > 0:
        return ("reason_done_late", {"date": handed_over, "days": late})
    return ("reason_done_on_time", {"date": handed_over, "days": -late})
