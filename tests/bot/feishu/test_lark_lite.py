"""okrbot loads only the lark-oapi services it uses (im, contact, tenant, application): the
SDK's real client and dispatcher, without the ~60 other services. Checked in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import bot.feishu.api, bot.feishu.dispatcher, bot.feishu.webhook, bot.feishu.long_connection
import bot.feishu.sender, bot.feishu.reach, bot.feishu.contact, bot.feishu.read_receipts
import lark_oapi as lark
client = bot.feishu.api.build_client(
    bot.feishu.credentials.FeishuCredentials("cli_a", "secret", "", ""), "http://127.0.0.1:9"
)
try:
    lark.EventDispatcherHandler.builder("", "t").register_p2_drive_file_deleted_v1(print)
    unused_event = "accepted"
except ImportError as error:
    unused_event = str(error)
loaded = [m for m in sys.modules if m.startswith("lark_oapi")]
print(json.dumps({
    "count": len(loaded),
    "drive_models": [m for m in loaded if m.startswith("lark_oapi.api.drive.v1.model")],
    "im_message": type(client.im.v1.message).__module__,
    "drive": type(client.drive).__name__,
    "unused_event": unused_event,
}))
"""


def test_only_the_services_okrbot_uses_are_loaded() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["count"] < 2_000  # the whole SDK is ~10,600 modules
    assert seen["drive_models"] == []
    assert seen["im_message"] == "lark_oapi.api.im.v1.resource.message"  # the real service
    assert seen["drive"] == "UnusedService"
    assert "does not load" in seen["unused_event"]  # a new event fails when it is wired
