"""Start-up time and memory: the CLI (`okrbot --help`, a one-command console chat) and a real
`okrbot serve` replica with Slack only and with Slack + Feishu (local stand-in APIs).

Usage: python bench/startup.py [--runs N] [--messages N]
CLI: the demo company is seeded into a temporary database once, then fresh processes are timed
(median and worst wall time) and the platform SDKs each imported are named.
Serve: the time from starting the process to `/readyz` answering 200, its resident memory
(VmRSS) then, and for Slack + Feishu its memory after sending N messages (default 10,000) to
Feishu people through the outbox, with the peak (VmHWM).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SDKS = ("slack_bolt", "slack_sdk", "lark_oapi")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def okrbot() -> list[str]:
    found = shutil.which("okrbot", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-c", "from bot.cli import main; main()"]


def timed(args: list[str], *, env: dict[str, str], stdin: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        args,
        input=stdin,
        text=True,
        env=env,
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def sdk_imported(args: list[str], *, env: dict[str, str], stdin: str, cwd: Path) -> list[str]:
    result = subprocess.run(
        args,
        input=stdin,
        text=True,
        cwd=cwd,
        check=True,
        env=env | {"PYTHONPROFILEIMPORTTIME": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return sorted({sdk for sdk in SDKS if f" {sdk}" in result.stderr})


def cli_figures(runs: int) -> None:
    """The CLI cases: median and worst wall time, and the SDKs imported."""
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        env = os.environ | {"OKRBOT_DATABASE_URL": f"sqlite:///{cwd / 'bench.db'}"}
        env.pop("OKRBOT_CONFIG", None)
        subprocess.run(
            [*okrbot(), "demo"],
            input="",
            text=True,
            env=env,
            cwd=cwd,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cases = {
            "okrbot --help": ([*okrbot(), "--help"], ""),
            "okrbot chat (one command)": ([*okrbot(), "chat", "--as", "ana@example.com"], "/okr\n"),
        }
        print(f"{'case':<28} {'median':>8} {'worst':>8}  SDKs imported")
        for name, (args, stdin) in cases.items():
            times = [timed(args, env=env, stdin=stdin, cwd=cwd) for _ in range(runs)]
            sdks = sdk_imported(args, env=env, stdin=stdin, cwd=cwd) or ["none"]
            print(
                f"{name:<28} {statistics.median(times):>7.3f}s {max(times):>7.3f}s  "
                f"{', '.join(sdks)}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    cli_figures(args.runs)
    print()
    from bench.serve_replica import serve_figures

    serve_figures(runs=max(1, args.runs // 2), messages=args.messages)


if __name__ == "__main__":
    main()
