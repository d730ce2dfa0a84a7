"""The shop facts file: what it holds, how a fact reads in each language, and what the loader refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contracts.fact_text import fact_text
from contracts.shop_facts import SHOP_FACTS_FILE, ShopFactsError, UnknownFact, load_shop_facts, parse_shop_facts

WINDOW = {"kind": "days", "value": 30, "keywords": {"en": ["return window"], "ko": ["반품 가능 기간"]}}


def facts_file(**facts: Any) -> dict[str, Any]:
    return {"currency": "KRW", "facts": facts}


def test_the_repository_file_is_valid_and_states_the_demo_shops_threshold() -> None:
    facts = load_shop_facts(SHOP_FACTS_FILE)
    assert facts.currency == "KRW"
    assert facts.text("free_shipping_threshold", "en") == "₩50,000"  # web/demo/product.html's banner
    assert facts.text("free_shipping_threshold", "ko") == "50,000원"
    assert facts.at_most("return_window_days") == 30  # the window actions/returns.py enforces


@pytest.mark.parametrize(
    ("kind", "value", "en", "ko"),
    [
        ("money", 50000, "₩50,000", "50,000원"),
        ("money", 1000000, "₩1,000,000", "1,000,000원"),
        ("days", 30, "30 days", "30일"),
        ("days", 1, "1 day", "1일"),
        ("days", (3, 5), "3–5 days", "3~5일"),
        ("business_days", (3, 5), "3–5 business days", "영업일 기준 3~5일"),
        ("business_days", 2, "2 business days", "2영업일"),
        ("hours", 24, "24 hours", "24시간"),
        ("minutes", 30, "30 minutes", "30분"),
        ("weeks", (2, 4), "2–4 weeks", "2~4주"),
        ("months", (2, 6), "2–6 months", "2~6개월"),
        ("years", 1, "1 year", "1년"),
        ("percent", 15, "15%", "15%"),
        ("count", (8, 20), "8–20", "8~20"),
        ("clock", "14:00", "2 pm", "오후 2시"),
        ("clock", "23:00", "11 pm", "밤 11시"),
        ("clock", "07:30", "7:30 am", "오전 7시 30분"),
        ("clock", "12:00", "12 pm", "낮 12시"),
    ],
)
def test_a_fact_reads_naturally_in_each_language(kind: str, value: Any, en: str, ko: str) -> None:
    assert (fact_text(kind, value, "en", "KRW"), fact_text(kind, value, "ko", "KRW")) == (en, ko)


def test_render_fills_placeholders_and_refuses_unknown_ones() -> None:
    facts = parse_shop_facts(facts_file(return_window_days=WINDOW), "test")
    rendered = facts.render("Return within {{return_window_days}} ({{ currency }}).", "en")
    assert rendered == "Return within 30 days (KRW)."
    assert facts.render("수령 후 {{return_window_days}} 이내", "ko") == "수령 후 30일 이내"
    with pytest.raises(UnknownFact) as err:
        facts.render("Free over {{free_shipping}}.", "en")
    assert err.value.name == "free_shipping"


def test_at_most_is_a_ranges_upper_end() -> None:
    refund = {"kind": "business_days", "value": [1, 3], "keywords": {"en": ["refund"], "ko": ["환불"]}}
    facts = parse_shop_facts(facts_file(refund_days=refund, return_window_days=WINDOW), "test")
    assert (facts.at_most("refund_days"), facts.at_most("return_window_days")) == (3, 30)


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        ({**facts_file(w=WINDOW), "shop": "x"}, "shop", "unknown key"),
        (facts_file(window={**WINDOW, "note": "x"}), "facts.window.note", "unknown key"),
        (facts_file(window={"kind": "days", "keywords": WINDOW["keywords"]}), "facts.window.value", "missing"),
        (facts_file(window={**WINDOW, "kind": "fortnights"}), "facts.window.kind", "fortnights"),
        (facts_file(window={**WINDOW, "value": -1}), "facts.window.value", "whole number"),
        (facts_file(window={**WINDOW, "value": [5, 3]}), "facts.window.value", "range"),
        (facts_file(fee={**WINDOW, "kind": "money", "value": [1, 2]}), "facts.fee.value", "whole number ≥ 0 for"),
        (facts_file(fee={**WINDOW, "kind": "money", "value": 4.99}), "facts.fee.value", "whole number"),
        (facts_file(cutoff={**WINDOW, "kind": "clock", "value": 840}), "facts.cutoff.value", "quoted time"),
        (facts_file(window={**WINDOW, "keywords": {"en": ["x"]}}), "facts.window.keywords.ko", "non-empty list"),
        (facts_file(window={**WINDOW, "keywords": {**WINDOW["keywords"], "fr": ["x"]}}),
         "facts.window.keywords.fr", "unknown language"),
        (facts_file(currency=WINDOW), "facts.currency", "name"),
        ({"currency": "USD", "facts": {"w": WINDOW}}, "currency", "supported: KRW"),
        ({"currency": "KRW"}, "facts", "non-empty mapping"),
    ],
)
def test_a_bad_field_is_named_with_its_problem(data: dict[str, Any], field: str, problem: str) -> None:
    with pytest.raises(ShopFactsError) as err:
        parse_shop_facts(data, "shop_facts.yml")
    assert any(f == field and problem in p for f, p in err.value.problems), err.value.problems
    assert str(err.value).startswith("shop_facts.yml: ") and field in str(err.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shop_facts.yml"
    path.write_text("currency: EUR\nfacts:\n  fee: {kind: money, value: x, keywords: {en: [fee], ko: [비]}}\n"
                    "  window: {kind: days, value: 30}\n")
    with pytest.raises(ShopFactsError) as err:
        load_shop_facts(path)
    assert [f for f, _ in err.value.problems] == ["currency", "facts.fee.value", "facts.window.keywords"]


def test_an_unreadable_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "shop_facts.yml"
    path.write_text("facts: [unclosed\n")
    with pytest.raises(ShopFactsError, match="shop_facts.yml: file: cannot be read as YAML"):
        load_shop_facts(path)
