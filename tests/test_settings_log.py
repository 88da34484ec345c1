"""Settings stored with the data (store/settings_log.py): newest value wins, every change is kept."""

from __future__ import annotations

from store.settings_log import RULE_THRESHOLDS, load_setting, save_setting, setting_log


def test_a_setting_never_saved_is_none(engine):
    assert load_setting(engine, RULE_THRESHOLDS) is None
    assert setting_log(engine, RULE_THRESHOLDS).empty


def test_the_newest_value_wins_and_the_log_keeps_every_change(engine):
    save_setting(engine, RULE_THRESHOLDS, {"overdue": {}, "stale": {"weeks": 4}}, "张三")
    save_setting(engine, RULE_THRESHOLDS, {"stale": {"weeks": 6}}, " 李四 ")
    save_setting(engine, "other", {"x": 1}, "王五")
    assert load_setting(engine, RULE_THRESHOLDS) == {"stale": {"weeks": 6}}
    log = setting_log(engine, RULE_THRESHOLDS)
    assert log["changed_by"].tolist() == ["李四", "张三"]
    assert log["value"].tolist()[1] == {"overdue": {}, "stale": {"weeks": 4}}
    assert str(log["changed_at"].dt.tz) == "UTC"
