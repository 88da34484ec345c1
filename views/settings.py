"""Rule settings (administrators only, ``ui.nav``): the at-risk rules, their thresholds, and who changed them when;
and the "send now" of the weekly summary to a group chat (``ui.notices``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from briefing import blocks as B
from housing.fmt import fmt_datetime
from housing.i18n import t
from housing.rules import RULES, Rule, default_thresholds
from housing.settings import get_setting
from service import actions as S
from service.roles import SAVE_SETTINGS, Refused
from store.settings_log import RULE_THRESHOLDS, setting_log
from ui.blocks import html_table, phone_layout
from ui.context import acting_as, current_actor, current_view, may_use, write_failed
from ui.data import engine, rule_thresholds
from ui.notices import send_now

RULE_COLUMNS = (
    ("rule", "ad_col_rule"),
    ("level", "ad_col_level"),
    ("checks", "ad_col_checks"),
    ("thresholds", "ad_col_thresholds"),
)


def rules_table(current: dict, lang: str) -> B.Table:
    """Every rule: name, highest level, what it checks, and its thresholds in force. Drawn as an HTML table, so
    a long check or list of thresholds wraps in full rather than ending in an ellipsis in a data frame cell."""
    rows = []
    for rule in RULES:
        figures = ("；" if lang == "zh" else "; ").join(
            f"{t(f'ad_th_{rule.id}_{th.name}', lang)} = {current[rule.id][th.name]:g}" for th in rule.thresholds
        )
        texts = (t(f"rule_name_{rule.id}", lang), t(f"wk_level_{rule.level}", lang), rule.help(lang), figures or "—")
        rows.append(tuple(B.Cell(text, text) for text in texts))
    columns = tuple(B.Column(key, t(label, lang)) for key, label in RULE_COLUMNS)
    return B.Table("rules", columns, tuple(rows))


def threshold_inputs(rule: Rule, current: dict, lang: str) -> dict[str, float]:
    """Number inputs for one rule's thresholds, with defaults and help; returns the values typed."""
    values = {}
    for th in rule.thresholds:
        step = 1 if th.whole else 0.5
        value = current[rule.id][th.name]
        values[th.name] = st.number_input(
            t(f"ad_th_{rule.id}_{th.name}", lang),
            min_value=type(step)(th.minimum),
            max_value=type(step)(th.maximum),
            value=type(step)(value),
            step=step,
            help=rule.threshold_help(th, lang) + " " + t("ad_default", lang, value=f"{th.default:g}"),
            key=f"ad_{rule.id}_{th.name}",
        )
    return values


def edit_form(current: dict, lang: str) -> None:
    """All thresholds in one form; saved with the signed-in account as who changed them."""
    with st.form("ad_thresholds"):
        typed = {}
        for rule in [r for r in RULES if r.thresholds]:
            st.markdown(f"**{t(f'rule_name_{rule.id}', lang)}**")
            typed[rule.id] = threshold_inputs(rule, current, lang)
        acting_as(lang)
        save = st.form_submit_button(t("ad_save", lang), type="primary", icon=":material/save:")
        reset = st.form_submit_button(t("ad_reset", lang), icon=":material/restart_alt:")
    if save or reset:
        store(default_thresholds() if reset else typed, lang)


def store(typed: dict, lang: str) -> None:
    """Save the thresholds through the service, which refuses inconsistent ones (a red band not beyond its
    yellow one)."""
    try:
        S.save_thresholds(engine(), current_actor(), typed)
    except (Refused, S.Invalid) as error:
        write_failed(error, lang)
        return
    st.session_state["ad_saved"] = True
    st.rerun()  # the rules table above shows the new thresholds


def change_log(lang: str) -> None:
    """Who changed the thresholds, and when."""
    log = setting_log(engine(), RULE_THRESHOLDS)
    if log.empty:
        st.caption(t("ad_never_changed", lang))
        return
    tz = str(get_setting("timezone"))
    st.dataframe(
        pd.DataFrame(
            {
                t("ad_col_when", lang): [fmt_datetime(v.to_pydatetime(), lang, tz) for v in log["changed_at"]],
                t("ad_col_who", lang): log["changed_by"],
            }
        ),
        hide_index=True,
        width="stretch",
    )


view = current_view()
lang = view.lang
st.title(t("page_settings", lang))
st.caption(t("ad_intro", lang))
if st.session_state.pop("ad_saved", False):
    st.success(t("ad_saved", lang), icon=":material/check_circle:")
if may_use(SAVE_SETTINGS, lang):  # also only in administrators' navigation (ui.nav)
    current = rule_thresholds()
    phone_layout()  # the table styles (bf-table)
    st.html(html_table(rules_table(current, lang)))
    st.subheader(t("ad_edit", lang))
    edit_form(current, lang)
    st.subheader(t("ad_log", lang))
    change_log(lang)
    send_now(view)
