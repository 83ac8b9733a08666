"""The trend chart: a valid PNG that widens with the data, and /kpi show returns it."""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core import Core, Inbound
from commands.operations.kpi_intake import ingest
from digests.charts.kpi_trend import TrendPoint, draw_trend
from digests.message import Image
from storage.models import Platform, ReadingSource
from tests.kpi.conftest import KpiCompany
from tests.suite_clock import at

LABELS = {"actual": "实际", "target": "目标", "warning": "warning", "critical": "critical"}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _points(count: int) -> list[TrendPoint]:
    return [
        TrendPoint(f"{2020 + i // 12}-{i % 12 + 1:02d}", 3.5 + (i % 5) * 0.4, 4, 4, 5)
        for i in range(count)
    ]


def test_a_valid_png_that_widens_with_the_data(tmp_path: Path) -> None:
    few = draw_trend(_points(3), title="损耗率 LOSS_RATE", path=tmp_path / "a.png", labels=LABELS)
    many = draw_trend(_points(24), title="损耗率", path=tmp_path / "b.png", labels=LABELS)
    (w_few, h_few), (w_many, h_many) = png_size(few), png_size(many)
    assert w_many > w_few * 1.5
    assert abs(h_many - h_few) < h_few * 0.2
    assert many.stat().st_size > few.stat().st_size


def test_kpi_show_returns_the_chart(
    engine: Engine,
    session: Session,
    kc: KpiCompany,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OKRBOT_CHART_DIR", str(tmp_path))
    rows = [("2026-10", 3.6), ("2026-11", 4.4), ("2026-12", 3.9)]
    ingest(
        [{"kpi": "LOSS_RATE", "scope": "hao@acme.com", "period": p, "value": v} for p, v in rows],
        session=session,
        workspace=kc.workspace,
        source=ReadingSource.API,
    )
    session.commit()
    at(datetime(2026, 12, 5, tzinfo=UTC))
    core = Core(engine)
    reply = core.handle(
        Inbound(Platform.CONSOLE, kc.workspace.id, kc.hao.id, "/kpi show LOSS_RATE")
    )
    images = [b for b in reply.blocks if isinstance(b, Image)]
    assert len(images) == 1
    assert Path(images[0].path).parent == tmp_path
    assert png_size(Path(images[0].path))[0] > 100
    assert "LOSS_RATE" in images[0].alt
