"""Time the pages ``bench_pages.py`` leaves out (upload, history, project picker, presentation, tasks, hotline,
weekly changes) on the server, through the entrypoint with Streamlit's ``AppTest``, at 10,000 and 50,000 projects.

    .venv/bin/python bench/bench_more_pages.py                          # 10,000 and 50,000 projects, SQLite
    .venv/bin/python bench/bench_more_pages.py --sizes 10000 --repeat 1 --profile upload

For each size, in a process of its own: ``make_workbook.write_workbook`` writes the register (seed 7) and a second
one of the same size with another seed (every project's figures, and most projects' districts, differ: a week
in which the whole register changed, the largest change preview there is); ``bench_pages.publish_register``
publishes the first twice (version 2 with one project in twenty edited). Then, best of ``--repeat``, each a new
signed-in session opened on the overview and switched to the page once the caches are filled:

- upload: the page run after the second workbook is given to the file picker (read, checked, report, change
  preview against version 2, the publish form), and the rerun after typing a comment (the file is kept);
- history: the versions, version 2's rollback confirmation and the comparison of versions 1 and 2;
- project: the page with no project chosen, the rerun after choosing a district (its project picker), and a
  project opened from its link;
- changes, presentation, tasks: the page run (the task form with its project picker, the briefing's red
  projects with theirs), and on the tasks page the rerun after typing part of a name into the picker's search;
- hotline: the page run with the first unmatched ticket chosen (its assign form and project picker; the
  made-up export of ``tests/hotline_sample.py`` about the register is stored first).

Times are the wall time of ``AppTest.run`` (the script thread plus AppTest's parsing of what it sent).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_pages import AS_OF, RESULT, Profiled, checked, in_child, publish_register  # noqa: E402
from make_workbook import write_workbook  # noqa: E402

APP = str(ROOT / "app.py")
PAGES = ["upload", "history", "project", "changes", "presentation", "tasks", "hotline"]


PROFILER: Profiled | None = None  # with --profile: what the timed runs (only those) spend their time on


def timed(run: Callable[[], object]) -> float:
    """Wall time of one call, in seconds (profiled with ``--profile``)."""
    if PROFILER is not None:
        PROFILER.enabled = True
    began = time.perf_counter()
    try:
        run()
    finally:
        if PROFILER is not None:
            PROFILER.enabled = False
    return time.perf_counter() - began


def opened(page: str, params: dict[str, str] | None = None):
    """A signed-in AppTest switched to ``views/<page>.py`` (not yet run on it)."""
    from app_pages import signed_in
    from streamlit.testing.v1 import AppTest

    at = signed_in(AppTest.from_file(APP, default_timeout=900))
    at.query_params.update({"as_of": AS_OF, **(params or {})})
    at.run()
    checked(at)
    at.switch_page(f"views/{page}.py")
    return at


def run_page(page: str, second: Path, district: str, name: str) -> dict[str, float]:
    """One round of the page's timings (see the module's docstring)."""
    times: dict[str, float] = {}
    if page == "upload":
        at = opened(page)
        at.run()
        at.file_uploader[0].upload(second.name, second.read_bytes())
        times["file given"] = timed(at.run)
        checked(at)
        at.text_area(key="up_comment").input("第48周")
        times["comment typed"] = timed(at.run)
        checked(at)
    elif page == "project":
        at = opened(page)
        times["no project"] = timed(at.run)
        checked(at)
        at.selectbox(key="pj_district").select(district)
        times["district chosen"] = timed(at.run)
        checked(at)
        at = opened(page, {"district": district, "name": name})
        times["project opened"] = timed(at.run)
        checked(at)
    elif page == "hotline":
        at = opened(page)
        at.session_state["hl_unmatched"] = {"selection": {"rows": [0]}}  # the first unmatched ticket chosen
        times["page"] = timed(at.run)
        checked(at)
        times["options sent"] = options_sent(at)
        times["picker bytes"] = picker_bytes(at)
    else:
        at = opened(page)
        times["page"] = timed(at.run)
        checked(at)
        if page in SEARCHES:
            times["options sent"] = options_sent(at)
            times["picker bytes"] = picker_bytes(at)
        search = [w for w in at.text_input if w.key == SEARCHES.get(page)]
        if search:  # the search-first project picker (absent before it was added)
            search[0].input(name[:3])
            times["search typed"] = timed(at.run)
            checked(at)
    return times


def options_sent(at) -> int:
    """How many project choices the page's project pickers sent to the browser (every selectbox labelled as one;
    0 would mean the picker was not drawn, which ``run_page`` refuses)."""
    sent = sum(len(s.options) for s in at.selectbox if s.label in PICKER_LABELS)
    assert sent, [s.label for s in at.selectbox]
    return sent


def picker_bytes(at) -> int:
    """The size of the pickers' messages to the browser (their protobuf, options and all), in bytes."""
    return sum(s.proto.ByteSize() for s in at.selectbox if s.label in PICKER_LABELS)


PICKER_LABELS = {"项目", "所属项目", "逾期项目"}  # tv_col_project, hl_assign_project, tv_brief_red_project
SEARCHES = {"tasks": "tv_raise_form_search", "presentation": "pr_task_search"}  # the pickers' search boxes


def store_tickets(url: str) -> None:
    """The made-up 12345 export of the page tests (``tests/hotline_sample.py``) about the published register,
    stored through the service: the hotline page then has unmatched tickets to assign."""
    from hotline_sample import sample_tickets

    from service import hotline as S
    from service.roles import ADMIN, Actor
    from store import versions as V
    from store.db import make_engine

    engine = make_engine(url)
    projects = V.version_projects(engine, V.current_version_id(engine))
    S.store_export(engine, Actor("bench", ADMIN), sample_tickets(projects), projects, "12345.csv", "00" * 32)
    engine.dispose()


def run_size(size: int, url: str, work: Path, repeat: int, pages: list[str]) -> dict:
    """Every figure for one register size: page -> step -> best seconds."""
    first = write_workbook(work / f"register_{size}.xlsx", size)
    second = write_workbook(work / f"register_{size}_next.xlsx", size, seed=8)
    district, name = publish_register(url, first)[:2]  # main's also returns a street
    if "hotline" in pages:
        store_tickets(url)
    figures: dict[str, dict[str, float]] = {}
    for page in pages:
        rounds = []
        for _ in range(repeat):
            rounds.append(run_page(page, second, district, name))
        figures[page] = {step: min(r[step] for r in rounds) for step in rounds[0]}
    return figures


def print_table(results: dict[int, dict]) -> None:
    print("\n| projects | page | step | seconds |")
    print("| ---: | --- | --- | ---: |")
    for size, figures in results.items():
        for page, steps in figures.items():
            for step, seconds in steps.items():
                shown = f"{seconds:,.0f}" if step in ("options sent", "picker bytes") else f"{seconds:.2f}"
                print(f"| {size:,} | {page} | {step} | {shown} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--url", help="database URL (emptied for each size!); default: SQLite in a temporary directory")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the page runs (one size)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if len(args.sizes) > 1 or not (args.child or args.profile):
        results = {}
        for size in args.sizes:
            results[size] = in_child(size, args, __file__)
            print(size, results[size], flush=True)
        print_table(results)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = args.url or f"sqlite:///{work / 'bench.db'}"
        os.environ["DATABASE_URL"] = url
        global PROFILER
        PROFILER = Profiled() if args.profile else None
        figures = run_size(args.sizes[0], url, work, args.repeat, args.pages)
        print(RESULT + json.dumps(figures), flush=True)
        if PROFILER is not None:
            PROFILER.report(120)
    return 0


if __name__ == "__main__":
    sys.exit(main())
