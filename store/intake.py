"""What stands between a checked upload and publishing it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.versions import Version

if TYPE_CHECKING:  # only its shape is used: storage does not import the loader
    from loaders import LoadResult


def publish_blocker(result: LoadResult, digest: str, current: Version | None) -> str | None:
    """The reason this upload (``digest``: its file's SHA-256) cannot be published (a catalogue key), or
    ``None`` when it can.

    An unreadable file and errors block; a file with no projects would empty the dashboard; the current
    version's own file again would publish nothing new.
    """
    if not result.readable:
        return "up_blocked_unreadable"
    if result.errors:
        return "up_blocked_errors"
    if result.projects.empty:
        return "up_blocked_empty"
    if current is not None and current.sha256 == digest:
        return "up_blocked_same"
    return None
