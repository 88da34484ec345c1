"""Time how quickly an upload over the row limit is refused, by the loader and by the command line.

    .venv/bin/python bench/bench_intake.py                       # 1,000,000-row xlsx and 300,000-row CSV
    .venv/bin/python bench/bench_intake.py --xlsx-rows 500000 --csv-rows 250000

Both files are written directly (the sheet XML by hand: openpyxl would take a minute for a million rows), with
the register's header and a few plausible columns. The default ``max_rows`` (200,000) applies. For each file:
the seconds ``loaders.load_bytes`` takes to refuse it (in this process, worker included), the seconds of a whole
``python -m loaders summary FILE --json`` process, and the message in both languages. See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ["序号", "项目名称", "所属区县", "安置户数", "计划交付日期"]
SHEET = "项目"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_bytes(rows: int) -> bytes:
    """A one-sheet workbook: a header, then ``rows`` - 1 project rows of a name and a household count (two columns
    keep a million rows under the 20 MB upload limit, so the row limit is what refuses it)."""
    parts = ['<row r="1">' + _text_cell("A1", HEADER[1]) + _text_cell("B1", HEADER[3]) + "</row>"]
    for r in range(2, rows + 1):
        parts.append(f'<row r="{r}">{_text_cell(f"A{r}", f"项目{r}")}<c r="B{r}"><v>{100 + r % 900}</v></c></row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:B{rows}"/><sheetData>' + "".join(parts) + "</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def csv_bytes(rows: int) -> bytes:
    """The same table as UTF-8 CSV: the header, then ``rows`` - 1 project rows."""
    lines = [",".join(HEADER)] + [f"{r},项目{r:07d},历城区,{100 + r % 900},2026-03-31" for r in range(1, rows)]
    return ("\n".join(lines) + "\n").encode()


def time_loader(data: bytes, filename: str) -> tuple[float, list]:
    """Seconds for ``load_bytes`` to answer, and its issues."""
    from loaders import load_bytes

    start = time.perf_counter()
    result = load_bytes(data, filename)
    return time.perf_counter() - start, result.issues


def time_cli(path: Path) -> tuple[float, int, dict]:
    """Seconds of a whole ``python -m loaders summary PATH --json`` process, its exit code and its JSON."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "loaders", "summary", str(path), "--json"], capture_output=True, text=True, cwd=ROOT
    )
    return time.perf_counter() - start, done.returncode, json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000)
    parser.add_argument("--csv-rows", type=int, default=300_000)
    args = parser.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench_intake_") as tmp:
        for kind, rows, build in (("xlsx", args.xlsx_rows, xlsx_bytes), ("csv", args.csv_rows, csv_bytes)):
            start = time.perf_counter()
            data = build(rows)
            written = time.perf_counter() - start
            path = Path(tmp) / f"{SHEET}.{kind}"
            path.write_bytes(data)
            print(f"{kind}: {rows:,} rows, {len(data) / 1048576:.1f} MB (written in {written:.1f} s, not timed)")
            seconds, issues = time_loader(data, path.name)
            codes = [i.code for i in issues]
            print(f"  loaders.load_bytes        {seconds:6.2f} s   {codes}")
            if issues:
                print(f"  zh  {issues[0].message('zh')}")
                print(f"  en  {issues[0].message('en')}")
            cli_seconds, code, summary = time_cli(path)
            cli_codes = [i["code"] for i in summary["issues"]]
            print(f"  python -m loaders summary {cli_seconds:6.2f} s   exit {code}, {cli_codes}")
            ok = ok and codes == ["too_many_rows"] and code == 2
    print("check", "PASS" if ok else "MISS", "both files refused with too_many_rows")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
