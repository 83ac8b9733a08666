"""Run a parsed command: the one table from command type to handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from commands.context import Context
from commands.handlers import help as help_handlers
from commands.handlers import kpi, okr
from commands.types import Command, Help, KpiList, KpiRecord, KpiShow, OkrList, OkrShow, OkrUpdate
from digests.message import Message

HANDLERS: dict[type[Any], Callable[[Any, Context], Message]] = {
    OkrList: okr.okr_list,
    OkrShow: okr.okr_show,
    OkrUpdate: okr.okr_update,
    Help: help_handlers.help_message,
    KpiList: kpi.kpi_list,
    KpiShow: kpi.kpi_show,
    KpiRecord: kpi.kpi_record,
}


def run(command: Command, ctx: Context) -> Message:
    """Hand the command to its handler."""
    return HANDLERS[type(command)](command, ctx)
