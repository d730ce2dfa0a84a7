"""Every kind of failure reaches the miss inbox through real conversations (real Rasa, actions,
KB and gateway): an out-of-scope reply, "No" to "Did this help?", the same question asked again
in other words, and a request for a person right after an answer; each with its kind, in the
language the shopper wrote, filterable by kind.  Counts and examples agree, and a suggestion
below the confidence floor is only a hint."""

from __future__ import annotations

import pytest

from gateway.api.editor_content import CLUSTERS_MAX
from tests.actions.shopper_chat import Chat
from tests.conftest import add_staff
from tests.editor.conftest import ContentApp
from tests.editor.inbox_helpers import cluster_with, clusters, miss, record

pytestmark = [pytest.mark.rasa, pytest.mark.redis]


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], redis_url: str,
           content_app: ContentApp) -> dict[str, str]:
    return add_staff(monkeypatch, capsys, redis_url, content_app.settings.key_prefix, "editor", "Mina")


def _of_kind(app: ContentApp, headers: dict[str, str], kind: str, lang: str) -> list[dict]:
    response = app.client.get("/api/v1/editor/misses/clusters", headers=headers,
                              params={"lang": lang, "kind": kind, "limit": CLUSTERS_MAX})
    assert response.status_code == 200, response.text
    found = response.json()["clusters"]
    assert all(kind in c["kinds"] for c in found), found
    return found


def _filed(app: ContentApp, headers: dict[str, str], kind: str, lang: str, question: str) -> dict:
    found = [c for c in _of_kind(app, headers, kind, lang) if question in c["examples"]]
    assert len(found) == 1, f"{question!r} ({kind}, {lang}) in {len(found)} clusters"
    return found[0]


def test_an_out_of_scope_reply_is_a_miss_in_the_shoppers_language(content_app: ContentApp,
                                                                  editor: dict[str, str]) -> None:
    english = Chat.start(content_app.client, "en")
    assert "only help with shopping" in english.send("what's the weather today?")
    _filed(content_app, editor, "out_of_scope", "en", "what's the weather today?")

    korean = Chat.start(content_app.client, "ko")
    assert "쇼핑 관련 문의" in korean.send("오늘 날씨 어때요?")
    _filed(content_app, editor, "out_of_scope", "ko", "오늘 날씨 어때요?")
    assert all("오늘 날씨 어때요?" not in c["examples"] for c in clusters(content_app, editor, lang="en"))


def test_no_to_did_this_help_files_the_question_not_the_no(content_app: ContentApp, editor: dict[str, str]) -> None:
    chat = Chat.start(content_app.client, "ko")
    question = "환불은 얼마나 걸리나요?"
    assert "도움이 되었나요?" in chat.send(question)
    chat.press("아니요")
    cluster = _filed(content_app, editor, "not_helpful", "ko", question)
    assert cluster["lang"] == "ko"


def test_asking_again_in_other_words_is_a_rephrase_of_the_first_question(content_app: ContentApp,
                                                                         editor: dict[str, str]) -> None:
    chat = Chat.start(content_app.client, "en")
    first = "How do I create an account?"
    assert "Did this help?" in chat.send(first)
    chat.send("do I need to sign up to buy?")  # the same article again
    cluster = _filed(content_app, editor, "rephrased", "en", first)
    assert "do I need to sign up to buy?" not in cluster["examples"]  # the question that went wrong: the first

    unrelated = Chat.start(content_app.client, "en")
    unrelated.send("What payment methods do you accept?")
    unrelated.send("How much does shipping cost?")  # a new question, not a rephrase
    assert all("What payment methods do you accept?" not in c["examples"] for c in clusters(content_app, editor))


def test_asking_for_a_person_right_after_an_answer_is_a_miss(content_app: ContentApp, editor: dict[str, str]) -> None:
    chat = Chat.start(content_app.client, "en")
    question = "Can I pay with PayPal?"
    assert "Did this help?" in chat.send(question)
    chat.send("I want to talk to a real person")
    cluster = _filed(content_app, editor, "handoff_after_answer", "en", question)
    assert cluster["kinds"] == {"handoff_after_answer": 1}

    helped = Chat.start(content_app.client, "en")
    helped.send("How do I reset my password?")
    helped.press("Yes")
    helped.send("I want to talk to a real person")  # the answer did help: a new matter, not a miss
    later = Chat.start(content_app.client, "en")
    later.send("What are the membership levels?")
    later.send("what's the weather today?")  # the article is no longer the bot's last word
    later.send("I want to talk to a real person")
    shown = [e for c in clusters(content_app, editor) for e in c["examples"]]
    assert "How do I reset my password?" not in shown and "What are the membership levels?" not in shown


def test_a_cluster_counts_what_it_shows(content_app: ContentApp, editor: dict[str, str]) -> None:
    text = "Do you sell gift wrapping for birthday presents?"
    miss(content_app, text)
    miss(content_app, text)
    record(content_app, "gift wrap?", "en", {"kind": "miss", "source": "rephrased", "lang": "en", "question": text})
    cluster = cluster_with(clusters(content_app, editor), text)
    assert cluster["count"] == 3 and cluster["examples"] == [text] and cluster["example_counts"] == [3]
    assert cluster["more"] == 0 and cluster["kinds"] == {"kb_none": 2, "rephrased": 1}
    assert sum(cluster["kinds"].values()) == cluster["count"]


def test_a_suggestion_below_the_floor_is_only_a_hint(content_app: ContentApp, editor: dict[str, str]) -> None:
    miss(content_app, "zq1796 blorf wibble?")
    miss(content_app, "How much does shipping cost?")
    floor = content_app.settings.editor_suggestion_floor
    found = clusters(content_app, editor)
    for cluster in found:
        intent = (cluster["suggestion"] or {}).get("intent")
        if intent:
            assert intent["confident"] == (intent["confidence"] >= floor), intent
    shipping = cluster_with(found, "How much does shipping cost?")["suggestion"]
    assert shipping["article"]["confident"] is True  # the KB answers it with that article


def test_an_unknown_kind_is_refused_naming_it(content_app: ContentApp, editor: dict[str, str]) -> None:
    response = content_app.client.get("/api/v1/editor/misses/clusters", headers=editor,
                                      params={"lang": "en", "kind": "wrong_answer"})
    assert response.status_code == 422 and "kind" in response.text
