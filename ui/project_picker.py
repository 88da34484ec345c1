"""The search-first project picker of the task form, the hotline's assign form and the briefing's red projects.

At province scale a register holds 10,000–50,000 projects: a selectbox of them all sent every name to the
browser on every run, and collecting and sorting them was most of a page run. Here the register's choices
(every (district, name) once, sorted, with the text searched) are built once per data version
(``ui.data.data_key``); a person types part of a name or district, and the selectbox holds at most
``PICKER_ROWS`` of the best matches, with a line saying how many matched. What a page run costs grows with
what a person can read, not with the register.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from housing.fmt import fmt_count, fmt_int
from housing.i18n import t
from loaders import chars
from ui.context import View
from ui.data import data_key
from ui.escape import md_escape

PICKER_ROWS = 50  # matches listed at once: more than a person reads in a drop-down
MAX_QUERY = 100  # characters of a search: longer than any project's district and name together
_SPACES = re.compile(r"\s+")

Pair = tuple[str | None, str]  # (district, name); None: the workbook left the district blank


def fold(text: object) -> str:
    """``text`` as the search compares it: unsafe characters dropped, full-width letters and digits as ASCII
    (NFKC), runs of whitespace as one space, no case (``Ａ区`` and ``a区`` match)."""
    cleaned = unicodedata.normalize("NFKC", chars.clean(str(text)))
    return _SPACES.sub(" ", cleaned).strip().casefold()


def label(pair: Pair) -> str:
    """A project as the pickers and the task tables name it: ``district · name``, the name alone without one."""
    district, name = pair
    return f"{district} · {name}" if district else name


@dataclass(frozen=True)
class Register:
    """The projects a picker chooses from, each (district, name) once, by district then name (a blank district
    first), with each project's responsible unit (a task's prefill) and the folded texts searched."""

    pairs: tuple[Pair, ...]
    units: tuple[str, ...]
    names: tuple[str, ...]  # each name folded: an exact or leading match ranks first
    texts: tuple[str, ...]  # district and name run together, folded: "历城区东城" finds 东城小区 of 历城区
    key: tuple = ()  # what the register was built from (``register_for``): the key of its searches' cache

    def __len__(self) -> int:
        return len(self.pairs)


@dataclass(frozen=True)
class Found:
    """What a search found: the best ``indices`` into the register (at most the picker's rows), how many
    projects matched in all, and the search as it was read."""

    indices: tuple[int, ...]
    total: int
    query: str


def register_of(projects: pd.DataFrame, key: tuple = ()) -> Register:
    """``projects`` (columns district, name and, when present, unit) as a picker's register."""
    units = projects["unit"].tolist() if "unit" in projects else [None] * len(projects)
    seen: dict[Pair, str] = {}
    # plain lists: iterating the frame's Arrow-backed columns value by value cost a second at 50,000 projects
    for district, name, unit in zip(projects["district"].tolist(), projects["name"].tolist(), units):
        pair = (district if isinstance(district, str) and district else None, str(name))
        if pair not in seen:  # the first row's unit, as the register lists it
            seen[pair] = unit if isinstance(unit, str) else ""
    pairs = sorted(seen, key=lambda p: (p[0] or "", p[1]))
    names = tuple(fold(name) for _, name in pairs)
    districts = {d: fold(d or "") for d in {d for d, _ in pairs}}  # a few dozen, folded once each
    texts = tuple(districts[d] + n for (d, _), n in zip(pairs, names))
    return Register(tuple(pairs), tuple(seen[p] for p in pairs), names, texts, key)


def find(register: Register, query: str, limit: int = PICKER_ROWS) -> Found:
    """The projects whose district and name hold every word of ``query`` (its first ``MAX_QUERY`` characters,
    folded), best first: the name itself, then names starting with it, then the whole query in one piece, then
    the words apart; equals in the register's order. No query: the register's first ``limit``."""
    shown = chars.clean(str(query)).strip()[:MAX_QUERY]
    wanted = fold(shown)
    if not wanted:
        return Found(tuple(range(min(limit, len(register)))), len(register), "")
    texts, names = register.texts, register.names
    first, *others = sorted(set(wanted.split(" ")), key=len, reverse=True)  # the longest word rules out most
    hits = [i for i, text in enumerate(texts) if first in text]
    for word in others:  # each further word only over what is left
        hits = [i for i in hits if word in texts[i]]
    ranks: tuple[list[int], ...] = ([], [], [], [])  # one pass, no sort: the register's order is kept in each
    for i in hits:
        name = names[i]
        ranks[0 if name == wanted else 1 if name.startswith(wanted) else 2 if wanted in texts[i] else 3].append(i)
    best = [i for rank in ranks for i in rank[:limit]][:limit]
    return Found(tuple(best), len(hits), shown)


def found_text(found: Found, lang: str) -> str:
    """The line under the search box: how many matched and how many the list holds ("" when it holds them all
    and nothing was typed)."""
    shown, total = fmt_int(len(found.indices)), fmt_count(found.total, "count.projects", lang)
    if not found.query:
        return t("pp_first_shown", lang, total=total, shown=shown) if found.total > len(found.indices) else ""
    if not found.total:
        return t("pp_no_match", lang, query=md_escape(found.query))
    if found.total > len(found.indices):
        return t("pp_matches_some", lang, total=total, shown=shown)
    return t("pp_matches_all", lang, total=total)


# --- on a page ------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=8)  # a 50,000-project register: about 15 MB
def _register_kept(key: tuple, districts: tuple[str, ...], status: str | None, _projects: pd.DataFrame) -> Register:
    # ``key`` (``ui.data.data_key``) names the data; the frame is not hashed
    projects = _projects
    if status is not None:
        projects = projects[projects["status"] == status]
    if districts:
        projects = projects[projects["district"].isin(districts)]
    return register_of(projects, (*key, districts, status))


def register_for(view: View, districts: Sequence[str] = (), status: str | None = None) -> Register:
    """The view's projects as a picker's register (of ``districts`` only, of one ``status`` only when given),
    built once per data version and narrowing, never on each run."""
    return _register_kept(data_key(view), tuple(districts), status, view.classified)


@st.cache_resource(show_spinner=False, max_entries=64)
def _found_kept(key: tuple, query: str, limit: int, _register: Register) -> Found:
    return find(_register, query, limit)


def found_for(register: Register, query: str, limit: int = PICKER_ROWS) -> Found:
    """``find``, once per register and search (a rerun of the page with the same search does not scan again;
    a register built in place, without a key, is searched each time)."""
    if not register.key:
        return find(register, query, limit)
    return _found_kept(register.key, query, limit, register)


def _best_first(register: Register, key: str, empty: Pair | None) -> None:
    # Callback of the search box: the picker takes the best match (``empty`` when the search is cleared), so
    # what was typed shows at once in the form's field and a choice from an earlier search is not kept by mistake.
    found = found_for(register, st.session_state.get(f"{key}_search") or "")
    best = register.pairs[found.indices[0]] if found.query and found.indices else empty
    st.session_state[f"{key}_project"] = best


def search(register: Register, lang: str, key: str, empty: Pair | None = None) -> Found:
    """The search box ``{key}_search`` (outside any form: typing reruns the page and narrows the picker) and,
    under it, what it found. ``empty`` is the picker's value when the search is cleared."""
    query = st.text_input(
        t("pp_search", lang),
        max_chars=MAX_QUERY,
        key=f"{key}_search",
        placeholder=t("pp_search_hint", lang),
        on_change=_best_first,
        args=(register, key, empty),
    )
    found = found_for(register, query or "")
    said = found_text(found, lang)
    if said:
        st.caption(said)
    return found


def select(
    found: Found,
    register: Register,
    title: str,
    key: str,
    *,
    blank: str | None = None,
    placeholder: str | None = None,
) -> int | None:
    """The selectbox ``{key}_project`` of the matches (inside a form or not); the chosen project's index in
    the register, ``None`` for none. ``blank`` names a first option meaning no project; ``placeholder`` leaves
    the box empty until a project is chosen; neither: the best match is chosen."""
    options: list[Pair] = ([(None, "")] if blank is not None else []) + [register.pairs[i] for i in found.indices]
    picked = st.selectbox(
        title,
        options,
        index=None if placeholder is not None else 0,
        format_func=lambda p: label(p) if p[1] else str(blank),
        placeholder=placeholder,
        key=f"{key}_project",
    )
    if picked is None or not picked[1]:
        return None
    return found.indices[options.index(picked) - (blank is not None)]
