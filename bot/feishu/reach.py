"""Reaching people on Feishu before they write: a self-built app learns its tenant at start
(tenant.v2.tenant.query), and a person never seen on Feishu is found by email
(contact.v3.user.batch_get_id)."""

from __future__ import annotations

import logging
from typing import Any

from lark_oapi.api.contact.v3 import BatchGetIdUserRequest, BatchGetIdUserRequestBody
from lark_oapi.api.tenant.v2 import QueryTenantRequest

from bot.delivery.outcome import Found, Lookup, NotFound, Retry
from bot.feishu.api import build_client
from bot.feishu.credentials import credentials_from_env
from bot.feishu.retry import is_rate_limited
from bot.feishu.tenancy import FEISHU_LANGUAGE
from bot.runtime import Runtime
from bot.tenancy import link_company_workspace
from storage.db import session_scope
from storage.models import Platform

log = logging.getLogger("okrbot.feishu")


def tenant_of(client: Any) -> tuple[str, str] | None:
    """The app's tenant key and name, None when Feishu does not answer it."""
    try:
        response = client.tenant.v2.tenant.query(QueryTenantRequest.builder().build())
    except OSError:
        log.warning("feishu: tenant query failed", exc_info=True)
        return None
    tenant = getattr(getattr(response, "data", None), "tenant", None)
    if not response.success() or tenant is None or not tenant.tenant_key:
        log.warning("feishu: tenant query refused", extra={"code": response.code})
        return None
    return str(tenant.tenant_key), str(tenant.name or tenant.tenant_key)


def link_app_tenant(runtime: Runtime, client: Any | None = None) -> str | None:
    """Link the company workspace to the app's tenant; its tenant key, None when unknown
    (then the first event from the tenant links it, as before)."""
    if client is None:
        credentials = credentials_from_env(runtime.config.feishu)
        if not credentials.app_id or not credentials.app_secret:
            return None
        client = build_client(credentials, runtime.config.feishu.domain)
    found = tenant_of(client)
    if found is None:
        return None
    tenant_key, name = found
    with session_scope(runtime.engine) as session:
        workspace = link_company_workspace(
            session=session,
            config=runtime.config,
            platform=Platform.FEISHU,
            external_id=tenant_key,
            name=name,
            language=FEISHU_LANGUAGE,
        )
        log.info("feishu: tenant linked", extra={"tenant": tenant_key, "workspace": workspace.slug})
    return tenant_key


def open_id_by_email(client: Any, email: str) -> Lookup:
    """The open_id of the person with this email in the app's tenant."""
    request = (
        BatchGetIdUserRequest.builder()
        .user_id_type("open_id")
        .request_body(BatchGetIdUserRequestBody.builder().emails([email]).build())
        .build()
    )
    try:
        response = client.contact.v3.user.batch_get_id(request)
    except OSError as error:
        return Retry(f"feishu: {type(error).__name__}")
    if is_rate_limited(response) or not response.success():
        return Retry(f"feishu: {response.code} {response.msg}")
    users = getattr(getattr(response, "data", None), "user_list", None) or []
    for user in users:
        if user.user_id and (user.email or "").lower() == email.lower():
            return Found(str(user.user_id))
    return NotFound("feishu: no user with this email")
