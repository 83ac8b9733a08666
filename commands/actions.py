"""Button and form actions: what a click or a form submission carries.

A neutral Button carries `action_id` and `value`; when a person clicks it on any platform the
adapter sends back an `Action` with the same two strings, and the core runs the handler the
wiring (bot/wiring.py) lists under that action id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from commands.context import Context
from digests.message import Message


@dataclass(frozen=True)
class Action:
    """A click or form submission: which button, its value, and any form fields."""

    action_id: str
    value: str = ""
    form: dict[str, str] = field(default_factory=dict)


ActionHandler = Callable[[Action, Context], Message]
