"""The search-first project picker (``ui.project_picker``): matching (Chinese, English, partial, none, hostile and
very long text), ranking, the line saying what was found, and the three pages that use it through the
entrypoint (the task form, the hotline's assign form, the briefing's red projects)."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from app_pages import open_page
from hotline_sample import sample_tickets
from hypothesis import given, settings
from hypothesis import strategies as st

from service import hotline as HS
from service.roles import ADMIN, EDITOR, RAISE_TASK, UPLOAD_HOTLINE, Actor
from store import hotline as HL
from store import versions as V
from store.audit import AuditFilter, audit_rows
from store.db import open_database
from store.tasks import tasks_frame
from ui.project_picker import MAX_QUERY, PICKER_ROWS, find, fold, found_text, label, register_of

ROWS = [  # district, name, responsible unit
    ("济阳区", "纪家安置房项目", "济阳区城发集团"),
    ("历城区", "东城小区", "历城区住建局"),
    ("章丘区", "东城小区", "章丘区住建局"),
    ("天桥区", "东城新苑", "天桥区住建局"),
    ("槐荫区", "老东城片区", "槐荫区住建局"),
    ("历城区", "芦南片区回迁房一期", "历城区城投"),
    ("历城区", "东城小区", "另一个单位"),  # the same project twice: listed once, with the first row's unit
    (None, "无区县项目", None),
    ("", "空区县项目", ""),
    ("Licheng District", "Eastgate Homes Phase 2", "Licheng Housing Bureau"),
    ("历下区", "<script>alert(1)</script>", "历下区住建局"),
]
REGISTER = register_of(pd.DataFrame(ROWS, columns=["district", "name", "unit"]))


def labels(query: str, limit: int = PICKER_ROWS) -> list[str]:
    return [label(REGISTER.pairs[i]) for i in find(REGISTER, query, limit).indices]


def test_the_register_lists_each_project_once_by_district_then_name():
    assert len(REGISTER) == 10
    assert REGISTER.pairs[:2] == ((None, "无区县项目"), (None, "空区县项目"))  # a blank district first, named alone
    assert label(REGISTER.pairs[0]) == "无区县项目"
    at = REGISTER.pairs.index(("历城区", "东城小区"))
    assert REGISTER.units[at] == "历城区住建局"


@pytest.mark.parametrize(
    ("query", "expected", "total"),
    [
        ("纪家", ["济阳区 · 纪家安置房项目"], 1),  # part of a Chinese name
        ("济阳区", ["济阳区 · 纪家安置房项目"], 1),  # the district
        ("历城 东城", ["历城区 · 东城小区"], 1),  # every word, in the district or the name
        ("历城区东城", ["历城区 · 东城小区"], 1),  # district and name run together
        ("东城小区", ["历城区 · 东城小区", "章丘区 · 东城小区"], 2),  # the same name in two districts
        # the name itself, then names starting with it, then names holding it; equals in the register's order
        ("东城", ["历城区 · 东城小区", "天桥区 · 东城新苑", "章丘区 · 东城小区", "槐荫区 · 老东城片区"], 4),
        ("eastgate", ["Licheng District · Eastgate Homes Phase 2"], 1),  # English, any case
        ("ＥＡＳＴＧＡＴＥ", ["Licheng District · Eastgate Homes Phase 2"], 1),  # full-width letters
        ("  homes   PHASE 2 ", ["Licheng District · Eastgate Homes Phase 2"], 1),  # spaces as one
        ("\x00纪家\u202e", ["济阳区 · 纪家安置房项目"], 1),  # control and bidi characters dropped
        ("<script>", ["历下区 · <script>alert(1)</script>"], 1),  # text, never markup
        ("空区县", ["空区县项目"], 1),
        ("不存在的项目", [], 0),
        ("东城 纪家", [], 0),  # words of two different projects
        ("纪" * 10_000, [], 0),  # very long: only its first MAX_QUERY characters are read
    ],
)
def test_matching(query, expected, total):
    found = find(REGISTER, query)
    assert labels(query) == expected
    assert found.total == total
    assert len(found.query) <= MAX_QUERY


def test_no_search_lists_the_registers_first_projects():
    assert find(REGISTER, "").indices == tuple(range(10))
    assert find(REGISTER, "   ", limit=3) == find(REGISTER, "", limit=3)
    assert find(REGISTER, "", limit=3).indices == (0, 1, 2) and find(REGISTER, "", limit=3).total == 10


def test_a_very_long_search_is_cut_to_its_limit_and_fast():
    big = register_of(pd.DataFrame({"district": ["历城区"] * 50_000, "name": [f"项目{i}" for i in range(50_000)]}))
    began = time.perf_counter()
    found = find(big, "项" * 1_000_000)
    assert time.perf_counter() - began < 2
    assert found.query == "项" * MAX_QUERY and found.total == 0


def test_at_most_the_pickers_rows_are_listed_and_the_rest_counted():
    big = register_of(pd.DataFrame({"district": ["历城区"] * 500, "name": [f"安置房{i:03d}" for i in range(500)]}))
    found = find(big, "安置房")
    assert len(found.indices) == PICKER_ROWS and found.total == 500
    assert label(big.pairs[found.indices[0]]) == "历城区 · 安置房000"
    assert [label(big.pairs[i]) for i in find(big, "安置房499").indices] == ["历城区 · 安置房499"]


@pytest.mark.parametrize(
    ("query", "limit", "lang", "expected"),
    [
        ("", 50, "zh", ""),  # every project listed and nothing typed: nothing to say
        ("", 3, "zh", "共 10 个项目，列表中为前 3 个；输入名称或区县的一部分查找其他项目。"),
        ("", 3, "en", "10 projects; the list holds the first 3. Type part of a name or district to find another."),
        ("东城", 50, "zh", "找到 4 个项目。"),
        ("纪家", 50, "en", "1 project found."),
        ("东城", 2, "zh", "找到 4 个项目，列表中为最接近的 2 个；请再输入几个字缩小范围。"),
        ("东城", 2, "en", "4 projects found; the list holds the 2 closest. Type more to narrow."),
        ("不存在", 50, "zh", "没有名称或区县包含“不存在”的项目。"),
        ("nowhere", 50, "en", "No project's name or district contains “nowhere”."),
    ],
)
def test_what_the_search_found_is_said(query, limit, lang, expected):
    assert found_text(find(REGISTER, query, limit), lang) == expected


def test_a_hostile_search_is_shown_as_text():
    said = found_text(find(REGISTER, "<img src=x onerror=alert(1)>*[a](http://x.cn)*"), "zh")
    assert "<img" not in said.replace("\\<img", "")  # Markdown-escaped: shown as typed, never drawn
    assert "\\*" in said and "\\[" in said


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=1, max_value=12))
def test_any_search_returns_only_matches_best_first(query, limit):
    found = find(REGISTER, query, limit)
    words = fold(query[: MAX_QUERY + 50].strip())[:MAX_QUERY].split()
    assert len(found.indices) == min(limit, found.total) or not words
    assert len(set(found.indices)) == len(found.indices)
    for i in found.indices:
        assert all(word in REGISTER.texts[i] for word in fold(found.query).split())


# --- the three pages, through the entrypoint -------------------------------------------------------------------


def audited(action: str) -> pd.DataFrame:
    """The audit trail's rows of ``action``, newest first."""
    return audit_rows(open_database(), AuditFilter(actions=(action,)), limit=None)


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_the_task_form_searches_then_raises_on_the_project_found():
    at = open_page("views/tasks.py")
    picker = at.selectbox(key="tv_raise_form_project")
    assert len(picker.options) == PICKER_ROWS + 1  # no project, then the register's first 50 of 56
    assert "共 56 个项目，列表中为前 50 个；输入名称或区县的一部分查找其他项目。" in captions(at)
    at.text_input(key="tv_raise_form_search").input("纪家").run()
    picker = at.selectbox(key="tv_raise_form_project")
    assert picker.options == ["（不涉及具体项目）", "济阳区 · 纪家安置房项目"]
    assert picker.value == ("济阳区", "纪家安置房项目")  # the best match is chosen
    assert "找到 1 个项目。" in captions(at)
    at.text_input(key="tv_raise_form_title").input("督促交付")
    at.text_input(key="tv_raise_form_unit").input("济阳区城发集团")
    at.selectbox(key="tv_raise_form_assignee").select("admin")
    at.button(key="FormSubmitter:tv_raise_form-交办").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    raised = tasks_frame(open_database()).set_index("title").loc["督促交付"]
    assert (raised["district"], raised["project"], raised["source"]) == ("济阳区", "纪家安置房项目", "page")
    assert at.text_input(key="tv_raise_form_search").value == ""  # the form and its search start again
    assert f"task {raised['id']}" in audited(RAISE_TASK)["target"].tolist()  # audited as before


def test_the_task_form_says_when_nothing_matches_and_raises_without_a_project():
    at = open_page("views/tasks.py", lang="en")
    at.text_input(key="tv_raise_form_search").input("<script>alert(1)</script>").run()
    assert not at.exception
    assert at.selectbox(key="tv_raise_form_project").options == ["(no particular project)"]
    assert any(c.startswith("No project's name or district contains") for c in captions(at))
    at.text_input(key="tv_raise_form_title").input("Check the funds")
    at.text_input(key="tv_raise_form_unit").input("Finance bureau")
    at.selectbox(key="tv_raise_form_assignee").select("admin")
    at.button(key="FormSubmitter:tv_raise_form-Raise the task").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    raised = tasks_frame(open_database()).set_index("title").loc["Check the funds"]
    assert pd.isna(raised["project"]) and pd.isna(raised["district"])


def test_the_choices_are_built_once_per_data_version(monkeypatch):
    import ui.project_picker as P

    built = []
    monkeypatch.setattr(P, "register_of", lambda projects, key=(): built.append(key) or register_of(projects, key))
    at = open_page("views/tasks.py")
    for query in ("纪家", "历城", "历城 安置", ""):  # each search a rerun of the page
        at.text_input(key="tv_raise_form_search").input(query).run()
    open_page("views/tasks.py")  # another session on the same data
    assert len(built) == 1 and built[0][-2:] == ((), None)  # the whole register, once


def test_clearing_the_search_goes_back_to_no_project():
    at = open_page("views/tasks.py")
    at.text_input(key="tv_raise_form_search").input("纪家").run()
    at.text_input(key="tv_raise_form_search").input("").run()
    assert at.selectbox(key="tv_raise_form_project").value == (None, "")  # the blank option: no project


def stored_tickets() -> None:
    """The made-up 12345 export about the sample, stored through the service (``tests/hotline_sample.py``)."""
    db = open_database()
    projects = V.version_projects(db, V.current_version_id(db))
    HS.store_export(db, Actor("admin", ADMIN), sample_tickets(projects), projects, "12345.csv", "00" * 32)


def unmatched(actor: Actor | None = None, lang: str = "zh"):
    """The hotline page with its first unmatched ticket chosen (the list's row, as a click would)."""
    open_page("views/overview.py")  # the first run migrates and seeds the sample
    stored_tickets()
    at = open_page("views/hotline.py", actor=actor, lang=lang)
    at.session_state["hl_unmatched"] = {"selection": {"rows": [0]}}
    return at.run()


def test_a_hotline_ticket_is_assigned_to_a_project_found_by_search():
    at = unmatched()
    assert at.selectbox(key="hl_assign_project").value is None  # nothing chosen until a project is
    assert len(at.selectbox(key="hl_assign_project").options) == PICKER_ROWS
    at.text_input(key="hl_assign_search").input("芦南").run()
    picker = at.selectbox(key="hl_assign_project")
    assert picker.value == ("历城区", "芦南片区回迁房一期") and len(picker.options) <= PICKER_ROWS
    before = len(audited(UPLOAD_HOTLINE))
    at.button(key="FormSubmitter:hl_assign-指定项目").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    tickets = HL.tickets(open_database())
    assigned = tickets[tickets["project_name"] == "芦南片区回迁房一期"]
    assert "咨询公积金贷款政策" in assigned["text"].tolist() or "回迁房什么时候分房" in assigned["text"].tolist()
    assert len(audited(UPLOAD_HOTLINE)) == before + 1  # the assignment audited as before


def test_the_hotline_picker_asks_for_a_project_before_assigning():
    at = unmatched(lang="en")
    at.text_input(key="hl_assign_search").input("no such place").run()
    assert at.selectbox(key="hl_assign_project").options == []
    assert "No project's name or district contains “no such place”." in captions(at)
    at.button(key="FormSubmitter:hl_assign-Assign").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["Choose a project first."]


def test_a_limited_editor_finds_only_their_districts_projects():
    at = unmatched(actor=Actor("licheng", EDITOR, ("历城区",)))
    at.text_input(key="hl_assign_search").input("安置").run()
    options = at.selectbox(key="hl_assign_project").options
    assert options and all(o.startswith("历城区 · ") for o in options)


def test_the_briefing_raises_on_a_red_project_found_by_search():
    at = open_page("views/presentation.py", sections="red")
    red = at.selectbox(key="pr_task_project")
    first, other = red.options[0], red.options[-1]
    assert red.value and label(red.value) == first  # the first red project, prefilled as before
    name = other.split(" · ")[-1]
    at.text_input(key="pr_task_search").input(name).run()
    assert label(at.selectbox(key="pr_task_project").value) == other
    (form,) = [s for s in at.selectbox if s.key.startswith("pr_raise_") and s.key.endswith("_project")]
    assert form.options == ["（不涉及具体项目）", other]  # that one or none
    key = form.key.removesuffix("_project")
    at.text_input(key=f"{key}_title").input("会后一周内拿出复工方案")
    at.selectbox(key=f"{key}_assignee").select("admin")
    at.button(key=f"FormSubmitter:{key}-交办").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    raised = tasks_frame(open_database()).set_index("title").loc["会后一周内拿出复工方案"]
    assert (raised["project"], raised["source"]) == (name, "briefing") and raised["unit"]


def test_the_briefing_says_when_no_red_project_matches():
    at = open_page("views/presentation.py", sections="red", lang="en")
    at.text_input(key="pr_task_search").input("x" * MAX_QUERY).run()  # the box takes no more (the search cuts too)
    assert not at.exception and at.text_input(key="pr_task_search").value == "x" * MAX_QUERY
    assert not [s for s in at.selectbox if s.key == "pr_task_project"]
    assert any(c.startswith("No project's name or district contains") for c in captions(at))
