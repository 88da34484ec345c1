"""AppTest of the 12345 hotline page (``views/hotline.py``) through the entrypoint, and the hotline on a
project's page and in the statuses (the surge rule)."""

from __future__ import annotations

from app_pages import open_page
from hotline_sample import SURGING, sample_tickets

from service import hotline as S
from service.roles import ADMIN, VIEWER, Actor
from store import versions as V
from store.db import open_database


def stored() -> None:
    """The sample export stored through the service into the app's database (migrated and seeded by a first run)."""
    db = open_database()
    projects = V.version_projects(db, V.current_version_id(db))
    S.store_export(db, Actor("admin", ADMIN), sample_tickets(projects), projects, "12345.csv", "00" * 32)


def test_before_any_upload_the_page_says_so():
    at = open_page("views/hotline.py")
    assert at.title[0].value == "济南市12345 热线"  # the region first, as every dashboard page
    assert "尚未导入12345热线工单。" in [i.value for i in at.info]


def test_rates_unmatched_and_double_100_months():
    open_page("views/overview.py")  # the first run migrates and seeds the sample
    stored()
    at = open_page("views/hotline.py")
    unmatched = at.dataframe[0].value
    assert list(unmatched.columns) == ["工单编号", "受理时间", "诉求内容", "区县"]
    assert "咨询公积金贷款政策" in unmatched["诉求内容"].tolist()
    assert [m.label for m in at.metric] == ["来电（件）", "回复率", "满意率"]
    assert "**2026年11月**（截至2026年11月21日）" in [m.value for m in at.markdown]  # the as-of date's month
    assert any("2026年8月" in s.value and "2026年10月" in s.value for s in at.success)
    by_district = at.dataframe[1].value
    assert list(by_district.columns) == ["区县", "周期", "来电（件）", "回复率", "已评价（件）", "满意率", "双百"]
    assert "双百" in by_district["双百"].tolist()
    by_project = at.dataframe[2].value
    assert SURGING[1] in by_project["项目名称"].tolist()


def test_english_and_weekly():
    open_page("views/overview.py")
    stored()
    at = open_page("views/hotline.py", lang="en")
    assert at.title[0].value == "Jinan: 12345 hotline"
    at.segmented_control(key="hl_period").set_value("week").run()
    assert not at.exception
    assert at.dataframe[1].value["Period"].str.startswith("Week of").all()


def test_a_viewer_sees_rates_but_no_upload():
    open_page("views/overview.py")
    stored()
    at = open_page("views/hotline.py", role=VIEWER)
    assert not at.get("file_uploader") and [m.label for m in at.metric][:1] == ["来电（件）"]
    assert not any(s.value == "未匹配的工单" for s in at.subheader)


def test_the_surge_shows_on_the_project_page_with_its_figures():
    open_page("views/overview.py")
    stored()
    at = open_page("views/project.py", district=SURGING[0], name=SURGING[1])
    text = " ".join(str(m.value) for m in at.markdown) + " ".join(str(c.value) for c in at.caption)
    text += " ".join(h.proto.body for h in at.get("html"))  # the reasons are an HTML list (views/project.py)
    assert "近7天12345来电 9 件" in text
    assert "12345 热线来电" in [s.value for s in at.subheader]
