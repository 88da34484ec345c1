"""The stages as data and the mapping of 形象进度 text to a stage: ``housing.stages``."""

from __future__ import annotations

import pytest

from housing.stages import (
    BY_ID,
    STAGE_IDS,
    STAGES,
    is_at_or_past,
    is_progress_figure,
    match_stage,
    stage_for_term,
    stage_index,
    stage_name,
)

# What staff write in 形象进度, and the stage it means (None: it names no stage).
TEXTS = [
    # one stage named, as written in real lists
    ("项目立项", "approval"),
    ("立项审批中", "approval"),
    ("土地手续已完成", "land"),
    ("土地手续办理中", "land"),
    ("规划许可证已办理", "planning"),
    ("工程规划许可证已核发", "planning"),
    ("已取得施工许可证", "permit"),
    ("四证齐全", "permit"),
    ("桩基施工", "start"),
    ("基础施工", "start"),
    ("已开工", "start"),
    ("主体施工中", "structure"),
    ("主体施工至18层", "structure"),
    ("主体施工（停工整改）", "structure"),
    ("主体封顶", "topped_out"),
    ("已封顶", "topped_out"),
    ("主体竣工", "topped_out"),  # not the 竣工 of acceptance
    ("外墙施工", "topped_out"),
    ("正在进行配套工程", "supporting"),
    ("配套工程施工", "supporting"),
    ("室外配套及园林绿化", "supporting"),
    ("电力户表安装完成", "meters"),
    ("水电气暖户表安装", "meters"),
    ("完成联合验收", "acceptance"),
    ("联合验收完成", "acceptance"),
    ("竣工验收", "acceptance"),
    ("已具备交付条件", "ready"),  # not the 交付 inside it
    ("待交付", "ready"),
    ("选房完成", "allocation"),
    ("正在组织分配选房", "allocation"),
    ("已交房", "handover"),
    ("已入住", "handover"),
    ("已交房入住", "handover"),
    # several stages: the most advanced one reached
    ("5#楼主体封顶，3#楼二次结构", "topped_out"),
    ("电力户表安装完成，正在组织分配", "allocation"),
    ("联合验收完成，已具备交付条件", "ready"),
    ("主体封顶，未验收", "topped_out"),  # a negated mention does not count
    ("已具备交付条件，待分配", "ready"),
    # only negated: the stage before
    ("未开工", "permit"),
    ("尚未封顶", "structure"),
    ("待组织验收", "meters"),
    ("等待立项批复", "approval"),  # nothing comes before 立项
    # spacing and width
    ("主 体 封 顶", "topped_out"),
    ("主体\n封顶", "topped_out"),
    ("　已封顶　", "topped_out"),
    # English
    ("Topped out", "topped_out"),
    ("TOPPED OUT", "topped_out"),
    ("ＴＯＰＰＥＤ ＯＵＴ", "topped_out"),
    ("Already topped out", "topped_out"),  # the "ready" in "already" is not a stage
    ("Not yet topped out", "structure"),
    ("supporting works", "supporting"),
    ("Supporting works under way", "supporting"),
    ("handed over", "handover"),
    ("Handed over", "handover"),
    ("Moved in", "handover"),
    ("Foundation works", "start"),
    ("Main structure, 18 floors", "structure"),
    ("Joint acceptance completed", "acceptance"),
    ("Ready for handover", "ready"),
    ("Awaiting allocation", "ready"),
    ("Land acquisition completed", "land"),
    ("Planning permit issued", "planning"),
    ("Household meters installed", "meters"),
    # no stage
    ("65%", None),
    ("完成65%", None),
    ("0.65", None),
    ("停工整改", None),
    ("正常推进", None),
    ("On schedule", None),
    ("", None),
    ("   ", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "stage"), TEXTS, ids=[repr(t) for t, _ in TEXTS])
def test_match_stage(text, stage):
    assert match_stage(text) == stage


def test_every_name_and_alias_means_its_own_stage():
    for stage in STAGES:
        for term in stage.terms:
            assert match_stage(term) == stage.id, term
            assert stage_for_term(term) == stage.id, term


def test_no_wording_belongs_to_two_stages():
    terms = [term.lower().replace(" ", "") for stage in STAGES for term in stage.terms]
    assert len(terms) == len(set(terms))


@pytest.mark.parametrize(
    ("text", "figure"),
    [("65%", True), ("６５％", True), ("0.65", True), ("完成65%", True), ("进度：80%", True), ("100", True)],
)
def test_progress_figures(text, figure):
    assert is_progress_figure(text) is figure


@pytest.mark.parametrize("text", ["主体封顶", "主体施工至18层", "停工整改", "", None, "65 households"])
def test_not_progress_figures(text):
    assert not is_progress_figure(text)


def test_stage_for_term_is_exact():
    assert stage_for_term("主体封顶") == "topped_out"
    assert stage_for_term("Topped Out") == "topped_out"
    assert stage_for_term("主体封顶完成") is None  # headers name a stage exactly
    assert stage_for_term("进度") is None


def test_ids_order_and_names():
    assert STAGE_IDS == (
        "approval",
        "land",
        "planning",
        "permit",
        "start",
        "structure",
        "topped_out",
        "supporting",
        "meters",
        "acceptance",
        "ready",
        "allocation",
        "handover",
    )
    assert set(BY_ID) == set(STAGE_IDS)
    assert (stage_index("approval"), stage_index("handover"), stage_index("nope"), stage_index(None)) == (
        0,
        12,
        None,
        None,
    )
    assert (stage_name("topped_out"), stage_name("topped_out", "en")) == ("主体封顶", "Topped out")


@pytest.mark.parametrize(
    ("stage", "other", "reached"),
    [
        ("topped_out", "topped_out", True),
        ("supporting", "topped_out", True),
        ("structure", "topped_out", False),
        (None, "approval", False),
        ("unknown", "approval", False),
    ],
)
def test_is_at_or_past(stage, other, reached):
    assert is_at_or_past(stage, other) is reached


def test_is_at_or_past_refuses_an_unknown_target():
    with pytest.raises(KeyError):
        is_at_or_past("start", "finished")
