"""The miss inbox on the real stack: a shopper's unanswered message reaches the inbox masked,
misses cluster by meaning, and resolving a cluster writes the NLU sources (copies) or is
refused with nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis
import yaml

from contracts.keys import RedisKeys
from gateway.editor.nlu_yaml import examples_by_intent
from tests.actions.shopper_chat import Chat
from tests.conftest import add_staff
from tests.editor.conftest import ContentApp
from tests.editor.inbox_helpers import cluster_with, clusters, miss

pytestmark = [pytest.mark.rasa, pytest.mark.redis]


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], redis_url: str,
           content_app: ContentApp) -> dict[str, str]:
    return add_staff(monkeypatch, capsys, redis_url, content_app.settings.key_prefix, "editor", "Yuna")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yml"))}


def test_an_unanswered_shopper_message_reaches_the_inbox_masked(content_app: ContentApp, editor: dict[str, str],
                                                               redis_url: str) -> None:
    chat = Chat.start(content_app.client, "en")
    reply = chat.send("Do you rent out party costumes for weekends? Reach me at jane.doe@example.com or "
                      "010-1234-5678")
    found = clusters(content_app, editor)
    mine = [c for c in found if any("party costumes" in e for e in c["examples"])]
    assert len(mine) == 1, (reply, found)
    example = next(e for e in mine[0]["examples"] if "party costumes" in e)
    assert "[email]" in example and "[phone]" in example
    assert "jane.doe" not in example and "1234-5678" not in example
    stored = redis.Redis.from_url(redis_url).xrange(RedisKeys(content_app.settings.key_prefix).editor_misses())
    raw = [json.dumps({k.decode(): v.decode() for k, v in fields.items()}) for _, fields in stored]
    assert not any("jane.doe" in r or "1234-5678" in r for r in raw)
    assert not any(chat.conversation_id in r for r in raw)  # no conversation id stored with a miss


def test_paraphrases_cluster_together_and_unrelated_apart(content_app: ContentApp, editor: dict[str, str]) -> None:
    engraving = ["can you engrave my name on the watch?", "do you offer engraving on watches",
                 "is watch engraving available?"]
    weather = "what's the weather like in Seoul today"
    for text in [*engraving, weather]:
        miss(content_app, text)
    first = clusters(content_app, editor)
    group = cluster_with(first, engraving[0])
    assert set(engraving) <= set(group["examples"]) and weather not in group["examples"]
    assert cluster_with(first, weather)["id"] != group["id"]
    assert group["count"] >= 3 and group["first_seen"] <= group["last_seen"]
    assert set(group["suggestion"]) == {"intent", "article"}
    assert cluster_with(clusters(content_app, editor), engraving[0])["id"] == group["id"]  # stable

    gift = ["기프트카드 판매하나요?", "기프트 카드 살 수 있나요", "기프트카드 구매 가능한가요"]
    store = "부산에 오프라인 매장이 있나요?"
    for text in [*gift, store]:
        miss(content_app, text, lang="ko")
    korean = clusters(content_app, editor, lang="ko")
    assert set(gift) <= set(cluster_with(korean, gift[0])["examples"])
    assert cluster_with(korean, store)["id"] != cluster_with(korean, gift[0])["id"]
    assert all(engraving[0] not in c["examples"] for c in korean)  # per language


def test_resolving_into_an_intent_writes_the_nlu_copy(content_app: ContentApp, editor: dict[str, str]) -> None:
    gift = ["do you sell gift cards for birthdays", "can I buy a birthday gift card", "are birthday gift cards sold"]
    for text in gift:
        miss(content_app, text)
    cluster = cluster_with(clusters(content_app, editor), gift[0])
    response = content_app.client.post(f"/api/v1/editor/misses/clusters/{cluster['id']}/resolve",
                                       json={"action": "add_to_intent", "intent": "faq"}, headers=editor)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["changed_files"] == [str(content_app.nlu_dir / "nlu_en.yml")]
    assert body["cluster"]["status"] == "resolved" and body["cluster"]["resolution"]["actor"]["name"] == "Yuna"
    written = examples_by_intent((content_app.nlu_dir / "nlu_en.yml").read_text(), Path("nlu_en.yml"))
    assert set(gift) <= set(written["faq"])
    yaml.safe_load((content_app.nlu_dir / "nlu_en.yml").read_text())  # still well-formed
    assert all(c["id"] != cluster["id"] for c in clusters(content_app, editor))
    resolved = clusters(content_app, editor, status="resolved")
    assert any(c["id"] == cluster["id"] and c["resolution"]["intent"] == "faq" for c in resolved)
    again = content_app.client.post(f"/api/v1/editor/misses/clusters/{cluster['id']}/resolve",
                                    json={"action": "dismiss"}, headers=editor)
    assert again.status_code == 409


def test_a_refused_resolution_changes_nothing(content_app: ContentApp, editor: dict[str, str]) -> None:
    texts = ["hi there, bot friend", "hi there my bot friend"]
    for text in texts:
        miss(content_app, text)
    cluster = cluster_with(clusters(content_app, editor), texts[0])
    before = _snapshot(content_app.nlu_dir)
    url = f"/api/v1/editor/misses/clusters/{cluster['id']}/resolve"

    duplicate = content_app.client.post(url, json={"action": "add_to_intent", "intent": "faq",
                                                   "examples": ["hi there"]}, headers=editor)
    assert duplicate.status_code == 422
    message = duplicate.json()["error"]["message"]
    assert "greet" in message and "faq" in message and "hi there" in message
    unknown = content_app.client.post(url, json={"action": "add_to_intent", "intent": "buy_giftcards"},
                                      headers=editor)
    assert unknown.status_code == 422 and "unknown intent" in unknown.json()["error"]["message"]
    assert _snapshot(content_app.nlu_dir) == before
    assert any(c["id"] == cluster["id"] for c in clusters(content_app, editor))  # still open

    dismissed = content_app.client.post(url, json={"action": "dismiss"}, headers=editor)
    assert dismissed.status_code == 200 and dismissed.json()["changed_files"] == []
    assert _snapshot(content_app.nlu_dir) == before


def test_resolving_into_an_article_or_out_of_scope(content_app: ContentApp, editor: dict[str, str]) -> None:
    students = ["is there a student discount code", "do students get a discount code"]
    for text in students:
        miss(content_app, text)
    cluster = cluster_with(clusters(content_app, editor), students[0])
    url = f"/api/v1/editor/misses/clusters/{cluster['id']}/resolve"
    wrong_language = content_app.client.post(url, json={"action": "add_to_article", "article_id": "ko-coupons-welcome"},
                                             headers=editor)
    assert wrong_language.status_code == 422 and "ko" in wrong_language.json()["error"]["message"]
    added = content_app.client.post(url, json={"action": "add_to_article", "article_id": "en-coupons-welcome"},
                                    headers=editor)
    assert added.status_code == 200, added.text
    assert added.json()["changed_files"] == [str(content_app.faq_dir / "en" / "coupons.yml")]
    article = content_app.client.get("/api/v1/editor/articles/en-coupons-welcome", headers=editor).json()
    assert article["questions"][-2:] == list(reversed(students))  # examples come newest first

    weather = ["will it rain in Busan tomorrow?", "is it going to rain in Busan tomorrow"]
    for text in weather:
        miss(content_app, text, source="nlu_fallback")
    cluster = cluster_with(clusters(content_app, editor), weather[0])
    response = content_app.client.post(f"/api/v1/editor/misses/clusters/{cluster['id']}/resolve",
                                       json={"action": "out_of_scope"}, headers=editor)
    assert response.status_code == 200, response.text
    written = examples_by_intent((content_app.nlu_dir / "nlu_en.yml").read_text(), Path("nlu_en.yml"))
    assert set(weather) <= set(written["out_of_scope"])
