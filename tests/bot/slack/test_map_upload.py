"""/okr map on Slack: the map's PNG is uploaded like any chart (files_upload_v2 into the DM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.charts.files import CHART_DIR_ENV
from tests.bot.slack.conftest import Company, Served
from tests.bot.slack.test_commands import valid_blocks
from tests.bot.slack.test_events import dm

PNG = b"\x89PNG\r\n\x1a\n"


def test_slack_uploads_the_map_into_the_dm(
    served: Served, company: Company, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHART_DIR_ENV, str(tmp_path))
    assert served.event(dm("U_ANA", "okr map"), event_id="EvMap") == 200
    (posted,) = served.stub.wait_for("chat.postMessage")
    assert "Win the EV segment" in valid_blocks(posted.params["blocks"])
    (url_call,) = served.stub.wait_for("files.getUploadURLExternal")
    (upload,) = served.stub.wait_for("upload")
    (complete,) = served.stub.wait_for("files.completeUploadExternal")
    assert url_call.params["filename"].startswith("okr-map-")
    assert url_call.params["alt_txt"].startswith("Alignment map 2026-Q4")
    assert upload.raw.startswith(PNG)
    assert complete.params["channel_id"] == "D_ANA"
