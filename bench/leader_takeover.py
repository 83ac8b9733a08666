"""Scheduler leadership after the leader dies: a subprocess takes the PostgreSQL advisory-lock
leadership (bot.scheduler.leader.LeaderLock), is killed with SIGKILL, and a follower polling at
`okrbot serve`'s interval (scheduler.leader_poll_seconds, default 5 s) takes over. Prints how
long each takeover took after the kill (issue 7's target: within 30 s).

Run: .venv/bin/python bench/leader_takeover.py [--db URL] [--poll 5] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import select
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.scheduler.leader import LeaderLock  # noqa: E402
from storage.db import make_engine  # noqa: E402

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
DEFAULT_URL = os.environ.get(
    "OKRBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def one_round(url: str, poll: float) -> tuple[float, float]:
    """Seconds from the leader's SIGKILL until its lock is free (a probe polling every 50 ms
    takes it and lets go at once), and until the follower, on its own poll schedule, leads."""
    key = random.randrange(1, 2**40)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(key)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    engine = make_engine(url)
    follower, probe = LeaderLock(engine, key=key), LeaderLock(engine, key=key)
    try:
        ready, _, _ = select.select([child.stdout], [], [], 120)
        if not ready or child.stdout.readline().strip() != "LEADING":
            raise SystemExit("the child never became the leader")
        if follower.poll():
            raise SystemExit("two leaders at once")
        next_poll = time.monotonic() + poll
        time.sleep(random.uniform(0, poll))  # the leader dies between two of the follower's polls
        killed = time.monotonic()
        child.send_signal(signal.SIGKILL)
        child.wait()
        while not probe.poll():
            time.sleep(0.05)
        free = time.monotonic() - killed
        probe.release()
        while True:
            time.sleep(max(0.0, next_poll - time.monotonic()))
            if follower.poll():
                return free, time.monotonic() - killed
            next_poll += poll
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        follower.release()
        probe.release()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=DEFAULT_URL, help="a PostgreSQL URL")
    parser.add_argument("--poll", type=float, default=5.0, help="follower poll interval, s")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.db.startswith("postgresql"):
        raise SystemExit("leadership is a PostgreSQL advisory lock; give a PostgreSQL --db")
    free_after, took = [], []
    for index in range(args.rounds):
        free, seconds = one_round(args.db, args.poll)
        free_after.append(free)
        took.append(seconds)
        print(
            f"round {index + 1}: lock free {free:.2f} s, took over in {seconds:.2f} s after SIGKILL"
        )
    print(
        f"follower polling every {args.poll:g} s, {args.rounds} rounds: lock free after "
        f"{statistics.median(free_after):.2f} s (median); took over in "
        f"{statistics.median(took):.2f} s (median), {max(took):.2f} s (max); target: within 30 s"
    )


if __name__ == "__main__":
    main()
