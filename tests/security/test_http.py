"""Findings 3, 4, 11 and 12 against a real `okrbot serve` process (Slack and Feishu on, stand-in
platform APIs): huge and slow bodies are cut off before they cost memory, malformed requests
get a 4xx (never a 500), every Feishu failure looks the same (no padding oracle), and a refused
request leaves nothing of itself in the log but its size and reason."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.bot.feishu.events import ENCRYPT_KEY, VERIFICATION_TOKEN, encrypt, message, signed
from tests.bot.feishu.stub_feishu import serve_stub
from tests.bot.slack.stub_slack import stub_slack

OKRBOT = shutil.which("okrbot", path=str(Path(sys.executable).parent))
MARKER = "private-kr-title-7f3a"


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]
    log: Path

    def rss_kib(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
        )

    def logged(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve")
    assert OKRBOT is not None
    with stub_slack() as slack, serve_stub() as feishu:
        (folder / "app.yaml").write_text(
            "company: {workspace: acme}\n"
            f"slack: {{enabled: true, api_base_url: '{slack.api_url}'}}\n"
            f"feishu: {{enabled: true, domain: '{feishu.base_url}'}}\n"
            "scheduler: {enabled: false}\n"
            "delivery: {enabled: false}\n"
            "http: {body_timeout_seconds: 2}\n"
            "logging: {level: DEBUG, format: json}\n",
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OKRBOT_", "SLACK_"))}
        env |= {
            "OKRBOT_DATABASE_URL": f"sqlite:///{folder / 'okrbot.db'}",
            "SLACK_SIGNING_SECRET": "test-signing-secret",
            "SLACK_BOT_TOKEN": "xoxb-test",
            "FEISHU_APP_ID": "cli_test",
            "FEISHU_APP_SECRET": "secret",
            "FEISHU_VERIFICATION_TOKEN": VERIFICATION_TOKEN,
            "FEISHU_ENCRYPT_KEY": ENCRYPT_KEY,
        }
        subprocess.run(
            [OKRBOT, "db", "upgrade"], cwd=folder, env=env, check=True, capture_output=True
        )
        port = free_port()
        log = folder / "serve.log"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [OKRBOT, "serve", "--port", str(port), "--host", "127.0.0.1"],
                cwd=folder,
                env=env,
                stdout=stderr,
                stderr=stderr,
                text=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)  # waiting for a process to start, not a timed assertion
            yield Served(url, process, log)
        finally:
            process.terminate()
            process.wait(timeout=20)


def raw_post(served: Served, path: str, headers: dict[str, str], body: bytes) -> int:
    """POST with a body sent in 1 MB pieces; the status, even when cut off mid-body."""
    with httpx.Client(timeout=30) as client:

        def pieces() -> Iterator[bytes]:
            for start in range(0, len(body), 1 << 20):
                yield body[start : start + (1 << 20)]

        try:
            return client.post(f"{served.url}{path}", headers=headers, content=pieces()).status_code
        except (httpx.RemoteProtocolError, httpx.WriteError, httpx.ReadError):
            return 413  # the server answered and closed while we were still sending


@pytest.mark.parametrize("path", ["/slack/events", "/feishu/events"])
def test_a_20_mb_unsigned_body_is_refused_without_reading_it(served: Served, path: str) -> None:
    httpx.get(f"{served.url}/healthz")
    before = served.rss_kib()
    body = b'{"x": "' + b"a" * (20 * 1024 * 1024) + b'"}'
    status = httpx.post(
        f"{served.url}{path}",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    ).status_code
    assert status == 413
    # Without a Content-Length (chunked), the body is counted as it comes and cut off.
    assert raw_post(served, path, {"Transfer-Encoding": "chunked"}, body) == 413
    assert served.rss_kib() - before < 20 * 1024
    assert "a" * 100 not in served.logged()


def test_a_slow_body_is_cut_off(served: Served) -> None:
    port = int(served.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"a" * 10
        )
        answer = connection.recv(1024)  # nothing more is sent: the server gives up first
    assert answer.startswith(b"HTTP/1.1 408")


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}, b"command=/okr"),
        ({"X-Slack-Request-Timestamp": "1e99", "X-Slack-Signature": "v0=00"}, b"{}"),
        ({}, ("[" * 50_000 + "]" * 50_000).encode()),
        ({"Content-Type": "application/json"}, b'{"type": "url_verification", "challenge": 1}'),
    ],
)
def test_malformed_slack_requests_get_a_401_not_a_500(
    served: Served, headers: dict[str, str], body: bytes
) -> None:
    response = httpx.post(f"{served.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid request"}


def feishu_post(served: Served, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{served.url}/feishu/events", content=body, headers=headers)


def resign(body: bytes, headers: dict[str, str]) -> dict[str, str]:
    """Headers signing `body` with the real key (so only what is inside the body is wrong)."""
    stamp, nonce = headers["X-Lark-Request-Timestamp"], headers["X-Lark-Request-Nonce"]
    signature = hashlib.sha256((stamp + nonce + ENCRYPT_KEY).encode() + body).hexdigest()
    return {**headers, "X-Lark-Signature": signature}


def test_every_feishu_failure_gets_the_same_answer(served: Served) -> None:
    good_body, good_headers = signed(message("/okr", open_id="ou_x"))
    sealed = base64.b64decode(json.loads(good_body)["encrypt"])
    flipped = sealed[:-17] + bytes([sealed[-17] ^ 1]) + sealed[-16:]  # breaks the padding
    not_json = json.dumps({"encrypt": encrypt(b"not json at all")}).encode()
    no_token_event = message("/okr", open_id="ou_x")
    del no_token_event["header"]["token"]
    no_token, no_token_headers = signed(no_token_event)
    attempts = [
        (good_body, {**good_headers, "X-Lark-Signature": "0" * 64}),  # forged signature
        (
            json.dumps({"encrypt": base64.b64encode(flipped).decode()}).encode(),
            {},  # unsigned: decrypted, the padding breaks
        ),
        (not_json, resign(not_json, good_headers)),  # decrypts to something not JSON
        (not_json, {}),
        (b'{"encrypt": 5}', {}),
        (b"[1, 2]", {}),
        (no_token, no_token_headers),  # no verification token
        (("[" * 50_000 + "]" * 50_000).encode(), {}),
    ]
    answers = {(r.status_code, r.text) for r in (feishu_post(served, b, h) for b, h in attempts)}
    assert answers == {(401, '{"msg":"invalid request"}')}
    assert "PKCS7" not in served.logged()


@pytest.mark.parametrize("challenge", [1, None, {"x": 1}, "x" * 1000])
def test_a_handshake_challenge_must_be_a_short_string(served: Served, challenge: object) -> None:
    payload = {"type": "url_verification", "token": VERIFICATION_TOKEN, "challenge": challenge}
    body = json.dumps({"encrypt": encrypt(json.dumps(payload).encode())}).encode()
    assert feishu_post(served, body, {}).status_code == 401
    payload["challenge"] = "ok-" + uuid.uuid4().hex
    body = json.dumps({"encrypt": encrypt(json.dumps(payload).encode())}).encode()
    assert feishu_post(served, body, {}).json() == {"challenge": payload["challenge"]}


def test_a_refused_request_leaves_only_its_size_and_reason_in_the_log(served: Served) -> None:
    text = f"text={MARKER}&response_url=https://hooks.slack.com/commands/T1/{MARKER}"
    httpx.post(f"{served.url}/slack/events", content=text.encode())
    body, headers = signed(message(MARKER, open_id="ou_x"))
    feishu_post(served, body, {**headers, "X-Lark-Signature": "1" * 64})
    logged = served.logged()
    assert MARKER not in logged
    refusals = [json.loads(line) for line in logged.splitlines() if "refused" in line]
    assert {(r["message"], r.get("reason")) for r in refusals} >= {
        ("slack: request refused", "signature"),
        ("feishu: request refused", "signature"),
    }
