"""`okrbot secrets keygen`: a new key for `$OKRBOT_ENCRYPTION_KEY`."""

from __future__ import annotations

import typer

from bot.cli import ConfigOption, app, fail, friendly_errors

secrets_app = typer.Typer(help="Encryption of stored secrets (OAuth tokens).", no_args_is_help=True)
app.add_typer(secrets_app, name="secrets")


@secrets_app.command("keygen")
def keygen() -> None:
    """Print a new random key for $OKRBOT_ENCRYPTION_KEY (keep it like a password)."""
    from bot.token_crypto import generate_key

    typer.echo(generate_key())


@secrets_app.command("rotate")
def rotate(config: ConfigOption = None) -> None:
    """Re-encrypt every stored Slack token with the first key of $OKRBOT_ENCRYPTION_KEY
    (tokens stored before a key was set get encrypted now). Safe to re-run."""
    with friendly_errors():
        from bot.cli_kpi import opened
        from bot.token_crypto import SecretKeyError, box_from_env, reencrypt_all

        try:
            box = box_from_env()
            with opened(config) as runtime:
                changed = reencrypt_all(runtime.engine, box)
        except SecretKeyError as error:
            raise fail(str(error)) from None
        from digests.i18n import translate

        typer.echo(translate("en", "secrets.cli.rotated", changed=changed))
