"""The anger lexicon's precision (and recall) on labelled examples in both languages.

The examples are written to be hard: complaints without anger, shouted order numbers,
polite urgency, and angry messages in both scripts.  The measured numbers are reported
in docs/conversation.md; the test guards them from regressing.
"""

from __future__ import annotations

from actions.lexicon import score

ANGRY = [
    "This is ridiculous, I've been waiting two weeks!!",
    "Absolutely unacceptable. Where is my money?",
    "WORST SERVICE EVER, I WANT MY REFUND NOW",
    "I'm so fed up with your company",
    "This is a scam, you took my money and sent nothing",
    "Your support is useless and nobody answers",
    "I'm furious, the third time you send the wrong item",
    "What the hell is going on with my order??",
    "I'm sick of waiting, this is pathetic",
    "Seriously?? How many times do I have to ask",
    "Never again shopping here, terrible service",
    "I'll call my lawyer if this isn't fixed",
    "wtf where is my package",
    "I am really angry and disappointed, this is unbelievable",
    "배송이 아직도 안 왔어요 진짜 짜증나네요",
    "이게 말이 됩니까? 일주일째 연락이 없어요",
    "최악이에요 ㅡㅡ",
    "어이가 없네요 환불 언제 해줘요",
    "장난하세요? 세 번째 문의예요",
    "너무 화가 나요 도대체 언제 와요??",
    "사기 아니에요? 돈만 받고 안 보내고",
    "진짜 열받네 상담원 바꿔",
    "소비자원에 신고할 거예요",
    "답답해서 미치겠어요 몇 번을 말해요",
    "이런 개판인 서비스는 처음 봐요",
    "짜증 나서 못 살겠네 ㅅㅂ",
]
CALM = [
    "Where is my order ORD-100123?",
    "WHERE IS ORD-100123?",
    "Hello, I'd like to return a jacket",
    "The item arrived damaged, can you help?",
    "I was charged twice for one order",
    "Can I change my delivery address?",
    "Thanks, that helps a lot!",
    "I'm not sure which size to pick",
    "Please cancel my order, I ordered by mistake",
    "Is there a discount for VIP members?",
    "My coupon says expired, is that right?",
    "Hi! Quick question about shipping to Jeju",
    "I want to talk to a human please",
    "The shoes are a bit small, can I exchange them?",
    "I'd like to order again, is it back in stock?",
    "Do you ship on weekends?",
    "NEW ORDER: can I add an item?",
    "Hello!!! Anyone there?",
    "안녕하세요 주문 조회 부탁드려요",
    "반품하고 싶어요",
    "상품이 파손되어 왔어요 교환 가능할까요?",
    "결제가 두 번 됐어요 확인 부탁드려요",
    "배송지 변경 가능한가요?",
    "쿠폰이 적용이 안 되네요",
    "상담원 연결해 주세요",
    "감사합니다 좋은 하루 되세요",
    "사이즈가 조금 작아요 교환할게요",
    "주문 취소 부탁드립니다!!",
    "언제 도착하나요?",
    "환불 확인 부탁드려요",
]


def measure() -> tuple[float, float]:
    true_positive = sum(score(t).angry for t in ANGRY)
    false_positive = sum(score(t).angry for t in CALM)
    precision = true_positive / max(1, true_positive + false_positive)
    recall = true_positive / len(ANGRY)
    return precision, recall


def test_lexicon_precision_and_recall() -> None:
    precision, recall = measure()
    assert precision >= 0.95, f"precision {precision:.2f}"
    assert recall >= 0.8, f"recall {recall:.2f}"


def test_shouting_alone_is_not_anger() -> None:
    assert not score("WHERE IS MY ORDER ORD-100123???").angry
    assert score("WHERE IS MY ORDER, this is RIDICULOUS???").angry


def test_matches_are_explained() -> None:
    assert "ridiculous" in score("This is ridiculous!!").matched
    assert not score("hello there").matched
