"""A stand-in for Slack's Web API: a threaded HTTP server that records each call and answers
JSON. Also receives response_url posts (path /response/...) and file uploads (path /upload/...,
the URL files.getUploadURLExternal hands out; method "upload", the bytes in `raw`)."""

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


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response" for a response_url post
    params: dict[str, Any]
    path: str
    raw: bytes = b""


@dataclass
class StubSlack:
    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    oauth_team: dict[str, str] = field(default_factory=lambda: {"id": "T2", "name": "Globex"})
    socket_url: str = ""
    installer: str = "U_INSTALLER"  # who authorises the next OAuth install
    condition: threading.Condition = field(default_factory=threading.Condition)
    uploads: int = 0
    # What Slack puts in x-oauth-scopes on each Web API answer: the token's granted scopes.
    scopes: str = (
        "app_mentions:read,chat:write,commands,files:write,im:history,im:read,im:write,"
        "users:read,users:read.email"
    )

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        match method:
            case "auth.test":
                team = "T2" if params.get("token", "").startswith("xoxb-new") else "T1"
                return ok | {"user_id": "UBOT", "bot_id": "BBOT", "team_id": team, "team": team}
            case "users.info":
                user = self.users.get(str(params.get("user")))
                if user is None:
                    return {"ok": False, "error": "user_not_found"}
                return ok | {"user": user}
            case "users.lookupByEmail":
                wanted = str(params.get("email", "")).lower()
                for user in self.users.values():
                    if str((user.get("profile") or {}).get("email", "")).lower() == wanted:
                        return ok | {"user": user}
                return {"ok": False, "error": "users_not_found"}
            case "chat.postMessage" | "chat.postEphemeral" | "chat.update":
                return ok | {"channel": params.get("channel"), "ts": "1700000000.000200"}
            case "conversations.open":
                return ok | {"channel": {"id": "D-OPENED"}}
            case "views.publish" | "views.update" | "views.open":
                return ok | {"view": {"id": "V1"}}
            case "oauth.v2.access":
                return ok | {
                    "app_id": "A1",
                    "authed_user": {"id": self.installer},
                    "scope": "commands,chat:write",
                    "token_type": "bot",
                    "access_token": "xoxb-new-" + self.oauth_team["id"],
                    "bot_user_id": "UBOT",
                    "team": self.oauth_team,
                    "enterprise": None,
                    "is_enterprise_install": False,
                }
            case "apps.connections.open":
                return ok | {"url": self.socket_url}
            case "files.getUploadURLExternal":
                self.uploads += 1
                file_id = f"F_UP{self.uploads}"
                return ok | {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}
            case "files.completeUploadExternal":
                files = [{"id": f["id"], "title": f.get("title")} for f in params["files"]]
                return ok | {"files": files}
        return ok

    def record(self, call: Call) -> None:
        with self.condition:
            self.calls.append(call)
            self.condition.notify_all()

    def of(self, method: str) -> list[Call]:
        with self.condition:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 5,
        where: Callable[[Call], bool] = lambda c: True,
    ) -> list[Call]:
        """Block until `count` calls of `method` (matching `where`) arrived; return them."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                found = [c for c in self.calls if c.method == method and where(c)]
                if len(found) >= count or time.monotonic() > deadline:
                    break
                self.condition.wait(timeout=0.05)
        assert len(found) >= count, f"expected {count} {method}, got {self.calls}"
        return found


def _params(handler: BaseHTTPRequestHandler, raw: bytes) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(urlparse(handler.path).query))
    content_type = handler.headers.get("Content-Type", "")
    if raw and "json" in content_type:
        params.update(json.loads(raw))
    elif raw:
        params.update(dict(parse_qsl(raw.decode())))
    for key in ("blocks", "view", "files"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    auth = handler.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        params.setdefault("token", auth.removeprefix("Bearer "))
    return params


@contextmanager
def stub_slack() -> Iterator[StubSlack]:
    """Run the stub on a free local port."""
    stub = StubSlack()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            path = urlparse(self.path).path
            if path.startswith("/upload/"):
                stub.record(Call("upload", {}, path, raw))
                body = b"OK - " + str(len(raw)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            params = _params(self, raw)
            method = "response" if path.startswith("/response") else path.removeprefix("/api/")
            stub.record(Call(method, params, path))
            body = json.dumps(stub.answer(method, params)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-oauth-scopes", stub.scopes)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serve_handler(Handler) as base_url:
        stub.base_url = base_url
        yield stub
