"""`okrbot secrets keygen`: a new key for `$OKRBOT_ENCRYPTION_KEY`."""

from __future__ import annotations

import typer

from bot.cli import app

secrets_app = typer.Typer(help="Encryption of stored secrets (OAuth tokens).", no_args_is_help=True)
app.add_typer(secrets_app, name="secrets")


@secrets_app.command("keygen")
def keygen() -> None:
    """Print a new random key for $OKRBOT_ENCRYPTION_KEY (keep it like a password)."""
    from bot.token_crypto import generate_key

    typer.echo(generate_key())
