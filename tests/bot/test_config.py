"""app.yaml: found in the documented order, validated with the key and line of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, find_config_path, load_config, parse_config
from storage.models.enums import KpiDirection

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_app_yaml_is_valid() -> None:
    config = load_config(ROOT / "app.yaml")
    assert config.company.workspace == "acme"
    assert {k.code for k in config.kpis} >= {"LOSS_RATE", "CAPACITY_UTIL", "MONTHLY_SALES"}


def test_unknown_key_is_named_with_its_line() -> None:
    text = "company:\n  name: Acme\n  timezon: UTC\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert "line 3: company.timezon: unknown key" in str(caught.value)


def test_bad_values_are_named_with_their_lines() -> None:
    text = (
        "company:\n  timezone: Mars/Olympus\n"
        "cycles:\n  - name: 2026-Q4\n    start: 2026-10-01\n    end: 2026-09-01\n"
        "kpis:\n  - code: LOSS_RATE\n    name: Loss\n    direction: sideways\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    message = str(caught.value)
    assert "line 2: company.timezone: unknown time zone 'Mars/Olympus'" in message
    assert "line 4: cycles.0: end must be after start" in message
    assert "line 10: kpis.0.direction:" in message
    assert message.startswith("app.yaml: 3 problems:")


@pytest.mark.parametrize(
    ("word", "direction"),
    [
        ("decrease", KpiDirection.LOWER_IS_BETTER),
        ("Lower", KpiDirection.LOWER_IS_BETTER),
        ("越低越好", KpiDirection.LOWER_IS_BETTER),
        ("increase", KpiDirection.HIGHER_IS_BETTER),
        ("higher_is_better", KpiDirection.HIGHER_IS_BETTER),
    ],
)
def test_a_kpi_direction_in_the_words_people_use(word: str, direction: KpiDirection) -> None:
    config = parse_config(f"kpis:\n  - code: CHURN\n    name: Churn\n    direction: {word}\n")
    assert config.kpis[0].direction is direction


def test_one_problem_is_one_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("kpis:\n  - code: CHURN\n    name: Churn\n    direction: sideways\n")
    assert str(caught.value).startswith("app.yaml: 1 problem:\n  line 4: kpis.0.direction:")


def test_not_yaml_and_not_a_mapping() -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_config("company: [unclosed\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        parse_config("- a\n- b\n")


def test_lookup_order_flag_then_env_then_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    assert find_config_path(None) is None
    (tmp_path / "app.yaml").write_text("company:\n  name: Here\n")
    assert find_config_path(None) == Path("app.yaml")
    monkeypatch.setenv("OKRBOT_CONFIG", str(tmp_path / "env.yaml"))
    assert find_config_path(None) == tmp_path / "env.yaml"
    assert find_config_path(tmp_path / "flag.yaml") == tmp_path / "flag.yaml"
    with pytest.raises(ConfigError, match="no such file"):
        load_config(None)


def test_database_url_env_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config("database:\n  url: sqlite:///from-yaml.db\n")
    monkeypatch.delenv("OKRBOT_DATABASE_URL", raising=False)
    assert config.database_url == "sqlite:///from-yaml.db"
    monkeypatch.setenv("OKRBOT_DATABASE_URL", "sqlite:///from-env.db")
    assert config.database_url == "sqlite:///from-env.db"
    assert parse_config("").database_url == "sqlite:///from-env.db"


def test_a_batch_the_pace_cannot_send_within_the_lease_is_explained() -> None:
    text = "delivery:\n  batch: 1000\n  lease_seconds: 120\n  slack: {per_second: 5}\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    message = str(caught.value)
    assert "delivery.batch 1000 at slack's 5 messages a second takes 200 s" in message
    assert "lower batch to 300 or less, or raise lease_seconds to 400 or more" in message


def test_a_target_threshold_on_the_wrong_side_is_named_with_its_line() -> None:
    kpi = "kpis:\n  - code: LOSS_RATE\n    name: Loss\n    direction: lower_is_better\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(kpi + "    targets:\n      - {scope: company, target: 5, warning: 4}\n")
    assert "The warning line 4 must be above the target 5" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        parse_config(kpi + "    targets:\n      - {scope: 'team:x', target: 5}\n")
    assert "line 6: kpis.0.targets.0.scope: 'team:x' is not a scope" in str(caught.value)


def test_kpi_bounds_that_leave_no_reading_or_a_target_outside_them_are_refused() -> None:
    kpi = "kpis:\n  - code: LOSS_RATE\n    name: Loss\n    direction: lower_is_better\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(kpi + "    min: 10\n    max: 10\n")
    message = str(caught.value)
    assert "LOSS_RATE: min (10) must be below max (10)" in message
    assert "line 2" in message
    with pytest.raises(ConfigError) as caught:
        parse_config(
            kpi + "    min: 0\n    max: 20\n    targets:\n      - {scope: company, target: 25}\n"
        )
    assert "LOSS_RATE company: target 25 lies outside the KPI's bounds (min 0, max 20)" in str(
        caught.value
    )
    parse_config(
        kpi + "    min: 0\n    max: 20\n    targets:\n      - {scope: company, target: 5}\n"
    )
