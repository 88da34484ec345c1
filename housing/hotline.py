"""The 12345 hotline: its export's columns, satisfaction and reply words, matching tickets to projects, rates.

Declared here as data (the loader reads with them, the pages and the rule use the results):

- ``COLUMNS``: the export's columns and the header words that name each (as the register's fields do).
- ``SATISFACTION``: the words an export writes for a rating → ``satisfied`` / ``basic`` (基本满意) /
  ``unsatisfied``; ``SCORE_BANDS``: a numeric rating (a 1–5 or 0–100 score) → the same three.
- ``REPLIED_WORDS``: yes / no words of the "replied" column.

Matching (``match_tickets``): a ticket names a project when the project's name (normalised: NFKC, spaces
removed, Latin lower-case) occurs in its text. Score per (ticket, project): ``NAME_POINTS`` × the name's length
(a longer name found is more specific: 张梅家睦里二期 beats 张梅家睦里) + ``DISTRICT_POINTS`` when the project's
district occurs in the text or the ticket's own district column + ``STREET_POINTS`` when its street occurs in
the text. Only projects whose name occurs are candidates (a street alone names many projects). The best
score wins when it is strictly above the next one; a tie is ambiguous and left unmatched for the user to
assign. Names are found by cutting, at each position of a text, the substrings of the lengths of the names
beginning there (by their first two characters) and looking them up in one set (no per-project loop, and a
long text costs its length, not its length times the names' lengths): see ``bench/bench_hotline.py``.

Rates (``rates``): calls = tickets received in the period; reply rate = replied / calls; satisfaction rate =
(满意 + 基本满意) / rated calls (calls with a rating), as the centre reports it (docs/DOMAIN.md: counties
require ≥ 85 % satisfaction and ≥ 92 % reply rate). A month is "双百" (double 100 %) when it has calls, all
of them replied, and ratings, all of them satisfied or basically satisfied.

The surge rule's figures (``surge_counts``): ``calls_7d`` = a project's tickets received in the 7 days up to
and including the as-of date; ``calls_4w_avg`` = its tickets in the 28 days before those, divided by 4.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from housing.changes import KEY_SEP, project_key

SATISFIED, BASIC, UNSATISFIED = "satisfied", "basic", "unsatisfied"
GRADES: tuple[str, ...] = (SATISFIED, BASIC, UNSATISFIED)
GOOD_GRADES = frozenset({SATISFIED, BASIC})  # what the satisfaction rate counts as satisfied

# The words exports write for a rating (normalised: NFKC, no spaces, lower-case). Longest first is not needed:
# the cell is looked up whole.
SATISFACTION: dict[str, str] = {
    "满意": SATISFIED,
    "非常满意": SATISFIED,
    "很满意": SATISFIED,
    "基本满意": BASIC,
    "比较满意": BASIC,
    "一般": BASIC,
    "不满意": UNSATISFIED,
    "非常不满意": UNSATISFIED,
    "很不满意": UNSATISFIED,
    "satisfied": SATISFIED,
    "verysatisfied": SATISFIED,
    "basicallysatisfied": BASIC,
    "fairlysatisfied": BASIC,
    "dissatisfied": UNSATISFIED,
    "unsatisfied": UNSATISFIED,
    "notsatisfied": UNSATISFIED,
}
# A numeric rating: (scale maximum, lowest score that is satisfied, lowest that is basically satisfied). A
# score on a 1–5 scale (5 满意, 4 基本满意, 1–3 不满意) or on 0–100 (≥ 90 满意, 60–89 基本满意, < 60 不满意).
SCORE_BANDS: tuple[tuple[float, float, float], ...] = ((5, 5, 4), (100, 90, 60))
REPLIED_WORDS: dict[str, bool] = {
    **dict.fromkeys(
        ("是", "已回复", "已答复", "已办结", "办结", "已反馈", "已回访", "√", "y", "yes", "1", "true"), True
    ),
    **dict.fromkeys(("否", "未回复", "未答复", "未办结", "未反馈", "×", "n", "no", "0", "false"), False),
}
TICKET_NO_MAX = 64  # characters of a ticket number kept (an export's numbers are ~20)

TICKET, RECEIVED, TEXT, DISTRICT, REPLIED, REPLIED_AT, SATISFACTION_COLUMN = (
    "ticket_no",
    "received",
    "text",
    "district",
    "replied",
    "replied_at",
    "satisfaction",
)


@dataclass(frozen=True)
class Column:
    """One column of the export: its field, whether a file must have it, and the header words naming it.

    A header names the column when, normalised, it is one of ``aliases``, or contains one of ``words``
    (Chinese anywhere; English as the whole header's words) and none of ``avoid``.
    """

    field: str
    label_key: str
    required: bool
    aliases: tuple[str, ...]
    words: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        TICKET,
        "hl_col_ticket",
        True,
        ("工单编号", "工单号", "受理编号", "受理号", "编号", "ticket", "ticketno", "ticketnumber", "caseno"),
        ("工单编号", "工单号", "受理编号", "流水号"),
    ),
    Column(
        RECEIVED,
        "hl_col_received",
        True,
        ("受理时间", "来电时间", "登记时间", "受理日期", "来电日期", "received", "datereceived", "date"),
        ("受理时间", "来电时间", "受理日期", "来电日期", "登记时间"),
    ),
    Column(
        TEXT,
        "hl_col_text",
        True,
        ("诉求内容", "来电内容", "主题", "标题", "地址", "事发地址", "诉求地址", "topic", "subject", "address", "text"),
        ("诉求", "内容", "主题", "标题", "地址", "摘要"),
        ("时间", "日期", "编号"),
    ),
    Column(DISTRICT, "hl_col_district", False, ("区县", "所属区县", "区域", "承办区县", "district"), ("区县",)),
    Column(
        REPLIED,
        "hl_col_replied",
        False,
        ("是否回复", "是否答复", "是否办结", "回复情况", "答复情况", "办理状态", "replied"),
        ("是否回复", "是否答复", "回复情况", "答复情况", "是否办结"),
    ),
    Column(
        REPLIED_AT,
        "hl_col_replied_at",
        False,
        ("回复时间", "答复时间", "办结时间", "回复日期", "答复日期", "repliedat", "replytime", "replydate"),
        ("回复时间", "答复时间", "办结时间", "回复日期", "答复日期"),
    ),
    Column(
        SATISFACTION_COLUMN,
        "hl_col_satisfaction",
        False,
        ("满意度", "回访满意度", "评价", "满意度评价", "评分", "satisfaction", "rating", "score"),
        ("满意", "评价", "评分"),
    ),
)
COLUMN_BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}
REQUIRED: tuple[str, ...] = tuple(c.field for c in COLUMNS if c.required)

# The tickets table every part reads (loader output, store rows): one row per ticket.
TICKET_DTYPES: dict[str, str] = {
    TICKET: "string",
    RECEIVED: "datetime64[ns]",
    TEXT: "string",
    DISTRICT: "string",
    REPLIED: "boolean",
    REPLIED_AT: "datetime64[ns]",
    SATISFACTION_COLUMN: "string",
    "sheet": "string",
    "row": "Int64",
}
# Which project a ticket was matched to, and how: automatically, by the user (remembered), or not at all.
AUTO, ASSIGNED, UNMATCHED = "auto", "assigned", "unmatched"
MATCH_DTYPES: dict[str, str] = {"project_district": "string", "project_name": "string", "match": "string"}

NAME_POINTS, DISTRICT_POINTS, STREET_POINTS = 10, 3, 2  # see the module's text: why a longer name scores more


def empty_tickets() -> pd.DataFrame:
    """A tickets table with no rows and the declared columns and types."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in TICKET_DTYPES.items()})


def _objects(series: pd.Series) -> list:
    """The values as Python objects, missing ones as ``None``."""
    return [None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in series.astype(object).tolist()]


def normal(text: object) -> str:
    """Text as matching compares it: NFKC (full-width to half-width), every space removed, Latin lower-case."""
    if not isinstance(text, str):
        return ""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


# --- reading one cell ------------------------------------------------------------------------------------------


def match_column(header: object) -> str | None:
    """The field a header names, or ``None``."""
    words = normal(header)
    if not words:
        return None
    for column in COLUMNS:
        if words in column.aliases:
            return column.field
    for column in COLUMNS:
        if any(w in words for w in column.words) and not any(a in words for a in column.avoid):
            return column.field
    return None


def grade(value: object) -> tuple[str | None, bool]:
    """A rating cell as a grade (``None`` when blank) and whether it was understood."""
    if value is None or (isinstance(value, float) and value != value):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        return _score_grade(float(value))
    words = normal(str(value))
    if words in ("", "-", "—", "/", "无", "未评价", "未回访", "none", "n/a"):
        return None, True
    if words in SATISFACTION:
        return SATISFACTION[words], True
    try:
        return _score_grade(float(words.rstrip("分")))
    except ValueError:
        return None, False


def _score_grade(score: float) -> tuple[str | None, bool]:
    """A numeric rating on the smallest scale in ``SCORE_BANDS`` that holds it."""
    for top, good, fair in SCORE_BANDS:
        if 0 <= score <= top:
            return (SATISFIED if score >= good else BASIC if score >= fair else UNSATISFIED), True
    return None, False


def replied_flag(value: object) -> tuple[bool | None, bool]:
    """A "replied" cell as yes/no (``None`` when blank) and whether it was understood."""
    if value is None or (isinstance(value, str) and not normal(value)):
        return None, True
    if isinstance(value, bool):
        return value, True
    words = normal(str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
    if words in REPLIED_WORDS:
        return REPLIED_WORDS[words], True
    return None, False


# --- matching tickets to projects --------------------------------------------------------------------------------


def normal_all(values: pd.Series) -> pd.Series:
    """``normal`` over a column, each distinct value once (districts and streets repeat a lot)."""
    objects = _objects(values)
    seen = {v: normal(v) for v in set(objects)}
    return pd.Series([seen[v] for v in objects], index=values.index, dtype=object)


def _pairs(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects' distinct (district, name) pairs with their normalised name, district and street."""
    cols = [c for c in ("district", "name", "street") if c in projects]
    pairs = projects[cols].drop_duplicates(subset=["district", "name"]).reset_index(drop=True)
    pairs["n_name"] = normal_all(pairs["name"])
    pairs["n_district"] = normal_all(pairs["district"])
    street = pairs["street"] if "street" in pairs else pd.Series("", index=pairs.index)
    pairs["n_street"] = normal_all(street)
    return pairs[pairs["n_name"].str.len() > 0].reset_index(drop=True)


def _name_hits(texts: list[str], names: pd.Series) -> pd.DataFrame:
    """(ticket position, name) for every project name occurring in a ticket's text, each once per ticket.

    At each position of a text only the lengths of the names beginning with its next two characters (one, for
    a one-character name) are cut out and looked up in the names' set: a text costs about its length, however
    many name lengths there are (cutting every substring of every length took 46 s for 100 tickets of 30,000
    characters against names of 59 lengths)."""
    wanted = set(names.tolist())
    starting: dict[str, list[int]] = {}
    for name in wanted:
        starting.setdefault(name[:2], []).append(len(name))
    lengths = {prefix: tuple(sorted(set(found))) for prefix, found in starting.items()}
    singles = any(len(prefix) == 1 for prefix in lengths)
    rows: list[int] = []
    found_names: list[str] = []
    for i, text in enumerate(texts):
        seen: set[str] = set()
        for start in range(len(text)):
            keys = (text[start : start + 2], text[start]) if singles else (text[start : start + 2],)
            for key in keys:
                for n in lengths.get(key, ()):
                    piece = text[start : start + n]
                    if len(piece) == n and piece in wanted and piece not in seen:
                        seen.add(piece)
                        rows.append(i)
                        found_names.append(piece)
    return pd.DataFrame({"ticket": pd.Series(rows, dtype="int64"), "n_name": pd.Series(found_names, dtype=object)})


def match_tickets(tickets: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Each ticket's project by the scoring in the module's text: ``project_district``, ``project_name`` and
    ``match`` (``auto`` or ``unmatched``), aligned with ``tickets``; ambiguous tickets are unmatched."""
    out = pd.DataFrame(index=tickets.index)
    out["project_district"] = pd.Series(pd.NA, index=tickets.index, dtype="string")
    out["project_name"] = pd.Series(pd.NA, index=tickets.index, dtype="string")
    out["match"] = pd.Series(UNMATCHED, index=tickets.index, dtype="string")
    if tickets.empty or projects.empty:
        return out
    pairs = _pairs(projects)
    if pairs.empty:
        return out
    texts = [normal(v) for v in _objects(tickets[TEXT])]
    own = [normal(v) for v in _objects(tickets[DISTRICT])] if DISTRICT in tickets else None
    hits = _name_hits(texts, pairs["n_name"]).merge(pairs.reset_index(names="pair"), on="n_name")
    if hits.empty:
        return out
    text_of = np.array(texts, dtype=object)[hits["ticket"].to_numpy()]
    district_named = np.array([d != "" and d in t for d, t in zip(hits["n_district"], text_of, strict=True)])
    if own is not None:
        own_of = np.array(own, dtype=object)[hits["ticket"].to_numpy()]
        district_named |= np.array([d != "" and d == o for d, o in zip(hits["n_district"], own_of, strict=True)])
    street_named = np.array([s != "" and s in t for s, t in zip(hits["n_street"], text_of, strict=True)])
    hits["score"] = (
        NAME_POINTS * hits["n_name"].str.len() + DISTRICT_POINTS * district_named + STREET_POINTS * street_named
    )
    ranked = hits.sort_values(["ticket", "score"], ascending=[True, False])
    best = ranked.groupby("ticket", sort=False).head(1).set_index("ticket")
    second = ranked.groupby("ticket", sort=False)["score"].nth(1)
    runner = pd.Series(second.to_numpy(), index=ranked.loc[second.index, "ticket"].to_numpy())
    clear = best["score"] > runner.reindex(best.index).fillna(-1)
    chosen = best[clear]
    where = tickets.index[chosen.index.to_numpy()]
    out.loc[where, "project_district"] = chosen["district"].to_numpy()
    out.loc[where, "project_name"] = chosen["name"].to_numpy()
    out.loc[where, "match"] = AUTO
    return out


def apply_assignments(tickets: pd.DataFrame, matched: pd.DataFrame, remembered: pd.DataFrame) -> pd.DataFrame:
    """The matches with the user's remembered assignments over them: by ticket number first, then by the
    ticket's text (normalised). ``remembered``: ``kind`` (``ticket``/``text``), ``key``, ``district``, ``name``."""
    out = matched.copy()
    if remembered.empty or tickets.empty:
        return out
    for kind, keys in (
        ("text", [normal(v) for v in _objects(tickets[TEXT])]),
        ("ticket", tickets[TICKET].astype(str).tolist()),
    ):  # tickets last: they win
        chosen = remembered[remembered["kind"] == kind].drop_duplicates("key", keep="last").set_index("key")
        found = chosen.reindex(pd.Index(keys, dtype=object))
        hit = found["name"].notna().to_numpy()
        if not hit.any():
            continue
        out.loc[out.index[hit], "project_district"] = found["district"].to_numpy()[hit]
        out.loc[out.index[hit], "project_name"] = found["name"].to_numpy()[hit]
        out.loc[out.index[hit], "match"] = ASSIGNED
    return out


# --- rates ------------------------------------------------------------------------------------------------------

WEEK, MONTH = "week", "month"
PERIODS: dict[str, str] = {WEEK: "W-SUN", MONTH: "M"}  # a week runs Monday to Sunday
RATE_COLUMNS = ("calls", "replied", "rated", "satisfied", "reply_rate", "satisfaction_rate", "double_100")


def _counted(tickets: pd.DataFrame, period: str) -> pd.DataFrame:
    """The tickets with their period's first day and the 0/1 figures the rates add up."""
    received = pd.to_datetime(tickets[RECEIVED])
    graded = tickets[SATISFACTION_COLUMN].astype("string")
    return pd.DataFrame(
        {
            "period": received.dt.to_period(PERIODS[period]).dt.start_time,
            "calls": 1,
            "replied": tickets[REPLIED].fillna(False).astype(bool).astype(int),
            "rated": graded.notna().astype(int),
            "satisfied": graded.isin(list(GOOD_GRADES)).fillna(False).astype(int),
        },
        index=tickets.index,
    )


def rates(tickets: pd.DataFrame, period: str = MONTH, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Calls, replies, ratings and the two rates per period (and per ``by`` columns of ``tickets``, e.g.
    ``project_district``), with ``double_100``: all calls replied and all ratings satisfied (see the module).

    Periods are a week (Monday's date) or a month (its first day), in ``period``; rows sorted by ``by`` then
    period. A rate is missing when nothing was there to count (no calls, no ratings)."""
    if tickets.empty:
        return pd.DataFrame(columns=[*by, "period", *RATE_COLUMNS])
    counted = _counted(tickets, period)
    for column in by:
        counted[column] = tickets[column].astype("string").fillna("—")
    sums = counted.groupby([*by, "period"], sort=True)[["calls", "replied", "rated", "satisfied"]].sum().reset_index()
    return with_rates(sums)


def with_rates(sums: pd.DataFrame) -> pd.DataFrame:
    """Counts (calls, replied, rated, satisfied) with the reply and satisfaction rates and ``double_100``."""
    out = sums.copy()
    calls, rated = out["calls"].astype(float), out["rated"].astype(float)
    out["reply_rate"] = (out["replied"] / calls.where(calls > 0)).astype(float)
    out["satisfaction_rate"] = (out["satisfied"] / rated.where(rated > 0)).astype(float)
    out["double_100"] = (
        (calls > 0) & (out["replied"] == out["calls"]) & (rated > 0) & (out["satisfied"] == out["rated"])
    )
    return out


def totals(tickets: pd.DataFrame) -> pd.Series:
    """The whole table's calls, replies, ratings and rates as one row."""
    if tickets.empty:
        sums = pd.DataFrame({"calls": [0], "replied": [0], "rated": [0], "satisfied": [0]})
    else:
        sums = _counted(tickets, MONTH)[["calls", "replied", "rated", "satisfied"]].sum().to_frame().T
    return with_rates(sums.astype(int)).iloc[0]


def meets(rate: float | None, target_percent: float) -> bool | None:
    """Whether a rate (0–1) reaches a target in percent; ``None`` when there is no rate."""
    if rate is None or rate != rate:
        return None
    return round(rate * 100, 6) >= target_percent


# --- the surge rule's figures ----------------------------------------------------------------------------------

SURGE_DAYS, BASE_WEEKS = 7, 4


def surge_counts(tickets: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per matched project, by ``project_key``: ``calls_7d`` (received in the 7 days up to ``as_of``) and
    ``calls_4w_avg`` (received in the 28 days before those, divided by 4). Projects with no ticket in the 35
    days are left out; unmatched tickets count for nobody."""
    columns = {"calls_7d": pd.Series(dtype="Int64"), "calls_4w_avg": pd.Series(dtype="Float64")}
    if tickets.empty:
        return pd.DataFrame(columns)
    matched = tickets[tickets["project_name"].notna()]
    day = pd.to_datetime(matched[RECEIVED]).dt.normalize()
    end = pd.Timestamp(as_of)
    ago = (end - day).dt.days
    recent, base = (ago >= 0) & (ago < SURGE_DAYS), (ago >= SURGE_DAYS) & (ago < SURGE_DAYS * (BASE_WEEKS + 1))
    frame = pd.DataFrame(
        {
            "district": matched["project_district"].astype(object),
            "name": matched["project_name"].astype(object),
            "recent": recent.astype(int),
            "base": base.astype(int),
        }
    )[recent | base]
    if frame.empty:
        return pd.DataFrame(columns)
    sums = frame.groupby(["district", "name"], dropna=False, sort=False)[["recent", "base"]].sum().reset_index()
    keys = project_key(sums[["district", "name"]]).to_numpy(object)
    return pd.DataFrame(
        {
            "calls_7d": pd.array(sums["recent"].to_numpy(), dtype="Int64"),
            "calls_4w_avg": pd.array(sums["base"].to_numpy() / BASE_WEEKS, dtype="Float64"),
        },
        index=pd.Index(keys, name="project_key"),
    )


def with_hotline(projects: pd.DataFrame, counts: pd.DataFrame | None) -> pd.DataFrame:
    """The projects with ``calls_7d`` and ``calls_4w_avg`` joined by project (district + name): a project with
    hotline data but no call in the 35 days gets 0 and 0.0; ``counts`` ``None`` (no hotline data at all)
    leaves the columns out, so the surge rule stays silent."""
    if counts is None:
        return projects
    base = pd.Index([KEY_SEP.join(k.split(KEY_SEP, 2)[:2]) for k in project_key(projects).to_numpy(object)])
    found = counts.reindex(base)
    out = projects.copy()
    out["calls_7d"] = pd.array(found["calls_7d"].fillna(0).to_numpy(), dtype="Int64")
    out["calls_4w_avg"] = pd.array(found["calls_4w_avg"].fillna(0.0).to_numpy(), dtype="Float64")
    return out
