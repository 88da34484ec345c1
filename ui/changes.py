"""Added and removed projects as display text (the weekly page, the change view's lists and their downloads)."""

from __future__ import annotations

import pandas as pd

from housing.fmt import fmt_date, fmt_int, fmt_wan
from housing.i18n import t
from housing.rollup import UNNAMED


def project_list(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Added or removed projects: name, district, street, households, 万㎡ and deadline, as text."""
    return pd.DataFrame(
        {
            t("col_name", lang): frame["name"],
            t("col_district", lang): frame["district"].fillna(UNNAMED),
            t("col_street", lang): frame["street"].fillna(UNNAMED),
            t("col_households", lang): [fmt_int(v) if pd.notna(v) else UNNAMED for v in frame["households"]],
            t("col_area", lang): [fmt_wan(v) if pd.notna(v) else UNNAMED for v in frame["floor_area_m2"]],
            t("col_deadline", lang): [fmt_date(v, lang) if pd.notna(v) else UNNAMED for v in frame["deadline"]],
        }
    )
