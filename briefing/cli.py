"""``python -m briefing build SOURCE --as-of YYYY-MM-DD [--lang zh|en] [--districts A,B] [--sections ...]
--format pptx|pdf|xlsx|json --out FILE`` and ``python -m briefing push --channel NAME [--dry-run] [--as-of]
[--lang] [--source published] [--assignees]`` (the summary to a group chat, for a scheduled job).

SOURCE is a workbook path (read in the loader's sandbox), ``published`` (the current version in
``DATABASE_URL``'s database) or ``version:N``. The briefing is built exactly as the app builds it
(``briefing.build.build_briefing``) and handed to a renderer. Exit 0 on success; 2 with a message in the
chosen language when the source cannot be read or the version does not exist. This module is the package's
one loader-level entry: it alone imports ``loaders``; and, as the scheduled job's entry point, it alone
imports the service (``service.notices`` sends and audits the push; ``tests/test_register.py`` checks both).
Push exits 0 when sent (or printed, with ``--dry-run``), 2 when the source or the channel is unusable, 3 when
the send failed after its retries (audited either way).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from briefing.blocks import SECTIONS, Briefing
from briefing.build import BriefingData, build_briefing
from briefing.files import RENDERERS, write_file
from briefing.files import renderer as file_renderer
from briefing.notice import NOTICE_SECTIONS, Notice, assignee_notice, assignees, summary
from briefing.pdf import FontMissing
from briefing.source import SourceError, load_data
from housing.clock import FIRST_YEAR, LAST_YEAR, today, within_years
from housing.fmt import fmt_list
from housing.i18n import DEFAULT_LANG, LANGS, in_both, t
from housing.notices import measure
from housing.settings import get_setting
from loaders.cli import json_safe, shown
from loaders.load import load_bytes
from service import notices as N
from store.db import open_database

EXIT_OK, EXIT_UNREADABLE, EXIT_NOT_SENT = 0, 2, 3
FORMATS = ("json", *RENDERERS)


def read_workbook(data: bytes, filename: str) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """A workbook read by the sandboxed loader: projects, stage dates, and whether it gave anything to brief
    (readable, and not a file whose errors left no project)."""
    result = load_bytes(data, filename)
    usable = result.readable and not (result.projects.empty and result.errors)
    return result.projects, result.stage_dates, usable


def _date(text: str) -> dt.date:
    """An ``--as-of`` date: ISO, within the years the data can hold (year 1 or 9999 ended in a traceback)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(in_both("cli_not_a_date", text=text)) from exc
    if not within_years(day):
        raise argparse.ArgumentTypeError(in_both("cli_date_years", text=text, first=FIRST_YEAR, last=LAST_YEAR))
    return day


def _names(text: str) -> tuple[str, ...]:
    """A comma-separated list (``章丘区,历城区``), blanks dropped; Chinese commas accepted too."""
    return tuple(n.strip() for n in text.replace("，", ",").split(",") if n.strip())


def _sections(text: str) -> tuple[str, ...]:
    chosen = _names(text)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown section(s) {', '.join(unknown)}; one of: {', '.join(SECTIONS)}")
    return chosen


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="python -m briefing", description="Build the weekly meeting briefing.")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the briefing and write it as PPTX, PDF, XLSX or JSON")
    build.add_argument("source", help="a workbook path, 'published' or 'version:N'")
    build.add_argument("--as-of", type=_date, default=today(), help="judge statuses as of this date (default: today)")
    build.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help="language of the briefing")
    build.add_argument("--districts", type=_names, default=(), help="comma-separated districts (default: all)")
    build.add_argument(
        "--sections", type=_sections, default=SECTIONS, help=f"comma-separated, of: {','.join(SECTIONS)} (default: all)"
    )
    build.add_argument("--format", choices=FORMATS, required=True, help="the file to write")
    build.add_argument("--out", type=Path, required=True, help="where to write it")
    push = sub.add_parser("push", help="send the briefing's summary to a group chat's robot (DingTalk, WeCom)")
    push.add_argument("--channel", required=True, help="a channel configured in secrets.toml or the environment")
    push.add_argument("--dry-run", action="store_true", help="print the message and its size; send nothing")
    push.add_argument("--as-of", type=_date, default=today(), help="judge statuses as of this date (default: today)")
    push.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help="language of the message")
    push.add_argument("--source", default="published", help="'published' (default), 'version:N' or a workbook path")
    push.add_argument("--districts", type=_names, default=(), help="comma-separated districts (default: all)")
    push.add_argument("--assignees", action="store_true", help="also one message per assignee with missed steps")
    return parser


def _plain(value):
    """A briefing value as JSON data: dates as ISO text, tuples as lists."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def briefing_json(briefing: Briefing) -> str:
    """The briefing as one JSON object (dataclasses as objects; every slide under its section)."""
    return json.dumps(_plain(dataclasses.asdict(briefing)), ensure_ascii=False, indent=1)


def renderer(fmt: str) -> Callable[[Briefing], bytes]:
    """The render function for ``fmt``; ``ImportError`` when that renderer is not part of this build."""
    if fmt == "json":
        return lambda b: briefing_json(b).encode("utf-8")
    return file_renderer(fmt)


def file_bytes(briefing: Briefing, fmt: str, lang: str) -> bytes:
    """The file for ``fmt``, written as the app's download buttons write it (``briefing.files.write_file``);
    says on stderr when its charts had to be replaced by notes."""
    if fmt == "json":
        return briefing_json(briefing).encode("utf-8")
    written = write_file(briefing, fmt)
    if written.charts_missing:
        print(t("dl_charts_missing_cli", lang), file=sys.stderr)
    return written.data


def unknown_districts(data: BriefingData, wanted: tuple[str, ...], lang: str) -> str:
    """Why ``--districts`` cannot be briefed, or "": a district the data does not have (a typo in a scheduled
    job would send "no project in the chosen districts" every week, as if nothing were overdue)."""
    known = sorted({d for d in data.projects["district"].dropna().astype(str)}) if "district" in data.projects else []
    missing = [d for d in wanted if d not in known]
    if not missing:
        return ""
    return shown(t("bf_err_districts", lang, districts=fmt_list(missing, lang), known=fmt_list(known, lang)))


def push(args: argparse.Namespace) -> int:
    """``_push``, saying so (exit 2) when the database cannot be reached rather than with a traceback."""
    try:
        return _push(args)
    except SQLAlchemyError as error:
        print(t("nt_err_database", args.lang, error=type(error).__name__), file=sys.stderr)
        return EXIT_UNREADABLE


def _push(args: argparse.Namespace) -> int:
    """Build the summary (and, with ``--assignees``, each assignee's missed steps) for the channel's platform
    and send it through the service as the system account; ``--dry-run`` prints instead."""
    lang = args.lang
    try:
        ch = N.channel(args.channel)
        data = load_data(args.source, args.as_of)
    except (N.NoticeError, SourceError) as error:
        print(shown(t(error.key, lang, **error.params)), file=sys.stderr)
        return EXIT_UNREADABLE
    wrong = unknown_districts(data, args.districts, lang)
    if wrong:
        print(wrong, file=sys.stderr)
        return EXIT_UNREADABLE
    briefing = build_briefing(data, lang, args.districts, NOTICE_SECTIONS)
    public_url = str(get_setting("public_url"))
    notices: list[tuple[str, str, Notice]] = [("summary", "", summary(briefing, ch.kind, public_url))]
    for person in assignees(briefing) if args.assignees else ():
        found = assignee_notice(briefing, ch.kind, person, public_url, N.mobile_of(person))
        if found is not None:
            notices.append(("assignee", person, found))
    if not public_url:
        print(t("nt_no_public_url", lang), file=sys.stderr)
    if args.dry_run:
        for _, _, notice in notices:
            print(json_safe(notice.text))
            print(
                json_safe(
                    t(
                        "nt_dry_run",
                        lang,
                        bytes=measure(ch.kind, notice.text),
                        limit=ch.platform.max_bytes,
                        kind=t(f"nt_kind_{ch.kind}", lang),
                    )
                )
            )
        return EXIT_OK
    retry = N.Retry(int(get_setting("notice_attempts")), float(get_setting("notice_backoff_s")))
    failed = False
    for what, about, notice in notices:
        try:
            sent = N.send_notice(
                open_database(),
                N.SCHEDULER,
                ch.name,
                notice.title,
                notice.text,
                mentions=notice.mentions,
                what=what,
                about=about,
                retry=retry,
            )
        except N.NoticeError as error:
            print(shown(t(error.key, lang, **error.params)), file=sys.stderr)
            failed = True
            continue
        print(json_safe(t("nt_sent", lang, channel=ch.name, bytes=sent.bytes, attempts=sent.attempts)))
    return EXIT_NOT_SENT if failed else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "push":
        return push(args)
    lang = args.lang
    try:
        data = load_data(args.source, args.as_of)
    except SourceError as error:
        print(shown(t(error.key, lang, **error.params)), file=sys.stderr)
        return EXIT_UNREADABLE
    except SQLAlchemyError as error:  # 'published' or 'version:N' with the database out of reach: no traceback
        print(t("nt_err_database", lang, error=type(error).__name__), file=sys.stderr)
        return EXIT_UNREADABLE
    wrong = unknown_districts(data, args.districts, lang)
    if wrong:
        print(wrong, file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        renderer(args.format)  # a renderer missing from this build fails before the briefing is built
    except (ImportError, AttributeError):
        print(t("bf_err_format", lang, format=args.format), file=sys.stderr)
        return EXIT_UNREADABLE
    briefing = build_briefing(data, lang, args.districts, args.sections)
    try:
        args.out.write_bytes(file_bytes(briefing, args.format, lang))
    except FontMissing as error:  # its message says what to install
        print(str(error), file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as error:  # a folder that does not exist, no permission, a full disk
        print(
            t("bf_err_write", lang, file=str(args.out), reason=error.strerror or type(error).__name__), file=sys.stderr
        )
        return EXIT_UNREADABLE
    print(json_safe(t("bf_written", lang, file=str(args.out), slides=len(briefing.slides()))))
    return EXIT_OK
