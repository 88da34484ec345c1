"""The weekly briefing's summary as a group-chat message: built from the same ``Briefing`` as the meeting.

What it says: the headline figures, each red project with its first reason, every missed 1-3-7 step (the
``tasks`` section's ``tasks_missed`` table, when the briefing has one), and links back to the dashboard and
to the presentation page, whose presenter menu downloads the PDF (Streamlit serves no file at a URL of its
own; a page behind the sign-in is the one place the PDF can come from). Lists that do not fit the
platform's size end with "还有 N 项" and the link; items are never cut (``housing.notices.fitted``).
Everything taken from the data is neutralised (``housing.notices.neutral``): a hostile project name cannot
add a link, a heading or a mention.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from briefing import blocks as B
from housing.fmt import fmt_date
from housing.i18n import t
from housing.notices import PLATFORMS, Part, fitted, measure, neutral
from housing.statuses import OVERDUE

TASKS, TASKS_MISSED = "tasks", "tasks_missed"  # the tasks section and its table of missed steps
# The sections a notice reads; the builder skips those it does not know (``tasks`` before issue 13's tasks).
NOTICE_SECTIONS: tuple[str, ...] = (B.HEADLINE, B.RED, TASKS)
# Headline figures worth a line in a chat message (the rest stay in the meeting).
HEADLINE_KEYS: tuple[str, ...] = ("projects", "households", "done", "overdue", "at_risk")


@dataclass(frozen=True)
class Notice:
    """A message ready to send: its title (DingTalk's notification line), markdown text, the mobiles it
    mentions, and each list's count of items left out for size."""

    title: str
    text: str
    mentions: tuple[str, ...] = ()
    hidden: tuple[tuple[str, int], ...] = ()


def safe_base(public_url: str) -> str:
    """The dashboard's public address without a trailing slash, or "" when it is not a plain http(s) URL (a
    configured address with markup or spaces would break the link)."""
    url = public_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in " ()[]<>\"'`\\"):
        return ""
    return url


def links(public_url: str, as_of: dt.date, lang: str) -> list[str]:
    """The lines linking back: the dashboard and the presentation (PDF) as of the briefing's date."""
    base = safe_base(public_url)
    if not base:
        return []
    query = urlencode({"lang": lang, "as_of": as_of.isoformat()})
    return [f"[{t('nt_link_dashboard', lang)}]({base}/?{query}) · [{t('nt_link_pdf', lang)}]({base}/present?{query})"]


def _section(briefing: B.Briefing, key: str) -> B.Section | None:
    return next((s for s in briefing.sections if s.key == key), None)


def headline_lines(briefing: B.Briefing) -> list[str]:
    """The headline figures worth a chat line, as ``label：value``; the section's note when it has no figures
    (no project in the data)."""
    section = _section(briefing, B.HEADLINE)
    blocks = [b for s in (section.slides if section else ()) for b in s.blocks]
    items = {h.key: h for block in blocks if isinstance(block, B.Headlines) for h in block.items}
    sep = t("nt_colon", briefing.lang)
    lines = [f"- {neutral(items[k].label)}{sep}**{neutral(items[k].value)}**" for k in HEADLINE_KEYS if k in items]
    return lines or [neutral(b.text) for b in blocks if isinstance(b, B.Note) and b.tone == "warning"]


def red_items(briefing: B.Briefing) -> tuple[str, ...]:
    """One line per red project: its name, place and first reason (the meeting's red slides, in order)."""
    section = _section(briefing, B.RED)
    out = []
    sep = t("nt_colon", briefing.lang)
    for slide in section.slides if section else ():
        if slide.status != OVERDUE:  # the "no red project" note
            continue
        reasons = next((b.items for b in slide.blocks if isinstance(b, B.Reasons)), ())
        place = f" · {neutral(slide.subtitle)}" if slide.subtitle else ""
        reason = f"{sep}{neutral(reasons[0])}" if reasons else ""
        out.append(f"- **{neutral(slide.title)}**{place}{reason}")
    return tuple(out)


def missed_rows(briefing: B.Briefing) -> list[dict[str, str]]:
    """The missed 1-3-7 steps (the ``tasks_missed`` table), each as column key -> text."""
    section = _section(briefing, TASKS)
    tables = [b for s in (section.slides if section else ()) for b in s.blocks if isinstance(b, B.Table)]
    table = next((b for b in tables if b.key == TASKS_MISSED), None)
    if table is None:
        return []
    keys = [c.key for c in table.columns]
    return [{k: cell.text for k, cell in zip(keys, row, strict=True)} for row in table.rows]


def missed_item(row: dict[str, str], lang: str, with_assignee: bool = True) -> str:
    """One missed step as a line: task, project, unit, (assignee,) the step and its deadline."""
    names = ("project", "unit", "assignee") if with_assignee else ("project", "unit")
    where = " · ".join(neutral(row[k]) for k in names if row.get(k, "").strip() not in ("", "—"))
    step = t("nt_missed_step", lang, step=neutral(row.get("step", "")), due=neutral(row.get("due", "")))
    return f"- **{neutral(row.get('title', ''))}**" + (f" · {where}" if where else "") + f" · {step}"


def _more(lang: str, tail: str):
    return lambda n: t("nt_more", lang, count=n) + tail


def _limit(kind: str) -> int:
    return PLATFORMS[kind].max_bytes


def summary(briefing: B.Briefing, kind: str, public_url: str) -> Notice:
    """The weekly summary for a ``kind`` of platform (``housing.notices.PLATFORMS``)."""
    lang = briefing.lang
    date = fmt_date(briefing.as_of, lang)
    title = t("nt_title", lang, region=neutral(briefing.region), date=date)
    head = [f"### {title}", neutral(briefing.version), "", *headline_lines(briefing)]
    foot = links(public_url, briefing.as_of, lang)
    tail = t("nt_more_link", lang) if foot else ""
    parts = []
    red = red_items(briefing)
    parts.append(Part(f"**{t('nt_red', lang, count=len(red))}**", red or (t("nt_none", lang),)))
    if _section(briefing, TASKS) is not None:
        missed = tuple(missed_item(row, lang) for row in missed_rows(briefing))
        parts.append(Part(f"**{t('nt_missed', lang, count=len(missed))}**", missed or (t("nt_none", lang),)))
    text, hidden = fitted(head, parts, foot, _limit(kind), _more(lang, tail), lambda m: measure(kind, m))
    return Notice(title, text, hidden=tuple(hidden.items()))


def assignee_notice(briefing: B.Briefing, kind: str, assignee: str, public_url: str, mobile: str = "") -> Notice | None:
    """One assignee's missed steps, mentioning their mobile where the platform can; ``None`` when they have
    none."""
    lang = briefing.lang
    rows = [r for r in missed_rows(briefing) if r.get("assignee") == assignee]
    if not rows:
        return None
    title = t("nt_assignee_title", lang, assignee=neutral(assignee), date=fmt_date(briefing.as_of, lang))
    can_mention = bool(mobile) and PLATFORMS[kind].mentions and mobile.isdigit()
    head = [f"### {title}"] + ([f"@{mobile}"] if can_mention else [])
    foot = links(public_url, briefing.as_of, lang)
    tail = t("nt_more_link", lang) if foot else ""
    part = Part(f"**{t('nt_missed', lang, count=len(rows))}**", tuple(missed_item(r, lang, False) for r in rows))
    text, hidden = fitted(head, [part], foot, _limit(kind), _more(lang, tail), lambda m: measure(kind, m))
    return Notice(title, text, (mobile,) if can_mention else (), tuple(hidden.items()))


def assignees(briefing: B.Briefing) -> list[str]:
    """Everyone with a missed step, in the table's order."""
    return list(dict.fromkeys(r["assignee"] for r in missed_rows(briefing) if r.get("assignee")))
