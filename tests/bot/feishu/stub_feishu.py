"""A stand-in for Feishu's Open API: a threaded HTTP server that records each call and
answers JSON (tenant token, messages, who read a message, image uploads, contact users and
departments, long-connection endpoint); each call keeps its raw body bytes too.
`throttle_next` makes the next message send answer 429 with code 99991400 once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlparse

from tests.http_stub import serve_handler

PAGE_SIZE = 2  # small pages, so paging is exercised


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float
    raw: bytes = b""


@dataclass
class StubFeishu:
    base_url: str = ""
    ws_url: str = ""
    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    departments: dict[str, dict[str, Any]] = field(default_factory=dict)  # by open id
    reads: dict[str, list[str]] = field(default_factory=dict)  # message id -> open ids read
    throttle_next: bool = False
    tenant_key: str = "tenant-acme"
    tenant_name: str = "Acme"
    images: int = 0
    condition: threading.Condition = field(default_factory=threading.Condition)
    _sent: int = 0

    def _ids_by_email(self, body: Any) -> list[dict[str, Any]]:
        """batch_get_id: one entry an email asked, with a user_id when someone has it."""
        found: list[dict[str, Any]] = []
        for email in (body or {}).get("emails") or []:
            entry: dict[str, Any] = {"email": email}
            for user in self.users.values():
                if str(user.get("email", "")).lower() == str(email).lower():
                    entry["user_id"] = user["open_id"]
            found.append(entry)
        return found

    def answer(
        self, method: str, path: str, query: dict[str, str], body: Any = None
    ) -> tuple[int, Any, dict[str, str]]:
        ok: dict[str, Any] = {"code": 0, "msg": "success"}
        if path == "/open-apis/auth/v3/tenant_access_token/internal":
            return 200, ok | {"tenant_access_token": "t-stub", "expire": 7200}, {}
        if path == "/open-apis/tenant/v2/tenant/query":
            tenant = {"name": self.tenant_name, "tenant_key": self.tenant_key}
            return 200, ok | {"data": {"tenant": tenant}}, {}
        if path == "/open-apis/contact/v3/users/batch_get_id" and method == "POST":
            return 200, ok | {"data": {"user_list": self._ids_by_email(body)}}, {}
        if path == "/callback/ws/endpoint":
            config = {
                "ReconnectCount": 0,
                "ReconnectInterval": 1,
                "ReconnectNonce": 0,
                "PingInterval": 120,
            }
            return 200, ok | {"data": {"URL": self.ws_url, "ClientConfig": config}}, {}
        if path == "/open-apis/im/v1/messages" and method == "POST":
            if self.throttle_next:
                self.throttle_next = False
                body = {"code": 99991400, "msg": "request trigger frequency limit"}
                return 429, body, {"x-ogw-ratelimit-reset": "1"}
            self._sent += 1
            return 200, ok | {"data": {"message_id": f"om_{self._sent}"}}, {}
        if path == "/open-apis/im/v1/images" and method == "POST":
            self.images += 1
            return 200, ok | {"data": {"image_key": f"img_v3_stub{self.images}"}}, {}
        if path.startswith("/open-apis/im/v1/messages/") and path.endswith("/read_users"):
            readers = [
                {
                    "user_id_type": query.get("user_id_type", "open_id"),
                    "user_id": open_id,
                    "timestamp": "1795000000000",
                    "tenant_key": "stub-tenant",
                }
                for open_id in self.reads.get(path.split("/")[-2], [])
            ]
            return 200, ok | {"data": self._page(readers, query)}, {}
        if path.startswith("/open-apis/im/v1/messages/") and method == "PATCH":
            return 200, ok | {"data": {}}, {}
        if path == "/open-apis/contact/v3/users/find_by_department":
            members = [
                u for u in self.users.values() if query["department_id"] in u["department_ids"]
            ]
            return 200, ok | {"data": self._page(members, query)}, {}
        if path.startswith("/open-apis/contact/v3/users/"):
            user = self.users.get(path.rsplit("/", 1)[1])
            if user is None:
                return 400, {"code": 41050, "msg": "no user authority error"}, {}
            return 200, ok | {"data": {"user": user}}, {}
        if path.startswith("/open-apis/contact/v3/departments/") and path.endswith("/children"):
            parent = path.split("/")[-2]
            children = [d for d in self.departments.values() if d["parent_department_id"] == parent]
            return 200, ok | {"data": self._page(children, query)}, {}
        return 404, {"code": 404, "msg": f"stub has no {method} {path}"}, {}

    @staticmethod
    def _page(items: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
        start = int(query.get("page_token") or 0)
        chunk = items[start : start + PAGE_SIZE]
        more = start + PAGE_SIZE < len(items)
        page: dict[str, Any] = {"items": chunk, "has_more": more}
        if more:
            page["page_token"] = str(start + PAGE_SIZE)
        return page

    def record(self, call: Call) -> None:
        with self.condition:
            self.calls.append(call)
            self.condition.notify_all()

    def calls_to(self, method: str, prefix: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)]

    def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 10) -> list[Call]:
        """Wait until `predicate(calls)` holds; the calls so far."""
        with self.condition:
            if not self.condition.wait_for(lambda: predicate(self.calls), timeout=timeout):
                raise AssertionError(
                    f"timed out; calls: {[(c.method, c.path) for c in self.calls]}"
                )
            return list(self.calls)

    def sends(self, count: int = 1, timeout: float = 10) -> list[Call]:
        """Wait for `count` successful-or-not message sends; those sends."""
        self.wait_for(lambda calls: len(self._message_posts(calls)) >= count, timeout)
        return self._message_posts(self.calls)

    @staticmethod
    def _message_posts(calls: list[Call]) -> list[Call]:
        return [c for c in calls if c.method == "POST" and c.path == "/open-apis/im/v1/messages"]


def _handler(stub: StubFeishu) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlparse(self.path)
            query = dict(parse_qsl(url.query))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = {"_raw": len(raw)}
            stub.record(Call(self.command, url.path, query, body, time.monotonic(), raw))
            status, answer, headers = stub.answer(self.command, url.path, query, body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve_stub() -> Iterator[StubFeishu]:
    """Run a StubFeishu on a free local port for the duration of the block."""
    stub = StubFeishu()
    with serve_handler(_handler(stub)) as base_url:
        stub.base_url = base_url
        yield stub
