"""What every page shows, decided once per run by ``app.py``: language, date, data and filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from housing.datasets import Sample
from loaders import LoadResult

VIEW_KEY = "view"


@dataclass(frozen=True)
class View:
    """The current selection and the data it yields."""

    lang: str
    as_of: dt.date
    sample: Sample
    result: LoadResult
    classified: pd.DataFrame  # every project, with status and reasons
    projects: pd.DataFrame  # the projects left after the sidebar filters
    districts: tuple[str, ...]  # the districts chosen in the sidebar (empty: all)

    def region(self) -> str:
        """The title's area: the one district chosen, or the dataset's region."""
        return self.districts[0] if len(self.districts) == 1 else self.sample.region(self.lang)


def current_view() -> View:
    """The view ``app.py`` prepared for this run."""
    return st.session_state[VIEW_KEY]
