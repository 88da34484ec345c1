"""AppTest of the upload page through the entrypoint: report, preview, publish, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_pages import assert_unreachable, html_table, open_page
from streamlit.testing.v1 import AppTest

from loaders import load_workbook
from service.roles import EDITOR, VIEWER, Actor
from store import versions as V
from store.db import open_database

PORTFOLIO = Path(__file__).resolve().parent.parent / "data" / "sample_portfolio.xlsx"

HEADER = ["项目名称", "所属区县", "街道", "安置户数", "总建筑面积（万平方米）", "计划交付日期", "形象进度"]
WEEK = [
    HEADER,
    ["西琅沟", "章丘区", "明水街道", 656, 21.26, "2021-03-31", "主体封顶"],
    ["白泉", "章丘区", "白云湖街道", 1555, 52.06, "2021-04-30", "配套工程"],
    ["月官", "章丘区", "双山街道", 803, 26.42, "2021-03-31", "交房入住"],
]
STAGES = [
    ["项目名称", "节点", "计划完成日期", "实际完成日期"],
    ["西琅沟", "主体封顶", "2020-10-31", "2020-11-20"],
    ["白泉", "配套工程", "2021-02-28", None],
]


ZHANG = Actor("张三", EDITOR, (), "10.1.2.3")  # the editor uploading, unless a test says otherwise


def start(page: str = "views/upload.py", actor: Actor | None = ZHANG, **params) -> AppTest:
    return open_page(page, actor, **{"as_of": "2021-03-01", **params})


def workbook(make_xlsx, rows, name="week.xlsx", stages=None) -> bytes:
    if stages is None:
        return make_xlsx(rows, name=name).read_bytes()
    return make_xlsx(name=name, sheets=[("项目", rows, []), ("节点计划", stages, [])]).read_bytes()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].upload(name, content).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def confirmation(at: AppTest):
    """The checkbox confirming a large removal, or ``None`` when the page asks for none."""
    return next((c for c in at.checkbox if str(c.key).startswith("up_confirm_")), None)


def publish(at: AppTest, comment: str = "", confirm: bool = False) -> AppTest:
    at.text_area(key="up_comment").input(comment)
    if confirm:
        confirmation(at).check()
    button(at, "发布").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def real_register(app_database) -> V.Version:
    """The 56-project portfolio published as a real upload (version 1), so the page treats it as real data."""
    result = load_workbook(PORTFOLIO)
    db = open_database(app_database)
    return V.publish(
        db,
        result.projects,
        content=PORTFOLIO.read_bytes(),
        filename="济南市台账.xlsx",
        uploader="王五",
        stage_dates=result.stage_dates,
    )


def test_the_first_upload_over_the_sample_replaces_it_whole(make_xlsx, app_database):
    """Over the bundled sample no scope is asked and no removal confirmed: the file is the register."""
    at = upload(start(), "第12周.xlsx", workbook(make_xlsx, WEEK, stages=STAGES))
    assert not [r for r in at.radio if r.key and r.key.startswith("up_scope_")]
    assert confirmation(at) is None
    assert any("本文件将替换整个台账" in i.value and "56 个项目" in i.value for i in at.info)
    figures = {m.label: m.value for m in at.metric}
    assert figures["错误"] == "0" and figures["提示"] == "0" and figures["识别到的项目"] == "3"
    assert figures["新增项目"] == "3" and figures["移除项目"] == "56"  # against the bundled sample, version 1
    assert any("对比对象：当前的第 1 版" in c.value for c in at.caption)
    at = publish(at, "第12周")
    assert any("已发布第 2 版" in s.value for s in at.success)
    db = open_database(app_database)
    version = V.current(db)
    assert (version.id, version.uploader, version.comment, version.households) == (2, "张三", "第12周", 3014)
    assert (version.source, version.sample, version.projects) == ("upload", False, 3)
    assert V.version_projects(db, 2)["name"].tolist() == [r[0] for r in WEEK[1:]]  # exactly the file's rows
    assert len(V.version_stage_dates(db, 2)) == 2  # the stage sheet is kept too
    assert V.get_version(db, 1).sample
    at.switch_page("views/overview.py").run()
    assert {m.label: m.value for m in at.metric}["安置户数"] == "3,014"


def scope_key(at: AppTest) -> str:
    return next(r.key for r in at.radio if r.key and r.key.startswith("up_scope_"))


def test_one_districts_file_replaces_only_that_district_by_default(make_xlsx, app_database, real_register):
    at = upload(start(), "章丘区第12周.xlsx", workbook(make_xlsx, WEEK, stages=STAGES))
    choice = at.radio(key=scope_key(at))
    assert choice.value == "districts"
    assert "只更新本文件中的区县：章丘区（其他区县保持第 1 版的数据）" in choice.options
    figures = {m.label: m.value for m in at.metric}
    assert figures["新增项目"] == "3" and figures["移除项目"] == "11"  # the sample's 章丘区 projects only
    at = publish(at, confirm=True)  # 11 of 56 projects go: more than a tenth
    db = open_database(app_database)
    version, sample = V.current(db), V.get_version(db, 1)
    assert version.summary["scope"] == ["章丘区"]
    assert (version.projects, version.households) == (56 - 11 + 3, sample.households - 15_214 + 3_014)
    merged, before = V.version_projects(db, 2), V.version_projects(db, 1)
    others = before[before["district"] != "章丘区"].reset_index(drop=True)
    kept = merged[merged["district"] != "章丘区"].reset_index(drop=True)
    assert kept.equals(others)  # every other district exactly as it was
    assert merged.loc[merged["district"] == "章丘区", "name"].tolist() == ["西琅沟", "白泉", "月官"]  # file order
    dates = V.version_stage_dates(db, 2)
    assert set(dates.loc[dates["district"] == "章丘区", "name"]) == {"西琅沟", "白泉"}  # the file's stage sheet
    assert (dates["district"] != "章丘区").sum() == (V.version_stage_dates(db, 1)["district"] != "章丘区").sum()
    at.switch_page("views/history.py").run()
    assert "上传（章丘区）" in html_table(at, "hi-versions")["来源"].tolist()


def test_a_file_naming_every_district_or_none_is_not_asked_about(make_xlsx, app_database, real_register):
    no_district = [[r[0], *r[2:]] for r in WEEK]  # no 所属区县 column: the file cannot be scoped
    at = upload(start(), "week.xlsx", workbook(make_xlsx, [[c for c in HEADER if c != "所属区县"], *no_district[1:]]))
    assert not [r for r in at.radio if r.key and r.key.startswith("up_scope_")]
    assert {m.label: m.value for m in at.metric}["移除项目"] == "56"


def test_a_workbook_with_errors_shows_every_problem_and_publishes_nothing(make_xlsx, app_database):
    rows = [*WEEK, ["长青", "章丘区", "", "一百六十一", 3.91, "2021-13-45", ""]]
    at = upload(start(), "bad.xlsx", workbook(make_xlsx, rows))
    assert {m.label: m.value for m in at.metric}["错误"] == "2"
    problems = html_table(at, "up_issues")
    assert list(problems["行号"]) == ["5", "5"] and set(problems["内容"]) == {"一百六十一", "2021-13-45"}
    assert "修正后才能发布" in at.error[0].value
    assert not [b for b in at.button if b.label == "发布"]
    assert V.current_version_id(open_database(app_database)) == 1


def test_the_current_file_again_is_recognised(app_database):
    sample = Path(__file__).resolve().parent.parent / "data" / "sample_portfolio.xlsx"
    at = upload(start(), "again.xlsx", sample.read_bytes())
    assert "与当前的第 1 版完全相同" in at.warning[0].value
    assert not [b for b in at.button if b.label == "发布"]


def publish_meanwhile(db, district: str, uploader: str) -> V.Version:
    """Another office publishes ``district`` with every household count + 1 (a scoped publish, unchecked)."""
    rows, dates = V.version_projects(db, 1), V.version_stage_dates(db, 1)
    mine = rows[rows["district"] == district].assign(households=lambda f: f["households"] + 1)
    stages = dates[dates["district"] == district]
    content = f"{district} by {uploader}".encode()
    return V.publish(
        db, mine, content=content, filename="x.xlsx", uploader=uploader, stage_dates=stages, scope=[district]
    )


@pytest.mark.parametrize(
    ("scope", "other_district", "refused"),
    [
        ("all", "历城区", True),  # the whole register previewed: any version published meanwhile makes it stale
        ("districts", "章丘区", True),  # someone changed the very district this file replaces
        ("districts", "历城区", False),  # another district's version: merged onto, both land
    ],
)
def test_a_version_published_between_preview_and_publish(
    make_xlsx, app_database, real_register, scope, other_district, refused
):
    at = upload(start(), "章丘区第12周.xlsx", workbook(make_xlsx, WEEK))
    at.radio(key=scope_key(at)).set_value(scope).run()
    db = open_database(app_database)
    other = publish_meanwhile(db, other_district, "李四")
    at = publish(at, confirm=True)  # either scope removes more than a tenth (11 or 56 of 56 projects)
    current = V.current(db)
    published = [s.value for s in at.success if "已发布" in s.value]
    if refused:
        assert (
            at.warning[0].value.startswith("在您预览之后，李四 已于 ")
            and "发布第 2 版，本次未发布" in at.warning[0].value
        )
        assert current.id == other.id == 2 and current.uploader == "李四" and not published
        assert any("对比对象：当前的第 2 版" in c.value for c in at.caption)  # the preview is drawn again
        at = publish(at, confirm=True)  # having read the new preview
    else:
        assert not at.warning and published == ["已发布第 3 版，看板已切换到新数据。"]
    final, theirs = V.current(db), V.version_projects(db, 2)
    assert (final.id, final.parent_id, final.uploader) == (3, 2, "张三")
    rows = V.version_projects(db, 3)
    assert rows.loc[rows["district"] == "章丘区", "name"].tolist() == [r[0] for r in WEEK[1:]]
    if scope == "districts":  # every other district exactly as version 2 has it, the other office's included
        assert (
            rows[rows["district"] != "章丘区"]
            .reset_index(drop=True)
            .equals(theirs[theirs["district"] != "章丘区"].reset_index(drop=True))
        )
    else:
        assert len(rows) == 3


def test_an_unreadable_file_is_reported_without_a_traceback(app_database):
    at = upload(start(), "notes.xlsx", "这不是工作簿".encode())
    assert {m.label: m.value for m in at.metric}["错误"] == "1"
    assert "文件已损坏" in html_table(at, "up_issues").iloc[0].to_string()
    assert V.current_version_id(open_database(app_database)) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_speaks_the_users_language(lang):
    at = start(lang=lang)
    assert at.title[0].value == {"zh": "上传数据", "en": "Upload"}[lang]
    assert at.file_uploader[0].label == {"zh": "选择或拖入工作簿", "en": "Choose or drop a workbook"}[lang]


def test_the_scope_choice_in_english(make_xlsx, app_database, real_register):
    at = upload(start(lang="en"), "week.xlsx", workbook(make_xlsx, WEEK))
    choice = at.radio(key=scope_key(at))
    assert choice.label == "What this file replaces"
    assert choice.options == [
        "Only the districts in this file: 章丘区 (the other districts stay as in version 1)",
        "The whole register (the 45 projects not in this file are removed: 历城区, 历下区, 槐荫区, 天桥区, 济阳区)",
    ]


# --- district names, rows without a district, large removals -------------------------------------------------


def week_in(district: str) -> list[list]:
    """``WEEK`` with every project in ``district`` as written."""
    return [HEADER, *[[r[0], district, *r[2:]] for r in WEEK[1:]]]


def district_radio(at: AppTest):
    return next(r for r in at.radio if r.key and r.key.startswith("up_district_"))


@pytest.mark.parametrize(
    ("written", "choice", "published_as"),
    [
        ("章丘", "known", "章丘区"),  # the default: read as the known district
        ("章丘", "new", "章丘"),
        ("章丘 区", "known", "章丘区"),
        ("章丘\u3000区", "known", "章丘区"),
    ],
)
def test_a_district_written_differently_is_offered_as_the_known_one(
    make_xlsx, app_database, real_register, written, choice, published_as
):
    at = upload(start(), "章丘第12周.xlsx", workbook(make_xlsx, week_in(written)))
    problems = html_table(at, "up_issues")
    assert len(problems) == 3 and set(problems["行号"]) == {"2", "3", "4"}
    assert all("与已有区县“章丘区”仅" in m and "是否为同一区县" in m for m in problems["说明"])
    radio = district_radio(at)
    assert radio.value == "known" and radio.options[0] == "按“章丘区”读取"
    radio.set_value(choice).run()
    scope = at.radio(key=scope_key(at))
    assert scope.value == "districts" and f"只更新本文件中的区县：{published_as}" in scope.options[0]
    at = publish(at, confirm=choice == "known")  # read as 章丘区, its 11 projects are replaced
    db = open_database(app_database)
    rows = V.version_projects(db, 2)
    assert rows.loc[rows["district"] == published_as, "name"].tolist() == [r[0] for r in WEEK[1:]]
    assert len(rows) == (56 - 11 + 3 if choice == "known" else 56 + 3)
    assert V.current(db).summary["scope"] == [published_as]


def test_no_variant_question_for_a_different_district_one_character_away(make_xlsx, app_database, real_register):
    at = upload(start(), "历城区.xlsx", workbook(make_xlsx, week_in("历下区")))  # 历下区 is known, not 历城区
    assert not [r for r in at.radio if r.key and r.key.startswith("up_district_")]
    assert {m.label: m.value for m in at.metric}["提示"] == "0"


def test_a_row_without_a_district_is_named_and_the_file_replaces_the_whole_register(
    make_xlsx, app_database, real_register
):
    rows = [*WEEK[:2], [WEEK[2][0], "", *WEEK[2][2:]], WEEK[3]]  # 白泉, on row 3, names no district
    at = upload(start(), "章丘区第12周.xlsx", workbook(make_xlsx, rows))
    problems = html_table(at, "up_issues")
    assert list(problems["行号"]) == ["3"] and "项目“白泉”没有填写区县" in problems["说明"][0]
    assert not [r for r in at.radio if r.key and r.key.startswith("up_scope_")]
    why = next(w.value for w in at.warning if "不能只更新其中的区县" in w.value)
    assert "（章丘区）" in why and "有 1 个项目没有填写区县（第 3 行“白泉”）" in why and "替换整个台账" in why
    gone = next(w.value for w in at.warning if w.value.startswith("发布后将移除"))
    assert "56 个项目、67,650 户（占当前 100% 的项目、100% 的户数）" in gone


def test_a_large_removal_is_stated_and_needs_the_confirmation(make_xlsx, app_database, real_register):
    at = upload(start(), "章丘区第12周.xlsx", workbook(make_xlsx, WEEK))
    at.radio(key=scope_key(at)).set_value("all").run()
    gone = next(w.value for w in at.warning if w.value.startswith("发布后将移除"))
    assert (
        gone.startswith("发布后将移除当前第 1 版中的 56 个项目、67,650 户") and "见上方预览中的“移除项目”清单" in gone
    )
    table = html_table(at, "chg-list-removed")  # the preview lists them, most households first, 50 a page
    largest = V.version_projects(open_database(app_database), 1)["households"].max()
    assert len(table) == 50 and table["安置户数"].iloc[0] == f"{largest:,}"
    assert any(c.value == "共 56 个项目，户数多的在前，显示第 1–50 个。完整名单请下载 Excel。" for c in at.caption)
    assert confirmation(at).label == "我确认移除这 56 个项目、67,650 户"
    at = publish(at)  # not ticked
    assert "未发布：本次发布将移除 56 个项目、67,650 户" in at.error[0].value
    assert V.current_version_id(open_database(app_database)) == 1
    at = publish(at, confirm=True)
    assert V.current(open_database(app_database)).projects == 3


def test_a_small_removal_is_not_asked_about(make_xlsx, app_database, real_register):
    db = open_database(app_database)
    current = V.version_projects(db, 1)
    rows = [HEADER] + [
        [r.name, r.district, r.street or "", r.households, r.floor_area_m2 / 10_000, r.deadline.date().isoformat(), ""]
        for r in current.iloc[1:].itertuples()  # one project of 56 goes
    ]
    at = upload(start(), "全市.xlsx", workbook(make_xlsx, rows))
    assert confirmation(at) is None and not [w for w in at.warning if w.value.startswith("发布后将移除")]
    at = publish(at)
    assert V.current(db).projects == 55


def test_two_spellings_read_as_one_district_that_repeat_a_project_are_refused(make_xlsx, app_database, real_register):
    rows = [*week_in("章丘区"), [WEEK[1][0], "章丘", *WEEK[1][2:]]]  # 西琅沟 under 章丘区 and under 章丘
    at = upload(start(), "章丘区.xlsx", workbook(make_xlsx, rows))
    assert "在同一区县中出现了两次" in at.error[0].value and "西琅沟" in at.error[0].value
    assert not [b for b in at.button if b.label == "发布"]
    district_radio(at).set_value("new").run()
    assert not at.error and [b for b in at.button if b.label == "发布"]


# --- who publishes, what is recorded, double submits, district-limited editors ---------------------------------


def trail(app_database) -> list[tuple]:
    """The audit trail, oldest first: (account, action, outcome, target, address)."""
    from store.audit import AuditFilter, audit_rows

    rows = audit_rows(open_database(app_database), AuditFilter(), limit=None).iloc[::-1]
    return list(zip(rows["account"], rows["action"], rows["outcome"], rows["target"], rows["address"]))


def test_the_publisher_is_the_signed_in_account_and_every_attempt_is_recorded(make_xlsx, app_database):
    at = start()
    assert not [i for i in at.text_input if i.key == "up_uploader"]  # nobody types a name
    bad = [*WEEK, ["长青", "章丘区", "", "一百六十一", 3.91, "2021-13-45", ""]]
    at = upload(at, "bad.xlsx", workbook(make_xlsx, bad))
    at = upload(at, "第12周.xlsx", workbook(make_xlsx, WEEK))
    assert any("操作人：张三" in c.value for c in at.caption)
    at.text_area(key="up_comment").input("第12周").run()  # a rerun is not another attempt
    at = publish(at, "第12周")
    assert V.current(open_database(app_database)).uploader == "张三"
    assert trail(app_database)[1:] == [  # after the system's seeding of the sample
        ("张三", "upload", "failed", "bad.xlsx", "10.1.2.3"),
        ("张三", "upload", "ok", "第12周.xlsx", "10.1.2.3"),
        ("张三", "publish", "ok", "version 2", "10.1.2.3"),
    ]
    assert trail(app_database)[0][:4] == ("系统 (示例数据)", "publish", "ok", "version 1")
    assert "up_comment" not in at.session_state and not at.text_area  # the form is cleared with the file picker


def test_publishing_the_same_preview_from_two_tabs_makes_one_version(make_xlsx, app_database):
    """The second tab's click finds the file already current: it says so instead of publishing a copy (and the
    service would return the version the first made: ``tests/test_actions.py``)."""
    content = workbook(make_xlsx, WEEK)
    first, second = upload(start(), "第12周.xlsx", content), upload(start(), "第12周.xlsx", content)
    first, second = publish(first), publish(second)  # both previewed against version 1
    assert [s.value for s in first.success] == ["已发布第 2 版，看板已切换到新数据。"]
    assert "与当前的第 2 版完全相同" in second.warning[0].value and not [b for b in second.button if b.label == "发布"]
    assert [v.id for v in V.list_versions(open_database(app_database))] == [2, 1]


@pytest.mark.parametrize("actor", [Actor("访客", VIEWER), None])
def test_a_viewer_or_nobody_gets_no_upload(actor, app_database):
    at = assert_unreachable("views/upload.py", actor)  # not in their navigation (nobody: only the sign-in form)
    assert not at.file_uploader


LIMITED = Actor("章丘区办", EDITOR, ("章丘区",), "10.9.9.9")


def test_a_district_limited_editor_updates_only_its_district(make_xlsx, app_database, real_register):
    at = upload(start(actor=LIMITED), "章丘区第12周.xlsx", workbook(make_xlsx, WEEK))
    assert not [r for r in at.radio if r.key and r.key.startswith("up_scope_")]  # no whole-register choice
    assert any("您的账号仅限以下区县：章丘区。本文件只更新其中的区县：章丘区" in i.value for i in at.info)
    at = publish(at, confirm=True)  # its 11 projects are replaced by the file's 3
    version = V.current(open_database(app_database))
    assert (version.id, version.uploader, version.summary["scope"], version.projects) == (2, "章丘区办", ["章丘区"], 48)


def test_a_district_limited_editor_cannot_publish_other_districts_nor_over_the_sample(make_xlsx, app_database):
    at = upload(start(actor=LIMITED), "历城区.xlsx", workbook(make_xlsx, week_in("历城区")))
    assert "不能发布" in at.error[0].value and "章丘区" in at.error[0].value  # over the sample: the whole register
    assert not [b for b in at.button if b.label == "发布"]
    db = open_database(app_database)
    sample = load_workbook(PORTFOLIO)
    V.publish(db, sample.projects, content=b"real", filename="全市.xlsx", uploader="王五")
    at = upload(
        start(actor=LIMITED),
        "历城区2.xlsx",
        workbook(make_xlsx, [*WEEK, ["唐冶", "历城区", "", 9, 1.0, "2021-06-30", ""]]),
    )
    assert "本文件还包含其他区县的项目：历城区" in at.error[0].value
    assert not [b for b in at.button if b.label == "发布"] and V.current_version_id(db) == 2
