"""``python -m store import FILE... [--at YYYY-MM-DD] [--by NAME] [--lang zh|en]``: publish workbooks as versions.

So that an office can load a year of past weekly workbooks (history, baselines and slips from day one) and
benchmarks can publish large registers. Each file is read and checked as the upload page does it (the same
loader, the same remembered column mapping, the same district checks and blockers), its attempt is audited
as an upload, and it is published through ``service.actions.publish`` (permission check and audit row in the
publish transaction) as the account named by ``--by`` or, without it, the system account.

Order and recorded time: with several files, each file name must carry its date (``2026-03-31``,
``20260331`` or ``2026年3月31日``); files are published oldest first, each recorded as published at noon of
its date (configured time zone). A single file takes ``--at`` or the date in its name; with neither it is
published now, as on the upload page. The workbook itself carries no as-of date, and a file's modification
time changes with every copy, so neither decides the order. History only moves forward: a date before the
current version's publication is refused (over the bundled sample it is allowed: the sample is replaced).

Every file is checked before any is published: a file that cannot be published stops the run with the
upload page's report (counts, then every problem) on stderr and nothing is published. Each file replaces
the whole register (a weekly workbook is the whole register); a district-limited editor's file replaces
their districts, as on the upload page. Exit codes: 0 published, 1 a file or the account stopped the run,
2 a usage error. Messages are in ``--lang`` (default Chinese); no traceback is shown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from housing import clock
from housing.districts import apply_mapping, district_issues, district_variants, repeated_projects
from housing.fmt import fmt_count, fmt_date, fmt_datetime, fmt_list
from housing.i18n import in_both, t
from housing.scope import Removal, file_districts, removal
from housing.settings import get_setting
from loaders import LoadResult, chars, load_bytes
from loaders.cli import format_table, shown
from loaders.load import unreadable
from loaders.reading import ReadError, read_path
from loaders.values import YEAR_LOW
from service import accounts
from service import actions as S
from service.audit import FAILED, OK
from service.roles import ADMIN, Actor, Refused
from store import versions as V
from store.db import open_database
from store.intake import publish_blocker
from store.mappings import remembered_mapping

EXIT_OK, EXIT_STOPPED, EXIT_USAGE = 0, 1, 2
ADDRESS = "command line"  # the audit trail's client address for this command's rows
PUBLISH_HOUR = 12  # a dated file counts as published at noon of its date, local time
# A date written in a file name: 2026-03-31, 2026_03_31, 2026.3.31, 2026年3月31日, or 20260331.
NAME_DATES = (
    re.compile(r"(?<!\d)(\d{4})\s*[-_.年]\s*(\d{1,2})\s*[-_.月]\s*(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"),
)


class Stop(Exception):
    """The run stops: ``message`` goes to stderr, ``code`` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_STOPPED) -> None:
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True)
class Planned:
    """One file to publish: where it is, the date it is published on (``None``: now)."""

    path: Path
    day: dt.date | None


@dataclass(frozen=True)
class Checked:
    """A file read and checked, ready to publish: its bytes, name as stored, result and recorded time."""

    planned: Planned
    content: bytes
    filename: str
    result: LoadResult
    at: dt.datetime | None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(in_both("cli_not_a_date", text=text)) from exc


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface (argparse reports usage errors with exit code 2)."""
    parser = argparse.ArgumentParser(prog="python -m store", description="Published versions of the register.")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser(
        "import",
        help="check workbooks as the upload page does and publish them as versions, oldest first",
        description=(
            "Check each workbook as the upload page does, then publish them as versions, oldest first. "
            "With several files each file name must carry its date (2026-03-31, 20260331 or 2026年3月31日); "
            "a dated file is recorded as published at noon of that date. Nothing is published when any file "
            "cannot be. Exit code 0: published; 1: a file or the account stopped the run; 2: usage error."
        ),
    )
    imp.add_argument("files", nargs="+", metavar="FILE", help="workbooks (xlsx, xlsm, xls, ods, csv, txt)")
    imp.add_argument(
        "--at", type=_date, help="publication date of a single file (default: the date in its name, or now)"
    )
    imp.add_argument(
        "--by", metavar="NAME", help="publish as this account (an editor or admin; default: the system account)"
    )
    imp.add_argument("--comment", default="", help="the versions' comment")
    imp.add_argument(
        "--confirm-removal",
        action="store_true",
        help="publish even when a file removes more than a tenth of the current projects or households",
    )
    imp.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of messages")
    return parser


def name_date(path: Path) -> dt.date | None:
    """The date written in a file's name, or ``None`` (none, or not a real date)."""
    for pattern in NAME_DATES:
        for match in pattern.finditer(path.stem):
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                continue
    return None


def plan(paths: list[str], at: dt.date | None, lang: str, today: dt.date) -> list[Planned]:
    """The files in publishing order, oldest first, each with its date; ``Stop`` (usage) when they cannot be
    ordered: ``--at`` with several files, a file without a date among several, a date after today or before
    the loader's first year (``loaders.values.YEAR_LOW``)."""
    files = [Path(p) for p in paths]
    if at is not None and len(files) > 1:
        raise Stop(t("imp_at_single", lang), EXIT_USAGE)
    planned = [Planned(f, at if at is not None else name_date(f)) for f in files]
    if len(planned) > 1:
        undated = [shown(p.path.name) for p in planned if p.day is None]
        if undated:
            raise Stop(t("imp_need_dates", lang, files=fmt_list(undated, lang)), EXIT_USAGE)
    early = [p for p in planned if p.day is not None and p.day.year < YEAR_LOW]  # year 1 would break every page
    if early:
        raise Stop(
            t("imp_too_early", lang, file=shown(early[0].path.name), date=fmt_date(early[0].day, lang), year=YEAR_LOW),
            EXIT_USAGE,
        )
    late = [p for p in planned if p.day is not None and p.day > today]
    if late:
        raise Stop(t("imp_future", lang, file=shown(late[0].path.name), date=fmt_date(late[0].day, lang)), EXIT_USAGE)
    return sorted(planned, key=lambda p: (p.day or today, p.path.name))


def published_at(day: dt.date | None, zone: str, now: dt.datetime) -> dt.datetime | None:
    """The recorded publication time of a file dated ``day``: noon there (never later than ``now``)."""
    if day is None:
        return None
    noon = dt.datetime.combine(day, dt.time(PUBLISH_HOUR), clock.zone(zone)).astimezone(dt.UTC)
    return min(noon, now)


def actor_for(engine: Engine, name: str | None, lang: str) -> Actor:
    """The account publishing: ``name``'s (it must exist and not be disabled) or the system account. Whether
    it may upload and publish is the service's to decide (and to audit)."""
    if name is None:
        return Actor(accounts.SYSTEM, ADMIN, (), ADDRESS)  # not the sample's seeder: history names it "系统"
    account = accounts.get_account(engine, name)
    if account is None:
        raise Stop(t("imp_no_account", lang, name=shown(name)))
    if account.disabled:
        raise Stop(t("imp_disabled", lang, name=shown(account.username)))
    return account.actor(ADDRESS)


def headers(result: LoadResult) -> list[str]:
    """The file's header texts, in order, each once: the key of its remembered mapping (as ``ui.mapping``)."""
    return list(dict.fromkeys(c.header for c in result.columns if c.header))


def read(engine: Engine, path: Path) -> tuple[bytes, str, LoadResult]:
    """The file's bytes, its name as stored, and the loader's result read with the column mapping remembered
    for its layout (as the upload page reads it)."""
    try:
        content = read_path(path)  # bounded: a huge file, a pipe or /dev/zero is refused, not read forever
    except ReadError as error:
        return b"", path.name, unreadable(chars.clean(path.name)[:255], error.issue)
    filename = chars.clean(path.name)[:255]
    result = load_bytes(content, filename)
    mapping = remembered_mapping(engine, headers(result)) if result.readable and result.columns else {}
    return content, filename, (load_bytes(content, filename, {"mapping": mapping}) if mapping else result)


def with_districts(result: LoadResult, known: list[str]) -> LoadResult:
    """The result with the district warnings against the districts published before it, and every variant
    spelling read as the known district (the upload page's default choice)."""
    if not result.readable or result.projects.empty:
        return result
    result = replace(result, issues=result.issues + district_issues(result.projects, known))
    mapping = {v.written: v.known for v in district_variants(result.projects, known)}
    if not mapping:
        return result
    return replace(
        result,
        projects=apply_mapping(result.projects, mapping),
        stage_dates=apply_mapping(result.stage_dates, mapping),
    )


def counts_line(filename: str, result: LoadResult, lang: str) -> str:
    """``a.xlsx：0 个错误，3 条提示，1,000 个项目``."""
    return t(
        "imp_counts",
        lang,
        file=shown(filename),
        errors=fmt_count(len(result.errors), "count.errors", lang),
        warnings=fmt_count(len(result.warnings), "count.warnings", lang),
        projects=fmt_count(len(result.projects), "count.projects", lang),
    )


def report(filename: str, result: LoadResult, lang: str) -> str:
    """The upload page's report as text: the counts, then every problem with the page's columns."""
    keys = ("col_severity", "col_sheet", "col_row", "col_column", "col_value", "col_message")
    rows = [
        [t(f"severity_{i.severity}", lang), i.sheet, str(i.row or ""), i.column, str(i.value), i.message(lang)]
        for i in result.issues
    ]
    table = format_table([t(k, lang) for k in keys], rows) if rows else ""
    return "\n".join(part for part in (counts_line(filename, result, lang), table) if part)


def blocker_text(key: str, result: LoadResult, current: V.Version | None, lang: str) -> str:
    """Why the file cannot be published, in the upload page's words."""
    if key == "up_blocked_unreadable":
        return t(key, lang, reason=shown(result.issues[0].message(lang)))
    if key == "up_blocked_errors":
        return t(key, lang, count=len(result.errors))
    return t(key, lang, version=current.id if current else "")


def scope_of(actor: Actor, result: LoadResult) -> list[str] | None:
    """The districts a file replaces: a district-limited editor's file its own districts (as the upload page
    offers them), anyone else's the whole register (``None``)."""
    return file_districts(result.projects) if actor.districts else None


def check_all(engine: Engine, actor: Actor, planned: list[Planned], lang: str, confirm: bool) -> list[Checked]:
    """Read and check every file in order, auditing each attempt as the upload page does; ``Stop`` with the
    report at the first file that cannot be published (nothing is published then). Without ``confirm``, a file
    removing more than a tenth of what the file before it (or the current version) holds stops the run too."""
    current = V.current(engine)
    previous = V.version_projects(engine, current.id) if current else None  # what the next file replaces
    if current is not None and current.sample:
        previous = None  # replacing the bundled sample removes nothing real
    known = previous["district"].dropna().unique().tolist() if previous is not None else []
    tz, now = str(get_setting("timezone")), dt.datetime.now(dt.UTC)
    checked: list[Checked] = []
    seen: dict[str, str] = {}
    for item in planned:
        content, filename, read_result = read(engine, item.path)
        result = with_districts(read_result, known)
        digest = V.sha256(content)
        outcome = OK if result.readable and not result.errors else FAILED
        counts = {"errors": len(result.errors), "warnings": len(result.warnings), "projects": len(result.projects)}
        S.record_upload(engine, actor, filename, digest, outcome, counts)  # Refused for an account that may not
        blocker = publish_blocker(result, digest, current if not checked else None)
        if blocker is None and digest in seen:  # the same file twice in one run would publish nothing new
            blocker_message = t("imp_same_file", lang, file=shown(filename), other=shown(seen[digest]))
        elif blocker is not None:
            blocker_message = blocker_text(blocker, result, current, lang)
        else:
            blocker_message = ""
        repeated = repeated_projects(result.projects) if not blocker_message else []
        if repeated:
            blocker_message = t("up_district_duplicates", lang, names=shown(fmt_list(repeated, lang)))
        limited = S.district_refusal(actor, result.projects, scope_of(actor, result)) if not blocker_message else None
        if limited is not None:  # as the upload page: said before publishing (the service refuses it too)
            blocker_message = refusal(limited, lang)
        if blocker_message:
            raise Stop(f"{report(filename, result, lang)}\n{blocker_message}\n{t('imp_stopped', lang)}")
        at = published_at(item.day, tz, now)
        if not checked and at is not None and current is not None and not current.sample and at < current.created_at:
            when = fmt_datetime(current.created_at, lang, tz)
            raise Stop(t("imp_before_current", lang, file=shown(filename), version=current.id, time=when))
        gone = removal(previous, result.projects) if previous is not None and not confirm else None
        if gone is not None and gone.large:  # found before anything is published (the service checks it again)
            raise Stop(f"{removal_text(filename, gone, lang, 0)}\n{t('imp_stopped', lang)}")
        print(counts_line(filename, result, lang))
        seen[digest] = filename
        previous = result.projects
        known = previous["district"].dropna().unique().tolist()
        checked.append(Checked(item, content, filename, result, at))
    return checked


def removal_text(filename: str, gone: Removal, lang: str, done: int) -> str:
    """What a file would remove, and how to publish it anyway; ``done``: versions this run published before."""
    figures = {
        "projects": fmt_count(len(gone.projects), "count.projects", lang),
        "households": fmt_count(gone.households, "count.households", lang),
    }
    return t("imp_removal", lang, file=shown(filename), done=done, **figures)


def publish_all(engine: Engine, actor: Actor, files: list[Checked], args: argparse.Namespace) -> None:
    """Publish the checked files in order; each expects the version the previous one made (another publish
    landing meanwhile stops the run rather than interleave)."""
    lang, tz = args.lang, str(get_setting("timezone"))
    current = V.current(engine)
    expected = current.id if current else None
    for n, item in enumerate(files):
        scope = scope_of(actor, item.result)
        try:
            published = S.publish(
                engine,
                actor,
                item.result,
                item.content,
                item.filename,
                args.comment,
                scope,
                expected=expected,
                confirmed=args.confirm_removal,
                at=item.at,
            )
        except S.NeedsConfirmation as needed:  # another publish landed meanwhile and this file now removes more
            raise Stop(removal_text(item.filename, needed.removal, lang, n)) from None
        except V.VersionMoved as moved:
            when = fmt_datetime(moved.published_at, lang, tz)
            raise Stop(
                t("imp_moved", lang, version=moved.version, uploader=shown(moved.uploader), time=when, done=n)
            ) from None
        version = published.version
        expected = version.id
        print(
            t(
                "imp_published",
                lang,
                file=shown(item.filename),
                version=version.id,
                time=fmt_datetime(version.created_at, lang, tz),
                projects=fmt_count(version.projects, "count.projects", lang),
                households=fmt_count(version.households, "count.households", lang),
            )
        )


def refusal(refused: Refused, lang: str) -> str:
    """The service's refusal in the user's language (lists joined as the language writes them)."""
    params = {k: fmt_list(v, lang) if isinstance(v, list | tuple) else v for k, v in refused.params.items()}
    return shown(t(refused.key, lang, **params))


def run(args: argparse.Namespace) -> int:
    """Check, then publish; ``Stop`` for anything that ends the run early."""
    lang = args.lang
    zone = clock.zone()  # the default zone when the setting names none
    planned = plan(args.files, args.at, lang, dt.datetime.now(zone).date())
    engine = open_database()
    actor = actor_for(engine, args.by, lang)
    try:
        files = check_all(engine, actor, planned, lang, args.confirm_removal)
        publish_all(engine, actor, files, args)
    except Refused as refused:
        role = f"\n{t('imp_refused_account', lang, name=shown(actor.username))}" if refused.key == "sv_refused" else ""
        raise Stop(f"{refusal(refused, lang)}{role}") from None
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m store``; returns the exit code (argparse's 2 for a usage error, 0 after ``--help``)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exited:  # argparse has printed the usage or the help
        return int(exited.code or 0)
    try:
        return run(args)
    except Stop as stop:
        print(stop.message, file=sys.stderr)
        return stop.code
    except SQLAlchemyError as error:  # the database cannot be reached or refused the write: no traceback
        print(t("imp_database", args.lang, detail=shown(type(error).__name__)), file=sys.stderr)
        return EXIT_STOPPED
