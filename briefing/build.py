"""The meeting briefing built once, as plain data (``briefing.blocks``), from one ``BriefingData``.

The sequence: title → headline figures against the year's target → what changed since last week → one slide
per overdue project → the at-risk projects as one table → households per district → the portfolio timeline.
Every figure comes from the domain (``housing.rollup.kpis``, ``housing.weekly``, ``housing.progress``) and
every text from the catalogue and ``housing.fmt``, here and nowhere else: renderers only lay the blocks out,
and the dashboard pages draw their headline figures, risk list, week counts and district table from the same
block functions (``headline_block``, ``risk_block``, ``week_block``, ``place_headline_block``,
``districts_block``), so a figure has one source.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from briefing import blocks as B
from briefing.charts import (
    BARS_TOP,
    SUMMARY_TOP,
    days_text,
    households_bars,
    moved_text,
    stage_timeline,
    summary_period,
    timeline,
    timeline_frame,
    timeline_summary,
    top_with_others,
)
from housing.changes import largest_first
from housing.fmt import fmt_count, fmt_date, fmt_datetime, fmt_int, fmt_list, fmt_percent, fmt_size, fmt_wan
from housing.i18n import status_label, t
from housing.progress import baseline_frame, stage_plan
from housing.rollup import UNNAMED, by_district, filter_projects, kpis
from housing.settings import get_setting
from housing.stages import stage_name
from housing.status import AT_RISK, DONE, OVERDUE, STATUS_ICONS, render, urgent_first
from housing.tasks import CLOCKED, TaskWeek, calendar_days, limits, task_states, task_week, tasks_as_of
from housing.weekly import Weekly, weekly_changes
from housing.workdays import beyond_calendar, covered_years
from store.versions import Version

MISSING = "—"


@dataclass(frozen=True, eq=False)
class BriefingData:
    """What one published version (or one workbook) yields at one as-of date, for every district.

    ``projects`` are judged (``status``, ``level``, ``reasons``, ``days_to_deadline``); ``previous`` is the
    version a week before judged as of its own publication day (``None``: no earlier version, or a workbook);
    ``baselines`` and ``first_known`` are by project key (``ui``'s former helpers, now ``briefing.source``).
    """

    as_of: dt.date
    projects: pd.DataFrame
    stage_dates: pd.DataFrame
    regions: Mapping[str, str]  # {"zh": "济南市", "en": "Jinan"}
    target_projects: int = 0  # the year's published target in projects (0: those due in the year)
    version: Version | None = None
    filename: str = ""  # the workbook's file name when the data is not a published version
    previous: pd.DataFrame | None = None
    compare_id: int | None = None
    baselines: pd.Series | None = None
    first_known: pd.Series | None = None
    timezone: str = "Asia/Shanghai"
    sample: bool = False  # the data is (or holds) the bundled sample
    # Supervision tasks (``store.tasks.tasks_frame``) for published data; ``None`` for a workbook (no database).
    tasks: pd.DataFrame | None = None

    def scoped(self, districts: tuple[str, ...]) -> pd.DataFrame:
        """The projects of the chosen districts (empty choice: all)."""
        return filter_projects(self.projects, list(districts), [])

    def region(self, lang: str, districts: tuple[str, ...] = ()) -> str:
        """The one district chosen, or the data's region."""
        return districts[0] if len(districts) == 1 else self.regions.get(lang, self.regions.get("zh", ""))


# --- small texts ----------------------------------------------------------------------------------------------


def status_text(status: str, lang: str) -> str:
    """``■ 已逾期``: icon and label, so the status never rests on colour alone."""
    return f"{STATUS_ICONS[status]} {status_label(status, lang)}"


def reason_texts(reasons, lang: str, stage: bool = True) -> tuple[str, ...]:
    """Every reason in words, in full; ``stage=False`` leaves out the stage (shown in its own column)."""
    if not isinstance(reasons, tuple | list):
        return ()
    return tuple(render(r, lang) for r in reasons if stage or r[0] != "reason_stage")


def joined(texts, lang: str) -> str:
    """Sentences as one line, with the language's separator."""
    return ("；" if lang == "zh" else "; ").join(texts)


def _text(value) -> str:
    return value if isinstance(value, str) and value.strip() else MISSING


def _count_cell(value) -> B.Cell:
    known = value is not None and not pd.isna(value)
    return B.Cell(int(value) if known else None, fmt_int(value) if known else MISSING)


def _area_cell(value) -> B.Cell:
    known = value is not None and not pd.isna(value)
    return B.Cell(float(value) if known else None, fmt_wan(value) if known else MISSING)


def _date_cell(value, lang: str) -> B.Cell:
    day = None if value is None or pd.isna(value) else pd.Timestamp(value).date()
    return B.Cell(day, fmt_date(day, lang) or MISSING)


def _text_cell(value) -> B.Cell:
    text = _text(value)
    return B.Cell(None if text == MISSING else text, text)


def _same(text: str) -> B.Cell:
    """A text cell whose raw value is its text."""
    return B.Cell(text, text)


def _plain(value) -> str:
    """Workbook text as given, or empty when the cell was blank."""
    return value if isinstance(value, str) else ""


def rows_of(frame: pd.DataFrame) -> Iterator[dict]:
    """The frame's rows as plain dicts of column values, in order: what ``iterrows`` gives a table builder, read
    column by column instead of boxing a Series per row (a risk list can hold thousands of projects)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return (dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True))


def _reasons_cell(reasons, lang: str, stage: bool = True) -> B.Cell:
    """Every reason, in full, as one cell."""
    return _same(joined(reason_texts(reasons, lang, stage), lang))


def _days_cell(value) -> B.Cell:
    known = value is not None and not pd.isna(value)
    return B.Cell(int(value) if known else None, f"{int(value):,}" if known else MISSING)


def figure_dict(figure: go.Figure) -> dict:
    """A Plotly figure as a JSON-safe dictionary (dates as ISO text, arrays as lists)."""
    return json.loads(figure.to_json())


# --- headline figures -----------------------------------------------------------------------------------------


def headline_block(projects: pd.DataFrame, as_of: dt.date, target_projects: int, lang: str) -> B.Headlines:
    """The overview's headline figures (``housing.rollup.kpis``) against the year's target."""
    k = kpis(projects, as_of, target_projects)
    items = [
        B.Headline("projects", t("kpi_projects", lang), t("kpi_projects_unit", lang, count=fmt_int(k.projects))),
        B.Headline(
            "households",
            t("kpi_households", lang),
            fmt_size(k.households, lang),
            target=t("kpi_waiting", lang, households=fmt_size(k.waiting_households, lang)),
        ),
        B.Headline("area", t("kpi_area", lang), fmt_wan(k.floor_area_m2)),
        B.Headline(
            "done",
            t("kpi_done", lang),
            t("kpi_projects_unit", lang, count=fmt_int(k.done_projects)),
            target=t("kpi_households_unit", lang, households=fmt_size(k.done_households, lang)),
            status=DONE,
        ),
        B.Headline(
            "year",
            t("kpi_year", lang, year=k.year),
            t("kpi_year_value", lang, done=fmt_int(k.year_done_projects), target=fmt_int(k.target_projects)),
            target=t(
                "kpi_year_households",
                lang,
                done=fmt_size(k.year_done_households, lang),
                target=fmt_size(k.target_households, lang),
            ),
        ),
        B.Headline("overdue", t("kpi_overdue", lang), fmt_int(k.overdue), status=OVERDUE),
        B.Headline("at_risk", t("kpi_at_risk", lang), fmt_int(k.at_risk), status=AT_RISK),
    ]
    if k.investment_rate is not None:  # only when the workbook gives investment figures
        target = t(
            "kpi_investment_rate_help", lang, done=fmt_wan(k.investment_done), planned=fmt_wan(k.investment_planned)
        )
        items.append(
            B.Headline(
                "investment", t("kpi_investment_rate", lang), fmt_percent(k.investment_rate / 100, 1), target=target
            )
        )
    return B.Headlines(tuple(items))


def place_headline_block(projects: pd.DataFrame, as_of: dt.date, lang: str) -> B.Headlines:
    """A place's figures (the districts page at every level): projects, households, waiting, handed over,
    万㎡, overdue, at risk."""
    k = kpis(projects, as_of)
    done_projects = t("dd_kpi_done_projects", lang, count=fmt_int(k.done_projects))
    return B.Headlines(
        (
            B.Headline("projects", t("kpi_projects", lang), t("kpi_projects_unit", lang, count=fmt_int(k.projects))),
            B.Headline("households", t("kpi_households", lang), fmt_size(k.households, lang)),
            B.Headline("waiting", t("dd_kpi_waiting", lang), fmt_size(k.waiting_households, lang)),
            B.Headline(
                "done", t("dd_kpi_done", lang), fmt_size(k.done_households, lang), target=done_projects, status=DONE
            ),
            B.Headline("area", t("kpi_area", lang), fmt_wan(k.floor_area_m2)),
            B.Headline("overdue", t("kpi_overdue", lang), fmt_int(k.overdue), status=OVERDUE),
            B.Headline("at_risk", t("kpi_at_risk", lang), fmt_int(k.at_risk), status=AT_RISK),
        )
    )


# --- what changed ---------------------------------------------------------------------------------------------

# (key, catalogue label, Weekly attribute): the week's counts in the order the changes page shows them.
WEEK_COUNTS = (
    ("turned_red", "wk_turned_red", "turned_red"),
    ("turned_yellow", "wk_turned_yellow", "turned_yellow"),
    ("recovered", "wk_recovered", "recovered"),
    ("eased", "wk_eased", "eased"),
    ("cleared", "wk_cleared", "cleared"),
    ("slips", "wk_slips", "slips"),
    ("stages", "wk_stages", "stages_completed"),
    ("handed_over", "wk_handed_over", "handed_over"),
)
WEEK_STATUS = {"turned_red": OVERDUE, "turned_yellow": AT_RISK, "handed_over": DONE}


def week_block(weekly: Weekly, lang: str) -> B.Headlines:
    """The week's counts: turned red / yellow, recovered, eased, cleared, slips, stages, handovers, added,
    removed (``housing.weekly``)."""
    items = [
        B.Headline(key, t(label, lang), fmt_int(len(getattr(weekly, attr))), status=WEEK_STATUS.get(key))
        for key, label, attr in WEEK_COUNTS
    ]
    households = t("kpi_households_unit", lang, households=fmt_int(weekly.handed_over_households))
    items[-1] = B.Headline(items[-1].key, items[-1].label, items[-1].value, target=households, status=DONE)
    items.append(B.Headline("added", t("chg_added", lang), fmt_int(len(weekly.changes.added))))
    items.append(B.Headline("removed", t("chg_removed", lang), fmt_int(len(weekly.changes.removed))))
    return B.Headlines(tuple(items))


def weekly_between(previous: pd.DataFrame, current: pd.DataFrame, as_of: dt.date, districts=()) -> Weekly:
    """The changes from an earlier judged version to the current one, both narrowed to the same districts."""
    old = filter_projects(previous, list(districts), [])
    new = filter_projects(current, list(districts), [])
    return weekly_changes(old, new, as_of)


def _who(name, district) -> tuple[B.Cell, B.Cell]:
    return _text_cell(name), _same(_text(district))


def _level(status, level, lang: str) -> str:
    if not isinstance(status, str):
        return MISSING
    shown = status_text(status, lang)
    return (
        f"{shown} · {t(f'wk_level_{level}', lang)}" if isinstance(level, str) and level in ("red", "yellow") else shown
    )


def _naming_columns(lang: str) -> tuple[B.Column, ...]:
    """The columns that name a project in the week's tables: name, district, households."""
    return (
        B.Column("name", t("col_name", lang)),
        B.Column("district", t("col_district", lang)),
        B.Column("households", t("col_households", lang), B.COUNT),
    )


def _moves_table(key: str, frame: pd.DataFrame, lang: str) -> B.Table:
    """Turned red / yellow: who, households, the standing before and after, today's reasons in full."""
    columns = (
        *_naming_columns(lang),
        B.Column("before", t("wk_before", lang), B.STATUS),
        B.Column("after", t("wk_after", lang), B.STATUS),
        B.Column("reasons", t("col_reasons", lang)),
    )
    rows = tuple(
        (
            *_who(r["name_new"], r["district_new"]),
            _count_cell(r["households_new"]),
            B.Cell(r["status_old"], _level(r["status_old"], r["level_old"], lang)),
            B.Cell(r["status_new"], _level(r["status_new"], r["level_new"], lang)),
            _reasons_cell(r["reasons_new"], lang),
        )
        for r in rows_of(frame)
    )
    return B.Table(key, columns, rows, tuple(r for r in frame["status_new"]) if len(frame) else ())


def _slips_table(slips: pd.DataFrame, lang: str) -> B.Table:
    """Deadline slips: old and new deadline, days lost."""
    columns = (
        B.Column("name", t("col_name", lang)),
        B.Column("district", t("col_district", lang)),
        B.Column("old", t("wk_old_deadline", lang), B.DATE),
        B.Column("new", t("wk_new_deadline", lang), B.DATE),
        B.Column("days", t("wk_slip_days", lang), B.DAYS),
    )
    rows = tuple(
        (
            *_who(r["name"], r["district"]),
            _date_cell(r["old"], lang),
            _date_cell(r["new"], lang),
            _days_cell(r["delta"]),
        )
        for r in rows_of(slips)
    )
    return B.Table("slips", columns, rows)


def _handovers_table(frame: pd.DataFrame, lang: str) -> B.Table:
    """Projects handed over this week, with households and date."""
    columns = (
        *_naming_columns(lang),
        B.Column("handed_over", t("col_handed_over", lang), B.DATE),
    )
    rows = tuple(
        (*_who(r["name_new"], r["district_new"]), _count_cell(r["households"]), _date_cell(r["handed_over_new"], lang))
        for r in rows_of(frame)
    )
    return B.Table("handed_over", columns, rows, tuple(DONE for _ in rows))


def _project_list(key: str, frame: pd.DataFrame, lang: str) -> B.Table:
    """Projects added or removed: name, district, households, 万㎡, deadline."""
    columns = (
        *_naming_columns(lang),
        B.Column("area", t("col_area", lang), B.WAN_M2),
        B.Column("deadline", t("col_deadline", lang), B.DATE),
    )
    rows = tuple(
        (
            *_who(r["name"], r["district"]),
            _count_cell(r["households"]),
            _area_cell(r["floor_area_m2"]),
            _date_cell(r["deadline"], lang),
        )
        for r in rows_of(frame)
    )
    return B.Table(key, columns, rows)


def week_lists(weekly: Weekly) -> list[tuple[str, pd.DataFrame]]:
    """The week's lists, most pressing first, each under its heading key; added and removed projects most
    households first (so the rows a capped table keeps are the ones that matter most)."""
    return [
        ("wk_turned_red", weekly.turned_red),
        ("wk_turned_yellow", weekly.turned_yellow),
        ("wk_slips", weekly.slips),
        ("wk_handed_over", weekly.handed_over),
        ("chg_added", largest_first(weekly.changes.added)),
        ("chg_removed", largest_first(weekly.changes.removed)),
    ]


WEEK_BUILDERS: dict[str, Callable[[pd.DataFrame, str], B.Table]] = {
    "wk_turned_red": lambda frame, lang: _moves_table("turned_red", frame, lang),
    "wk_turned_yellow": lambda frame, lang: _moves_table("turned_yellow", frame, lang),
    "wk_slips": _slips_table,
    "wk_handed_over": _handovers_table,
    "chg_added": lambda frame, lang: _project_list("added", frame, lang),
    "chg_removed": lambda frame, lang: _project_list("removed", frame, lang),
}


def week_tables(weekly: Weekly, lang: str, limit: int | None = None) -> list[tuple[str, B.Table]]:
    """The week's lists that have rows, most pressing first, each with its heading; with ``limit``, each list's
    first ``limit`` rows only (only those are phrased)."""
    tables = [(title, WEEK_BUILDERS[title](frame.iloc[:limit], lang)) for title, frame in week_lists(weekly)]
    return [(title, table) for title, table in tables if table.rows]


# --- projects -------------------------------------------------------------------------------------------------


def risk_block(flagged: pd.DataFrame, lang: str, key: str = "risk", empty: str = "") -> B.Table:
    """Flagged projects in the order given: status, name, district, households, deadline, stage, every reason
    in full (the stage has its own column), responsible unit."""
    columns = (
        B.Column("status", t("col_status", lang), B.STATUS),
        *_naming_columns(lang),
        B.Column("deadline", t("col_deadline", lang), B.DATE),
        B.Column("stage", t("col_stage", lang)),
        B.Column("reasons", t("col_reasons", lang)),
        B.Column("unit", t("col_unit", lang)),
    )
    rows = tuple(
        (
            B.Cell(r["status"], status_text(r["status"], lang)),
            _text_cell(r["name"]),
            _same(_plain(r["district"]) or UNNAMED),
            _count_cell(r["households"]),
            _date_cell(r["deadline"], lang),
            _same(_plain(r["stage"])),
            _reasons_cell(r["reasons"], lang, stage=False),
            _same(_plain(r["unit"])),
        )
        for r in rows_of(flagged)
    )
    return B.Table(key, columns, rows, tuple(flagged["status"]), empty)


def place_projects_block(ordered: pd.DataFrame, lang: str, key: str = "projects") -> B.Table:
    """A place's projects in the order given (the districts page's list, most urgent first): status, name,
    households, 万㎡, deadline, stage, every reason in full (the stage has its own column)."""
    columns = (
        B.Column("status", t("col_status", lang), B.STATUS),
        B.Column("name", t("col_name", lang)),
        B.Column("households", t("col_households", lang), B.COUNT),
        B.Column("area", t("dd_col_area", lang), B.WAN_M2),
        B.Column("deadline", t("col_deadline", lang), B.DATE),
        B.Column("stage", t("col_stage", lang)),
        B.Column("reasons", t("col_reasons", lang)),
    )
    rows = tuple(
        (
            B.Cell(r["status"], status_text(r["status"], lang)),
            _text_cell(r["name"]),
            _count_cell(r["households"]),
            _area_cell(r["floor_area_m2"]),
            _date_cell(r["deadline"], lang),
            _same(_plain(r["stage"])),
            _reasons_cell(r["reasons"], lang, stage=False),
        )
        for r in rows_of(ordered[["status", "name", "households", "floor_area_m2", "deadline", "stage", "reasons"]])
    )
    return B.Table(key, columns, rows, tuple(ordered["status"]))


def _optional(project: pd.Series, column: str) -> str:
    return _plain(project.get(column)).strip()


def project_facts(project: pd.Series, baseline: pd.Series | None, lang: str) -> B.Facts:
    """A red project's figures: households, 万㎡, deadline and days overdue, the move against its first
    published deadline, stage, and the responsible unit and leader when the workbook names them."""
    days = project["days_to_deadline"]
    overdue = t("pj_days_over", lang, days=days_text(-int(days), lang)) if pd.notna(days) and days < 0 else MISSING
    stage_id = project["stage_id"]
    items = [
        (t("col_households", lang), fmt_int(project["households"]) or MISSING),
        (t("kpi_area", lang), fmt_wan(project["floor_area_m2"]) or MISSING),
        (t("col_deadline", lang), fmt_date(project["deadline"], lang) or MISSING),
        (t("bf_overdue_by", lang), overdue),
    ]
    if baseline is not None and pd.notna(baseline["slip_days"]) and baseline["slip_days"] != 0:
        moved = moved_text(baseline["slip_days"], lang)
        items.append(
            (
                t("pg_baseline", lang),
                t("bf_baseline_moved", lang, date=fmt_date(baseline["baseline"], lang), moved=moved),
            )
        )
    items.append(
        (t("col_stage", lang), stage_name(stage_id, lang) if isinstance(stage_id, str) else _text(project["stage"]))
    )
    items += [(t(key, lang), _optional(project, col)) for key, col in (("col_unit", "unit"), ("col_leader", "leader"))]
    return B.Facts(tuple((label, value) for label, value in items if value))


def red_slide(data: BriefingData, index, lang: str, baselines: pd.DataFrame | None) -> B.Slide:
    """One overdue project: its figures, every reason in full, and its stages planned against actual."""
    project = data.projects.loc[index]
    reasons = reason_texts(project["reasons"], lang)
    plan = stage_plan(data.stage_dates, project["name"], project["district"], data.as_of, project["stage_id"])
    if plan.empty:
        stages: B.Block = B.Note(t("pj_no_stages", lang))
    else:
        alt = t("bf_stages_alt", lang, name=project["name"])
        stages = B.Chart(f"stages-{index}", figure_dict(stage_timeline(plan, data.as_of, lang)), alt)
    place = " · ".join(p for p in (project["district"], project["street"]) if isinstance(p, str))
    baseline = baselines.loc[index] if baselines is not None else None
    return B.Slide(
        f"red-{index}",
        str(project["name"]),
        (project_facts(project, baseline, lang), B.Reasons(reasons), stages),
        subtitle=place,
        status=OVERDUE,
        notes="\n".join(reasons),
    )


# --- sections -------------------------------------------------------------------------------------------------


def version_label(data: BriefingData, lang: str) -> str:
    """``第 12 版 · 2021年4月30日 16:05 上传`` for a published version, else the workbook's file name."""
    if data.version is None:
        return t("bf_file", lang, file=data.filename)
    when = fmt_datetime(data.version.created_at, lang, data.timezone)
    return t("bf_version", lang, version=data.version.id, time=when)


def title_section(data: BriefingData, lang: str, districts: tuple[str, ...]) -> B.Section:
    """The title slide: region, as-of date, data version and its upload time (and the districts chosen)."""
    facts = [(t("as_of", lang), fmt_date(data.as_of, lang)), (t("bf_data", lang), version_label(data, lang))]
    if len(districts) > 1:
        facts.append((t("filter_districts", lang), fmt_list(districts, lang)))
    blocks: list[B.Block] = [B.Facts(tuple(facts))]
    if data.sample:
        blocks.append(B.Note(t("bf_sample", lang), "warning"))
    title = t("bf_title", lang, region=data.region(lang, districts))
    return B.Section(B.TITLE, title, (B.Slide("title", title, tuple(blocks)),))


def headline_section(data: BriefingData, lang: str, districts: tuple[str, ...]) -> tuple[B.Slide, ...]:
    """The headline figures against the year's target."""
    projects = data.scoped(districts)
    if projects.empty:
        return (B.Slide("headline", t("bf_sec_headline", lang), (B.Note(t("bf_no_projects", lang), "warning"),)),)
    block = headline_block(projects, data.as_of, data.target_projects, lang)
    caption = B.Note(t("as_of_caption", lang, date=fmt_date(data.as_of, lang)))
    return (B.Slide("headline", t("bf_sec_headline", lang), (block, caption)),)


def changes_section(data: BriefingData, lang: str, districts: tuple[str, ...]) -> tuple[B.Slide, ...]:
    """The week's counts, then its lists (turned red / yellow, slips, handovers, added, removed)."""
    title = t("sec_week", lang)
    if data.version is None:
        return (B.Slide("changes", title, (B.Note(t("bf_no_versions", lang)),)),)
    if data.previous is None or data.compare_id is None:
        return (B.Slide("changes", title, (B.Note(t("wk_first_version", lang, version=data.version.id)),)),)
    weekly = weekly_between(data.previous, data.projects, data.as_of, districts)
    caption = t("wk_caption", lang, old=data.compare_id, new=data.version.id)
    counts = B.Slide("changes", title, (week_block(weekly, lang),), subtitle=caption)
    if weekly.empty:
        return (counts, B.Slide("changes-none", title, (B.Note(t("wk_nothing", lang)),), subtitle=caption))
    # A week in which a province's register changed throughout lists tens of thousands of rows: the meeting reads
    # the first ``briefing_table_rows`` of each list and a count of the rest (the full lists: the changes page).
    limit = max(int(get_setting("briefing_table_rows")), 1)
    sizes = {heading: len(frame) for heading, frame in week_lists(weekly)}
    lists = tuple(
        B.Slide(f"changes-{table.key}", t(heading, lang), _capped(table, sizes[heading], limit, lang), subtitle=caption)
        for heading, table in week_tables(weekly, lang, limit)
    )
    return (counts, *lists)


def _capped(table: B.Table, size: int, limit: int, lang: str) -> tuple[B.Block, ...]:
    """A week's list cut at ``limit`` rows, with a note counting the rows left out when there are any."""
    if size <= limit:
        return (table,)
    return (table, B.Note(t("bf_week_capped", lang, shown=fmt_int(limit), rest=fmt_int(size - limit))))


def red_section(data: BriefingData, lang: str, districts: tuple[str, ...]) -> tuple[B.Slide, ...]:
    """One slide per overdue project, longest late first; a note when there is none."""
    projects = data.scoped(districts)
    red = urgent_first(projects)
    red = red[red["status"] == OVERDUE]
    if red.empty:
        note = B.Note(t("bf_no_red", lang, date=fmt_date(data.as_of, lang)))
        return (B.Slide("red-none", t("bf_sec_red", lang), (note,)),)
    baselines = baseline_frame(data.projects, data.baselines) if data.baselines is not None else None
    shown = max(int(get_setting("briefing_red_slides")), 0)
    slides = tuple(red_slide(data, index, lang, baselines) for index in red.index[:shown])
    if len(red) <= shown:
        return slides
    # Thousands of red projects would be thousands of slides: the longest late get one each, the rest a table.
    rest = red.iloc[shown:]
    note = B.Note(
        t(
            "bf_red_capped",
            lang,
            count=fmt_count(len(red), "count.projects", lang),
            shown=fmt_int(min(shown, len(red))),
            rest=fmt_int(len(rest)),
        ),
        "warning",
    )
    blocks = (note, *capped_risk_table(rest, lang, "red-rest"))
    return (*slides, B.Slide("red-rest", t("bf_red_rest", lang), blocks, status=OVERDUE))


def capped_risk_table(flagged: pd.DataFrame, lang: str, key: str) -> tuple[B.Block, ...]:
    """The most urgent ``briefing_table_rows`` of ``flagged`` as a table, and a note counting the rest: a
    meeting reads dozens of rows, not thousands (the full list is the overview's Excel download)."""
    limit = max(int(get_setting("briefing_table_rows")), 1)
    table = risk_block(flagged.iloc[:limit], lang, key=key)
    if len(flagged) <= limit:
        return (table,)
    return (table, B.Note(t("bf_table_capped", lang, rest=fmt_int(len(flagged) - limit), shown=fmt_int(limit))))


def yellow_section(data: BriefingData, lang: str, districts: tuple[str, ...]) -> tuple[B.Slide, ...]:
    """The at-risk projects as one table with every reason; a note when there is none."""
    flagged = urgent_first(data.scoped(districts))
    yellow = flagged[flagged["status"] == AT_RISK]
    title = t("bf_sec_yellow", lang)
    if yellow.empty:
        return (B.Slide("yellow", title, (B.Note(t("bf_no_yellow", lang, date=fmt_date(data.as_of, lang))),)),)
    blocks = capped_risk_table(yellow, lang, "yellow")
    return (B.Slide("yellow", title, blocks, subtitle=t("bf_yellow_count", lang, count=fmt_int(len(yellow)))),)


def districts_block(projects: pd.DataFrame, lang: str) -> B.Table:
    """Per district: projects, households, handed over and waiting, 万㎡, overdue and at-risk counts."""
    table = by_district(projects)
    counts = ("projects", "households", "done_households", "waiting_households")
    columns = (
        B.Column("district", t("col_district", lang)),
        *(B.Column(c, t(f"col_{c}", lang), B.COUNT) for c in counts),
        B.Column("floor_area_m2", t("col_area", lang), B.WAN_M2),
        B.Column("overdue", t("col_overdue", lang), B.COUNT),
        B.Column("at_risk", t("col_at_risk", lang), B.COUNT),
    )
    keys = [c.key for c in columns]
    rows = tuple(
        tuple(_same(str(r[k])) if k == "district" else _cell_for(c.kind, r[k]) for k, c in zip(keys, columns))
        for r in rows_of(table)
    )
    return B.Table("districts", columns, rows)


def _cell_for(kind: str, value) -> B.Cell:
    return _area_cell(value) if kind == B.WAN_M2 else _count_cell(value)


SLIDE_BARS_TOP = 8  # district bars named on a slide, where the chart shares the page with the figures above it


def districts_chart(projects: pd.DataFrame, lang: str, top: int = BARS_TOP) -> B.Chart:
    """Households handed over and waiting per district, as stacked bars (``briefing.charts``): the ``top``
    largest and one bar for the rest (the districts table lists every one)."""
    table = by_district(projects)
    shown = top_with_others(table, "district", lang, top)  # the alt text names what the bars name
    alt = joined(
        (
            t("bf_district_alt", lang, district=d, done=fmt_int(h), waiting=fmt_int(w))
            for d, h, w in zip(shown["district"], shown["done_households"], shown["waiting_households"])
        ),
        lang,
    )
    figure = households_bars(table, "district", lang, top=top)
    return B.Chart("districts", figure_dict(figure), alt, int(figure.layout.height or 480))


def districts_section(data: BriefingData, lang: str, districts: tuple[str, ...]) -> tuple[B.Slide, ...]:
    """Households per district (handed over / waiting) as bars, then the same figures as a table."""
    projects = data.scoped(districts)
    title = t("sec_districts", lang)
    if projects.empty:
        return (B.Slide("districts", title, (B.Note(t("bf_no_projects", lang), "warning"),)),)
    chart = B.Slide(
        "districts",
        title,
        (place_headline_block(projects, data.as_of, lang), districts_chart(projects, lang, SLIDE_BARS_TOP)),
    )
    table = B.Slide("districts-table", title, (districts_block(projects, lang),))
    return (chart, table)


TIMELINE_ROWS = 20  # projects on one timeline slide: with more, names and bars are too small for a projector


def timeline_parts(frame: pd.DataFrame, limit: int = TIMELINE_ROWS) -> list[pd.DataFrame]:
    """The timeline's projects (``timeline_frame``) in slides of whole districts, in district order, at most
    ``limit`` projects a slide; a district with more than ``limit`` projects is split over slides of its own."""
    parts: list[pd.DataFrame] = []
    current: list[pd.DataFrame] = []
    for _, group in frame.groupby("district", sort=True, dropna=False):
        for start in range(0, len(group), limit):
            piece = group.iloc[start : start + limit]
            if current and sum(map(len, current)) + len(piece) > limit:
                parts.append(pd.concat(current))
                current = []
            current.append(piece)
    return parts + ([pd.concat(current)] if current else [])


def timeline_span(frame: pd.DataFrame) -> pd.Series:
    """Every date of the timeline's projects: the axis all its slides share."""
    return pd.concat([frame["begin"], frame["deadline"], frame["handed_over"]], ignore_index=True)


def timeline_chart(
    projects: pd.DataFrame,
    as_of: dt.date,
    lang: str,
    first_known: pd.Series | None,
    span: pd.Series | None = None,
) -> B.Chart | B.Note:
    """The portfolio timeline (one bar per project, coloured by status, the as-of line), or a note when no
    project has a date."""
    if timeline_frame(projects).empty:
        return B.Note(t("empty_timeline", lang))
    figure = timeline(projects, as_of, lang, first_known, span)
    return B.Chart("timeline", figure_dict(figure), t("timeline_caption", lang), int(figure.layout.height or 480))


def timeline_subtitle(part: pd.DataFrame, number: int, count: int, lang: str) -> str:
    """Which districts a slide of a split timeline shows, and which of the slides it is."""
    if count == 1:
        return ""
    districts = fmt_list(part["district"].fillna(MISSING).unique(), lang)
    return t("bf_timeline_part", lang, districts=districts, number=number, count=count)


def summarised(projects: pd.DataFrame) -> bool:
    """Whether the timeline of ``projects`` is summed by month (more than ``chart_project_limit`` projects)
    rather than drawn a bar per project."""
    return len(projects) > int(get_setting("chart_project_limit"))


def summary_column(projects: pd.DataFrame) -> str:
    """The rows of a month summary: districts, or the streets when the projects are all in one district."""
    return "street" if "street" in projects and projects["district"].nunique(dropna=False) == 1 else "district"


SLIDE_SUMMARY_TOP = 5  # named rows of the month summary on a slide (six in all: each keeps its height on a projector)


def summary_caption(projects: pd.DataFrame, column: str, lang: str, top: int = SUMMARY_TOP) -> str:
    """What the month summary shows: how many projects, the limit, the rows; quarters and undated projects."""
    key = "timeline_summary_caption_streets" if column == "street" else "timeline_summary_caption"
    limit = int(get_setting("chart_project_limit"))
    count = fmt_count(len(projects), "count.projects", lang)
    parts = [t(key, lang, count=count, limit=fmt_int(limit), top=fmt_int(top))]
    if summary_period(projects["deadline"]) == "Q":
        parts.append(t("timeline_summary_quarters", lang))
    undated = int(projects["deadline"].isna().sum())
    if undated:
        parts.append(t("timeline_undated", lang, count=fmt_count(undated, "count.projects", lang)))
    return " ".join(parts) if lang == "en" else "".join(parts)


def summary_chart(projects: pd.DataFrame, as_of: dt.date, lang: str) -> B.Chart | B.Note:
    """The month summary of the timeline (``briefing.charts.timeline_summary``) as a slide's chart block (six
    rows, dates under the last), or a note when no project has a deadline."""
    if projects["deadline"].isna().all():
        return B.Note(t("empty_timeline", lang))
    column = summary_column(projects)
    figure = timeline_summary(projects, as_of, lang, column, SLIDE_SUMMARY_TOP, dates_every_row=False)
    return B.Chart(
        "timeline-summary",
        figure_dict(figure),
        summary_caption(projects, column, lang, SLIDE_SUMMARY_TOP),
        int(figure.layout.height or 480),
    )


def timeline_section(data: BriefingData, lang: str, districts: tuple[str, ...]) -> tuple[B.Slide, ...]:
    """The portfolio timeline, over as many slides as it takes to keep every project's row readable (whole
    districts on a slide, one date axis for all); above ``chart_project_limit`` projects, one slide of the month
    summary instead (a bar per project would be hundreds of slides nobody reads)."""
    projects = data.scoped(districts)
    frame = timeline_frame(projects, data.first_known)
    title = t("sec_timeline", lang)
    if frame.empty:
        return (B.Slide("timeline", title, (B.Note(t("empty_timeline", lang)),)),)
    if summarised(projects):
        note = t("bf_timeline_summary", lang, count=fmt_count(len(projects), "count.projects", lang))
        return (B.Slide("timeline", title, (summary_chart(projects, data.as_of, lang),), subtitle=note),)
    parts, span = timeline_parts(frame), timeline_span(frame)
    return tuple(
        B.Slide(
            "timeline",
            title,
            (timeline_chart(part, data.as_of, lang, data.first_known, span),),
            subtitle=timeline_subtitle(part, number, len(parts), lang),
        )
        for number, part in enumerate(parts, start=1)
    )


# --- supervision tasks (督办事项) ---------------------------------------------------------------------------------


def scoped_tasks(tasks: pd.DataFrame, districts: tuple[str, ...]) -> pd.DataFrame:
    """The tasks of the chosen districts (empty choice: all, those without a district included)."""
    if not districts or tasks.empty:
        return tasks
    return tasks[tasks["district"].isin(list(districts)).to_numpy(bool)]


def tasks_block(week: TaskWeek, lang: str) -> B.Headlines:
    """The week's task counts: raised, steps missed, done; open now; the 1-3-7 compliance rate so far."""
    rate = week.on_time / week.judged if week.judged else None
    rate_target = t("bf_tasks_rate_of", lang, on_time=fmt_int(week.on_time), judged=fmt_int(week.judged))
    return B.Headlines(
        (
            B.Headline("tasks_new", t("bf_tasks_new", lang), fmt_int(len(week.new))),
            B.Headline(
                "tasks_missed",
                t("bf_tasks_missed", lang),
                fmt_int(len(week.missed)),
                status=OVERDUE if len(week.missed) else None,
            ),
            B.Headline(
                "tasks_done", t("bf_tasks_done", lang), fmt_int(len(week.done)), status=DONE if len(week.done) else None
            ),
            B.Headline("tasks_open", t("bf_tasks_open", lang), fmt_int(week.open)),
            B.Headline(
                "tasks_rate",
                t("bf_tasks_rate", lang),
                fmt_percent(rate, 1) if rate is not None else MISSING,
                target=rate_target,
            ),
        )
    )


def _task_columns(lang: str) -> tuple[B.Column, ...]:
    """The columns naming a task: what, which project, which unit, who."""
    return (
        B.Column("title", t("tk_col_title", lang)),
        B.Column("project", t("tk_col_project", lang)),
        B.Column("unit", t("tk_col_unit", lang)),
        B.Column("assignee", t("tk_col_assignee", lang)),
    )


def _task_cells(task: pd.Series) -> tuple[B.Cell, ...]:
    """A task's title, project, unit and assignee (the account's name when known, else its username)."""
    name = task.get("assignee_name")
    return (
        _text_cell(task["title"]),
        _text_cell(task["project"]),
        _text_cell(task["unit"]),
        _text_cell(name if isinstance(name, str) and name.strip() else task["assignee"]),
    )


def step_text(step: str, state: str, lang: str) -> str:
    """``回复 · 已超时未完成``: the step and how it stands."""
    return f"{t(f'tk_step_{step}', lang)} · {t(f'tk_state_{state}', lang)}"


def tasks_missed_table(tasks: pd.DataFrame, week: TaskWeek, lang: str) -> B.Table:
    """Every step not on time the meeting should hear of, longest overdue first: the task, the step and how
    it stands (open past its deadline, or recorded late), and the deadline."""
    columns = (
        *_task_columns(lang),
        B.Column("step", t("tk_col_step", lang)),
        B.Column("due", t("tk_col_due", lang), B.DATE),
    )
    rows = tuple(
        (
            *_task_cells(tasks.loc[m["task"]]),
            B.Cell(m["step"], step_text(m["step"], m["state"], lang)),
            _date_cell(m["due"], lang),
        )
        for _, m in week.missed.iterrows()
    )
    return B.Table("tasks_missed", columns, rows, tuple(OVERDUE for _ in rows), empty=t("bf_tasks_no_missed", lang))


def tasks_new_table(week: TaskWeek, lang: str, tz: str) -> B.Table:
    """The tasks raised in the week: the task, the day raised and the day it must be done by."""
    columns = (
        *_task_columns(lang),
        B.Column("raised", t("tk_col_raised", lang), B.DATE),
        B.Column("due", t("tk_col_done_due", lang), B.DATE),
    )
    states = task_states(week.new, week.as_of, tz=tz)
    rows = tuple(
        (*_task_cells(task), _date_cell(states.at[i, "raised_on"], lang), _date_cell(states.at[i, "done_due"], lang))
        for i, task in week.new.iterrows()
    )
    return B.Table("tasks_new", columns, rows)


def tasks_done_table(week: TaskWeek, lang: str) -> B.Table:
    """The tasks done in the week: the task, the day done, whether all three steps were on time, what was done."""
    columns = (
        *_task_columns(lang),
        B.Column("done", t("tk_col_done", lang), B.DATE),
        B.Column("on_time", t("tk_col_on_time", lang)),
        B.Column("note", t("tk_col_note", lang)),
    )
    rows = tuple(
        (
            *_task_cells(task),
            _date_cell(task["done_on"], lang),
            _same(t("bf_tasks_all_kept" if task["on_time"] else "bf_tasks_not_all_kept", lang)),
            _text_cell(task["done_note"]),
        )
        for _, task in week.done.iterrows()
    )
    return B.Table(
        "tasks_done", columns, rows, tuple(DONE if task["on_time"] else None for _, task in week.done.iterrows())
    )


def tasks_section(data: BriefingData, lang: str, districts: tuple[str, ...]) -> tuple[B.Slide, ...]:
    """The supervision tasks' week: counts, then every missed step, the tasks raised and those done."""
    title = t("bf_sec_tasks", lang)
    if data.tasks is None:
        return (B.Slide("tasks", title, (B.Note(t("bf_tasks_workbook", lang)),)),)
    tasks = scoped_tasks(data.tasks, districts)
    week = task_week(tasks, data.as_of, tz=data.timezone)
    caption = t(
        "bf_tasks_caption_calendar" if calendar_days() else "bf_tasks_caption",
        lang,
        start=fmt_date(week.since + dt.timedelta(days=1), lang),
        end=fmt_date(data.as_of, lang),
        limits="/".join(str(n) for n in limits().values()),
    )
    known = tasks_as_of(tasks, data.as_of, data.timezone)
    if known.empty:
        note = B.Note(t("bf_tasks_none", lang, date=fmt_date(data.as_of, lang)))
        return (B.Slide("tasks", title, (note,), subtitle=caption),)
    blocks: list[B.Block] = [tasks_block(week, lang)]
    beyond = _beyond_years(known, data.as_of, data.timezone)
    if beyond:
        last = covered_years().stop - 1
        blocks.append(
            B.Note(t("bf_tasks_beyond", lang, years=fmt_list([str(y) for y in beyond], lang), last=last), "warning")
        )
    slides = [B.Slide("tasks", title, tuple(blocks), subtitle=caption)]
    missed = tasks_missed_table(tasks, week, lang)
    slides.append(B.Slide("tasks-missed", t("bf_tasks_missed_title", lang), (missed,), subtitle=caption))
    for key, table in (
        ("bf_tasks_new_title", tasks_new_table(week, lang, data.timezone)),
        ("bf_tasks_done_title", tasks_done_table(week, lang)),
    ):
        if table.rows:
            slides.append(
                B.Slide(f"tasks-{table.key.removeprefix('tasks_')}", t(key, lang), (table,), subtitle=caption)
            )
    return tuple(slides)


def _beyond_years(tasks: pd.DataFrame, as_of: dt.date, tz: str) -> list[int]:
    """The uncovered years the open tasks' deadlines fall in (counted Monday to Friday, see housing.workdays)."""
    states = task_states(tasks, as_of, tz=tz)
    states = states[states["open"].to_numpy(bool)]
    dues = pd.concat([states[f"{step}_due"] for step in CLOCKED]).dropna().dt.date
    return sorted({d.year for d in dues if beyond_calendar(d)})


Builder = Callable[[BriefingData, str, tuple[str, ...]], tuple[B.Slide, ...]]
# Each section: its title key and the function that builds its slides, in the meeting's order.
SECTION_BUILDERS: dict[str, tuple[str, Builder]] = {
    B.HEADLINE: ("bf_sec_headline", headline_section),
    B.CHANGES: ("sec_week", changes_section),
    B.RED: ("bf_sec_red", red_section),
    B.YELLOW: ("bf_sec_yellow", yellow_section),
    B.TASKS: ("bf_sec_tasks", tasks_section),
    B.DISTRICTS: ("sec_districts", districts_section),
    B.TIMELINE: ("sec_timeline", timeline_section),
}


def build_briefing(
    data: BriefingData, lang: str, districts: tuple[str, ...] = (), sections: tuple[str, ...] = B.SECTIONS
) -> B.Briefing:
    """The whole briefing for ``data`` in ``lang``, narrowed to ``districts`` (empty: all), with the chosen
    ``sections`` (always in the meeting's order; the title slide always comes first)."""
    districts = tuple(districts)
    region = data.region(lang, districts)
    version = version_label(data, lang)
    footer = " · ".join((region, t("as_of_caption", lang, date=fmt_date(data.as_of, lang)), version))
    parts = [title_section(data, lang, districts)]
    for key in B.SECTIONS:
        if key in sections:
            title_key, builder = SECTION_BUILDERS[key]
            parts.append(B.Section(key, t(title_key, lang), builder(data, lang, districts)))
    title = parts[0].title
    return B.Briefing(lang, data.as_of, region, title, version, footer, districts, tuple(parts))
