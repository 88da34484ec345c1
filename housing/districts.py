"""District names in an upload that mean a district the register already knows, and rows without one.

A district office writes 章丘 one week and 章丘区 the next, or types 历城 区 with a space. Read as they are,
those are new districts: the project would be counted twice across versions and the district-scoped
publish would replace the wrong rows. These checks need the current version's districts, so they run on
the upload page, not in the loader; each finding is a warning naming the known district, and the page
offers to read the file's name as it (``apply_mapping``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from housing.issues import Issue

# Administrative suffixes a district name is written with or without (市辖区, 县, 县级市).
SUFFIXES = ("区", "县", "市")
SUFFIX, SPACING = "district_variant_suffix", "district_variant_spacing"


def _compact(name: str) -> str:
    """Full-width to half-width and every whitespace removed (the ideographic space U+3000 included)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def district_stem(name: str) -> str:
    """The name without whitespace and without one trailing administrative suffix: 章丘区 and 章 丘 → 章丘.

    A name that is only a suffix keeps it (nothing would be left to compare).
    """
    compact = _compact(name)
    if len(compact) > 1 and compact.endswith(SUFFIXES):
        return compact[:-1]
    return compact


@dataclass(frozen=True)
class Variant:
    """A district name in the file that differs from a known one only by its suffix or by spacing."""

    written: str  # as in the file
    known: str  # the current version's district it matches
    rows: tuple[tuple[str, int], ...]  # (sheet, Excel row) of each project naming it

    @property
    def code(self) -> str:
        """``district_variant_spacing`` when only whitespace differs, else ``district_variant_suffix``."""
        return SPACING if _compact(self.written) == _compact(self.known) else SUFFIX


def district_variants(projects: pd.DataFrame, known: Iterable[str]) -> list[Variant]:
    """The file's district names that are not a known district but match exactly one by ``district_stem``.

    Names matching none are new districts; a name matching two known ones (章丘区 and 章丘市 both on
    record) is ambiguous and left as written. In order of first appearance in the file.
    """
    known = [k for k in dict.fromkeys(known) if isinstance(k, str)]
    by_stem: dict[str, list[str]] = {}
    for name in known:
        by_stem.setdefault(district_stem(name), []).append(name)
    named = projects[projects["district"].notna()]
    variants = []
    for key, rows in named.groupby("district", sort=False):
        written = str(key)  # the district column holds text; the groupby key is typed as any scalar
        matches = by_stem.get(district_stem(written), [])
        if written in known or len(matches) != 1:
            continue
        where = tuple((str(s), int(r)) for s, r in zip(rows["sheet"].fillna(""), rows["row"]))
        variants.append(Variant(written, matches[0], where))
    return variants


def rows_without_district(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects with no district in a file whose other projects name one (empty when none names one:
    then the file simply has no district column, which is not a mistake in one row)."""
    missing = projects["district"].isna()
    if missing.all():
        return projects.iloc[0:0]
    return projects[missing]


def district_issues(projects: pd.DataFrame, known: Iterable[str]) -> list[Issue]:
    """Warnings for the upload report: each row naming a variant of a known district, each row without one."""
    issues = [
        Issue(v.code, sheet, row, "", v.written, {"written": v.written, "known": v.known})
        for v in district_variants(projects, known)
        for sheet, row in v.rows
    ]
    missing = rows_without_district(projects)
    issues += [
        Issue("district_missing", str(sheet), int(row), "", str(name), {"name": str(name)})
        for sheet, row, name in zip(missing["sheet"].fillna(""), missing["row"], missing["name"])
    ]
    return sorted(issues, key=lambda i: (i.sheet, i.row or 0))


def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """``frame`` (projects or stage dates) with each district written as a key of ``mapping`` read as its value."""
    if not mapping:
        return frame
    return frame.assign(district=frame["district"].replace(mapping))


def repeated_projects(projects: pd.DataFrame) -> list[str]:
    """Names listed more than once in the same district (after ``apply_mapping`` two spellings of one district
    become one, so two rows the loader saw as different districts can turn out to be one project twice)."""
    repeated = projects[projects.duplicated(["district", "name"], keep="first")]
    return list(dict.fromkeys(repeated["name"].tolist()))
