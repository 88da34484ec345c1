"""Reading the workbooks district offices produce into one canonical project table.

``load_workbook(path)`` / ``load_bytes(data, filename)`` return a ``LoadResult`` with ``projects`` (a
DataFrame, one row per project, floor area in m²) and ``issues`` (every problem, located by sheet,
Excel row and column header, with messages in Chinese and English).
"""

from loaders.issues import Issue
from loaders.load import LoadResult, empty_projects, load_bytes, load_workbook

__all__ = ["Issue", "LoadResult", "empty_projects", "load_bytes", "load_workbook"]
