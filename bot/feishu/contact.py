"""Reading the org chart from Feishu's contact API: departments (recursively) and members,
page by page, as plain records (bot/feishu/org_sync.py writes them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from lark_oapi.api.contact.v3 import ChildrenDepartmentRequest, FindByDepartmentUserRequest

from bot.feishu.retry import with_retry
from digests.safe_text import received

ROOT = "0"  # the tenant's root department
PAGE_SIZE = 50


class ContactError(Exception):
    """The contact API refused a call (usually a missing scope); the message says which."""


@dataclass(frozen=True)
class FeishuDepartment:
    open_id: str
    name: str
    parent_open_id: str | None  # None under the root
    leader_open_id: str | None


@dataclass(frozen=True)
class FeishuUser:
    open_id: str
    name: str
    email: str | None
    title: str | None
    timezone: str | None
    department_ids: tuple[str, ...]
    leader_open_id: str | None


def _pages(fetch: Callable[[str | None], Any], what: str) -> Iterator[Any]:
    token: str | None = None
    while True:
        response = with_retry(partial(fetch, token))
        if not response.success():
            raise ContactError(f"Feishu refused {what}: {response.code} {response.msg}")
        data = response.data
        yield from (data.items or []) if data is not None else []
        if data is None or not data.has_more or not data.page_token:
            return
        token = data.page_token


def departments(client: Any) -> list[FeishuDepartment]:
    """Every department below the root, parents before children."""
    found: list[FeishuDepartment] = []
    queue = [ROOT]
    while queue:
        parent = queue.pop(0)

        def fetch(token: str | None, parent: str = parent) -> Any:
            builder = (
                ChildrenDepartmentRequest.builder()
                .department_id(parent)
                .department_id_type("open_department_id")
                .user_id_type("open_id")
                .fetch_child(False)
                .page_size(PAGE_SIZE)
            )
            if token:
                builder = builder.page_token(token)
            return client.contact.v3.department.children(builder.build())

        for item in _pages(fetch, f"the departments under {parent}"):
            record = FeishuDepartment(
                open_id=item.open_department_id,
                name=received(item.name or item.open_department_id),
                parent_open_id=None if parent == ROOT else parent,
                leader_open_id=item.leader_user_id or None,
            )
            found.append(record)
            queue.append(record.open_id)
    return found


def members(client: Any, department_ids: list[str]) -> list[FeishuUser]:
    """The members of the root and of these departments, each user once."""
    users: dict[str, FeishuUser] = {}
    for department in [ROOT, *department_ids]:

        def fetch(token: str | None, department: str = department) -> Any:
            builder = (
                FindByDepartmentUserRequest.builder()
                .department_id(department)
                .department_id_type("open_department_id")
                .user_id_type("open_id")
                .page_size(PAGE_SIZE)
            )
            if token:
                builder = builder.page_token(token)
            return client.contact.v3.user.find_by_department(builder.build())

        for item in _pages(fetch, f"the members of {department}"):
            if item.open_id and item.open_id not in users:
                users[item.open_id] = FeishuUser(
                    open_id=item.open_id,
                    name=received(item.name or item.open_id),
                    email=item.email or item.enterprise_email or None,
                    title=received(item.job_title) if item.job_title else None,
                    timezone=item.time_zone or None,
                    department_ids=tuple(item.department_ids or ()),
                    leader_open_id=item.leader_user_id or None,
                )
    return list(users.values())
