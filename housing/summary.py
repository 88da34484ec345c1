"""The figures of one loaded workbook as plain data: what the CLI prints and scripts read."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from housing.fmt import as_date
from housing.rollup import by_district, kpis
from housing.rules import Evidence
from housing.status import classify, render
from loaders.load import LoadResult


def _iso(value) -> str | None:
    day = as_date(value)
    return day.isoformat() if day else None


def _num(value, digits: int | None = None):
    if value is None or pd.isna(value):
        return None
    return int(value) if digits is None else round(float(value), digits)


def project_detail(row, lang: str) -> dict:
    """One classified project as JSON-ready data."""
    return {
        "name": row.name,
        "district": None if pd.isna(row.district) else row.district,
        "households": _num(row.households),
        "floor_area_m2": _num(row.floor_area_m2, 2),
        "deadline": _iso(row.deadline),
        "handed_over": _iso(row.handed_over),
        "status": row.status,
        "level": None if pd.isna(row.level) else row.level,
        "reasons": [render(r, lang) for r in row.reasons],
    }


def summarize(result: LoadResult, as_of: dt.date, lang: str = "zh") -> dict:
    """Totals, per-district figures, each project's status, warning level and reasons, and every issue.

    Statuses come from the warning rules (``housing.rules``) with the workbook's stage dates as evidence.
    """
    classified = classify(result.projects, as_of, evidence=Evidence(stage_dates=result.stage_dates))
    districts = by_district(classified) if len(classified) else pd.DataFrame()
    totals = kpis(classified, as_of)  # the same figures the overview's headline shows
    return {
        "file": result.filename,
        "as_of": as_of.isoformat(),
        "projects": totals.projects,
        "households": totals.households,
        "floor_area_m2": round(totals.floor_area_m2, 2),
        "districts": [
            {
                "district": d.district,
                "projects": int(d.projects),
                "households": int(d.households),
                "floor_area_m2": round(float(d.floor_area_m2), 2),
            }
            for d in districts.itertuples()
        ],
        "projects_detail": [project_detail(r, lang) for r in classified.itertuples()],
        "issues": [i.as_dict(lang) for i in result.issues],
    }
