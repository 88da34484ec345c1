"""Figures leadership reads: headline KPIs, and household totals per district and street/town."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from housing.register import UNNAMED  # noqa: F401  (re-exported: a district or street left blank)
from housing.statuses import AT_RISK, DONE, ON_TRACK, OVERDUE


@dataclass(frozen=True)
class Kpis:
    """Headline figures for the projects in view, as of a date."""

    projects: int
    households: int
    floor_area_m2: float
    done_projects: int
    done_households: int
    waiting_households: int
    overdue: int
    at_risk: int
    year: int
    year_done_projects: int
    year_done_households: int
    target_projects: int
    target_households: int
    # Investment of the projects whose planned investment is given (yuan); None when no project gives it.
    investment_planned: float | None = None
    investment_done: float | None = None

    @property
    def investment_rate(self) -> float | None:
        """Investment completed ÷ planned in percent, over the projects with a planned figure; ``None``
        when no project gives one (forms without investment columns show no such figure)."""
        if not self.investment_planned:
            return None
        return 100.0 * (self.investment_done or 0.0) / self.investment_planned


def _sum(series: pd.Series) -> int:
    return int(series.fillna(0).sum())


def kpis(classified: pd.DataFrame, as_of: dt.date, target_projects: int = 0) -> Kpis:
    """Headline figures; the year's target is ``target_projects`` or else the projects due that year."""
    done = classified["status"] == DONE
    handed = classified["handed_over"]
    this_year = done & (handed.dt.year == as_of.year)
    due_this_year = classified["deadline"].dt.year == as_of.year
    return Kpis(
        projects=len(classified),
        households=_sum(classified["households"]),
        floor_area_m2=float(classified["floor_area_m2"].fillna(0).sum()),
        done_projects=int(done.sum()),
        done_households=_sum(classified.loc[done, "households"]),
        waiting_households=_sum(classified.loc[~done, "households"]),
        overdue=int((classified["status"] == OVERDUE).sum()),
        at_risk=int((classified["status"] == AT_RISK).sum()),
        year=as_of.year,
        year_done_projects=int(this_year.sum()),
        year_done_households=_sum(classified.loc[this_year, "households"]),
        target_projects=target_projects or int((due_this_year | this_year).sum()),
        target_households=_sum(classified.loc[due_this_year | this_year, "households"]),
        **_investment(classified),
    )


def _investment(classified: pd.DataFrame) -> dict[str, float | None]:
    """Planned and completed investment summed over the projects that give a planned figure (a completed
    figure without a plan has nothing to be a share of); both None when none does."""
    if "investment_planned" not in classified:
        return {"investment_planned": None, "investment_done": None}
    planned = pd.to_numeric(classified["investment_planned"], errors="coerce")
    given = planned.notna() & (planned > 0)
    if not given.any():
        return {"investment_planned": None, "investment_done": None}
    done = pd.to_numeric(classified.get("investment_done", pd.Series(index=classified.index)), errors="coerce")
    return {"investment_planned": float(planned[given].sum()), "investment_done": float(done[given].fillna(0).sum())}


def rollup(classified: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Projects, households, floor area, handed over, waiting and status counts per group."""
    frame = classified.assign(**{key: classified[key].fillna(UNNAMED) for key in by})
    done = frame["status"] == DONE
    frame = frame.assign(
        households=frame["households"].fillna(0).astype("int64"),
        floor_area_m2=frame["floor_area_m2"].fillna(0).astype(float),
        done_households=frame["households"].where(done, 0).fillna(0).astype("int64"),
        waiting_households=frame["households"].where(~done, 0).fillna(0).astype("int64"),
        **{status: frame["status"] == status for status in (DONE, ON_TRACK, AT_RISK, OVERDUE)},
    )
    table = frame.groupby(by, sort=False).agg(
        projects=("name", "size"),
        households=("households", "sum"),
        floor_area_m2=("floor_area_m2", "sum"),
        done_households=("done_households", "sum"),
        waiting_households=("waiting_households", "sum"),
        done=(DONE, "sum"),
        on_track=(ON_TRACK, "sum"),
        at_risk=(AT_RISK, "sum"),
        overdue=(OVERDUE, "sum"),
    )
    return table.reset_index().sort_values("households", ascending=False, ignore_index=True)


def by_district(classified: pd.DataFrame) -> pd.DataFrame:
    """One row per district, largest household count first."""
    return rollup(classified, ["district"])


def by_street(classified: pd.DataFrame, district: str | None = None) -> pd.DataFrame:
    """One row per street/town, optionally within one district."""
    return rollup(projects_in(classified, district), ["district", "street"])


def rollup_by(classified: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per value of ``column`` (``district``; or ``street`` once narrowed to one district).

    The same figures at every level of the drill-down: projects, households, households handed over and
    waiting, floor area, and the count per status, largest household count first.
    """
    return rollup(classified, [column])


def projects_in(classified: pd.DataFrame, district: str | None = None, street: str | None = None) -> pd.DataFrame:
    """The projects of one district, or of one street/town in it; ``None`` narrows nothing, ``UNNAMED`` finds blanks."""
    keep = pd.Series(True, index=classified.index)
    if district is not None:
        keep &= classified["district"].fillna(UNNAMED) == district
    if street is not None:
        keep &= classified["street"].fillna(UNNAMED) == street
    return classified[keep]


def names_in(classified: pd.DataFrame, column: str) -> list[str]:
    """The distinct names in ``column``, sorted, with a blank (``UNNAMED``) last: the choices a picker offers."""
    return sorted(classified[column].fillna(UNNAMED).unique(), key=lambda name: (name == UNNAMED, name))


def has_streets(classified: pd.DataFrame) -> bool:
    """Whether any of these projects names its street/town (without one there is no street level)."""
    return bool(classified["street"].notna().any())


def filter_projects(classified: pd.DataFrame, districts: list[str], statuses: list[str]) -> pd.DataFrame:
    """The projects in the chosen districts and statuses (an empty choice means all)."""
    keep = pd.Series(True, index=classified.index)
    if districts:
        keep &= classified["district"].fillna(UNNAMED).isin(districts)
    if statuses:
        keep &= classified["status"].isin(statuses)
    return classified[keep]
