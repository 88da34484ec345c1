"""What changed since last week: the list the weekly meeting (周调度会) opens with.

Two classified project tables (an earlier version judged as of its own date, the current one as of the
view's date) give: projects that turned red or yellow, projects that recovered, deadline slips, stages
completed, households handed over, and projects added or removed. Projects match by ``project_key``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from housing.changes import DEADLINE_SLIP, Changes, diff_projects, project_key
from housing.fmt import fmt_date, fmt_int
from housing.i18n import status_label, t
from housing.stages import stage_index, stage_name
from housing.status import STATUS_ICONS, render

RED, YELLOW = "red", "yellow"
LEVEL_RANK = {RED: 2, YELLOW: 1}


@dataclass(frozen=True, eq=False)
class Weekly:
    """The week's changes, each a frame of projects with the figures that matter for it."""

    turned_red: pd.DataFrame
    turned_yellow: pd.DataFrame
    recovered: pd.DataFrame
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
        parts = (self.turned_red, self.turned_yellow, self.recovered, self.slips, self.stages_completed)
        return all(p.empty for p in parts) and self.handed_over.empty and self.changes.empty


def _rank(levels: pd.Series) -> pd.Series:
    return levels.map(LEVEL_RANK).fillna(0).astype(int)


def _paired(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Projects in both tables, side by side (``_old`` / ``_new`` suffixes), in the new table's order."""
    columns = ["name", "district", "households", "status", "level", "reasons", "stage_id", "handed_over"]
    left = old.reindex(columns=columns).assign(key=project_key(old).to_numpy())
    right = new.reindex(columns=columns).assign(key=project_key(new).to_numpy())
    return right.merge(left, on="key", how="inner", suffixes=("_new", "_old"))


def _level_moves(pairs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Turned red (from anything less), turned yellow (from no flag), recovered (flag lowered or gone)."""
    before, after = _rank(pairs["level_old"]), _rank(pairs["level_new"])
    red = pairs[(after == LEVEL_RANK[RED]) & (before < after)]
    yellow = pairs[(after == LEVEL_RANK[YELLOW]) & (before == 0)]
    recovered = pairs[after < before]
    return red, yellow, recovered


def _stages_completed(pairs: pd.DataFrame) -> pd.DataFrame:
    """Projects whose stage moved forward in the sequence."""
    before = pairs["stage_id_old"].map(lambda s: stage_index(s) if isinstance(s, str) else None)
    after = pairs["stage_id_new"].map(lambda s: stage_index(s) if isinstance(s, str) else None)
    moved = before.notna() & after.notna() & (after.astype(float) > before.astype(float))
    return pairs[moved.to_numpy()]


def _handed_over(pairs: pd.DataFrame, as_of) -> pd.DataFrame:
    """Projects handed over by ``as_of`` that were not handed over in the earlier version."""
    done_new = pairs["handed_over_new"].notna() & (pairs["handed_over_new"] <= pd.Timestamp(as_of))
    return pairs[done_new & pairs["handed_over_old"].isna()]


def _slips(changes: Changes) -> pd.DataFrame:
    """Deadline slips (later deadline), largest first, from the change list."""
    slips = changes.changed[changes.changed["kind"] == DEADLINE_SLIP]
    return slips[["key", "name", "district", "old", "new", "delta"]].reset_index(drop=True)


def weekly_changes(old: pd.DataFrame, new: pd.DataFrame, as_of) -> Weekly:
    """Compare an earlier classified table with the current one (both from ``housing.status.classify``)."""
    pairs = _paired(old, new)
    red, yellow, recovered = _level_moves(pairs)
    changes = diff_projects(old, new)
    return Weekly(
        turned_red=red.reset_index(drop=True),
        turned_yellow=yellow.reset_index(drop=True),
        recovered=recovered.reset_index(drop=True),
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


def moves_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Turned red / turned yellow / recovered: the standing before and after, and today's reasons."""
    before = [_state(s, v, lang) for s, v in zip(frame["status_old"], frame["level_old"])]
    after = [_state(s, v, lang) for s, v in zip(frame["status_new"], frame["level_new"])]
    reasons = [
        "；".join(render(r, lang) for r in rs) if isinstance(rs, tuple | list) else "" for rs in frame["reasons_new"]
    ]
    return pd.DataFrame(
        {
            **_who(frame, lang),
            t("col_households", lang): frame["households_new"].map(lambda v: fmt_int(v) if pd.notna(v) else MISSING),
            t("wk_before", lang): before,
            t("wk_after", lang): after,
            t("col_reasons", lang): reasons,
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
