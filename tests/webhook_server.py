"""A fake group-chat robot on loopback for the notice tests: DingTalk's ``/robot/send`` and WeCom's
``/cgi-bin/webhook/send``, as the platforms document them.

It checks what a real robot checks — DingTalk's signature (``timestamp`` within an hour, ``sign`` the
URL-encoded base64 HMAC-SHA256 of "timestamp\\nsecret"), the markdown message's shape, and the size limit —
and answers as they do (``{"errcode": 0, "errmsg": "ok"}``, or the error code). ``script`` lists answers to
give first (an HTTP status, or an errcode), to exercise retries; every request is kept for the tests to count.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

SECRET = "SECtest-signing-secret-0123456789abcdef"
TOKEN = "access-token-that-must-stay-secret"
BAD_SIGN, BAD_FORMAT, TOO_BIG = 310000, 300001, 460101  # DingTalk's codes for a wrong signature, body, size
# What ``from webhook_server import *`` brings: the fixture (a test module names it only as an argument).
__all__ = ["robot"]


@dataclass
class Robot:
    """What the fake robot received and will answer next."""

    script: list[int] = field(default_factory=list)  # next answers: >= 100 and < 600 an HTTP status, else errcode
    received: list[dict] = field(default_factory=list)  # every accepted or refused body, in order
    refused: list[int] = field(default_factory=list)  # the errcodes it answered with (its own checks)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _dingtalk_check(query: dict, body: dict, raw: bytes) -> int:
    """DingTalk's checks: signature, message shape, size (``0``: fine, else the errcode)."""
    stamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    if query.get("access_token", [""])[0] != TOKEN:
        return BAD_SIGN
    if not stamp.isdigit() or abs(int(stamp) - time.time() * 1000) > 3_600_000:
        return BAD_SIGN
    digest = hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    if sign != base64.b64encode(digest).decode():  # parse_qs already URL-decoded it
        return BAD_SIGN
    markdown = body.get("markdown")
    if body.get("msgtype") != "markdown" or not isinstance(markdown, dict) or set(markdown) != {"title", "text"}:
        return BAD_FORMAT
    if not markdown["title"] or not markdown["text"]:
        return BAD_FORMAT
    if len(raw) > 20_000:  # the whole body as it came
        return TOO_BIG
    return 0


def _wecom_check(query: dict, body: dict, raw: bytes) -> int:
    """WeCom's checks: the key, the markdown shape, content at most 4,096 bytes."""
    if query.get("key", [""])[0] != TOKEN:
        return 93000  # invalid webhook key
    markdown = body.get("markdown")
    if body.get("msgtype") != "markdown" or not isinstance(markdown, dict) or set(markdown) != {"content"}:
        return 40008  # invalid message type
    if len(str(markdown["content"]).encode("utf-8")) > 4096:
        return 40058  # content too long
    return 0


def start(robot: Robot) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``robot`` on a free loopback port in a thread; returns the server and its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = {}
            query = parse_qs(parts.query)
            with robot.lock:
                robot.received.append(body)
                scripted = robot.script.pop(0) if robot.script else None
            if scripted is not None and 100 <= scripted < 600:
                self._answer(scripted, {"errcode": -1, "errmsg": "scripted"})
                return
            check = _dingtalk_check if parts.path == "/robot/send" else _wecom_check
            code = scripted if scripted is not None else check(query, body, raw)
            if code:
                robot.refused.append(code)
            self._answer(200, {"errcode": code, "errmsg": "ok" if code == 0 else "refused"})

        def _answer(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:  # keep the test output quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def robot(monkeypatch, tmp_path):
    """A fake robot and two channels pointing at it: ``weekly`` (DingTalk, signed; from the environment) and
    ``wx`` (WeCom; from secrets.toml)."""
    fake = Robot()
    server, base = start(fake)
    monkeypatch.setattr("store.db.SECRETS", tmp_path / "secrets.toml")
    (tmp_path / "secrets.toml").write_text(
        f'[notices.channels.wx]\nkind = "wecom"\nurl = "{base}/cgi-bin/webhook/send?key={TOKEN}"\n', "utf-8"
    )
    monkeypatch.setenv("RESETTLE_CHANNEL_WEEKLY_URL", f"{base}/robot/send?access_token={TOKEN}")
    monkeypatch.setenv("RESETTLE_CHANNEL_WEEKLY_KIND", "dingtalk")
    monkeypatch.setenv("RESETTLE_CHANNEL_WEEKLY_SECRET", SECRET)
    yield fake
    server.shutdown()
    server.server_close()
