"""The neutral message model: what every renderer (plain text, Block Kit, Feishu card) reads."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Header(_Block):
    kind: Literal["header"] = "header"
    text: str


class Section(_Block):
    """A paragraph. `**bold**` is the only markup; renderers translate or strip it."""

    kind: Literal["section"] = "section"
    text: str


class Field_(_Block):
    label: str
    value: str


class Fields(_Block):
    """Label/value pairs shown side by side where the platform can."""

    kind: Literal["fields"] = "fields"
    items: list[Field_]


class Progress(_Block):
    """A labelled progress bar; `percent` is 0..100 (values outside are clamped when drawn)."""

    kind: Literal["progress"] = "progress"
    label: str
    percent: float
    detail: str = ""
    indent: int = Field(default=0, ge=0, le=3)
    status: Literal["on_track", "at_risk", "off_track", "none"] = "none"


class Button(_Block):
    action_id: str
    label: str
    value: str = ""
    style: Literal["default", "primary", "danger"] = "default"


class Actions(_Block):
    kind: Literal["actions"] = "actions"
    buttons: list[Button]


class Context(_Block):
    """Small print: hints, timestamps, refs."""

    kind: Literal["context"] = "context"
    text: str


class Divider(_Block):
    kind: Literal["divider"] = "divider"


class Image(_Block):
    """A picture (a chart). `path` is a PNG file on disk; adapters upload it."""

    kind: Literal["image"] = "image"
    path: str
    alt: str


class Option(_Block):
    value: str
    label: str


class Input(_Block):
    """One field of a form; its answer reaches the handler as `Action.form[name]`."""

    name: str
    label: str
    placeholder: str = ""
    initial: str = ""
    multiline: bool = False
    optional: bool = False
    options: list[Option] = Field(default_factory=list, description="a choice when not empty")


class Form(_Block):
    """Inputs and the buttons that submit them (each button's click carries every input)."""

    kind: Literal["form"] = "form"
    name: str
    inputs: list[Input]
    buttons: list[Button]


Block = Annotated[
    Header | Section | Fields | Progress | Actions | Context | Divider | Image | Form,
    Field(discriminator="kind"),
]


class Message(BaseModel):
    """One reply or notification, independent of any chat platform."""

    model_config = ConfigDict(extra="forbid")

    blocks: list[Block] = Field(default_factory=list)
    summary: str = Field(default="", description="one-line fallback for notifications")
    is_error: bool = False
