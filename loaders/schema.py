"""The canonical project table, declared as data: one entry per column with the header names staff use.

Header matching ignores case, spaces, line breaks and full-/half-width differences, and reads a unit
from brackets (``总建筑面积（万平方米）``, ``Floor area (10,000 m²)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from housing.register import (
    AREA,
    COUNT,
    DATE,
    GAP_WORDS,
    IGNORE,
    MONEY,
    PERCENT,
    READABLE,
    TEXT,
    UNIT_WORDS,
    UNITS,
)
from housing.stages import stage_for_term
from loaders.values import normalize_text

__all__ = ["AREA", "COUNT", "DATE", "IGNORE", "MONEY", "PERCENT", "TEXT", "Column", "COLUMNS", "match_header"]


@dataclass(frozen=True)
class Column:
    """One canonical column: its field name, kind of value and the headers that mean it (exactly, or by words:
    every group of ``words`` present and none of ``avoid``, see ``housing.register``)."""

    field: str
    kind: str
    aliases: tuple[str, ...]
    words: tuple[tuple[str, ...], ...] = ()
    avoid: tuple[str, ...] = ()


# Derived from the register's declaration (``housing.register.FIELDS``), in its order.
COLUMNS: tuple[Column, ...] = tuple(Column(f.read_as, f.kind, f.aliases, f.words, f.avoid) for f in READABLE)

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


@dataclass(frozen=True)
class HeaderMatch:
    """What a header names: the column (``None`` when nothing or more than one field fits equally), the unit
    written in it, the fields it fits equally well when ambiguous, and whether it is a 差额/gap column."""

    column: Column | None
    unit: str
    candidates: tuple[str, ...] = ()
    gap: bool = False


_ASCII_WORD = re.compile(r"[a-z0-9]")
_TITLE = re.compile(r"(表|一览|汇总|台账|情况表|[:：].+)$")  # a title or a filled-in label, not a header
# A description (项目实际开工的日期, 需安置的户数；…) or a value (65%), not a header.
_SENTENCE = re.compile(r"[；;，,。]|的|^[\d.%\s]+$")
MAX_WORDS_HEADER = 30
MAX_ENGLISH_WORDS = 4  # longer text is a sentence (a note, a title), never matched on its words


def _has(word: str, compact: str, spaced: str) -> bool:
    """Whether the header contains ``word``: Chinese anywhere, English as whole words."""
    if not word.isascii():
        return word in compact
    if not _ASCII_WORD.search(word):  # a symbol such as %
        return word in compact
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", spaced) is not None


def _words_score(column: Column, compact: str, spaced: str) -> int:
    """How well a header's words fit a column: the length of the longest word matched in each group summed,
    0 when a group has no word in the header or an avoided word is there."""
    if not column.words or any(_has(w, compact, spaced) for w in column.avoid):
        return 0
    score = 0
    for group in column.words:
        found = [len(w) for w in group if _has(w, compact, spaced)]
        if not found:
            return 0
        score += max(found)
    return score


def _qualifiers(units: str) -> str:
    """The bracket text that is not a unit (交房时间（实际） gives 实际), to be matched as words."""
    parts = [p for p in re.split(r"[,，、/ ]", units) if p]
    return "".join(p for p in parts if p not in UNIT_WORDS and not any(u in p for u in UNIT_WORDS if len(u) > 1))


@lru_cache(maxsize=8192)
def match_words(header: str) -> HeaderMatch:
    """``match_header`` with the candidates: exact spellings first, then the header's words (see ``Column``)."""
    if not header.strip():
        return HeaderMatch(None, "")
    base, unit = split_header(header)
    base = base.rstrip(":：*")
    exact = _ALIASES.get(base)
    qualifiers = _qualifiers(unit)
    if exact is not None and not qualifiers:
        return HeaderMatch(exact, unit)
    # A qualifier in brackets (竣工时间（计划）) can change the field: the words decide, the spelling is a fallback.
    found = _by_words(header, base + qualifiers, unit)
    if exact is not None and found.column is None and not found.candidates and not found.gap:
        return HeaderMatch(exact, unit)
    return found


def _by_words(header: str, compact: str, unit: str) -> HeaderMatch:
    """The column whose words fit the header best (see ``Column``); ambiguous when two fit equally."""
    if len(compact) > MAX_WORDS_HEADER or _TITLE.search(compact) or _SENTENCE.search(compact):
        return HeaderMatch(None, unit)
    spaced = " " + re.sub(r"[\s_\-:：*()\[\]（）/,，]+", " ", to_simplified(normalize_text(header)).lower()) + " "
    if compact.isascii() and len(spaced.split()) > MAX_ENGLISH_WORDS:
        return HeaderMatch(None, unit)  # an English sentence (District the project is in), not a header
    if any(_has(w, compact, spaced) for w in GAP_WORDS):
        return HeaderMatch(None, unit, gap=True)
    scores = {c.field: (_words_score(c, compact, spaced), c) for c in COLUMNS}
    best = max(score for score, _ in scores.values())
    if best == 0:
        return HeaderMatch(None, unit)
    top = tuple(field for field, (score, _) in scores.items() if score == best)
    if len(top) > 1:
        return HeaderMatch(None, unit, top)
    return HeaderMatch(scores[top[0]][1], unit)


def match_header(header) -> tuple[Column | None, str]:
    """The canonical column a header names, and the unit written in it (empty when none).

    A header matches by its exact spelling (after normalising case, spaces and width) or by its words
    (交付 + 计划 is the deadline, 完成投资 the investment completed); a header two fields fit equally well
    names none (``match_words`` gives the candidates, reported by the loader).
    """
    if not isinstance(header, str) or not header.strip():
        return None, ""
    found = match_words(header)
    return found.column, found.unit


def unit_factor(kind: str, unit: str) -> float | None:
    """The stored unit per unit written in a header (亿元 is 100,000,000 yuan), ``None`` when none is given."""
    compact = unit.replace(" ", "")
    return next((factor for spelling, factor in UNITS.get(kind, ()) if spelling in compact), None)


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
