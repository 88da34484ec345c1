"""Send a notice to a group chat's robot webhook: configured channels, signing, throttling, retries, audit.

Channels live in configuration only, never in the repository or the audit trail:

- ``.streamlit/secrets.toml``: ``[notices.channels.周报群]`` with ``kind = "dingtalk"`` (or ``"wecom"``),
  ``url = "https://oapi.dingtalk.com/robot/send?access_token=…"`` and, for a DingTalk robot with the
  "加签" security setting, ``secret = "SEC…"``; optional ``[notices.mobiles]`` maps an account to the mobile
  an @mention uses;
- or the environment, which wins: ``RESETTLE_CHANNEL_<NAME>_URL``, ``…_KIND``, ``…_SECRET`` (``<NAME>``
  upper-cased; the environment suits ASCII names such as ``WEEKLY``).

Throttling: a channel never gets more than its platform's messages a minute (``housing.notices``), counted
over this process's sends and the audit trail's successful sends of the last minute (so a cron job and the
app's button share the budget). A send waits for a free slot when that is short, else fails saying so.
Retries: network errors, HTTP 429 and 5xx, and the platform's "too fast" codes are retried with exponential
backoff; anything else (a bad signature, a wrong key) fails at once. Every send, refusal and failure is one
audit row with the channel's name, kind, size, attempts and outcome — never its address or secret.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote_plus

import httpx
from sqlalchemy import Engine, and_, select

from housing.notices import DINGTALK, PLATFORMS, Platform, body, measure
from service.audit import FAILED, OK, REFUSED, record
from service.roles import ADMIN, SEND_NOTICE, Actor, Refused
from store import db
from store.db import writing
from store.schema import audit_log

log = logging.getLogger(__name__)
ENV_PREFIX = "RESETTLE_CHANNEL_"
WINDOW_S = 60.0  # the platforms' rate limits are per minute
TIMEOUT_S = 10.0
ANSWER_BYTES = 65_536  # a robot answers in a few dozen bytes: anything longer is not its answer
SCHEDULER = Actor("system", ADMIN)  # the scheduled job's account in the trail (service.accounts.SYSTEM)


class NoticeError(Exception):
    """The notice cannot be sent: ``key`` and ``params`` name the catalogue text saying why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Channel:
    """A configured robot: its name (what the trail and the screens show), platform kind, webhook address and
    signing secret. The address and secret are kept out of ``repr`` so no log or error message prints them."""

    name: str
    kind: str
    url: str = field(repr=False)
    secret: str = field(default="", repr=False)

    @property
    def platform(self) -> Platform:
        """The platform's limits."""
        return PLATFORMS[self.kind]


@dataclass(frozen=True)
class Sent:
    """What a send did: how many requests it took and the platform's last answer (errcode 0: delivered)."""

    channel: str
    kind: str
    bytes: int
    attempts: int
    waited_s: float


class _NoQuery(logging.Filter):
    """httpx logs every request's full address at INFO; a robot's address carries its token in the query
    (``access_token=…``, ``key=…``, plus the signature), so the query is dropped from that line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(a.copy_with(query=None) if isinstance(a, httpx.URL) else a for a in record.args)
        return True


logging.getLogger("httpx").addFilter(_NoQuery())


# --- configuration ---------------------------------------------------------------------------------------


def _secrets() -> Mapping:
    """The ``[notices]`` table of secrets.toml (empty when there is no file or no table)."""
    if not db.SECRETS.is_file():
        return {}
    try:
        table = tomllib.loads(db.SECRETS.read_text("utf-8")).get("notices", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        log.warning("secrets.toml cannot be read; no notice channel from it")
        return {}
    return table if isinstance(table, Mapping) else {}


def _env_names() -> set[str]:
    return {k[len(ENV_PREFIX) : -len("_URL")] for k in os.environ if k.startswith(ENV_PREFIX) and k.endswith("_URL")}


def channel_names() -> list[str]:
    """Every configured channel's name, sorted (secrets.toml's names as written, the environment's upper-case)."""
    tables = _secrets().get("channels", {})
    names = set(tables) if isinstance(tables, Mapping) else set()
    return sorted(names | _env_names())


def channel(name: str) -> Channel:
    """The channel called ``name``; ``NoticeError`` when it is not configured or its settings are unusable."""
    tables = _secrets().get("channels", {})
    table = tables.get(name, {}) if isinstance(tables, Mapping) else {}
    table = table if isinstance(table, Mapping) else {}
    env = f"{ENV_PREFIX}{name.upper()}_"
    url = os.environ.get(env + "URL") or str(table.get("url", ""))
    kind = (os.environ.get(env + "KIND") or str(table.get("kind", DINGTALK))).strip().lower()
    secret = os.environ.get(env + "SECRET") or str(table.get("secret", ""))
    if not url:
        raise NoticeError("nt_err_channel", channel=name)
    if kind not in PLATFORMS:
        raise NoticeError("nt_err_kind", channel=name, kind=kind, kinds=", ".join(PLATFORMS))
    if not url.startswith(("https://", "http://")):
        raise NoticeError("nt_err_url", channel=name)
    return Channel(name, kind, url.strip(), secret.strip())


def mobile_of(account: str) -> str:
    """The mobile number an @mention of ``account`` uses (``[notices.mobiles]``), or ""."""
    mobiles = _secrets().get("mobiles", {})
    value = mobiles.get(account, "") if isinstance(mobiles, Mapping) else ""
    return str(value).strip()


# --- the request -------------------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64 of HMAC-SHA256 over "timestamp\\nsecret" keyed with the secret, URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def request_url(ch: Channel, now_ms: int) -> str:
    """The address to post to: a signed DingTalk channel gets ``&timestamp=…&sign=…`` (fresh per attempt: the
    platform refuses a timestamp more than an hour old)."""
    if not ch.platform.signed or not ch.secret:
        return ch.url
    joiner = "&" if "?" in ch.url else "?"
    return f"{ch.url}{joiner}timestamp={now_ms}&sign={dingtalk_sign(ch.secret, now_ms)}"


def payload(kind: str, title: str, text: str, mentions: tuple[str, ...] = ()) -> dict:
    """The JSON body of a markdown message for ``kind``."""
    if kind == DINGTALK:
        message: dict = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if mentions:
            message["at"] = {"atMobiles": list(mentions), "isAtAll": False}
        return message
    return {"msgtype": "markdown", "markdown": {"content": text}}


def too_big(platform: Platform, payload: dict) -> bool:
    """Whether the platform would refuse ``payload`` for its size: the whole body where the platform limits
    that (DingTalk), else the markdown content (WeCom)."""
    if platform.body_bytes is not None:
        return len(body(payload)) > platform.body_bytes
    return measure(platform.kind, payload["markdown"]["content"]) > platform.max_bytes


# --- throttling ----------------------------------------------------------------------------------------------

# One lock per channel: a check of the budget and the send it allows happen together within a process.
_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def _channel_lock(name: str) -> threading.Lock:
    with _locks_lock:
        return _locks.setdefault(name, threading.Lock())


def _trail_sends(engine: Engine, name: str, since: dt.datetime) -> list[dt.datetime]:
    """Successful sends to channel ``name`` recorded since ``since`` (by any process), oldest first."""
    c = audit_log.c
    query = select(c.at).where(and_(c.action == SEND_NOTICE, c.outcome == OK, c.target == name, c.at >= since))
    with engine.connect() as conn:
        stamps = [a if a.tzinfo else a.replace(tzinfo=dt.UTC) for a in conn.scalars(query.order_by(c.at))]
    return stamps


def wait_needed(engine: Engine, ch: Channel, now: dt.datetime | None = None) -> float:
    """Seconds until ``ch`` may take another message: 0 while fewer than its platform's per-minute limit were
    sent to it in the last minute. Every successful send is in the audit trail before ``send_notice``
    returns, so the trail counts this process's sends and every other's (a cron job and the app's button)."""
    now = now or dt.datetime.now(dt.UTC)
    sent = _trail_sends(engine, ch.name, now - dt.timedelta(seconds=WINDOW_S))
    limit = ch.platform.per_minute
    if len(sent) < limit:
        return 0.0
    return max(0.0, (sent[-limit] - now).total_seconds() + WINDOW_S)


# --- sending -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retry:
    """How hard to try: attempts in all, the first pause (doubling after each failure) and the longest wait
    for a free slot of the rate limit before giving up."""

    attempts: int = 4
    backoff_s: float = 2.0
    max_wait_s: float = 65.0


class _Failed(Exception):
    """One attempt's failure: what failed (``http``, ``errcode``, ``answer`` or an httpx error's kind) and the
    status or error code."""

    def __init__(self, what: str, code: int | None = None) -> None:
        super().__init__(what)
        self.what, self.code = what, code


class _Retryable(_Failed):
    """Worth another attempt after a pause: the network, the server, or "too fast"."""


class _Fatal(_Failed):
    """Another attempt would fail the same way: a wrong key or signature, a refused message."""


def _answer(response: httpx.Response, deadline: float) -> bytes:
    """The answer's bytes, read as they come until ``deadline`` (``time.monotonic``) and ``ANSWER_BYTES``: an
    address that trickles a byte at a time never hit the per-read timeout and held the send for ever."""
    got = bytearray()
    for chunk in response.iter_bytes():
        got += chunk
        if len(got) > ANSWER_BYTES:
            raise _Fatal("answer")
        if time.monotonic() > deadline:
            raise _Retryable("ReadTimeout")
    return bytes(got)


def _post_once(client: httpx.Client, ch: Channel, message: dict) -> None:
    """One request, answered within ``TIMEOUT_S`` or so (each phase's timeout, and the answer read by a
    deadline); raises ``_Retryable`` or ``_Fatal`` unless the platform accepted the message."""
    deadline = time.monotonic() + TIMEOUT_S
    try:
        with client.stream(
            "POST",
            request_url(ch, int(time.time() * 1000)),
            content=body(message),  # the very bytes that were measured
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=TIMEOUT_S,
        ) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise _Retryable("http", response.status_code)
            if response.status_code >= 400:
                raise _Fatal("http", response.status_code)
            content = _answer(response, deadline)
    except httpx.TransportError as error:  # its text may hold the address: only its kind is kept
        raise _Retryable(type(error).__name__) from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise _Fatal(type(error).__name__) from None
    try:
        answer = json.loads(content)
        code = int(answer.get("errcode", 0))
    except (ValueError, TypeError, AttributeError):
        raise _Fatal("answer") from None
    if code in ch.platform.too_fast:
        raise _Retryable("errcode", code)
    if code != 0:
        raise _Fatal("errcode", code)


def _audit(engine: Engine, actor: Actor, ch_name: str, outcome: str, detail: dict) -> None:
    with writing(engine) as conn:
        record(conn, actor.username, SEND_NOTICE, outcome, ch_name, detail, actor.address)


def send_notice(
    engine: Engine,
    actor: Actor,
    channel_name: str,
    title: str,
    text: str,
    *,
    mentions: tuple[str, ...] = (),
    what: str = "summary",
    about: str = "",
    retry: Retry | None = None,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Sent:
    """Send one markdown message to the configured channel, as ``actor`` (administrators, and the system
    account for the scheduled job); ``what`` is "summary" or "assignee" (``about``: whose steps).

    Returns what it took; raises ``Refused`` (recorded) for another role and ``NoticeError`` (recorded, with
    the reason) when the channel is unusable, the message too big, the rate limit would need too long a wait,
    or every attempt failed."""
    retry = retry or Retry()
    if not actor.may(SEND_NOTICE):
        _audit(engine, actor, channel_name, REFUSED, {"reason": "sv_refused", "role": actor.role})
        raise Refused(SEND_NOTICE)
    detail: dict = {"what": what, "channel": channel_name, **({"about": about} if about else {})}
    try:
        ch = channel(channel_name)
    except NoticeError as error:
        _audit(engine, actor, channel_name, FAILED, {**detail, "reason": error.key})
        raise
    message = payload(ch.kind, title, text, mentions)
    detail.update(kind=ch.kind, bytes=measure(ch.kind, text))
    if too_big(ch.platform, message):
        limit = ch.platform.body_bytes or ch.platform.max_bytes
        shown = len(body(message)) if ch.platform.body_bytes else detail["bytes"]
        _audit(engine, actor, ch.name, FAILED, {**detail, "reason": "nt_err_size", "bytes": shown, "limit": limit})
        raise NoticeError("nt_err_size", bytes=shown, limit=limit)
    with _channel_lock(ch.name):
        return _throttled_send(engine, actor, ch, message, detail, retry, client, sleep)


def _throttled_send(
    engine: Engine,
    actor: Actor,
    ch: Channel,
    message: dict,
    detail: dict,
    retry: Retry,
    client: httpx.Client | None,
    sleep: Callable[[float], None],
) -> Sent:
    """Wait for a free slot of the channel's rate limit (or fail when that is too long), then send."""
    waited = wait_needed(engine, ch)
    if waited > retry.max_wait_s:
        _audit(engine, actor, ch.name, FAILED, {**detail, "reason": "nt_err_rate", "seconds": round(waited)})
        raise NoticeError("nt_err_rate", channel=ch.name, seconds=round(waited))
    if waited:
        sleep(waited)
    own = client or httpx.Client()
    attempts, last = 0, _Failed("none")
    try:
        for attempts in range(1, retry.attempts + 1):
            try:
                _post_once(own, ch, message)
            except _Retryable as error:
                last = error
                log.warning("notice to %s: attempt %d failed (%s %s)", ch.name, attempts, error.what, error.code)
                if attempts < retry.attempts:
                    sleep(retry.backoff_s * 2 ** (attempts - 1))
                continue
            except _Fatal as error:
                last = error
                break
            _audit(engine, actor, ch.name, OK, {**detail, "attempts": attempts, "waited_s": round(waited, 1)})
            return Sent(ch.name, ch.kind, detail["bytes"], attempts, waited)
    finally:
        if client is None:
            own.close()
    said = _said(last.what, last.code)
    _audit(engine, actor, ch.name, FAILED, {**detail, "attempts": attempts, "reason": "nt_err_send", "error": said})
    log.error("notice to %s failed after %d attempt(s): %s", ch.name, attempts, said)
    raise NoticeError("nt_err_send", channel=ch.name, attempts=attempts, error=said)


def _said(what: str, code: int | None) -> str:
    """A failure in a few words for the message: "HTTP 503", "errcode 310000", "ConnectError"."""
    if what == "http":
        return f"HTTP {code}"
    if what == "errcode":
        return f"errcode {code}"
    return what
