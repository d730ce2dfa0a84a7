"""Satisfaction after an agent resolves: CSAT 1-5 for everyone, then NPS 0-10 for a sampled
share of conversations (SHOPASSIST_NPS_SAMPLE_RATE).

Stored with the conversation (`RedisKeys.conversation_feedback`: fields csat, csat_at, nps,
nps_at), in the conversation's hash tag next to the gateway's keys.
"""

from __future__ import annotations

import hashlib
import re
import time

from actions import buttons, runtime
from actions.base import ShopAction
from actions.turn import Turn
from contracts.keys import RedisKeys

_NUMBER = re.compile(r"(?<!\d)(10|[0-9])(?!\d)")
_KO_STARS = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5}
_EN_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def sampled_for_nps(conversation_id: str, rate: float) -> bool:
    """Deterministic per conversation, so a retried turn asks (or skips) the same way."""
    bucket = int(hashlib.sha256(conversation_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return bucket < rate


def score_in(turn: Turn) -> int | None:
    raw = turn.entity("score")
    if raw and raw.isdigit():
        return int(raw)
    match = _NUMBER.search(turn.text)
    if match:
        return int(match.group(1))
    lowered = turn.text.lower()
    for word, value in _EN_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            return value
    for word, value in _KO_STARS.items():
        # "네" alone is "yes", so the one-syllable numbers count only before 점/개 ("네 점", "세 개")
        suffix = r"\s*(점|개)" if len(word) == 1 else ""
        if re.search(rf"(?<![가-힣]){word}{suffix}", lowered):
            return value
    return None


class ActionAskCsat(ShopAction):
    action_name = "action_ask_csat"
    may_escalate = False

    async def handle(self, turn: Turn) -> None:
        turn.set("pending", "csat")
        turn.say("Your conversation with our team is closed. How satisfied are you with the help you got? "
                 "(1 = very unsatisfied, 5 = very satisfied)",
                 "상담이 종료되었어요. 받으신 도움에 얼마나 만족하셨나요? (1 = 매우 불만족, 5 = 매우 만족)",
                 buttons=[buttons.intent_button(str(n), "rate", n, "score") for n in range(1, 6)])


class ActionRate(ShopAction):
    action_name = "action_rate"
    handles = ("rate",)
    may_escalate = False
    claims_pending = ("csat", "nps")
    claim_is_intent = True

    @classmethod
    def claims(cls, turn: Turn) -> bool:
        return score_in(turn) is not None and len(turn.text) <= 40

    async def handle(self, turn: Turn) -> None:
        stage = turn.slot("pending")
        score = score_in(turn)
        if stage not in ("csat", "nps"):
            turn.missed = True
            turn.say("Sorry, I didn't quite get that. What can I help you with?",
                     "죄송해요, 잘 이해하지 못했어요. 무엇을 도와드릴까요?")
            return
        top = 5 if stage == "csat" else 10
        low = 1 if stage == "csat" else 0
        if score is None or not low <= score <= top:
            turn.say("Please choose a number from {low} to {top}.", "{low}부터 {top}까지 숫자로 골라 주세요.",
                     low=low, top=top)
            return
        config = runtime.settings()
        await runtime.redis().hset(RedisKeys(config.key_prefix).conversation_feedback(turn.conversation_id),
                                   mapping={stage: score, f"{stage}_at": time.time()})
        turn.signal("insight", event=stage, score=score)
        turn.missed = False
        turn.set("pending", None)
        if stage == "csat" and sampled_for_nps(turn.conversation_id, config.nps_sample_rate):
            turn.set("pending", "nps")
            turn.say("Thank you! One last question: how likely are you to recommend us to a friend? "
                     "(0 = not at all, 10 = extremely likely)",
                     "감사합니다! 마지막으로, 저희 쇼핑몰을 친구에게 추천하실 가능성은 얼마나 되나요? "
                     "(0 = 전혀 없음, 10 = 매우 높음)",
                     buttons=[buttons.intent_button(str(n), "rate", n, "score") for n in range(0, 11)])
            return
        turn.say("Thank you for your feedback!", "소중한 의견 감사합니다!")
