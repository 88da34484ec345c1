"""A test-only page: the hand-made briefing (``tests/briefings.py``) in presentation mode, for AppTest and
screenshots of the renderer without the builder or a database. ``?lang=en`` gives an English copy."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `ui`, `briefing` and `tests` import from the root

import streamlit as st  # noqa: E402

from tests.briefings import sample_briefing  # noqa: E402
from ui.slides import show_deck  # noqa: E402

st.set_page_config(page_title="briefing", layout="wide")
show_deck(sample_briefing())
