"""Answers state figures through {{fact}} placeholders: rendered at load, and a hard-coded figure that
contradicts the shop facts is refused, naming the article, the figure, the fact and what to write."""

from __future__ import annotations

import pytest

from contracts.shop_facts import ShopFacts, load_shop_facts, parse_shop_facts
from kb_index import SourceError
from kb_index.articles import load_articles

from .conftest import FAQ, article


def _fact(kind: str, value: object, en: list[str], ko: list[str]) -> dict[str, object]:
    return {"kind": kind, "value": value, "keywords": {"en": en, "ko": ko}}


FACTS = parse_shop_facts({"currency": "KRW", "facts": {
    "free_shipping_threshold": _fact("money", 50000, ["free shipping"], ["무료배송"]),
    "standard_shipping_fee": _fact("money", 3000, ["shipping fee"], ["배송비"]),
    "return_window_days": _fact("days", 30, ["return window", "return it within"], ["반품 신청"]),
    "card_refund_days": _fact("business_days", [3, 5], ["card refund"], ["카드 환불"]),
    "damage_report_hours": _fact("hours", 48, ["damage"], ["파손"]),
}}, "shop_facts.yml")


def load_one(make_sources, answer: str, lang: str = "en", facts: ShopFacts | None = FACTS) -> str:
    root = make_sources({f"{lang}/shipping.yml": [article(f"{lang}-ship-x", lang=lang, answer=answer)]})
    return next(a.answer for a in load_articles(root, facts) if a.lang == lang)


def test_placeholders_are_rendered_in_the_articles_language(make_sources) -> None:
    en = "Free shipping from **{{free_shipping_threshold}}**; card refunds take {{card_refund_days}}."
    assert load_one(make_sources, en) == "Free shipping from **₩50,000**; card refunds take 3–5 business days."
    ko = "{{free_shipping_threshold}} 이상 무료배송, 카드 환불은 {{card_refund_days}}."
    assert load_one(make_sources, ko, "ko") == "50,000원 이상 무료배송, 카드 환불은 영업일 기준 3~5일."


def test_without_facts_the_text_comes_as_written_for_the_editor(make_sources) -> None:
    assert load_one(make_sources, "Free from {{free_shipping_threshold}}.", facts=None) == \
        "Free from {{free_shipping_threshold}}."


def test_an_unknown_placeholder_names_the_article_and_the_placeholder(make_sources) -> None:
    with pytest.raises(SourceError) as err:
        load_one(make_sources, "Free over {{free_shiping_threshold}}.")
    assert (err.value.article, err.value.field) == ("en-ship-x", "answer")
    assert "{{free_shiping_threshold}}" in str(err.value) and "shipping.yml" in str(err.value)


@pytest.mark.parametrize(
    ("answer", "lang", "figure", "fact", "value"),
    [
        ("Free shipping on orders of $50 or more.", "en", "$50", "free_shipping_threshold", "₩50,000"),
        ("Orders over 30 USD ship free.", "en", "30 USD", None, None),
        ("Free shipping from ₩30,000.", "en", "₩30,000", "free_shipping_threshold", "₩50,000"),
        ("You can return it within 14 days of delivery.", "en", "14 days", "return_window_days", "30 days"),
        ("A card refund takes 5-10 business days.", "en", "5-10 business days", "card_refund_days",
         "3–5 business days"),
        ("기본 배송비는 3,000원이며, 30,000원 이상 구매 시 무료배송입니다.", "ko", "30,000원",
         "free_shipping_threshold", "50,000원"),
        ("**3만 원** 이상 **무료배송**", "ko", "3만 원", "free_shipping_threshold", "50,000원"),
        ("상품 수령 후 7일 이내 반품 신청이 가능합니다.", "ko", "7일", "return_window_days", "30일"),
        ("카드 환불은 3~7영업일 걸립니다.", "ko", "3~7영업일", "card_refund_days", "영업일 기준 3~5일"),
    ],
)
def test_a_contradicting_figure_is_refused_with_what_to_write(
        make_sources, answer: str, lang: str, figure: str, fact: str | None, value: str | None) -> None:
    with pytest.raises(SourceError) as err:
        load_one(make_sources, answer, lang)
    message = str(err.value)
    assert (err.value.article, err.value.field) == (f"{lang}-ship-x", "answer")
    assert repr(figure) in message
    if fact is None:
        assert "not in the shop's currency (KRW)" in message and "shop_facts.yml" in message
    else:
        assert f"{fact} = {value}" in message and f"{{{{{fact}}}}}" in message


@pytest.mark.parametrize("answer", [
    "Free shipping from ₩50,000.",  # a literal that agrees is not a contradiction
    "Free shipping from {{free_shipping_threshold}}; the shipping fee is {{standard_shipping_fee}} below it.",
    "Our warehouse has shipped for 12 years.",  # a figure in a sentence about no fact
    "We answer within 2 days. Free shipping needs no code.",  # sentences are checked apart
    "Report damage within 2 days.",  # the damage fact counts hours: a day count is another kind
])
def test_figures_that_do_not_contradict_pass(make_sources, answer: str) -> None:
    load_one(make_sources, answer)


def test_the_shipped_faq_renders_one_policy_in_both_languages() -> None:
    facts = load_shop_facts()
    articles = {a.id: a for a in load_articles(FAQ, facts)}
    assert not any("{{" in a.answer for a in articles.values())
    threshold = {lang: facts.text("free_shipping_threshold", lang) for lang in ("en", "ko")}
    assert threshold["en"] in articles["en-shipping-cost"].answer and "$" not in articles["en-shipping-cost"].answer
    assert threshold["ko"] in articles["ko-shipping-cost"].answer
    window = {lang: facts.text("return_window_days", lang) for lang in ("en", "ko")}
    assert window["en"] in articles["en-returns-policy"].answer and window["ko"] in articles["ko-returns-policy"].answer


def test_the_shipped_faq_writes_its_figures_as_placeholders() -> None:
    raw = {a.id: a.answer for a in load_articles(FAQ)}
    assert "{{free_shipping_threshold}}" in raw["en-shipping-cost"]
    assert "{{return_window_days}}" in raw["ko-returns-policy"]
