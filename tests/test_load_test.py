"""bench/load_test.py: its checks on hand-made protocol messages, and a short run against the served app."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import load_test as L  # noqa: E402


def _element(kind: str, **fields) -> bytes:
    message = ForwardMsg()
    for name, value in fields.items():
        setattr(getattr(message.delta.new_element, kind), name, value)
    return message.SerializeToString()


def _finished(status=ForwardMsg.FINISHED_SUCCESSFULLY) -> bytes:
    return ForwardMsg(script_finished=status).SerializeToString()


def _read(*messages: bytes) -> L.PageLoad:
    load = L.PageLoad("", 0.0)
    ended = [L._read_message(load, raw) for raw in messages]
    assert ended == [False] * (len(messages) - 1) + [True]
    return load


CAPTION = _element("markdown", body="数据：第 12 版 · 2026年12月2日 09\\:35 · 张三 · a\\.xlsx")
HEADLINE = _element("metric", label="安置户数", body="67,662")


@pytest.mark.parametrize(
    ("messages", "errors", "version", "households"),
    [
        ((CAPTION, HEADLINE, _finished()), [], 12, "67,662"),
        ((_element("alert", body="出错了", format=Alert.ERROR), _finished()), ["alert: 出错了"], None, None),
        ((_element("alert", body="示例数据", format=Alert.INFO), _finished()), [], None, None),
        ((_element("exception", type="KeyError", message="x"), _finished()), ["exception: x"], None, None),
        ((_finished(ForwardMsg.FINISHED_WITH_COMPILE_ERROR),), ["script finished with status 1"], None, None),
    ],
)
def test_a_page_run_is_read(messages, errors, version, households):
    load = _read(*messages)
    assert (load.errors, load.version, load.households) == (errors, version, households)


def test_mixed_views_are_overviews_whose_caption_and_total_disagree():
    expected = {1: "67,650", 2: "67,651"}
    loads = [
        L.PageLoad("", 1.0, version=1, households="67,650"),
        L.PageLoad("", 1.0, version=2, households="67,650"),  # version 2's caption over version 1's total
        L.PageLoad("", 1.0, version=None, households="67,651"),  # no caption at all
        L.PageLoad("weekly", 1.0),  # other pages show no headline
        L.PageLoad("", 1.0, errors=["timeout"]),  # counted as an error, not as mixed
    ]
    report = L.Report(loads, expected, [200.0, 210.0], published=1, seconds=10)
    assert report.mixed == loads[1:3]
    assert report.errors == loads[4:]
    assert report.memory_growth() == pytest.approx(1.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.load
def test_short_load_run_has_no_error_and_no_mixed_view(tmp_path):
    """5 viewers for 15 s while a version is published every 2 s (PostgreSQL when TEST_DATABASE_URL is set)."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'load.db'}"
    report = L.run(url, viewers_count=5, seconds=15, every=2, port=_free_port())
    print(L.table(report, 5))
    assert report.loads and report.published >= 3 and not report.publish_errors
    assert [load.errors for load in report.errors] == []
    assert [(load.version, load.households) for load in report.mixed] == []
    assert len(report.versions_seen()) >= 2  # viewers did see versions change under them
