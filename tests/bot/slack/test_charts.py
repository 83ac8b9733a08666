"""/kpi show on Slack: the trend chart is uploaded as a PNG (files_upload_v2 against the stub)
after the text reply — into the DM for a DM, into the person's DM for a slash command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session

from commands.operations.kpi_intake import ingest
from digests.charts.files import CHART_DIR_ENV
from storage.models import (
    KpiDefinition,
    KpiDirection,
    KpiScope,
    KpiTarget,
    ReadingSource,
    Workspace,
)
from tests.bot.slack.conftest import Company, Served
from tests.bot.slack.stub_slack import Call
from tests.bot.slack.test_commands import reply_to, valid_blocks
from tests.bot.slack.test_events import dm

PNG = b"\x89PNG\r\n\x1a\n"
ALT = "LOSS_RATE trend for Company: actual against target and thresholds"


@pytest.fixture
def loss_rate(
    session: Session, company: Company, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> KpiDefinition:
    """A company KPI with two monthly readings (so /kpi show draws a chart)."""
    monkeypatch.setenv(CHART_DIR_ENV, str(tmp_path))
    workspace = session.get(Workspace, company.ana.workspace_id)
    assert workspace is not None
    kpi = KpiDefinition(
        workspace_id=workspace.id,
        code="LOSS_RATE",
        name="Loss rate",
        unit="%",
        direction=KpiDirection.LOWER_IS_BETTER,
    )
    session.add(kpi)
    session.flush()
    session.add(
        KpiTarget(
            workspace_id=kpi.workspace_id,
            kpi_id=kpi.id,
            scope=KpiScope.COMPANY,
            period="2026",
            target=5,
            warning=5,
            critical=6,
        )
    )
    session.commit()
    rows = [("2026-09", 5.5), ("2026-10", 4.8)]
    ingest(
        [{"kpi": "LOSS_RATE", "scope": "company", "period": p, "value": v} for p, v in rows],
        session=session,
        workspace=workspace,
        source=ReadingSource.API,
    )
    session.commit()
    return kpi


def _uploaded(served: Served, channel: str) -> tuple[Call, Call, Call]:
    """The three calls of one files_upload_v2, checked: PNG bytes, shared into `channel`."""
    (url_call,) = served.stub.wait_for("files.getUploadURLExternal")
    (upload,) = served.stub.wait_for("upload")
    (complete,) = served.stub.wait_for("files.completeUploadExternal")
    assert url_call.params["filename"].startswith("kpi-LOSS_RATE-")
    assert url_call.params["filename"].endswith(".png")
    assert url_call.params["alt_txt"] == ALT
    assert upload.path == "/upload/F_UP1"
    assert upload.raw.startswith(PNG)
    assert int(url_call.params["length"]) == len(upload.raw)
    assert complete.params["channel_id"] == channel
    assert complete.params["files"] == [{"id": "F_UP1", "title": ALT}]
    return url_call, upload, complete


def test_a_dm_gets_the_chart_uploaded_into_the_dm(served: Served, loss_rate: KpiDefinition) -> None:
    assert served.event(dm("U_ANA", "kpi show LOSS_RATE"), event_id="EvChart") == 200
    (posted,) = served.stub.wait_for("chat.postMessage")
    assert posted.params["channel"] == "D_ANA"
    assert f"Chart: {ALT} (sent to you as an image)" in valid_blocks(posted.params["blocks"])
    _uploaded(served, "D_ANA")
    assert served.stub.of("conversations.open") == []
    # the reply goes first, then the file
    methods = [c.method for c in served.stub.calls]
    assert methods.index("chat.postMessage") < methods.index("files.getUploadURLExternal")


def test_a_slash_command_gets_the_chart_in_the_persons_dm(
    served: Served, loss_rate: KpiDefinition
) -> None:
    text = reply_to(served, "U_ANA", "/kpi", "show LOSS_RATE", channel_id="C_PUBLIC")
    assert f"Chart: {ALT}" in text
    (opened,) = served.stub.wait_for("conversations.open")
    assert opened.params["users"] == "U_ANA"
    _uploaded(served, "D-OPENED")
    shared = [c for c in served.stub.calls if c.params.get("channel_id") == "C_PUBLIC"]
    assert shared == [], "a channel never gets someone's chart"


def test_a_reply_without_a_chart_uploads_nothing(served: Served) -> None:
    assert "KR-1" in reply_to(served, "U_ANA", "/okr", "update KR-1 3")
    assert served.stub.of("conversations.open") == []
    assert served.stub.of("files.getUploadURLExternal") == []
    assert json.dumps([c.method for c in served.stub.calls]).count("upload") == 0
