"""Time the dashboard's page runs on the server (Streamlit's AppTest) at several register sizes.

    .venv/bin/python bench/bench_pages.py                              # 1,000 / 10,000 / 50,000 projects, SQLite
    .venv/bin/python bench/bench_pages.py --sizes 10000 --url postgresql+psycopg://u:p@127.0.0.1/bench
    .venv/bin/python bench/bench_pages.py --sizes 10000 --profile overview   # cProfile of the script thread

For each size, in one process:
1. ``make_workbook.write_workbook`` writes an N-project workbook; the loader reads it and
   ``service.actions.publish`` publishes it twice as an administrator (version 1, then version 2 with one
   project in twenty edited: more households, a later deadline, a new stage), on an emptied database, so
   the weekly changes, slips and baselines have something to show. Not timed.
2. Baselines, in the same process: ``pandas.read_excel(engine="calamine")`` of the workbook, and a naive
   one-file Streamlit page run through AppTest (read the workbook with calamine, a bar of households by
   district, ``px.timeline`` of every project, ``st.dataframe`` of the whole table), best of ``--repeat``.
3. Each main page through the entrypoint (``app.py``, signed in, as ``tests/app_pages.py`` opens pages; the
   drill-down twice: ``districts`` at the top level, ``street`` at the first project's street, its project list):
   - cold (the overview only: AppTest's first run is always the default page): the first run after both
     Streamlit caches are cleared, once a first run imported every module (the version read from the
     database, judged, its weekly changes computed: what the first viewer after a publish waits for);
   - warm: a new session opened on the overview and switched to the page once the caches are filled (what
     every other viewer waits for), best of ``--repeat``;
   - filter: the rerun after choosing one district in the sidebar (and on the overview, after that one
     status as well), best of ``--repeat``.

Each size runs in a process of its own. Times are the wall time of ``AppTest.run`` (the script thread's run
plus AppTest's parsing of the output).
Exit code 0 when every filter change at 10,000 projects re-renders in at most ``FILTER_TARGET_S``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_workbook import write_workbook  # noqa: E402

FILTER_TARGET_S = 0.3
FILTER_TARGET_SIZE = 10_000
APP = str(ROOT / "app.py")
AS_OF = "2026-11-21"

NAIVE_PAGE = """
import os
import pandas as pd
import plotly.express as px
import streamlit as st

frame = pd.read_excel(os.environ["BENCH_WORKBOOK"], engine="calamine", header=2)
district, households = frame.columns[2], frame.columns[4]
start, deadline, name = frame.columns[6], frame.columns[7], frame.columns[1]
bars = frame.groupby(district, as_index=False)[households].sum()
st.plotly_chart(px.bar(bars, x=district, y=households))
spans = frame.assign(**{start: pd.to_datetime(frame[start], errors="coerce"),
                        deadline: pd.to_datetime(frame[deadline], errors="coerce")})
st.plotly_chart(px.timeline(spans, x_start=start, x_end=deadline, y=name))
st.dataframe(frame.astype(str))
"""


@dataclass(frozen=True)
class PageCase:
    """One page to time: its file, extra URL parameters, and whether a status filter applies as well."""

    name: str
    file: str
    statuses: bool = False


PAGES = [
    PageCase("overview", "views/overview.py", statuses=True),
    PageCase("districts", "views/districts.py"),
    PageCase("street", "views/districts.py"),  # the drill-down's bottom level: one street's project list
    PageCase("progress", "views/progress.py"),
    PageCase("changes", "views/changes.py"),
    PageCase("project", "views/project.py"),
]


# --- the register ---------------------------------------------------------------------------------------------


def reset_database(url: str) -> None:
    """Empty the database at ``url`` (a SQLite file is removed; PostgreSQL's public schema is made anew)."""
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def edited(projects: pd.DataFrame) -> pd.DataFrame:
    """Version 2: one project in twenty with more households, a deadline 60 days later, and the next stage."""
    out = projects.copy()
    picked = out.index[::20]
    out.loc[picked, "households"] = out.loc[picked, "households"] + 10
    out.loc[picked, "deadline"] = out.loc[picked, "deadline"] + pd.Timedelta(days=60)
    out.loc[picked, "progress"] = (out.loc[picked, "progress"].fillna(0) + 5).clip(upper=100)
    return out


def publish_register(url: str, workbook: Path) -> tuple[str, str, str]:
    """Publish ``workbook`` twice (see the module's docstring) on an emptied ``url``; returns the district, name
    and street of the register's first project (for the project page and the street's project list)."""
    from loaders import load_workbook
    from service import actions
    from service.roles import ADMIN, Actor
    from store.db import make_engine, migrate

    reset_database(url)
    engine = make_engine(url)
    migrate(engine)
    admin = Actor("bench", ADMIN)
    result = load_workbook(workbook)
    content = workbook.read_bytes()
    actions.publish(engine, admin, result, content, workbook.name)
    second = replace(result, projects=edited(result.projects))
    actions.publish(engine, admin, second, content + b"\0v2", workbook.name)
    engine.dispose()
    first = result.projects.iloc[0]
    return str(first["district"]), str(first["name"]), str(first["street"])


# --- timing ---------------------------------------------------------------------------------------------------


def timed(run: Callable[[], object]) -> float:
    """Wall time of one call, in seconds."""
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


class Profiled:
    """cProfile of every script run (AppTest runs the page in a thread of its own, which a profiler enabled in
    this thread would not see), while ``enabled``."""

    def __init__(self) -> None:
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        self.profile = cProfile.Profile()
        self.enabled = False
        original = ScriptRunner._run_script
        outer = self

        def run_script(runner, *args, **kwargs):
            if not outer.enabled:
                return original(runner, *args, **kwargs)
            outer.profile.enable()
            try:
                return original(runner, *args, **kwargs)
            finally:
                outer.profile.disable()

        ScriptRunner._run_script = run_script  # type: ignore[method-assign]

    def report(self, lines: int = 45) -> None:
        stats = pstats.Stats(self.profile)
        stats.sort_stats("cumulative").print_stats(lines)
        stats.sort_stats("tottime").print_stats(lines)


def opened(case: PageCase, params: dict[str, str]):
    """A signed-in AppTest on ``case``'s page (not yet run on it: the caller times that run)."""
    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(ROOT / "tests"))
    from app_pages import signed_in

    at = signed_in(AppTest.from_file(APP, default_timeout=600))
    at.query_params.update({"as_of": AS_OF, **params})
    at.run()
    at.switch_page(case.file)
    return at


def checked(at) -> None:
    """The run raised nothing (a benchmark of a page that failed would time the error)."""
    if at.exception:
        raise SystemExit(f"page run failed: {[e.value for e in at.exception]}")


def page_times(case: PageCase, params: dict[str, str], district: str, repeat: int) -> dict[str, float]:
    """Cold (the overview only), warm and filter-change run times of one page (see the module's docstring)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(ROOT / "tests"))
    from app_pages import signed_in

    times: dict[str, float] = {}
    if case.name == "overview":  # AppTest's first run is the default page: only the overview can be timed cold
        checked(opened(case, params))  # the modules imported and the database connected: not what is timed
        st.cache_data.clear()
        st.cache_resource.clear()
        at = signed_in(AppTest.from_file(APP, default_timeout=600))
        at.query_params.update({"as_of": AS_OF, **params})
        times["cold"] = timed(at.run)
        checked(at)
    warm, filtered, status = [], [], []
    for _ in range(repeat):
        at = opened(case, params)
        warm.append(timed(at.run))
        checked(at)
        at.multiselect(key="ov_filter_districts").select(district)
        filtered.append(timed(at.run))
        checked(at)
        if case.statuses:
            at.multiselect(key="ov_statuses__zh").select("overdue")
            status.append(timed(at.run))
            checked(at)
    times |= {"warm": min(warm), "filter": min(filtered)}
    if status:
        times["status"] = min(status)
    return times


def naive_time(workbook: Path, repeat: int) -> float:
    """Best run of the naive one-file page on ``workbook``."""
    from streamlit.testing.v1 import AppTest

    os.environ["BENCH_WORKBOOK"] = str(workbook)
    best = float("inf")
    for _ in range(repeat):
        at = AppTest.from_string(NAIVE_PAGE, default_timeout=600)
        best = min(best, timed(at.run))
        checked(at)
    return best


def read_time(workbook: Path, repeat: int) -> float:
    """Best ``pandas.read_excel(engine="calamine")`` of ``workbook``."""
    return min(timed(lambda: pd.read_excel(workbook, engine="calamine", header=2)) for _ in range(repeat))


# --- the run ----------------------------------------------------------------------------------------------------


def run_size(size: int, url: str, work: Path, repeat: int, pages: list[PageCase], profiler: Profiled | None) -> dict:
    """Every figure for one register size."""
    workbook = write_workbook(work / f"register_{size}.xlsx", size)
    district, name, street = publish_register(url, workbook)
    figures: dict = {"read": read_time(workbook, repeat), "naive": naive_time(workbook, repeat)}
    for case in pages:
        params = {
            "project": {"district": district, "name": name},
            "street": {"district": district, "street": street},
        }.get(case.name, {})
        if profiler is not None:
            profiler.enabled = True
        figures[case.name] = page_times(case, params, district, repeat)
        if profiler is not None:
            profiler.enabled = False
    return figures


def print_table(results: dict[int, dict]) -> bool:
    """The table of figures with ratios to the naive page and to read_excel; whether the filter target held."""
    print("\n| projects | page | cold s | warm s | filter ms | status ms | cold / naive | warm / naive | warm / read |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    ok = True
    for size, figures in results.items():
        read, naive = figures["read"], figures["naive"]
        print(f"| {size:,} | read_excel (calamine) | | {read:.2f} | | | | | |")
        print(f"| {size:,} | naive page | | {naive:.2f} | | | | | {naive / read:.2f} |")
        for case in PAGES:
            if case.name not in figures:
                continue
            f = figures[case.name]
            status = f"{f['status'] * 1000:.0f}" if "status" in f else ""
            cold, cold_ratio = (f"{f['cold']:.2f}", f"{f['cold'] / naive:.2f}") if "cold" in f else ("", "")
            print(
                f"| {size:,} | {case.name} | {cold} | {f['warm']:.2f} | {f['filter'] * 1000:.0f} | {status} "
                f"| {cold_ratio} | {f['warm'] / naive:.2f} | {f['warm'] / read:.2f} |"
            )
            if size == FILTER_TARGET_SIZE:
                ok &= max(f["filter"], f.get("status", 0.0)) <= FILTER_TARGET_S
    return ok


RESULT = "RESULT "  # a child process's line carrying its figures as JSON


def in_child(size: int, args: argparse.Namespace, script: str = __file__) -> dict:
    """Run one size of ``script`` (this benchmark, or another with the same options) in a fresh process (its
    own caches, engines and memory) and return its figures."""
    command = [sys.executable, script, "--sizes", str(size), "--repeat", str(args.repeat), "--child"]
    command += ["--pages", *args.pages] + (["--url", args.url] if args.url else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if done.returncode != 0 or not found:
        raise SystemExit(f"the run at {size:,} projects failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(found[-1].removeprefix(RESULT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--url", help="database URL (emptied for each size!); default: SQLite in a temporary directory")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", nargs="+", choices=[p.name for p in PAGES], default=[p.name for p in PAGES])
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the page runs (one size)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if len(args.sizes) > 1 or not (args.child or args.profile):  # each size in a process of its own
        print(f"{dt.date.today()}, Python {platform.python_version()}, {os.cpu_count()} cores, pandas {pd.__version__}")
        results = {}
        for size in args.sizes:
            results[size] = in_child(size, args)
            print(size, results[size], flush=True)
        ok = print_table(results)
        verdict = ("PASS" if ok else "MISS") if FILTER_TARGET_SIZE in results else "not measured"
        print(f"\nfilter change at {FILTER_TARGET_SIZE:,} projects within {FILTER_TARGET_S * 1000:.0f} ms: {verdict}")
        return 0 if ok else 1
    pages = [p for p in PAGES if p.name in args.pages]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = args.url or f"sqlite:///{work / 'bench.db'}"
        os.environ["DATABASE_URL"] = url
        profiler = Profiled() if args.profile else None
        figures = run_size(args.sizes[0], url, work, args.repeat, pages, profiler)
        print(RESULT + json.dumps(figures), flush=True)
        if profiler is not None:
            profiler.report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
