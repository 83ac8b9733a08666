"""The `okrbot` command line. Heavy modules are imported inside commands, so `--help` is fast."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

app = typer.Typer(
    name="okrbot",
    help="Chat-first OKRs and KPIs for Slack, Feishu/Lark and the console.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
import_app = typer.Typer(help="Load data from files.", no_args_is_help=True)
export_app = typer.Typer(help="Write data to files for HR (csv or xlsx).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

# Modules that register sub-commands; one per line, so features add a line, not a conflict.
COMMAND_MODULES = (
    "bot.cli_chat",
    "bot.cli_import",
    "bot.cli_serve",
    "bot.cli_feishu",
    "bot.cli_jobs",
    "bot.cli_kpi",
    "bot.cli_broadcast",
    "bot.cli_backup",
    "bot.cli_privacy",
    "bot.cli_export_review",
    "bot.cli_secrets",
    "bot.cli_audit",
    "bot.cli_export_okrs",
    "bot.cli_people",
    "bot.cli_doctor",
)

F = TypeVar("F", bound=Callable[..., Any])

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="app.yaml to use (else $OKRBOT_CONFIG, else ./app.yaml)."),
]
WorkspaceOption = Annotated[
    str | None,
    typer.Option("--workspace", help="Workspace slug (default: company.workspace in app.yaml)."),
]


class State:
    """Options given before the sub-command."""

    config_path: Path | None = None


state = State()


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"okrbot {version('okrbot')}")
        raise typer.Exit()


@app.callback()
def main_options(
    config: ConfigOption = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Chat-first OKRs and KPIs."""
    state.config_path = config
    from bot.logging_setup import configure_logging

    # Runs before every command, not for --help. Warnings only (readable or JSON, secrets
    # redacted); `serve` applies app.yaml `logging`; $OKRBOT_LOG_LEVEL / _FORMAT win everywhere.
    configure_logging(level="WARNING")


def t(key: str, /, **params: Any) -> str:
    """A CLI message from the catalogs (English; loaded when a message is written)."""
    from digests.i18n import translate

    return translate("en", key, **params)


def left_out(ignored: Sequence[str], known: Sequence[str]) -> None:
    """Name the columns of an imported file that okrbot does not read, if any."""
    if ignored:
        typer.echo(t("import.ignored_columns", columns=", ".join(ignored), known=", ".join(known)))


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a user-facing error on stderr; return the Exit to raise."""
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn configuration and schema problems into one clear line and exit code 2."""
    from bot.config import ConfigError
    from storage.migrate import SchemaError

    try:
        yield
    except (ConfigError, SchemaError) as error:
        raise fail(str(error)) from None
    finally:
        from bot.runtime import close_all

        close_all()


def config_path(override: Path | None) -> Path | None:
    """`--config` given after the sub-command wins over one given before it."""
    return override if override is not None else state.config_path


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = None) -> None:
    """Apply database migrations (creates the database on first run)."""
    with friendly_errors():
        from bot.runtime import open_runtime
        from storage import migrate

        runtime = open_runtime(config_path(config), require_current_schema=False)
        before = migrate.current_revision(runtime.engine)
        migrate.upgrade(runtime.engine)
        after = migrate.current_revision(runtime.engine)
        if before == after:
            typer.echo(f"Database already at the latest schema ({after}).")
        else:
            typer.echo(f"Database upgraded: {before or 'empty'} -> {after}.")


def main() -> None:
    """Console-script entry point."""
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(module)  # each registers its commands on `app`

    app()
