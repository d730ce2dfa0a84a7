"""What the shopper is told when the handoff queue moves their conversation, or while they wait
in it, in their language."""

from __future__ import annotations

from handoff import Position

_TEXTS = {
    "position": {
        "en": "You're number {position} in the queue. Estimated wait: about {minutes} min.",
        "ko": "대기 순번 {position}번입니다. 예상 대기 시간은 약 {minutes}분입니다.",
    },
    "unstaffed": {
        "en": "You're number {position} in the queue, but nobody from our team who can help with this is online "
              "right now. Your request stays in the queue and they'll see this whole conversation when they're in. "
              "If you'd rather not wait, leave your email address or phone number here and we'll get back to you.",
        "ko": "대기 순번 {position}번이지만, 지금은 이 문의를 도와드릴 상담원이 접속해 있지 않아요. 요청은 대기열에 "
              "그대로 남아 있고, 상담원이 접속하면 지금까지의 대화를 모두 보게 돼요. 기다리기 어려우시면 이메일 "
              "주소나 전화번호를 남겨 주세요. 확인 후 연락드릴게요.",
    },
    "unstaffed_still": {
        "en": "You're still number {position} in the queue; nobody who can help is online yet. "
              "Your request and any details you add here are kept for them.",
        "ko": "여전히 대기 순번 {position}번이에요. 아직 도와드릴 상담원이 접속하지 않았어요. "
              "남겨 주신 요청과 내용은 그대로 전달돼요.",
    },
    "noted": {
        "en": "Added to your request: the agent will see it as soon as they join.",
        "ko": "요청 내용에 추가했어요. 상담원이 연결되면 바로 확인할 거예요.",
    },
    "claimed": {
        "en": "{agent} from our support team has joined the chat.",
        "ko": "상담원 {agent}님이 대화에 참여했습니다.",
    },
    "requeued": {
        "en": "Your agent was disconnected. You keep your place in the queue; someone will be with you shortly.",
        "ko": "상담원 연결이 끊어졌습니다. 대기 순서는 그대로 유지되며 곧 다른 상담원이 연결됩니다.",
    },
    "released": {
        "en": "Your conversation is back in the queue at its original place; another agent will pick it up.",
        "ko": "대화가 원래 대기 순서로 돌아갔습니다. 곧 다른 상담원이 이어서 도와드립니다.",
    },
    "transferred": {
        "en": "We're transferring you to a colleague who can help with this.",
        "ko": "이 문의를 도와드릴 수 있는 다른 상담원에게 연결해 드리고 있습니다.",
    },
    "resolved": {
        "en": "{agent} has closed this conversation. Thank you for your patience!",
        "ko": "상담원 {agent}님이 상담을 종료했습니다. 기다려 주셔서 감사합니다!",
    },
    "handed_back": {
        "en": "You're back with the ShopAssist bot. Ask me anything else you need.",
        "ko": "다시 ShopAssist 챗봇이 도와드립니다. 더 궁금한 점을 물어보세요.",
    },
    "dead_lettered": {
        "en": "We're sorry, we couldn't keep an agent connected. A supervisor has been alerted and will follow up.",
        "ko": "죄송합니다. 상담원 연결이 계속 끊어졌습니다. 담당자에게 전달되어 곧 연락드리겠습니다.",
    },
}


def text(kind: str, language: str, **values: object) -> str | None:
    templates = _TEXTS.get(kind)
    if templates is None:
        return None
    return templates.get(language, templates["en"]).format(**values)


def position_text(language: str, position: Position) -> str:
    """The place and wait, or, while nobody who can help is online, that and how to leave a message."""
    if position.minutes is None:
        return text("unstaffed", language, position=position.position) or ""
    return text("position", language, position=position.position, minutes=position.minutes) or ""
