"""Cached data access for pages: everything derived from a workbook is keyed on its version id."""

from __future__ import annotations

import streamlit as st

from housing.datasets import SAMPLES, file_version
from loaders import LoadResult, load_workbook


@st.cache_data(show_spinner=False, max_entries=16)
def _load_version(dataset_id: str, version: str) -> LoadResult:
    # ``version`` is only the cache key: a changed file gets a new SHA-256 and is read again.
    return load_workbook(SAMPLES[dataset_id].path)


def load_sample(dataset_id: str) -> LoadResult:
    """The bundled sample's projects and load issues, read once per file version."""
    return _load_version(dataset_id, file_version(SAMPLES[dataset_id].path))
