"""The one catalogue of user-facing text, Chinese first and English too.

``t(key, lang, **params)`` looks a text up and fills its ``{placeholders}``. A test checks that every
key has both languages with the same placeholders, and that every key the code uses exists.
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

CATALOGUE: dict[str, tuple[str, str]] = {
    # application frame
    "app_title": ("安置房交付看板", "Resettlement Housing Delivery"),
    "page_overview": ("总览", "Overview"),
    "language": ("语言 / Language", "语言 / Language"),
    "as_of": ("截至日期", "As of"),
    "as_of_help": ("按该日期判断是否交付、逾期或有风险", "Statuses are judged as of this date"),
    "dataset": ("数据", "Data"),
    "filter_districts": ("区县", "Districts"),
    "filter_statuses": ("状态", "Status"),
    "filter_all": ("全部", "All"),
    "sample_banner": (
        "当前显示的是内置示例数据：{title}。上传功能上线后，这里将显示各区县每周上报的数据。",
        "You are looking at bundled sample data: {title}. Once uploads are available, the districts' weekly "
        "figures appear here.",
    ),
    "sample_zhangqiu_2021": (
        "章丘区2021年要交付的安置房项目（据2021年新闻报道，列出15个中的8个）",
        "Zhangqiu district's resettlement projects due in 2021 (8 of 15, from 2021 news reports)",
    ),
    "sample_portfolio": ("济南市多区县安置房项目台账（虚构示例）", "Jinan multi-district project register (fictional)"),
    "page_title": ("{region}安置房交付情况", "{region}: resettlement housing delivery"),
    "as_of_caption": ("截至{date}", "As of {date}"),
    "all_districts": ("全部区县", "All districts"),
    "load_notes": ("数据读取提示（{count} 条）", "Notes from reading the data ({count})"),
    "unexpected_error": (
        "页面出现意外错误，已记录。请刷新页面；如仍出现，请联系系统管理员。",
        "Something went wrong on this page and it has been logged. Reload the page; if it happens again, "
        "contact the administrator.",
    ),
    "street_hint": ("选择一个区县，查看其下各街道（镇）的明细。", "Pick a district to see its subdistricts and towns."),
    "load_failed": ("无法读取数据文件 {file}。", "The data file {file} could not be read."),
    # headline figures
    "kpi_projects": ("项目", "Projects"),
    "kpi_households": ("安置户数", "Households"),
    "kpi_area": ("总建筑面积（万㎡）", "Area (10k m²)"),
    "kpi_done": ("已交付", "Handed over"),
    "kpi_households_unit": ("{households}户", "{households} hh"),
    "kpi_year": ("{year}年交付 / 目标", "{year} vs target"),
    "kpi_year_value": ("{done} / {target}个", "{done} / {target}"),
    "kpi_year_households": ("{done}户 / {target}户", "{done} / {target} hh"),
    "kpi_overdue": ("已逾期", "Overdue"),
    "kpi_at_risk": ("有风险", "At risk"),
    "kpi_waiting": ("尚待交付 {households} 户", "{households} waiting"),
    "kpi_projects_unit": ("{count}个", "{count}"),
    "kpi_at_risk_help": ("未交付且距计划交付日期不足{days}天", "Not handed over, deadline within {days} days"),
    # sections
    "sec_districts": ("各区县安置户数", "Households by district"),
    "sec_streets": ("街道（镇）明细", "By subdistrict / town"),
    "pick_district": ("查看区县", "District"),
    "sec_timeline": ("项目进度时间线", "Project timeline"),
    "sec_risk": ("逾期及风险项目", "Overdue and at-risk projects"),
    "timeline_caption": (
        "每个项目一条：从开工（或最早已知日期）到计划交付日期，按计划交付日期排序；◆ 为实际交付，竖线为截至日期。",
        "One bar per project, from start (or the earliest known date) to the deadline, sorted by deadline; "
        "◆ marks the actual handover, the vertical line the as-of date.",
    ),
    "timeline_grouped": ("项目较多，按区县分组显示。", "Many projects: grouped by district."),
    # table columns
    "col_district": ("区县", "District"),
    "col_street": ("街道（镇）", "Subdistrict / town"),
    "col_projects": ("项目数", "Projects"),
    "col_households": ("安置户数", "Households"),
    "col_area": ("建筑面积（万㎡）", "Floor area (10,000 m²)"),
    "col_done_households": ("已交付户数", "Households handed over"),
    "col_waiting_households": ("待交付户数", "Households waiting"),
    "col_overdue": ("逾期", "Overdue"),
    "col_at_risk": ("有风险", "At risk"),
    "col_name": ("项目名称", "Project"),
    "col_deadline": ("计划交付日期", "Deadline"),
    "col_handed_over": ("实际交付日期", "Handed over"),
    "col_start": ("开工日期", "Start"),
    "col_status": ("状态", "Status"),
    "col_reasons": ("原因", "Reasons"),
    "col_stage": ("形象进度", "Stage"),
    "col_unit": ("责任单位", "Responsible unit"),
    "col_days": ("距交付期限（天）", "Days to deadline"),
    "col_sheet": ("工作表", "Sheet"),
    "col_row": ("行号", "Row"),
    "col_column": ("列", "Column"),
    "col_value": ("内容", "Value"),
    "col_message": ("说明", "Message"),
    "col_severity": ("类型", "Severity"),
    "severity_error": ("错误", "Error"),
    "severity_warning": ("提示", "Warning"),
    # statuses and reasons
    "status_done": ("已交付", "Handed over"),
    "status_on_track": ("正常推进", "On track"),
    "status_at_risk": ("有风险", "At risk"),
    "status_overdue": ("已逾期", "Overdue"),
    "reason_overdue": (
        "计划{deadline}具备交付条件，已逾期{days}天，尚未交付",
        "Deadline {deadline} passed {days} ago; not handed over",
    ),
    "reason_due_soon": (
        "距计划交付日期{deadline}仅剩{days}天，尚未交付",
        "Deadline {deadline} is {days} away; not handed over",
    ),
    "reason_on_track": ("距计划交付日期{deadline}还有{days}天", "{days} to the deadline {deadline}"),
    "reason_no_deadline": ("未填写计划交付日期", "No deadline given"),
    "reason_stage": ("当前形象进度：{stage}", "Current stage: {stage}"),
    "reason_done": ("已于{date}交付", "Handed over on {date}"),
    "reason_done_on_time": ("已于{date}交付（提前{days}天）", "Handed over on {date} ({days} early)"),
    "reason_done_late": ("已于{date}交付（晚于计划{days}天）", "Handed over on {date} ({days} late)"),
    # charts
    "chart_households": ("户数", "Households"),
    "chart_done": ("已交付", "Handed over"),
    "chart_waiting": ("待交付", "Waiting"),
    "chart_handover": ("实际交付", "Handed over"),
    "chart_deadline_only": ("计划交付日期（无开工日期）", "Deadline (no start date)"),
    "chart_as_of": ("截至日期", "As of"),
    # empty states
    "empty_filtered": (
        "当前筛选条件下没有项目。请在左侧调整区县或状态筛选。",
        "No projects match the filters. Adjust the districts or statuses on the left.",
    ),
    "empty_risk": (
        "截至{date}，所选项目中没有逾期或有风险的项目。",
        "As of {date}, none of the selected projects is overdue or at risk.",
    ),
    "empty_timeline": (
        "所选项目都没有填写日期，无法绘制时间线。",
        "None of the selected projects has dates, so there is no timeline to draw.",
    ),
    "empty_streets": ("该区县的项目没有填写街道（镇）。", "This district's projects give no subdistrict or town."),
    # command line
    "cli_file": ("文件", "File"),
    "cli_as_of": ("截至日期", "As of"),
    "cli_totals": ("合计", "Totals"),
    "cli_issues": ("问题", "Issues"),
    "cli_no_issues": ("没有发现问题。", "No problems found."),
    "cli_counts": ("{errors} 个错误，{warnings} 条提示", "{errors} errors, {warnings} warnings"),
}


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """The text for ``key`` in ``lang`` (``zh`` or ``en``), with ``params`` filled in."""
    zh, en = CATALOGUE[key]
    return (en if lang == "en" else zh).format(**params)


def status_label(status: str, lang: str) -> str:
    """The display name of a status."""
    return t(f"status_{status}", lang)
