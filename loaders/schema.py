"""The canonical project table, declared as data: one entry per column with the header names staff use.

Header matching ignores case, spaces, line breaks and full-/half-width differences, and reads a unit
from brackets (``总建筑面积（万平方米）``, ``Floor area (10,000 m²)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from housing.stages import stage_for_term
from loaders.values import normalize_text

TEXT, COUNT, AREA, DATE, PERCENT, IGNORE = "text", "count", "area", "date", "percent", "ignore"


@dataclass(frozen=True)
class Column:
    """One canonical column: its field name, kind of value and the headers that mean it."""

    field: str
    kind: str
    aliases: tuple[str, ...]


COLUMNS: tuple[Column, ...] = (
    Column("seq", IGNORE, ("序号", "编号", "no", "no.", "#", "number")),
    Column("name", TEXT, ("项目名称", "项目", "项目名", "安置房项目", "安置区名称", "project", "project name", "name")),
    Column("district", TEXT, ("所属区县", "区县", "区", "县", "所属区", "区(县)", "区/县", "district", "county")),
    Column(
        "street",
        TEXT,
        (
            "街道",
            "镇",
            "片区",
            "街道(镇)",
            "镇(街道)",
            "镇街",
            "街镇",
            "所属街道",
            "街道/镇",
            "镇/街道",
            "subdistrict",
            "street",
            "town",
            "area/town",
        ),
    ),
    Column("households", COUNT, ("安置户数", "户数", "安置户", "安置总户数", "households", "number of households")),
    Column(
        "floor_area", AREA, ("总建筑面积", "建筑面积", "面积", "floor area", "gross floor area", "total floor area")
    ),
    Column("start", DATE, ("开工日期", "开工时间", "实际开工日期", "实际开工时间", "start", "start date")),
    Column(
        "deadline",
        DATE,
        (
            "计划交付日期",
            "交付期限",
            "具备交付条件时间",
            "具备交付条件日期",
            "计划交付时间",
            "计划具备交付条件时间",
            "deadline",
            "planned handover",
            "due date",
            "handover deadline",
        ),
    ),
    Column(
        "handed_over",
        DATE,
        (
            "实际交付日期",
            "交房日期",
            "实际交房日期",
            "实际交付时间",
            "交付日期",
            "handover date",
            "handed over",
            "actual handover",
        ),
    ),
    Column(
        "stage", TEXT, ("形象进度", "当前阶段", "工程进度", "目前进度", "stage", "current stage", "visible progress")
    ),
    Column("progress", PERCENT, ("进度", "完成比例", "完成率", "完成进度", "进度(%)", "progress", "completion")),
    Column("unit", TEXT, ("责任单位", "责任部门", "responsible unit", "unit")),
    Column("notes", TEXT, ("备注", "notes", "remarks", "note")),
)

# Traditional characters of the header words above, their units (萬平方米) and the stage names (主體封頂計劃),
# and their simplified forms, position by position: Taiwan and Hong Kong offices write 項目名稱, 安置戶數, 區.
# Only header and stage text is translated, never a stored value.
TRADITIONAL = str.maketrans(
    "關劃區單縣號備實屬開當總戶數時條註點積稱築編節計責進鍵鎮門間階際項預體"
    "辦發園牆復複審徵搖構樁萬氣電礎結續綜綠網聯裝規讓許設證遷選鬮頂飾驗齊",
    "关划区单县号备实属开当总户数时条注点积称筑编节计责进键镇门间阶际项预体"
    "办发园墙复复审征摇构桩万气电础结续综绿网联装规让许设证迁选阄顶饰验齐",
)


_TRADITIONAL_CHARS = frozenset(map(chr, TRADITIONAL))


def to_simplified(text: str) -> str:
    """Header text with the traditional characters the known headers use written simplified (計畫 is 计划)."""
    if _TRADITIONAL_CHARS.isdisjoint(text):  # the usual simplified text: a set scan, not a translation
        return text
    return text.translate(TRADITIONAL).replace("计畫", "计划")


FIELDS = [c.field for c in COLUMNS if c.kind != IGNORE]
_ALIASES = {alias.replace(" ", ""): col for col in COLUMNS for alias in col.aliases}
_BRACKET = re.compile(r"[(\[](.*?)[)\]]")


def split_header(header: str) -> tuple[str, str]:
    """``总建筑面积（万平方米）`` -> (``总建筑面积``, ``万平方米``), normalised for matching."""
    text = to_simplified(normalize_text(header)).lower().replace("\n", "").replace("\r", "")
    units = " ".join(_BRACKET.findall(text))
    base = _BRACKET.sub("", text).strip().replace(" ", "")
    return base, units.replace(" ", "")


def match_header(header) -> tuple[Column | None, str]:
    """The canonical column a header names, and the unit written in it (empty when none)."""
    if not isinstance(header, str) or not header.strip():
        return None, ""
    base, unit = split_header(header)
    return _ALIASES.get(base.rstrip(":：*")), unit


def area_factor(unit: str) -> float | None:
    """Square metres per unit written in an area header; ``None`` when the header gives no unit."""
    if "万" in unit or "10,000" in unit or "10000" in unit:
        return 10_000.0
    if any(u in unit for u in ("平方米", "m2", "m²", "平米", "sqm")):
        return 1.0
    return None


# --- per-stage planned and actual dates ------------------------------------------------------------------------

PLANNED, ACTUAL = "planned", "actual"
# A sheet of stage dates, one row per project and stage: these columns, besides the project's name and district.
STAGE_SHEET_COLUMNS: tuple[Column, ...] = (
    Column(
        "stage",
        TEXT,
        ("阶段", "节点", "形象进度节点", "工程节点", "节点名称", "阶段名称", "关键节点", "里程碑", "形象进度")
        + ("stage", "milestone", "node"),
    ),
    Column(
        PLANNED,
        DATE,
        ("计划完成日期", "计划完成时间", "计划时间", "计划日期", "计划节点时间", "计划", "预计完成时间")
        + ("planned", "planned date", "plan", "planned completion", "target date"),
    ),
    Column(
        ACTUAL,
        DATE,
        ("实际完成日期", "实际完成时间", "完成时间", "完成日期", "实际时间", "实际日期", "实际")
        + ("actual", "actual date", "completed", "completion date"),
    ),
)
_STAGE_SHEET_ALIASES = {alias.replace(" ", ""): col for col in STAGE_SHEET_COLUMNS for alias in col.aliases}
# A stage-date column in the project sheet: the stage's name with a planned/actual word before or after it and
# an optional date word (主体封顶计划, 主体封顶（实际）, 主体封顶完成时间, 计划开工时间, Topped out planned).
_DATE_WORD = "(?:完成时间|完成日期|时间|日期|节点|date)?"
_KIND = "(?P<{}>计划|预计|planned|plan|target)|(?P<{}>实际|完成|actual|completed|done)"
_STAGE_DATE_HEADER = re.compile(
    rf"^(?:(?P<stage>.+?){_DATE_WORD}(?:{_KIND.format('plan_after', 'actual_after')}){_DATE_WORD}"
    rf"|(?:{_KIND.format('plan_before', 'actual_before')})(?P<stage2>.+?){_DATE_WORD})$"
)


def match_stage_sheet_header(header) -> Column | None:
    """A stage sheet's column (stage, planned, actual), else the project column the header names."""
    if not isinstance(header, str) or not header.strip():
        return None
    base, _ = split_header(header)
    return _STAGE_SHEET_ALIASES.get(base.rstrip(":：*")) or match_header(header)[0]


def match_stage_date_header(header) -> tuple[str, str] | None:
    """(stage id, ``planned``/``actual``) for a per-stage date column; ``None`` for a project column or else.

    Project columns win: 计划交付日期 stays the deadline and 实际开工日期 the start.
    """
    if not isinstance(header, str) or match_header(header)[0] is not None:
        return None
    base, bracket = split_header(header)
    match = _STAGE_DATE_HEADER.match((base + bracket).rstrip(":：*"))
    if not match:
        return None
    stage = stage_for_term(match.group("stage") or match.group("stage2"))
    planned = match.group("plan_after") or match.group("plan_before")
    return (stage, PLANNED if planned else ACTUAL) if stage else None
