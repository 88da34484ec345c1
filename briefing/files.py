"""The briefing's files (PPTX, PDF, Excel), written the same way by the app's download buttons and the command line.

``write_file`` is the one way a briefing becomes a file: both callers get the same bytes for the same briefing
(the renderers date their files from the briefing, ``briefing.reproducible``). When the charts cannot be drawn
(no chromium, or it failed to start), the file is still written, each chart replaced by a warning note saying
so and what the chart showed (its alt text), and the caller is told, so it can say so in the user's language.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from briefing import blocks as B
from briefing.images import ChartRenderError, browser_path
from housing.i18n import t

# Format -> (module, function) of its renderer, imported only when asked for (each has heavy dependencies).
RENDERERS: dict[str, tuple[str, str]] = {
    "pptx": ("briefing.pptx", "render_pptx"),
    "pdf": ("briefing.pdf", "render_pdf"),
    "xlsx": ("briefing.xlsx", "render_xlsx"),
}
MIME_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Written:
    """A briefing file: its bytes, and whether its charts had to be replaced by notes (no browser to draw them)."""

    data: bytes
    charts_missing: bool = False


def renderer(fmt: str) -> Callable[[B.Briefing], bytes]:
    """The render function for ``fmt``; ``ImportError`` when that renderer is not part of this build."""
    module, name = RENDERERS[fmt]
    return getattr(importlib.import_module(module), name)


def write_file(b: B.Briefing, fmt: str) -> Written:
    """The briefing as a ``fmt`` file; when its charts cannot be drawn, the file with notes in their place."""
    render = renderer(fmt)
    try:
        return Written(render(b))
    except ChartRenderError:
        return Written(render(without_charts(b)), charts_missing=True)


def without_charts(b: B.Briefing) -> B.Briefing:
    """The briefing with each chart replaced by a warning note: the chart could not be drawn, and what it shows."""

    def note(block: B.Block) -> B.Block:
        if not isinstance(block, B.Chart):
            return block
        return B.Note(t("dl_chart_missing", b.lang, alt=block.alt), "warning")

    def slide(s: B.Slide) -> B.Slide:
        return replace(s, blocks=tuple(note(block) for block in s.blocks))

    sections = tuple(replace(sec, slides=tuple(slide(s) for s in sec.slides)) for sec in b.sections)
    return replace(b, sections=sections)


def charts_drawable() -> bool:
    """Whether a browser to draw the charts is installed (a quick look: no browser is started)."""
    try:
        browser_path()
    except ChartRenderError:
        return False
    return True


def file_name(lang: str, as_of: dt.date, fmt: str) -> str:
    """``调度会_2021-05-01.pptx`` / ``briefing_2021-05-01.pdf``: what it is and the as-of date."""
    return f"{t('dl_file_stem', lang)}_{as_of.isoformat()}.{fmt}"
