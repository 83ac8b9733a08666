"""Finding 13 (OAuth states): `GET /slack/install` needs no sign-in and issues a state each
time. States expire after ten minutes (an install started then finished later is refused) and
expired ones are purged, so a flood of requests cannot grow the table without bound."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.clock import ManualClock
from tests.bot.slack.conftest import serve_slack
from tests.bot.slack.stub_slack import StubSlack
from tests.bot.slack.test_oauth_socket import OAUTH, get


def _states(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(sa.text("SELECT count(*) FROM slack_oauth_states")).scalar_one()
        )


def _started(url: str) -> tuple[str, dict[str, str]]:
    started = get(url, "/slack/install")
    assert started.status == 302
    state = parse_qs(urlparse(started.headers["location"]).query)["state"][0]
    return state, {"Cookie": started.headers.get("set-cookie", "").split(";")[0]}


def test_states_expire_and_are_purged(
    engine: Engine, stub: StubSlack, manual_clock: ManualClock
) -> None:
    with serve_slack(engine, stub, credentials=OAUTH) as served:
        for _ in range(50):
            _started(served.url)
        late, cookie = _started(served.url)
        assert _states(engine) == 51

        manual_clock.advance(timedelta(minutes=11))
        refused = get(served.url, f"/slack/oauth_redirect?code=abc&state={late}", cookie)
        assert refused.status == 401
        assert stub.of("oauth.v2.access") == []

        fresh, cookie = _started(served.url)
        assert _states(engine) == 1  # the 51 expired ones went with this issue
        finished = get(served.url, f"/slack/oauth_redirect?code=abc&state={fresh}", cookie)
        assert finished.status == 200, finished.body
        assert _states(engine) == 0
