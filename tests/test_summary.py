"""The vectorised summary and cell parsing give exactly what the row-by-row code gave: the one-row definitions
(``project_detail``, ``render`` without its memory, the per-cell loops kept below as the reference) against the
column-at-a-time code, on random workbooks and random cells."""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from conftest import write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from housing.i18n import t
from housing.rules import RULE_BY_ID, Evidence
from housing.stages import is_progress_figure, match_stage
from housing.status import _shown, classify, render
from housing.summary import project_detail, projects_detail, summarize
from loaders import values
from loaders.issues import display_value
from loaders.load import load_unguarded
from loaders.schema import TEXT, Column, to_simplified
from loaders.table import _LINE_BREAKS, ColumnParser, HeaderCell

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from make_workbook import HEADER, project_row  # noqa: E402

AS_OF = dt.date(2026, 11, 20)


def random_rows(seed: int, n: int) -> list[list]:
    """The benchmark's realistic rows with blanks, odd text and repeated names mixed in."""
    rng = random.Random(seed)
    rows = [project_row(i, rng) for i in range(1, n + 1)]
    for row in rows:
        for c in range(len(row)):
            if rng.random() < 0.08:
                row[c] = rng.choice([None, "", "-", "无", "  空 格  ", "2021年3月", "abc", -5, 0.5])
        if rng.random() < 0.05:
            row[1] = rows[0][1]  # a duplicate project
    return [HEADER, *rows]


def _render_fresh(reason, lang: str) -> str:
    """``render`` as it was, each param phrased anew."""
    key, params = reason
    shown = {k: _shown(k, v, lang) for k, v in params.items()}
    rule = RULE_BY_ID.get(key)
    return rule.reason(lang, **shown) if rule else t(key, lang, **shown)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n=st.integers(0, 40))
def test_projects_detail_is_project_detail_of_every_row(tmp_path, seed, n):
    path = write_xlsx(tmp_path / f"r{seed}.xlsx", random_rows(seed, n))
    result = load_unguarded(path.read_bytes(), path.name)
    classified = classify(result.projects, AS_OF, evidence=Evidence(stage_dates=result.stage_dates))
    for lang in ("zh", "en"):
        rows = [project_detail(r, lang) for r in classified.itertuples()]
        assert projects_detail(classified, lang) == rows
        fresh = [[_render_fresh(r, lang) for r in reasons] for reasons in classified["reasons"]]
        assert [p["reasons"] for p in rows] == fresh
    assert summarize(result, AS_OF)["projects"] == len(result.projects)


def test_an_empty_register_has_no_details():
    result = load_unguarded(b"", "empty.csv")
    assert summarize(result, AS_OF)["projects_detail"] == []


def test_a_date_a_timestamp_and_a_text_of_the_same_day_are_remembered_apart():
    import pandas as pd

    day, stamp, text = dt.date(2021, 3, 31), pd.Timestamp("2021-03-31"), "2021-03-31"
    for _ in range(2):  # the second round is answered from the memory
        assert render(("reason_done", {"date": day}), "zh") == "已于2021年3月31日交付"
        assert render(("reason_done", {"date": stamp}), "zh") == "已于2021年3月31日交付"
        assert render(("reason_done", {"date": text}), "zh") == "已于2021-03-31交付"  # text as written


# --- cell parsing: the per-cell loops as they were ---------------------------------------------------------


def _old_parse(parser: ColumnParser, cells: list, parse, fast) -> list:
    cells = parser.scrub(cells)
    out: list = []
    memo: dict = {}
    for i, raw in enumerate(cells):
        if fast(raw):
            out.append(raw)
            continue
        if raw is None or raw == "" or values.is_blank(raw):
            out.append(None)
            continue
        key = (type(raw), raw)
        if key not in memo:
            memo[key] = parse(raw)
        value, code, params = memo[key]
        if code:
            parser.report(i, code, raw, params)
        out.append(value)
    return out


def _old_texts(parser: ColumnParser, cells: list) -> list:
    out: list = []
    for raw in parser.scrub(cells):
        text = raw.strip() if type(raw) is str else display_value(raw)
        if len(text) <= 4 and text.lower() in values.BLANKS:
            out.append(None)
        elif "  " in text or (not text.isprintable() and _LINE_BREAKS.search(text)):
            out.append(" ".join(text.split()))
        else:
            out.append(text)
    if max(map(len, filter(None, out)), default=0) > parser.max_text:
        parser._cut_long(out)
    return out


def _is_number(raw) -> bool:
    return type(raw) in (int, float) and raw >= 0


def _is_date(raw) -> bool:
    return type(raw) is dt.date and values.YEAR_LOW <= raw.year <= values.YEAR_HIGH


CELLS = st.lists(
    st.one_of(
        st.none(),
        st.sampled_from(["", " ", "-", "无", "N/A", "—", "  a  b ", "a\nb", "x\u2028y", "名\x00称", "1,623户", "65%"]),
        st.text(alphabet="0123456789年月日-./ 项目\t\n万", max_size=12),
        st.integers(-5, 100_000),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(dt.date(1950, 1, 1), dt.date(2150, 1, 1)),
        st.datetimes(dt.datetime(1980, 1, 1), dt.datetime(2110, 1, 1)),
    ),
    max_size=40,
)


def _parser(issues: list, n: int) -> ColumnParser:
    header = HeaderCell(Column("name", TEXT, ()), 1, "项目名称", "")
    return ColumnParser("项目", header, list(range(2, n + 2)), issues, max_text=10)


@settings(max_examples=300, deadline=None)
@given(CELLS)
def test_numbers_dates_and_texts_are_parsed_as_cell_by_cell(cells):
    for new, old in (
        (lambda p, c: p.numbers(c), lambda p, c: _old_parse(p, c, values.parse_number, _is_number)),
        (lambda p, c: p.dates(c), lambda p, c: _old_parse(p, c, values.parse_date, _is_date)),
        (lambda p, c: p.texts(c), _old_texts),
    ):
        new_issues: list = []
        old_issues: list = []
        got = new(_parser(new_issues, len(cells)), list(cells))
        expected = old(_parser(old_issues, len(cells)), list(cells))
        assert [(type(v), v) for v in got] == [(type(v), v) for v in expected] or _same_with_nan(got, expected)
        assert new_issues == old_issues


def _same_with_nan(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x == y or (x != x and y != y) for x, y in zip(a, b))


def _old_stage_ids(parser: ColumnParser, texts: list, figures_ok: bool) -> list:
    out: list = []
    for i, text in enumerate(texts):
        stage = match_stage(to_simplified(text)) if text else None
        if text and stage is None and not (figures_ok and is_progress_figure(text)):
            parser.report(i, "unknown_stage", text, {"text": text})
        out.append(stage)
    return out


STAGE_TEXTS = st.lists(
    st.one_of(st.none(), st.sampled_from(["主体施工", "主体封顶", "已交房入住", "65%", "八成", "竣工验收", "abc", ""])),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(STAGE_TEXTS, st.booleans())
def test_stage_ids_are_found_as_text_by_text(texts, figures_ok):
    new_issues: list = []
    old_issues: list = []
    got = _parser(new_issues, len(texts)).stage_ids(list(texts), figures_ok)
    assert got == _old_stage_ids(_parser(old_issues, len(texts)), list(texts), figures_ok)
    assert new_issues == old_issues
