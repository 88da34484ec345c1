"""Time ``loaders.load_workbook`` against plain ``pandas.read_excel`` on a large, realistic workbook.

    .venv/bin/python bench/bench_loader.py                    # 100,000 projects, best of 3
    .venv/bin/python bench/bench_loader.py --projects 20000 --repeat 5
    .venv/bin/python bench/bench_loader.py --stray            # plus one value in XFD1048576

See bench/README.md for what is measured and the figures of the last run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_workbook import write_workbook  # noqa: E402

CALAMINE_TARGET = 1.5  # ours / pandas-calamine must be at most this
OPENPYXL_TARGET = 3.0  # pandas-openpyxl / ours must be at least this
STRAY_CELL = "XFD1048576"


def best_of(repeat: int, run) -> tuple[float, object]:
    """The shortest wall time of ``repeat`` calls, and the last call's result."""
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def add_stray_cell(path: Path) -> None:
    """Put one value in XFD1048576 of the first sheet, and stretch its dimension as Excel would."""
    data = path.read_bytes()
    out = io.BytesIO()
    stray = f'<row r="1048576"><c r="{STRAY_CELL}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", stray, 1)
                dimension = f'<dimension ref="A1:{STRAY_CELL}"/>'.encode()
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', dimension, content)
            dst.writestr(info, content)
    path.write_bytes(out.getvalue())


def load_in_fresh_process(path: Path, repeat: int) -> dict:
    """Our loader in a new interpreter, so its peak RSS is the loader's alone (not the workbook writer's)."""
    script = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from loaders import load_workbook
best = float("inf")
for _ in range({max(1, repeat)}):
    start = time.perf_counter()
    result = load_workbook({str(path)!r})
    best = min(best, time.perf_counter() - start)
print(json.dumps({{
    "seconds": best,
    "projects": len(result.projects),
    "issues": [[i.code, i.row, i.column] for i in result.issues][:5],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"the loader failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_environment(projects: int, path: Path) -> None:
    print(f"date          {dt.date.today().isoformat()}")
    print(f"machine       {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    libs = ", ".join(f"{name} {version(name)}" for name in ("pandas", "python-calamine", "openpyxl"))
    print(f"libraries     {libs}")
    print(f"workbook      {projects:,} projects, {path.stat().st_size / 1048576:.1f} MB ({path.name})")


def run_stray(path: Path, args) -> int:
    add_stray_cell(path)
    print(f"stray cell    one value in {STRAY_CELL}; file now {path.stat().st_size / 1048576:.1f} MB")
    print("note          pandas engines skipped: calamine allocates the whole 16384 x 1048576 grid (~550 GB) and")
    print("              aborts the process; openpyxl walks every row and takes minutes and more than 15 GB.")
    report = load_in_fresh_process(path, args.repeat)
    print()
    print(f"{'loader':<34}{'seconds':>10}{'peak RSS':>12}")
    print(f"{'loaders.load_workbook':<34}{report['seconds']:>10.2f}{report['peak_rss_mb']:>9.0f} MB")
    print(f"projects      {report['projects']:,} (expected {args.projects:,}); issues {report['issues']}")
    found = report["projects"] == args.projects
    warned = any(code == "stray_cells" for code, _, _ in report["issues"])
    print(f"check         {verdict(found)} all projects loaded, {verdict(warned)} stray_cells warning")
    return 0 if found and warned else 1


def run_compare(path: Path, args) -> int:
    import pandas as pd

    from loaders import load_workbook

    ours, result = best_of(args.repeat, lambda: load_workbook(path))
    calamine, frame = best_of(args.repeat, lambda: pd.read_excel(path, engine="calamine", header=2))
    rows = [("loaders.load_workbook", ours, f"best of {args.repeat}")]
    rows.append(("pandas.read_excel(engine=calamine)", calamine, f"best of {args.repeat}"))
    openpyxl = None
    if not args.no_openpyxl:
        openpyxl, _ = best_of(1, lambda: pd.read_excel(path, engine="openpyxl", header=2))
        rows.append(("pandas.read_excel(engine=openpyxl)", openpyxl, "1 run"))
    print()
    print(f"{'reader':<38}{'seconds':>10}   runs")
    for name, seconds, runs in rows:
        print(f"{name:<38}{seconds:>10.2f}   {runs}")
    print()
    found = len(result.projects) == args.projects
    print(f"projects      ours {len(result.projects):,}, pandas-calamine {len(frame):,} rows", end="")
    print(f" (expected {args.projects:,})")
    print(f"issues        {len(result.errors)} errors, {len(result.warnings)} warnings")
    ratio = ours / calamine
    print(f"ours / pandas-calamine  = {ratio:5.2f}   target <= {CALAMINE_TARGET}   ", verdict(ratio <= CALAMINE_TARGET))
    passed = found and ratio <= CALAMINE_TARGET
    if openpyxl is not None:
        speedup = openpyxl / ours
        print(
            f"pandas-openpyxl / ours  = {speedup:5.2f}   target >= {OPENPYXL_TARGET}   ",
            verdict(speedup >= OPENPYXL_TARGET),
        )
        passed = passed and speedup >= OPENPYXL_TARGET
    if not found:
        print(f"MISS          our loader found {len(result.projects):,} projects, not {args.projects:,}")
    return 0 if passed else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000, help="projects in the workbook (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader, best taken (default 3)")
    parser.add_argument("--stray", action="store_true", help=f"add a value in {STRAY_CELL}; time our loader only")
    parser.add_argument("--no-openpyxl", action="store_true", help="skip the slow openpyxl run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_loader_") as tmp:
        path = Path(tmp) / f"bench_{args.projects}.xlsx"
        start = time.perf_counter()
        write_workbook(path, args.projects)
        print_environment(args.projects, path)
        print(f"written in    {time.perf_counter() - start:.1f} s (not timed below)")
        return run_stray(path, args) if args.stray else run_compare(path, args)


if __name__ == "__main__":
    sys.exit(main())
