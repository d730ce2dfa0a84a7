"""Putting misses and FAQ questions into the inbox the way the gateway does: through the real
MissRecorder (masking and all), as if a turn had reported them."""

from __future__ import annotations

import time
from typing import Any

from gateway.api.editor_content import CLUSTERS_MAX
from gateway.conversations import Conversation
from tests.editor.conftest import ContentApp


def record(app: ContentApp, text: str, lang: str, signal: dict[str, Any]) -> None:
    services = app.client.app.state.services  # type: ignore[attr-defined]
    recorder = next(o for o in services.turns.observers if type(o).__name__ == "MissRecorder")
    conversation = Conversation(id="c-test", locale=lang, language=lang, customer_id=None, created=time.time())
    app.client.portal.call(recorder, conversation, text, [signal])  # type: ignore[attr-defined]


def miss(app: ContentApp, text: str, lang: str = "en", source: str = "kb_none") -> None:
    record(app, text, lang, {"kind": "miss", "source": source, "lang": lang, "intent": "faq", "confidence": 0.4,
                             "kb_candidates": []})


def question(app: ContentApp, text: str, lang: str = "en") -> None:
    record(app, text, lang, {"kind": "kb_question", "lang": lang, "decision": "none", "article_id": None})


def clusters(app: ContentApp, headers: dict[str, str], lang: str = "en", status: str = "open") -> list[dict]:
    response = app.client.get("/api/v1/editor/misses/clusters", params={"lang": lang, "status": status,
                                                                         "limit": CLUSTERS_MAX}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["clusters"]


def cluster_with(found: list[dict], text: str) -> dict:
    matching = [c for c in found if text in c["examples"]]
    assert len(matching) == 1, f"{text!r} in {len(matching)} clusters: {found}"
    return matching[0]
