"""The briefing's content as plain, immutable data: what every renderer draws, and nothing it computes.

Every value a reader sees is already a text in the briefing's language (``Cell.text``, ``Headline.value``);
tables also keep the raw value (``Cell.value``: int, float in m², ``datetime.date``, str) so a spreadsheet
export writes numbers and dates as such. Charts are Plotly figures as dictionaries (``Figure.to_dict()``),
drawn by the page, turned into images for the deck and the PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Section keys in the order of the meeting; the title slide always comes first and is not optional.
TITLE, HEADLINE, CHANGES, RED, YELLOW, TASKS, DISTRICTS, TIMELINE = (
    "title",
    "headline",
    "changes",
    "red",
    "yellow",
    "tasks",
    "districts",
    "timeline",
)
SECTIONS: tuple[str, ...] = (HEADLINE, CHANGES, RED, YELLOW, TASKS, DISTRICTS, TIMELINE)

# Column kinds: how a raw value is written to a spreadsheet (number format) and aligned on a slide.
TEXT, COUNT, WAN_M2, DATE, DAYS, STATUS = "text", "count", "wan_m2", "date", "days", "status"


@dataclass(frozen=True)
class Headline:
    """One headline figure: ``value`` as shown ("7,253"), its unit ("户"), its target as a sentence
    ("年度目标 9,000 户，已完成 80.6%") and the status whose colour it takes (``None``: neutral)."""

    key: str
    label: str
    value: str
    unit: str = ""
    target: str = ""
    status: str | None = None


@dataclass(frozen=True)
class Headlines:
    """A row of headline figures."""

    items: tuple[Headline, ...]


@dataclass(frozen=True)
class Column:
    """A table column: a stable key, its header in the briefing's language and its kind (see above)."""

    key: str
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Cell:
    """A table cell: the raw value (for spreadsheets) and the text every other renderer shows."""

    value: Any
    text: str


@dataclass(frozen=True)
class Table:
    """A table; ``statuses`` gives each row's status (colour) or ``None``. Renderers that page a long table
    repeat the header on every page and never cut a cell's text."""

    key: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    statuses: tuple[str | None, ...] = ()
    empty: str = ""  # what to say when there are no rows


@dataclass(frozen=True)
class Chart:
    """A chart: a Plotly figure as a dictionary, and a sentence saying what it shows (alt text, notes)."""

    key: str
    figure: dict
    alt: str
    height_px: int = 480


@dataclass(frozen=True)
class Note:
    """A paragraph; ``tone`` is ``info`` or ``warning``."""

    text: str
    tone: str = "info"


@dataclass(frozen=True)
class Facts:
    """Label/value pairs shown as a compact list (a red project's households, 万㎡, deadline, slip, unit)."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Reasons:
    """Every reason a project is flagged, each in full (never cut)."""

    items: tuple[str, ...]


Block = Headlines | Table | Chart | Note | Facts | Reasons


@dataclass(frozen=True)
class Slide:
    """One screen of the presentation (one or more PPTX slides / PDF pages when its tables are long).

    ``status`` colours the slide's title (a red project's slide is ``overdue``); ``notes`` are the speaker
    notes (the reasons in full, for the deck)."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    subtitle: str = ""
    status: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class Section:
    """A part of the meeting (one of ``SECTIONS``, or ``title``) and its slides."""

    key: str
    title: str
    slides: tuple[Slide, ...]


@dataclass(frozen=True)
class Briefing:
    """The whole briefing for one source, as-of date, language and district selection."""

    lang: str
    as_of: dt.date
    region: str
    title: str
    version: str  # "第 12 版 · 2021年4月30日 16:05 上传" / "version 12 · uploaded 2021-04-30 16:05", or the file
    footer: str  # region, as-of date and version: printed on every slide and page
    districts: tuple[str, ...] = ()
    sections: tuple[Section, ...] = field(default=())

    def slides(self) -> list[Slide]:
        """Every slide in order."""
        return [slide for section in self.sections for slide in section.slides]
