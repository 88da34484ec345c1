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
    "past_sample_banner": (
        "正在查看的第 {version} 版是内置示例数据：{title}（仅供演示）。",
        "Version {version}, shown here, is the bundled sample: {title} (a demonstration).",
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
        "上传本周的项目台账（xlsx、xlsm、xls、ods、csv 或 Unicode 文本 txt，最大 {limit} MB）。"
        "系统先校验并列出与当前版本相比的变化，确认后才发布。",
        "Upload this week's project register (xlsx, xlsm, xls, ods, csv or Unicode text, up to {limit} MB). It is "
        "checked and compared with the current version first; nothing is published until you confirm.",
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
    "up_blocked_unreadable": (
        "无法读取此文件：{reason}。未发布任何内容，当前数据保持不变。",
        "This file cannot be read: {reason}. Nothing was published; the current data stays as it is.",
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
    "up_scope": ("发布范围", "What this file replaces"),
    "up_scope_districts": (
        "只更新本文件中的区县：{districts}（其他区县保持第 {version} 版的数据）",
        "Only the districts in this file: {districts} (the other districts stay as in version {version})",
    ),
    "up_scope_all": (
        "替换整个台账（本文件中没有的 {count} 个项目将被移除：{others}）",
        "The whole register (the {count} projects not in this file are removed: {others})",
    ),
    "up_scope_help": (
        "各区县分别上报时选第一项：新版本由本文件中各区县的项目和其他区县当前的数据组成。上报全市汇总台账时选第二项。",
        "When each district sends its own workbook, choose the first: the new version is this file's districts "
        "plus every other district as it is now. For a city-wide register, choose the second.",
    ),
    "up_replaces_sample": (
        "当前发布的是内置示例数据（第 {version} 版，{projects} 个项目、{households} 户）。本文件将替换整个台账："
        "发布后看板只显示本文件中的项目，示例数据不会保留。",
        "The published data is the bundled sample (version {version}: {projects} projects, {households} "
        "households). This file replaces the whole register: once published, the dashboard shows only this "
        "file's projects and no sample row is kept.",
    ),
    "up_scope_impossible": (
        "本文件不能只更新其中的区县（{districts}）：有 {count} 个项目没有填写区县（{rows}）。"
        "发布将替换整个台账。如只想更新这些区县，请补填区县后重新上传。",
        "This file cannot update just its districts ({districts}): {count} project(s) name no district "
        "({rows}). Publishing replaces the whole register. To update only those districts, fill in the "
        "district and upload the file again.",
    ),
    "up_row_ref": ("第 {row} 行“{name}”", "row {row} “{name}”"),
    "up_districts": ("区县名称", "District names"),
    "up_districts_intro": (
        "以下区县名称与当前版本中已有的区县仅后缀或空格不同。请确认是否为同一区县：按已有区县读取，"
        "这些项目就计入该区县；保留为新区县，则作为另一个区县发布。",
        "These district names differ from a district of the current version only by a suffix or spacing. "
        "Say whether each is that district: read as it, its projects count under it; kept as written, they "
        "are published as another district.",
    ),
    "up_district_variant": (
        "“{written}”（{count} 个项目）",
        "“{written}” ({count} projects)",
    ),
    "up_district_read_as": ("按“{known}”读取", "Read as “{known}”"),
    "up_district_keep": ("保留为新区县“{written}”", "Keep as a new district “{written}”"),
    "up_district_duplicates": (
        "按已有区县读取后，以下项目在同一区县中出现了两次，不能计算两次：{names}。请在文件中删除或合并重复的行，"
        "或将对应区县保留为新区县。",
        "Read as the known districts, these projects appear twice in the same district and must not be "
        "counted twice: {names}. Delete or merge the repeated rows in the file, or keep that district as "
        "written.",
    ),
    "up_removal": (
        "发布后将移除当前第 {version} 版中的 {projects} 个项目、{households} 户（占当前 {share_projects} 的项目、"
        "{share_households} 的户数）：{names}",
        "Publishing removes {projects} projects and {households} households of the current version {version} "
        "({share_projects} of its projects, {share_households} of its households): {names}",
    ),
    "up_removal_see_table": ("见下表", "listed below"),
    "up_removal_table": ("将被移除的项目（{count} 个）：", "The projects that go ({count}):"),
    "up_removal_confirm": (
        "我确认移除这 {projects} 个项目、{households} 户",
        "I confirm removing these {projects} projects and {households} households",
    ),
    "up_removal_unconfirmed": (
        "未发布：本次发布将移除 {projects} 个项目、{households} 户，请勾选确认后再发布。",
        "Nothing was published: this removes {projects} projects and {households} households. Tick the "
        "confirmation, then publish.",
    ),
    "up_uploader": ("上传人（姓名）", "Uploaded by (name)"),
    "up_comment": ("说明（可选）", "Comment (optional)"),
    "up_publish": ("发布", "Publish"),
    "up_need_uploader": ("请填写上传人姓名。", "Enter the name of the person uploading."),
    "up_version_moved": (
        "在您预览之后，{uploader} 已于 {time} 发布第 {version} 版，本次未发布。"
        "请对照第 {version} 版重新查看变化后再发布。",
        "Version {version} was published meanwhile by {uploader} ({time}), so nothing was published. Review "
        "the changes against version {version} again, then publish.",
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
    "hi_source_upload_scope": ("上传（{districts}）", "Upload ({districts})"),
    "hi_source_rollback": ("回退至第 {version} 版", "Rollback to version {version}"),
    "hi_one": ("查看某一版本", "One version"),
    "hi_pick": ("版本", "Version"),
    "hi_pick_label": ("第 {version} 版 · {time} · {uploader}", "Version {version} · {time} · {uploader}"),
    "hi_download": ("下载原始文件 {file}", "Download the original file {file}"),
    "hi_download_sample": ("下载原始文件 {file}（内置示例数据）", "Download the original file {file} (bundled sample)"),
    "hi_sample_file": ("示例数据_{file}", "SAMPLE_{file}"),
    "hi_sample_mark": ("{source} · 示例数据", "{source} · sample data"),
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
    # what changed since last week
    "page_changes": ("本周变化", "What changed"),
    "wk_turned_red": ("转为红色预警", "Turned red"),
    "wk_turned_yellow": ("转为黄色预警", "Turned yellow"),
    "wk_recovered": ("有进展，预警解除或减轻", "Recovered"),
    "wk_recovered_help": (
        "预警解除或减轻，且项目确有进展：进入后续阶段、完成比例提高或已交付。",
        "Warning lifted or lowered and the project progressed: a later stage, a higher progress figure, or "
        "handed over.",
    ),
    "wk_eased": ("因推迟交付日期而减轻", "Eased by moving the deadline"),
    "wk_eased_help": (
        "预警解除或减轻，但项目没有进展，只是计划交付日期推迟了；不计为恢复。",
        "Warning lifted or lowered with no progress, only a later deadline; not counted as recovered.",
    ),
    "wk_cleared": ("无进展，预警解除或减轻", "Eased without progress"),
    "wk_cleared_help": (
        "预警解除或减轻，但既无进展，交付日期也未推迟（如预警随时间消失或数据更正）；不计为恢复。",
        "Warning lifted or lowered with neither progress nor a later deadline (a warning that lapsed, a corrected "
        "row); not counted as recovered.",
    ),
    "wk_deadline_moved": ("交付日期变动（天）", "Deadline moved (days)"),
    "wk_slips": ("交付日期推迟", "Deadline slips"),
    "wk_stages": ("完成节点", "Stages completed"),
    "wk_handed_over": ("新交付项目", "Handed over"),
    "wk_none": ("无。", "None."),
    "wk_compare_with": ("对比版本", "Compare with"),
    "wk_compare_help": (
        "默认为至少早 7 天的最近一个版本（即上周的数据）。对比版本的状态按其发布当日判断。",
        "By default the newest version at least 7 days older (last week's data). Its statuses are judged as of "
        "the day it was published.",
    ),
    "wk_needs_versions": (
        "本周变化基于已发布的版本。请在侧栏选择“已发布数据”。",
        "What changed is based on published versions. Choose “Published data” in the sidebar.",
    ),
    "wk_first_version": (
        "第 {version} 版是第一个发布的版本，还没有可对比的早期版本。",
        "Version {version} is the first published version; there is no earlier version to compare with yet.",
    ),
    "wk_title": ("{region}本周变化", "{region}: what changed"),
    "wk_caption": ("第 {old} 版 → 第 {new} 版", "Version {old} → version {new}"),
    "wk_nothing": ("两个版本之间没有变化。", "Nothing changed between the two versions."),
    "sec_week": ("本周变化", "What changed this week"),
    "wk_more": ("查看本周变化详情", "See every change"),
    "wk_level_red": ("红色预警", "Red"),
    "wk_level_yellow": ("黄色预警", "Yellow"),
    "wk_before": ("对比版本", "Before"),
    "wk_after": ("当前", "Now"),
    "wk_old_deadline": ("原计划交付日期", "Old deadline"),
    "wk_new_deadline": ("新计划交付日期", "New deadline"),
    "wk_slip_days": ("推迟（天）", "Slip (days)"),
    "wk_stage_before": ("原阶段", "Stage before"),
    "wk_stage_after": ("现阶段", "Stage now"),
    # rule settings page (admin)
    "page_settings": ("规则设置", "Rule settings"),
    "ad_intro": (
        "预警规则及其阈值。修改后立即对所有用户生效，并与数据一起保存；每次修改都记录修改人和时间。",
        "The warning rules and their thresholds. A change applies at once for everyone and is stored with the "
        "data; every change is logged with who made it and when.",
    ),
    "ad_password": ("管理员密码", "Administrator password"),
    "ad_wrong_password": ("密码不正确。", "Wrong password."),
    "ad_col_rule": ("规则", "Rule"),
    "ad_col_level": ("最高预警级别", "Highest level"),
    "ad_col_checks": ("判断依据", "What it checks"),
    "ad_col_thresholds": ("当前阈值", "Thresholds in force"),
    "ad_edit": ("修改阈值", "Change thresholds"),
    "ad_default": ("默认值：{value}。", "Default: {value}."),
    "ad_changed_by": ("修改人（姓名）", "Changed by (name)"),
    "ad_save": ("保存", "Save"),
    "ad_reset": ("恢复默认值", "Restore the defaults"),
    "ad_need_name": ("请填写修改人姓名。", "Enter the name of the person making the change."),
    "ad_inconsistent": (
        "阈值不一致：红色预警的阈值必须大于黄色预警的阈值。",
        "The thresholds are inconsistent: each red threshold must be above its yellow one.",
    ),
    "ad_saved": ("已保存，新的阈值已生效。", "Saved; the new thresholds apply now."),
    "ad_log": ("修改记录", "Change log"),
    "ad_never_changed": ("阈值从未修改，使用的是默认值。", "The thresholds were never changed; the defaults apply."),
    "ad_col_when": ("修改时间", "When"),
    "ad_col_who": ("修改人", "Who"),
    "rule_name_overdue": ("逾期未交付", "Overdue"),
    "rule_name_behind_schedule": ("落后序时进度", "Behind schedule"),
    "rule_name_stage_late": ("节点逾期", "Stage late"),
    "rule_name_due_soon": ("临近交付期限", "Due soon"),
    "rule_name_slip": ("交付日期推迟", "Deadline slipped"),
    "rule_name_stale": ("长期未更新", "Not updated"),
    "ad_th_behind_schedule_yellow_points": ("黄色：落后百分点（含）", "Yellow from points behind"),
    "ad_th_behind_schedule_red_points": ("红色：落后超过百分点", "Red beyond points behind"),
    "ad_th_stage_late_yellow_days": ("黄色：节点逾期天数（含）", "Yellow from days late"),
    "ad_th_stage_late_red_days": ("红色：节点逾期天数（含）", "Red from days late"),
    "ad_th_due_soon_days": ("距交付期限天数（含）", "Days to the deadline"),
    "ad_th_slip_days": ("推迟天数（含）", "Days later"),
    "ad_th_stale_weeks": ("未更新周数（超过）", "Weeks without a change"),
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
    "kpi_at_risk_help": (
        "未交付且触发了任一预警规则（如距计划交付日期不超过{days}天而尚未联合验收、落后序时进度达{points}个百分点），"
        "但尚未逾期",
        "Not handed over and any warning rule fired (e.g. deadline within {days} days before joint acceptance, "
        "{points} points or more behind the pro-rata schedule), but not yet overdue",
    ),
    # sections
    "sec_districts": ("各区县安置户数", "Households by district"),
    "sec_streets": ("街道（镇）明细", "By subdistrict / town"),
    "pick_district": ("查看区县", "District"),
    "sec_timeline": ("项目进度时间线", "Project timeline"),
    "sec_risk": ("逾期及风险项目", "Overdue and at-risk projects"),
    "timeline_caption": (
        "每个项目一条：从开工（未填开工日期时从最早已知日期：节点日期或首次出现在台账）到计划交付日期，按计划交付日期"
        "排序；▼ 为不知起点的项目的计划交付日期，◆ 为实际交付，竖线为截至日期。",
        "One bar per project, from start (without a start date, from the first known date: a stage date or its "
        "first appearance in the register) to the deadline, sorted by deadline; ▼ marks the deadline of a "
        "project with no known start, ◆ the actual handover, the vertical line the as-of date.",
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
    "col_flats": ("安置房套数", "Flats"),
    "col_investment_planned": ("计划投资（万元）", "Planned investment (10,000 yuan)"),
    "col_investment_done": ("完成投资（万元）", "Investment completed (10,000 yuan)"),
    "col_completion_planned": ("计划竣工日期", "Planned completion"),
    "col_completion_actual": ("实际竣工日期", "Completed"),
    "col_leader": ("责任领导", "Responsible leader"),
    "col_read_as": ("读作", "Read as"),
    "col_header": ("列名", "Header"),
    "col_stage_planned": ("{stage}计划日期", "{stage} (planned)"),
    "col_stage_actual": ("{stage}实际日期", "{stage} (actual)"),
    "col_seq": ("序号", "Row number"),
    "up_columns": (
        "各列读作（{used} 列已使用，{unused} 列未使用）",
        "How each column was read ({used} used, {unused} not used)",
    ),
    "map_title": ("列对应：每一列读作什么", "Column mapping: what each column is read as"),
    "map_help": (
        "某列没有识别或识别有误时，在这里选择它对应的字段，或选“未使用”。"
        "所选对应会保存，下次上传表头相同的文件时自动沿用。",
        "When a column was not recognised or was read wrongly, choose its field here, or “Not used”. The choice is "
        "kept and applied to the next file with the same headers.",
    ),
    "map_auto": ("自动识别", "Automatic"),
    "map_apply": ("按所选对应重新读取", "Read again with these choices"),
    "map_in_force": (
        "已按保存的列对应读取 {count} 列（可在下方“列对应”中修改）。",
        "{count} column(s) were read by a saved column mapping (change it under “Column mapping” below).",
    ),
    "col_how": ("依据", "By"),
    "col_by_choice": ("所选对应", "Your mapping"),
    "col_not_used": ("未使用", "Not used"),
    "kpi_investment_rate": ("投资完成率", "Investment completed"),
    "kpi_investment_rate_help": (
        "已填写投资的项目：完成投资合计 ÷ 计划投资合计（{done} / {planned} 万元）",
        "Projects with investment figures: investment completed ÷ planned ({done} / {planned} × 10,000 yuan)",
    ),
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
    # warning rules (their messages live with the rules in housing/rules.py)
    "rule_stage_unknown": ("不详", "unknown"),
    # charts
    "chart_households": ("户数", "Households"),
    "chart_done": ("已交付", "Handed over"),
    "chart_waiting": ("待交付", "Waiting"),
    "chart_handover": ("实际交付", "Handed over"),
    "chart_deadline_only": ("计划交付日期（无开工日期）", "Deadline (no start date)"),
    "chart_as_of": ("截至日期", "As of"),
    "chart_first_known": ("最早已知日期（起点）", "First known date (bar starts here)"),
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
    # district drill-down
    "page_districts": ("区县街道明细", "Districts and streets"),
    "dd_title": ("{place} · 安置房交付情况", "{place} · Resettlement housing delivery"),
    "dd_unnamed": ("未填写", "not given"),
    "dd_pick_district": ("区县", "District"),
    "dd_pick_street": ("街道（镇）", "Subdistrict / town"),
    "dd_all_streets": ("全部街道（镇）", "All subdistricts and towns"),
    "dd_pick_district_first": ("请先选择区县", "Pick a district first"),
    "dd_up": ("返回{place}", "Back to {place}"),
    "dd_kpi_done": ("已交付户数", "Handed over (hh)"),
    "dd_kpi_done_projects": ("{count}个项目", "projects: {count}"),
    "dd_kpi_waiting": ("待交付户数", "Waiting (hh)"),
    "dd_col_area": ("万㎡", "10k m²"),
    "dd_sec_district": ("各区县交付情况", "Delivery by district"),
    "dd_sec_street": ("各街道（镇）交付情况", "Delivery by subdistrict / town"),
    "dd_sec_projects": ("项目清单", "Projects"),
    "dd_chart_caption": (
        "每条为安置户数：已交付（蓝）与待交付（灰），条末为合计；表中为各状态的项目数。选择上方的区县或街道（镇）查看下一级。",
        "Each bar is the households to resettle: handed over (blue) and waiting (grey), with the total at its end; "
        "the table counts projects by status. Pick a district or subdistrict above to go one level down.",
    ),
    "dd_no_streets": (
        "{place}的项目没有填写街道（镇），下面直接列出其项目。",
        "{place}'s projects give no subdistrict or town; its projects are listed directly.",
    ),
    "dd_empty_place": (
        "当前筛选条件下，{place}没有项目。请在左侧调整区县或状态筛选，或返回上一级。",
        "None of {place}'s projects match the filters. Adjust the districts or statuses on the left, or go back up.",
    ),
    "dd_unknown_place": (
        "当前数据中没有链接中的“{name}”，已显示上一级。",
        "The data has no “{name}” from the link; showing the level above.",
    ),
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
    # project detail and delivery progress (pages/project.py, pages/progress.py)
    "page_project": ("项目详情", "Project detail"),
    "page_progress": ("交付进度", "Delivery progress"),
    "pj_pick_district": ("选择区县", "Choose a district"),
    "pj_pick_project": ("项目", "Project"),
    "pj_pick_project_hint": ("选择项目", "Choose a project"),
    "pj_pick_district_first": ("请先选择区县", "Choose a district first"),
    "pj_pick_hint": (
        "请在上方选择区县和项目，或点击其他页面中的项目名称进入。",
        "Choose a district and a project above, or follow a project's name from another page.",
    ),
    "pj_unknown": (
        "当前数据中没有链接中的项目“{name}”，请在上方重新选择。",
        "The data has no project “{name}” from the link; choose one above.",
    ),
    "pj_level_red": ("红色预警", "Red warning"),
    "pj_level_yellow": ("黄色预警", "Yellow warning"),
    "pj_handed_over": ("已于{date}交付", "handed over {date}"),
    "pj_days_over": ("已逾期{days}天", "{days} overdue"),
    "pj_days_left": ("还有{days}天", "{days} left"),
    "pj_baseline_help": (
        "首次发布时的计划交付日期；下方为当前计划交付日期相对它推迟或提前的天数。",
        "The deadline when the project was first published; below it, how far the current deadline has moved.",
    ),
    "pj_stage_help": ("台账原文：{text}", "As written in the register: {text}"),
    "pj_progress": ("完成比例", "Progress"),
    "pj_sec_stages": ("节点计划与实际完成", "Stage plan and actual dates"),
    "pj_stages_caption": (
        "每个节点两条：上为计划（浅色框），下为实际（实心），均从上一节点完成到本节点完成；◇/◆ 为计划/实际完成日期。"
        "斜线条为尚未完成的节点（红色：已超过计划日期），条末为偏差天数，竖线为截至日期。",
        "Two bars per stage: planned (light, above) and actual (solid, below), each from the previous stage's "
        "completion to this one's; ◇/◆ mark the planned/actual dates. Hatched bars are stages not done yet (red: past "
        "the planned date); the days late or early are at the end; the vertical line is the as-of date.",
    ),
    "pj_no_stages": (
        "该项目没有节点计划日期（台账中没有节点计划表，或表中没有该项目）。",
        "This project has no stage dates (the register has no stage sheet, or the sheet does not list it).",
    ),
    "pj_planned": ("计划", "Planned"),
    "pj_actual": ("实际", "Actual"),
    "pj_actual_done": ("实际（按期或提前）", "Actual (on time or early)"),
    "pj_actual_late": ("实际（晚于计划）", "Actual (late)"),
    "pj_actual_running": ("未完成，已超过计划日期", "Not done, past the planned date"),
    "pj_actual_open": ("进行中", "Under way"),
    "pj_slip_late": ("晚{days}天", "{days} late"),
    "pj_slip_early": ("早{days}天", "{days} early"),
    "pj_slip_on_time": ("按期", "on time"),
    "pj_slip_running": ("已超期{days}天（未完成）", "{days} overdue, not done"),
    "pj_chart_running": ("超期{days}天", "{days} overdue"),
    "pj_col_stage": ("节点", "Stage"),
    "pj_col_planned": ("计划完成日期", "Planned"),
    "pj_col_actual": ("实际完成日期", "Actual"),
    "pj_col_slip": ("偏差", "Slip"),
    "pj_col_state": ("完成情况", "State"),
    "pj_state_done": ("已完成", "Done"),
    "pj_state_open": ("未到计划日期", "Not yet due"),
    "pj_state_running": ("已超期未完成", "Overdue, not done"),
    "pj_sec_history": ("历次版本", "Across versions"),
    "pj_history_sample": (
        "内置示例数据只有一个版本，没有历史记录；发布后每次上传的变化都会记录在这里。",
        "A bundled sample has one version and no history; once published, every upload is recorded here.",
    ),
    "pj_history_single": (
        "该项目目前只出现在一个已发布版本中。",
        "This project appears in one published version so far.",
    ),
    "pj_col_version": ("版本", "Version"),
    "pj_col_published": ("发布时间", "Published"),
    "pj_col_moved": ("交付日期变化", "Deadline moved"),
    "pg_title": ("{region}安置房交付进度", "{region}: delivery progress"),
    "pg_sec_funnel": ("交付进度漏斗", "Delivery funnel"),
    "pg_measure": ("统计口径", "Measure"),
    "pg_measure_projects": ("项目数", "Projects"),
    "pg_measure_households": ("安置户数", "Households"),
    "pg_measure_area": ("建筑面积（万㎡）", "Floor area (10,000 m²)"),
    "pg_unit_projects": ("{value}个", "{value}"),
    "pg_unit_households": ("{value}户", "{value}"),
    "pg_unit_floor_area_m2": ("{value}万㎡", "{value}"),
    "pg_funnel_text": ("{value}（{share}）", "{value} ({share})"),
    "pg_funnel_caption": (
        "左：达到各里程碑的项目——形象进度已到或已过该节点、节点计划中有实际完成日期，或已交付；"
        "到达后一里程碑即计入前面各里程碑。右：各项目当前所处的形象进度。",
        "Left: projects that have reached each milestone (their stage is at or past it, the stage sheet gives an "
        "actual date for it, or they are handed over; a later milestone counts for the earlier ones). Right: the "
        "stage each project is at now.",
    ),
    "pg_step_total": ("全部项目", "All projects"),
    "pg_step_topped_out": ("已主体封顶", "Topped out"),
    "pg_step_acceptance": ("已联合验收", "Accepted"),
    "pg_step_handover": ("已交房入住", "Handed over"),
    "pg_stage_unknown": ("未识别", "Unknown"),
    "pg_sec_baseline": ("计划交付日期：基线与当前", "Deadlines: baseline and current"),
    "pg_baseline": ("基线交付日期", "Baseline deadline"),
    "pg_baseline_caption": (
        "○ 为首次发布时的计划交付日期（基线），● 为当前计划交付日期（颜色为状态），橙色连线表示推迟；"
        "推迟最多的项目在最上面，竖线为截至日期。",
        "○ the deadline when first published (baseline), ● the current deadline (coloured by status); an orange "
        "line means it moved later. Largest slip on top; the vertical line is the as-of date.",
    ),
    "pg_baseline_sample": (
        "内置示例数据只有一个版本，基线即当前计划交付日期；发布新版本后，这里会显示各项目交付日期的变化。",
        "A bundled sample has one version, so each baseline is the current deadline; once new versions are "
        "published, deadline moves show here.",
    ),
    "pg_no_slips": (
        "自首次发布以来，所选项目的计划交付日期都没有推迟。",
        "No deadline of the selected projects has moved later since it was first published.",
    ),
    "pg_slipped": (
        "计划交付日期推迟的项目（{count}个），点击项目名称查看详情：",
        "Projects whose deadline moved later ({count}); click a name for its detail:",
    ),
    "pg_col_slip": ("推迟天数", "Days later"),
    "pg_slip_later": ("推迟{days}天", "{days} later"),
    "pg_slip_earlier": ("提前{days}天", "{days} earlier"),
    "pg_slip_none": ("未变", "unchanged"),
    "pg_moved_later": ("推迟", "Moved later"),
    "pg_moved_earlier": ("提前", "Moved earlier"),
}


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """The text for ``key`` in ``lang`` (``zh`` or ``en``), with ``params`` filled in."""
    zh, en = CATALOGUE[key]
    return (en if lang == "en" else zh).format(**params)


def status_label(status: str, lang: str) -> str:
    """The display name of a status."""
    return t(f"status_{status}", lang)
