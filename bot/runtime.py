"""What a CLI command needs to run: the validated config and an engine on a current schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.config import AppConfig, load_config
from commands.settings import Settings, settings_of
from storage import migrate
from storage.db import make_engine

_opened: list[Engine] = []


def close_all() -> None:
    """Dispose of the engines commands opened (each command's end; in-process callers such as
    tests run many commands in one process)."""
    while _opened:
        _opened.pop().dispose()


@dataclass(frozen=True)
class Runtime:
    config: AppConfig
    engine: Engine

    @property
    def settings(self) -> Settings:
        """What handlers, flows and operations read from app.yaml (pay bands, flow idle time)."""
        return settings_of(self.config)


def open_runtime(config_path: Path | None, *, require_current_schema: bool = True) -> Runtime:
    """Load the config and connect; refuse a database whose schema is missing or out of date.

    Raises ConfigError or SchemaError with a message fit to show the user.
    """
    config = load_config(config_path)
    engine = make_engine(config.database_url)
    _opened.append(engine)
    if require_current_schema:
        migrate.ensure_current(engine)
        from bot.company_setup import apply_to_company_workspace

        apply_to_company_workspace(engine=engine, config=config)
    return Runtime(config=config, engine=engine)
