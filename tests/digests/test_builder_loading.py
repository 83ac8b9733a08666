"""Builders load on first need even when one builder module was imported on its own before
(the registry is then not empty, but far from complete), and from many threads at once."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import threading
import digests.messages.hr  # one module on its own: the registry holds only its builders
from digests.messages import builder
found = []
threads = [threading.Thread(target=lambda: found.append(builder("error"))) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(found), builder("broadcast").__name__)
"""


def test_every_builder_is_found_after_a_partial_import_and_under_threads() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["8", "broadcast"]
