"""Roles, actions and who may do what, declared once as data; the acting account as the service sees it."""

from __future__ import annotations

from dataclasses import dataclass, field

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
ROLES: tuple[str, ...] = (VIEWER, EDITOR, ADMIN)

# Actions the service performs or records. Each role may do its own and everything of the roles before it.
VIEW = "view"  # dashboards, the briefing
EXPORT = "export"  # downloads of tables, decks, PDFs
UPLOAD = "upload"  # validate a workbook (the attempt and its outcome are audited)
PUBLISH = "publish"
ROLLBACK = "rollback"
SAVE_MAPPING = "save_mapping"  # remember a layout's column mapping
SAVE_SETTINGS = "save_settings"  # rule thresholds and other settings
MANAGE_ACCOUNTS = "manage_accounts"
READ_AUDIT = "read_audit"
RAISE_TASK = "raise_task"  # raise a supervision task (督办事项), on a page, from the briefing or from a sheet
# Record a task's next step: its assignee may always, whatever their role (``service.tasks``); these roles may
# for any task within their districts.
ADVANCE_TASK = "advance_task"

PERMISSIONS: dict[str, frozenset[str]] = {
    VIEWER: frozenset({VIEW, EXPORT}),
    EDITOR: frozenset({VIEW, EXPORT, UPLOAD, PUBLISH, ROLLBACK, SAVE_MAPPING, RAISE_TASK, ADVANCE_TASK}),
    ADMIN: frozenset(
        {
            *(VIEW, EXPORT, UPLOAD, PUBLISH, ROLLBACK, SAVE_MAPPING, SAVE_SETTINGS, MANAGE_ACCOUNTS, READ_AUDIT),
            *(RAISE_TASK, ADVANCE_TASK),
        }
    ),
}
ACTIONS: tuple[str, ...] = tuple(sorted(PERMISSIONS[ADMIN]))


@dataclass(frozen=True)
class Actor:
    """The signed-in account acting: its name (recorded as uploader, publisher, author), role, the districts
    an editor is limited to (empty: all) and the client's address for the audit trail."""

    username: str
    role: str
    districts: tuple[str, ...] = field(default=())
    address: str = ""

    def may(self, action: str) -> bool:
        """Whether the role allows ``action``."""
        return action in PERMISSIONS.get(self.role, frozenset())

    def covers(self, districts: tuple[str, ...] | list[str]) -> bool:
        """Whether every one of ``districts`` is within this account's districts (always, when unlimited)."""
        return not self.districts or set(districts) <= set(self.districts)


class Refused(Exception):
    """The acting account may not do this; the refusal is audited. ``key`` names a catalogue text."""

    def __init__(self, action: str, key: str = "sv_refused", **params: object) -> None:
        super().__init__(action)
        self.action, self.key, self.params = action, key, params
