"""`okrbot serve` wiring: the platform registry mounts Slack's routes; config errors are clear;
the CLI never loads slack_bolt; Slack markup becomes command text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine

from bot.config import ConfigError, SlackConfig
from bot.core import Core
from bot.http_app import background_services, build_app
from bot.slack.commands import COMMANDS
from bot.slack.credentials import credentials_from_env
from bot.slack.oauth import BOT_SCOPES
from bot.slack.text import from_slack
from tests.bot.slack.conftest import runtime_for
from tests.bot.slack.stub_slack import StubSlack

ROOT = Path(__file__).resolve().parents[3]


def test_serve_mounts_slack_routes_and_socket_mode(
    engine: Engine, stub: StubSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    runtime, core = runtime_for(engine, stub), Core(engine)
    paths = {getattr(route, "path", "") for route in build_app(runtime, core).routes}
    assert {"/healthz", "/slack/events", "/slack/install", "/slack/oauth_redirect"} <= paths
    assert [service.name for service in background_services(runtime, core)] == ["slack-socket-mode"]
    assert stub.of("auth.test")[0].params["token"] == "xoxb-1"


def test_missing_credentials_name_the_variables() -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        credentials_from_env(SlackConfig(enabled=True), {})
    with pytest.raises(ConfigError, match="OKR_TOKEN"):
        credentials_from_env(SlackConfig(bot_token_env="OKR_TOKEN"), {"SLACK_SIGNING_SECRET": "s"})
    oauth = credentials_from_env(
        SlackConfig(),
        {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "2"},
    )
    assert oauth.oauth


def test_the_cli_does_not_load_slack_bolt() -> None:
    code = "import sys, bot.cli; assert 'slack_bolt' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("<@UBOT> okr list", "okr list"),
        ("okr list <@U123|ana>", "okr list @U123"),
        ("okr list <mailto:ana@example.com|ana@example.com>", "okr list ana@example.com"),
        ("okr update KR-1 3 R&amp;D &lt;late&gt;", "okr update KR-1 3 R&D <late>"),
        ("hr broadcast <#C12|sales> hi", "hr broadcast #sales hi"),
        ("kpi show <#C12>", "kpi show #C12"),
    ],
)
def test_slack_markup_becomes_command_text(slack: str, plain: str) -> None:
    assert from_slack(slack, bot_user_id="UBOT") == plain


def test_the_manifest_matches_the_adapter() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    commands = manifest["features"]["slash_commands"]
    assert tuple(c["command"] for c in commands) == COMMANDS
    assert {c["url"] for c in commands} == {"https://YOUR-HOST/slack/events"}
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES
    settings = manifest["settings"]
    assert settings["interactivity"]["request_url"].endswith("/slack/events")
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "app_mention", "message.im"
    }  # fmt: skip
    assert manifest["oauth_config"]["redirect_urls"] == ["https://YOUR-HOST/slack/oauth_redirect"]
    assert settings["socket_mode_enabled"] is False
