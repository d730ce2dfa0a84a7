"""What the shopper is told when a dependency fails, by component.

Each library raises its own error tree (kb_index.KbError, handoff.HandoffError, our
ShopUnavailable); imports happen on failure only, so a missing optional backend never
breaks the action server's start-up.
"""

from __future__ import annotations

import sys

_MESSAGES = {
    "shop": ("Sorry, I can't reach our order system right now, so I can't look up orders. "
             "Please try again in a few minutes.",
             "죄송해요, 지금 주문 시스템에 연결할 수 없어 주문을 조회할 수 없어요. 잠시 후 다시 시도해 "
             "주세요."),
    "kb": ("Sorry, our help articles are unavailable right now. Please try again shortly, "
           "or type \"agent\" to reach a person.",
           "죄송해요, 지금 도움말을 불러올 수 없어요. 잠시 후 다시 시도하시거나 \"상담원\"이라고 입력해 "
           "주세요."),
    "kb_loading": ("I'm still getting our help articles ready. Please ask me again in a few seconds.",
                   "도움말을 준비하고 있어요. 몇 초 뒤에 다시 물어봐 주세요."),
    "handoff": ("Sorry, I can't reach our support team's queue right now. Please try again in a few minutes.",
                "죄송해요, 지금 상담 대기열에 연결할 수 없어요. 잠시 후 다시 시도해 주세요."),
    "bug": ("Sorry, something went wrong on my side. Please try again, or type \"agent\" to reach a person.",
            "죄송해요, 처리 중 문제가 생겼어요. 다시 시도하시거나 \"상담원\"이라고 입력해 주세요."),
}


def component_of(exc: Exception) -> str:
    from redis.exceptions import RedisError

    from actions.runtime import KnowledgeBaseWarmingUp
    from actions.shop import ShopUnavailable
    from handoff import HandoffError

    if isinstance(exc, ShopUnavailable):
        return "shop"
    if isinstance(exc, KnowledgeBaseWarmingUp):
        return "kb_loading"
    kb_index = sys.modules.get("kb_index")  # not imported yet: cannot be its error (and importing it is slow)
    if kb_index is not None and isinstance(exc, kb_index.KbError):
        return "kb"
    if isinstance(exc, HandoffError | RedisError):
        return "handoff"
    return "bug"


def explain(exc: Exception) -> tuple[str, str, str]:
    component = component_of(exc)
    en, ko = _MESSAGES[component]
    return component, en, ko
