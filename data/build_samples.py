"""Build the two sample workbooks shipped with the dashboard.

Run ``python data/build_samples.py`` from the repository root. The script is deterministic
(``random.Random`` with a fixed seed, no network) and writes, next to itself:

``sample_zhangqiu_2021.xlsx``
    The real 2021 handover list of 章丘区 (Zhangqiu district, Jinan) as reported in the local news
    (see ``docs/DOMAIN.md``, "A real example"): the eight projects the article names, with their
    households, floor area (万㎡) and "ready for handover" deadline. Nothing is invented: street,
    start date, handover date and progress are left empty where the article is silent. The sheet is
    laid out the way a district office would fill it in: a merged title, a 填报单位/填报日期 line,
    the header on row 4, deadlines typed in mixed ways (date cells, "2021年3月31日前", "2021.4.30",
    "2021/7/30"), households as "1,623" or "2187户", and a 合计 row at the bottom.

``sample_portfolio.xlsx``
    A fictional portfolio of 56 projects in six districts of 济南市, as of 2026-11-20, with a
    realistic mix of handed-over, overdue, due-soon and later projects. It carries the usual mess:
    merged title rows, header on row 3, a 小计 row after each district, a 合计 row, one blank row,
    some dates typed as text (one month only, "2028年6月"), two start dates as Excel serial numbers,
    households as "1,234", "560户" or full-width digits, and some progress values as "65%".
    All values are valid; the mess is only in how they are written. Every 当前阶段 text names a
    stage that ``housing.stages.match_stage`` recognises.
    A second sheet, 节点计划, lists the planned and actual dates of five main stages (开工, 主体封顶,
    联合验收, 具备交付条件, 交房入住) for all but every seventh project, one row per project and stage,
    the project's cells merged down its rows: many steps were done late, and some planned dates have
    passed with nothing done (both counted against AS_OF). It comes from a second seeded generator,
    so the project sheet is the same with or without it.

The facts behind the portfolio are printed at the end (totals, handed over, overdue, due soon).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

SEED = 20261120
HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 21)
EXCEL_EPOCH = dt.date(1899, 12, 30)
CN_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
PLAIN_DATE_FORMAT = "yyyy/m/d"
# Fixed document and zip timestamps, so that rerunning the script gives byte-identical files.
FIXED_TIME = dt.datetime(2026, 11, 20, 9, 0, 0)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")

# ---------------------------------------------------------------------------------------------
# 章丘区 2021 (real facts from the article; see docs/DOMAIN.md)
# ---------------------------------------------------------------------------------------------

ZHANGQIU_TITLE = "章丘区2021年安置房项目交付计划表"
ZHANGQIU_FILLER = "填报单位：章丘区房屋征收服务中心    填报日期：2021年3月10日"
ZHANGQIU_UNIT = "章丘区房屋征收服务中心"
ZHANGQIU_HEADER = [
    "序号",
    "项目名称",
    "所属区县",
    "街道",
    "安置户数（户）",
    "总建筑面积（万平方米）",
    "开工日期",
    "具备交付条件时间",
    "实际交付日期",
    "形象进度",
    "完成比例",
    "责任单位",
    "备注",
]


@dataclass(frozen=True)
class ZhangqiuProject:
    """One project of the 2021 article, with the way its cells are typed in the sample sheet."""

    name: str
    households: int | None
    area_wan_m2: float
    deadline: dt.date
    street: str = ""
    progress_text: str = ""
    note: str = ""
    households_cell: object = None  # how the households cell is typed (None: the plain number)
    deadline_cell: object = None  # how the deadline cell is typed (None: a real date cell)


ZHANGQIU_PROJECTS = [
    ZhangqiuProject(
        "西琅沟",
        656,
        21.26,
        dt.date(2021, 3, 31),
        progress_text="电力户表安装完成，正在组织分配",
        note="电力户表提前5天安装完成",
        deadline_cell="2021年3月31日前",
    ),
    ZhangqiuProject(
        "老四中周边沿街（汇泉路商业）",
        None,
        13.96,
        dt.date(2021, 5, 31),
        note="商业项目，无安置户",
    ),
    ZhangqiuProject(
        "老四中周边ABC",
        1623,
        57.68,
        dt.date(2021, 4, 30),
        street="明水街道",
        note="安置明水街道明一、明二、明三及辛庄小区等群众",
        households_cell="1,623",
        deadline_cell="2021.4.30",
    ),
    ZhangqiuProject(
        "经十东路北侧",
        2187,
        73.68,
        dt.date(2021, 4, 30),
        note="安置大雷、小雷、闫家坞等村群众",
        households_cell="2187户",
    ),
    ZhangqiuProject(
        "白泉",
        1555,
        52.06,
        dt.date(2021, 4, 30),
        note="安置原白泉村及横沟村一部分群众",
    ),
    ZhangqiuProject("月官", 803, 26.42, dt.date(2021, 3, 31), deadline_cell="2021年3月31日前"),
    ZhangqiuProject("北皋埠", 268, 15.86, dt.date(2021, 7, 30), deadline_cell="2021/7/30"),
    ZhangqiuProject("长青", 161, 3.91, dt.date(2021, 6, 30), deadline_cell="2021年6月30日前"),
]
ZHANGQIU_TOTAL_HOUSEHOLDS = 7253
ZHANGQIU_TOTAL_AREA = 264.83

# ---------------------------------------------------------------------------------------------
# 济南市 portfolio (fictional)
# ---------------------------------------------------------------------------------------------

PORTFOLIO_TITLE = "济南市安置房建设项目进度台账（示例数据）"
PORTFOLIO_SUBTITLE = "截至2026年11月20日"
PORTFOLIO_HEADER = [
    "序号",
    "项目名称",
    "区县",
    "街道（镇）",
    "户数",
    "建筑面积（㎡）",
    "开工时间",
    "计划交付日期",
    "交房日期",
    "当前阶段",
    "进度(%)",
    "责任单位",
    "备注",
]

# district, number of projects, company, {street: [old villages]}
DISTRICTS = [
    (
        "历城区",
        12,
        "历城区城投集团",
        {
            "王舍人街道": ["王舍人", "沙河", "宋刘", "冷水沟"],
            "港沟街道": ["港沟", "神武", "芦南", "东坞"],
            "华山街道": ["华山", "卧牛山", "小许家", "大辛"],
        },
    ),
    (
        "章丘区",
        11,
        "章丘区城发集团",
        {
            "明水街道": ["东岭", "辛庄", "眼明泉", "浅井"],
            "双山街道": ["三涧溪", "龙湾", "山头", "北胡"],
            "圣井街道": ["寨子", "圣井", "唐王山", "范家庄"],
        },
    ),
    (
        "历下区",
        7,
        "历下区城投集团",
        {
            "姚家街道": ["姚家庄", "燕翅山", "转山"],
            "龙洞街道": ["龙洞", "孟家", "窑头", "马家庄"],
        },
    ),
    (
        "槐荫区",
        9,
        "槐荫区城发集团",
        {
            "张庄路街道": ["张庄", "营市"],
            "段店北路街道": ["段店", "大杨庄", "小杨庄"],
            "吴家堡街道": ["吴家堡", "前屯", "后屯", "田家庄"],
        },
    ),
    (
        "天桥区",
        9,
        "天桥区城投集团",
        {
            "北园街道": ["水屯", "徐家庄", "还乡店"],
            "药山街道": ["药山", "前王", "赵家庄"],
            "桑梓店街道": ["桑梓店", "梁府庄", "鹊山"],
        },
    ),
    (
        "济阳区",
        8,
        "济阳区城发集团",
        {
            "济阳街道": ["城关", "张家", "崔家", "西关"],
            "济北街道": ["开河", "纪家", "王家桥", "孙家"],
        },
    ),
]

NAME_PATTERNS = [
    "{v}村安置区",
    "{v}片区回迁房一期",
    "{v}片区回迁房二期",
    "{v}村旧村改造安置房",
    "{v}社区回迁安置项目",
    "{v}安置房项目",
]


def _d(text: str) -> dt.date:
    """A date from ISO text (keeps the plan tables below readable)."""
    return dt.date.fromisoformat(text)


def _dates(*texts: str) -> list[dt.date]:
    """Several ISO dates."""
    return [_d(text) for text in texts]


# status, current stage, progress range (%), planned deadlines (one project per deadline)
PLAN = [
    (
        "handed",
        "已交房入住",
        (100, 100),
        _dates(
            "2024-06-30",
            "2024-08-31",
            "2024-09-30",
            "2024-10-31",
            "2024-12-31",
            "2025-01-31",
            "2025-03-31",
            "2025-04-30",
            "2025-06-30",
            "2025-06-30",
            "2025-08-31",
            "2025-09-30",
            "2025-10-31",
            "2025-12-31",
            "2026-03-31",
            "2026-06-30",
            "2026-08-31",
        ),
    ),
    ("overdue", "主体施工（停工整改）", (40, 45), _dates("2025-06-30")),
    ("overdue", "主体封顶", (60, 65), _dates("2025-12-31")),
    ("overdue", "正在进行配套工程", (75, 85), _dates("2026-03-31", "2026-06-30")),
    ("overdue", "联合验收完成", (88, 90), _dates("2026-08-31")),
    ("overdue", "具备交付条件", (92, 95), _dates("2026-09-30")),
    ("overdue", "正在组织分配选房", (95, 98), _dates("2026-10-31")),
    ("soon", "正在组织分配选房", (95, 98), _dates("2026-11-30")),
    ("soon", "具备交付条件", (92, 95), _dates("2026-12-10")),
    ("soon", "联合验收完成", (88, 90), _dates("2026-12-15")),
    ("soon", "正在进行配套工程", (80, 85), _dates("2026-12-20")),
    (
        "later",
        "正在进行配套工程",
        (72, 82),
        _dates("2026-12-31", "2026-12-31", "2027-01-31", "2027-03-31", "2027-03-31"),
    ),
    ("later", "主体封顶", (58, 68), _dates("2027-04-30", "2027-05-31", "2027-06-30", "2027-06-30", "2027-06-30")),
    (
        "later",
        "主体施工至{floors}层",
        (35, 55),
        _dates("2027-07-31", "2027-08-31", "2027-09-30", "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31"),
    ),
    ("later", "基础施工", (10, 20), _dates("2027-12-31", "2028-03-31", "2028-03-31", "2028-04-30")),
    ("later", "已取得施工许可证", (3, 5), _dates("2028-04-30", "2028-05-31", "2028-06-30")),
    ("later", "土地手续办理中", (0, 0), _dates("2028-06-30", "2028-06-30", "2028-06-30")),
    ("later", "立项审批中", (0, 0), _dates("2028-06-30")),
]
NOT_STARTED = {"已取得施工许可证", "土地手续办理中", "立项审批中"}
LATE_HANDOVER_DAYS = (95, 121, 148)

# The 节点计划 sheet: the main stages, each planned this many days from the deadline (开工: see planned_dates).
MILESTONE_SHEET = "节点计划"
MILESTONE_TITLE = "安置房项目关键节点计划表（示例数据）"
MILESTONE_HEADER = ["序号", "项目名称", "区县", "节点", "计划完成日期", "实际完成日期", "备注"]
MILESTONES = [("开工", 0), ("主体封顶", -300), ("联合验收", -45), ("具备交付条件", 0), ("交房入住", 30)]
# How many MILESTONES each 当前阶段 has done (主体施工至N层 is handled in milestones_reached).
REACHED = {
    "已交房入住": 5,
    "主体施工（停工整改）": 1,
    "主体封顶": 2,
    "正在进行配套工程": 2,
    "联合验收完成": 3,
    "具备交付条件": 4,
    "正在组织分配选房": 4,
    "基础施工": 1,
    "已取得施工许可证": 0,
    "土地手续办理中": 0,
    "立项审批中": 0,
}

# 备注 of overdue projects (reason for the delay) and of early-stage ones
OVERDUE_NOTES = {
    "主体施工（停工整改）": "延期：2025年5月质量检查后停工整改",
    "主体封顶": "延期：资金未到位",
    "正在进行配套工程": "延期：配套管网迁改",
    "联合验收完成": "延期：消防验收整改",
    "具备交付条件": "延期：选房方案待审定",
    "正在组织分配选房": "延期：部分群众对选房顺序有异议",
}
EARLY_NOTES = {
    "基础施工": "2025年暂缓施工，2026年8月复工",
    "立项审批中": "规划方案调整，待区政府常务会研究",
    "土地手续办理中": "土地征收报批中",
}


@dataclass
class Project:
    """One fictional portfolio project: the true values, and how some of its cells are typed."""

    district: str
    street: str
    name: str
    status: str
    stage: str
    progress: int
    households: int
    area_m2: int
    start: dt.date | None
    deadline: dt.date
    handover: dt.date | None
    unit: str
    note: str = ""
    households_cell: object = None
    start_cell: object = None
    deadline_cell: object = None
    handover_cell: object = None
    progress_cell: object = None


# ---------------------------------------------------------------------------------------------
# Worksheet helpers
# ---------------------------------------------------------------------------------------------


def write_title(ws, row: int, text: str, width: int, size: int = 16) -> None:
    """A title line merged across the whole table, as offices put above their tables."""
    ws.cell(row=row, column=1, value=text)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = ws.cell(row=row, column=1)
    cell.font = Font(name="宋体", size=size, bold=size >= 14)
    cell.alignment = Alignment(horizontal="center" if size >= 14 else "left", vertical="center")
    ws.row_dimensions[row].height = 30 if size >= 14 else 20


def write_header(ws, row: int, header: list[str]) -> None:
    """The header row, bold with a light fill and wrapped text."""
    for column, text in enumerate(header, start=1):
        cell = ws.cell(row=row, column=column, value=text)
        cell.font = Font(name="宋体", size=11, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = 36


def put(ws, row: int, column: int, value, number_format: str | None = None):
    """Write one bordered body cell; dates get a date format unless one is given."""
    cell = ws.cell(row=row, column=column, value=value)
    cell.border = BORDER
    cell.font = Font(name="宋体", size=11)
    cell.alignment = Alignment(vertical="center", wrap_text=isinstance(value, str))
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.date):
        cell.number_format = PLAIN_DATE_FORMAT
    return cell


def set_widths(ws, widths: list[int]) -> None:
    """Column widths, roughly as a clerk would drag them."""
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def style_total_row(ws, row: int, width: int) -> None:
    """Bold, shaded total / subtotal row with borders on every cell."""
    for column in range(1, width + 1):
        cell = ws.cell(row=row, column=column)
        cell.font = Font(name="宋体", size=11, bold=True)
        cell.fill = TOTAL_FILL
        cell.border = BORDER


def restamp_zip(data: bytes, path: Path, when: dt.datetime = FIXED_TIME) -> None:
    """Write a zip package (xlsx, ods) to ``path`` with every timestamp set to ``when``."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                pattern = rb"(<dcterms:modified[^>]*>)[^<]*"
                content = re.sub(pattern, rb"\g<1>" + stamp.encode(), content)
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, content)


def save_stable(wb: Workbook, path: Path, when: dt.datetime = FIXED_TIME) -> None:
    """Save an openpyxl workbook with fixed dates, so reruns do not change the file."""
    wb.properties.creator = "房屋征收服务中心"
    wb.properties.created = when
    buffer = io.BytesIO()
    wb.save(buffer)
    restamp_zip(buffer.getvalue(), path, when)


# ---------------------------------------------------------------------------------------------
# 章丘区 2021 workbook
# ---------------------------------------------------------------------------------------------


def zhangqiu_row(index: int, project: ZhangqiuProject) -> list:
    """The 13 cell values of one 章丘 project, as typed in the sheet."""
    households = project.households if project.households_cell is None else project.households_cell
    deadline = project.deadline if project.deadline_cell is None else project.deadline_cell
    return [
        index,
        project.name,
        "章丘区",
        project.street or None,
        households,
        project.area_wan_m2,
        None,
        deadline,
        None,
        project.progress_text or None,
        None,
        ZHANGQIU_UNIT,
        project.note or None,
    ]


def build_zhangqiu(path: Path) -> None:
    """Write sample_zhangqiu_2021.xlsx: titles rows 1–2, header row 4, data rows 5–12, 合计 13."""
    wb = Workbook()
    ws = wb.active
    ws.title = "交付项目"
    width = len(ZHANGQIU_HEADER)
    write_title(ws, 1, ZHANGQIU_TITLE, width)
    write_title(ws, 2, ZHANGQIU_FILLER, width, size=11)
    write_header(ws, 4, ZHANGQIU_HEADER)
    for index, project in enumerate(ZHANGQIU_PROJECTS, start=1):
        row = 4 + index
        for column, value in enumerate(zhangqiu_row(index, project), start=1):
            fmt = {6: "0.00", 8: CN_DATE_FORMAT}.get(column)
            put(ws, row, column, value, fmt if not isinstance(value, str) else None)
    total_row = 5 + len(ZHANGQIU_PROJECTS)
    put(ws, total_row, 1, "合计")
    put(ws, total_row, 5, ZHANGQIU_TOTAL_HOUSEHOLDS)
    put(ws, total_row, 6, ZHANGQIU_TOTAL_AREA, "0.00")
    style_total_row(ws, total_row, width)
    set_widths(ws, [6, 30, 10, 12, 12, 14, 12, 18, 12, 30, 10, 24, 40])
    ws.freeze_panes = "C5"
    save_stable(wb, path, dt.datetime(2021, 3, 10, 9, 0, 0))


# ---------------------------------------------------------------------------------------------
# 济南市 portfolio workbook
# ---------------------------------------------------------------------------------------------


def plan_slots(rng: random.Random) -> list[tuple[str, str, tuple[int, int], dt.date]]:
    """One (status, stage, progress range, deadline) slot per project, shuffled."""
    slots = [
        (status, stage, progress, deadline) for status, stage, progress, deadlines in PLAN for deadline in deadlines
    ]
    rng.shuffle(slots)
    return slots


def project_names(rng: random.Random, streets: dict[str, list[str]], count: int):
    """``count`` (street, unique project name) pairs, taking old villages street by street."""
    pool = [(street, village) for street, villages in streets.items() for village in villages]
    chosen = rng.sample(pool, count)
    return [(street, rng.choice(NAME_PATTERNS).format(v=village)) for street, village in chosen]


def months_before(date: dt.date, months: int, day: int) -> dt.date:
    """The given day of the month ``months`` before ``date``."""
    index = date.year * 12 + date.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, day)


def start_date(rng: random.Random, stage: str, deadline: dt.date) -> dt.date | None:
    """Start 26–40 months before the deadline, within 2021–2024; None if not started yet."""
    if stage in NOT_STARTED:
        return None
    start = months_before(deadline, rng.randint(26, 40), rng.randint(1, 28))
    start = max(start, dt.date(2021, 3, rng.randint(1, 28)))
    return min(start, dt.date(2024, 12, rng.randint(1, 20)))


def handover_date(rng: random.Random, deadline: dt.date, late_days: int | None) -> dt.date:
    """Actual handover: deadline −60…+45 days (or ``late_days`` late), always before AS_OF."""
    offset = late_days if late_days is not None else rng.randint(-60, 45)
    return min(deadline + dt.timedelta(days=offset), AS_OF - dt.timedelta(days=rng.randint(6, 20)))


def make_project(rng, district, unit, street, name, slot, late_days) -> Project:
    """One portfolio project with consistent stage, progress and dates."""
    status, stage, (low, high), deadline = slot
    stage = stage.format(floors=rng.randint(8, 26))
    households = rng.randint(80, 2600)
    handed = status == "handed"
    note = OVERDUE_NOTES.get(stage, "") if status == "overdue" else EARLY_NOTES.get(stage, "")
    return Project(
        district=district,
        street=street,
        name=name,
        status=status,
        stage=stage,
        progress=rng.randint(low, high),
        households=households,
        area_m2=area_for(rng, households),
        start=start_date(rng, stage, deadline),
        deadline=deadline,
        handover=handover_date(rng, deadline, late_days) if handed else None,
        unit=f"{street}办事处" if rng.random() < 0.5 else unit,
        note=note,
    )


def area_for(rng: random.Random, households: int) -> int:
    """Gross floor area in m²: 100–120 m² per household times 1.3, rounded to 10 m²."""
    return int(round(households * rng.uniform(100, 120) * 1.3, -1))


def late_handover_plan(slots) -> dict[int, int]:
    """Slot index -> days late, for three handed-over projects with early enough deadlines."""
    early = [i for i, s in enumerate(slots) if s[0] == "handed" and s[3] <= dt.date(2026, 3, 31)]
    return {index: days for index, days in zip(early[1::4], LATE_HANDOVER_DAYS)}


def build_projects(rng: random.Random) -> list[Project]:
    """All 56 portfolio projects, grouped by district in DISTRICTS order."""
    slots = plan_slots(rng)
    late = late_handover_plan(slots)
    projects, position = [], 0
    for district, count, unit, streets in DISTRICTS:
        for street, name in project_names(rng, streets, count):
            project = make_project(rng, district, unit, street, name, slots[position], late.get(position))
            if position in late:
                project.note = "延期交付：配套管网迁改"
            projects.append(project)
            position += 1
    return projects


def first(projects, test, taken: set[int]) -> Project:
    """The first project passing ``test`` that has not been picked for this column yet."""
    for index, project in enumerate(projects):
        if index not in taken and test(project):
            taken.add(index)
            return project
    raise LookupError("no project fits")


def cn_date(date: dt.date) -> str:
    """``2025年6月30日``."""
    return f"{date.year}年{date.month}月{date.day}日"


def dotted(date: dt.date) -> str:
    """``2026.3.31``."""
    return f"{date.year}.{date.month}.{date.day}"


def slashed(date: dt.date) -> str:
    """``2027/6/30``."""
    return f"{date.year}/{date.month}/{date.day}"


def serial(date: dt.date) -> int:
    """The Excel serial number of a date (44927 is 2023-01-01)."""
    return (date - EXCEL_EPOCH).days


def full_width(number: int) -> str:
    """``860`` -> ``８６０``."""
    return "".join(chr(ord(char) + 0xFEE0) for char in str(number))


def mess_dates(projects: list[Project]) -> None:
    """Type eight dates as text, one deadline as a month only, two start dates as serials."""
    taken: set[int] = set()

    def deadline(day: dt.date, status: str):
        return first(projects, lambda p: p.deadline == day and p.status == status, taken)

    deadline(_d("2025-06-30"), "handed").deadline_cell = cn_date(_d("2025-06-30"))
    deadline(_d("2026-03-31"), "overdue").deadline_cell = dotted(_d("2026-03-31"))
    deadline(_d("2027-06-30"), "later").deadline_cell = slashed(_d("2027-06-30"))
    deadline(_d("2027-09-30"), "later").deadline_cell = "2027-09-30"
    deadline(_d("2024-10-31"), "handed").deadline_cell = cn_date(_d("2024-10-31"))
    waiting = first(projects, lambda p: p.stage == "立项审批中", taken)
    waiting.deadline_cell = "2028年6月"
    taken = set()
    for form in (cn_date, slashed):
        project = first(projects, lambda p: p.handover is not None, taken)
        project.handover_cell = form(project.handover)
    taken = set()
    project = first(projects, lambda p: p.start is not None and p.start.year == 2022, taken)
    project.start_cell = dotted(project.start)
    for _ in range(2):
        project = first(projects, lambda p: p.start is not None and p.start_cell is None, taken)
        project.start_cell = serial(project.start)


def mess_numbers(projects: list[Project], rng: random.Random) -> None:
    """Households as "1,234" (3), "560户" (2) and full-width digits (1); progress as "65%" (4)."""
    order = list(range(len(projects)))
    rng.shuffle(order)
    big = [i for i in order if projects[i].households >= 1000][:3]
    rest = [i for i in order if i not in big]
    for index in big:
        projects[index].households_cell = f"{projects[index].households:,}"
    for index in rest[:2]:
        projects[index].households_cell = f"{projects[index].households}户"
    wide = projects[rest[2]]
    wide.households, wide.households_cell = 860, full_width(860)
    wide.area_m2 = area_for(rng, 860)
    for index in [i for i in rest[3:] if 0 < projects[i].progress < 100][:4]:
        projects[index].progress_cell = f"{projects[index].progress}%"


def portfolio_row(index: int, project: Project) -> list:
    """The 13 cell values of one portfolio project, as typed in the sheet."""

    def typed(cell, value):
        return value if cell is None else cell

    return [
        index,
        project.name,
        project.district,
        project.street,
        typed(project.households_cell, project.households),
        project.area_m2,
        typed(project.start_cell, project.start),
        typed(project.deadline_cell, project.deadline),
        typed(project.handover_cell, project.handover),
        project.stage,
        typed(project.progress_cell, project.progress),
        project.unit,
        project.note or None,
    ]


def write_total(ws, row: int, label: str, district: str | None, projects: list[Project]) -> None:
    """A 小计 / 合计 row: label in 项目名称, sums of 户数 and 建筑面积."""
    put(ws, row, 2, label)
    put(ws, row, 3, district)
    put(ws, row, 5, sum(p.households for p in projects))
    put(ws, row, 6, sum(p.area_m2 for p in projects), "#,##0")
    style_total_row(ws, row, len(PORTFOLIO_HEADER))


def write_project(ws, row: int, index: int, project: Project) -> None:
    """One data row of the portfolio sheet."""
    for column, value in enumerate(portfolio_row(index, project), start=1):
        put(ws, row, column, value, "#,##0" if column == 6 else None)


def build_portfolio(path: Path, projects: list[Project], milestones: dict[int, list[tuple]]) -> None:
    """Write sample_portfolio.xlsx: title rows 1–2, header row 3, data from row 4; then the 节点计划 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "项目台账"
    width = len(PORTFOLIO_HEADER)
    write_title(ws, 1, PORTFOLIO_TITLE, width)
    write_title(ws, 2, PORTFOLIO_SUBTITLE, width, size=11)
    write_header(ws, 3, PORTFOLIO_HEADER)
    row, index = 4, 0
    for district, *_ in DISTRICTS:
        members = [p for p in projects if p.district == district]
        for position, project in enumerate(members):
            if district == "槐荫区" and position == 4:
                row += 1  # a fully blank row left in the middle of the data
            index += 1
            write_project(ws, row, index, project)
            row += 1
        write_total(ws, row, "小计", district, members)
        row += 1
    write_total(ws, row, "合计", None, projects)
    set_widths(ws, [6, 28, 9, 14, 9, 13, 12, 14, 12, 18, 9, 20, 34])
    ws.freeze_panes = "C4"
    build_milestone_sheet(wb.create_sheet(MILESTONE_SHEET), projects, milestones)
    save_stable(wb, path)


# ---------------------------------------------------------------------------------------------
# 节点计划: planned and actual dates of the main stages (second sheet of the portfolio)
# ---------------------------------------------------------------------------------------------


def milestones_reached(stage: str) -> int:
    """How many of MILESTONES a project at this 当前阶段 has done (主体施工至N层: started only)."""
    if stage.startswith("主体施工") and stage not in REACHED:
        return 1
    return REACHED[stage]


def planned_dates(project: Project) -> list[dt.date]:
    """The planned date of each milestone: start as planned (or 30 months ahead of an unstarted project's
    deadline), the others at fixed distances from the deadline (具备交付条件 is the deadline itself)."""
    start = project.start or months_before(project.deadline, 30, 1)
    return [start] + [project.deadline + dt.timedelta(days=d) for _, d in MILESTONES[1:]]


def actual_dates(rng: random.Random, project: Project, planned: list[dt.date]) -> list[dt.date | None]:
    """Actual dates of the milestones done: planned −15…+75 days (late ones make the delays), in order, never
    after AS_OF; a handed-over project's last steps lead up to its handover date. Not done: ``None``."""
    done = milestones_reached(project.stage)
    actual: list[dt.date | None] = [project.start] if done else []
    for step, when in enumerate(planned[1:done], start=2):
        room = 25 * (done - step)  # leave time for the steps still to come before AS_OF
        latest = AS_OF - dt.timedelta(days=rng.randint(5, 20) + room)
        day = min(when + dt.timedelta(days=rng.randint(-15, 75)), latest)
        actual.append(max(day, actual[-1] + dt.timedelta(days=20)))
    if project.handover is not None:
        ready = project.handover - dt.timedelta(days=rng.randint(10, 30))
        actual[2:] = [ready - dt.timedelta(days=rng.randint(20, 40)), ready, project.handover]
    assert all(a < b for a, b in zip(actual, actual[1:])) and max(actual, default=AS_OF) <= AS_OF, project.name
    return actual + [None] * (len(MILESTONES) - len(actual))


def milestone_plans(projects: list[Project], rng: random.Random) -> dict[int, list[tuple]]:
    """Project index -> (milestone, planned, actual) rows, for all but every seventh project (no plan filed)."""
    plans = {}
    for index, project in enumerate(projects):
        if index % 7 == 6:
            continue
        planned = planned_dates(project)
        names = [name for name, _ in MILESTONES]
        plans[index] = list(zip(names, planned, actual_dates(rng, project, planned)))
    return plans


def milestone_note(planned: dt.date, actual: dt.date | None) -> str | None:
    """备注 for a step done more than a month late, or overdue and not done."""
    if actual is not None:
        late = (actual - planned).days
        return f"滞后{late}天" if late > 30 else None
    return "逾期未完成" if planned < AS_OF else None


def build_milestone_sheet(ws, projects: list[Project], plans: dict[int, list[tuple]]) -> None:
    """The 节点计划 sheet: title row 1, header row 2, one row per project and milestone, the project's 序号,
    name and district merged down its rows."""
    write_title(ws, 1, MILESTONE_TITLE, len(MILESTONE_HEADER))
    write_header(ws, 2, MILESTONE_HEADER)
    row = 3
    for index, steps in plans.items():
        project = projects[index]
        for offset, (name, planned, actual) in enumerate(steps):
            cells = [index + 1, project.name, project.district] if offset == 0 else [None] * 3
            cells += [name, planned, actual, milestone_note(planned, actual)]
            for column, value in enumerate(cells, start=1):
                put(ws, row + offset, column, value, CN_DATE_FORMAT if isinstance(value, dt.date) else None)
        for column in (1, 2, 3):
            ws.merge_cells(start_row=row, start_column=column, end_row=row + len(steps) - 1, end_column=column)
        row += len(steps)
    set_widths(ws, [6, 28, 9, 14, 16, 16, 14])
    ws.freeze_panes = "D3"


def summarize(projects: list[Project]) -> dict[str, int]:
    """The facts a loader should find in the portfolio, counted against AS_OF (2026-11-21)."""
    pending = [p for p in projects if p.handover is None]
    return {
        "projects": len(projects),
        "households": sum(p.households for p in projects),
        "area_m2": sum(p.area_m2 for p in projects),
        "handed_over": sum(p.handover is not None and p.handover <= AS_OF for p in projects),
        "overdue": sum(p.deadline < AS_OF for p in pending),
        "due_within_30_days": sum(AS_OF <= p.deadline <= AS_OF + dt.timedelta(days=30) for p in pending),
    }


def main() -> None:
    """Build both workbooks next to this script and print the portfolio's facts."""
    rng = random.Random(SEED)
    build_zhangqiu(HERE / "sample_zhangqiu_2021.xlsx")
    projects = build_projects(rng)
    mess_dates(projects)
    mess_numbers(projects, rng)
    # A second generator, so the milestone dates leave the projects (and the figures tests pin) as they were.
    milestones = milestone_plans(projects, random.Random(SEED + 1))
    build_portfolio(HERE / "sample_portfolio.xlsx", projects, milestones)
    for key, value in summarize(projects).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
