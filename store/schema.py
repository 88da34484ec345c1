"""The database tables, declared once with SQLAlchemy Core (the migrations create exactly these).

A version is immutable: its rows, its file and its issues are written once, in the transaction that
publishes it. The single-row ``current_version`` table is the pointer the dashboard follows.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    false,
)

from housing.register import COUNT, DATE, STORED, TEXT

metadata = MetaData()
# The SQL type of each kind of register field (areas and amounts are floats: m², yuan).
_SQL_TYPES = {TEXT: Text, COUNT: Integer, DATE: Date}
_NARROW = {"stage_id": String(32)}  # a stage id is a short code

files = Table(
    "files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

versions = Table(
    "versions",
    metadata,
    # Assigned as max + 1 under the pointer lock, so numbers have no gaps even when a publish fails.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("uploader", String(100), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("file_id", Integer, ForeignKey("files.id"), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("comment", Text, nullable=False, default=""),
    Column("source", String(16), nullable=False),  # upload | rollback | sample
    # Holds the bundled sample's rows (the seeded sample, or a rollback to it): banners and exports say so.
    Column("sample", Boolean, nullable=False, default=False, server_default=false()),
    Column("parent_id", Integer, nullable=True),  # the version that was current when this one was published
    Column("restored_from", Integer, nullable=True),  # for a rollback: the version whose rows it republished
    Column("projects", Integer, nullable=False),
    Column("households", Integer, nullable=False),
    Column("floor_area_m2", Float, nullable=False),
    Column("issues", JSON, nullable=False),
    Column("summary", JSON, nullable=False),
)

# One column per stored register field (``housing.register``), between the keys and the row's location.
project_rows = Table(
    "project_rows",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    *(Column(f.name, _NARROW.get(f.name, _SQL_TYPES.get(f.kind, Float)), nullable=not f.required) for f in STORED),
    Column("sheet", Text),
    Column("row", Integer),
)

current_version = Table(
    "current_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("id = 1", name="ck_current_version_single_row"),
)

stage_dates = Table(
    "stage_dates",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("district", Text),
    Column("stage_id", String(32), nullable=False),
    Column("planned", Date),
    Column("actual", Date),
    Column("sheet", Text),
    Column("row", Integer),
)

# Settings changed in the app (rule thresholds): appended, never updated, so who changed what stays known.
settings_log = Table(
    "settings_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, index=True),
    Column("value", JSON, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", String(100), nullable=False),
)

# People who sign in (built-in accounts; single sign-on accounts are created on first sign-in without a
# password). ``districts`` limits an editor to those districts' rows (empty list: every district).
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False, default=""),
    Column("email", String(255), nullable=True, unique=True),
    Column("role", String(16), nullable=False),  # viewer | editor | admin (service.roles.ROLES)
    Column("districts", JSON, nullable=False),
    Column("password_hash", Text, nullable=True),  # Argon2id; NULL for single sign-on accounts
    Column("must_change_password", Boolean, nullable=False, default=False, server_default=false()),
    Column("failed_attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("disabled", Boolean, nullable=False, default=False, server_default=false()),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("last_sign_in", DateTime(timezone=True), nullable=True),
)

# The audit trail: appended in the same transaction as the change it records, never updated or deleted.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("account", String(100), nullable=False, index=True),  # username, or what was typed on a failed sign-in
    Column("action", String(32), nullable=False, index=True),  # service.roles action names, plus sign_in ...
    Column("outcome", String(16), nullable=False),  # ok | refused | failed
    Column("target", Text, nullable=False, default=""),  # what it touched: "version 12", "account li", a file name
    Column("detail", JSON, nullable=False),  # figures and reasons, never secrets
    Column("address", String(64), nullable=False, default=""),  # the client's IP address as the server saw it
)

# Supervision tasks (督办事项) and the steps of their 1-3-7 clock (``housing.tasks``): each step's time (UTC) and
# who recorded it. A project is named by its district and name, as in the register (no project has an id).
tasks = Table(
    "tasks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text, nullable=False),
    Column("project", Text, nullable=True),
    Column("district", Text, nullable=True),
    Column("unit", Text, nullable=False),  # the responsible unit (责任单位)
    Column("assignee", String(100), nullable=False, index=True),  # an account's username
    Column("raised_by", String(100), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False, index=True),
    Column("acknowledged_at", DateTime(timezone=True), nullable=True),
    Column("acknowledged_by", String(100), nullable=True),
    Column("replied_at", DateTime(timezone=True), nullable=True),
    Column("replied_by", String(100), nullable=True),
    Column("replied_note", Text, nullable=False, default="", server_default=""),
    Column("done_at", DateTime(timezone=True), nullable=True),
    Column("done_by", String(100), nullable=True),
    Column("done_note", Text, nullable=False, default="", server_default=""),
    Column("source", String(16), nullable=False),  # page | briefing | sheet (housing.tasks.SOURCES)
)

# 12345 hotline tickets, one row per ticket number: a later export of the same ticket updates its row (its
# reply and rating may have come since), so overlapping exports never count a call twice. The project it is
# matched to is named by district + name (``housing.hotline``); ``match``: auto | assigned | unmatched.
hotline_tickets = Table(
    "hotline_tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_no", String(64), nullable=False, unique=True),
    Column("received", DateTime, nullable=False, index=True),
    Column("text", Text, nullable=False, default=""),
    Column("district", Text, nullable=True),  # the export's own district column, when it has one
    Column("replied", Boolean, nullable=False, default=False),
    Column("replied_at", DateTime, nullable=True),
    Column("satisfaction", String(16), nullable=True),  # satisfied | basic | unsatisfied (housing.hotline.GRADES)
    Column("project_district", Text, nullable=True),
    Column("project_name", Text, nullable=True),
    Column("match", String(16), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("filename", String(255), nullable=False, default=""),
)

# The user's assignments of unmatched tickets, appended and never updated (the last one for a key wins): by
# ticket number (``kind`` ticket) and by the ticket's normalised text (``kind`` text), which later uploads
# apply to tickets with the same text.
hotline_assignments = Table(
    "hotline_assignments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),
    Column("key", Text, nullable=False),
    Column("project_district", Text, nullable=True),
    Column("project_name", Text, nullable=False),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
    Column("assigned_by", String(100), nullable=False),
)

# Columns of project_rows that carry a project field (the rest locate the row in its version).
PROJECT_FIELDS: tuple[str, ...] = tuple(
    c.name for c in project_rows.columns if c.name not in ("version_id", "position")
)
DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in STORED if f.kind == DATE)
STAGE_DATE_FIELDS: tuple[str, ...] = tuple(
    c.name for c in stage_dates.columns if c.name not in ("version_id", "position")
)

# Devices an account chose to stay signed in on (``service.devices``): the token's SHA-256, never the token.
device_sessions = Table(
    "device_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("username", String(100), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("address", String(64), nullable=False),
)
