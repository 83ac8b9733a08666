"""Structured logs: JSON lines in production, readable lines in a terminal, secrets redacted.

Every record carries the current request's id, workspace and platform (a context variable the
core and the HTTP app set per request). A filter on the handler masks known secret shapes
(Slack tokens, bearer tokens, KPI API tokens, secrets from the environment, passwords in
database URLs) wherever they appear: message, arguments, extra fields or traceback.

Standard library only, so the CLI can set it up without slowing `okrbot --help`.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import IO, Any, Literal

LogFormat = Literal["auto", "json", "text"]
LEVEL_ENV = "OKRBOT_LOG_LEVEL"
FORMAT_ENV = "OKRBOT_LOG_FORMAT"
REDACTED = "[redacted]"

# Environment variables whose values must never reach a log line (besides the patterns below).
SECRET_ENV_NAMES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_SECRET",
    "FEISHU_APP_SECRET",
    "FEISHU_VERIFICATION_TOKEN",
    "FEISHU_ENCRYPT_KEY",
    "OKRBOT_ENCRYPTION_KEY",
)

_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\bxox[abposre]-[A-Za-z0-9-]+", REDACTED),  # Slack bot/user/refresh tokens
    (r"\bxoxe\.xox[bp]-[A-Za-z0-9-]+", REDACTED),  # Slack rotating tokens
    (r"\bxapp-[A-Za-z0-9-]+", REDACTED),  # Slack app-level (Socket Mode) tokens
    (r"\bokrk_[A-Za-z0-9_-]+", REDACTED),  # okrbot KPI API tokens
    (r"\b[tu]-[A-Za-z0-9]{20,}", REDACTED),  # Feishu tenant/user access tokens
    (r"\benc:v1:[A-Za-z0-9_=-]+", REDACTED),  # encrypted values, too
    (r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+", r"\1 " + REDACTED),
    (r"(?i)(://[^/:@\s]+:)[^@\s]+@", r"\1" + REDACTED + "@"),  # URL passwords
    (r"([?&](?:code|state)=)[^&\s\"']+", r"\1" + REDACTED),  # OAuth redirect query
    # What people wrote and who they are (slack_sdk and bolt log bodies at DEBUG): form fields,
    # slash-command text, response_urls, OAuth codes, message text, names, emails.
    (r"((?:^|[?&\s])(?:code|text|response_url|trigger_id|payload)=)[^&\s\"']+", r"\1" + REDACTED),
    (r"(Sending a request - url: )[^,\s]+(, body: )", r"\1" + REDACTED + r"\2"),  # response_url
    (r"(?i)\bhttps?://hooks\.slack\.com/[^\s\"'<>]+", "https://hooks.slack.com/" + REDACTED),
    (
        r"([\"'](?:code|text|title|note|value|reason|comment|description|real_name|name|"
        r"display_name|fallback|email|response_url|private_metadata|preview)[\"']\s*:\s*)"
        r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')",
        r"\1'" + REDACTED + "'",
    ),
    (r"\b[A-Za-z0-9._%+-]+(@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b", REDACTED + r"\1"),
    (
        r"(?i)\b((?:app_?|client_?)?secret|signing_secret|encrypt_key|password|passwd|"
        r"access_token|refresh_token|bot_token|user_token|token)"
        r"([\"']?\s*[:=]\s*[\"']?)([^\s\"',&}]+)",
        r"\1\2" + REDACTED,
    ),
)


@cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Compiled on first use, so a command that logs nothing pays nothing."""
    return tuple((re.compile(pattern), replacement) for pattern, replacement in _PATTERNS)


# LogRecord attributes that are not "extra" fields.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's ANSI-coloured copy of the message
}
_CONTEXT_FIELDS = ("request_id", "workspace", "platform")


@dataclass
class RequestInfo:
    """What every log line of one request carries; `outcome` is filled in as it runs."""

    request_id: str
    platform: str | None = None
    workspace: int | None = None
    outcome: str = "ok"


_REQUEST: ContextVar[RequestInfo | None] = ContextVar("okrbot_request", default=None)


def new_request_id() -> str:
    """A short random id for one request."""
    import uuid

    return uuid.uuid4().hex[:16]


def current_request() -> RequestInfo | None:
    """The request being handled in this context, if any."""
    return _REQUEST.get()


@contextmanager
def request_scope(
    *, platform: str | None = None, workspace: int | None = None, request_id: str | None = None
) -> Iterator[RequestInfo]:
    """Tag the log lines inside with a request id (the enclosing request's when there is one,
    e.g. the HTTP request a chat command arrived in), a workspace and a platform."""
    outer = _REQUEST.get()
    info = RequestInfo(
        request_id=request_id or (outer.request_id if outer else new_request_id()),
        platform=platform or (outer.platform if outer else None),
        workspace=workspace if workspace is not None else (outer.workspace if outer else None),
    )
    token = _REQUEST.set(info)
    try:
        yield info
    finally:
        _REQUEST.reset(token)


class Redactor:
    """Masks secrets in text: the known token shapes plus literal values from the environment."""

    def __init__(self, literals: Iterable[str] = ()) -> None:
        # Short values would mask ordinary words; real secrets are long.
        self.literals = sorted({s for s in literals if len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for literal in self.literals:
            text = text.replace(literal, REDACTED)
        for pattern, replacement in _compiled():
            text = pattern.sub(replacement, text)
        return text


def secrets_from_env(names: Iterable[str] = SECRET_ENV_NAMES) -> list[str]:
    """The values of the secret environment variables that are set."""
    return [value for name in names if (value := os.environ.get(name))]


class ContextFilter(logging.Filter):
    """Adds request_id, workspace and platform of the current request to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = _REQUEST.get()
        for name in _CONTEXT_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, getattr(info, name) if info else None)
        return True


class RedactingFilter(logging.Filter):
    """Renders the message once and masks secrets in it, in extra fields and in tracebacks."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self.redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        k: v
        for k, v in vars(record).items()
        if k not in _STANDARD and k not in _CONTEXT_FIELDS and not k.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request fields, extras, exc."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        data.update(_extras(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`12:00:01 INFO  okrbot.core request handled [req=… ws=3 slack] outcome=ok`."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        request_id = getattr(record, "request_id", None)
        workspace = getattr(record, "workspace", None)
        tags = [
            f"req={request_id}" if request_id else "",
            f"ws={workspace}" if workspace is not None else "",
            str(getattr(record, "platform", None) or ""),
        ]
        context = " ".join(t for t in tags if t)
        fields = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        line = f"{when} {record.levelname:<5} {record.name} {record.getMessage()}"
        line += f" [{context}]" if context else ""
        line += f" {fields}" if fields else ""
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line += "\n" + record.exc_text
        return line


def resolve_format(fmt: str, stream: IO[str]) -> Literal["json", "text"]:
    """`auto` means JSON unless the stream is a terminal."""
    if fmt == "json":
        return "json"
    if fmt == "text":
        return "text"
    isatty = getattr(stream, "isatty", None)
    return "text" if isatty is not None and isatty() else "json"


_HANDLER_NAME = "okrbot"


class _CurrentStderr:
    """Whatever `sys.stderr` is when a line is written (test runners swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


def configure_logging(
    *,
    level: str | None = None,
    fmt: str | None = None,
    stream: IO[str] | None = None,
    secrets: Iterable[str] | None = None,
) -> logging.Handler:
    """Install okrbot's one log handler on the root logger (replacing a previous one).

    `$OKRBOT_LOG_LEVEL` and `$OKRBOT_LOG_FORMAT` win over the arguments (app.yaml
    `logging.level`, `logging.format`).
    """
    out: IO[str] = stream if stream is not None else _CurrentStderr()  # type: ignore[assignment]
    chosen_level = (os.environ.get(LEVEL_ENV) or level or "INFO").upper()
    chosen = resolve_format(os.environ.get(FORMAT_ENV) or fmt or "auto", out)
    handler = logging.StreamHandler(out)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if chosen == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter(Redactor(secrets_from_env() if secrets is None else secrets)))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(chosen_level)
    # uvicorn's loggers propagate to ours (serve passes log_config=None).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # APScheduler narrates every job it adds at info; okrbot logs what matters itself.
    logging.getLogger("apscheduler").setLevel(
        logging.NOTSET if chosen_level == "DEBUG" else logging.WARNING
    )
    return handler
