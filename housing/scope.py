"""One district's workbook published into the whole register: the other districts' rows stay as they are.

District offices send their own weekly workbooks. Publishing one of them as the whole register would drop
every other district from the dashboard, so an upload that names only some of the current districts can
replace just those: the new version is the current version's rows outside them plus the file's rows (and
the same for the stage dates). A file where some project names no district cannot be scoped this way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from housing.changes import Changes, project_key

# A publish removing more than this share of the current projects or households is stated and confirmed.
CONFIRM_SHARE = 0.1


def file_districts(projects: pd.DataFrame) -> list[str]:
    """The districts a file's projects name, in order of first appearance; empty when any project names none."""
    districts = projects["district"]
    if districts.empty or districts.isna().any():
        return []
    return list(dict.fromkeys(districts.tolist()))


def kept_rows(current: pd.DataFrame, covered: list[str]) -> pd.DataFrame:
    """The current rows a file covering ``covered`` leaves as they are (rows without a district included)."""
    return current[~current["district"].isin(covered)]


def merge_districts(current: pd.DataFrame, upload: pd.DataFrame, covered: list[str]) -> pd.DataFrame:
    """The current rows outside ``covered`` with the upload's rows in their place.

    Rows stay grouped by district in the current version's order (districts new to the register after
    them, rows without a district last), each group in its own order.
    """
    merged = pd.concat([kept_rows(current, covered), upload], ignore_index=True)
    order = list(dict.fromkeys([*current["district"].dropna().tolist(), *covered]))
    rank = merged["district"].map({d: i for i, d in enumerate(order)}).astype("float").fillna(len(order))
    return merged.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)


@dataclass(frozen=True)
class Removal:
    """The current projects a publish would leave out of the new version, against the current totals."""

    projects: pd.DataFrame  # the current rows that go, in their order
    current_projects: int
    current_households: int

    @property
    def households(self) -> int:
        """Households of the projects that go (a blank count counts as none)."""
        return int(self.projects["households"].fillna(0).sum())

    @property
    def large(self) -> bool:
        """More than ``CONFIRM_SHARE`` of the current projects or households goes: ask before publishing."""
        return len(self.projects) > CONFIRM_SHARE * self.current_projects or (
            self.households > CONFIRM_SHARE * self.current_households
        )


def removal(current: pd.DataFrame, new: pd.DataFrame) -> Removal:
    """What publishing ``new`` over ``current`` removes: the current projects whose district + name
    (``project_key``, the key the change preview uses) the new version lacks."""
    gone = ~project_key(current).isin(set(project_key(new).dropna()))
    households = int(current["households"].fillna(0).sum())
    return Removal(current[gone.to_numpy()].reset_index(drop=True), len(current), households)


def removal_in(changes: Changes) -> Removal:
    """``removal`` read off a comparison already made, ``diff_projects(current, new)``: its removed projects are
    the current rows whose key the new version lacks, so the same projects, without comparing 50,000 keys again."""
    before = changes.totals_before
    return Removal(changes.removed, before.projects, before.households)
