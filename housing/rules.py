"""The at-risk rules, declared as data, and the one engine the app, the summary and the CLI judge projects with.

Each rule has an id, the most severe level it raises (``red`` or ``yellow``) and its thresholds (name, default,
unit); its message and help texts are the catalogue's (``rule.<id>.reason``, ``rule.<id>.help``,
``rule.<id>.<threshold>.help`` in ``housing/locales``), and the message's ``{placeholders}`` are filled from the
params a firing gives (``housing.status.render`` formats dates and counts for the reader's language).

- ``overdue`` (red): the deadline has passed and the project is not handed over.
- ``behind_schedule`` (序时进度): start and deadline known, and progress or the stage known. expected = the
  elapsed share of start → deadline (0–100); actual = ``progress``, else ``STAGE_PERCENT`` of the stage;
  behind = expected − actual. 10 ≤ behind ≤ 30 points: yellow; behind > 30: red.
- ``stage_late``: a stage's planned date (stage dates) has passed, it has no actual date on or before the
  as-of date, and the project's current stage is not at or past it (``is_at_or_past``). One firing per late
  stage; 1–14 days late: yellow; 15 or more: red. A late handover stage on an overdue project is left to
  ``overdue`` (the same fact, said once).
- ``due_soon``: 0–30 days to the deadline and the current stage before 联合验收 (``DUE_SOON_GATE``): red;
  stage unknown: yellow (we cannot tell, but it is due soon); at or past the gate: nothing.
- ``slip`` (yellow): the deadline is at least 1 day later than in the previous published version.
- ``stale`` (yellow): the project's row unchanged for more than 4 weeks (28 days).

The milestone source (a contractor's rule, docs/DOMAIN.md) has up to 7 days late yellow, 7–15 orange and 15 or more
red; there is no orange here, so 8–14 days stay yellow: ``red_days`` is the first red day.

Projects handed over on or before the as-of date fire nothing. Projects are matched across the project table,
the stage dates, the previous version and the "unchanged since" series by ``housing.changes.project_key``
(district + name, normalised). Stage dates name a project by district + name only, so where two projects share
both, the stage dates go to the first of them.

``evaluate`` gives the firings in long form (one row per fired rule); ``classify`` adds ``status``, ``level``,
``reasons`` and ``days_to_deadline`` to the project table. Everything runs column by column: 100,000 projects
with 500,000 stage dates take about two seconds (``bench/bench_rules.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from housing.changes import KEY_SEP, project_key
from housing.i18n import t, template
from housing.stages import STAGE_IDS, is_at_or_past
from housing.statuses import AT_RISK, DONE, ON_TRACK, OVERDUE, Reason, done_reason

RED, YELLOW = "red", "yellow"

# The share of the work (percent) usually done when a project reports this stage as reached, for the
# behind-schedule rule when no progress figure is given. A rough estimate, monotone along the stages.
STAGE_PERCENT: dict[str, float] = {
    "approval": 0,
    "land": 3,
    "planning": 6,
    "permit": 10,
    "start": 15,
    "structure": 35,
    "topped_out": 60,
    "supporting": 75,
    "meters": 85,
    "acceptance": 90,
    "ready": 95,
    "allocation": 98,
    "handover": 100,
}
DUE_SOON_GATE = "acceptance"  # due soon matters only for a project not yet at 联合验收
DUE_SOON_DAYS = 30  # the due-soon rule's default window, in days (help texts quote the one in force)


@dataclass(frozen=True)
class Threshold:
    """One adjustable figure of a rule, with its default and unit (``days``, ``points``, ``weeks``); its help text
    is the catalogue's ``rule.<rule id>.<name>.help``."""

    name: str
    default: float
    unit: str
    minimum: float = 0
    maximum: float = 3650

    @property
    def whole(self) -> bool:
        """Whether the figure counts whole units (days, weeks) rather than points."""
        return isinstance(self.default, int)


@dataclass(frozen=True)
class Rule:
    """One warning rule: id, the most severe level it raises and its thresholds.

    Its texts are the catalogue's (``housing/locales``): ``rule.<id>.reason`` (the message, filled from the
    params a firing gives), ``rule.<id>.help`` (what it checks) and each threshold's help.
    ``ordered`` names pairs of thresholds (lower, upper) where the upper one must be greater.
    """

    id: str
    level: str
    thresholds: tuple[Threshold, ...] = ()
    ordered: tuple[tuple[str, str], ...] = ()
    variants: tuple[str, ...] = ()  # other wordings of the message: ``rule.<id>.reason_<variant>`` (see ``reason``)

    def template(self, lang: str) -> str:
        """The message template in ``lang`` (Chinese for anything but ``en``), its ``{placeholders}`` unfilled."""
        return template(f"rule.{self.id}.reason", lang)

    def reason(self, lang: str, **params) -> str:
        """The message in ``lang`` with the params of a firing (as shown: see ``housing.status.render``). A
        firing whose params name a ``variant`` is told with ``rule.<id>.reason_<variant>`` instead."""
        variant = params.get("variant")
        return t(f"rule.{self.id}.reason" + (f"_{variant}" if variant else ""), lang, **params)

    def help(self, lang: str) -> str:
        """What the rule checks, in ``lang``."""
        return t(f"rule.{self.id}.help", lang)

    def threshold_help(self, threshold: Threshold, lang: str) -> str:
        """What one of the rule's thresholds means, in ``lang``."""
        return t(f"rule.{self.id}.{threshold.name}.help", lang)


RULES: tuple[Rule, ...] = (
    Rule("overdue", RED),
    Rule(
        "behind_schedule",
        RED,
        (Threshold("yellow_points", 10.0, "points", maximum=100), Threshold("red_points", 30.0, "points", maximum=100)),
        (("yellow_points", "red_points"),),
    ),
    Rule(
        "stage_late",
        RED,
        (Threshold("yellow_days", 1, "days", minimum=1), Threshold("red_days", 15, "days", minimum=1)),
        (("yellow_days", "red_days"),),
    ),
    Rule("due_soon", RED, (Threshold("days", DUE_SOON_DAYS, "days"),)),
    Rule("slip", YELLOW, (Threshold("days", 1, "days", minimum=1),)),
    Rule("stale", YELLOW, (Threshold("weeks", 4, "weeks", minimum=1, maximum=520),)),
    # hotline surge: the project's calls_7d / calls_4w_avg columns (``housing.hotline.with_hotline``)
    Rule(
        "hotline_surge",
        YELLOW,
        (Threshold("calls", 5, "calls", minimum=1, maximum=100_000), Threshold("ratio", 2.0, "times", 1.0, 100.0)),
        variants=("quiet",),  # no call in the 4 weeks before
    ),
)
RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
LEVELS = (RED, YELLOW)  # most severe first: a level's code in ``evaluate`` is its position here


@dataclass(frozen=True)
class Evidence:
    """What the rules may use beyond the project table; every part optional (its rules then stay silent).

    ``stage_dates``: the loader's stage-date table (name, district, stage_id, planned, actual; see
    ``loaders.table.STAGE_DATE_COLUMNS``). ``previous``: the previous published version's project table.
    ``unchanged_since``: index ``project_key``, value the Timestamp the project's row last changed.
    """

    stage_dates: pd.DataFrame | None = None
    previous: pd.DataFrame | None = None
    unchanged_since: pd.Series | None = None


# --- thresholds --------------------------------------------------------------------------------------------


def default_thresholds() -> dict[str, dict[str, float]]:
    """Every rule's thresholds at their defaults: ``{rule id: {threshold name: value}}`` (a fresh copy)."""
    return {r.id: {th.name: th.default for th in r.thresholds} for r in RULES}


def _number(value, spec: Threshold) -> float | None:
    """A stored threshold value if it is usable: a finite number (or numeric text) in range, whole for days."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if not spec.minimum <= value <= spec.maximum:
        return None
    if spec.whole:
        return int(value) if float(value).is_integer() else None
    return float(value)


def effective_thresholds(stored: Mapping | None) -> dict[str, dict[str, float]]:
    """The stored thresholds merged over the defaults; never raises.

    Unknown rules and names, non-numbers, values out of range and fractional day counts are ignored; when a
    rule's merged values break its order (red must exceed yellow), that rule keeps its defaults.
    """
    out = default_thresholds()
    if not isinstance(stored, Mapping):
        return out
    for rule in RULES:
        given = stored.get(rule.id)
        if not isinstance(given, Mapping):
            continue
        merged = dict(out[rule.id])
        for spec in rule.thresholds:
            value = _number(given.get(spec.name), spec)
            if value is not None:
                merged[spec.name] = value
        if all(merged[high] > merged[low] for low, high in rule.ordered):
            out[rule.id] = merged
    return out


def in_force(thresholds: Mapping | None, rule_id: str, name: str) -> float:
    """One threshold as the rules apply it: the stored value if usable, else its default."""
    return effective_thresholds(thresholds)[rule_id][name]


def at_risk_help(thresholds: Mapping | None, lang: str) -> str:
    """The at-risk headline's help, quoting the thresholds in force (after an admin changed them, the new ones)."""
    days, points = in_force(thresholds, "due_soon", "days"), in_force(thresholds, "behind_schedule", "yellow_points")
    return t("kpi_at_risk_help", lang, days=f"{days:g}", points=f"{points:g}")


# --- the facts the rules read, as arrays ---------------------------------------------------------------------

_UNKNOWN = len(STAGE_IDS)  # the stage index of a project whose stage is not known
_STAGE_INDEX = pd.Index(STAGE_IDS)
# _REACHED[here, there]: a project at stage ``here`` has reached ``there`` (the last row: stage unknown).
_REACHED = np.array([[is_at_or_past(a, b) for b in STAGE_IDS] for a in (*STAGE_IDS, None)], dtype=bool)
_HANDOVER = len(STAGE_IDS) - 1  # the last stage: handing the homes over
_PERCENT = np.array([float(STAGE_PERCENT[s]) for s in STAGE_IDS] + [np.nan])


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or an all-missing one when the frame lacks it."""
    return frame[name] if name in frame else pd.Series(pd.NA, index=frame.index, dtype="object")


def _day_numbers(values) -> np.ndarray:
    """Dates as days since 1970-01-01 (float, NaN when missing); text, Timestamps and zoned times (their local
    day) are read too."""
    series = pd.to_datetime(pd.Series(values), errors="coerce")
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    days = series.to_numpy("datetime64[ns]").astype("datetime64[D]")
    out = days.astype("int64").astype("float64")
    out[np.isnat(days)] = np.nan
    return out


def _dates(days: np.ndarray) -> list:
    """Day numbers back to ``datetime.date`` objects (``None`` where missing)."""
    missing = np.isnan(days)
    out = np.where(missing, 0, days).astype("int64").astype("datetime64[D]")
    out[missing] = np.datetime64("NaT")
    return out.tolist()


def _stage_numbers(values) -> np.ndarray:
    """Stage ids as positions in ``STAGE_IDS`` (``_UNKNOWN`` for missing or unknown ids)."""
    codes = _STAGE_INDEX.get_indexer(pd.Index(values)).astype("int64")
    return np.where(codes < 0, _UNKNOWN, codes)


def _base_keys(keys: pd.Series) -> np.ndarray:
    """``project_key`` without the occurrence number a repeated district + name gets."""
    return np.array([KEY_SEP.join(k.split(KEY_SEP, 2)[:2]) for k in keys.to_numpy(object)], dtype=object)


class _Facts:
    """The project table's columns as arrays of day numbers, floats and stage positions."""

    def __init__(self, projects: pd.DataFrame, as_of) -> None:
        self.projects = projects
        self.n = len(projects)
        self.today = float(_day_numbers([as_of])[0])
        self.deadline = _day_numbers(_column(projects, "deadline"))
        self.handed_over = _day_numbers(_column(projects, "handed_over"))
        self.start = _day_numbers(_column(projects, "start"))
        self.progress = pd.to_numeric(_column(projects, "progress"), errors="coerce").to_numpy(
            "float64", na_value=np.nan
        )
        self.stage = _stage_numbers(_column(projects, "stage_id"))
        self.done = self.handed_over <= self.today  # False where missing (NaN)
        self.open = ~self.done
        self.days_left = self.deadline - self.today
        self._keys: np.ndarray | None = None

    @property
    def keys(self) -> np.ndarray:
        """Each project's ``project_key`` (object array), computed once and only when a rule needs it."""
        if self._keys is None:
            self._keys = project_key(self.projects).to_numpy(object)
        return self._keys

    def positions(self, keys) -> np.ndarray:
        """The position of the project with each key (−1 where none has it)."""
        return pd.Index(self.keys).get_indexer(pd.Index(keys, dtype=object))


@dataclass(frozen=True)
class _Fired:
    """One rule's firings: project positions, whether each is red (else yellow), params, an order within the
    rule (the stage, for stage_late)."""

    positions: np.ndarray
    red: np.ndarray
    params: list[dict]
    order: np.ndarray | None = None


# --- the rules -----------------------------------------------------------------------------------------------


def _overdue(f: _Facts, th: dict, evidence: Evidence) -> _Fired:
    """Deadline passed, not handed over."""
    (where,) = np.nonzero(f.open & (f.days_left < 0))
    late = (-f.days_left[where]).astype("int64").tolist()
    params = [{"deadline": d, "days": n} for d, n in zip(_dates(f.deadline[where]), late, strict=True)]
    return _Fired(where, np.ones(len(where), dtype=bool), params)


def _behind_schedule(f: _Facts, th: dict, evidence: Evidence) -> _Fired:
    """Progress (or the stage's usual share) behind the elapsed share of start → deadline."""
    span = f.deadline - f.start
    actual = np.where(np.isnan(f.progress), _PERCENT[f.stage], f.progress)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.clip((f.today - f.start) / span * 100, 0, 100)
        behind = np.round(expected - actual, 6)  # 50 − 40 is 10 exactly, not 9.999…
        fired = f.open & (span > 0) & ~np.isnan(actual) & (behind >= th["yellow_points"])
    (where,) = np.nonzero(fired)
    basis = np.where(np.isnan(f.progress[where]), "stage", "progress").tolist()
    params = [
        {"expected": e, "actual": a, "points": p, "basis": b}
        for e, a, p, b in zip(
            np.round(expected[where], 1).tolist(),
            np.round(actual[where], 1).tolist(),
            np.round(behind[where], 1).tolist(),
            basis,
            strict=True,
        )
    ]
    return _Fired(where, behind[where] > th["red_points"], params)


def _stage_late(f: _Facts, th: dict, evidence: Evidence) -> _Fired | None:
    """A stage's planned date passed without it being done (actual date, or the current stage at or past it)."""
    dates = evidence.stage_dates
    if dates is None or dates.empty or f.n == 0:
        return None
    groups = dates.groupby([_column(dates, "district"), _column(dates, "name")], dropna=False, sort=False)
    code = groups.ngroup().to_numpy("int64")
    firsts = groups.head(1)  # one row per district + name, in group order
    pair_position = f.positions(_base_keys(project_key(firsts)))
    position = pair_position[code]
    stage = _stage_numbers(_column(dates, "stage_id"))
    planned = _day_numbers(_column(dates, "planned"))
    actual = _day_numbers(_column(dates, "actual"))
    late = f.today - planned
    known = (position >= 0) & (stage != _UNKNOWN)
    safe = np.where(known, position, 0)
    fired = (
        known
        & f.open[safe]
        & (late >= th["yellow_days"])  # False where planned is missing
        & ~(actual <= f.today)  # an actual date after the as-of date had not happened yet
        & ~_REACHED[f.stage[safe], np.where(known, stage, 0)]
        # a late handover stage on an overdue project says what ``overdue`` already says
        & ~((stage == _HANDOVER) & (f.days_left[safe] < 0))
    )
    (where,) = np.nonzero(fired)
    # one firing per project and stage, even when the sheet repeats a row
    _, first = np.unique(position[where] * (_UNKNOWN + 1) + stage[where], return_index=True)
    where = where[np.sort(first)]
    days = late[where].astype("int64")
    params = [
        {"stage_id": s, "planned": p, "days": d}
        for s, p, d in zip([STAGE_IDS[i] for i in stage[where]], _dates(planned[where]), days.tolist(), strict=True)
    ]
    return _Fired(position[where], days >= th["red_days"], params, order=stage[where])


def _due_soon(f: _Facts, th: dict, evidence: Evidence) -> _Fired:
    """Deadline within the window and the stage before joint acceptance (red), or unknown (yellow)."""
    gate = STAGE_IDS.index(DUE_SOON_GATE)
    unknown = f.stage == _UNKNOWN
    before = ~_REACHED[f.stage, gate]  # unknown counts as not reached here
    fired = f.open & (f.days_left >= 0) & (f.days_left <= th["days"]) & before
    (where,) = np.nonzero(fired)
    stage = [None if i == _UNKNOWN else STAGE_IDS[i] for i in f.stage[where]]
    params = [
        {"deadline": d, "days": n, "stage_id": s}
        for d, n, s in zip(_dates(f.deadline[where]), f.days_left[where].astype("int64").tolist(), stage, strict=True)
    ]
    return _Fired(where, ~unknown[where], params)


def _slip(f: _Facts, th: dict, evidence: Evidence) -> _Fired | None:
    """Deadline later than in the previous published version."""
    previous = evidence.previous
    if previous is None or previous.empty or f.n == 0:
        return None
    found = pd.Index(project_key(previous).to_numpy(object)).get_indexer(pd.Index(f.keys, dtype=object))
    old = np.where(found >= 0, _day_numbers(_column(previous, "deadline"))[np.maximum(found, 0)], np.nan)
    slip = f.deadline - old
    (where,) = np.nonzero(f.open & (slip >= th["days"]))
    params = [
        {"old": o, "new": n, "days": d}
        for o, n, d in zip(
            _dates(old[where]), _dates(f.deadline[where]), slip[where].astype("int64").tolist(), strict=True
        )
    ]
    return _Fired(where, np.zeros(len(where), dtype=bool), params)


def _stale(f: _Facts, th: dict, evidence: Evidence) -> _Fired | None:
    """The project's row unchanged for more than the threshold's weeks."""
    since = evidence.unchanged_since
    if since is None or since.empty or f.n == 0:
        return None
    since = since[~since.index.duplicated(keep="last")]
    found = pd.Index(since.index.astype(object)).get_indexer(pd.Index(f.keys, dtype=object))
    day = np.where(found >= 0, _day_numbers(since.reset_index(drop=True))[np.maximum(found, 0)], np.nan)
    quiet = f.today - day
    (where,) = np.nonzero(f.open & (quiet > th["weeks"] * 7))
    params = [
        {"since": s, "days": d} for s, d in zip(_dates(day[where]), quiet[where].astype("int64").tolist(), strict=True)
    ]
    return _Fired(where, np.zeros(len(where), dtype=bool), params)


def _hotline_surge(f: _Facts, th: dict, evidence: Evidence) -> _Fired | None:
    """Residents call far more than usual: at least ``calls`` 12345 calls in the last 7 days and at least
    ``ratio`` times the weekly average of the 4 weeks before. Reads the project table's ``calls_7d`` and
    ``calls_4w_avg`` (``housing.hotline.with_hotline``); a table without them (no hotline data) fires nothing.
    A project with no call in the 4 weeks before has no ratio to quote: the count alone decides, and its message
    says so (``rule.hotline_surge.reason_quiet``)."""
    if "calls_7d" not in f.projects or "calls_4w_avg" not in f.projects or f.n == 0:
        return None
    recent = pd.to_numeric(f.projects["calls_7d"], errors="coerce").to_numpy("float64", na_value=np.nan)
    average = pd.to_numeric(f.projects["calls_4w_avg"], errors="coerce").to_numpy("float64", na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(average > 0, recent / average, np.inf)
        fired = f.open & (recent >= th["calls"]) & (np.round(ratio, 6) >= th["ratio"]) & ~np.isnan(average)
    (where,) = np.nonzero(fired)
    params = [
        {"calls": int(c), "average": f"{a:.1f}", "ratio": f"{r:.1f}"}
        if math.isfinite(r)
        else {"calls": int(c), "variant": "quiet"}  # no call in the 4 weeks before: no ratio to quote
        for c, a, r in zip(recent[where].tolist(), average[where].tolist(), ratio[where].tolist(), strict=True)
    ]
    return _Fired(where, np.zeros(len(where), dtype=bool), params)


_CHECKS = {  # the test of each rule in RULES
    "overdue": _overdue,
    "behind_schedule": _behind_schedule,
    "stage_late": _stage_late,
    "due_soon": _due_soon,
    "slip": _slip,
    "stale": _stale,
    "hotline_surge": _hotline_surge,
}


# --- the engine ----------------------------------------------------------------------------------------------


def _evaluate(f: _Facts, thresholds, evidence: Evidence | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """``evaluate`` on prepared facts, as arrays in its order: positions, rule codes, level codes, params."""
    limits = effective_thresholds(thresholds)
    evidence = evidence or Evidence()
    checked = [(i, _CHECKS[rule.id](f, limits[rule.id], evidence)) for i, rule in enumerate(RULES)]
    parts = [(i, fired) for i, fired in checked if fired is not None and len(fired.positions)]
    if not parts:
        return np.zeros(0, "int64"), np.zeros(0, "int8"), np.zeros(0, "int8"), []
    position = np.concatenate([fired.positions for _, fired in parts]).astype("int64")
    rule = np.concatenate([np.full(len(fired.positions), i, dtype="int8") for i, fired in parts])
    level = np.where(np.concatenate([fired.red for _, fired in parts]), 0, 1).astype("int8")
    within = np.concatenate(
        [fired.order if fired.order is not None else np.zeros(len(fired.positions), "int64") for _, fired in parts]
    )
    params = [p for _, fired in parts for p in fired.params]
    order = np.lexsort((within, rule, level, position))  # by project, then most severe first
    return position[order], rule[order], level[order], [params[i] for i in order.tolist()]


def evaluate(
    projects: pd.DataFrame, as_of, thresholds: Mapping | None = None, evidence: Evidence | None = None
) -> pd.DataFrame:
    """Every rule that fires for the projects as of ``as_of``, in long form.

    One row per firing: ``position`` (the project's row position in ``projects``, as for ``iloc``), ``rule``
    (its id; categorical in ``RULES`` order), ``level`` (``red``/``yellow``; categorical, red first) and
    ``params`` (a dict for the rule's message). Rows are by position, most severe first within a project
    (red, then the order of ``RULES``, then stage order).
    ``thresholds`` are merged over the defaults (see ``effective_thresholds``). Projects handed over on or
    before ``as_of`` fire nothing.
    """
    position, rule, level, params = _evaluate(_Facts(projects, as_of), thresholds, evidence)
    column = np.empty(len(params), dtype=object)
    column[:] = params
    return pd.DataFrame(
        {
            "position": position,
            "rule": pd.Categorical.from_codes(rule, categories=pd.Index(RULE_IDS)),
            "level": pd.Categorical.from_codes(level, categories=pd.Index(LEVELS)),
            "params": column,
        }
    )


@dataclass(frozen=True)
class Judgement:
    """The projects judged (``judge``): ``frame`` is the table with ``status``, ``level`` and ``days_to_deadline``
    added; ``reasons`` spells out the reasons of any run of its rows, so two processes can share that part, the
    one pass per project (``classify`` adds them all)."""

    frame: pd.DataFrame
    facts: _Facts
    position: np.ndarray  # the firings, by project position (ascending), most severe first within a project
    rule: np.ndarray
    params: list

    def reasons(self, start: int = 0, stop: int | None = None) -> list[tuple[Reason, ...]]:
        """The reasons of rows ``start`` to ``stop`` (as for ``iloc``), one tuple per project (see ``classify``)."""
        f, stop = self.facts, self.facts.n if stop is None else stop
        first, last = np.searchsorted(self.position, [start, stop]).tolist()
        found: list[list[Reason]] = [[] for _ in range(stop - start)]
        for p, r, prm in zip(
            (self.position[first:last] - start).tolist(), self.rule[first:last].tolist(), self.params[first:last]
        ):
            found[p].append((RULE_IDS[r], prm))
        stages = _column(f.projects, "stage").iloc[start:stop].tolist()
        deadlines, handovers = _dates(f.deadline[start:stop]), _dates(f.handed_over[start:stop])
        days = [None if np.isnan(d) else int(d) for d in f.days_left[start:stop].tolist()]
        reasons: list[tuple[Reason, ...]] = []
        for i, done in enumerate(f.done[start:stop].tolist()):
            if done:
                reasons.append((done_reason(deadlines[i], handovers[i]),))
            elif found[i]:
                stage = stages[i]
                extra = (("reason_stage", {"stage": stage}),) if isinstance(stage, str) and stage else ()
                reasons.append(tuple(found[i]) + extra)
            elif days[i] is None:
                reasons.append((("reason_no_deadline", {}),))
            else:
                reasons.append((("reason_on_track", {"deadline": deadlines[i], "days": days[i]}),))
        return reasons


def judge(
    projects: pd.DataFrame, as_of, thresholds: Mapping | None = None, evidence: Evidence | None = None
) -> Judgement:
    """``classify`` but for the ``reasons`` column: the judgement, whose ``reasons`` gives them for any rows."""
    f = _Facts(projects, as_of)
    position, rule, level, params = _evaluate(f, thresholds, evidence)
    red = np.zeros(f.n, dtype=bool)
    red[position[level == 0]] = True
    flagged = np.zeros(f.n, dtype=bool)
    flagged[position] = True
    overdue = np.zeros(f.n, dtype=bool)
    overdue[position[rule == RULE_IDS.index("overdue")]] = True

    status = np.full(f.n, ON_TRACK, dtype=object)
    status[flagged] = AT_RISK
    status[overdue] = OVERDUE
    status[f.done] = DONE
    worst = np.full(f.n, None, dtype=object)
    worst[flagged] = YELLOW
    worst[red] = RED  # a red project is flagged too; red wins

    out = projects.copy()
    out["status"] = pd.array(status, dtype="string")
    out["level"] = pd.array(worst, dtype="string")
    out["days_to_deadline"] = pd.Series(f.days_left, index=out.index).astype("Int64")  # NaN (no deadline): missing
    return Judgement(out, f, position, rule, params)


def classify(
    projects: pd.DataFrame, as_of, thresholds: Mapping | None = None, evidence: Evidence | None = None
) -> pd.DataFrame:
    """The projects with ``status``, ``level``, ``reasons`` and ``days_to_deadline`` added.

    ``status``: ``done`` when handed over on or before ``as_of``; ``overdue`` when the overdue rule fired;
    ``at_risk`` when any other rule fired (either level); else ``on_track``. ``level``: the most severe level
    fired (``red``/``yellow``), missing when none. ``reasons``: every firing as (rule id, params), most
    severe first, then the current stage text for flagged projects; on-track projects get
    ``reason_on_track`` or ``reason_no_deadline`` and done projects their handover reason.
    """
    judgement = judge(projects, as_of, thresholds, evidence)
    out = judgement.frame
    reasons = pd.Series(judgement.reasons(), index=out.index, dtype=object)
    if "reasons" in out or "days_to_deadline" in projects:  # where it was, else at the end (a table judged again)
        out["reasons"] = reasons
    else:  # between level and days_to_deadline, judge's last column
        out.insert(len(out.columns) - 1, "reasons", reasons)
    return out
