"""Charts as PNG images for the deck and the PDF: Plotly through kaleido 1.x and Debian's chromium.

Both renderers call ``chart_pngs`` once per briefing, so one browser session draws every chart (starting
chromium costs about 1.5 s on an idle machine; each further chart about 0.2 s), and recent images are
cached, so the PDF made after the deck (or a second download) starts no browser at all. The browser is
never downloaded at run time: its path is found here (``BROWSER_PATH``, then the usual Debian/Ubuntu
names) and handed to kaleido in code.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import shutil
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefing.blocks import Chart

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
KNOWN_BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Fonts every chart is drawn with when its figure names none: CJK first so Chinese labels never fall back
# to a face without the glyphs (Noto CJK is what Debian's fonts-noto-cjk installs; YaHei is on Windows).
CHART_FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
CHART_WIDTH_PX = 960  # CSS pixels: about a slide's width at 72 dpi, so the chart's 12 px labels read as ~12 pt
SCALE = 2  # device pixels per CSS pixel: crisp on a projector and in print
# The template every image is drawn with, whatever the figure carries: a figure takes the process's default
# template when it is built, and importing Streamlit makes that its own, so without this the app's downloads
# and the command line would draw the same chart differently (and their files would differ).
IMAGE_TEMPLATE = "plotly"


class ChartRenderError(RuntimeError):
    """Raised when the charts cannot be drawn (no browser found, or the browser failed)."""


def browser_path() -> str:
    """The chromium executable kaleido drives: ``BROWSER_PATH`` if set, else the first one installed."""
    candidates = [os.environ.get("BROWSER_PATH", "")]
    candidates += [shutil.which(name) or "" for name in BROWSER_NAMES]
    candidates += list(KNOWN_BROWSERS)
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ChartRenderError(
        "No chromium browser found to draw the charts: install Debian's `chromium` package "
        "or set BROWSER_PATH to a Chrome/Chromium executable."
    )


def _styled(chart: Chart) -> dict[str, Any]:
    """The chart's figure with the image template, a CJK-capable font and a white background unless the figure
    sets them."""
    import plotly.io as pio  # imported here, as kaleido is: needed only to draw

    figure = dict(chart.figure)
    layout = dict(figure.get("layout") or {})
    layout["template"] = pio.templates[IMAGE_TEMPLATE].to_plotly_json()
    font = dict(layout.get("font") or {})
    font.setdefault("family", CHART_FONT)
    layout["font"] = font
    layout.setdefault("paper_bgcolor", "white")
    figure["layout"] = layout
    return figure


async def _draw_all(charts: Sequence[Chart], path: str) -> list[bytes]:
    import kaleido  # type: ignore[import-untyped]  # imported here: it starts logging and checks plotly on import, needed only for charts

    # mathjax=False: no formulas in our charts, and kaleido would otherwise fetch MathJax from a CDN.
    async with kaleido.Kaleido(path=path, mathjax=False) as k:
        return [await k.calc_fig(_styled(c), opts=_opts(c)) for c in charts]


def _opts(chart: Chart) -> dict[str, Any]:
    return {"format": "png", "width": CHART_WIDTH_PX, "height": chart.height_px, "scale": SCALE}


def _run_in_thread(charts: Sequence[Chart], path: str) -> list[bytes]:
    """Run the async session on a thread of its own, so it works under a caller's running event loop."""
    result: queue.Queue[list[bytes] | BaseException] = queue.Queue(maxsize=1)

    def work() -> None:
        try:
            result.put(asyncio.run(_draw_all(charts, path)))
        except BaseException as error:  # handed to the caller's thread, raised there
            result.put(error)

    thread = threading.Thread(target=work, name="briefing-charts", daemon=True)
    thread.start()
    thread.join()
    outcome = result.get()
    if isinstance(outcome, BaseException):
        raise ChartRenderError(f"The charts could not be drawn: {outcome}") from outcome
    return outcome


CACHE_SIZE = 32  # chart images kept (about 100 KB each): the PDF after the deck, or a second download, reuses them
_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _key(chart: Chart) -> str:
    """What an image depends on: the figure and its size (not the chart's key or alt text)."""
    return json.dumps([chart.figure, chart.height_px, CHART_WIDTH_PX, SCALE], sort_keys=True, default=str)


def chart_pngs(charts: Sequence[Chart]) -> list[bytes]:
    """Every chart as PNG bytes (``CHART_WIDTH_PX`` × its ``height_px``, at 2×). Charts drawn recently come
    from a small cache; the others are drawn together in one browser session."""
    keys = [_key(chart) for chart in charts]
    with _cache_lock:
        found = {key: _cache[key] for key in keys if key in _cache}
    missing = {key: chart for key, chart in zip(keys, charts) if key not in found}
    if missing:
        found.update(zip(missing, _draw(list(missing.values()))))
        _remember({key: found[key] for key in missing})
    return [found[key] for key in keys]


def _draw(charts: list[Chart]) -> list[bytes]:
    """Draw in a fresh browser; once more if that fails (a browser that did not start on a busy machine)."""
    path = browser_path()
    try:
        return _run_in_thread(charts, path)
    except ChartRenderError:
        return _run_in_thread(charts, path)


def _remember(images: dict[str, bytes]) -> None:
    with _cache_lock:
        for key, png in images.items():
            _cache[key] = png
            _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def briefing_charts(slides: Sequence[Any]) -> list[Chart]:
    """Every chart block of the given slides, in order (the renderers draw them all at once)."""
    return [block for slide in slides for block in slide.blocks if isinstance(block, Chart)]


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header (IHDR)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
