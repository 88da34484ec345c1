"""Column mappings chosen on the upload page, remembered for the next file with the same headers.

A district office uploads the same layout every week; when a column was read wrongly (or not at all) and the
user said what it is, the next file with the same headers is read the same way without asking again. A
mapping is {header text as written → field key, or ``None`` for "not used"}, kept in the append-only
settings log under a key derived from the file's set of headers, so who chose it and when stays known.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, Engine

from store.settings_log import load_setting, save_setting, save_setting_in

PREFIX = "column_mapping:"


def layout_key(headers: Iterable[str]) -> str:
    """The settings-log key of a layout: its header texts as a set (order and repeats do not matter)."""
    joined = "\x1f".join(sorted({str(h) for h in headers if str(h).strip()}))
    return PREFIX + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:40]


def remembered_mapping(engine: Engine, headers: Iterable[str]) -> dict[str, str | None]:
    """The mapping last chosen for this layout ({} when none was)."""
    stored = load_setting(engine, layout_key(headers))
    return {str(k): (str(v) if v else None) for k, v in (stored or {}).items()}


def remember_mapping(engine: Engine, headers: Iterable[str], mapping: Mapping[str, str | None], by: str) -> None:
    """Keep ``mapping`` for this layout (an empty mapping forgets the earlier choice: automatic again)."""
    save_setting(engine, layout_key(headers), {str(k): v for k, v in mapping.items()}, by or "—")


def remember_mapping_in(conn: Connection, headers: Iterable[str], mapping: Mapping[str, str | None], by: str) -> None:
    """``remember_mapping`` inside the caller's write transaction (so an audit row commits with it)."""
    save_setting_in(conn, layout_key(headers), {str(k): v for k, v in mapping.items()}, by or "—")
