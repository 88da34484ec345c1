"""AppTest of the 督办事项 page through the entrypoint, for each role: the open tasks with each step's state
(red only for a step not on time), the 1-3-7 rate, raising a task, an assignee recording their steps and
seeing their own open tasks first; and a project's tasks on its page."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pandas as pd
import pytest
from app_pages import account_for, open_page
from streamlit.testing.v1 import AppTest

from service import tasks as S
from service.roles import ADMIN, EDITOR, VIEWER, Actor
from store.db import open_database
from store.tasks import tasks_frame

PAGE = "views/tasks.py"
BOSS = Actor("admin", ADMIN)
ZHANG = Actor("zhang.wei", VIEWER)  # an assignee who may only look, and record their own tasks' steps
JIJIA = {"district": "济阳区", "name": "纪家安置房项目"}  # overdue: a red project of the sample
# The pages open as of 2026-11-21 (a Saturday; app_pages.open_page). 2026-11-02 is a Monday: its 1-3-7
# deadlines are 11-03, 11-05 and 11-11, all past.
LONG_AGO = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
THIS_WEEK = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def seed() -> dict[str, int]:
    """Three tasks: one missed entirely (raised long ago, no step), one kept in full, one raised this week."""
    account_for(ZHANG)
    account_for(BOSS)
    db = open_database()
    late = S.raise_task(
        BOSS,
        title="协调复工",
        unit="济阳区住建局",
        assignee="zhang.wei",
        project=JIJIA["name"],
        district=JIJIA["district"],
        at=LONG_AGO,
        engine=db,
    )
    kept = S.raise_task(BOSS, title="核实资金", unit="区财政局", assignee="admin", at=LONG_AGO, engine=db)
    for step, day in (("acknowledged", 2), ("replied", 4), ("done", 9)):
        S.advance_task(BOSS, kept, step, "已办", at=LONG_AGO.replace(day=day), engine=db)
    fresh = S.raise_task(BOSS, title="回复来电", unit="区信访局", assignee="zhang.wei", at=THIS_WEEK, engine=db)
    return {"late": late, "kept": kept, "fresh": fresh}


def tab_labels(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


def frames(at: AppTest) -> list:
    """The page's tables: its data frames and its task tables (HTML, ``ui.tasks.task_table_html``) as frames."""
    tables = [task_frame(h.proto.body) for h in at.get("html") if 'class="bf-table tv-tasks"' in h.proto.body]
    return [d.value for d in at.dataframe] + tables


def task_frame(body: str) -> pd.DataFrame:
    """An HTML task table as a frame of the texts shown, headed as on the page."""

    def texts(row: str, tag: str) -> list[str]:
        return [html.unescape(c) for c in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", row, flags=re.S)]

    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return pd.DataFrame([texts(r, "td") for r in rows[1:]], columns=texts(rows[0], "th"))


@pytest.mark.parametrize(
    ("role", "tabs"),
    [
        (VIEWER, ["在办事项", "“1-3-7”落实率", "办理"]),
        (EDITOR, ["在办事项", "“1-3-7”落实率", "办理", "交办事项", "批量导入"]),
        (ADMIN, ["在办事项", "“1-3-7”落实率", "办理", "交办事项", "批量导入"]),
    ],
)
def test_every_role_sees_the_tasks_and_only_the_actions_it_may(role, tabs):
    seed()
    at = open_page(PAGE, role=role)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "济南市督办事项"  # the region first, as every dashboard page
    assert tab_labels(at) == tabs
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["在办事项"], metrics["其中超时"], metrics["已办结"], metrics["全部事项"]) == ("2", "1", "1", "3")
    detail = next(f for f in frames(at) if "签收（1天）" in getattr(f, "columns", []))
    rows = {r["事项"].split(" ", 1)[1]: r for r in detail.to_dict("records")}
    assert rows["协调复工"]["签收（1天）"] == "■ 逾期 2026年11月3日"
    assert rows["回复来电"]["签收（1天）"].startswith("○ 待办 ")
    assert rows["协调复工"]["项目"] == "济阳区 · 纪家安置房项目"


def test_red_marks_only_the_steps_not_on_time():
    from ui.tasks import STATE_STYLES, task_table, with_states

    seed()
    tasks = with_states(tasks_frame(open_database()), dt.date(2026, 11, 21)).set_index("title", drop=False)
    styler = task_table(tasks.loc[["协调复工", "核实资金", "回复来电"]], "zh")
    styler._compute()
    columns = list(styler.data.columns)
    css = {(r, columns[c]): "; ".join(f"{k}: {v}" for k, v in styles) for (r, c), styles in styler.ctx.items()}
    red = STATE_STYLES["late_open"]
    steps = ("签收（1天）", "回复（3天）", "办结（7天）")
    assert [css.get((0, s), "") for s in steps] == [red] * 3  # missed entirely: every step red
    assert all("background" not in css.get((1, s), "") for s in steps)  # kept in full: none
    assert [css.get((2, s), "") for s in steps] == [""] * 3  # still due: plain
    assert not [k for k, v in css.items() if k[1] not in steps and v]  # nothing else coloured


def test_the_compliance_rate_by_month_and_unit():
    seed()
    at = open_page(PAGE)
    tables = [f for f in frames(at) if "“1-3-7”落实率" in getattr(f, "columns", [])]
    by_month, by_unit = (t.to_dict("records") for t in tables)
    # November: the kept task on time, the missed one late, this week's not judged yet -> 1 of 2
    assert by_month == [
        {
            "交办月份": "2026-11",
            "交办数": "3",
            "已到期或办结": "2",
            "三步均按时": "1",
            "超时": "1",
            "在办": "2",
            "“1-3-7”落实率": "50%",
        }
    ]
    rates = {r["责任单位"]: r["“1-3-7”落实率"] for r in by_unit}
    assert rates == {"区信访局": "—", "区财政局": "100%", "济阳区住建局": "0%"}
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert chart["data"][0]["x"] == ["2026-11"] and chart["data"][0]["text"] == ["50%（2 项）"]


def test_an_administrator_raises_a_task_through_the_form():
    seed()
    at = open_page(PAGE)
    at.text_input(key="tv_raise_form_title").input("督促交付")
    at.selectbox(key="tv_raise_form_project").select(("济阳区", "纪家安置房项目"))
    at.text_input(key="tv_raise_form_unit").input("济阳区城发集团")
    at.selectbox(key="tv_raise_form_assignee").select("zhang.wei")
    at.button(key="FormSubmitter:tv_raise_form-交办").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已交办事项" in s.value for s in at.success)
    new = tasks_frame(open_database()).set_index("title").loc["督促交付"]
    assert (new["project"], new["district"], new["unit"], new["assignee"], new["raised_by"], new["source"]) == (
        "纪家安置房项目",
        "济阳区",
        "济阳区城发集团",
        "zhang.wei",
        "admin",
        "page",
    )


def test_the_form_says_what_is_missing():
    seed()
    at = open_page(PAGE)
    at.text_input(key="tv_raise_form_title").input("督促交付")
    at.button(key="FormSubmitter:tv_raise_form-交办").click().run()
    assert [e.value for e in at.error] == ["请填写：责任单位、责任人"]
    assert len(tasks_frame(open_database())) == 3


def test_an_assignee_sees_their_own_tasks_first_and_records_their_steps():
    ids = seed()
    at = open_page(PAGE, actor=ZHANG)
    assert at.subheader[0].value == "我的在办事项（2 项）"
    assert "其中 1 项已超时" in at.error[0].value
    assert "交办事项" not in tab_labels(at)  # a viewer raises nothing
    at.selectbox(key="tv_advance_task").select(ids["fresh"]).run()
    at.button(key="FormSubmitter:tv_advance_form-签收").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"事项 #{ids['fresh']} 已签收。"]
    fresh = tasks_frame(open_database()).set_index("id").loc[ids["fresh"]]
    assert fresh["acknowledged_by"] == "zhang.wei"
    # the reply needs a note
    at.selectbox(key="tv_advance_task").select(ids["fresh"]).run()
    at.button(key="FormSubmitter:tv_advance_form-提交回复").click().run()
    assert [e.value for e in at.error][-1] == "请填写说明后再提交。"


def test_another_viewer_may_record_nothing():
    seed()
    at = open_page(PAGE, actor=Actor("someone", VIEWER))
    assert not at.subheader or "我的在办事项" not in at.subheader[0].value
    assert "没有您可以办理的在办事项。" in [c.value for c in at.caption]


def test_the_overview_opens_with_the_assignees_own_open_tasks():
    ids = seed()
    at = open_page("views/overview.py", actor=ZHANG)
    assert "您有 2 项在办督办事项，其中 1 项已超时。" in [e.value for e in at.error]
    mine = next(f for f in frames(at) if "下一步" in getattr(f, "columns", []))
    assert mine["编号"].tolist() == [f"#{ids['late']}", f"#{ids['fresh']}"]  # the late one first
    assert mine["下一步"].tolist()[0] == "签收，已于 2026年11月3日 逾期"
    other = open_page("views/overview.py", actor=Actor("someone", VIEWER))
    assert not [e for e in other.error if "督办事项" in e.value]


def test_the_page_in_english():
    seed()
    at = open_page(PAGE, lang="en")
    assert at.title[0].value == "Jinan: supervision tasks"
    assert tab_labels(at)[:2] == ["Open tasks", "1-3-7 compliance"]
    detail = next(f for f in frames(at) if "Acknowledged (1 day)" in getattr(f, "columns", []))
    assert "■ overdue 2026-11-03" in detail["Acknowledged (1 day)"].tolist()


def test_without_tasks_the_page_says_so():
    at = open_page(PAGE, role=VIEWER)
    assert "还没有督办事项。" in [i.value for i in at.info]


# --- the project page ------------------------------------------------------------------------------------------


def test_a_red_projects_page_lists_its_tasks_and_raises_one_prefilled():
    seed()
    at = open_page("views/project.py", **JIJIA)
    assert "督办事项" in [s.value for s in at.subheader]
    tasks = next(f for f in frames(at) if "签收（1天）" in getattr(f, "columns", []))
    assert [x.split(" ", 1)[1] for x in tasks["事项"]] == ["协调复工"]  # only this project's
    assert "项目" not in tasks.columns  # its own page names it already
    assert at.selectbox(key="pj_raise_project").value == ("济阳区", "纪家安置房项目")
    # this project or none: the page has chosen it, so the register's every name is not sent with the form
    assert at.selectbox(key="pj_raise_project").options == ["（不涉及具体项目）", "济阳区 · 纪家安置房项目"]
    assert at.text_input(key="pj_raise_unit").value == "济阳区城发集团"  # the project's responsible unit
    at.text_input(key="pj_raise_title").input("约谈施工单位")
    at.selectbox(key="pj_raise_assignee").select("zhang.wei")
    at.button(key="FormSubmitter:pj_raise-交办").click().run()
    assert not at.exception and not at.error
    tasks = next(f for f in frames(at) if "签收（1天）" in getattr(f, "columns", []))
    assert sorted(x.split(" ", 1)[1] for x in tasks["事项"]) == ["协调复工", "约谈施工单位"]


def test_a_viewer_sees_a_red_projects_tasks_but_no_form():
    seed()
    at = open_page("views/project.py", role=VIEWER, **JIJIA)
    assert "督办事项" in [s.value for s in at.subheader]
    assert not [w for w in at.text_input if w.key == "pj_raise_title"]


# --- raising from the briefing ---------------------------------------------------------------------------------


def test_a_task_is_raised_from_the_presentation_on_a_red_project():
    seed()
    at = open_page("views/presentation.py", sections="red")
    red = at.selectbox(key="pr_task_project")
    assert red.options[0] and "·" in red.options[0]  # district · name of an overdue project
    assert at.selectbox(key="pr_raise_0_project").options == ["（不涉及具体项目）", red.options[0]]  # that one or none
    at.text_input(key="pr_raise_0_title").input("会后一周内拿出复工方案")
    at.selectbox(key="pr_raise_0_assignee").select("zhang.wei")
    at.button(key="FormSubmitter:pr_raise_0-交办").click().run()
    assert not at.exception
    raised = tasks_frame(open_database()).set_index("title").loc["会后一周内拿出复工方案"]
    assert raised["source"] == "briefing" and isinstance(raised["project"], str) and raised["unit"]


def test_a_viewer_raises_nothing_from_the_presentation():
    at = open_page("views/presentation.py", role=VIEWER, sections="red")
    assert not [s for s in at.selectbox if s.key == "pr_task_project"]


# --- the task sheet's rows for the service -----------------------------------------------------------------------


def test_a_checked_sheet_raises_its_tasks_with_their_projects(tmp_path):
    import pandas as pd
    from conftest import write_xlsx

    from loaders.tasks_sheet import load_task_sheet
    from ui.tasks import project_keys, sheet_rows

    seed()
    projects = pd.DataFrame(
        {"district": ["济阳区", "历城区", "章丘区"], "name": ["纪家安置房项目", "港沟片区", "港沟片区"]}
    )
    keys = project_keys(projects)
    assert keys["纪家安置房项目"] == ("济阳区", "纪家安置房项目") and keys["港沟片区"] is None
    assert keys["章丘区/港沟片区"] == ("章丘区", "港沟片区")
    rows = [
        ["事项", "项目", "责任单位", "责任人", "交办日期"],
        ["复工", "纪家安置房项目", "区住建局", "ZHANG.WEI", None],
    ]
    rows += [["约谈", "章丘区/港沟片区", "区住建局", "admin", dt.date(2026, 11, 2)]]
    data = write_xlsx(tmp_path / "s.xlsx", rows).read_bytes()
    result = load_task_sheet(data, "s.xlsx", projects=keys, accounts=["zhang.wei", "admin"])
    assert result.ok, result.issues
    ids = S.import_tasks(BOSS, sheet_rows(result), engine=open_database())
    stored = tasks_frame(open_database()).set_index("id").loc[ids]
    assert stored[["title", "project", "district", "assignee", "source"]].values.tolist() == [
        ["复工", "纪家安置房项目", "济阳区", "zhang.wei", "sheet"],
        ["约谈", "港沟片区", "章丘区", "admin", "sheet"],
    ]
    assert stored["raised_at"].iloc[1].tz_convert("Asia/Shanghai").date() == dt.date(2026, 11, 2)


def many_tasks(count: int, assignee: str) -> list[int]:
    """``count`` tasks raised on 2026-11-02 (all late as of 2026-11-21), in one import."""
    account_for(BOSS)
    account_for(ZHANG)
    rows = [
        {"title": f"事项{i:05d}", "unit": "区住建局", "assignee": assignee, "raised_at": LONG_AGO} for i in range(count)
    ]
    return S.import_tasks(BOSS, rows, engine=open_database())


def task_column(at: AppTest) -> list[str]:
    """The task column ("#12 事项00011") of the page's first task table (HTML, as on a desk)."""
    from housing.i18n import t

    body = next(h.proto.body for h in at.get("html") if 'class="bf-table tv-tasks"' in h.proto.body)
    return task_frame(body)[t("tv_col_title", "zh")].tolist()


def test_a_long_list_is_drawn_a_page_at_a_time():
    """10,000 tasks were drawn at once: 13 MB of HTML (table and cards), 11 s for the page."""
    ids = many_tasks(120, "zhang.wei")
    at = open_page(PAGE)  # an administrator: none of them theirs, so the list is the page's only table
    assert len(task_column(at)) == 50 and "共 120 项，显示第 1–50 项。" in [c.value for c in at.caption]
    assert sum(len(h.proto.body) for h in at.get("html")) < 200_000
    assert "第 1 / 3 页" in [m.value for m in at.markdown]
    at.button(key="tv_list_next").click().run()
    at.button(key="tv_list_next").click().run()
    assert not at.exception
    shown = task_column(at)
    assert len(shown) == 20 and "共 120 项，显示第 101–120 项。" in [c.value for c in at.caption]
    assert {int(text.split()[0][1:]) for text in shown} <= set(ids)
    assert at.button(key="tv_list_next").disabled


def test_the_overview_lists_the_first_of_many_own_tasks_and_counts_the_rest():
    many_tasks(70, "zhang.wei")
    at = open_page("views/overview.py", actor=ZHANG)
    mine = next(f for f in frames(at) if "下一步" in getattr(f, "columns", []))
    assert len(mine) == 50
    assert "另有 20 项未在此列出，请到督办事项页面查看。" in [c.value for c in at.caption]


def test_a_sheet_uploaded_again_says_its_tasks_are_raised_already(tmp_path):
    """The same sheet imported twice raised every task twice, without a word."""
    from conftest import write_xlsx

    account_for(ZHANG)
    account_for(BOSS)
    rows = [["事项", "项目", "责任单位", "责任人", "交办日期"]]
    rows += [["复工", "纪家安置房项目", "区住建局", "zhang.wei", dt.date(2026, 11, 2)]]
    rows += [["约谈", None, "区住建局", "admin", dt.date(2026, 11, 3)]]
    data = write_xlsx(tmp_path / "s.xlsx", rows).read_bytes()
    at = open_page(PAGE)
    at.file_uploader[0].upload("s.xlsx", data).run()
    assert not [w for w in at.warning if "已经交办过" in w.value]
    at.button(key="tv_sheet_confirm").click().run()
    assert len(tasks_frame(open_database())) == 2
    again = open_page(PAGE)
    again.file_uploader[0].upload("s.xlsx", data).run()
    assert "本表 2 项事项中有 2 项已经交办过（事项、项目、责任单位、责任人和交办日期都相同）；再次导入会重复交办。" in [
        w.value for w in again.warning
    ]


def test_a_refused_form_keeps_what_was_typed_and_a_raised_one_is_emptied():
    """The form emptied itself on submit, before the check: a task refused for a missing unit lost its text."""
    seed()
    at = open_page(PAGE)
    at.text_input(key="tv_raise_form_title").input("督促交付")
    at.button(key="FormSubmitter:tv_raise_form-交办").click().run()
    assert [e.value for e in at.error] == ["请填写：责任单位、责任人"]
    assert at.text_input(key="tv_raise_form_title").value == "督促交付"
    at.text_input(key="tv_raise_form_unit").input("济阳区城发集团")
    at.selectbox(key="tv_raise_form_assignee").select("zhang.wei")
    at.button(key="FormSubmitter:tv_raise_form-交办").click().run()
    assert any("已交办事项" in s.value for s in at.success)
    assert (at.text_input(key="tv_raise_form_title").value, at.text_input(key="tv_raise_form_unit").value) == ("", "")


def test_the_form_fields_take_no_more_than_the_service_accepts(monkeypatch):
    """A title or note longer than ``max_text_chars`` passed the field and was refused, its text lost."""
    monkeypatch.setenv("RESETTLE_MAX_TEXT_CHARS", "120")
    ids = seed()
    at = open_page(PAGE, actor=ZHANG)
    at.selectbox(key="tv_advance_task").select(ids["late"]).run()
    at.button(key="FormSubmitter:tv_advance_form-签收").click().run()
    at.selectbox(key="tv_advance_task").select(ids["late"]).run()  # its next step, the reply, takes a note
    assert at.text_area(key="tv_advance_note").max_chars == 120
    boss = open_page(PAGE)
    assert boss.text_input(key="tv_raise_form_title").max_chars == 120
    assert boss.text_input(key="tv_raise_form_unit").max_chars == 100
