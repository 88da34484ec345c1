"""What changed between two versions of the project table: added, removed and edited projects.

Staff see this before publishing a new weekly workbook, and the history page compares any two versions
with it. A project is identified across versions by district + name (normalised, see ``project_key``);
``sheet`` and ``row`` say where a row sits in its workbook and are never compared. Everything runs
column by column on the merged table, so 100,000 projects take a fraction of a second.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from housing.fmt import fmt_count, fmt_date, fmt_int, fmt_wan
from housing.i18n import t
from housing.register import COMPARED, COUNT, DATE, MONEY, TEXT, UNNAMED

KEY_SEP = "\x1f"  # between district, name and occurrence; whitespace to Python, so never left inside a part
# All derived from the register's declaration (``housing.register``): the fields a diff compares, in order.
FIELDS = tuple(f.name for f in COMPARED)
TEXT_FIELDS = tuple(f.name for f in COMPARED if f.kind == TEXT)
DATE_FIELDS = tuple(f.name for f in COMPARED if f.kind == DATE)
MONEY_FIELDS = tuple(f.name for f in COMPARED if f.kind == MONEY)
COUNT_FIELDS = tuple(f.name for f in COMPARED if f.kind == COUNT)
# Differences up to this are equal: m² and percentage points lost to rounding, half a yuan; counts exactly.
TOLERANCE = {
    "floor_area_m2": 0.005,
    "progress": 0.05,
    **{name: 0.0 for name in COUNT_FIELDS},
    **{name: 0.5 for name in MONEY_FIELDS},
}
DEADLINE_SLIP, DEADLINE_EARLIER, HOUSEHOLDS, HANDED_OVER, FIELD = (
    "deadline_slip",
    "deadline_earlier",
    "households",
    "handed_over",
    "field",
)
KIND_RANK = {DEADLINE_SLIP: 0, HOUSEHOLDS: 1, HANDED_OVER: 2}  # every other kind comes after, ranked 3
CHANGED_COLUMNS = ["key", "name", "district", "field", "old", "new", "kind", "delta"]
CHANGED_TYPES = {"key": "string", "name": "string", "district": "string", "field": "string", "kind": "string"}
FIELD_LABELS = {f.name: f.label for f in COMPARED}
MISSING = UNNAMED  # an empty value reads "—" in the display tables, as a blank district does elsewhere


@dataclass(frozen=True)
class Totals:
    """The headline figures of one version of the table."""

    projects: int
    households: int
    floor_area_m2: float
    handed_over: int


@dataclass(frozen=True, eq=False)
class Changes:
    """Projects added and removed (whole rows), and field-by-field changes of the others (long form)."""

    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame
    totals_before: Totals
    totals_after: Totals

    @property
    def empty(self) -> bool:
        """True when the two versions hold the same projects with the same figures."""
        return self.added.empty and self.removed.empty and self.changed.empty

    @property
    def changed_projects(self) -> int:
        """How many projects kept their key but had at least one field changed."""
        return int(self.changed["key"].nunique())


# --- identity ----------------------------------------------------------------------------------------------


def _normal(values) -> list[str]:
    """Each text full-width to half-width, whitespace trimmed and collapsed, Latin lower-case; else ``""``."""
    nfkc = unicodedata.normalize
    return [" ".join(nfkc("NFKC", v).split()).lower() if isinstance(v, str) else "" for v in values]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of the frame, or an all-missing one when this version of the table lacks it."""
    return frame[name] if name in frame else pd.Series(pd.NA, index=frame.index, dtype="object")


def _objects(series: pd.Series) -> np.ndarray:
    """The values as Python objects, missing ones as ``None``."""
    return series.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]  # pandas-stubs lack this overload


def _keys(frame: pd.DataFrame) -> pd.Series:
    """``project_key`` as plain Python strings (object dtype hashes far faster than Arrow strings in isin)."""
    districts = _objects(_column(frame, "district"))
    names = _objects(_column(frame, "name"))
    unique = list(set(districts))  # few districts: normalise each once
    norm = dict(zip(unique, _normal(unique), strict=True))
    key = pd.Series([norm[d] + KEY_SEP + n for d, n in zip(districts, _normal(names))], index=frame.index, dtype=object)
    repeat = key.duplicated().to_numpy()
    if repeat.any():
        occurrence = key.groupby(key, sort=False).cumcount()
        key[repeat] = key[repeat] + KEY_SEP + (occurrence[repeat] + 1).astype(str)
    return key


def project_key(frame: pd.DataFrame) -> pd.Series:
    """District + name, normalised; the 2nd, 3rd … row with the same key gets its occurrence number appended.

    Normalised means full-width to half-width (NFKC), whitespace trimmed and collapsed, Latin lower-case;
    the parts are joined with ``KEY_SEP``, which no normalised part can contain, so keys never collide.
    """
    return _keys(frame).astype("string")


# --- comparing one field -----------------------------------------------------------------------------------


def _floats(series: pd.Series) -> np.ndarray:
    """Numbers as float64 with NaN for missing values."""
    return pd.to_numeric(series, errors="coerce").astype("Float64").to_numpy("float64", na_value=np.nan)


def _days(series: pd.Series) -> pd.Series:
    """Dates truncated to the day, so a time of day never counts as a change."""
    return pd.to_datetime(series).astype("datetime64[ns]").dt.normalize()


def _differs(old, new, same) -> np.ndarray:
    """Changed where exactly one side is missing, or both are present and not ``same``."""
    old_na, new_na = pd.isna(old), pd.isna(new)
    return np.asarray((old_na != new_na) | (~old_na & ~new_na & same), dtype=bool)


def _compare(field: str, old: pd.Series, new: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which rows changed in ``field``, and the delta (numbers: new − old; deadlines: days; else NaN)."""
    nan = np.full(len(old), np.nan)
    if field in TOLERANCE:
        o, n = _floats(old), _floats(new)
        with np.errstate(invalid="ignore"):
            return _differs(o, n, ~(np.abs(n - o) <= TOLERANCE[field])), np.round(n - o, 2)
    if field in DATE_FIELDS:
        od, nd = _days(old), _days(new)
        days = ((nd - od).dt.days).to_numpy("float64", na_value=np.nan)
        return _differs(od, nd, (od != nd).to_numpy(bool)), days if field == "deadline" else nan
    os_, ns_ = old.astype("string"), new.astype("string")
    return _differs(os_, ns_, (os_ != ns_).fillna(False).to_numpy(bool)), nan


def _kinds(field: str, old: pd.Series, new: pd.Series, delta: np.ndarray) -> np.ndarray:
    """The kind of each changed row of one field (see ``diff_projects``)."""
    kind = np.full(len(delta), FIELD, dtype=object)
    if field == "deadline":
        kind[delta > 0] = DEADLINE_SLIP
        kind[delta < 0] = DEADLINE_EARLIER
    elif field == "households":
        kind[:] = HOUSEHOLDS
    elif field == "handed_over":
        kind[np.asarray(old.isna() & new.notna())] = HANDED_OVER
    return kind


def _values(series: pd.Series) -> pd.Series:
    """Values as plain objects with ``None`` for missing ones (the old/new columns mix types)."""
    values = series.astype(object)
    return values.where(series.notna().to_numpy(), None).reset_index(drop=True)


def _field_changes(merged: pd.DataFrame, field: str) -> pd.DataFrame:
    """The long-form rows of one field: one per matched project whose value changed."""
    old, new = merged[f"{field}_old"], merged[f"{field}_new"]
    changed, delta = _compare(field, old, new)
    old, new, delta = old[changed], new[changed], delta[changed]
    rows = merged.loc[changed, ["key", "name_new", "district_new"]].reset_index(drop=True)
    rows.columns = ["key", "name", "district"]
    rows["field"] = field
    rows["old"], rows["new"] = _values(old), _values(new)
    rows["kind"] = _kinds(field, old, new, delta)
    rows["delta"] = pd.array(delta, dtype="Float64")
    return rows


# --- the whole diff ----------------------------------------------------------------------------------------


def totals(frame: pd.DataFrame) -> Totals:
    """Projects, households, floor area (m²) and projects handed over in one version."""
    return Totals(
        projects=len(frame),
        households=int(pd.to_numeric(_column(frame, "households"), errors="coerce").fillna(0).sum()),
        floor_area_m2=round(float(pd.to_numeric(_column(frame, "floor_area_m2"), errors="coerce").fillna(0).sum()), 2),
        handed_over=int(_column(frame, "handed_over").notna().sum()),
    )


def _order(changed: pd.DataFrame) -> pd.DataFrame:
    """Deadline slips (largest first), household changes (largest first), handovers, then by name and field."""
    rank = changed["kind"].map(KIND_RANK).fillna(3)
    delta = changed["delta"].astype("float64")
    size = np.where(changed["kind"] == DEADLINE_SLIP, -delta, np.where(changed["kind"] == HOUSEHOLDS, -delta.abs(), 0))
    field_rank = changed["field"].map({f: i for i, f in enumerate(FIELDS)})
    keys = pd.DataFrame({"r": rank, "s": np.nan_to_num(size, nan=np.inf), "n": changed["name"], "k": changed["key"]})
    keys["f"] = field_rank
    return changed.loc[keys.sort_values(["r", "s", "n", "k", "f"], kind="stable").index].reset_index(drop=True)


def _empty_changed() -> pd.DataFrame:
    """The change list with no rows (its columns and types as ``diff_projects`` returns them)."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in CHANGED_COLUMNS}).astype({"delta": "Float64"})


def _side(frame: pd.DataFrame, key: pd.Series, fields: list[str]) -> pd.DataFrame:
    """The columns one version brings to the merge: key, name, district and the compared fields."""
    side = frame[fields].reset_index(drop=True)
    side.insert(0, "key", key.to_numpy())
    side.insert(1, "name", _column(frame, "name").reset_index(drop=True))
    side.insert(2, "district", _column(frame, "district").reset_index(drop=True))
    return side


def diff_projects(old: pd.DataFrame, new: pd.DataFrame) -> Changes:
    """Compare two versions of the project table, matching projects by ``project_key``.

    ``changed`` has one row per (project, field) with columns key, name, district (as in ``new``), field,
    old, new, kind and delta. Kinds: ``deadline_slip`` (deadline later; delta = days), ``deadline_earlier``
    (delta < 0), ``households`` (delta = new − old), ``handed_over`` (a handover date appeared) and
    ``field`` for anything else (delta = numeric difference for numbers, else NA). A missing value on one
    side only is a change; areas are equal within 0.005 m², progress within 0.05 points, dates by day.
    """
    old_key, new_key = _keys(old), _keys(new)
    fields = [f for f in FIELDS if f in old and f in new]
    merged = _side(old, old_key, fields).merge(_side(new, new_key, fields), on="key", suffixes=("_old", "_new"))
    parts = [_field_changes(merged, f) for f in fields]
    parts = [p for p in parts if len(p)]
    changed = _order(pd.concat(parts, ignore_index=True)) if parts else _empty_changed()
    return Changes(
        added=new[~new_key.isin(old_key).to_numpy()].reset_index(drop=True),
        removed=old[~old_key.isin(new_key).to_numpy()].reset_index(drop=True),
        changed=changed[CHANGED_COLUMNS].astype(CHANGED_TYPES),
        totals_before=totals(old),
        totals_after=totals(new),
    )


def largest_first(projects: pd.DataFrame) -> pd.DataFrame:
    """Added or removed projects in the order a reader needs them: most households first (what a week's change
    moves), then by district and name; a project without a household count last."""
    order = pd.DataFrame(
        {
            "h": pd.to_numeric(_column(projects, "households"), errors="coerce").to_numpy("float64", na_value=np.nan),
            "d": _objects(_column(projects, "district").astype("string")),
            "n": _objects(_column(projects, "name").astype("string")),
        }
    )
    ranked = order.sort_values(["h", "d", "n"], ascending=[False, True, True], na_position="last", kind="stable")
    return projects.iloc[ranked.index.to_numpy()].reset_index(drop=True)


# --- display -----------------------------------------------------------------------------------------------


def _shown(field: str, value, lang: str) -> str:
    """One old or new value as the app writes it: dates by language, 万㎡, thousands separators."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    if field in DATE_FIELDS:
        return fmt_date(value, lang)
    if field in COUNT_FIELDS:
        return fmt_int(value)
    if field in MONEY_FIELDS:
        return fmt_wan(value)  # yuan in 万元, as forms write investment
    if field == "floor_area_m2":
        return fmt_wan(value)
    if field == "progress":
        return f"{round(float(value), 1):g}%"
    return str(value)


def _unit(count, unit_key: str, lang: str) -> str:
    """A count for a template: bare in Chinese (the template carries 天/户), with its noun in English."""
    return fmt_count(count, unit_key, lang)


def _area(m2: float, lang: str) -> str:
    """An area difference in 万㎡, or in ㎡ when it is too small to show in 万㎡ with two decimals."""
    wan = fmt_wan(m2)
    return f"{wan} {t('chg_unit_wan', lang)}" if wan != "0.00" else f"{fmt_int(m2)} {t('chg_unit_m2', lang)}"


def _change_text(field: str, old, new, lang: str) -> str:
    """The change column: days later or earlier, more or fewer households, filled in, cleared."""
    if old is None:
        return t("chg_handed_over" if field == "handed_over" else "chg_filled", lang)
    if new is None:
        return t("chg_cleared", lang)
    if field in TEXT_FIELDS or field in MONEY_FIELDS or field == "flats":
        return ""  # before and after say it: no sentence of its own
    up = "up" if new > old else "down"
    if field in DATE_FIELDS:
        days = abs((pd.Timestamp(new).normalize() - pd.Timestamp(old).normalize()).days)
        return t("chg_later" if up == "up" else "chg_earlier", lang, days=_unit(days, "count.days", lang))
    if field == "households":
        return t(f"chg_households_{up}", lang, count=_unit(fmt_int(abs(new - old)), "count.households_bare", lang))
    if field == "floor_area_m2":
        return t(f"chg_area_{up}", lang, area=_area(abs(new - old), lang))
    points = f"{round(abs(float(new) - float(old)), 1):g}"  # progress
    return t(f"chg_progress_{up}", lang, points=_unit(points, "count.points", lang))


def change_line(field: str, old, new, lang: str) -> str:
    """One change as a sentence: ``计划交付日期 2021年3月31日 → 2021年4月30日（推迟 30 天）``."""
    change = _change_text(field, old, new, lang)
    line = f"{t(FIELD_LABELS[field], lang)} {_shown(field, old, lang)} → {_shown(field, new, lang)}"
    if not change:
        return line
    return t("chg_line", lang, line=line, change=change)


def changes_table(changes: Changes, lang: str) -> pd.DataFrame:
    """The changed fields for display: project, district, field, before, after and the change, as text."""
    return changed_rows_table(changes.changed, lang)


def changed_rows_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``changes_table`` of some rows of ``Changes.changed`` (a page of them: only those are phrased)."""
    columns = ["col_name", "col_district", "chg_col_field", "chg_col_before", "chg_col_after", "chg_col_change"]
    records = [
        (
            name if isinstance(name, str) else MISSING,
            district if isinstance(district, str) else MISSING,
            t(FIELD_LABELS[field], lang),
            _shown(field, old, lang),
            _shown(field, new, lang),
            _change_text(field, old, new, lang),
        )
        for name, district, field, old, new in zip(
            rows["name"], rows["district"], rows["field"], rows["old"], rows["new"]
        )
    ]
    return pd.DataFrame(records, columns=[t(c, lang) for c in columns], dtype=object)


def _signed(value: float, shown: str) -> str:
    """A difference with its sign: ``+1,200``, ``-3``, ``0``."""
    return shown if not shown.strip("0.,") else ("+" if value > 0 else "-") + shown


def totals_table(changes: Changes, lang: str) -> pd.DataFrame:
    """Before, after and the difference for projects, households, floor area (万㎡) and handovers."""
    before, after = changes.totals_before, changes.totals_after
    lines = []
    for label, field, show in (
        ("col_projects", "projects", fmt_int),
        ("col_households", "households", fmt_int),
        ("col_area", "floor_area_m2", fmt_wan),
        ("chg_done_projects", "handed_over", fmt_int),
    ):
        a, b = getattr(before, field), getattr(after, field)
        lines.append((t(label, lang), show(a), show(b), _signed(b - a, show(abs(b - a)))))
    columns = ["chg_col_figure", "chg_col_before", "chg_col_after", "chg_col_difference"]
    return pd.DataFrame(lines, columns=[t(c, lang) for c in columns], dtype=object)
