"""Bad input to the events APIs: clear 4xx or documented quiet dropping, never a crash or a storm.

The gateway here has no Rasa behind it: nothing in these tests may need one.
"""

from __future__ import annotations

import time

import pytest

from tests.proactive.conftest import SHOP_SECRET

pytestmark = [pytest.mark.redis]


def visitor(gateway) -> dict[str, str]:
    response = gateway.post("/api/v1/visitors", json={"locale": "en"})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def event(kind: str = "page_view", ts: float | None = None, page: str = "home", **data) -> dict:
    return {"type": kind, "ts": time.time() if ts is None else ts, "page": {"url": "/x", "type": page}, "data": data}


def test_a_good_batch_is_accepted_and_bad_events_are_dropped_with_reasons(offline_gateway) -> None:
    headers = visitor(offline_gateway)
    now = time.time()
    response = offline_gateway.post("/api/v1/events", headers=headers, json={"events": [
        event(), event("hover"), event(ts=now + 3600), event(ts=now - 86400), event(page="moon"), "junk",
        event("scroll_depth", depth=0.9),
    ]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["accepted"] == 2
    assert [(d["index"], d["reason"]) for d in body["dropped"]] == [
        (1, "unknown event type"), (2, "ts is in the future"), (3, "ts is too old"), (4, "unknown page type"),
        (5, "not an object")]
    assert body["prompt"] is None


def test_missing_or_forged_tokens_are_refused(offline_gateway) -> None:
    batch = {"events": [event()]}
    assert offline_gateway.post("/api/v1/events", json=batch).status_code == 401
    forged = {"Authorization": "Bearer not-a-visitor-token"}
    assert offline_gateway.post("/api/v1/events", json=batch, headers=forged).status_code == 401
    stranger = offline_gateway.post("/api/v1/events", headers=forged,
                                    json={**batch, "conversation_id": "0123abcd"})
    assert stranger.status_code == 404
    assert offline_gateway.post("/api/v1/shop-events", headers=forged, json=batch).status_code == 401
    assert offline_gateway.get("/api/v1/proactive/report", headers=forged).status_code == 401


def test_oversized_batches_and_bodies_are_refused(offline_gateway) -> None:
    headers = visitor(offline_gateway)
    too_many = offline_gateway.post("/api/v1/events", headers=headers, json={"events": [event()] * 51})
    assert too_many.status_code == 413
    assert too_many.json()["error"]["code"] == "too_large"
    huge = offline_gateway.post("/api/v1/events", headers=headers,
                                json={"events": [event(note="x" * 70_000)]})
    assert huge.status_code == 413
    assert offline_gateway.post("/api/v1/events", headers=headers, json={"evts": []}).status_code == 422


def test_a_flood_from_one_visitor_is_rate_limited_without_prompts(offline_gateway) -> None:
    headers = visitor(offline_gateway)
    storm = [event("exit_intent", page="checkout")] * 50
    answers = [offline_gateway.post("/api/v1/events", headers=headers, json={"events": storm}) for _ in range(12)]
    codes = [a.status_code for a in answers]
    # 5 batches a minute in fixed windows: even across a window boundary at most 10 get through
    assert set(codes) == {200, 429} and codes.count(200) <= 10
    assert "Retry-After" in next(a for a in answers if a.status_code == 429).headers
    prompts = [a.json()["prompt"] for a in answers if a.status_code == 200 and a.json()["prompt"]]
    assert len(prompts) <= 1  # once per session per rule, whatever the flood


def test_shop_events_are_validated_and_queued_for_an_unknown_customer(offline_gateway) -> None:
    shop = {"Authorization": f"Bearer {SHOP_SECRET}"}
    response = offline_gateway.post("/api/v1/shop-events", headers=shop, json={"events": [
        {"type": "order_delayed", "ts": time.time(), "customer_id": "C-none", "data": {"order_id": "A1"}},
        {"type": "page_view", "ts": time.time(), "customer_id": "C-none"},
        {"type": "order_delayed", "ts": time.time()},
    ]})
    assert response.status_code == 200, response.text
    assert response.json()["results"] == [
        {"index": 0, "status": "queued"},
        {"index": 1, "status": "dropped", "reason": "unknown event type"},
        {"index": 2, "status": "dropped", "reason": "customer_id must be a string of 1-64 characters"},
    ]


def test_report_needs_a_sane_range(offline_gateway) -> None:
    shop = {"Authorization": f"Bearer {SHOP_SECRET}"}
    report = offline_gateway.get("/api/v1/proactive/report", headers=shop)
    assert report.status_code == 200
    assert {r["rule"] for r in report.json()["rules"]} >= {"product_dwell", "delivery_delay"}
    backwards = offline_gateway.get("/api/v1/proactive/report", headers=shop,
                                    params={"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 422


def test_rules_reload_needs_the_shop_secret_and_lists_the_live_rules(offline_gateway) -> None:
    assert offline_gateway.post("/api/v1/proactive/reload").status_code == 401
    reloaded = offline_gateway.post("/api/v1/proactive/reload", headers={"Authorization": f"Bearer {SHOP_SECRET}"})
    assert reloaded.status_code == 200
    assert "checkout_error" in reloaded.json()["rules"]
