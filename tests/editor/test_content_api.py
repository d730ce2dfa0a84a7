"""FAQ articles through the editor API on the real stack: edits are validated by the KB's own
loader and refused with a message naming the problem (files untouched), a valid edit lands
in the FAQ copy, the preview replays real questions on a candidate index, and only editor
tokens get in."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from handoff import HandoffQueue
from tests.actions.shopper_chat import Chat
from tests.conftest import add_staff
from tests.editor.conftest import ContentApp
from tests.editor.inbox_helpers import question

pytestmark = [pytest.mark.rasa, pytest.mark.redis]

GIFT_CARDS = {
    "id": "en-products-gift-cards", "lang": "en", "category": "products", "title": "Gift cards",
    "questions": ["Do you sell gift cards?", "Can I buy a gift card for a friend?", "Are gift cards available?"],
    "answer": "Yes: **digital gift cards** from $10 to $500, sent by email. They never expire.",
    "tags": ["gift card", "present, voucher"],
}


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], redis_url: str,
           content_app: ContentApp) -> dict[str, str]:
    return add_staff(monkeypatch, capsys, redis_url, content_app.settings.key_prefix, "editor", "Jisoo")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yml"))}


def _put(app: ContentApp, headers: dict[str, str], article: dict[str, Any], article_id: str | None = None) -> Any:
    return app.client.put(f"/api/v1/editor/articles/{article_id or article['id']}", json=article, headers=headers)


@pytest.mark.parametrize(("change", "named"), [
    ({"answer": None}, "answer"),
    ({"answer": "   "}, "answer"),
    ({"questions": ["only one"]}, "questions"),
    ({"questions": "Do you sell gift cards?"}, "questions"),
    ({"questions": ["Same?", "Same?"]}, "duplicates"),
    ({"category": "gifts"}, "category"),
    ({"id": "Gift Cards!"}, "id"),
    ({"colour": "red"}, "colour"),
    ({"title": "two\nlines"}, "title"),
])
def test_a_bad_article_is_refused_naming_the_problem(content_app: ContentApp, editor: dict[str, str],
                                                     change: dict[str, Any], named: str) -> None:
    before = _snapshot(content_app.faq_dir)
    article = {k: v for k, v in {**GIFT_CARDS, **change}.items() if v is not None}
    response = _put(content_app, editor, article, GIFT_CARDS["id"])
    assert response.status_code == 422, response.text
    assert named in response.json()["error"]["message"]
    assert _snapshot(content_app.faq_dir) == before


def test_an_article_cannot_move_and_a_broken_source_blocks_edits(content_app: ContentApp,
                                                                 editor: dict[str, str]) -> None:
    before = _snapshot(content_app.faq_dir)
    shipping = content_app.client.get("/api/v1/editor/articles/en-shipping-cost", headers=editor).json()
    moved = _put(content_app, editor, {**shipping, "category": "orders"})
    assert moved.status_code == 422 and "cannot change" in moved.json()["error"]["message"]
    broken = content_app.faq_dir / "en" / "privacy.yml"
    original = broken.read_text()
    broken.write_text(original + "- id: [unclosed\n")
    try:
        refused = _put(content_app, editor, GIFT_CARDS)
        assert refused.status_code == 422
        assert "privacy.yml" in refused.json()["error"]["message"] and "YAML" in refused.json()["error"]["message"]
    finally:
        broken.write_text(original)
    assert _snapshot(content_app.faq_dir) == before


def test_a_valid_article_lands_in_its_source_file(content_app: ContentApp, editor: dict[str, str]) -> None:
    products = content_app.faq_dir / "en" / "products.yml"
    others = {k: v for k, v in _snapshot(content_app.faq_dir).items() if k != "en/products.yml"}
    untouched = products.read_text()
    response = _put(content_app, editor, GIFT_CARDS)
    assert response.status_code == 200, response.text
    assert response.json()["changed_files"] == [str(products)]
    assert products.read_text().startswith(untouched.rstrip("\n"))  # the other articles stay as written
    assert {k: v for k, v in _snapshot(content_app.faq_dir).items() if k != "en/products.yml"} == others
    stored = content_app.client.get(f"/api/v1/editor/articles/{GIFT_CARDS['id']}", headers=editor).json()
    assert stored["questions"] == GIFT_CARDS["questions"] and stored["tags"] == GIFT_CARDS["tags"]
    assert stored["answer"] == GIFT_CARDS["answer"] and stored["updated"]
    listed = content_app.client.get("/api/v1/editor/articles", params={"lang": "en", "category": "products"},
                                    headers=editor).json()["articles"]
    assert GIFT_CARDS["id"] in {a["id"] for a in listed} and {a["lang"] for a in listed} == {"en"}
    intents = content_app.client.get("/api/v1/editor/intents", headers=editor).json()["intents"]
    faq = next(i for i in intents if i["name"] == "faq")
    assert faq["examples"]["en"] > 10 and faq["examples"]["ko"] > 10
    assert not any(i["name"] in ("nlu_fallback", "EXTERNAL_proactive") for i in intents)


def test_preview_shows_the_questions_whose_answer_changes(content_app: ContentApp, editor: dict[str, str]) -> None:
    question(content_app, "do you sell gift cards")
    question(content_app, "How much is shipping?")
    response = content_app.client.post("/api/v1/editor/articles/preview", json=GIFT_CARDS, headers=editor)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["replayed"] >= 2
    changed = {c["text"]: c for c in body["changed"]}
    gift = changed["do you sell gift cards"]
    assert gift["candidate"]["decision"] == "answer" and gift["candidate"]["article_id"] == GIFT_CARDS["id"]
    assert gift["live"]["article_id"] != GIFT_CARDS["id"]
    assert "How much is shipping?" not in changed


async def _agent_token(redis_url: str, prefix: str) -> tuple[str, str]:
    redis = Redis.from_url(redis_url)
    try:
        agent, token = await HandoffQueue(redis, prefix).agents.add("Dae", ["general"], ["en"], 1)
        return agent.id, token
    finally:
        await redis.aclose()


async def _remove_agent(redis_url: str, prefix: str, agent_id: str) -> None:
    redis = Redis.from_url(redis_url)
    try:
        await HandoffQueue(redis, prefix).agents.remove(agent_id)
    finally:
        await redis.aclose()


def test_only_editor_tokens_get_in(content_app: ContentApp, redis_url: str) -> None:
    prefix = content_app.settings.key_prefix
    agent_id, agent_token = asyncio.run(_agent_token(redis_url, prefix))
    shopper = Chat.start(content_app.client, "en").headers
    calls = [("GET", "/api/v1/editor/misses/clusters", None), ("GET", "/api/v1/editor/intents", None),
             ("GET", "/api/v1/editor/articles", None), ("GET", "/api/v1/editor/articles/en-shipping-cost", None),
             ("PUT", f"/api/v1/editor/articles/{GIFT_CARDS['id']}", GIFT_CARDS),
             ("POST", "/api/v1/editor/articles/preview", GIFT_CARDS),
             ("POST", "/api/v1/editor/misses/clusters/c0123456789abcdef/resolve", {"action": "dismiss"})]
    try:
        for method, url, body in calls:
            as_agent = content_app.client.request(method, url, json=body,
                                                  headers={"Authorization": f"Bearer {agent_token}"})
            assert as_agent.status_code == 403, (url, as_agent.text)
            assert "agent token" in as_agent.json()["error"]["message"]
            as_shopper = content_app.client.request(method, url, json=body, headers=shopper)
            assert as_shopper.status_code == 403, (url, as_shopper.text)
            assert content_app.client.request(method, url, json=body).status_code == 401
    finally:
        asyncio.run(_remove_agent(redis_url, prefix, agent_id))
