"""A local Slack + Feishu message API that enforces a rate limit (429 above it) and counts
deliveries per outbox id, for sender tests and bench/fanout.py.

Slack: auth.test, chat.postMessage (metadata.outbox_id) to a user's DM or a channel (C…),
conversations.open, conversations.history (counted: the lookups before a send in doubt).
Feishu: tenant token and im/v1/messages (uuid deduplicated like Feishu does).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from tests.http_stub import serve_handler

LOST = 0  # the status that makes the handler drop the connection without answering


def busiest_second(times: list[float]) -> int:
    """The most deliveries in any one-second stretch [t, t + 1), wherever it starts (a
    nanosecond's slack for instants computed as sums of floats)."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, stamp in enumerate(ordered):
        while ordered[first] <= stamp - 1 + 1e-9:
            first += 1
        most = max(most, last - first + 1)
    return most


@dataclass
class RateLimitedStub:
    limit: float = 0.0  # messages per second; 0 means no limit
    base_url: str = ""
    delivered: Counter[int] = field(default_factory=Counter)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    uuids: dict[str, str] = field(default_factory=dict)
    rejected: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # recipient -> error code
    lock: threading.Lock = field(default_factory=threading.Lock)
    burst: float = 1.0  # sends allowed at once; the bucket starts full
    _tokens: float | None = None
    _updated: float = field(default_factory=time.monotonic)
    first_at: float | None = None
    last_at: float | None = None
    # Every n-th posted message lands but its answer is lost (the connection drops): the
    # sender cannot know it landed and must look in the history before posting again.
    lose_answer_every: int = 0
    lost_answers: int = 0
    times: list[float] = field(default_factory=list)  # when each delivery landed (wall clock)
    lookups: int = 0  # conversations.history calls

    def _admit(self) -> bool:
        if not self.limit:
            return True
        now = time.monotonic()
        if self._tokens is None:
            self._tokens = self.burst
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.limit)
        self._updated = now
        if self._tokens < 1.0:
            self.rejected += 1
            return False
        self._tokens -= 1.0
        return True

    def _count(self, outbox_id: int) -> None:
        now = time.monotonic()
        self.first_at = self.first_at or now
        self.last_at = now
        self.times.append(time.time())
        self.delivered[outbox_id] += 1

    def slack(
        self, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self.lock:
            if method == "conversations.open":
                return 200, {"ok": True, "channel": {"id": "D" + str(params.get("users"))}}, {}
            if method == "auth.test":
                team = {"team_id": "TB", "team": "Bench", "user_id": "UBOT", "bot_id": "BBOT"}
                return 200, {"ok": True} | team, {}
            if method == "conversations.history":
                self.lookups += 1
                messages = self.history.get(str(params.get("channel")), [])
                return 200, {"ok": True, "messages": list(reversed(messages))}, {}
            if method != "chat.postMessage":
                return 200, {"ok": True}, {}
            if not self._admit():
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
            user = str(params.get("channel"))
            if user in self.errors:
                return 200, {"ok": False, "error": self.errors[user]}, {}
            metadata = params.get("metadata") or {}
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            outbox_id = int((metadata.get("event_payload") or {}).get("outbox_id", 0))
            self._count(outbox_id)
            channel = user if user[:1] in {"C", "G", "#"} else "D" + user  # a channel, or a DM
            ts = f"{time.time():.6f}"
            self.history.setdefault(channel, []).append({"ts": ts, "metadata": metadata})
            posted = sum(self.delivered.values())
            if self.lose_answer_every and posted % self.lose_answer_every == 0:
                self.lost_answers += 1
                return LOST, {}, {}
            return 200, {"ok": True, "channel": channel, "ts": ts}, {}

    def feishu(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        ok: dict[str, Any] = {"code": 0, "msg": "success"}
        if path.startswith("/open-apis/auth/v3/tenant_access_token"):
            return 200, ok | {"tenant_access_token": "t-stub", "expire": 7200}, {}
        with self.lock:
            if not self._admit():
                body_429 = {"code": 99991400, "msg": "request trigger frequency limit"}
                return 429, body_429, {"x-ogw-ratelimit-reset": "1"}
            uuid = str(body.get("uuid") or "")
            if uuid in self.uuids:
                return 200, ok | {"data": {"message_id": self.uuids[uuid]}}, {}
            receiver = str(body.get("receive_id"))
            if receiver in self.errors:
                return 400, {"code": int(self.errors[receiver]), "msg": "no availability"}, {}
            self._count(int(uuid.rsplit("-", 1)[-1]) if uuid else 0)
            message_id = f"om_{len(self.uuids) + 1}"
            if uuid:
                self.uuids[uuid] = message_id
            return 200, ok | {"data": {"message_id": message_id}}, {}


def _handler(stub: RateLimitedStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            path = self.path.split("?")[0]
            if path.startswith("/open-apis/") or path.startswith("/callback/"):
                body = json.loads(raw) if raw else {}
                status, answer, headers = stub.feishu(path, body)
            else:
                if "json" in self.headers.get("Content-Type", ""):
                    params: dict[str, Any] = json.loads(raw) if raw else {}
                else:
                    params = dict(parse_qsl(raw.decode()))
                status, answer, headers = stub.slack(path.rsplit("/", 1)[-1], params)
            if status == LOST:
                self.close_connection = True
                return
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(limit: float = 0.0, port: int = 0) -> Iterator[RateLimitedStub]:
    """Run the stub on a local port; `base_url` is set (Slack: base_url + '/api/')."""
    stub = RateLimitedStub(limit=limit)
    with serve_handler(_handler(stub), port) as base_url:
        stub.base_url = base_url
        yield stub
