"""AppTest of the rule settings page: thresholds shown, changed, stored with who changed them, administrators only."""

from __future__ import annotations

import pytest
from app_pages import APP, assert_unreachable, html_table, open_page
from streamlit.testing.v1 import AppTest

from service.roles import ADMIN, EDITOR, Actor
from store.db import open_database
from store.settings_log import RULE_THRESHOLDS, load_setting

WANG = Actor("王主任", ADMIN, (), "10.1.2.3")


def start(actor: Actor = WANG, **params) -> AppTest:
    return open_page("views/settings.py", actor, **params)


def rules(at: AppTest):
    """The rules table as shown (an HTML table: every text in full, wrapping)."""
    return html_table(at, block="rules")


def test_every_rule_is_listed_with_its_thresholds():
    shown = rules(start())
    assert shown["规则"].tolist() == [
        "逾期未交付",
        "落后序时进度",
        "节点逾期",
        "临近交付期限",
        "交付日期推迟",
        "长期未更新",
        "12345来电激增",
    ]
    assert shown.iloc[5]["当前阈值"] == "未更新周数（超过） = 4"
    assert shown.iloc[6]["当前阈值"] == "近7天来电件数（含） = 5；为前4周周均的倍数（含） = 2"
    assert not start().dataframe  # no data frame cell cuts a long check or threshold list with an ellipsis


def test_the_english_rules_join_thresholds_with_an_english_semicolon():
    shown = rules(start(lang="en"))
    assert shown.iloc[6]["Thresholds in force"] == (
        "Calls in the last 7 days (inclusive) = 5; Times the weekly average of the 4 weeks before (inclusive) = 2"
    )


def test_a_change_is_stored_with_who_made_it_and_applies(app_database):
    at = start()
    at.number_input(key="ad_stale_weeks").set_value(6)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    assert load_setting(open_database(app_database), RULE_THRESHOLDS)["stale"] == {"weeks": 6}
    assert rules(at).iloc[5]["当前阈值"] == "未更新周数（超过） = 6"
    assert at.dataframe[0].value["修改人"].tolist() == ["王主任"]  # the signed-in account, typed by nobody
    assert not [i for i in at.text_input if i.key == "ad_changed_by"]
    from store.audit import AuditFilter, audit_rows

    trail = audit_rows(open_database(app_database), AuditFilter(actions=("save_settings",)))
    assert trail[["account", "outcome", "address"]].values.tolist() == [["王主任", "ok", "10.1.2.3"]]


@pytest.mark.parametrize("actor", [Actor("李四", EDITOR), None])
def test_an_editor_or_nobody_cannot_change_the_thresholds(monkeypatch, actor):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    assert_unreachable("views/settings.py", actor)


def test_red_below_yellow_is_refused(app_database):
    at = start()
    at.number_input(key="ad_stage_late_red_days").set_value(1)
    at.number_input(key="ad_stage_late_yellow_days").set_value(5)
    next(b for b in at.button if b.label == "保存").click().run()
    assert "阈值不一致" in at.error[0].value
    assert load_setting(open_database(app_database), RULE_THRESHOLDS) is None


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_administrators_have_the_page(role):
    at = open_page("views/overview.py", role=role)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/settings.py")


def saved(app_database, due_soon_days: int, yellow_points: float) -> None:
    """Store thresholds as the settings page does: every rule's values, with who changed them."""
    from housing.rules import default_thresholds
    from store.settings_log import save_setting

    typed = default_thresholds()
    typed["due_soon"]["days"], typed["behind_schedule"]["yellow_points"] = due_soon_days, yellow_points
    save_setting(open_database(app_database), RULE_THRESHOLDS, typed, "王主任")


@pytest.mark.parametrize("page", ["views/overview.py", "views/districts.py"])
@pytest.mark.parametrize(
    ("lang", "thresholds", "quoted", "not_quoted"),
    [
        ("zh", None, ["不超过30天", "达10个百分点"], []),  # never changed: the defaults are the ones in force
        ("zh", (45, 12.5), ["不超过45天", "达12.5个百分点"], ["30天", "10个百分点"]),
        ("en", (45, 12.5), ["within 45 days", "12.5 points"], ["30 days", "10 points"]),
        ("en", (7, 20.0), ["within 7 days", "20 points"], ["30 days"]),
    ],
)
def test_the_at_risk_help_quotes_the_thresholds_in_force(app_database, page, lang, thresholds, quoted, not_quoted):
    AppTest.from_file(APP, default_timeout=90).run()  # the first start publishes the sample as version 1
    if thresholds:
        saved(app_database, *thresholds)
    at = open_page(page, lang=lang)
    help_text = next(m.help for m in at.metric if m.label in ("有风险", "At risk"))
    assert all(text in help_text for text in quoted), help_text
    assert not any(text in help_text for text in not_quoted), help_text
