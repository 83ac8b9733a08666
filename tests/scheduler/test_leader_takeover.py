"""Leader takeover after SIGKILL, for real: a subprocess takes the PostgreSQL advisory-lock
leadership, is killed with SIGKILL, and a contender in this process becomes the leader.
(How fast is measured by bench/leader_takeover.py, not asserted here.)"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.scheduler.leader import LeaderLock

ROOT = Path(__file__).resolve().parents[2]
# The child: take the lock with the real LeaderLock, say so, then hold it until killed.
CHILD = """
import sys, time
from storage.db import make_engine
from bot.scheduler.leader import LeaderLock
lock = LeaderLock(make_engine(sys.argv[1]), key=int(sys.argv[2]))
while not lock.poll():
    time.sleep(0.1)
print("LEADING", flush=True)
while True:
    time.sleep(60)
"""
GENEROUS = 120.0  # seconds: a bound for a slow shared machine, not a speed target


def start_leader(url: str, key: int) -> subprocess.Popen[str]:
    """A separate process that holds the leadership; returns once it leads."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(key)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], GENEROUS)
    if not ready or child.stdout.readline().strip() != "LEADING":
        child.kill()
        child.wait()
        child.stdout.close()
        pytest.fail("the child process never became the leader")
    return child


# PostgreSQL only: on SQLite one process runs the schedules, so there is no one to take over.
@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_contender_takes_over_when_the_leader_is_killed(
    engine: Engine, database_url: str
) -> None:
    assert engine.dialect.name == "postgresql"
    key = random.randrange(1, 2**40)  # no clash with other tests sharing the server
    contender = LeaderLock(engine, key=key)
    child = start_leader(database_url, key)
    try:
        assert not contender.poll()  # the child leads; this process waits
        assert not contender.poll()
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=GENEROUS) == -signal.SIGKILL
        deadline = time.monotonic() + GENEROUS
        while not contender.poll():
            assert time.monotonic() < deadline, "nobody took over after the leader died"
            time.sleep(0.2)
        assert contender.poll()  # and it keeps the lead on the next poll
        again = LeaderLock(engine, key=key)
        try:
            assert not again.poll()  # exactly one leader
        finally:
            again.release()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
        contender.release()
