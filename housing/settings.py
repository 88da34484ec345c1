"""Every setting of the product, declared once as data with its default and help text.

Values come, in order of precedence, from the environment (``RESETTLE_<KEY>`` upper-cased), then
``.streamlit/secrets.toml`` (read by the app), then the default below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One configurable value with its default and bilingual help text."""

    key: str
    default: float | int | str
    help_zh: str
    help_en: str


SETTINGS: tuple[Setting, ...] = (
    Setting("max_upload_mb", 20, "上传文件大小上限（MB）", "Largest accepted workbook, in MB"),
    Setting(
        "max_unzipped_mb",
        300,
        "xlsx 解压后总大小上限（MB），防止压缩炸弹",
        "Largest total unzipped size of an xlsx, in MB (zip-bomb guard)",
    ),
    Setting(
        "max_cells",
        6_000_000,
        "一个工作表可读取的最大单元格区域（行×列）",
        "Largest cell area (rows x columns) read from one sheet",
    ),
    Setting("max_sheets", 50, "一个工作簿可包含的最多工作表数", "Most worksheets a workbook may have"),
    Setting("max_rows", 200_000, "一个工作表可读取的最多行数", "Most rows read from one worksheet"),
    Setting("max_columns", 1000, "一个工作表可读取的最多列数", "Most columns read from one worksheet"),
    Setting(
        "worker_memory_mb",
        512,
        "读取一个上传文件时可使用的内存上限（MB，在独立进程中强制执行）",
        "Memory that reading one uploaded file may use, in MB (enforced in a separate process)",
    ),
    Setting(
        "worker_cpu_s",
        120,
        "读取一个上传文件时可使用的 CPU 时间上限（秒）",
        "CPU time that reading one uploaded file may use, in seconds",
    ),
    Setting(
        "worker_wall_s",
        120,
        "读取一个上传文件的总时间上限（秒）",
        "Wall-clock time that reading one uploaded file may take, in seconds",
    ),
    Setting(
        "annual_target_projects",
        0,
        "年度交付目标（项目数，0 表示按计划交付日期在当年的项目计算）",
        "Projects to hand over this year (0: those whose deadline falls in the year)",
    ),
    Setting("region_zh", "济南市", "看板标题中的地区名称（中文）", "The area named in the dashboard title, in Chinese"),
    Setting("region_en", "Jinan", "看板标题中的地区名称（英文）", "The area named in the dashboard title, in English"),
    Setting(
        "seed_sample",
        "portfolio",
        "数据库为空时首次启动发布的示例数据集（留空则不发布）",
        "Sample dataset published on first start when the database is empty (blank: none)",
    ),
    Setting(
        "timezone",
        "Asia/Shanghai",
        "“今天”（默认截至日期）和上传时间所用的时区",
        "Time zone of “today” (the default as-of date) and of the upload times shown",
    ),
    Setting(
        "max_text_chars",
        1000,
        "单元格文字长度上限（字符）：名称等超过即报错，备注超过则截断并提示",
        "Longest text in a cell, in characters: a longer name is an error, a longer note is cut with a warning",
    ),
    # accounts and sign-in
    Setting(
        "signin_max_failures",
        5,
        "连续输错密码多少次后锁定账号",
        "Wrong passwords in a row after which an account is locked",
    ),
    Setting(
        "signin_lockout_minutes",
        15,
        "账号被锁定的时长（分钟）",
        "How long a locked-out account stays locked, in minutes",
    ),
    Setting(
        "session_idle_minutes",
        30,
        "无操作多少分钟后自动退出登录",
        "Minutes without any action after which a session is signed out",
    ),
    Setting("password_min_length", 10, "密码最短长度（字符）", "Shortest password accepted, in characters"),
    Setting(
        "anonymous_viewing",
        0,
        "1 表示无需登录即可查看看板页面（只读），0 表示必须登录",
        "1: the dashboard pages can be viewed without signing in (read only); 0: everyone signs in",
    ),
)

_BY_KEY = {s.key: s for s in SETTINGS}


def get_setting(key: str, overrides: dict | None = None):
    """Return a setting's value: an explicit override, then the environment, then the default."""
    spec = _BY_KEY[key]
    if overrides and key in overrides:
        return type(spec.default)(overrides[key])
    raw = os.environ.get(f"RESETTLE_{key.upper()}")
    return type(spec.default)(raw) if raw not in (None, "") else spec.default


def resolved(overrides: dict | None = None) -> dict:
    """Every setting's value now, as explicit overrides (for a child process, whose environment is older)."""
    return {s.key: get_setting(s.key, overrides) for s in SETTINGS}
