"""The stages of one resettlement project, in order, declared as data (see docs/DOMAIN.md).

Each stage has a stable id (stored with the data), its Chinese and English names (the catalogue's
``stage.<id>``), and the other ways staff write it in the 形象进度 column. ``match_stage`` maps that free
text to a stage id:

1. The text is normalised: full-width to half-width (NFKC), lower case, ``-``/``_`` and runs of spaces as
   one space, no spaces between Chinese characters (``主体 封顶`` is ``主体封顶``).
2. Every stage's names and aliases are looked for in the text, left to right, the longest wording first at
   each place, so ``具备交付条件`` is the ready stage and not the ``交付`` inside it, and ``主体竣工`` is
   topped out, not the ``竣工`` of acceptance. English wordings only match whole words (the ``ready`` in
   ``already`` is not a stage).
3. A mention after a negation or "waiting" word (未, 尚未完成, 没有, 待, 待组织, 不; not yet, awaiting,
   pending) is a stage NOT reached.
4. The answer is the most advanced stage the text says is done or under way: "主体封顶" and "主体施工中"
   alike name the stage reached, and "5#楼主体封顶，3#楼二次结构" is topped out (the furthest building is
   what staff report as 形象进度). Words such as 完成/已 do not move the answer on: "联合验收完成" is
   the acceptance stage, reached.
5. When every mention is negated, the project is just before the earliest of them: "未开工" is the
   construction-permit stage, "尚未封顶" is main structure (立项 stays 立项).
6. Text that names no stage, including a bare progress figure such as "65%", gives ``None``;
   ``is_progress_figure`` tells the two apart so a loader need not warn about figures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from housing.i18n import t


@dataclass(frozen=True)
class Stage:
    """One step of delivery: stable id and the other wordings that mean it; its names in both languages are the
    catalogue's ``stage.<id>`` (and are read back as the stage too: the template offers them)."""

    id: str
    aliases: tuple[str, ...] = ()

    def name(self, lang: str = "zh") -> str:
        """The stage's name in ``lang``."""
        return t(f"stage.{self.id}", lang)

    @property
    def zh(self) -> str:
        """The Chinese name (主体封顶)."""
        return self.name("zh")

    @property
    def en(self) -> str:
        """The English name (Topped out)."""
        return self.name("en")

    @property
    def terms(self) -> tuple[str, ...]:
        """Every wording of this stage: both names and the aliases."""
        return (self.zh, self.en, *self.aliases)


STAGES: tuple[Stage, ...] = (
    Stage(
        "approval",
        ("项目立项", "已立项", "立项批复", "前期手续", "project approval", "feasibility study"),
    ),
    Stage(
        "land",
        ("土地", "用地手续", "土地征收", "土地出让", "供地", "拿地", "land acquisition", "land procedure"),
    ),
    Stage(
        "planning",
        (
            "规划许可证",
            "用地规划许可证",
            "工程规划许可证",
            "规划手续",
            "方案设计",
            "规划审批",
            "planning permit",
            "planning approval",
        ),
    ),
    Stage(
        "permit",
        ("施工许可证", "四证齐发", "四证齐全", "办理施工许可", "building permit"),
    ),
    Stage(
        "start",
        (
            "开工建设",
            "已开工",
            "桩基施工",
            "桩基",
            "基础施工",
            "土方开挖",
            "基坑",
            "地基",
            "works started",
            "construction started",
            "groundbreaking",
            "foundation works",
            "foundation",
            "piling",
        ),
    ),
    Stage(
        "structure",
        (
            "主体工程",
            "主体建设",
            "主体结构施工",
            "主体结构",
            "主体在建",
            "二次结构",  # infill walls: part of building the structure, before or after a building tops out
            "structure",
            "structural works",
        ),
    ),
    Stage(
        "topped_out",
        ("封顶", "已封顶", "全部封顶", "主体完工", "主体竣工", "外墙施工", "topping out"),
    ),
    Stage(
        "supporting",
        (
            "配套",
            "配套施工",
            "室外配套",
            "配套设施",
            "装饰装修",
            "园林绿化",
            "道路管网",
            "室外工程",
            "supporting work",
            "landscaping",
            "external works",
        ),
    ),
    Stage(
        "meters",
        (
            "电力户表安装",
            "户表安装",
            "水电气暖",
            "水电气",
            "电力户表",
            "水电气暖户表",
            "户表",
            "utility meter",
            "household meters",
            "meters installed",
        ),
    ),
    Stage(
        "acceptance",
        ("竣工验收", "验收", "综合验收", "联合竣工验收", "竣工", "completion acceptance", "acceptance"),
    ),
    Stage(
        "ready",
        ("具备交房条件", "具备交付", "待交付", "待交房", "具备入住条件", "ready to hand over"),
    ),
    Stage(
        "allocation",
        ("选房", "分房", "分配", "抓阄选房", "摇号选房", "flat allocation", "allocation of flats"),
    ),
    Stage(
        "handover",
        (
            "交房",
            "已交房",
            "交付",
            "已交付",
            "回迁入住",
            "入住",
            "handover",
            "moved in",
            "move in",
            "keys handed over",
        ),
    ),
)

STAGE_IDS: tuple[str, ...] = tuple(s.id for s in STAGES)
BY_ID: dict[str, Stage] = {s.id: s for s in STAGES}

# A stage mentioned right after one of these is not reached (未开工, 尚未完成验收, 待组织验收, not yet topped out).
_NEGATED_ZH = re.compile(r"(?:未|没有|待|不)(?:进行|组织|开始|办理|完成|取得|具备)?$")
_NEGATED_EN = re.compile(r"(?:\bnot(?: yet)?(?: been)?|\byet to(?: be)?|\bawaiting|\bpending|\bwaiting for) ?$")
# A progress figure alone: 65%, 0.65, 完成65%, 进度：80% (progress, not a stage).
_FIGURE = re.compile(r"(?:已?完成|进度|完成率|约|about|approx\.?)?[:：]? ?\d+(?:\.\d+)? ?%?")
_CJK = "\u3400-\u9fff"


def normalize(text: str) -> str:
    """Text as matched: half-width, lower case, single spaces, none between Chinese characters."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\s\-_]+", " ", text).strip()
    return re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}])", "", text)


def _term_pattern(term: str) -> str:
    """A wording as a regex: English ones match whole words only (with an optional plural s)."""
    escaped = re.escape(term)
    if term.isascii():
        return rf"(?<![a-z0-9]){escaped}s?(?![a-z0-9])"
    return escaped


def _build_lexer() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every wording, longest first, each in a named group that maps to its stage."""
    terms = sorted(
        {(normalize(term), stage.id) for stage in STAGES for term in stage.terms}, key=lambda t: (-len(t[0]), t[0])
    )
    groups = {f"t{i}": stage_id for i, (_, stage_id) in enumerate(terms)}
    pattern = "|".join(f"(?P<t{i}>{_term_pattern(term)})" for i, (term, _) in enumerate(terms))
    return re.compile(pattern), groups


_LEXER, _GROUP_STAGE = _build_lexer()
TERMS: dict[str, str] = {normalize(term).replace(" ", ""): s.id for s in STAGES for term in s.terms}


def _negated(before: str) -> bool:
    """Whether the text just before a mention says the stage is not reached yet."""
    return bool(_NEGATED_ZH.search(before) or _NEGATED_EN.search(before))


def _stage_of(m: re.Match[str]) -> str:
    """The stage id of one lexer match (the named group that matched)."""
    group = m.lastgroup
    assert group is not None, "every alternative of the lexer is a named group"
    return _GROUP_STAGE[group]


def mentions(text: str) -> list[tuple[str, bool]]:
    """Every stage the (normalised) text names, in order, each with whether it is negated."""
    return [(_stage_of(m), _negated(text[max(0, m.start() - 12) : m.start()])) for m in _LEXER.finditer(text)]


def _match(text: str) -> str | None:
    """``match_stage`` on normalised text."""
    found = mentions(text)
    # ``mentions`` only yields known stage ids, so ``index`` cannot fail here.
    reached = [STAGE_IDS.index(s) for s, negated in found if not negated]
    if reached:
        return STAGE_IDS[max(reached)]
    missed = [STAGE_IDS.index(s) for s, _ in found]
    return STAGE_IDS[max(min(missed) - 1, 0)] if missed else None


@lru_cache(maxsize=4096)  # a sheet repeats the same few texts down 100,000 rows
def match_stage(text: str | None) -> str | None:
    """The stage id a 形象进度 text names (the most advanced one reached), or ``None`` (rules: module doc)."""
    if not isinstance(text, str) or not text.strip():
        return None
    return _match(normalize(text))


@lru_cache(maxsize=1024)
def is_progress_figure(text: str | None) -> bool:
    """True for a bare progress figure (``65%``, ``0.65``, ``完成65%``): progress, not an unknown stage."""
    return isinstance(text, str) and bool(_FIGURE.fullmatch(normalize(text)))


def stage_for_term(text: str) -> str | None:
    """The stage a single wording names exactly (``主体封顶``, ``Topped out``), for headers; else ``None``."""
    return TERMS.get(normalize(text).replace(" ", ""))


def stage_index(stage_id: str | None) -> int | None:
    """The stage's position in the sequence (0 = 立项), or ``None`` for an unknown id."""
    return STAGE_IDS.index(stage_id) if stage_id in BY_ID else None


def is_at_or_past(stage_id: str | None, other_id: str) -> bool:
    """Whether a project at ``stage_id`` has reached ``other_id`` (False when its stage is unknown)."""
    here, there = stage_index(stage_id), stage_index(other_id)
    if there is None:
        raise KeyError(other_id)
    return here is not None and here >= there


def stage_name(stage_id: str, lang: str = "zh") -> str:
    """The stage's name in the reader's language."""
    return BY_ID[stage_id].name(lang)
