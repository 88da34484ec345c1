"""``python -m loaders summary PATH [--as-of YYYY-MM-DD] [--json] [--lang zh|en]``.

Lets staff check a workbook before uploading it, and scripts read the same figures as the dashboard.
Exit code 0 when the file loaded (warnings allowed), 1 when it has errors, 2 when it cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
import unicodedata
from functools import partial
from typing import BinaryIO

import orjson

from housing.clock import FIRST_YEAR, LAST_YEAR, today, within_years
from housing.fmt import fmt_count, fmt_int, fmt_wan
from housing.i18n import in_both, status_label, t
from housing.rules import Judgement
from housing.summary import judge_result, projects_detail, summarize, summary_with
from loaders.chars import UNSAFE, visible
from loaders.load import load_workbook
from loaders.parallel import in_parallel
from loaders.schema import FIELDS

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
# From this many projects the JSON of their detail (each project's reasons phrased, then encoded: about a
# second for 100,000 on one core) is written in two processes at once, half each.
SPLIT_AT = 20_000


def dumps(value) -> str:
    """Compact JSON text, characters as they are (not ``\\u`` escaped): by orjson, a quarter of ``json.dumps``'s
    time on 100,000 projects' detail; by the standard library for what orjson refuses (integers beyond 64 bits,
    lone surrogates from a damaged text file). The same JSON value either way."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _date(text: str) -> dt.date:
    """An ``--as-of`` date: ISO, within the years the data can hold (year 1 or 9999 ended in a traceback)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(in_both("cli_not_a_date", text=text)) from exc
    if not within_years(day):
        raise argparse.ArgumentTypeError(in_both("cli_date_years", text=text, first=FIRST_YEAR, last=LAST_YEAR))
    return day


NOT_USED = ("none", "-", "")


def _mapping(text: str) -> tuple[str, str | None]:
    """``HEADER=FIELD`` as (header, field key or None for "not used")."""
    header, sep, field = text.rpartition("=")
    field = field.strip()
    if not sep or not header.strip():
        raise argparse.ArgumentTypeError(f"expected HEADER=FIELD, got {text!r}")
    if field.lower() in NOT_USED:
        return header.strip(), None
    if field not in FIELDS:
        raise argparse.ArgumentTypeError(f"unknown field {field!r}; one of: {', '.join(FIELDS)}, none")
    return header.strip(), field


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Check a project workbook.")
    sub = parser.add_subparsers(dest="command", required=True)
    summary = sub.add_parser("summary", help="load a workbook and print its figures, statuses and problems")
    summary.add_argument("path")
    summary.add_argument(
        "--as-of", type=_date, default=today(), help="judge statuses as of this date (default: today, configured zone)"
    )
    summary.add_argument("--json", action="store_true", help="print exactly one JSON object")
    summary.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of messages")
    summary.add_argument(
        "--map",
        action="append",
        type=_mapping,
        default=[],
        metavar="HEADER=FIELD",
        help=f"read the column headed HEADER as FIELD ({', '.join(FIELDS)}) or as nothing (none); repeatable",
    )
    return parser


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown(value) -> str:
    """A value for the terminal: control, bidi and invisible characters and line breaks written out (``\\x1b``,
    ``U+202E``, ``\\n``), so no text from a file can move the cursor, recolour or reorder what is printed."""
    return visible(str(value), lines=True)


def json_safe(text: str) -> str:
    """JSON text with the characters ``dumps`` leaves raw (DEL, C1 controls, bidi and zero-width
    characters, lone surrogates) escaped as ``\\uXXXX``: the same JSON value, safe on a terminal. Each of them is
    non-printable (``loaders.chars``), so text that ``isprintable`` (compact JSON has no line break) is returned
    unchanged (the same object) after one C loop: 0.03 s for 100,000 projects' detail, against 0.075 s for the
    search."""
    return text if text.isprintable() else UNSAFE.sub(_json_escape, text)


def _json_escape(match) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # outside the BMP JSON escapes a character as its UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table aligned for CJK text (wide characters count double); every cell goes through
    ``shown``."""
    headers, rows = [shown(h) for h in headers], [[shown(c) for c in row] for row in rows]
    widths = [max(_width(str(c)) for c in col) for col in zip(headers, *rows)]

    def line(cells):
        return "  ".join(str(c) + " " * (w - _width(str(c))) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def render_text(summary: dict, lang: str) -> str:
    """The summary as readable tables."""
    col = lambda key: t(key, lang)  # noqa: E731
    parts = [
        f"{t('cli_file', lang)}: {shown(summary['file'])}    {t('cli_as_of', lang)}: {summary['as_of']}",
        f"{col('kpi_projects')}: {fmt_int(summary['projects'])}"
        f"    {col('kpi_households')}: {fmt_int(summary['households'])}"
        f"    {col('kpi_area')}: {fmt_wan(summary['floor_area_m2'])}",
        "",
        format_table(
            [col("col_district"), col("col_projects"), col("col_households"), col("col_area")],
            [
                [d["district"], d["projects"], fmt_int(d["households"]), fmt_wan(d["floor_area_m2"])]
                for d in summary["districts"]
            ],
        ),
        "",
        format_table(
            [
                col("col_name"),
                col("col_district"),
                col("col_households"),
                col("col_deadline"),
                col("col_status"),
                col("col_reasons"),
            ],
            [
                [
                    p["name"],
                    p["district"] or "",
                    fmt_int(p["households"]),
                    p["deadline"] or "",
                    status_label(p["status"], lang),
                    "；".join(p["reasons"]),
                ]
                for p in summary["projects_detail"]
            ],
        ),
        "",
        f"{t('cli_issues', lang)}: "
        + t(
            "cli_counts",
            lang,
            errors=fmt_count(sum(i["severity"] == "error" for i in summary["issues"]), "count.errors", lang),
            warnings=fmt_count(sum(i["severity"] == "warning" for i in summary["issues"]), "count.warnings", lang),
        ),
    ]
    if summary["issues"]:
        parts.append(
            format_table(
                [
                    col("col_severity"),
                    col("col_sheet"),
                    col("col_row"),
                    col("col_column"),
                    col("col_value"),
                    col("col_message"),
                ],
                [
                    [
                        t(f"severity_{i['severity']}", lang),
                        i["sheet"],
                        i["row"] or "",
                        i["column"],
                        i["value"],
                        i["message"],
                    ]
                    for i in summary["issues"]
                ],
            )
        )
    return "\n".join(parts)


def summary_json(result, as_of: dt.date, lang: str) -> str:
    """``json_safe(dumps(summarize(result, as_of, lang)))``: the same text as ``write_summary_json`` writes."""
    buffer = io.BytesIO()
    write_summary_json(result, as_of, lang, buffer)
    return buffer.getvalue().decode()


def write_summary_json(result, as_of: dt.date, lang: str, out: BinaryIO) -> None:
    """``summary_json``'s text written to ``out`` in UTF-8, part by part, the projects' detail of a large register
    phrased and encoded in two processes (``detail_json``). The 22 MB of 100,000 projects' detail are never
    joined into one string: each join, decoding or encoding of it cost 0.02-0.05 s."""
    judgement = judge_result(result, as_of)
    head = summary_with(result, judgement.frame, as_of, None, lang)
    out.write(b"{")
    for number, (key, value) in enumerate(head.items()):
        out.write(b"," * bool(number) + safe_json(key) + b":")
        for part in detail_json(judgement, lang) if key == "projects_detail" else [safe_json(value)]:
            out.write(part)
    out.write(b"}")


def detail_json(judgement: Judgement, lang: str) -> list[bytes]:
    """The parts of the JSON array of the judged projects' detail (``projects_detail``, ``json_safe``); from
    ``SPLIT_AT`` projects a forked child does the second half while this process does the first, each spelling
    out its half's reasons too (``loaders.parallel``: the halves' texts joined are the whole's)."""
    count = len(judgement.frame)
    if count < SPLIT_AT:
        return [safe_json(projects_detail(judgement.frame, lang, judgement.reasons()))]
    half = count // 2
    first, rest = in_parallel(
        partial(_detail_items, judgement, 0, half, lang), partial(_detail_items, judgement, half, count, lang)
    )
    return [b"[", first, b",", rest, b"]"]


def _detail_items(judgement: Judgement, start: int, stop: int, lang: str) -> bytes:
    """The detail of rows ``start`` to ``stop`` (at least one) as JSON items, without the brackets."""
    detail = projects_detail(judgement.frame.iloc[start:stop], lang, judgement.reasons(start, stop))
    return safe_json(detail)[1:-1]


def safe_json(value) -> bytes:
    """``json_safe(dumps(value))`` in UTF-8, from orjson's bytes without a round trip through a string when
    there is nothing to escape (``json_safe``); escaped JSON is ASCII, so the parts of a value escaped apart
    make the whole escaped."""
    try:
        data = orjson.dumps(value)
    except TypeError:  # what orjson refuses: see ``dumps``
        return json_safe(dumps(value)).encode()
    text = data.decode()
    escaped = json_safe(text)
    return data if escaped is text else escaped.encode()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    mapping = dict(args.map)
    result = load_workbook(args.path, {"mapping": mapping} if mapping else None)
    if not result.readable:
        print(shown(result.issues[0].message(args.lang)), file=sys.stderr)
    if args.json:
        sys.stdout.flush()
        write_summary_json(result, args.as_of, args.lang, sys.stdout.buffer)
        sys.stdout.buffer.write(b"\n")
    elif result.readable:
        print(render_text(summarize(result, args.as_of, args.lang), args.lang))
    if not result.readable:
        return EXIT_UNREADABLE
    return EXIT_ERRORS if result.errors else EXIT_OK
