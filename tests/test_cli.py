"""``python -m loaders summary``: exit codes, the JSON shape, and the readable tables."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ZHANGQIU = ROOT / "data" / "sample_zhangqiu_2021.xlsx"
PORTFOLIO = ROOT / "data" / "sample_portfolio.xlsx"
BAD = ROOT / "tests" / "fixtures" / "bad_values.xlsx"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", "summary", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_for_the_zhangqiu_list():
    done = run_cli(ZHANGQIU, "--as-of", "2021-05-01", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # exactly one JSON object, nothing else on stdout
    assert {k: summary[k] for k in ("file", "as_of", "projects", "households", "floor_area_m2")} == {
        "file": "sample_zhangqiu_2021.xlsx",
        "as_of": "2021-05-01",
        "projects": 8,
        "households": 7253,
        "floor_area_m2": 2648300.0,
    }
    assert summary["districts"] == [
        {"district": "章丘区", "projects": 8, "households": 7253, "floor_area_m2": 2648300.0}
    ]
    first = summary["projects_detail"][0]
    assert first == {
        "name": "西琅沟",
        "district": "章丘区",
        "households": 656,
        "floor_area_m2": 212600.0,
        "deadline": "2021-03-31",
        "handed_over": None,
        "status": "overdue",
        "level": "red",
        "reasons": ["已逾期 31 天（计划 2021年3月31日）", "当前形象进度：电力户表安装完成，正在组织分配"],
    }
    statuses = {p["name"]: p["status"] for p in summary["projects_detail"]}
    assert statuses["老四中周边沿街（汇泉路商业）"] == "at_risk" and statuses["北皋埠"] == "on_track"
    assert summary["issues"] == []


def test_errors_exit_1_and_are_all_listed_in_english():
    done = run_cli(BAD, "--json", "--lang", "en", "--as-of", "2026-01-01")
    assert done.returncode == 1
    issues = json.loads(done.stdout)["issues"]
    errors = [(i["row"], i["column"], i["value"]) for i in issues if i["severity"] == "error"]
    assert errors == [
        (4, "安置户数", "-12"),
        (5, "安置户数", "约三百户"),
        (6, "总建筑面积（万㎡）", "-1.2"),
        (7, "计划交付日期", "2021年13月5日"),
        (8, "项目名称", ""),
    ]
    assert issues[0]["message"] == "Must not be negative" and issues[0]["sheet"] == "项目"


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"\x00\x01garbage" * 50, "x.xlsx"), (b"", "empty.xlsx"), (b"PK\x03\x04broken", "broken.xlsx")],
)
def test_unreadable_file_exits_2_with_message_on_stderr(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    done = run_cli(path, "--json")
    assert done.returncode == 2
    assert done.stderr.strip() and "Traceback" not in done.stderr
    assert json.loads(done.stdout)["projects"] == 0


def test_missing_file_exits_2(tmp_path):
    done = run_cli(tmp_path / "nope.xlsx")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_readable_tables_without_json():
    done = run_cli(ZHANGQIU, "--as-of", "2021-05-01", "--lang", "en")
    assert done.returncode == 0
    assert "7,253" in done.stdout and "264.83" in done.stdout
    assert "31 days overdue (deadline 2021-03-31)" in done.stdout
    assert "0 errors, 0 warnings" in done.stdout


def test_stage_dates_of_the_workbook_are_evidence():
    """The portfolio's 节点计划 sheet reaches the rules: a missed planned start is flagged in the CLI."""
    done = run_cli(PORTFOLIO, "--as-of", "2026-11-21", "--json", "--lang", "en")
    assert done.returncode == 0, done.stderr
    projects = {p["name"]: p for p in json.loads(done.stdout)["projects_detail"]}
    late_start = projects["转山村安置区"]
    assert (late_start["status"], late_start["level"]) == ("at_risk", "red")
    assert late_start["reasons"][0] == "Start of works planned 2025-12-01, not done, 355 days late"
    assert projects["小许家片区回迁房二期"]["level"] is None  # handed over: no rule fires


def _keys_workbook(tmp_path: Path) -> Path:
    from conftest import write_xlsx

    rows = [
        ["项目名称", "所属区县", "安置户数", "计划交付日期", "房屋钥匙发放"],
        ["西琅沟", "章丘区", 656, "2021-03-31", "2021-03-20"],
    ]
    return write_xlsx(tmp_path / "keys.xlsx", rows)


@pytest.mark.parametrize(
    ("maps", "field", "handed_over"),
    [
        ([], None, None),  # not recognised: not used (and a warning that it holds dates)
        (["房屋钥匙发放=handed_over"], "handed_over", "2021-03-20"),
        (["房屋钥匙发放=none"], None, None),
    ],
)
def test_map_reads_a_column_as_the_field_given(tmp_path, maps, field, handed_over):
    args = [a for m in maps for a in ("--map", m)]
    done = run_cli(str(_keys_workbook(tmp_path)), "--json", "--as-of", "2021-05-01", *args)
    summary = json.loads(done.stdout)
    assert {c["header"]: c["field"] for c in summary["columns"]}["房屋钥匙发放"] == field
    assert summary["projects_detail"][0]["handed_over"] == handed_over


@pytest.mark.parametrize("bad", ["房屋钥匙发放=keys", "no-equals-sign", "=handed_over"])
def test_a_map_naming_no_field_is_refused_with_the_fields_listed(tmp_path, bad):
    done = run_cli(str(_keys_workbook(tmp_path)), "--map", bad)
    assert done.returncode == 2
    assert "--map" in done.stderr and "Traceback" not in done.stderr


# --- the JSON written in two processes ---------------------------------------------------------------------


def _random_result(tmp_path, seed: int, n: int):
    from conftest import write_xlsx
    from test_summary import random_rows

    from loaders.load import load_unguarded

    path = write_xlsx(tmp_path / f"r{seed}.xlsx", random_rows(seed, n))
    return load_unguarded(path.read_bytes(), path.name)


@pytest.mark.parametrize(("seed", "n", "split_at"), [(1, 0, 2), (2, 1, 2), (3, 2, 2), (4, 37, 2), (5, 37, 10**9)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_json_is_the_escaped_json_of_the_summary(tmp_path, monkeypatch, seed, n, split_at, lang):
    import datetime as dt

    from housing.summary import summarize
    from loaders import cli

    monkeypatch.setattr(cli, "SPLIT_AT", split_at)
    result = _random_result(tmp_path, seed, n)
    as_of = dt.date(2026, 11, 20)
    summary = summarize(result, as_of, lang)
    assert cli.summary_json(result, as_of, lang) == cli.json_safe(cli.dumps(summary))
    assert json.loads(cli.summary_json(result, as_of, lang)) == json.loads(json.dumps(summary))


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path):
    from conftest import write_xlsx
    from test_summary import random_rows

    path = write_xlsx(tmp_path / "big.xlsx", random_rows(7, 800))  # JSON far over a pipe's 64 KB buffer
    process = subprocess.Popen(
        [sys.executable, "-m", "loaders", "summary", str(path), "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(9) == b'{"file":"'
    process.stdout.close()  # as ``| head -c 9`` does
    assert process.wait(timeout=120) == 141  # 128 + SIGPIPE, what a shell reports for a writer cut off
    assert process.stderr.read() == b""


def test_summary_json_escapes_what_a_terminal_would_act_on_in_both_halves(tmp_path, monkeypatch):
    import datetime as dt

    from housing.summary import summarize
    from loaders import cli

    monkeypatch.setattr(cli, "SPLIT_AT", 2)
    result = _random_result(tmp_path, 11, 12)
    result.filename = "a\x1b[2J.xlsx"
    names = result.projects["name"].astype(object)
    names.iloc[0], names.iloc[-1] = "左\u202e右", "响\x9b铃"  # one in each process's half
    result.projects["name"] = names.astype("string")
    as_of = dt.date(2026, 11, 20)
    text = cli.summary_json(result, as_of, "zh")
    assert not cli.UNSAFE.search(text)
    assert json.loads(text) == summarize(result, as_of, "zh")


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-01-01"])
def test_an_as_of_date_beyond_the_data_years_is_a_usage_error(as_of):
    done = run_cli(ZHANGQIU, "--as-of", as_of, "--json")
    assert done.returncode == 2 and "not a date from 1990 to 2100" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize(
    "value",
    [
        {"name": "安置房", "n": 1, "x": 1.5, "none": None, "list": ["a", "\u202e"]},
        {"big": 2**70},  # beyond 64 bits: orjson refuses it
        {"name": "\ud800 half a character"},  # a lone surrogate: orjson refuses it
        ["\x1b[2J", "\x9b", "\ufeff"],
    ],
)
def test_dumps_is_compact_json_of_the_same_value_whatever_orjson_refuses(value):
    from loaders.cli import dumps, json_safe

    text = json_safe(dumps(value))
    assert json.loads(text) == value
    assert text == json_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def test_a_large_workbook_with_a_far_stray_cell_loads_and_nothing_else_is_printed(tmp_path):
    """Its parse starts beside its guard (``GUARD_BESIDE_FROM``): calamine, shown the stray cell before the guard
    drops it, asks for a grid of hundreds of GB and aborts with a message of its own; the file then loads the
    one-worker way, and that message stays out of the terminal."""
    import io
    import random
    import zipfile

    from openpyxl import Workbook

    from loaders.load import GUARD_BESIDE_FROM

    book = Workbook()
    sheet = book.active
    sheet.append(["项目名称", "所在区", "安置户数", "计划交付时间", "备注"])
    rng = random.Random(7)
    for i in range(6000):
        sheet.append([f"项目{i}", "历下区", rng.randint(1, 900), "2027-06-30", rng.randbytes(24).hex()])
    written = io.BytesIO()
    book.save(written)
    source, out = zipfile.ZipFile(written), io.BytesIO()
    far = b'<row r="900000"><c r="XFD900000"><v>1</v></c></row></sheetData>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            target.writestr(
                info.filename, part.replace(b"</sheetData>", far) if "worksheets/" in info.filename else part
            )
    path = tmp_path / "far.xlsx"
    path.write_bytes(out.getvalue())
    assert path.stat().st_size >= GUARD_BESIDE_FROM
    done = run_cli(str(path), "--json", "--lang", "en")
    assert done.returncode == 0 and done.stderr == ""
    summary = json.loads(done.stdout)
    assert summary["projects"] == 6000 and [i["code"] for i in summary["issues"]] == ["stray_cells"]
