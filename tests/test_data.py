"""ui.data.briefing_for: the page-side briefing, built from the same cached pieces the pages show."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from briefing import blocks as B
from briefing.build import week_block, week_tables, weekly_between
from housing.rollup import filter_projects
from service import actions
from service.roles import ADMIN, Actor
from ui.context import View
from ui.data import briefing_for, engine, judged, judged_version, load_source, rule_thresholds, weekly_for


def run(dataset: str, as_of: str, lang: str, districts: tuple = (), sections: tuple = ("headline", "red", "changes")):
    """The view a page would get for ``dataset`` at ``as_of`` (no sidebar filters but ``districts``), and the
    briefing ``briefing_for`` gives for it, with whether a second call came from the cache.

    Called outside a Streamlit run: ``st.cache_data`` then keeps its entries in memory, as it does in a run."""
    day = dt.date.fromisoformat(as_of)
    source, result = load_source(dataset, None)
    thresholds = rule_thresholds()
    classified = judged(source, result, day, thresholds)
    projects = filter_projects(classified, list(districts), [])
    view = View(lang, day, source, result, classified, projects, districts, thresholds)
    first = briefing_for(view, districts, sections)
    assert isinstance(first, B.Briefing)
    return first, briefing_for(view, districts, sections) == first


def test_the_published_sample_as_the_overview_shows_it():
    briefing, cached = run("published", "2026-11-21", "zh")
    assert cached and [s.key for s in briefing.sections] == ["title", "headline", "changes", "red"]
    figures = {h.key: h.value for h in briefing.sections[1].slides[0].blocks[0].items}
    # the overview's figures for the seeded sample (tests/test_app.py)
    assert figures == {
        "projects": "56个",
        "households": "67,650",
        "area": "959.95",
        "done": "17个",
        "year": "3 / 14个",
        "overdue": "7",
        "at_risk": "26",
    }
    assert briefing.version.startswith("第 1 版") and len(briefing.sections[3].slides) == 7
    assert briefing.sections[2].slides[0].blocks[0].text.startswith("第 1 版是第一个")  # nothing to compare yet


def test_a_bundled_sample_with_a_district():
    briefing, _ = run("zhangqiu_2021", "2021-05-01", "en", ("章丘区",))
    assert briefing.region == "章丘区" and briefing.districts == ("章丘区",)
    figures = {h.key: h.value for h in briefing.sections[1].slides[0].blocks[0].items}
    assert figures["households"] == "7,253" and figures["year"] == "0 / 15"
    assert "sample_zhangqiu_2021.xlsx" in briefing.version


def _published_twice():
    """The seeded sample as version 1 and, as version 2, the same with five deadlines 60 days later."""
    source, result = load_source("published", None)  # seeds version 1
    edited = result.projects.copy()
    edited.loc[edited.index[:5], "deadline"] = edited.loc[edited.index[:5], "deadline"] + pd.Timedelta(days=60)
    second = dataclasses.replace(result, projects=edited)
    actions.publish(engine(), Actor("admin", ADMIN), second, b"version 2", "v2.xlsx")
    return load_source("published", None)


@pytest.mark.parametrize("districts", [(), ("历城区",)])
def test_weekly_changes_from_the_cache_equal_those_computed_afresh(districts):
    source, result = _published_twice()
    day, thresholds = dt.date(2026, 11, 21), rule_thresholds()
    classified = judged(source, result, day, thresholds)
    view = View("zh", day, source, result, classified, filter_projects(classified, list(districts), []), districts)
    view = dataclasses.replace(view, thresholds=thresholds)
    fresh = weekly_between(judged_version(1, thresholds), classified, day, districts)
    cached = weekly_for(view, 1)
    assert len(fresh.slips) > 0
    assert week_tables(cached, "zh") == week_tables(fresh, "zh") and week_block(cached, "zh") == week_block(fresh, "zh")
    assert week_tables(weekly_for(view, 1), "en") == week_tables(fresh, "en")  # the second call: from the cache


def test_a_runs_changes_to_the_judged_register_stay_in_that_run():
    """Judged versions are kept once per process, not copied per run: what one run adds or sets must not
    reach the next run."""
    source, result = load_source("published", None)
    day, thresholds = dt.date(2026, 11, 21), rule_thresholds()
    first = judged(source, result, day, thresholds)
    households = first["households"].copy()
    first["extra"] = 1
    first.loc[first.index[0], "households"] = -5
    first["status"] = "changed"
    again = judged(source, result, day, thresholds)
    assert "extra" not in again and (again["status"] != "changed").all()
    assert again["households"].equals(households)


@pytest.mark.parametrize(
    ("uploader", "lang", "shown"),
    [
        ("系统 (示例数据)", "zh", "系统（示例数据）"),  # the bundled sample's seeding
        ("系统 (示例数据)", "en", "the system (sample data)"),
        ("system", "zh", "系统"),  # `python -m store import` without --by
        ("system", "en", "the system"),
        ("editor_li", "en", "editor_li"),
    ],
)
def test_uploader_label(uploader, lang, shown):
    from ui.data import uploader_label

    assert uploader_label(uploader, lang) == shown


def test_a_pages_figure_is_drawn_once_per_data_filters_and_language():
    import plotly.graph_objects as go

    from ui.data import view_figure

    day = dt.date(2026, 11, 21)
    source, result = load_source("published", None)
    thresholds = rule_thresholds()
    classified = judged(source, result, day, thresholds)
    drawn: list[str] = []

    def draw(label: str) -> go.Figure:
        drawn.append(label)
        return go.Figure(go.Bar(x=[label], y=[1]))

    def shown(lang: str, districts: tuple, *parts) -> dict:
        view = View(lang, day, source, result, classified, filter_projects(classified, list(districts), []), districts)
        view = dataclasses.replace(view, thresholds=thresholds)
        return view_figure(view, "test", lambda: draw(f"{lang}{districts}{parts}"), *parts)

    first = shown("zh", ())
    assert shown("zh", ()) == first and drawn == ["zh()()"]  # the same view again: from the cache
    shown("en", ())
    shown("zh", ("历城区",))
    shown("zh", (), "历城区")  # e.g. the timeline's own picker
    assert drawn == ["zh()()", "en()()", "zh('历城区',)()", "zh()('历城区',)"]
