"""The preview's candidate index: the live version with one article added or replaced, the
edited article encoded anew, everything else (and the live index) left as it was."""

from __future__ import annotations

from pathlib import Path

from kb_index import Article, Encoder, KnowledgeBase, Tokenizer, layout

GIFT = Article(id="en-ship-cost", lang="en", category="shipping", title="Gift cards",
               questions=("Do you sell gift cards?", "Can I buy a gift card?"),
               answer="Digital gift cards from $10 to $500.", tags=("gift card",), updated="2026-11-25")


def _kb(root: Path, encoder: Encoder, tokenizer: Tokenizer) -> KnowledgeBase:
    kb = KnowledgeBase(root, encoder=encoder, tokenizer=tokenizer)
    kb.reload()
    return kb


def test_a_replaced_article_answers_with_its_new_text_only(tiny_index: Path, tmp_path: Path, encoder: Encoder,
                                                           tokenizer: Tokenizer) -> None:
    live = _kb(tiny_index, encoder, tokenizer)
    live_version = live.version
    candidate = live.candidate(GIFT, tmp_path / "candidate")
    assert candidate.search("Do you sell gift cards?", "en").ranked[0].id == "en-ship-cost"
    assert candidate.get("en-ship-cost") == GIFT
    assert all(h.id != "en-ship-cost" for h in candidate.search("How much is shipping?", "en").ranked[:1])
    assert live.search("How much is shipping?", "en").ranked[0].id == "en-ship-cost"  # live untouched
    assert layout.current_version(tiny_index) == live_version and live.get("en-ship-cost") != GIFT


def test_an_added_article_leaves_the_other_language_alone(tiny_index: Path, tmp_path: Path, encoder: Encoder,
                                                          tokenizer: Tokenizer) -> None:
    live = _kb(tiny_index, encoder, tokenizer)
    added = Article(id="ko-gift-card", lang="ko", category="products", title="기프트카드",
                    questions=("기프트카드 판매하나요?", "상품권 살 수 있나요?"),
                    answer="디지털 기프트카드를 판매해요.", tags=(), updated="2026-11-25")
    candidate = live.candidate(added, tmp_path / "candidate")
    assert candidate.search("기프트카드 판매하나요?", "ko").ranked[0].id == "ko-gift-card"
    assert candidate.health()["articles"] == {"en": 3, "ko": 3}
    question = "How long does delivery take?"
    before, after = live.search(question, "en"), candidate.search(question, "en")
    assert [(h.id, h.score) for h in after.ranked] == [(h.id, h.score) for h in before.ranked]
