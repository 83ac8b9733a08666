"""The neutral message model: what every renderer (plain text, Block Kit, Feishu card) reads.

Every text slot is plain text, cleaned as it is set (`digests.safe_text`): no character can
break a renderer or change the layout. One-line slots (headers, labels, buttons) hold no line
breaks. Bold is carried beside the text as character spans, never as markup inside it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from digests.safe_text import Span, shown, shown_line, shown_with_spans

Line = Annotated[str, AfterValidator(shown_line)]
Para = Annotated[str, AfterValidator(shown)]
# Values travel back to okrbot (button values, form names): only what no platform can carry
# is changed.
Value = Annotated[str, AfterValidator(shown)]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _spans_moved(data: Any, text_field: str, spans_field: str) -> Any:
    """Clean `text_field` and move `spans_field` with its characters (before validation)."""
    if isinstance(data, dict) and data.get(spans_field) and isinstance(data.get(text_field), str):
        text, spans = shown_with_spans(data[text_field], data[spans_field])
        return {**data, text_field: text, spans_field: spans}
    return data


class Header(_Block):
    kind: Literal["header"] = "header"
    text: Line


class Section(_Block):
    """A paragraph; `bold` spans of `text` are shown in bold."""

    kind: Literal["section"] = "section"
    text: Para
    bold: tuple[Span, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        return _spans_moved(data, "text", "bold")


class Field_(_Block):
    label: Line
    value: Line


class Fields(_Block):
    """Label/value pairs shown side by side where the platform can."""

    kind: Literal["fields"] = "fields"
    items: list[Field_]


class Progress(_Block):
    """A labelled progress bar; `percent` is 0..100 (values outside are clamped when drawn)."""

    kind: Literal["progress"] = "progress"
    label: Line
    percent: float
    detail: Line = ""
    indent: int = Field(default=0, ge=0, le=3)
    status: Literal["on_track", "at_risk", "off_track", "none"] = "none"
    bold: tuple[Span, ...] = Field(default=(), description="bold spans of the label")

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        return _spans_moved(data, "label", "bold")


class Button(_Block):
    action_id: str
    label: Line
    value: Value = ""
    style: Literal["default", "primary", "danger"] = "default"


class Actions(_Block):
    kind: Literal["actions"] = "actions"
    buttons: list[Button]


class Context(_Block):
    """Small print: hints, timestamps, refs."""

    kind: Literal["context"] = "context"
    text: Para
    bold: tuple[Span, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        return _spans_moved(data, "text", "bold")


class Divider(_Block):
    kind: Literal["divider"] = "divider"


class Image(_Block):
    """A picture (a chart). `path` is a PNG file on disk; adapters upload it."""

    kind: Literal["image"] = "image"
    path: str
    alt: Line


class Option(_Block):
    value: Value
    label: Line


class Input(_Block):
    """One field of a form; its answer reaches the handler as `Action.form[name]`.
    `max_length` is the longest answer accepted (the platform's input enforces it too);
    `heading`, when set, is shown above the field (what a group of fields is about)."""

    name: str
    label: Line
    heading: Para = ""
    placeholder: Line = ""
    initial: Para = ""
    multiline: bool = False
    optional: bool = False
    options: list[Option] = Field(default_factory=list, description="a choice when not empty")
    max_length: int | None = None


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
    summary: Line = Field(default="", description="one-line fallback for notifications")
    is_error: bool = False
