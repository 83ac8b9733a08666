"""The long connection, offline: lark-oapi's WebSocket client gets its URL from the stub's
`POST /callback/ws/endpoint`, connects to a local server speaking lark's protobuf frames,
and hands the event to the same dispatcher and bot as the webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from websockets.sync.server import ServerConnection, serve

from bot.core import Core
from bot.feishu import http as feishu_http
from bot.feishu.long_connection import LongConnectionService
from storage.models import CheckIn
from tests.bot.feishu import events
from tests.bot.feishu.conftest import Company, feishu_runtime
from tests.bot.feishu.stub_feishu import StubFeishu

DATA, CONTROL = 1, 0


def event_frame(payload: dict[str, Any]) -> bytes:
    frame = Frame()
    frame.SeqID, frame.LogID, frame.service, frame.method = 1, 1, 1, DATA
    headers = {
        "type": "event",
        "message_id": "msg-1",
        "trace_id": "trace-1",
        "sum": "1",
        "seq": "0",
    }
    for key, value in headers.items():
        header = frame.headers.add()
        header.key, header.value = key, value
    frame.payload = json.dumps(payload).encode()
    return bytes(frame.SerializeToString())


@contextmanager
def lark_ws_server(payload: dict[str, Any]) -> Iterator[tuple[str, list[Frame]]]:
    """A WebSocket server that sends one event frame and collects the client's answers."""
    answers: list[Frame] = []
    answered = threading.Event()

    def handle(connection: ServerConnection) -> None:
        connection.send(event_frame(payload))
        for message in connection:
            frame = Frame()
            frame.ParseFromString(message)
            if frame.method == DATA:
                answers.append(frame)
                answered.set()

    with serve(handle, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        port = server.socket.getsockname()[1]
        try:
            yield f"ws://127.0.0.1:{port}/ws?device_id=dev-1&service_id=1", answers
            answered.wait(10)
        finally:
            server.shutdown()
            thread.join(timeout=5)


def test_an_event_over_the_long_connection_reaches_the_core(
    engine: Engine, company: Company, stub: StubFeishu, feishu_env: str
) -> None:
    payload = events.message("/okr update KR-1 4", open_id="ou_ana")
    runtime = feishu_runtime(engine, stub, long_connection=True)
    core = Core(engine)
    (service,) = feishu_http.background(runtime, core)
    assert isinstance(service, LongConnectionService)
    adapter = feishu_http.adapter(runtime, core)
    try:
        with lark_ws_server(payload) as (url, answers):
            stub.ws_url = url
            service.start()
            (send,) = stub.sends(1)
            assert send.body["receive_id"] == "oc_p2p"
            assert "KR-1" in send.body["content"]
            with Session(engine) as session:
                assert [c.value for c in session.exec(select(CheckIn))] == [4]
            service.stop()
        assert stub.calls_to("POST", "/callback/ws/endpoint")
        assert json.loads(answers[0].payload)["code"] == 200
    finally:
        service.stop()
        adapter.bot.shutdown()
        feishu_http._ADAPTERS.clear()


def test_no_long_connection_unless_configured(
    engine: Engine, company: Company, stub: StubFeishu, feishu_env: str
) -> None:
    assert feishu_http.background(feishu_runtime(engine, stub), Core(engine)) == []
    feishu_http._ADAPTERS.clear()
