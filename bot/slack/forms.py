"""Interactive payloads -> neutral Actions: a clicked element, a submitted form's values."""

from __future__ import annotations

from typing import Any

from bot.slack.blockkit import EMPTY_OPTION_VALUE, action_id_of
from bot.slack.modals import unpack_metadata
from commands.actions import Action

_SINGLE: tuple[str, ...] = (
    "selected_date",
    "selected_time",
    "selected_date_time",
    "selected_user",
    "selected_conversation",
    "selected_channel",
)
_MULTI = ("selected_users", "selected_conversations", "selected_channels")


def element_value(element: dict[str, Any]) -> str:
    """The value of one input or clicked element, as text (lists comma-joined)."""
    if element.get("value") is not None:
        return str(element["value"])
    if element.get("selected_option"):
        value = str(element["selected_option"].get("value", ""))
        return "" if value == EMPTY_OPTION_VALUE else value
    if element.get("selected_options") is not None:
        return ",".join(str(o.get("value", "")) for o in element["selected_options"])
    for key in _SINGLE:
        if element.get(key) is not None:
            return str(element[key])
    for key in _MULTI:
        if element.get(key) is not None:
            return ",".join(str(v) for v in element[key])
    return ""


def form_values(state_values: dict[str, Any]) -> dict[str, str]:
    """A view's or message's `state.values` as {action id: value}."""
    form: dict[str, str] = {}
    for block in state_values.values():
        for slack_action_id, element in block.items():
            form[action_id_of(slack_action_id)] = element_value(element)
    return form


def click_action(body: dict[str, Any], action: dict[str, Any]) -> Action:
    """A block_actions payload's clicked element, with the inputs around it."""
    state = (body.get("state") or {}).get("values") or {}
    return Action(
        action_id=action_id_of(action["action_id"]),
        value=element_value(action),
        form=form_values(state),
    )


def submit_action(view: dict[str, Any]) -> Action:
    """A view_submission: the modal's callback id, its private metadata and its inputs."""
    value, _ = unpack_metadata(view.get("private_metadata") or "")
    return Action(
        action_id=view.get("callback_id") or "",
        value=value,
        form=form_values((view.get("state") or {}).get("values") or {}),
    )
