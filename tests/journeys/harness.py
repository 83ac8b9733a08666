"""What a company touches, and nothing else: the `okrbot` command line (each command its own
process), `okrbot serve` as a real process, and requests to it signed and shaped as Slack
and Feishu send them. The clock is moved with `$OKRBOT_NOW`, as an operator rehearsing a
quarter would; the platforms are local stand-ins that record what reached them."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_sdk.signature import SignatureVerifier

from tests.bot.slack.stub_slack import StubSlack

OKRBOT = shutil.which("okrbot", path=str(Path(sys.executable).parent))
SLACK_SECRET = "journey-signing-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Okrbot:
    """An installation of okrbot in `folder` (app.yaml, people files) on `database_url`."""

    folder: Path
    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    now: datetime | None = None

    def environ(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("OKRBOT_", "SLACK_"))}
        base = {k: v for k, v in base.items() if not k.startswith("FEISHU_")}
        found = base | {"OKRBOT_DATABASE_URL": self.database_url} | self.env
        if self.now is not None:
            found["OKRBOT_NOW"] = self.now.isoformat()
        return found

    def write(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str, ok: bool = True) -> str:
        """`okrbot ARGS…` in the company's folder; its output (it must succeed if `ok`)."""
        assert OKRBOT is not None
        done = subprocess.run(
            [OKRBOT, *args],
            cwd=self.folder,
            env=self.environ(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = done.stdout + done.stderr
        if ok:
            assert done.returncode == 0, f"okrbot {' '.join(args)} failed:\n{output}"
        return output

    @contextmanager
    def serve(self) -> Iterator[str]:
        """`okrbot serve` until the block ends; its base URL once /healthz answers."""
        assert OKRBOT is not None
        port = free_port()
        log = self.folder / f"serve-{port}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [OKRBOT, "serve", "--port", str(port), "--host", "127.0.0.1"],
                cwd=self.folder,
                env=self.environ(),
                stdout=out,
                stderr=out,
                text=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                if process.poll() is not None:
                    raise AssertionError(f"okrbot serve exited:\n{log.read_text()}")
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=1) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                time.sleep(0.05)  # waiting for a process to start, not a timed assertion
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass
class SlackTeam:
    """Requests from one Slack team to `okrbot serve`, signed like Slack signs them."""

    url: str
    team_id: str
    response_url: str
    secret: str = SLACK_SECRET

    def _post(self, body: str, content_type: str) -> tuple[int, str]:
        stamp = str(int(time.time()))  # Slack stamps requests with the real time
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=stamp, body=body)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": str(signature),
        }
        return post(f"{self.url}/slack/events", body.encode(), headers)

    def command(self, user: str, command: str, text: str, *, trigger_id: str = "") -> int:
        """A slash command; `text` as Slack sends it with should_escape (`<@U…|name>`, &amp;)."""
        fields = {
            "token": "legacy-token",
            "team_id": self.team_id,
            "team_domain": self.team_id.lower(),
            "channel_id": f"D{user}",
            "channel_name": "directmessage",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0OKRBOT",
            "is_enterprise_install": "false",
            "response_url": self.response_url,
            "trigger_id": trigger_id,
        }
        status, _ = self._post(urllib.parse.urlencode(fields), "application/x-www-form-urlencoded")
        return status

    def click(
        self,
        user: str,
        action_id: str,
        value: str,
        *,
        values: dict[str, dict[str, Any]] | None = None,
        message_ts: str = "1700000000.000200",
    ) -> int:
        """A block_actions payload: a button pressed in a message, with the inputs' state."""
        payload = {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": self.team_id.lower()},
            "user": {"id": user, "team_id": self.team_id},
            "api_app_id": "A0OKRBOT",
            "token": "legacy-token",
            "trigger_id": "",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": f"D{user}",
                "is_ephemeral": False,
            },
            "channel": {"id": f"D{user}", "name": "directmessage"},
            "response_url": self.response_url,
            "state": {"values": values or {}},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "journey",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        status, _ = self._post(body, "application/x-www-form-urlencoded")
        return status

    def direct_message(self, user: str, text: str, *, event_id: str) -> int:
        """A message.im event: someone writes to the bot in its DM."""
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": f"D{user}",
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
            "team": self.team_id,
        }
        body = {
            "type": "event_callback",
            "token": "legacy-token",
            "team_id": self.team_id,
            "api_app_id": "A0OKRBOT",
            "event": event,
            "event_id": event_id,
            "event_time": int(time.time()),
        }
        status, _ = self._post(json.dumps(body), "application/json")
        return status


def slack_user(user_id: str, email: str, name: str, *, tz: str = "Asia/Shanghai") -> dict[str, Any]:
    """A user as Slack's users.info and users.lookupByEmail describe one."""
    return {
        "id": user_id,
        "name": email.split("@")[0],
        "real_name": name,
        "tz": tz,
        "locale": "en-US",
        "deleted": False,
        "is_bot": False,
        "profile": {"email": email, "real_name": name, "display_name": name},
    }


def button_value(blocks: list[dict[str, Any]], action_id: str) -> str:
    """The value of the button `action_id` in Block Kit blocks."""
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {json.dumps(blocks)[:2000]}")


def shown(params: dict[str, Any]) -> str:
    """Everything a Slack message shows: its text and blocks."""
    return str(params.get("text", "")) + json.dumps(params.get("blocks") or [], ensure_ascii=False)


def dm(slack: StubSlack, user: str, containing: str, count: int = 1) -> str:
    """The latest message the bot sent `user` (or a DM channel) containing `containing`,
    once `count` such messages have arrived."""
    found = slack.wait_for(
        "chat.postMessage",
        count,
        timeout=20,
        where=lambda c: c.params.get("channel") == user and containing in shown(c.params),
    )
    return shown(found[-1].params)


def answer(slack: StubSlack, containing: str, count: int = 1) -> str:
    """The latest response_url answer containing `containing`."""
    found = slack.wait_for(
        "response", count, timeout=20, where=lambda c: containing in shown(c.params)
    )
    return shown(found[-1].params)
