"""The project register's fields, declared once: what each column is, how it is stored and how files name it.

Everything that lists the register's columns derives from ``FIELDS`` here: the loader's table and its
dtypes (``project_dtypes``, ``empty_projects``), the database's ``project_rows`` columns (``store.schema``),
the fields a diff compares (``housing.changes``), the fields the history watches and the template's columns
(``loaders.template``). A new field is one entry below plus a migration adding its column.

Header words: a file's header names a field when it is one of ``aliases`` (exact, after normalising), or
when it contains a word of every group in ``words`` and none of ``avoid`` (``loaders.schema`` does the
matching). Chinese words match anywhere in the header; English words only as whole words.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# Kinds of value. ``money`` is stored in yuan, ``area`` in m², ``percent`` as 0–100.
TEXT, COUNT, AREA, MONEY, DATE, PERCENT, IGNORE = "text", "count", "area", "money", "date", "percent", "ignore"
UNNAMED = "—"  # a district or street left blank in the workbook, as every table shows it

DTYPES = {
    TEXT: "string",
    COUNT: "Int64",
    AREA: "Float64",
    MONEY: "Float64",
    PERCENT: "Float64",
    DATE: "datetime64[ns]",
}
# Units written in a header (brackets or a second header row), per kind: the factor to the stored unit.
# Longer spellings first, so 万平方米 is not read as 平方米.
UNITS: dict[str, tuple[tuple[str, float], ...]] = {
    AREA: (
        ("万平方米", 10_000.0),
        ("万平米", 10_000.0),
        ("万m2", 10_000.0),
        ("万m²", 10_000.0),
        ("万㎡", 10_000.0),
        ("10,000m2", 10_000.0),
        ("10000m2", 10_000.0),
        ("10,000m²", 10_000.0),
        ("平方米", 1.0),
        ("平米", 1.0),
        ("m2", 1.0),
        ("m²", 1.0),
        ("㎡", 1.0),
        ("sqm", 1.0),
        ("sq.m", 1.0),
    ),
    MONEY: (
        ("亿元", 1e8),
        ("亿", 1e8),
        ("万元", 10_000.0),
        ("万", 10_000.0),
        ("100million", 1e8),
        ("100m", 1e8),
        ("10,000yuan", 10_000.0),
        ("10kyuan", 10_000.0),
        ("10k", 10_000.0),
        ("millionyuan", 1e6),
        ("million", 1e6),
        ("yuan", 1.0),
        ("rmb", 1.0),
        ("元", 1.0),
    ),
}
# A bracket or second-row text that is only a unit (so 安置户数（户） reads 户 as the unit, not as words).
UNIT_WORDS = frozenset(u for units in UNITS.values() for u, _ in units) | {"户", "套", "%", "个", "天", "日期"}

# Words that say "planned" and "actual" (the group headers 计划 / 完成 / 差额 of government forms use them too).
PLANNED_WORDS = ("计划", "预计", "拟", "目标", "要求", "期限", "时限", "planned", "plan", "due", "target", "scheduled")
ACTUAL_WORDS = ("实际", "已", "完成", "actual", "actually", "completed", "done")
GAP_WORDS = ("差额", "差值", "相差", "偏差", "gap", "difference", "variance")


@dataclass(frozen=True)
class Field:
    """One column of the register.

    ``name`` is the column in the project table and in ``project_rows``; ``key`` the name a header is read
    as (the loader's, the CLI's and a column mapping's word; ``name`` unless given). ``label`` is the
    ``housing.i18n`` key of its display name. ``compared``: a diff between versions reports its changes.
    ``required``: a file without it cannot be published (only the name is). ``template``: the downloadable
    template has the column. ``stage_date``: the column is also the planned (or actual) date of that stage.
    """

    name: str
    kind: str
    label: str
    aliases: tuple[str, ...] = ()
    words: tuple[tuple[str, ...], ...] = ()
    avoid: tuple[str, ...] = ()
    key: str = ""
    compared: bool = True
    required: bool = False
    template: bool = True
    stored: bool = True
    stage_date: tuple[str, str] | None = None

    @property
    def read_as(self) -> str:
        """The name a header is read as."""
        return self.key or self.name

    @property
    def dtype(self) -> str:
        """The pandas dtype of the column."""
        return DTYPES[self.kind]


_DATE_WORDS = ("日期", "时间", "date", "on")
_COUNTED = ("户数", "套数", "数量", "面积", "率", "比例", "投资", "金额")  # a figure, never a date column's header

FIELDS: tuple[Field, ...] = (
    Field(
        "seq",
        IGNORE,
        "col_row",
        ("序号", "编号", "no", "no.", "#", "number", "s/n", "seq"),
        compared=False,
        stored=False,
    ),
    Field(
        "name",
        TEXT,
        "col_name",
        ("项目名称", "项目", "项目名", "安置房项目", "安置区名称", "安置项目名称", "小区名称", "安置小区")
        + ("project", "project name", "name", "scheme", "estate"),
        (("项目名称", "小区名称", "安置区名称", "projectname", "project name"),),
        compared=False,
        required=True,
    ),
    Field(
        "district",
        TEXT,
        "col_district",
        ("所属区县", "区县", "区", "县", "所属区", "区(县)", "区/县", "县(区)", "县区", "县(市、区)", "县(市区)")
        + ("district", "county"),
        (("区县", "县区", "所属区", "district", "county"),),
        avoid=("街道", "责任", "项目"),
        compared=False,
    ),
    Field(
        "street",
        TEXT,
        "col_street",
        ("街道", "镇", "片区", "街道(镇)", "镇(街道)", "镇街", "街镇", "所属街道", "街道/镇", "镇/街道", "乡镇")
        + ("乡镇(街道)", "所属镇街", "subdistrict", "street", "town", "area/town", "township"),
        # no words: a street's name (明水街道) is a value, never a header
    ),
    Field(
        "households",
        COUNT,
        "col_households",
        ("安置户数", "户数", "安置户", "安置总户数", "households", "number of households"),
        (("户数", "安置户", "households", "household", "families"),),
        avoid=("已", "交付", "交房", "待", "剩余", "未", "handed", "delivered", "waiting", "remaining"),
    ),
    Field(
        "floor_area_m2",
        AREA,
        "col_area",
        ("总建筑面积", "建筑面积", "面积", "floor area", "gross floor area", "total floor area", "gfa"),
        (("面积", "floor area", "gfa", "area"),),
        avoid=(
            "占地",
            "用地",
            "土地",
            "宗地",
            "已",
            "住宅",
            "商业",
            "地下",
            "地上",
            "车库",
            "land",
            "site",
            "residential",
        ),
        key="floor_area",
    ),
    Field(
        "start",
        DATE,
        "col_start",
        ("开工日期", "开工时间", "实际开工日期", "实际开工时间", "start", "start date"),
        (("开工", "start", "commenced", "commencement", "construction start"),),
        avoid=("计划", "预计", "planned", "plan", "target") + _COUNTED,
    ),
    Field(
        "deadline",
        DATE,
        "col_deadline",
        ("计划交付日期", "交付期限", "具备交付条件时间", "具备交付条件日期", "计划交付时间", "计划具备交付条件时间")
        + ("deadline", "planned handover", "due date", "handover deadline"),
        (
            ("交付", "交房", "交钥匙", "回迁", "handover", "hand over", "hand-over", "delivery", "deliver"),
            PLANNED_WORDS + ("条件", "deadline", "最迟"),
        ),
        avoid=("实际", "actual", "已") + _COUNTED,
    ),
    Field(
        "handed_over",
        DATE,
        "col_handed_over",
        ("实际交付日期", "交房日期", "实际交房日期", "实际交付时间", "交付日期", "handover date", "handed over")
        + ("actual handover",),
        (
            ("交付", "交房", "交钥匙", "回迁", "handover", "handed over", "hand over", "delivered", "delivery date")
            + ("date of delivery", "completed on"),
        ),
        avoid=PLANNED_WORDS + ("条件", "deadline", "最迟", "剩余", "未", "remaining") + _COUNTED,
    ),
    Field(
        "stage",
        TEXT,
        "col_stage",
        ("形象进度", "当前阶段", "工程进度", "目前进度", "stage", "current stage", "visible progress")
        + ("工程形象进度", "建设进度", "形象进度情况", "进展情况", "建设进展", "项目进展"),
        (("形象进度", "阶段", "进展", "stage", "status"),),
        avoid=("计划", "预计", "planned", "%", "比例", "率"),
    ),
    Field("stage_id", TEXT, "col_stage", compared=False, template=False),
    Field(
        "progress",
        PERCENT,
        "chg_field_progress",
        ("进度", "完成比例", "完成率", "完成进度", "进度(%)", "progress", "completion"),
        (("完成比例", "完成率", "完成进度", "进度", "percent", "progress"),),
        avoid=("形象", "投资", "计划", "日期", "时间", "investment", "date"),
    ),
    Field(
        "unit",
        TEXT,
        "col_unit",
        ("责任单位", "责任部门", "responsible unit", "unit", "实施单位", "建设单位", "牵头单位", "主责单位"),
        (("责任单位", "责任部门", "实施单位", "建设单位", "牵头单位", "主体单位", "responsible", "agency"),),
        avoid=("领导", "leader", "person"),
    ),
    Field(
        "notes",
        TEXT,
        "chg_field_notes",
        ("备注", "notes", "remarks", "note", "comments"),
        (("备注", "notes", "remarks", "comments"),),
    ),
    # Fields real forms carry that the register had no place for: never required, shown where they exist.
    Field(
        "flats",
        COUNT,
        "col_flats",
        ("套数", "安置房套数", "房源套数", "总套数", "flats", "units", "dwellings", "apartments", "homes"),
        (("套数", "房源", "套", "flats", "units", "dwellings", "apartments", "homes"),),
        avoid=("已", "交付", "交房", "待", "剩余", "未", "delivered", "handed", "responsible"),
        template=False,
    ),
    Field(
        "investment_planned",
        MONEY,
        "col_investment_planned",
        ("计划投资", "总投资", "计划总投资", "投资", "概算投资", "估算投资", "investment", "planned investment"),
        (("投资", "investment", "budget", "cost"),),
        avoid=ACTUAL_WORDS + ("累计", "本年", "年度", "到位", "率", "比例", "%", "spent", "annual"),
        template=False,
    ),
    Field(
        "investment_done",
        MONEY,
        "col_investment_done",
        ("完成投资", "累计完成投资", "已完成投资", "实际完成投资", "invested", "investment completed", "spent"),
        (("投资", "investment", "invested", "spent"), ACTUAL_WORDS + ("累计", "spent", "invested", "to date")),
        avoid=("率", "比例", "%", "计划", "预计", "planned", "本年", "年度"),
        template=False,
    ),
    Field(
        "completion_planned",
        DATE,
        "col_completion_planned",
        ("计划竣工时间", "计划竣工日期", "预计竣工时间", "竣工时间(计划)", "planned completion"),
        (("竣工", "completion"), PLANNED_WORDS),
        avoid=("实际", "actual", "验收", "acceptance", "备案") + _COUNTED,
        template=False,
        stage_date=("acceptance", "planned"),
    ),
    Field(
        "completion_actual",
        DATE,
        "col_completion_actual",
        ("实际竣工时间", "实际竣工日期", "竣工日期", "竣工时间", "actual completion", "completion date"),
        (("竣工", "completion"),),
        avoid=PLANNED_WORDS + ("验收", "acceptance", "备案", "%", "率", "进度", "progress") + _COUNTED,
        template=False,
        stage_date=("acceptance", "actual"),
    ),
    Field(
        "leader",
        TEXT,
        "col_leader",
        ("责任领导", "包保领导", "分管领导", "牵头领导", "负责领导", "责任人", "leader", "responsible leader"),
        (("领导", "责任人", "负责人", "leader", "official", "person in charge"),),
        template=False,
    ),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
BY_KEY: dict[str, Field] = {f.read_as: f for f in FIELDS}
# The fields a file's header can name (stage_id is derived from the stage text, never read).
READABLE: tuple[Field, ...] = tuple(f for f in FIELDS if f.name != "stage_id")
STORED: tuple[Field, ...] = tuple(f for f in FIELDS if f.stored)
COMPARED: tuple[Field, ...] = tuple(f for f in FIELDS if f.compared and f.stored)
OPTIONAL_NEW = ("flats", "investment_planned", "investment_done", "completion_planned", "completion_actual", "leader")
LOCATION = (("sheet", "string"), ("row", "int64"))  # where a row sat in its workbook; never compared

PROJECT_COLUMNS: list[str] = [f.name for f in STORED] + [name for name, _ in LOCATION]
DATE_COLUMNS: tuple[str, ...] = tuple(f.name for f in STORED if f.kind == DATE)
TEXT_COLUMNS: tuple[str, ...] = tuple(f.name for f in STORED if f.kind == TEXT)


def project_dtypes() -> dict[str, str]:
    """The project table's columns, in order, with their pandas dtypes."""
    return {**{f.name: f.dtype for f in STORED}, **dict(LOCATION)}


def empty_projects() -> pd.DataFrame:
    """A project table with the register's columns and dtypes, and no rows."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in project_dtypes().items()})


# The long table of per-stage planned and actual dates: one row per project and stage.
STAGE_DATE_DTYPES: dict[str, str] = {
    "name": "string",
    "district": "string",
    "stage_id": "string",
    "planned": "datetime64[ns]",
    "actual": "datetime64[ns]",
    "sheet": "string",
    "row": "int64",
}


def empty_stage_dates() -> pd.DataFrame:
    """A stage-dates table (name, district, stage_id, planned, actual, sheet, row) with its dtypes, no rows."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in STAGE_DATE_DTYPES.items()})


class RegisterMismatch(ValueError):
    """A project table whose columns or dtypes differ from the register's declaration."""


def check_projects(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` itself when its columns and dtypes are the register's, else ``RegisterMismatch`` saying how.

    Frames read back from storage pass through here, so a column the database lost or typed differently
    fails loudly at the read instead of showing as blanks on a dashboard.
    """
    expected = project_dtypes()
    if list(frame.columns) != list(expected):
        missing = [c for c in expected if c not in frame]
        extra = [c for c in frame.columns if c not in expected]
        raise RegisterMismatch(f"columns differ: missing {missing}, unexpected {extra}")
    wrong = {c: str(frame[c].dtype) for c, t in expected.items() if str(frame[c].dtype) != t}
    if wrong:
        raise RegisterMismatch(f"dtypes differ from the register: {wrong}")
    return frame
