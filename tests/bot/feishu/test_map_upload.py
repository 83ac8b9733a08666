"""/okr map on Feishu: the map's PNG is uploaded (im.v1.images) and shown in the card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from digests.charts.files import CHART_DIR_ENV
from tests.bot.feishu import events
from tests.bot.feishu.conftest import Company, Feishu
from tests.bot.feishu.test_webhook import card_of, post

PNG = b"\x89PNG\r\n\x1a\n"


def test_feishu_shows_the_map_in_the_card(
    feishu: Feishu, company: Company, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHART_DIR_ENV, str(tmp_path))
    assert post(feishu, events.message("目标地图", open_id="ou_ana")).is_success
    (send,) = feishu.stub.sends(1)
    (upload,) = feishu.stub.calls_to("POST", "/open-apis/im/v1/images")
    assert PNG in upload.raw
    elements: list[dict[str, Any]] = card_of(send)["body"]["elements"]
    assert "Win the EV segment" in str(elements)
    images = [e for e in elements if e.get("tag") == "img"]
    assert len(images) == 1
    assert images[0]["img_key"] == "img_v3_stub1"
