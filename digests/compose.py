"""The typed way to build a Message: blocks are added by method, words come from the catalogs.

A message builder (digests/messages/) receives a `Draft` in the reader's language and the data
of the call; what it adds is structure, so user data can only ever fill a text slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from digests.formatting import number, percent_text
from digests.i18n import translate_rich
from digests.message import (
    Actions,
    Block,
    Button,
    Context,
    Divider,
    Field_,
    Fields,
    Form,
    Header,
    Image,
    Input,
    Message,
    Option,
    Progress,
    Section,
)
from digests.rich import Rich, Text, rich

Status = Literal["on_track", "at_risk", "off_track", "none"]
Style = Literal["default", "primary", "danger"]
_STATUSES = frozenset({"on_track", "at_risk", "off_track"})


def status_of(confidence: object) -> Status:
    """A confidence value as a progress status ("none" for anything else)."""
    value = getattr(confidence, "value", confidence)
    return value if value in _STATUSES else "none"  # type: ignore[return-value]


class Draft:
    """A message being built in one language."""

    __slots__ = ("blocks", "is_error", "locale", "summary")

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.blocks: list[Block] = []
        self.summary = ""
        self.is_error = False

    # words

    def t(self, key: str, /, **params: Any) -> Rich:
        """A catalog message in this draft's language (bold kept as spans)."""
        return translate_rich(self.locale, key, **params)

    def s(self, key: str, /, **params: Any) -> str:
        """A catalog message as plain text (for one-line slots and button labels)."""
        return translate_rich(self.locale, key, **params).text

    @staticmethod
    def num(value: float, unit: str | None = None) -> str:
        return number(value, unit)

    @staticmethod
    def pct(value: float) -> str:
        return percent_text(value)

    # blocks

    def say(self, summary: Text) -> Draft:
        """The one-line summary (notification text)."""
        self.summary = str(summary)
        return self

    def header(self, text: Text) -> None:
        self.blocks.append(Header(text=str(text)))

    def section(self, text: Text) -> None:
        shown = rich(text)
        self.blocks.append(Section(text=shown.text, bold=shown.bold))

    def context(self, text: Text) -> None:
        shown = rich(text)
        self.blocks.append(Context(text=shown.text, bold=shown.bold))

    def progress(
        self,
        label: Text,
        percent: float,
        *,
        status: object = "none",
        detail: Text = "",
        indent: int = 0,
    ) -> None:
        shown = rich(label)
        self.blocks.append(
            Progress(
                label=shown.text,
                bold=shown.bold,
                percent=float(percent),
                status=status_of(status),
                detail=str(detail),
                indent=indent,
            )
        )

    def fields(self, *items: tuple[Text, Text]) -> None:
        self.blocks.append(
            Fields(items=[Field_(label=str(label), value=str(value)) for label, value in items])
        )

    def actions(self, *buttons: Button) -> None:
        if buttons:
            self.blocks.append(Actions(buttons=list(buttons)))

    def divider(self) -> None:
        self.blocks.append(Divider())

    def image(self, path: str, alt: Text) -> None:
        self.blocks.append(Image(path=path, alt=str(alt)))

    def form(self, name: str, inputs: list[Input], buttons: list[Button]) -> None:
        self.blocks.append(Form(name=name, inputs=inputs, buttons=buttons))

    def message(self) -> Message:
        return Message(blocks=self.blocks, summary=self.summary, is_error=self.is_error)


def button(action_id: str, label: Text, value: object = "", style: Style = "default") -> Button:
    """A button whose click reaches okrbot as `action_id` with `value`."""
    return Button(action_id=action_id, label=str(label), value=str(value), style=style)


def field(
    name: str,
    label: Text,
    *,
    placeholder: Text = "",
    initial: object = "",
    multiline: bool = False,
    optional: bool = False,
    options: Sequence[tuple[str, Text]] = (),
    max_length: int | None = None,
    heading: Text = "",
) -> Input:
    """One input of a form; `options` (value, label) make it a choice; `heading` is shown
    above it."""
    return Input(
        name=name,
        label=str(label),
        heading=str(heading),
        placeholder=str(placeholder),
        initial="" if initial is None else str(initial),
        multiline=multiline,
        optional=optional,
        options=[Option(value=value, label=str(text)) for value, text in options],
        max_length=max_length,
    )
