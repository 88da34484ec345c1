"""The upload page's column-mapping step: say what a column is when it was read wrongly or not at all.

The choice is remembered for the layout (the file's set of headers, ``store.mappings``), so next week's file
with the same headers is read the same way; the report shows which columns were read by a chosen mapping.
"""

from __future__ import annotations

import streamlit as st

from housing.i18n import t
from housing.summary import read_as_label
from loaders import LoadResult
from loaders.schema import FIELDS
from service.actions import remember_mapping
from store.mappings import remembered_mapping
from ui.context import current_actor
from ui.data import engine
from ui.escape import md_escape

AUTO, NOT_USED = "__auto__", "__none__"
Mapping = dict[str, str | None]


def headers(result: LoadResult) -> list[str]:
    """The file's header texts, in order, each once (what a mapping and its layout key are made of)."""
    return list(dict.fromkeys(c.header for c in result.columns if c.header))


def remembered(result: LoadResult) -> Mapping:
    """The mapping chosen earlier for this file's layout ({} when none was, or the file has no header)."""
    return remembered_mapping(engine(), headers(result)) if result.columns else {}


def choice_label(choice: str, lang: str) -> str:
    """What a choice in the mapping's drop-down reads as."""
    if choice == AUTO:
        return t("map_auto", lang)
    return read_as_label(None if choice == NOT_USED else choice, lang)


def _current(header: str, mapping: Mapping) -> str:
    if header not in mapping:
        return AUTO
    return mapping[header] or NOT_USED


def mapping_form(result: LoadResult, mapping: Mapping, lang: str) -> Mapping | None:
    """Every column with a drop-down (automatic, a field, or not used); the new mapping when the user applies
    one, else ``None``. Open by default when a column is unused or a mapping is in force."""
    names = headers(result)
    options = [AUTO, *FIELDS, NOT_USED]
    unused = any(c.field is None for c in result.columns)
    with st.expander(t("map_title", lang), expanded=unused or bool(mapping), icon=":material/table_edit:"):
        st.caption(t("map_help", lang))
        with st.form("up_mapping"):
            grid = st.columns(2)
            chosen = {
                header: grid[i % 2].selectbox(
                    md_escape(header),  # a widget label is Markdown; the header comes from the file
                    options,
                    index=options.index(_current(header, mapping)),
                    format_func=lambda choice: choice_label(choice, lang),
                    key=f"up_map_{i}",
                )
                for i, header in enumerate(names)
            }
            applied = st.form_submit_button(t("map_apply", lang), icon=":material/check:")
    if not applied:
        return None
    return {h: (None if c == NOT_USED else c) for h, c in chosen.items() if c != AUTO}


def remember(result: LoadResult, mapping: Mapping) -> None:
    """Keep ``mapping`` for this file's layout, with the signed-in account as who chose it (audited)."""
    remember_mapping(engine(), current_actor(), headers(result), mapping)
