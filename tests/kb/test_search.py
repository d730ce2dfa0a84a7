"""Searching the real FAQ: shapes, filters and hostile input."""

from __future__ import annotations

import pytest

from kb_index import KnowledgeBase, UnknownCategory, UnknownLanguage
from kb_index.text import MAX_QUERY_CHARS, clean_query, guess_lang


def test_clear_question_gets_one_answer_with_its_text(full_kb: KnowledgeBase) -> None:
    result = full_kb.search("How much does shipping cost?", "en")
    assert result.decision == "answer"
    [hit] = result.results
    assert hit.id == "en-shipping-cost" and hit.lang == "en" and "₩50,000" in hit.answer  # rendered from the facts
    assert full_kb.get(hit.id).title == hit.title


def test_korean_question_is_answered_from_korean_articles(full_kb: KnowledgeBase) -> None:
    result = full_kb.search("새벽배송 가능한가요?", "ko")
    assert result.decision == "answer" and result.results[0].id == "ko-shipping-dawn"
    assert all(h.lang == "ko" for h in result.ranked)


def test_out_of_scope_question_gets_none(full_kb: KnowledgeBase) -> None:
    for text, lang in [("Who painted the Mona Lisa?", "en"), ("오늘 저녁 메뉴 추천해 줘", "ko")]:
        result = full_kb.search(text, lang)
        assert result.decision == "none" and result.results == []


def test_clarify_offers_at_most_three_distinct_articles(full_kb: KnowledgeBase) -> None:
    result = full_kb.search("refund", "en")
    assert result.decision in ("clarify", "answer")
    ids = [h.id for h in result.ranked]
    assert len(ids) == len(set(ids)) <= 5  # one hit per article
    if result.decision == "clarify":
        assert 2 <= len(result.results) <= 3


def test_category_filter(full_kb: KnowledgeBase) -> None:
    result = full_kb.search("how long does it take", "en", category="refunds")
    assert result.ranked and all(h.category == "refunds" for h in result.ranked)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x01\x07", "\u200b\u200b", "\ud800\udfff"])
def test_empty_queries_get_none_not_an_error(full_kb: KnowledgeBase, text: str) -> None:
    result = full_kb.search(text, "en")
    assert result.decision == "none" and result.results == [] and result.note == "empty query"


def test_huge_query_is_truncated_not_fatal(full_kb: KnowledgeBase) -> None:
    text = ("where is my order " * 600)[:10_000]
    result = full_kb.search(text, "en")
    assert result.decision in ("answer", "clarify", "none")
    assert full_kb.search("반품 " * 5000, "ko").decision in ("answer", "clarify", "none")


def test_control_characters_are_ignored(full_kb: KnowledgeBase) -> None:
    plain = full_kb.search("How much does shipping cost?", "en")
    noisy = full_kb.search("How\x00 much\x1b does\u200b shipping\r\ncost?\x7f", "en")
    assert noisy.ranked[0].id == plain.ranked[0].id


@pytest.mark.parametrize("lang", ["fr", "", "EN", "english"])
def test_unknown_language_is_a_clear_error(full_kb: KnowledgeBase, lang: str) -> None:
    with pytest.raises(UnknownLanguage, match="unknown language"):
        full_kb.search("shipping", lang)


def test_unknown_category_is_a_clear_error(full_kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownCategory, match="unknown category"):
        full_kb.search("shipping", "en", category="weather")


def test_non_text_query_gets_none(full_kb: KnowledgeBase) -> None:
    assert full_kb.search(None, "en").decision == "none"  # type: ignore[arg-type]


def test_health_reports_version_and_counts(full_kb: KnowledgeBase) -> None:
    health = full_kb.health()
    assert health["ready"] and health["version"] == full_kb.version
    assert health["articles"]["en"] >= 60 and health["articles"]["ko"] >= 60


def test_clean_query_and_guess_lang() -> None:
    assert clean_query("  a\x00b\t\tc \u200b ") == "a b c"
    assert len(clean_query("x" * 20_000)) == MAX_QUERY_CHARS
    assert guess_lang("배송비 얼마?") == "ko" and guess_lang("shipping?") == "en"
