"""Links to one project's detail page, and which project that page shows, kept in the URL.

``detail?district=历城区&name=大辛村安置区`` names a project; other pages link project names with
``project_link``. On the detail page the URL is the truth, as on the drill-down (``ui.drill``): the pickers
write it, every run reads it back, so a copied link opens the same project. The parameters ``app.py``
maintains (language, as-of date, data, version) are carried by links and left alone on the page.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from housing.rollup import UNNAMED, names_in, projects_in
from ui.urls import page_url, replace_params

DETAIL_PATH = "detail"  # the url_path app.py registers views/project.py under (not the file stem: see app.py)
PROJECT_PARAMS = ("district", "name")
PICKER_KEYS = ("pj_district", "pj_name")


def project_params(district: str | None, name: str) -> dict[str, str]:
    """The URL parameters naming a project (a blank district is left out)."""
    blank = district is None or pd.isna(district) or district in ("", UNNAMED)
    return ({} if blank else {"district": str(district)}) | {"name": str(name)}


def project_link(district: str | None, name: str, shared: Mapping[str, str] | None = None) -> str:
    """The detail page's relative URL for a project: ``detail?district=历城区&name=大辛村安置区&lang=zh…``.

    ``shared`` are the URL parameters to carry (language, as-of date, data, version); by default the current
    page's, so the link opens the same view in a new tab as well.
    """
    return page_url(DETAIL_PATH, project_params(district, name), shared)


# --- the detail page's project ------------------------------------------------------------------------------


def find_project(classified: pd.DataFrame, district: str | None, name: str | None):
    """The index label of the first project with this name in ``district`` (``UNNAMED``: blank; ``None``: any)."""
    if not name:
        return None
    # No district in the link: the first project of that name anywhere (a hand-typed or shortened link).
    here = projects_in(classified, district) if district else classified
    found = here.index[(here["name"] == name).fillna(False).to_numpy(bool)]
    return found[0] if len(found) else None


def current_project(classified: pd.DataFrame):
    """The project the URL names (index label, or ``None``), and the name from the URL when it is not in the data.

    Also sets the pickers to it: the URL wins over what a picker held (a link, the back button).
    """
    params = st.query_params.to_dict()
    district, name = params.get("district") or None, params.get("name") or None
    if name is None:
        known = district if district in names_in(classified, "district") else None
        _set_pickers(known, None)
        return None, None
    found = find_project(classified, district, name)
    if found is None:
        _set_pickers(None, None)
        return None, name
    cell = classified.at[found, "district"]  # text, or NA for a project with no district
    _set_pickers(cell if isinstance(cell, str) else None, name)
    return found, None


def _set_pickers(district: str | None, name: str | None) -> None:
    # Widget values may only be set before the widgets are drawn in a run: callbacks and page start.
    shown = UNNAMED if name is not None and (district is None or pd.isna(district)) else district
    st.session_state[PICKER_KEYS[0]] = shown
    st.session_state[PICKER_KEYS[1]] = name


def _write_url(district: str | None, name: str | None) -> None:
    if name is not None:
        replace_params(PROJECT_PARAMS, project_params(district, name))
    else:
        replace_params(PROJECT_PARAMS, {"district": district} if district is not None else {})


def picked(key: str) -> None:
    """Callback of the pickers: a new district clears the project; a project opens it."""
    district = st.session_state[PICKER_KEYS[0]]
    name = st.session_state[PICKER_KEYS[1]] if key == PICKER_KEYS[1] else None
    _write_url(district, name)
    _set_pickers(district, name)
