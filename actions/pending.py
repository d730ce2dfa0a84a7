"""What the bot asked last, so a bare "yes", "no" or order number is read in its light.

The slot `pending` holds "<kind>" or "<kind>:<argument>" (e.g. "cancel:ORD-100123").
Feature modules register what a yes or a no means for their kinds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actions.turn import Turn

Answer = Callable[["Turn", str], Awaitable[None]]


@dataclass(frozen=True)
class FollowUp:
    on_yes: Answer
    on_no: Answer


FOLLOW_UPS: dict[str, FollowUp] = {}


def follow_up(kind: str, on_yes: Answer, on_no: Answer) -> None:
    FOLLOW_UPS[kind] = FollowUp(on_yes, on_no)


def parse(value: object) -> tuple[str, str]:
    if not isinstance(value, str) or not value:
        return "", ""
    kind, _, argument = value.partition(":")
    return kind, argument
