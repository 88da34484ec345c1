"""What changed since last week: the list the weekly meeting (周调度会) opens with.

Two classified project tables (an earlier version judged as of its own date, the current one as of the
view's date) give: projects that turned red or yellow, deadline slips, stages completed, households handed
over, projects added or removed, and the projects whose warning was lowered or lifted. Projects match by
``project_key``.

A lowered warning is judged by what changed, so a later deadline never passes for a recovery: ``recovered``
needs progress (the stage advanced, the progress figure rose, or the project was handed over); without
progress, a deadline moved later makes it ``eased`` (shown with the days moved); anything else (a warning
that aged out, a corrected row) is ``cleared`` and listed on its own, so no lowered warning goes unshown.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from housing.changes import DEADLINE_SLIP, Changes, diff_projects, project_key
from housing.fmt import fmt_date, fmt_int
from housing.i18n import status_label, t
from housing.stages import stage_index, stage_name
from housing.status import DONE, STATUS_ICONS, render

RED, YELLOW = "red", "yellow"
LEVEL_RANK = {RED: 2, YELLOW: 1}
PROGRESS_STEP = 0.05  # a progress figure must rise by more than this (percent points) to count as progress


@dataclass(frozen=True, eq=False)
class Weekly:
    """The week's changes, each a frame of projects with the figures that matter for it."""

    turned_red: pd.DataFrame
    turned_yellow: pd.DataFrame
    recovered: pd.DataFrame  # warning lowered or lifted, and the project progressed or was handed over
    eased: pd.DataFrame  # warning lowered or lifted only as the deadline moved later (``deadline_days``)
    cleared: pd.DataFrame  # warning lowered or lifted with neither progress nor a later deadline
    slips: pd.DataFrame
    stages_completed: pd.DataFrame
    handed_over: pd.DataFrame
    changes: Changes

    @property
    def handed_over_households(self) -> int:
        """Households whose project was handed over between the two versions."""
        return int(self.handed_over["households"].fillna(0).sum())

    @property
    def empty(self) -> bool:
        """Nothing to report."""
        tables = [self.turned_red, self.turned_yellow, self.recovered, self.eased, self.cleared, self.slips]
        tables += [self.stages_completed, self.handed_over]
        return all(t.empty for t in tables) and self.changes.empty


def _rank(levels: pd.Series) -> pd.Series:
    return levels.map(LEVEL_RANK).fillna(0).astype(int)


def _paired(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Projects in both tables, side by side (``_old`` / ``_new`` suffixes), in the new table's order."""
    columns = ["name", "district", "households", "status", "level", "reasons", "stage_id", "handed_over"]
    columns += ["deadline", "progress"]
    left = old.reindex(columns=columns).assign(key=project_key(old).to_numpy())
    right = new.reindex(columns=columns).assign(key=project_key(new).to_numpy())
    pairs = right.merge(left, on="key", how="inner", suffixes=("_new", "_old"))
    return pairs.assign(deadline_days=_deadline_days(pairs))


def _deadline_days(pairs: pd.DataFrame) -> pd.Series:
    """Days each deadline moved (positive: later), missing where either version has no deadline."""
    new, old = (pd.to_datetime(pairs[c]).dt.normalize() for c in ("deadline_new", "deadline_old"))
    return ((new - old).dt.days).astype("Int64")


def _stage_advanced(pairs: pd.DataFrame) -> pd.Series:
    """Whether each project's stage moved forward in the sequence."""
    before = pairs["stage_id_old"].map(lambda s: stage_index(s) if isinstance(s, str) else None)
    after = pairs["stage_id_new"].map(lambda s: stage_index(s) if isinstance(s, str) else None)
    return (before.notna() & after.notna() & (after.astype(float) > before.astype(float))).astype(bool)


def _progressed(pairs: pd.DataFrame, as_of) -> pd.Series:
    """Real progress between the versions: stage advanced, progress figure up, or handed over."""
    before = pd.to_numeric(pairs["progress_old"], errors="coerce").astype("float64")
    after = pd.to_numeric(pairs["progress_new"], errors="coerce").astype("float64")
    rose = (after - before > PROGRESS_STEP).fillna(False).astype(bool)
    handed = pairs["status_new"].eq(DONE).fillna(False).astype(bool) | _newly_handed(pairs, as_of)
    return _stage_advanced(pairs) | rose | handed


def _level_moves(pairs: pd.DataFrame, as_of) -> dict[str, pd.DataFrame]:
    """Turned red (from anything less), turned yellow (from no flag), and every lowered or lifted warning
    split by what changed: recovered (progress), eased (only a later deadline), cleared (neither)."""
    before, after = _rank(pairs["level_old"]), _rank(pairs["level_new"])
    lowered = after < before
    progressed = _progressed(pairs, as_of)
    later = (pairs["deadline_days"] > 0).fillna(False).astype(bool)
    return {
        "turned_red": pairs[(after == LEVEL_RANK[RED]) & (before < after)],
        "turned_yellow": pairs[(after == LEVEL_RANK[YELLOW]) & (before == 0)],
        "recovered": pairs[lowered & progressed],
        "eased": pairs[lowered & ~progressed & later],
        "cleared": pairs[lowered & ~progressed & ~later],
    }


def _stages_completed(pairs: pd.DataFrame) -> pd.DataFrame:
    """Projects whose stage moved forward in the sequence."""
    return pairs[_stage_advanced(pairs).to_numpy()]


def _newly_handed(pairs: pd.DataFrame, as_of) -> pd.Series:
    """Handed over by ``as_of`` in the current version and not in the earlier one."""
    done_new = pairs["handed_over_new"].notna() & (pairs["handed_over_new"] <= pd.Timestamp(as_of))
    return (done_new & pairs["handed_over_old"].isna()).astype(bool)


def _handed_over(pairs: pd.DataFrame, as_of) -> pd.DataFrame:
    """Projects handed over by ``as_of`` that were not handed over in the earlier version."""
    return pairs[_newly_handed(pairs, as_of)]


def _slips(changes: Changes) -> pd.DataFrame:
    """Deadline slips (later deadline), largest first, from the change list."""
    slips = changes.changed[changes.changed["kind"] == DEADLINE_SLIP]
    return slips[["key", "name", "district", "old", "new", "delta"]].reset_index(drop=True)


def weekly_changes(old: pd.DataFrame, new: pd.DataFrame, as_of) -> Weekly:
    """Compare an earlier classified table with the current one (both from ``housing.status.classify``)."""
    pairs = _paired(old, new)
    moves = {name: frame.reset_index(drop=True) for name, frame in _level_moves(pairs, as_of).items()}
    changes = diff_projects(old, new)
    return Weekly(
        **moves,
        slips=_slips(changes),
        stages_completed=_stages_completed(pairs).reset_index(drop=True),
        handed_over=_handed_over(pairs, as_of).rename(columns={"households_new": "households"}).reset_index(drop=True),
        changes=changes,
    )


# --- display -----------------------------------------------------------------------------------------------

MISSING = "—"


def _text(value) -> str:
    return value if isinstance(value, str) else MISSING


def level_text(level, lang: str) -> str:
    """``红色预警`` / ``Red``, or a dash for no warning."""
    return t(f"wk_level_{level}", lang) if level in LEVEL_RANK else MISSING


def _state(status, level, lang: str) -> str:
    """A project's standing in one version: status icon and label, and the warning level when there is one."""
    if not isinstance(status, str):
        return MISSING
    shown = f"{STATUS_ICONS[status]} {status_label(status, lang)}"
    return f"{shown} · {level_text(level, lang)}" if level in LEVEL_RANK else shown


def _who(frame: pd.DataFrame, lang: str, name: str = "name_new", district: str = "district_new") -> dict:
    return {t("col_name", lang): frame[name].map(_text), t("col_district", lang): frame[district].map(_text)}


def _days_moved(days) -> str:
    """A deadline move in days, signed (``+30`` later, ``-5`` earlier), or a dash when it did not move."""
    return MISSING if pd.isna(days) or days == 0 else f"{int(days):+,}"


def moves_table(frame: pd.DataFrame, lang: str, deadline: bool = False) -> pd.DataFrame:
    """Turned red / turned yellow / recovered / cleared: the standing before and after, and today's reasons.

    ``deadline``: add how many days the deadline moved, so a recovery that also moved it still shows the move.
    """
    before = [_state(s, v, lang) for s, v in zip(frame["status_old"], frame["level_old"])]
    after = [_state(s, v, lang) for s, v in zip(frame["status_new"], frame["level_new"])]
    reasons = [
        "；".join(render(r, lang) for r in rs) if isinstance(rs, tuple | list) else "" for rs in frame["reasons_new"]
    ]
    moved = {t("wk_deadline_moved", lang): [_days_moved(d) for d in frame["deadline_days"]]} if deadline else {}
    return pd.DataFrame(
        {
            **_who(frame, lang),
            t("col_households", lang): frame["households_new"].map(lambda v: fmt_int(v) if pd.notna(v) else MISSING),
            t("wk_before", lang): before,
            t("wk_after", lang): after,
            **moved,
            t("col_reasons", lang): reasons,
        }
    )


def eased_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Eased by moving the deadline: the standing before and after, the old and new deadline, the days moved."""
    return pd.DataFrame(
        {
            **_who(frame, lang),
            t("col_households", lang): frame["households_new"].map(lambda v: fmt_int(v) if pd.notna(v) else MISSING),
            t("wk_before", lang): [_state(s, v, lang) for s, v in zip(frame["status_old"], frame["level_old"])],
            t("wk_after", lang): [_state(s, v, lang) for s, v in zip(frame["status_new"], frame["level_new"])],
            t("wk_old_deadline", lang): [fmt_date(v, lang) for v in frame["deadline_old"]],
            t("wk_new_deadline", lang): [fmt_date(v, lang) for v in frame["deadline_new"]],
            t("wk_slip_days", lang): frame["deadline_days"].map(lambda d: fmt_int(d)),
        }
    )


def slips_table(slips: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Deadline slips: the old and new deadline and the days lost."""
    return pd.DataFrame(
        {
            **_who(slips, lang, "name", "district"),
            t("wk_old_deadline", lang): [fmt_date(v, lang) for v in slips["old"]],
            t("wk_new_deadline", lang): [fmt_date(v, lang) for v in slips["new"]],
            t("wk_slip_days", lang): slips["delta"].map(lambda d: fmt_int(d)),
        }
    )


def stages_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Stages completed: the stage last week and this week."""
    return pd.DataFrame(
        {
            **_who(frame, lang),
            t("wk_stage_before", lang): [stage_name(s, lang) for s in frame["stage_id_old"]],
            t("wk_stage_after", lang): [stage_name(s, lang) for s in frame["stage_id_new"]],
        }
    )


def handovers_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Projects handed over this week, with their households and date."""
    return pd.DataFrame(
        {
            **_who(frame, lang),
            t("col_households", lang): frame["households"].map(lambda v: fmt_int(v) if pd.notna(v) else MISSING),
            t("col_handed_over", lang): [fmt_date(v, lang) for v in frame["handed_over_new"]],
        }
    )
