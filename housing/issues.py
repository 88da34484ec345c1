"""Problems found in a workbook: one entry per problem, collected rather than raised.

Each entry carries severity, sheet, Excel row number, the column header as written in the file, the
offending value, and a message in Chinese and English (templates below, one per problem code).
The entry and the catalogue sit in the domain package, so storage reads issues back without the loader;
``loaders.issues`` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"

# code -> (severity, Chinese template, English template)
MESSAGES: dict[str, tuple[str, str, str]] = {
    "unreadable": (ERROR, "无法读取该文件（{detail}）", "The file cannot be read ({detail})"),
    "damaged": (ERROR, "文件已损坏，无法作为工作簿打开", "The file is damaged and cannot be opened as a workbook"),
    "not_spreadsheet": (
        ERROR,
        "这不是电子表格文件，请上传 xlsx、xlsm、xls、ods 或 csv 文件",
        "This is not a spreadsheet; upload an xlsx, xlsm, xls, ods or csv file",
    ),
    "html_file": (
        ERROR,
        "这是一个以表格扩展名保存的网页文件，请用 Excel 打开后另存为 .xlsx",
        "This is a web page saved under a spreadsheet name; open it in Excel and save it as .xlsx",
    ),
    "password": (
        ERROR,
        "文件有密码保护：请在 Excel 或 WPS 中取消密码后重新上传",
        "The file is password-protected: remove the password in Excel or WPS and upload it again",
    ),
    "unknown_encoding": (
        ERROR,
        "无法识别 CSV 文件的文字编码（支持的编码：UTF-8、GBK/GB18030、UTF-16、Big5），请在 Excel 中另存为 .xlsx",
        "The CSV file's text encoding is not recognised (supported: UTF-8, GBK/GB18030, UTF-16, Big5); "
        "save it as .xlsx in Excel",
    ),
    "empty_file": (ERROR, "文件是空的", "The file is empty"),
    "too_large": (
        ERROR,
        "文件过大（{size_mb:.1f} MB），上限为 {limit_mb} MB",
        "The file is too large ({size_mb:.1f} MB); the limit is {limit_mb} MB",
    ),
    "zip_bomb": (
        ERROR,
        "工作簿解压后过大（{size_mb:.0f} MB），上限为 {limit_mb} MB",
        "The workbook unzips to {size_mb:.0f} MB; the limit is {limit_mb} MB",
    ),
    "range_too_large": (
        ERROR,
        "工作表数据区域过大（{rows} 行 × {cols} 列），请删除多余内容后再上传",
        "The sheet's data area is too large ({rows} rows x {cols} columns); remove the excess and upload again",
    ),
    "stray_cells": (
        WARNING,
        "忽略了表格区域以外的 {count} 个零散单元格（如 {cell}）",
        "Ignored {count} stray cell(s) far outside the table (e.g. {cell})",
    ),
    "unsafe_memory": (
        ERROR,
        "文件过大或已损坏，无法安全读取：读取时超出了内存上限 {limit} MB",
        "The file is too large or damaged to read safely: reading it went over the memory limit of {limit} MB",
    ),
    "unsafe_cpu": (
        ERROR,
        "文件过大或已损坏，无法安全读取：读取时超出了 CPU 时间上限 {limit} 秒",
        "The file is too large or damaged to read safely: reading it went over the CPU time limit of {limit} s",
    ),
    "unsafe_wall": (
        ERROR,
        "文件过大或已损坏，无法安全读取：{limit} 秒内未能读完",
        "The file is too large or damaged to read safely: it could not be read within {limit} s",
    ),
    "unsafe_crash": (
        ERROR,
        "文件已损坏，读取程序异常退出，无法安全读取",
        "The file is damaged: the reader stopped abnormally, so it cannot be read safely",
    ),
    "too_many_parts": (
        ERROR,
        "工作簿内部包含 {count} 个部件（上限 {limit} 个），不是正常的工作簿",
        "The workbook holds {count} internal parts (the limit is {limit}); it is not an ordinary workbook",
    ),
    "too_many_sheets": (
        ERROR,
        "工作簿有 {count} 个工作表，上限为 {limit} 个；请只保留项目台账所在的工作表",
        "The workbook has {count} sheets; the limit is {limit}. Keep only the sheets with the register",
    ),
    "too_many_rows": (
        ERROR,
        "工作表“{sheet}”有 {count} 行，上限为 {limit} 行；请删除多余的行后再上传",
        "Sheet “{sheet}” has {count} rows; the limit is {limit}. Remove the excess rows and upload again",
    ),
    "too_many_columns": (
        ERROR,
        "工作表“{sheet}”有 {count} 列，上限为 {limit} 列；请删除多余的列后再上传",
        "Sheet “{sheet}” has {count} columns; the limit is {limit}. Remove the excess columns and upload again",
    ),
    "xlsb": (
        ERROR,
        "这是 Excel 二进制工作簿（.xlsb），请在 Excel 中“另存为” .xlsx 格式后再上传",
        "This is an Excel binary workbook (.xlsb); in Excel use Save As → .xlsx, then upload that file",
    ),
    "formula_no_value": (
        WARNING,
        "{count} 个公式单元格保存时没有计算结果，按空白读取（{cells}）：请在 Excel 或 WPS 中打开并保存后再上传",
        "{count} formula cell(s) were saved without their values and are read as blank ({cells}): open and "
        "save the file in Excel or WPS, then upload it again",
    ),
    "no_table": (
        ERROR,
        "没有找到项目表：未识别到包含“项目名称”等列名的表头行",
        "No project table found: no header row with columns such as 项目名称 / Project",
    ),
    "missing_name": (
        ERROR,
        "该行有数据但缺少项目名称",
        "This row has data but no project name",
    ),
    "not_a_number": (ERROR, "不是有效的数字", "Not a valid number"),
    "negative": (ERROR, "不能为负数", "Must not be negative"),
    "not_integer": (ERROR, "户数应为整数", "Households must be a whole number"),
    "percent_range": (ERROR, "进度应在 0% 到 100% 之间", "Progress must be between 0% and 100%"),
    "not_a_date": (ERROR, "无法识别的日期", "Not a recognisable date"),
    "impossible_date": (ERROR, "日期不存在", "This date does not exist"),
    "date_out_of_range": (
        ERROR,
        "日期超出合理范围（{low}—{high}年）",
        "Date outside the plausible range ({low}–{high})",
    ),
    "month_only": (
        WARNING,
        "只填写了月份，按该月最后一天（{date}）处理",
        "Only a month was given; read as its last day ({date})",
    ),
    "area_unit_guessed": (
        WARNING,
        "列名未注明面积单位，按数值大小推断为{unit_zh}",
        "The header gives no area unit; read as {unit_en} from the size of the values",
    ),
    "total_mismatch": (
        WARNING,
        "文件中的{label_zh}为 {file_value}，但各行合计为 {sum_value}",
        "The file's {label_en} says {file_value}, but the rows add up to {sum_value}",
    ),
    "duplicate_name": (
        WARNING,
        "项目名称重复（第 {first_row} 行已有同名项目）",
        "Duplicate project name (already on row {first_row})",
    ),
    "missing_deadline": (
        WARNING,
        "缺少计划交付日期，无法判断是否逾期",
        "No deadline given, so lateness cannot be judged",
    ),
    "handover_before_start": (
        WARNING,
        "交付日期早于开工日期",
        "Handover date is before the start date",
    ),
    "unknown_stage": (
        WARNING,
        "无法识别的形象进度“{text}”，请使用标准阶段名称（立项 … 交房入住）",
        "Stage “{text}” is not recognised; use a standard stage name (Approval … Handed over)",
    ),
    "unknown_project": (
        WARNING,
        "项目表中没有项目“{name}”，其节点日期无法对应到项目",
        "Project “{name}” is not in the project table, so its stage dates match no project",
    ),
    "control_chars": (
        WARNING,
        "已删除单元格中的控制字符或不可见字符（{chars}）",
        "Removed control or invisible characters from the cell ({chars})",
    ),
    "control_chars_sheet": (
        WARNING,
        "工作表名称中含有控制字符或不可见字符（{chars}），已删除",
        "The sheet name held control or invisible characters ({chars}); they were removed",
    ),
    "text_too_long": (
        ERROR,
        "文字过长（{length} 个字符），上限为 {limit} 个字符，请缩短",
        "The text is too long ({length} characters); the limit is {limit}",
    ),
    "text_cut": (
        WARNING,
        "备注过长（{length} 个字符），只保留了前 {limit} 个字符",
        "The note is too long ({length} characters); only its first {limit} were kept",
    ),
    "money_unit_guessed": (
        WARNING,
        "列名未注明金额单位，按万元读取",
        "The header gives no unit for the amount; read as 10,000 yuan",
    ),
    "ambiguous_header": (
        WARNING,
        "列 {col}“{header}”可以理解为多个字段（{candidates}），未使用；请把列名写得更明确",
        "Column {col} “{header}” could mean several fields ({candidates}) and was not used; make the header "
        "more specific",
    ),
    "unused_data_column": (
        WARNING,
        "列 {col}“{header}”看起来是{kind_zh}数据，但没有对应到任何字段，未被使用",
        "Column {col} “{header}” looks like {kind_en} but matches no field, so it was not used",
    ),
    "duplicate_column": (
        ERROR,
        "列 {first_col}“{first}”和列 {col}“{header}”都被识别为“{field_zh}”，请删除或重命名其中一列",
        "Columns {first_col} “{first}” and {col} “{header}” are both read as “{field_en}”; "
        "delete or rename one of them",
    ),
    "duplicate_project": (
        ERROR,
        "第 {first_row} 行和第 {row} 行是同一个项目（项目名称和区县都相同），不能计算两次：请删除或合并其中一行",
        "Rows {first_row} and {row} are the same project (same name and district); a project must not be counted "
        "twice: delete or merge one of them",
    ),
    "district_variant_suffix": (
        WARNING,
        "“{written}”与已有区县“{known}”仅后缀不同，是否为同一区县？可在下方“区县名称”中按“{known}”读取",
        "“{written}” differs from the known district “{known}” only by its suffix: is it the same district? "
        "You can read it as “{known}” under District names below",
    ),
    "district_variant_spacing": (
        WARNING,
        "“{written}”与已有区县“{known}”仅空格不同，是否为同一区县？可在下方“区县名称”中按“{known}”读取",
        "“{written}” differs from the known district “{known}” only by spacing: is it the same district? "
        "You can read it as “{known}” under District names below",
    ),
    "district_missing": (
        WARNING,
        "项目“{name}”没有填写区县，而本文件的其他项目都填写了：它不会计入任何区县，本文件也不能只更新其中的区县",
        "Project “{name}” names no district while the file's other projects do: it counts under no district, "
        "and the file cannot update just its districts",
    ),
}


@dataclass(frozen=True)
class Issue:
    """One problem found in a workbook, located as a user would find it in Excel."""

    code: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    params: dict = field(default_factory=dict)
    # 0-based sheet column of the problem cell, for marking it (``loaders.annotate``); last, so positional
    # constructions keep working, and left out of ``as_dict``, whose shape the CLI's JSON fixes.
    col: int | None = None

    @property
    def severity(self) -> str:
        """``error`` blocks the upload; ``warning`` is shown but allowed."""
        return MESSAGES[self.code][0]

    def message(self, lang: str = "zh") -> str:
        """The message in ``zh`` or ``en``."""
        _, zh, en = MESSAGES[self.code]
        return (zh if lang == "zh" else en).format(**self.params)

    def as_dict(self, lang: str = "zh") -> dict:
        """The JSON shape used by the CLI and the app."""
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "message": self.message(lang),
        }
