"""The briefing's download buttons (ui/downloads.py): on the overview and in the presentation's settings, built on
click, recorded as exports, and byte for byte the file ``python -m briefing build`` writes for the same inputs."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from app_pages import open_page
from pptx import Presentation
from sqlalchemy import select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import app_test

from briefing import images
from briefing.cli import main
from housing.i18n import t
from store.db import open_database
from store.schema import audit_log

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-21"


class RecordingFiles(MediaFileManager):
    """The AppTest's media file manager, keeping each deferred download's file name and the callable a click runs."""

    made: dict[str, tuple[str, Callable[[], bytes]]] = {}

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs) -> str:
        file_id = super().add_deferred(data_callable, mimetype, coordinates, file_name=file_name, **kwargs)
        RecordingFiles.made[file_id] = (file_name, data_callable)
        return file_id


@pytest.fixture
def clicks(monkeypatch):
    """``clicks(at, key)``: the label, file name and bytes a click on the download button ``key`` gives."""
    monkeypatch.setattr(app_test, "MediaFileManager", RecordingFiles)
    st.cache_data.clear()  # a briefing cached by another test's database must not answer for this one

    def click(at, key: str) -> tuple[str, str, bytes]:
        (button,) = [b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}")]
        name, make = RecordingFiles.made[button.proto.deferred_file_id]
        return button.proto.label, name, make()  # run as the server runs it: after the page's run, on a click

    return click


def cli(tmp_path: Path, fmt: str, *args: str) -> bytes:
    """The file ``python -m briefing build published`` writes (in this process: the same chart images)."""
    out = tmp_path / f"cli.{fmt}"
    assert main(["build", "published", "--as-of", AS_OF, *args, "--format", fmt, "--out", str(out)]) == 0
    return out.read_bytes()


def exports(url: str) -> list[tuple[str, str, str]]:
    """The audit trail's export rows: account, target, the file recorded."""
    with open_database(url).connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.action == "export").order_by(audit_log.c.id)).all()
    return [(r.account, r.target, r.detail["filters"]["file"]) for r in rows]


def test_the_overview_buttons_give_the_command_lines_files(app_database, clicks, tmp_path):
    at = open_page("views/overview.py")  # the first start publishes the sample as version 1
    made = {fmt: clicks(at, f"ov_{fmt}") for fmt in ("xlsx", "pdf", "pptx")}
    assert {fmt: (label, name) for fmt, (label, name, _) in made.items()} == {
        "xlsx": ("下载 Excel", "调度会_2026-11-21.xlsx"),
        "pdf": ("下载 PDF", "调度会_2026-11-21.pdf"),
        "pptx": ("下载 PPT", "调度会_2026-11-21.pptx"),
    }
    for fmt in ("xlsx", "pdf"):
        assert made[fmt][2] == cli(tmp_path, fmt), fmt
    # the deck through ``python -m`` in a process of its own: its own browser draws the charts
    out = tmp_path / "cli.pptx"
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "build", "published", "--as-of", AS_OF, "--format", "pptx"]
        + ["--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    (tmp_path / "app.pptx").write_bytes(made["pptx"][2])
    assert made["pptx"][2] == out.read_bytes()
    assert exports(app_database) == [("admin", fmt, name) for fmt, (_, name, _) in made.items()]


def test_the_presentations_settings_give_the_chosen_briefing(app_database, clicks, tmp_path):
    at = open_page("views/presentation.py", lang="en", districts="历城区", sections="headline,red")
    label, name, data = clicks(at, "pr_xlsx")
    assert (label, name) == ("Download Excel", "briefing_2026-11-21.xlsx")
    assert data == cli(tmp_path, "xlsx", "--lang", "en", "--districts", "历城区", "--sections", "headline,red")
    assert data != cli(tmp_path, "xlsx", "--lang", "en")  # the choice is in the file
    assert {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")} >= {"pr_pptx", "pr_pdf", "pr_xlsx"}
    assert exports(app_database) == [("admin", "xlsx", name)]


def test_without_a_browser_the_page_says_so_and_the_deck_has_notes_for_its_charts(
    app_database, clicks, monkeypatch, tmp_path, capsys
):
    monkeypatch.setattr(images, "BROWSER_NAMES", ())
    monkeypatch.setattr(images, "KNOWN_BROWSERS", ())
    monkeypatch.setenv("BROWSER_PATH", "")
    monkeypatch.setattr(images, "_cache", type(images._cache)())  # nothing drawn earlier in this process
    at = open_page("views/overview.py", lang="en")
    assert t("dl_no_browser", "en") in [c.value for c in at.caption]
    _, _, data = clicks(at, "ov_pptx")
    deck = Presentation(io.BytesIO(data))
    shapes = [shape for slide in deck.slides for shape in slide.shapes]
    assert not [s for s in shapes if s.shape_type == 13]  # no picture
    texts = [s.text_frame.text for s in shapes if s.has_text_frame]
    missing = t("dl_chart_missing", "en", alt="")
    assert any(text.startswith(missing) and len(text) > len(missing) for text in texts)
    assert data == cli(tmp_path, "pptx", "--lang", "en")  # the command line writes the same notes
    assert t("dl_charts_missing_cli", "en") in capsys.readouterr().err


def test_without_the_cjk_font_the_pdf_button_is_off_and_says_why(app_database, monkeypatch):
    from briefing import pdf
    from ui import downloads

    monkeypatch.setattr(pdf, "_fc_match", lambda style: None)
    monkeypatch.setattr(pdf, "_known_path", lambda style: None)
    monkeypatch.delenv("BRIEFING_CJK_FONT", raising=False)
    downloads.pdf_font_problem.cache_clear()
    try:
        at = open_page("views/overview.py", lang="en")
    finally:
        downloads.pdf_font_problem.cache_clear()  # the next test finds the installed font again
    buttons = {b.proto.id.rsplit("-", 1)[-1]: b.proto for b in at.get("download_button")}
    assert buttons["ov_pdf"].disabled and not buttons["ov_pptx"].disabled and not buttons["ov_xlsx"].disabled
    assert t("deck_font_missing", "en") in [c.value for c in at.caption]
