"""The rules file: the shipped one loads, a broken one is refused with its line, reloads are live."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.proactive.live_rules import LiveRules
from gateway.proactive.rules import RulesError, load, parse
from gateway.settings import REPO_ROOT

GOOD = """
rules:
  - id: dwell
    priority: 1
    when: {event: dwell, page_type: product, dwell_s_min: 30}
    trigger: {intent: EXTERNAL_proactive, entities: {prompt: product_dwell}}
"""


def test_shipped_rules_cover_the_demo_shop() -> None:
    rules = load(REPO_ROOT / "proactive_rules.yml")
    assert {r.id for r in rules.rules} == {"product_dwell", "cart_hesitation", "checkout_exit", "checkout_error",
                                           "search_no_results", "delivery_delay"}
    assert [r.priority for r in rules.rules] == sorted((r.priority for r in rules.rules), reverse=True)
    assert all(r.intent == "EXTERNAL_proactive" for r in rules.rules)


@pytest.mark.parametrize(("text", "line", "words"), [
    ("rules:\n  - id: a\n    when: {event: dwell\n", 4, "invalid YAML"),
    (GOOD.replace("dwell_s_min", "dwel_s_min"), 5, "unknown conditions: dwel_s_min"),
    (GOOD.replace("event: dwell,", "event: hover,"), 5, "known event types"),
    (GOOD.replace("EXTERNAL_proactive", "greet"), 6, "EXTERNAL_"),
    (GOOD.replace("dwell_s_min: 30", "dwell_s_min: soon"), 3, "dwell_s_min must be a number"),
    (GOOD + GOOD.replace("rules:\n", ""), 8, "duplicate rule id"),
])
def test_a_broken_file_is_refused_naming_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(RulesError) as refused:
        parse(text, "rules.yml")
    assert f"rules.yml: line {line}:" in str(refused.value)
    assert words in str(refused.value)


def test_changes_are_picked_up_and_a_broken_edit_keeps_the_old_rules(tmp_path: Path, clock) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(GOOD)
    live = LiveRules(path, check_every_s=5, clock=clock)
    assert [r.id for r in live.get().rules] == ["dwell"]
    path.write_text(GOOD.replace("id: dwell", "id: lingering"))
    assert [r.id for r in live.get().rules] == ["dwell"]  # not checked again yet
    clock.advance(5)
    assert [r.id for r in live.get().rules] == ["lingering"]
    path.write_text(GOOD.replace("when:", "when: [oops"))
    clock.advance(5)
    assert [r.id for r in live.get().rules] == ["lingering"]
    assert "line" in (live.last_error or "")
    with pytest.raises(RulesError):
        live.reload()
    assert [r.id for r in live.current.rules] == ["lingering"]
