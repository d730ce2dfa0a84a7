"""Button payloads.

A button's payload comes back as the shopper's message, and the gateway's language
detector decides the conversation language from each message: it ignores words that
contain a digit, so every payload carries a number (`/affirm{"choice":"1"}`) and a
Korean shopper tapping "네" is not switched to English by the payload's Latin letters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actions.turn import Turn


def intent_button(title: str, intent: str, choice: int = 1, entity: str = "choice") -> dict[str, str]:
    return {"title": title, "payload": f'/{intent}{{"{entity}":"{choice}"}}'}


def yes_no(turn: Turn) -> list[dict[str, str]]:
    return [intent_button(turn.t("Yes", "네"), "affirm"), intent_button(turn.t("No", "아니요"), "deny", 0)]


def helpful(turn: Turn) -> list[dict[str, str]]:
    return [intent_button(turn.t("Yes, thanks", "네, 도움이 됐어요"), "affirm"),
            intent_button(turn.t("No", "아니요"), "deny", 0)]


def human(turn: Turn) -> dict[str, str]:
    return intent_button(turn.t("Talk to a person", "상담원 연결"), "request_human")
