"""Where the drill-down stands (all districts → one district → one street/town), kept in the URL.

``?district=历城区&street=华山街道`` is the truth: the pickers and the breadcrumb on the page write it, every
run reads it back, so a copied link opens the same level. The parameters ``app.py`` maintains (language,
as-of date, data, version) are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from housing.i18n import t
from housing.rollup import UNNAMED, names_in, projects_in
from ui.urls import page_url, replace_params

DRILL_PATH = "drill"  # the url_path app.py registers views/districts.py under (not the file stem: see app.py)
LEVEL_PARAMS = ("district", "street")
PICKER_KEYS = ("dd_district", "dd_street")


@dataclass(frozen=True)
class Place:
    """A level of the drill-down: no district (all), a district, or a street/town within a district."""

    district: str | None = None
    street: str | None = None

    @property
    def child(self) -> str | None:
        """The column one level down: districts at the top, streets in a district, nothing in a street."""
        if self.district is None:
            return "district"
        return "street" if self.street is None else None

    def params(self) -> dict[str, str]:
        """The URL parameters naming this place."""
        return {k: v for k, v in zip(LEVEL_PARAMS, (self.district, self.street)) if v is not None}

    def trail(self) -> list[Place]:
        """Every place from the top down to this one."""
        trail = [Place()]
        if self.district is not None:
            trail.append(Place(self.district))
        if self.street is not None:
            trail.append(self)
        return trail


def place_from(params: Mapping[str, str]) -> Place:
    """The place the URL names, as written (a street without a district means nothing)."""
    district = params.get("district") or None
    return Place(district, (params.get("street") or None) if district else None)


def known(place: Place, classified: pd.DataFrame) -> Place:
    """``place`` cut back to the deepest level that exists in the data (another dataset, an old link)."""
    if place.district is None or place.district not in names_in(classified, "district"):
        return Place()
    streets = names_in(projects_in(classified, place.district), "street")
    return place if place.street is None or place.street in streets else Place(place.district)


def place_name(place: Place, region: str, lang: str) -> str:
    """The place in words: the region at the top, else ``历城区`` or ``历城区 华山街道``."""
    if place.district is None:
        return region
    parts = [place.district] + ([] if place.street is None else [place.street])
    return " ".join(t("dd_unnamed", lang) if part == UNNAMED else part for part in parts)


def crumb_label(place: Place, lang: str) -> str:
    """One breadcrumb item: 全部区县, a district, or a street/town."""
    name = place.street or place.district
    if name is None:
        return t("all_districts", lang)
    return t("dd_unnamed", lang) if name == UNNAMED else name


def dropped(wanted: Place, place: Place) -> str | None:
    """The name ``known`` had to drop from ``wanted`` (for a note), or ``None``."""
    if wanted.district != place.district:
        return wanted.district
    return wanted.street if wanted.street != place.street else None


def current_place(classified: pd.DataFrame) -> tuple[Place, str | None]:
    """The place in the URL that exists in the data, and the name dropped from the URL if one was unknown.

    Also sets the pickers to the place: the URL wins over what a picker held (a link, the back button).
    """
    wanted = place_from(st.query_params.to_dict())
    place = known(wanted, classified)
    if place != wanted:
        _write_url(place)
    _set_pickers(place)
    return place, dropped(wanted, place)


def go_to(place: Place) -> None:
    """Move the drill-down to ``place`` (a callback: it runs before the page, which then reads the URL)."""
    _write_url(place)
    _set_pickers(place)


def _write_url(place: Place) -> None:
    replace_params(LEVEL_PARAMS, place.params())


def _set_pickers(place: Place) -> None:
    # Widget values may only be set before the widgets are drawn in a run: callbacks and page start.
    for key, value in zip(PICKER_KEYS, (place.district, place.street)):
        st.session_state[key] = value


def picked(key: str) -> None:
    """Callback of the pickers: the district picker starts a new district, the street picker stays in it."""
    value = st.session_state[key]
    if key == PICKER_KEYS[0]:
        go_to(Place(value))
    else:
        go_to(Place(st.session_state[PICKER_KEYS[0]], value))


def district_link(district: str, street: str | None = None, shared: Mapping[str, str] | None = None) -> str:
    """The drill page's relative URL for a district (and street): ``drill?lang=zh&…&district=历城区``.

    ``shared`` are the URL parameters to carry (language, as-of date, data, version); by default the current
    page's, so the link opens the same view in a new tab as well.
    """
    return page_url(DRILL_PATH, Place(district, street).params(), shared)
