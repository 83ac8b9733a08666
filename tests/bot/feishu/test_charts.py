"""/kpi show on Feishu: the trend chart is uploaded (im.v1.image.create) and the card shows it
as an img element with the returned image_key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from commands.operations.kpi_intake import ingest
from digests.charts.files import CHART_DIR_ENV
from storage.models import KpiDefinition, KpiDirection, KpiScope, KpiTarget, ReadingSource
from tests.bot.feishu import events
from tests.bot.feishu.conftest import Company, Feishu
from tests.bot.feishu.test_webhook import card_of, post

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def loss_rate(
    session: Session, company: Company, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> KpiDefinition:
    """A company KPI with two monthly readings (so /kpi show draws a chart)."""
    monkeypatch.setenv(CHART_DIR_ENV, str(tmp_path))
    kpi = KpiDefinition(
        workspace_id=company.workspace.id,
        code="LOSS_RATE",
        name="Loss rate",
        name_zh="损耗率",
        unit="%",
        direction=KpiDirection.LOWER_IS_BETTER,
    )
    session.add(kpi)
    session.flush()
    target = KpiTarget(
        workspace_id=kpi.workspace_id,
        kpi_id=kpi.id,
        scope=KpiScope.COMPANY,
        period="2026",
        target=5,
        warning=5,
        critical=6,
    )
    session.add(target)
    session.commit()
    rows = [("2026-09", 5.5), ("2026-10", 4.8)]
    ingest(
        [{"kpi": "LOSS_RATE", "scope": "company", "period": p, "value": v} for p, v in rows],
        session=session,
        workspace=company.workspace,
        source=ReadingSource.API,
    )
    session.commit()
    return kpi


def _elements(card: dict[str, Any]) -> list[dict[str, Any]]:
    elements: list[dict[str, Any]] = card["body"]["elements"]
    return elements


def test_the_chart_is_uploaded_and_shown_in_the_card(
    feishu: Feishu, loss_rate: KpiDefinition
) -> None:
    assert post(feishu, events.message("/kpi 查看 LOSS_RATE", open_id="ou_wei")).is_success
    (send,) = feishu.stub.sends(1)
    (upload,) = feishu.stub.calls_to("POST", "/open-apis/im/v1/images")
    assert upload.at < send.at, "the image is uploaded before the card that shows it"
    assert PNG in upload.raw
    assert b'name="image_type"' in upload.raw
    assert b"message" in upload.raw
    images = [e for e in _elements(card_of(send)) if e.get("tag") == "img"]
    assert images == [
        {
            "tag": "img",
            "img_key": "img_v3_stub1",
            "alt": {"tag": "plain_text", "content": "LOSS_RATE 公司 趋势：实际值与目标和阈值对比"},
        }
    ]
    assert "图表：" not in json.dumps(card_of(send), ensure_ascii=False)


def test_a_failed_upload_leaves_the_chart_as_a_line_of_text(
    feishu: Feishu, loss_rate: KpiDefinition, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feishu.adapter.bot.api, "upload_image", lambda path: None)
    assert post(feishu, events.message("/kpi show LOSS_RATE", open_id="ou_ana")).is_success
    (send,) = feishu.stub.sends(1)
    card = json.dumps(card_of(send), ensure_ascii=False)
    assert '"tag": "img"' not in card
    assert "Chart: LOSS_RATE trend for Company" in card
