"""Language-aware tokens: what BM25 matches on."""

from __future__ import annotations

from kb_index import Tokenizer
from kb_index.tokenize import stem_en


def test_english_drops_stop_words_and_stems(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokens("How do I get my refunds?", "en") == ["refund"]
    assert tokenizer.tokens("Shipping was shipped", "en") == ["ship", "ship"]


def test_stemmer_keeps_short_and_double_s_words() -> None:
    assert [stem_en(w) for w in ("address", "bus", "policies", "cards", "gas")] == [
        "address", "bus", "policy", "card", "gas",
    ]


def test_korean_inflections_share_the_stem(tokenizer: Tokenizer) -> None:
    a = tokenizer.tokens("반품하려면 어떻게 해야 하나요?", "ko")
    b = tokenizer.tokens("반품 신청 방법", "ko")
    assert "반품" in a and "반품" in b
    assert not {"하", "어떻게", "나요"} & set(a)  # light verbs, question words and endings are dropped


def test_korean_compounds_and_typos_share_bigrams(tokenizer: Tokenizer) -> None:
    assert "배송" in tokenizer.tokens("새뱍배송 되나요", "ko")  # typo inside a compound
    assert "송장" in tokenizer.tokens("운송장 번호", "ko") or "송장" in tokenizer.tokens("송장번호", "ko")


def test_korean_keeps_latin_words_and_numbers(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokens("VIP 등급은 30만 원 이상인가요? AS 접수", "ko")
    assert {"vip", "as", "등급", "접수"} <= set(tokens)
    assert "30" in tokens


def test_empty_and_symbol_only_text(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokens("", "en") == [] == tokenizer.tokens("?!...", "ko")
