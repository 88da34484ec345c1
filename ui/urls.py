"""Relative URLs between pages that carry the shared view (language, as-of date, data, version)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote

import streamlit as st

if TYPE_CHECKING:  # the type ``st.column_config.LinkColumn`` returns; it is not exported elsewhere
    from streamlit.elements.lib.column_types import ColumnConfig

SHARED_PARAMS = ("lang", "as_of", "data", "version")  # app.py's URL parameters, carried over by links


# Each ASCII character as a query value must spell it (``quote`` with nothing safe), as one translation table.
_ASCII_QUOTED = {code: quote(chr(code), safe="") for code in range(128)}


def iri(value: str) -> str:
    """Percent-encode the ASCII that would break a query (&, =, #, %, +, spaces); CJK stays readable.

    Browsers accept and encode CJK themselves, so a LinkColumn's display text can show the name. One
    ``str.translate`` (a risk list links thousands of project names on every run).
    """
    return value.translate(_ASCII_QUOTED)


def page_url(path: str, params: Mapping[str, str], shared: Mapping[str, str] | None = None) -> str:
    """``path?params…&shared…``; ``shared`` defaults to the current page's shared parameters."""
    given = st.query_params.to_dict() if shared is None else dict(shared)
    query = dict(params) | {k: given[k] for k in SHARED_PARAMS if given.get(k) and k not in params}
    return path + "?" + "&".join(f"{k}={iri(str(v))}" for k, v in query.items())


def replace_params(owned: tuple[str, ...], values: Mapping[str, str]) -> None:
    """Set a page's own URL parameters (``owned``) to ``values``; the shared ones stay as they are."""
    for name in owned:
        st.query_params.pop(name, None)
    st.query_params.update(values)


def link_column(label: str, param: str) -> ColumnConfig:
    """A table column of page URLs that shows the value of their ``param`` (a district or project name)."""
    return st.column_config.LinkColumn(label, display_text=rf"[?&]{param}=([^&]+)")
