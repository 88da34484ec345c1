"""Excel downloads of the tables a page shows, with the filters in force (``briefing.xlsx`` writes them).

Each page table becomes a ``briefing.blocks.Table``: the display frame the page shows gives the headers and the
shown texts, the domain frame it was made from gives the raw values (counts, m², dates, days, statuses) in the
same row order, so the workbook sums and sorts. Every download goes through ``download_xlsx``: one place for
what an export does besides writing the file (the audit record, once the service layer has it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from briefing.blocks import COUNT, DATE, DAYS, STATUS, TEXT, WAN_M2, Cell, Column, Table
from briefing.xlsx import tables_xlsx
from housing.changes import Changes, largest_first
from housing.clock import now_utc, zone
from housing.fmt import fmt_date, fmt_datetime, fmt_list
from housing.i18n import status_label, t
from housing.register import UNNAMED
from housing.status import STATUSES
from housing.weekly import Weekly, eased_table, handovers_table, moves_table, slips_table, stages_table
from store.versions import Version
from ui.changes import project_list
from ui.context import View, audited_download
from ui.data import engine, uploader_label
from ui.tables import rollup_table, status_count_table, status_text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')  # not allowed in a file name on Windows or elsewhere
ROLLUP_COUNTS = (
    "col_projects",
    "col_households",
    "col_done_households",
    "col_waiting_households",
    "col_overdue",
    "col_at_risk",
)
Raw = Mapping[str, Iterable]  # header -> the raw values of that column, in the display frame's row order


Sheets = Sequence[tuple[str, Table]]


def download_xlsx(
    label: str,
    sheets: Sheets | Callable[[], Sheets],
    filters: Sequence[tuple[str, str]],
    file_name: str,
    key: str,
    *,
    lang: str,
) -> None:
    """A "下载 Excel" button writing ``sheets`` (name, table) after a sheet stating ``filters``; ``sheets`` may be
    a function making them, so a long table (the full risk list) is built only when someone downloads it.

    The workbook is made when the button is pressed (Streamlit runs ``data`` then, outside the page's run:
    read anything from the session, such as the signed-in account for an audit record, here, not in it)."""
    st.download_button(
        label,
        # recorded in the audit trail as the signed-in account when the user clicks
        data=audited_download(
            engine(), "xlsx", {"file": file_name, **dict(filters)}, _writer(sheets, lang, list(filters))
        ),
        file_name=file_name,
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key=key,
        help=t("xl_download_help", lang),
    )


def _writer(sheets: Sheets | Callable[[], Sheets], lang: str, filters: list[tuple[str, str]]) -> Callable[[], bytes]:
    if callable(sheets):
        return lambda: tables_xlsx(list(sheets()), lang, filters)
    given = list(sheets)
    return lambda: tables_xlsx(given, lang, filters)


def export_name(stem: str, *parts: object) -> str:
    """``风险项目_2021-05-01.xlsx``: the parts joined with ``_``, without characters a file name cannot hold."""
    words = [FILE_FORBIDDEN.sub(" ", str(p)).strip(" .") for p in (stem, *parts)]
    return "_".join(w for w in words if w)[:150] + ".xlsx"


def view_filters(view: View, *extra: tuple[str, str], filtered: bool = True) -> list[tuple[str, str]]:
    """What a page's export shows: region, as-of date, data version, the sidebar's districts and statuses
    (``filtered``: the page applies them), anything the page adds (``extra``), and when it was exported."""
    lang = view.lang
    rows = [
        (t("xl_region", lang), view.region()),
        (t("xl_as_of", lang), fmt_date(view.as_of, lang)),
        (t("xl_version", lang), data_text(view)),
    ]
    if filtered:
        statuses = [status_label(s, lang) for s in STATUSES if s in view.statuses]
        rows.append((t("xl_districts", lang), fmt_list(view.districts, lang) or t("filter_all", lang)))
        rows.append((t("xl_statuses", lang), fmt_list(statuses, lang) or t("filter_all", lang)))
    return [*rows, *extra, (t("xl_exported", lang), fmt_datetime(now_utc(), lang, str(zone())))]


def data_text(view: View) -> str:
    """The data in view: the published version (number, time, uploader, file) or the bundled sample's title."""
    lang, source = view.lang, view.source
    if source.sample is not None:
        return t(source.sample.title_key, lang)
    version = source.version
    if version is None:
        return ""
    when = fmt_datetime(version.created_at, lang, str(zone()))
    text = t(
        "data_version",
        lang,
        version=version.id,
        time=when,
        uploader=uploader_label(version.uploader, lang),
        file=version.filename,
    )
    return t("hi_sample_mark", lang, source=text) if version.sample else text


def frame_block(
    key: str,
    display: pd.DataFrame,
    kinds: Mapping[str, str] | None = None,
    raw: Raw | None = None,
    statuses: Iterable[str | None] = (),
    empty: str = "",
    keys: Mapping[str, str] | None = None,
) -> Table:
    """A ``Table`` block from a page's display frame: its headers, each cell's shown text, and the raw value
    from ``raw`` where given (else the shown value); ``kinds`` gives a column's kind (default text), ``keys`` a
    column's stable key (default its header: ``name`` and ``reasons`` get their room in ``ui.blocks``)."""
    kinds, raw, keys = kinds or {}, raw or {}, keys or {}
    headers = [str(c) for c in display.columns]
    columns = tuple(Column(keys.get(h, h), h, kinds.get(h, TEXT)) for h in headers)
    values = {h: list(raw[h]) if h in raw else display[h].tolist() for h in headers}
    shown = {h: display[h].tolist() for h in headers}
    rows = tuple(
        tuple(_cell(values[h][i], shown[h][i], h in raw and c.kind == TEXT) for h, c in zip(headers, columns))
        for i in range(len(display))
    )
    return Table(key, columns, rows, tuple(statuses), empty)


def _cell(value: object, shown: object, raw_text: bool) -> Cell:
    """One cell: the value (``None`` when missing) and its text (a raw text column shows its own value, not
    the page's link or decoration)."""
    plain = _plain(value)
    text = _plain(shown)
    if raw_text or text is None:
        text = UNNAMED if plain is None else plain
    elif isinstance(text, float):
        text = f"{text:,.2f}"
    elif isinstance(text, int):
        text = f"{text:,}"
    return Cell(plain, str(text))


def _plain(value: Any) -> Any:
    """A pandas/numpy value as a plain Python one; missing (NaN, NA, NaT) as ``None``."""
    if value is None or (not isinstance(value, tuple | list) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime() if value != value.normalize() else value.date()
    return value.item() if hasattr(value, "item") else value


def _kinds(lang: str, **by_key: str) -> dict[str, str]:
    """Column kinds by catalogue key, as headers in ``lang``."""
    return {t(key, lang): kind for key, kind in by_key.items()}


def _raw(lang: str, **by_key: Iterable) -> dict[str, Iterable]:
    """Raw columns by catalogue key, as headers in ``lang``."""
    return {t(key, lang): values for key, values in by_key.items()}


# --- the pages' tables ------------------------------------------------------------------------------------------


def rollup_block(key: str, rollup: pd.DataFrame, lang: str, by: list[str]) -> Table:
    """A district or street roll-up (overview): counts, and floor area from its m²."""
    kinds = _kinds(lang, col_area=WAN_M2, **dict.fromkeys(ROLLUP_COUNTS, COUNT))
    return frame_block(key, rollup_table(rollup, lang, by), kinds, _raw(lang, col_area=rollup["floor_area_m2"]))


def status_count_block(key: str, rollup: pd.DataFrame, lang: str, column: str) -> Table:
    """The districts page's roll-up with the project count per status."""
    kinds = _kinds(lang, col_area=WAN_M2, **dict.fromkeys(ROLLUP_COUNTS, COUNT))
    kinds |= {status_text(s, lang): COUNT for s in STATUSES}
    display = status_count_table(rollup, lang, column)
    return frame_block(key, display, kinds, _raw(lang, col_area=rollup["floor_area_m2"]))


def slipped_block(frame: pd.DataFrame, display: pd.DataFrame, lang: str) -> Table:
    """The delivery page's slipped projects: names without their links, dates as dates, days as numbers."""
    kinds = _kinds(lang, col_status=STATUS, pg_baseline=DATE, col_deadline=DATE, pg_col_slip=DAYS)
    kinds |= _kinds(lang, col_households=COUNT)
    raw = _raw(
        lang,
        col_status=frame["status"],
        col_name=frame["name"],
        pg_baseline=frame["baseline"],
        col_deadline=frame["deadline"],
        pg_col_slip=frame["slip_days"],
        col_households=frame["households"],
    )
    return frame_block("slipped", display, kinds, raw, frame["status"])


def versions_block(versions: list[Version], display: pd.DataFrame, lang: str) -> Table:
    """The history's versions: times as date-times (in the configured zone), counts and floor area as numbers."""
    tz = zone()
    times = [v.created_at.astimezone(tz).replace(tzinfo=None) for v in versions]
    kinds = _kinds(lang, hi_col_time=DATE, col_projects=COUNT, col_households=COUNT, col_area=WAN_M2)
    raw = _raw(
        lang,
        hi_col_time=times,
        col_projects=[v.projects for v in versions],
        col_households=[v.households for v in versions],
        col_area=[v.floor_area_m2 for v in versions],
    )
    return frame_block("versions", display, kinds, raw)


# The weekly page's columns by catalogue key, with the stable keys ``ui.blocks`` styles (room for a name and the
# reasons, a standing kept in whole words).
WEEK_KEYS = {
    "col_name": "name",
    "col_district": "district",
    "col_reasons": "reasons",
    "wk_before": "before",  # "■ 已逾期 · 红色预警": broken between its words only, never inside "Overdue"
    "wk_after": "after",
}


def week_keys(lang: str) -> dict[str, str]:
    """The stable keys of the weekly lists' columns, by header in ``lang``."""
    return {t(key, lang): stable for key, stable in WEEK_KEYS.items()}


WeekList = tuple[str, pd.DataFrame, Callable[[pd.DataFrame], Table]]  # title key, rows, rows -> table


def weekly_lists(weekly: Weekly, lang: str) -> list[WeekList]:
    """Every list of the changes page in the page's order: its title key, its rows (most pressing first) and
    how any of them become a table; the page phrases one page of rows, the download all of them."""
    none = t("wk_none", lang)
    keys = week_keys(lang)
    moves = _kinds(lang, col_households=COUNT, wk_deadline_moved=DAYS)
    dates = _kinds(lang, wk_old_deadline=DATE, wk_new_deadline=DATE, wk_slip_days=DAYS, col_handed_over=DATE)

    def moved(deadline: bool = False) -> Callable[[pd.DataFrame], Table]:
        def block(frame: pd.DataFrame) -> Table:
            raw = _raw(lang, col_households=frame["households_new"], wk_deadline_moved=frame["deadline_days"])
            display = moves_table(frame, lang, deadline=deadline)
            return frame_block("moves", display, moves, raw, empty=none, keys=keys)

        return block

    def slipped(slips: pd.DataFrame) -> Table:
        raw = _raw(lang, wk_old_deadline=slips["old"], wk_new_deadline=slips["new"], wk_slip_days=slips["delta"])
        return frame_block("slips", slips_table(slips, lang), dates, raw, empty=none, keys=keys)

    def eased(frame: pd.DataFrame) -> Table:
        raw = _raw(
            lang,
            col_households=frame["households_new"],
            wk_old_deadline=frame["deadline_old"],
            wk_new_deadline=frame["deadline_new"],
            wk_slip_days=frame["deadline_days"],
        )
        return frame_block("eased", eased_table(frame, lang), moves | dates, raw, empty=none, keys=keys)

    def staged(frame: pd.DataFrame) -> Table:
        return frame_block("stages", stages_table(frame, lang), empty=none, keys=keys)

    def handed(frame: pd.DataFrame) -> Table:
        raw = _raw(lang, col_households=frame["households"], col_handed_over=frame["handed_over_new"])
        return frame_block("handed_over", handovers_table(frame, lang), moves | dates, raw, empty=none, keys=keys)

    def projects(frame: pd.DataFrame) -> Table:
        return added_block(frame, lang)

    return [
        ("wk_turned_red", weekly.turned_red, moved()),
        ("wk_turned_yellow", weekly.turned_yellow, moved()),
        ("wk_slips", weekly.slips, slipped),
        ("wk_eased", weekly.eased, eased),
        ("wk_cleared", weekly.cleared, moved()),
        ("wk_recovered", weekly.recovered, moved(deadline=True)),
        ("wk_stages", weekly.stages_completed, staged),
        ("wk_handed_over", weekly.handed_over, handed),
        *((key, frame, projects) for key, frame in _added_removed(weekly.changes)),
    ]


def weekly_sheets(weekly: Weekly, lang: str) -> list[tuple[str, Table]]:
    """Every list of the changes page whole, a sheet each, in the page's order (an empty list says so)."""
    return [(t(key, lang), block(frame)) for key, frame, block in weekly_lists(weekly, lang)]


def _added_removed(changes: Changes) -> list[tuple[str, pd.DataFrame]]:
    return [("chg_added", largest_first(changes.added)), ("chg_removed", largest_first(changes.removed))]  # as shown


def added_block(frame: pd.DataFrame, lang: str) -> Table:
    """Projects added or removed: households, floor area and deadline as numbers and dates."""
    kinds = _kinds(lang, col_households=COUNT, col_area=WAN_M2, col_deadline=DATE)
    raw = _raw(
        lang, col_households=frame["households"], col_area=frame["floor_area_m2"], col_deadline=frame["deadline"]
    )
    keys = week_keys(lang)
    return frame_block("projects", project_list(frame, lang), kinds, raw, empty=t("wk_none", lang), keys=keys)


def today_name(stem_key: str, view: View, *parts: object) -> str:
    """The export's file name: what it is, the place when there is one, and the as-of date."""
    return export_name(t(stem_key, view.lang), *parts, view.as_of.isoformat())
