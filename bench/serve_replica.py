"""`okrbot serve` as a replica starts: time to `/readyz` and resident memory, with Slack only and
with Slack + Feishu, against local stand-ins of both APIs (used by bench/startup.py)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import func, select

from storage.db import make_engine, session_scope
from storage.models import OutboxMessage, OutboxStatus, Person, PersonIdentity, Platform, Workspace
from storage.repos import outbox
from tests.bot.feishu import events
from tests.bot.feishu.stub_feishu import StubFeishu, serve_stub
from tests.bot.slack.stub_slack import StubSlack, stub_slack
from tests.journeys.harness import free_port

OKRBOT = shutil.which("okrbot", path=str(Path(sys.executable).parent))
PAYLOAD = '{"blocks": [{"kind": "section", "text": "Q4 reviews are due Friday."}]}'


def app_yaml(slack: StubSlack, feishu: StubFeishu | None, *, leader: bool) -> str:
    text = f"""\
company: {{name: Bench, workspace: bench, timezone: Asia/Shanghai, language: en}}
slack: {{enabled: true, api_base_url: "{slack.api_url}"}}
scheduler: {{enabled: {"true" if leader else "false"}}}
cycles: {{cadence: quarter}}
"""
    if feishu is not None:
        text += f"""\
feishu: {{enabled: true, domain: "{feishu.base_url}"}}
delivery:
  batch: 200
  feishu: {{per_second: 2000, per_minute: 1000000, per_recipient: 100, burst: 2000}}
"""
    return text


def environ(database_url: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OKRBOT_", "SLACK_"))}
    base = {k: v for k, v in base.items() if not k.startswith("FEISHU_")}
    return base | {
        "OKRBOT_DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench-secret",
        "FEISHU_APP_ID": "cli_bench",
        "FEISHU_APP_SECRET": "bench-secret",
        "FEISHU_VERIFICATION_TOKEN": events.VERIFICATION_TOKEN,
        "FEISHU_ENCRYPT_KEY": events.ENCRYPT_KEY,
    }


def memory(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB (Linux /proc)."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


@contextmanager
def replica(folder: Path, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """A started `okrbot serve` and the seconds it took until /readyz answered 200."""
    assert OKRBOT is not None
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [OKRBOT, "serve", "--port", str(port), "--host", "127.0.0.1"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("okrbot serve exited before it was ready")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.01)  # polling a starting process
        yield process, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)


def queue_for_feishu(database_url: str, messages: int) -> int:
    """`messages` people with Feishu ids in the Feishu workspace, one outbox row each."""
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        workspace = session.exec(
            select(Workspace).where(Workspace.platform == Platform.FEISHU)
        ).one()
        assert workspace.id is not None
        workspace_id = workspace.id
        for index in range(messages):
            person = Person(
                workspace_id=workspace_id, email=f"p{index}@bench.example", name=f"P{index}"
            )
            session.add(person)
            session.flush()
            assert person.id is not None
            session.add(
                PersonIdentity(
                    workspace_id=workspace_id,
                    person_id=person.id,
                    platform=Platform.FEISHU,
                    external_id=f"ou_{index}",
                )
            )
            outbox.enqueue(
                session=session,
                workspace_id=workspace_id,
                person_id=person.id,
                dedupe_key=f"bench:{person.id}",
                kind="broadcast",
                payload=PAYLOAD,
            )
    engine.dispose()
    return workspace_id


def wait_sent(database_url: str, messages: int, timeout: float = 900) -> float:
    """Seconds until `messages` outbox rows are sent."""
    engine = make_engine(database_url)
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with session_scope(engine) as session:
            sent = session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.SENT)
            ).one()
        if sent >= messages:
            engine.dispose()
            return time.perf_counter() - started
        time.sleep(0.5)
    engine.dispose()
    raise RuntimeError(f"only {sent} of {messages} messages were sent in {timeout:.0f} s")


def serve_figures(*, runs: int, messages: int) -> None:
    """Print readiness and memory of a replica, Slack only and Slack + Feishu."""
    print(f"{'okrbot serve':<28} {'ready':>8} {'worst':>8} {'RSS':>8}")
    with stub_slack() as slack, serve_stub() as feishu:
        cases = (
            ("Slack only", False, False),
            ("Slack + Feishu", True, False),
            ("Slack + Feishu, leader", True, True),  # runs the scheduler too
        )
        for name, with_feishu, leader in cases:
            readiness: list[float] = []
            resident: list[float] = []
            for run in range(runs):
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder)
                    url = f"sqlite:///{path / 'bench.db'}"
                    env = environ(url)
                    chat_apps = app_yaml(slack, feishu if with_feishu else None, leader=leader)
                    (path / "app.yaml").write_text(chat_apps)
                    subprocess.run(
                        [OKRBOT or "okrbot", "db", "upgrade"],
                        cwd=path,
                        env=env,
                        check=True,
                        capture_output=True,
                    )
                    with replica(path, env) as (process, ready):
                        readiness.append(ready)
                        resident.append(memory(process.pid)[0])
                        if with_feishu and not leader and messages and run == runs - 1:
                            queue_for_feishu(url, messages)
                            took = wait_sent(url, messages)
                            rss, peak = memory(process.pid)
            print(
                f"{name:<28} {statistics.median(readiness):>7.3f}s {max(readiness):>7.3f}s "
                f"{statistics.median(resident):>6.0f} MB"
            )
        if messages:
            print(
                f"Slack + Feishu after sending {messages:,} messages in {took:.1f} s: "
                f"RSS {rss:.0f} MB, peak {peak:.0f} MB"
            )
