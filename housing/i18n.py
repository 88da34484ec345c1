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
        "当前显示的是内置示例数据：{title}（仅供演示，不是已发布的数据）。",
        "You are looking at bundled sample data: {title} (a demonstration, not the published data).",
    ),
    "nav_dashboard": ("看板", "Dashboard"),
    "nav_staff": ("数据管理", "Data management"),
    "page_upload": ("上传数据", "Upload"),
    "page_history": ("版本历史", "History"),
    "dataset_published": ("已发布数据", "Published data"),
    "published_sample_banner": (
        "当前发布的是内置示例数据（第 {version} 版）：{title}。请在“上传数据”页上传本地的项目台账。",
        "The published data is the bundled sample (version {version}): {title}. Upload your own register on "
        "the Upload page.",
    ),
    "data_version": (
        "数据：第 {version} 版 · {time} · {uploader} · {file}",
        "Data: version {version} · {time} · {uploader} · {file}",
    ),
    "past_version": (
        "正在查看历史版本：第 {version} 版（{time}）。当前版本为第 {current} 版。",
        "You are viewing a past version: version {version} ({time}). The current version is {current}.",
    ),
    "back_to_current": ("返回当前版本", "Back to the current version"),
    "no_data_yet": (
        "尚未发布任何数据。请在“上传数据”页上传项目台账。",
        "Nothing has been published yet. Upload a project register on the Upload page.",
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
    # upload page
    "up_intro": (
        "上传本周的项目台账（xlsx、xlsm、xls、ods 或 csv，最大 {limit} MB）。"
        "系统先校验并列出与当前版本相比的变化，确认后才发布。",
        "Upload this week's project register (xlsx, xlsm, xls, ods or csv, up to {limit} MB). It is checked and "
        "compared with the current version first; nothing is published until you confirm.",
    ),
    "up_template_zh": ("下载空白模板（中文）", "Blank template (Chinese)"),
    "up_template_en": ("下载空白模板（英文）", "Blank template (English)"),
    "up_template_file": ("安置房项目台账模板", "resettlement_register_template"),
    "up_drop": ("选择或拖入工作簿", "Choose or drop a workbook"),
    "up_drop_help": (
        "各区县常用的台账格式均可上传：标题行、合并单元格、文字日期和合计行都能识别。",
        "The registers districts already keep can be uploaded as they are: title rows, merged cells, dates "
        "typed as text and totals rows are understood.",
    ),
    "up_empty": ("尚未选择文件。也可以先下载模板填写。", "No file chosen yet. You can also start from a template."),
    "up_report": ("校验结果", "Validation report"),
    "up_errors": ("错误", "Errors"),
    "up_warnings": ("提示", "Warnings"),
    "up_projects": ("识别到的项目", "Projects found"),
    "up_clean": ("未发现问题。", "No problems found."),
    "up_marked": ("下载标注了问题的工作簿", "Download the workbook with the problems marked"),
    "up_marked_file": ("{stem}_问题标注", "{stem}_checked"),
    "up_blocked_errors": (
        "工作簿中有 {count} 处错误，修正后才能发布。可下载标注了问题的工作簿，在 Excel 中修改后重新上传。",
        "The workbook has {count} error(s) and cannot be published until they are fixed. Download the workbook "
        "with the problems marked, fix them in Excel and upload it again.",
    ),
    "up_blocked_empty": (
        "工作簿中没有项目数据行，发布后看板将为空，因此不能发布。",
        "The workbook has no project rows; publishing it would empty the dashboard, so it cannot be published.",
    ),
    "up_blocked_same": (
        "该文件与当前的第 {version} 版完全相同（SHA-256 一致），无需重复发布。",
        "This file is identical to the current version {version} (same SHA-256); there is nothing new to publish.",
    ),
    "up_preview": ("发布前预览：与当前版本相比的变化", "Preview: what changes against the current version"),
    "up_preview_against": ("对比对象：当前的第 {version} 版", "Compared with the current version {version}"),
    "up_first_version": ("这将是第一个发布的版本。", "This will be the first published version."),
    "up_uploader": ("上传人（姓名）", "Uploaded by (name)"),
    "up_comment": ("说明（可选）", "Comment (optional)"),
    "up_publish": ("发布", "Publish"),
    "up_need_uploader": ("请填写上传人姓名。", "Enter the name of the person uploading."),
    "up_moved_on": (
        "在您预览之后，已有人发布了新版本。上方的预览已按最新版本更新，请核对后再次发布。",
        "Someone published a new version after your preview. The preview above now compares with it; check "
        "it and publish again.",
    ),
    "up_published": (
        "已发布第 {version} 版，看板已切换到新数据。",
        "Version {version} is published; the dashboard shows it now.",
    ),
    "up_to_overview": ("查看总览", "Open the overview"),
    # change view
    "chg_added": ("新增项目", "Projects added"),
    "chg_removed": ("移除项目", "Projects removed"),
    "chg_changed": ("有变化的项目", "Projects changed"),
    "chg_none": ("两个版本的项目数据完全相同。", "The two versions hold the same projects with the same figures."),
    "chg_changed_fields": (
        "变化明细（推迟交付和户数变化排在前面）",
        "Changes (deadline slips and household changes first)",
    ),
    # history page
    "hi_intro": (
        "共 {count} 个版本。版本不会被修改或删除；回退会生成一个新版本。",
        "{count} version(s). Versions are never edited or deleted; a rollback publishes a new version.",
    ),
    "hi_col_version": ("版本", "Version"),
    "hi_col_time": ("发布时间", "Published"),
    "hi_col_uploader": ("上传人", "By"),
    "hi_col_file": ("文件", "File"),
    "hi_col_source": ("来源", "Source"),
    "hi_col_comment": ("说明", "Comment"),
    "hi_current": ("当前", "current"),
    "hi_source_upload": ("上传", "Upload"),
    "hi_source_sample": ("内置示例数据", "Bundled sample"),
    "hi_source_rollback": ("回退至第 {version} 版", "Rollback to version {version}"),
    "hi_one": ("查看某一版本", "One version"),
    "hi_pick": ("版本", "Version"),
    "hi_pick_label": ("第 {version} 版 · {time} · {uploader}", "Version {version} · {time} · {uploader}"),
    "hi_download": ("下载原始文件 {file}", "Download the original file {file}"),
    "hi_open": ("在看板中查看此版本", "View the dashboard as of this version"),
    "hi_rollback_intro": (
        "回退会把第 {version} 版的数据重新发布为一个新版本，历史记录保持完整。",
        "A rollback publishes the data of version {version} again as a new version; the history stays complete.",
    ),
    "hi_rollback_reason": ("回退原因", "Reason"),
    "hi_rollback": ("回退到第 {version} 版", "Roll back to version {version}"),
    "hi_rolled_back": (
        "已将第 {restored} 版的数据发布为第 {version} 版。",
        "The data of version {restored} is published again as version {version}.",
    ),
    "hi_compare": ("比较两个版本", "Compare two versions"),
    "hi_from": ("旧版本", "Older version"),
    "hi_to": ("新版本", "Newer version"),
    "hi_same": ("请选择两个不同的版本。", "Pick two different versions."),
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
    # changes between two versions of the table
    "chg_col_field": ("变更项", "Field"),
    "chg_col_before": ("变更前", "Before"),
    "chg_col_after": ("变更后", "After"),
    "chg_col_change": ("变化", "Change"),
    "chg_col_figure": ("指标", "Figure"),
    "chg_col_difference": ("增减", "Difference"),
    "chg_field_progress": ("完成比例", "Progress"),
    "chg_field_notes": ("备注", "Notes"),
    "chg_done_projects": ("已交付项目数", "Projects handed over"),
    "chg_later": ("推迟 {days} 天", "{days} later"),
    "chg_earlier": ("提前 {days} 天", "{days} earlier"),
    "chg_households_up": ("增加 {count} 户", "up by {count}"),
    "chg_households_down": ("减少 {count} 户", "down by {count}"),
    "chg_area_up": ("增加 {area}", "up by {area}"),
    "chg_area_down": ("减少 {area}", "down by {area}"),
    "chg_unit_wan": ("万㎡", "× 10,000 m²"),
    "chg_unit_m2": ("㎡", "m²"),
    "chg_progress_up": ("提高 {points} 个百分点", "up by {points}"),
    "chg_progress_down": ("降低 {points} 个百分点", "down by {points}"),
    "chg_handed_over": ("已交付", "handed over"),
    "chg_filled": ("新填写", "filled in"),
    "chg_cleared": ("已清空", "cleared"),
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
