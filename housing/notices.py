"""Group-chat notices as plain data: each platform's limits, safe markdown text, and lists fitted to a size.

Declared once here so the message builder (``briefing.notice``) and the sender (``service.notices``) use the
same figures. Sources for the limits (the platforms' own robot documentation, as quoted in public copies):

- DingTalk custom robot (自定义机器人): at most 20 messages a minute per robot, otherwise throttled for 10
  minutes; errcode 130101 means "sent too fast"; a message body above 20,000 bytes is refused (errcode
  460101). Signed requests ("加签"): ``timestamp`` (ms) and ``sign`` = URL-encoded base64 of
  HMAC-SHA256(secret, "timestamp\\nsecret"); the timestamp must be within an hour of the server's clock.
- WeCom group robot (企业微信群机器人): at most 20 messages a minute per robot; markdown ``content`` at most
  4,096 bytes of UTF-8; errcode 45009 means "API frequency out of limit".

Text that comes from the data (project names, reasons, task titles) is *neutralised* rather than escaped:
neither platform documents a reliable escape character, so markdown's ASCII markup characters become their
full-width forms (``[`` → ``［``), line breaks become spaces and ``://`` / ``www.`` lose the character that
lets a client turn them into a link. A project named ``[点我](http://evil)`` shows as typed and links nowhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

DINGTALK, WECOM = "dingtalk", "wecom"


@dataclass(frozen=True)
class Platform:
    """One chat platform's robot webhook: how big a markdown message may be (UTF-8 bytes of what is measured:
    the whole JSON body for DingTalk, the ``content`` for WeCom), how many messages a minute one robot may
    send, the error codes meaning "too fast" (worth retrying later), and whether @mobile mentions work."""

    kind: str
    max_bytes: int  # the message text's budget, as ``measure`` counts it
    per_minute: int
    too_fast: frozenset[int]
    mentions: bool
    signed: bool  # whether a channel may carry a signing secret
    body_bytes: int | None = None  # a limit on the whole JSON body, where the platform has one
    in_json: bool = False  # whether the text is counted as it travels in the body (escapes included)


PLATFORMS: dict[str, Platform] = {
    # DingTalk limits the whole body to 20,000 bytes: the text gets 19,000 of them (counted with its JSON
    # escapes), the rest is for the title, mentions and the JSON around them.
    DINGTALK: Platform(DINGTALK, 19_000, 20, frozenset({130101}), True, True, body_bytes=20_000, in_json=True),
    WECOM: Platform(WECOM, 4_096, 20, frozenset({45009}), mentions=False, signed=False),
}

# Markdown markup (and the HTML tags WeCom reads, and its <@userid> mentions) -> full-width look-alikes.
# Parentheses stay: without "[" and "]" they cannot make a link, and "(deadline …)" reads as written.
_NEUTRAL = str.maketrans(
    {
        "*": "＊",
        "_": "＿",
        "[": "［",
        "]": "］",
        "#": "＃",
        ">": "＞",
        "<": "＜",
        "`": "｀",
        "|": "｜",
        "~": "～",
        "!": "！",
        "\\": "＼",
        "@": "＠",
        "&": "＆",
    }
)
_SPACES = re.compile(r"[\s\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_LINKISH = re.compile(r"(?i)(://|www\.)")


def neutral(text: object) -> str:
    """``text`` safe inside a markdown line: no markup, no line break, no control or direction character, and
    nothing a chat client would turn into a link or a mention."""
    flat = _SPACES.sub(" ", str(text)).strip()
    flat = _LINKISH.sub(lambda m: "：//" if m.group(1) == "://" else m.group(1)[:3] + "．", flat)
    return flat.translate(_NEUTRAL)


def size(text: str) -> int:
    """UTF-8 bytes of ``text``."""
    return len(text.encode("utf-8"))


def body(payload: dict) -> bytes:
    """A request's JSON body exactly as sent (UTF-8, no ASCII escapes, compact): what ``measure`` counts."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def measure(kind: str, text: str) -> int:
    """The bytes of a message text as ``kind`` counts it against ``max_bytes``: WeCom the content's UTF-8;
    DingTalk the text as it travels in the body (a quote or line break takes two bytes there)."""
    if PLATFORMS[kind].in_json:
        return len(json.dumps(text, ensure_ascii=False).encode("utf-8")) - 2  # without the surrounding quotes
    return size(text)


@dataclass(frozen=True)
class Part:
    """One list of a message: its heading line and its items (one line each), in order of importance."""

    heading: str
    items: tuple[str, ...]


def fitted(
    head: Sequence[str],
    parts: Sequence[Part],
    foot: Sequence[str],
    limit: int,
    more: Callable[[int], str],
    measured: Callable[[str], int] = size,
) -> tuple[str, dict[str, int]]:
    """The message's lines joined: ``head``, then every part's heading and as many of its items as fit, then
    ``foot`` (the links), within ``limit`` bytes. A list that does not fit whole ends with ``more(n)`` ("还有 N
    项"); items are never cut. Items are dropped from the end of the part showing the most, so every list
    keeps its first (most urgent) items as long as possible. Returns the text and each part's hidden count.
    ``ValueError`` when even the head and foot alone do not fit."""
    shown = [len(p.items) for p in parts]

    def text() -> str:
        lines = list(head)
        for part, n in zip(parts, shown, strict=True):
            lines += ["", part.heading, *part.items[:n]]
            if n < len(part.items):
                lines.append(more(len(part.items) - n))
        return "\n".join([*lines, "", *foot]) if foot else "\n".join(lines)

    message = text()
    while measured(message) > limit:
        if not any(shown):
            raise ValueError(f"the message's fixed lines alone take {measured(message)} bytes (limit {limit})")
        widest = max(range(len(shown)), key=lambda i: (shown[i], -i))
        shown[widest] -= 1
        message = text()
    return message, {part.heading: len(part.items) - n for part, n in zip(parts, shown, strict=True)}
