"""Load test on loopback: viewers load dashboard pages while an editor publishes a new version every few seconds.

It starts the app (``streamlit run app.py``) on the given database, waits for the first page run (which seeds
the sample as version 1), then for ``--seconds``:

- ``--viewers`` simulated viewers, each opening a page as a browser does: a new WebSocket session on
  ``/_stcore/stream``, one ``BackMsg.rerun_script`` naming the page, then reading ``ForwardMsg``\\ s until
  ``script_finished`` (Streamlit's own protobuf protocol, so a viewer costs a coroutine, not a browser);
  the pages rotate through the dashboard (every other one the overview, between them weekly changes,
  districts, delivery);
- an editor publishing, in this process and against the same database, the current rows with the first
  project's households raised by one, so every version has a distinct household total
  (``store.versions.publish``, the call the upload page makes);
- a sampler reading the server process's resident memory (``/proc/<pid>/status``) every second.

Checks: no page run shows an error (an error alert, an exception element, a script that did not finish,
a timeout, a dropped connection); no overview shows a mix of two versions (the caption's "数据：第 N 版" and
the 安置户数 headline must both belong to version N); memory stays roughly flat. Prints a table and exits
1 when a check fails. The database is emptied first (``--reset`` is required to say so)::

    .venv/bin/python bench/load_test.py --reset --database postgresql+psycopg://u:p@127.0.0.1/loadtest
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Url paths of the dashboard pages in a viewer's round: the overview ("") every other load, as it carries the
# version caption and household headline the mixed-version check reads.
PAGES = ("", "weekly", "", "drill", "", "delivery")
VERSION_CAPTION = re.compile(r"数据：第 (\d+) 版")
HOUSEHOLDS_LABEL = "安置户数"
PAGE_TIMEOUT_S = 60.0
LOAD_UPLOADER = "压力测试"


@dataclass
class PageLoad:
    """One page opened by one viewer: how long it took, what went wrong, and what the overview showed."""

    page: str
    seconds: float
    errors: list[str] = field(default_factory=list)
    version: int | None = None  # from the "数据：第 N 版" caption
    households: str | None = None  # the 安置户数 headline as shown


@dataclass
class Report:
    """The run's figures; ``ok`` when there was no error, no mixed view and memory stayed flat."""

    loads: list[PageLoad]
    expected: dict[int, str]  # version id -> its household total as the headline shows it
    rss_mb: list[float]
    published: int
    seconds: float
    publish_errors: list[str] = field(default_factory=list)
    server_cpu_s: float = 0.0  # CPU time the server process used during the run (user + system)
    load_average: float = 0.0  # the machine's 1-minute load average at the end (other work slows the run)

    @property
    def errors(self) -> list[PageLoad]:
        return [load for load in self.loads if load.errors]

    @property
    def mixed(self) -> list[PageLoad]:
        """Overviews whose caption names a version whose household total is not the one shown."""
        return [
            load
            for load in self.loads
            if load.page == "" and not load.errors and self.expected.get(load.version or -1) != load.households
        ]

    def versions_seen(self) -> set[int]:
        return {load.version for load in self.loads if load.version is not None}

    def memory_growth(self) -> float:
        """End over start of resident memory, the start taken after the first page runs warmed the caches."""
        return self.rss_mb[-1] / self.rss_mb[0] if len(self.rss_mb) > 1 else 1.0


def _element_text(element) -> tuple[str, str, str]:
    """(kind, label, text) of a new element, for the few kinds the checks read."""
    kind = element.WhichOneof("type")
    if kind == "markdown":
        return kind, "", element.markdown.body
    if kind == "metric":
        return kind, element.metric.label, element.metric.body
    if kind == "alert":
        return kind, str(element.alert.format), element.alert.body
    if kind == "exception":
        return kind, element.exception.type, element.exception.message
    return kind or "", "", ""


def _read_element(load: PageLoad, element) -> None:
    """Note the version caption and household headline; an error alert or exception is an error."""
    from streamlit.proto.Alert_pb2 import Alert

    kind, label, text = _element_text(element)
    if kind == "exception" or (kind == "alert" and label == str(Alert.ERROR)):
        load.errors.append(f"{kind}: {text[:200]}")
    elif kind == "markdown" and (match := VERSION_CAPTION.search(text)):
        load.version = int(match.group(1))
    elif kind == "metric" and label == HOUSEHOLDS_LABEL:
        load.households = text


def _read_message(load: PageLoad, raw: bytes) -> bool:
    """Read one ForwardMsg into ``load``; True when the page run has ended."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = ForwardMsg()
    message.ParseFromString(raw)
    kind = message.WhichOneof("type")
    if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
        _read_element(load, message.delta.new_element)
    elif kind == "page_not_found":
        load.errors.append("page not found")
    elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
        load.errors.append("script compilation exception")
    elif kind == "script_finished":
        finished_ok = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
        if message.script_finished not in finished_ok:
            load.errors.append(f"script finished with status {message.script_finished}")
        return True
    return False


async def open_page(base_ws: str, page: str) -> PageLoad:
    """Open ``page`` as a fresh browser tab would and read its whole first run."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from websockets.asyncio.client import connect

    started = time.perf_counter()
    load = PageLoad(page, 0.0)
    request = BackMsg()
    request.rerun_script.page_name = page
    request.rerun_script.query_string = ""
    try:
        async with asyncio.timeout(PAGE_TIMEOUT_S):
            async with connect(f"{base_ws}/_stcore/stream", subprotocols=["streamlit"], max_size=None) as ws:
                await ws.send(request.SerializeToString())
                while not _read_message(load, await ws.recv()):
                    pass
    except Exception as exc:  # a timeout or a dropped connection is an error of this page load
        load.errors.append(f"{type(exc).__name__}: {exc}"[:200])
    load.seconds = time.perf_counter() - started
    return load


async def viewer(base_ws: str, number: int, until: float, loads: list[PageLoad]) -> None:
    """Open the dashboard pages in turn, back to back, until the deadline."""
    turn = number
    while time.monotonic() < until:
        loads.append(await open_page(base_ws, PAGES[turn % len(PAGES)]))
        turn += 1


async def viewers(base_ws: str, count: int, seconds: float) -> list[PageLoad]:
    """``count`` viewers for ``seconds``; every page load of every viewer."""
    loads: list[PageLoad] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*(viewer(base_ws, n, until, loads) for n in range(count)))
    return loads


class Publisher(threading.Thread):
    """The editor: publishes a new version every ``every`` seconds until stopped, recording each total."""

    def __init__(self, url: str, every: float) -> None:
        super().__init__(daemon=True)
        self.url, self.every = url, every
        self.stop = threading.Event()
        self.expected: dict[int, str] = {}
        self.published = 0
        self.errors: list[str] = []

    def run(self) -> None:
        from housing.fmt import fmt_int
        from store import versions as V
        from store.db import open_database

        engine = open_database(self.url)
        current = V.current(engine)
        assert current is not None, "the app seeds version 1 before the editor starts"
        self.expected[current.id] = fmt_int(current.households)
        projects = V.version_projects(engine, current.id)
        stages = V.version_stage_dates(engine, current.id)
        while self.every > 0 and not self.stop.wait(self.every):  # 0: viewers only (memory without new versions)
            try:
                self._publish(engine, projects, stages)
            except Exception as exc:  # reported, and the run fails
                self.errors.append(f"{type(exc).__name__}: {exc}"[:200])

    def _publish(self, engine, projects, stages) -> None:
        from housing.fmt import fmt_int
        from store import versions as V

        self.published += 1
        projects = projects.copy()
        projects.loc[projects.index[0], "households"] += self.published  # a distinct total per version
        version = V.publish(
            engine,
            projects,
            content=f"load test {self.published}".encode(),
            filename=f"load-{self.published}.xlsx",
            uploader=LOAD_UPLOADER,
            stage_dates=stages,
        )
        self.expected[version.id] = fmt_int(version.households)


class MemorySampler(threading.Thread):
    """Resident memory of one process (MB), sampled every ``every`` seconds, and its CPU time meanwhile."""

    def __init__(self, pid: int, every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.stop = threading.Event()
        self.samples: list[float] = []
        self.cpu_s = 0.0

    def run(self) -> None:
        started = cpu_s(self.pid)
        while True:
            self.samples.append(rss_mb(self.pid))
            if self.stop.wait(self.every):
                self.cpu_s = cpu_s(self.pid) - started
                return


def rss_mb(pid: int) -> float:
    """The process's resident set size in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    """User plus system CPU seconds the process has used (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_database(url: str) -> None:
    """Empty the database: the public schema (PostgreSQL) or the file (SQLite)."""
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite"):
        Path(url.split("///", 1)[-1]).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def start_app(url: str, port: int) -> subprocess.Popen:
    """``streamlit run app.py`` on loopback with this database and anonymous viewing; waits until healthy."""
    env = {**os.environ, "DATABASE_URL": url, "DASHBOARD_ANONYMOUS_VIEWING": "1"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the app did not start")


def run(url: str, *, viewers_count: int, seconds: float, every: float, port: int) -> Report:
    """The whole load test on an emptied database; the app is stopped afterwards."""
    reset_database(url)
    app = start_app(url, port)
    base_ws = f"ws://127.0.0.1:{port}"
    try:
        for page in dict.fromkeys(
            PAGES
        ):  # seeds version 1 and warms the caches, so memory is measured from a steady start
            warm = asyncio.run(open_page(base_ws, page))
            if warm.errors:
                raise RuntimeError(f"page {page or 'overview'} fails before the load: {warm.errors}")
        editor, sampler = Publisher(url, every), MemorySampler(app.pid)
        editor.start()
        sampler.start()
        started = time.monotonic()
        loads = asyncio.run(viewers(base_ws, viewers_count, seconds))
        elapsed = time.monotonic() - started
        editor.stop.set()
        editor.join(timeout=60)
        sampler.stop.set()
        sampler.join(timeout=5)
    finally:
        app.terminate()
        app.wait(timeout=30)
    report = Report(loads, editor.expected, sampler.samples, editor.published, elapsed, editor.errors)
    report.server_cpu_s, report.load_average = sampler.cpu_s, os.getloadavg()[0]
    return report


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def table(report: Report, viewers_count: int) -> str:
    """The figures as a Markdown table (the same layout as bench/README.md)."""
    seconds = [load.seconds for load in report.loads]
    overviews = [load for load in report.loads if load.page == ""]
    rss = report.rss_mb or [0.0]
    p50 = statistics.median(seconds or [0])
    rows = [
        ("viewers / duration", f"{viewers_count} / {report.seconds:.0f} s"),
        ("versions published (errors)", f"{report.published} ({len(report.publish_errors)})"),
        ("page loads (overviews)", f"{len(report.loads)} ({len(overviews)})"),
        ("page loads per second", f"{len(report.loads) / max(report.seconds, 1e-9):.1f}"),
        ("latency p50 / p95 / max", f"{p50:.2f} / {_percentile(seconds, 0.95):.2f} / {max(seconds or [0]):.2f} s"),
        ("server CPU per page load", f"{report.server_cpu_s / max(len(report.loads), 1):.2f} s"),
        ("machine load average (2 cores here)", f"{report.load_average:.1f}"),
        ("versions seen by viewers", str(len(report.versions_seen()))),
        ("errors", str(len(report.errors))),
        ("mixed views", str(len(report.mixed))),
        ("server RSS start / end / max", f"{rss[0]:.0f} / {rss[-1]:.0f} / {max(rss):.0f} MB"),
        ("server RSS at each fifth of the run", " / ".join(f"{rss[i * (len(rss) - 1) // 5]:.0f}" for i in range(6))),
    ]
    return "\n".join(["| measure | value |", "| --- | ---: |", *(f"| {name} | {value} |" for name, value in rows)])


def main(argv: list[str] | None = None) -> int:
    """Run the load test from the command line; exit 1 when a check fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--database", default=os.environ.get("LOAD_TEST_DATABASE_URL", ""), help="emptied first")
    parser.add_argument("--reset", action="store_true", help="required: agree that the database is emptied")
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--publish-every", type=float, default=3, help="seconds; 0: publish nothing")
    parser.add_argument("--port", type=int, default=8632)
    parser.add_argument("--max-growth", type=float, default=1.25, help="largest allowed RSS end / start")
    args = parser.parse_args(argv)
    if not args.database or not args.reset:
        parser.error("give --database URL (or LOAD_TEST_DATABASE_URL) and --reset: the database is emptied")
    report = run(
        args.database, viewers_count=args.viewers, seconds=args.seconds, every=args.publish_every, port=args.port
    )
    print(table(report, args.viewers))
    for load in (report.errors + report.mixed)[:10]:
        print(f"  {load.page or 'overview'}: {load.errors or (load.version, load.households)}")
    failed = report.errors or report.mixed or report.publish_errors or report.memory_growth() > args.max_growth
    return 1 if failed else 0


if __name__ == "__main__":  # the store's worker processes import the main module again
    sys.exit(main())
