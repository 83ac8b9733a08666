"""Button and form actions: the registry from an action id to its handler.

A neutral Button carries `action_id` and `value`; when a person clicks it on any platform the
adapter sends back an `Action` with the same two strings, and the core runs the handler
registered here under that action id. Flows (approval, check-in) register their actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from commands.context import Context
from commands.types import CommandError
from digests.message import Message


@dataclass(frozen=True)
class Action:
    """A click or form submission: which button, its value, and any form fields."""

    action_id: str
    value: str = ""
    form: dict[str, str] = field(default_factory=dict)


ActionHandler = Callable[[Action, Context], Message]
ACTION_HANDLERS: dict[str, ActionHandler] = {}


def register(action_id: str) -> Callable[[ActionHandler], ActionHandler]:
    """Decorator: run the function for clicks on buttons with this action id."""

    def decorate(handler: ActionHandler) -> ActionHandler:
        ACTION_HANDLERS[action_id] = handler
        return handler

    return decorate


def run_action(action: Action, ctx: Context) -> Message:
    """Run the handler of an action; an unknown id gets a polite 'this button is stale'."""
    handler = ACTION_HANDLERS.get(action.action_id)
    if handler is None:
        from commands import dispatch  # handlers register their actions when imported

        dispatch.load_all()
        handler = ACTION_HANDLERS.get(action.action_id)
    if handler is None:
        raise CommandError("error.unknown_action")
    return handler(action, ctx)
