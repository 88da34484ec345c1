"""Browser benchmark (issue 12): the overview against a naive one-file page, in Debian chromium, interleaved.

For each size N (projects): write an N-project workbook (``make_workbook.py``), publish it into a fresh
database with ``python -m store import`` (a whole process, as an office would), start our app and the naive
page (``naive_page.py``, the same workbook) with ``streamlit run``, then load each page in a new browser
context (empty cache, new Streamlit session), interleaved: ours, naive, ours, naive... ``--repeats`` times.
One untimed load of each page comes first (its time is printed as "first"): our caches are keyed on the
version and filled once per server, the naive page has none, and a leader opens a page that has been opened.

"Ready" is defined once, for every page alike, from the page's own clock (``performance.now()``, zero at the
start of navigation, so Playwright's overhead does not count):

- every visible chart (``[data-testid=stPlotlyChart]``) holds its drawn SVG (``.js-plotly-plot .main-svg``)
  and every visible table (``[data-testid=stDataFrame]``) its canvas;
- Streamlit is idle: its app element says the script is not running and the connection is up
  (``[data-testid=stApp]``: ``data-test-script-state=notRunning``, ``data-test-connection-state=CONNECTED``;
  the status widget, ``[data-testid=stStatusWidget]``, is not drawn in the app's minimal toolbar mode, but it
  must be absent too), and no element is stale (``[data-stale=true]``, left from a previous run);
- a script run has ended (the script state went to ``notRunning`` at least once) and nothing in the
  document has changed for ``QUIET_MS``.

The time is that of the last change to the document before the quiet spell (a mutation observer installed
before the page's scripts run); the conditions can only become true through a change, so they held from
then on. A page showing a Streamlit exception, or ready without a single chart (``MIN_CHARTS``: the app
showing an error message instead), counts as failed, with what it says, not as a time. Each timed load must be a
full navigation (``performance`` navigation type ``navigate``), in a context of its own.

Two ways to open ours, both measured:

- ``viewer``: the app started with ``DASHBOARD_ANONYMOUS_VIEWING=1``; ``page.goto`` of the overview is the
  whole load, exactly as for the naive page. No sign-in at all.
- ``admin``: the app as deployed (sign-in required; the administrator from ``DASHBOARD_ADMIN_PASSWORD``).
  Every ``page.goto`` opens a new Streamlit session and the sign-in lives in the session (see
  ``tests/browser.py``), so a fresh full load signed in cannot skip the form. The time is (navigation start →
  the sign-in form ready) + (the sign-in button pressed → the overview ready): typing is excluded, the
  server's password check (Argon2) is not.

Usage (from the repository root; ``BROWSER_TEST_PORTS`` e.g. 8641-8649 picks the ports)::

    .venv/bin/python bench/bench_browser.py --sizes 1000,10000 --repeats 3
    .venv/bin/python bench/bench_browser.py --database-url postgresql+psycopg://u:p@host/db   # EMPTIED per size

Without ``--database-url`` each size gets a fresh SQLite file in a temporary folder. The target: ours
(``viewer``) at most 0.8 × the naive page. The exit code is 0 when every size met it.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from make_workbook import write_workbook  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ADMIN, ADMIN_PASSWORD = "admin", "bench admin password 2026"
QUIET_MS = 1500  # nothing changes in the document for this long: the page is done
MIN_CHARTS = 1  # a page that ends its run without a chart has failed (the overview draws at least one)
TIMEOUT_S = 300  # one load; beyond it the load counts as failed
TARGET = 0.8

# Installed in every document before its scripts run: the time of the last change to the document.
OBSERVER = """
window.__bench = {last: performance.now(), ran: 0, state: ''};
new MutationObserver(() => {
  const b = window.__bench, app = document.querySelector('[data-testid="stApp"]');
  const state = app ? app.getAttribute('data-test-script-state') : '';
  b.last = performance.now();
  if (state === 'notRunning' && b.state !== 'notRunning') b.ran = b.last;  // a script run just ended
  b.state = state;
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""
# The page's state, read every poll.
STATE = """() => {
  const visible = e => e.getClientRects().length > 0;
  const all = s => [...document.querySelectorAll(s)].filter(visible);
  const charts = all('[data-testid="stPlotlyChart"]');
  const tables = all('[data-testid="stDataFrame"]');
  const nav = performance.getEntriesByType('navigation')[0];
  const app = document.querySelector('[data-testid="stApp"]');
  return {
    now: performance.now(),
    last: window.__bench ? window.__bench.last : performance.now(),
    ran: window.__bench ? window.__bench.ran : 0,
    charts: charts.length,
    drawn: charts.filter(c => c.querySelector('.js-plotly-plot .main-svg')).length,
    tables: tables.length,
    filled: tables.filter(t => t.querySelector('canvas')).length,
    script: app ? app.getAttribute('data-test-script-state') : '',
    connection: app ? app.getAttribute('data-test-connection-state') : '',
    busy: !app || app.getAttribute('data-test-script-state') !== 'notRunning'
      || app.getAttribute('data-test-connection-state') !== 'CONNECTED'
      || !!document.querySelector('[data-testid="stStatusWidget"]'),
    stale: !!document.querySelector('[data-stale="true"]'),
    error: !!document.querySelector('[data-testid="stException"]'),
    form: all('[data-testid="stForm"]').length,
    navigation: nav ? nav.type : '',
  };
}"""


@dataclass
class Load:
    """One load: seconds to ready (``None``: failed), what was on the page, why it failed."""

    seconds: float | None
    script_s: float | None = None  # when the (last) script run ended: the rest is the browser drawing
    charts: int = 0
    tables: int = 0
    failure: str = ""


@dataclass
class Row:
    """One size's loads by page."""

    size: int
    publish_s: float
    loads: dict[str, list[Load]] = field(default_factory=dict)
    first: dict[str, Load] = field(default_factory=dict)

    def median(self, name: str) -> float | None:
        times = [load.seconds for load in self.loads.get(name, []) if load.seconds is not None]
        return statistics.median(times) if times else None


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def ports() -> list[int]:
    """The free ports to serve on, of ``BROWSER_TEST_PORTS`` ("first-last") or 8641-8649 (a port still held
    by another server would answer the health check for it)."""
    first, last = (int(p) for p in os.environ.get("BROWSER_TEST_PORTS", "8641-8649").split("-"))
    return [p for p in range(first, last + 1) if _bindable(p)]


def reset_postgres(url: str) -> None:
    """Empty a PostgreSQL database (drop and recreate its public schema): a fresh database for one size."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def publish(workbook: Path, url: str) -> float:
    """Publish the workbook with ``python -m store import`` as its own process; returns its wall time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "store", "import", str(workbook), "--lang", "en"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"store import failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def _healthy(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("streamlit did not become healthy")


@contextmanager
def serve(script: list[str], port: int, env: dict[str, str]):
    """``streamlit run`` on loopback; yields its URL, stops it at the end."""
    command = [sys.executable, "-m", "streamlit", "run", *script[:1], "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false", *script[1:]]
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_ready(page, started: float) -> tuple[float, dict]:
    """Poll until the page is ready (see the module's definition); returns the ready time (ms, page clock)
    and the page's state then."""
    while True:
        state = page.evaluate(STATE)
        drawn = state["charts"] == state["drawn"] and state["tables"] == state["filled"]
        idle = not state["busy"] and not state["stale"]
        quiet = state["now"] - state["last"] >= QUIET_MS
        if quiet and idle and state["ran"] > 0 and (state["error"] or drawn):
            return state["last"], state
        if time.monotonic() - started > TIMEOUT_S:
            raise TimeoutError(f"not ready after {TIMEOUT_S} s: {state}")
        time.sleep(0.1)


def load(browser, url: str, sign_in: bool, shot: Path | None) -> Load:
    """Open ``url`` in a new context and time it to ready; with ``sign_in`` (ours as deployed) the sign-in
    form's typing is left out of the time (see the module's docstring)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    context.add_init_script(OBSERVER)
    page = context.new_page()
    started = time.monotonic()
    try:
        page.goto(url, wait_until="commit", timeout=TIMEOUT_S * 1000)
        before = 0.0
        if sign_in:
            form_ready, _ = wait_ready(page, started)
            page.get_by_label("用户名").fill(ADMIN)
            page.get_by_label("密码", exact=True).fill(ADMIN_PASSWORD)
            pressed = page.evaluate("performance.now()")
            page.get_by_role("button", name="登录").click()
            page.get_by_role("button", name="退出登录").wait_for(timeout=TIMEOUT_S * 1000)
            before = form_ready - pressed  # the form's typing left out
        ready, state = wait_ready(page, started)
        if state["navigation"] != "navigate":
            return Load(None, failure=f"not a full page load ({state['navigation']})")
        if shot is not None:
            page.screenshot(path=str(shot), full_page=True)
        if state["error"] or state["charts"] < MIN_CHARTS:
            said = page.locator('[data-testid="stException"], [data-testid="stAlert"]').all_inner_texts()
            failure = "the page shows an exception" if state["error"] else "no chart drawn"
            return Load(None, None, state["charts"], state["tables"], f"{failure}: {' | '.join(said)[:300]}")
        return Load((ready + before) / 1000, (state["ran"] + before) / 1000, state["charts"], state["tables"])
    except Exception as error:  # a timeout or a crashed page: reported in the table, the run goes on
        return Load(None, failure=f"{type(error).__name__}: {str(error)[:200]}")
    finally:
        context.close()


def run_size(size: int, args: argparse.Namespace, folder: Path, browser) -> Row:
    """One size: workbook, fresh database, import, three servers, interleaved loads."""
    workbook = write_workbook(folder / f"bench_{size}.xlsx", size)
    if args.database_url:
        url = args.database_url
        reset_postgres(url)
    else:
        url = f"sqlite:///{folder / f'bench_{size}.db'}"
    row = Row(size, publish(workbook, url))
    base = {"DATABASE_URL": url, "DASHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD}
    free = iter(ports())
    pages = {
        "ours (viewer)": (["app.py"], {**base, "DASHBOARD_ANONYMOUS_VIEWING": "1"}, False),
        "ours (admin)": (["app.py"], {**base, "DASHBOARD_ANONYMOUS_VIEWING": "0"}, True),
        "naive": (["bench/naive_page.py", "--", str(workbook)], {}, False),
    }
    pages = {name: page for name, page in pages.items() if name in args.pages}
    with ExitStack() as stack:
        urls = {name: stack.enter_context(serve(script, next(free), env)) for name, (script, env, _) in pages.items()}
        for name, (_, _, sign_in) in pages.items():
            slug = name.replace(" (", "_").replace(")", "")
            shot = args.screenshots / f"{size}_{slug}.png" if args.screenshots else None
            row.first[name] = load(browser, urls[name], sign_in, shot)
            print(f"  {size:>7,} {name:<14} first   {describe(row.first[name])}", flush=True)
        for n in range(args.repeats):
            for name, (_, _, sign_in) in pages.items():
                result = load(browser, urls[name], sign_in, None)
                row.loads.setdefault(name, []).append(result)
                print(f"  {size:>7,} {name:<14} run {n + 1}   {describe(result)}", flush=True)
    return row


def describe(result: Load) -> str:
    if result.seconds is None:
        return f"FAILED {result.failure}"
    ran = f"script run ended at {result.script_s:6.2f} s, " if result.script_s else ""
    return f"{result.seconds:6.2f} s  ({ran}{result.charts} charts, {result.tables} tables)"


def seconds(row: Row, name: str) -> str:
    """A page's median as the table shows it: seconds, "failed" (every load failed) or "—" (not run)."""
    if name not in row.loads:
        return "—"
    value = row.median(name)
    return "failed" if value is None else f"{value:.2f}"


def ratio(ours: float | None, naive: float | None) -> str:
    return f"{ours / naive:.2f}" if ours and naive else "—"


def table(rows: list[Row]) -> str:
    """The Markdown table of medians and ratios."""
    lines = [
        "| projects | publish (store import) s | ours viewer median s | ours admin median s | naive median s "
        "| viewer / naive | admin / naive | target |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        viewer, admin, naive = (row.median(k) for k in ("ours (viewer)", "ours (admin)", "naive"))
        met = "PASS" if viewer and naive and viewer / naive <= TARGET else "MISS"
        lines.append(
            f"| {row.size:,} | {row.publish_s:.1f} | {seconds(row, 'ours (viewer)')} | {seconds(row, 'ours (admin)')} "
            f"| {seconds(row, 'naive')} "
            f"| {ratio(viewer, naive)} | {ratio(admin, naive)} | ≤ {TARGET} {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="projects per workbook, comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="timed loads of each page per size")
    parser.add_argument(
        "--pages", default="ours (viewer),ours (admin),naive", help="which of the three pages (comma-separated)"
    )
    parser.add_argument("--database-url", help="a PostgreSQL database to use; its public schema is DROPPED per size")
    parser.add_argument("--screenshots", type=Path, help="keep a screenshot of each page's first load here")
    args = parser.parse_args(argv)
    args.pages = [p.strip() for p in args.pages.split(",")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still stop the servers it started
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in (int(s.replace("_", "")) for s in args.sizes.split(",")):
            rows.append(run_size(size, args, Path(tmp), browser))
            print(table(rows[-1:]), flush=True)
        browser.close()
    print()
    print(table(rows))
    return 0 if all("PASS" in line for line in table(rows).splitlines()[2:]) else 1


if __name__ == "__main__":
    sys.exit(main())
