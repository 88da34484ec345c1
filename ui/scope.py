"""A chart's own district and street pickers: above ``chart_project_limit`` projects a chart is summed, and the
reader narrows it to a district, then a street, until it is small enough to show each project (the progress
page's deadlines; the overview's timeline has the same pair of its own)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from housing.i18n import t
from housing.rollup import UNNAMED

# The catalogue keys of the pickers: label and placeholder of the district, then of the street.
PICKER_TEXTS = ("pg_pick_district", "all_districts", "pg_pick_street", "pg_all_streets")


def by_size(values: pd.Series) -> list[str]:
    """The distinct values (blank as ``UNNAMED``), most projects first, then by name."""
    counts = values.fillna(UNNAMED).astype(str).value_counts()
    return sorted(counts.index, key=lambda v: (-counts[v], v))


def narrowed(projects: pd.DataFrame, key: str, lang: str, texts: tuple[str, ...] = PICKER_TEXTS) -> pd.DataFrame:
    """``projects`` narrowed by a district picker and, once a district is picked, a street picker (widget keys
    ``<key>_district`` and ``<key>_street``), most projects first in both; every project while nothing is picked.
    The street picker stays disabled while the district has fewer than two streets."""
    district_label, all_districts, street_label, all_streets = (t(k, lang) for k in texts)
    left, right = st.columns(2)  # side by side on a desk, one above the other on a phone (no placeholder cut)
    with left:
        district = st.selectbox(
            district_label,
            by_size(projects["district"]),
            index=None,
            placeholder=all_districts,
            key=f"{key}_district",
        )
    inside = projects if district is None else projects[projects["district"].fillna(UNNAMED) == district]
    streets = by_size(inside["street"]) if district is not None and "street" in inside else []
    with right:
        street = st.selectbox(
            street_label,
            streets,
            index=None,
            placeholder=all_streets,
            key=f"{key}_street",
            disabled=len(streets) < 2,
        )
    if street is None or street not in streets:
        return inside
    return inside[inside["street"].fillna(UNNAMED) == street]


def picked(key: str) -> tuple[object, object]:
    """What the pickers of ``key`` hold (part of a cached figure's key)."""
    return st.session_state.get(f"{key}_district"), st.session_state.get(f"{key}_street")
