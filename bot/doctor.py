"""The checks of `okrbot doctor`: is this installation ready for its first week?

Each check gives a verdict (ok, a warning, or a problem) with what was found and, when not ok,
how to fix it. Platforms are asked over their configured API base (a proxy, Lark, a stand-in),
so the check says what okrbot itself would see.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.runtime import Runtime


class Verdict(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    """One check's outcome: `key` names its catalog message (doctor.<key>.<verdict>)."""

    key: str
    verdict: Verdict
    params: dict[str, object]


Check = Callable[[Runtime], Iterator[Finding]]


def _found(key: str, verdict: Verdict, **params: object) -> Finding:
    return Finding(key, verdict, params)


def check_schema(runtime: Runtime) -> Iterator[Finding]:
    from storage import migrate

    current, head = migrate.current_revision(runtime.engine), migrate.head_revision()
    if current == head:
        yield _found("schema", Verdict.OK, revision=head)
    else:
        yield _found("schema", Verdict.PROBLEM, current=current or "empty", expected=head)


def check_slack(runtime: Runtime) -> Iterator[Finding]:
    if not runtime.config.slack.enabled:
        return
    from bot.slack.credentials import credentials_from_env

    credentials = credentials_from_env(runtime.config.slack)
    if not credentials.signing_secret:
        yield _found("slack_secret", Verdict.PROBLEM, env=runtime.config.slack.signing_secret_env)
    if credentials.oauth:
        yield _found("slack_oauth", Verdict.OK)
        return
    if not credentials.bot_token:
        yield _found("slack_token", Verdict.PROBLEM, env=runtime.config.slack.bot_token_env)
        return
    yield from _slack_auth(runtime, credentials.bot_token)


def _slack_auth(runtime: Runtime, token: str) -> Iterator[Finding]:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from bot.slack.oauth import BOT_SCOPES

    client = WebClient(token=token, base_url=runtime.config.slack.api_base_url, timeout=10)
    try:
        answer = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "") if error.response is not None else ""
        yield _found("slack_auth", Verdict.PROBLEM, error=code or "refused")
        return
    except OSError as error:
        yield _found(
            "slack_reach",
            Verdict.PROBLEM,
            url=runtime.config.slack.api_base_url,
            error=type(error).__name__,
        )
        return
    yield _found("slack_auth", Verdict.OK, team=answer.get("team") or answer.get("team_id"))
    granted = {s.strip() for s in str(answer.headers.get("x-oauth-scopes", "")).split(",")}
    missing = [s for s in BOT_SCOPES if s not in granted]
    if granted == {""}:
        yield _found("slack_scopes", Verdict.WARNING, scopes=", ".join(BOT_SCOPES))
    elif missing:
        yield _found("slack_scopes", Verdict.PROBLEM, missing=", ".join(missing))


def check_feishu(runtime: Runtime) -> Iterator[Finding]:
    config = runtime.config.feishu
    if not config.enabled:
        return
    from bot.feishu.credentials import credentials_from_env

    credentials = credentials_from_env(config)
    if not credentials.app_id or not credentials.app_secret:
        yield _found(
            "feishu_app",
            Verdict.PROBLEM,
            id_env=config.app_id_env,
            secret_env=config.app_secret_env,
        )
        return
    import httpx

    url = f"{config.domain.rstrip('/')}/open-apis/auth/v3/tenant_access_token/internal"
    try:
        answer: dict[str, Any] = httpx.post(
            url,
            json={"app_id": credentials.app_id, "app_secret": credentials.app_secret},
            timeout=10,
        ).json()
    except (httpx.HTTPError, ValueError) as error:
        yield _found("feishu_reach", Verdict.PROBLEM, url=config.domain, error=type(error).__name__)
        return
    if answer.get("code") == 0 and answer.get("tenant_access_token"):
        yield _found("feishu_auth", Verdict.OK)
    else:
        yield _found("feishu_auth", Verdict.PROBLEM, error=str(answer.get("msg") or "refused"))
    if not credentials.encrypt_key or not credentials.verification_token:
        yield _found(
            "feishu_events",
            Verdict.WARNING,
            token_env=config.verification_token_env,
            key_env=config.encrypt_key_env,
        )


def check_font(runtime: Runtime) -> Iterator[Finding]:
    from digests.charts.base import cjk_family

    family = cjk_family()
    if family:
        yield _found("font", Verdict.OK, family=family)
    else:
        yield _found("font", Verdict.WARNING)


def check_encryption(runtime: Runtime) -> Iterator[Finding]:
    from bot.token_crypto import KEY_ENV, SecretKeyError, box_from_env

    try:
        box_from_env()
    except SecretKeyError:
        yield _found("encryption", Verdict.PROBLEM, env=KEY_ENV)
        return
    if os.environ.get(KEY_ENV):
        yield _found("encryption", Verdict.OK)
    elif runtime.config.slack.enabled:
        yield _found("encryption", Verdict.WARNING, env=KEY_ENV)


def check_company(runtime: Runtime) -> Iterator[Finding]:
    """People, their roles and reach, KPI targets and the cycle, in the company workspace."""
    from sqlmodel import col, func, select

    from storage import clock
    from storage.db import session_scope
    from storage.kpi_targets import targets_without
    from storage.models import Cycle, CycleState, Person, PersonIdentity, Platform, Role
    from storage.repos import workspaces

    slug = runtime.config.company.workspace
    with session_scope(runtime.engine) as session:
        workspace = workspaces.get_by_slug(session=session, slug=slug)
        if workspace is None or workspace.id is None:
            yield _found("people", Verdict.PROBLEM, workspace=slug)
            return
        active = select(Person).where(
            Person.workspace_id == workspace.id, col(Person.active).is_(True)
        )
        people = list(session.exec(active))
        if not people:
            yield _found("people", Verdict.PROBLEM, workspace=slug)
            return
        yield _found("people", Verdict.OK, count=len(people), workspace=slug)
        admins = [p for p in people if p.role is Role.ADMIN]
        hr = [p for p in people if p.role in (Role.HR_ADMIN, Role.ADMIN)]
        if not admins:
            yield _found("admin", Verdict.PROBLEM)
        else:
            yield _found("admin", Verdict.OK, names=", ".join(p.name for p in admins[:3]))
        if not hr:
            yield _found("hr", Verdict.WARNING)
        for platform, enabled in (
            (Platform.SLACK, runtime.config.slack.enabled),
            (Platform.FEISHU, runtime.config.feishu.enabled),
        ):
            if not enabled:
                continue
            linked = set(
                session.exec(
                    select(PersonIdentity.person_id).where(
                        PersonIdentity.workspace_id == workspace.id,
                        PersonIdentity.platform == platform,
                    )
                )
            )
            unlinked = [p for p in people if p.id not in linked]
            if unlinked:
                names = ", ".join(p.email for p in unlinked[:5])
                yield _found(
                    "identity",
                    Verdict.WARNING,
                    platform=platform.value,
                    count=len(unlinked),
                    names=names,
                )
        bare = targets_without(session, workspace.id)
        if bare:
            yield _found("targets", Verdict.WARNING, codes=", ".join(k.code for k in bare))
        today = clock.today(ZoneInfo(workspace.timezone or runtime.config.company.timezone))
        cycles = session.exec(
            select(func.count())
            .select_from(Cycle)
            .where(
                Cycle.workspace_id == workspace.id,
                Cycle.state == CycleState.ACTIVE,
                col(Cycle.start_date) <= today,
                col(Cycle.end_date) >= today,
            )
        ).one()
        if cycles:
            yield _found("cycle", Verdict.OK)
        else:
            yield _found("cycle", Verdict.PROBLEM)


CHECKS: tuple[Check, ...] = (
    check_schema,
    check_slack,
    check_feishu,
    check_font,
    check_encryption,
    check_company,
)


def run_checks(runtime: Runtime) -> list[Finding]:
    """Every finding, in order; the company is not looked at before the schema is current."""
    findings = list(check_schema(runtime))
    schema_ok = all(f.verdict is Verdict.OK for f in findings)
    for check in CHECKS[1:]:
        if check is check_company and not schema_ok:
            continue
        findings.extend(check(runtime))
    return findings
