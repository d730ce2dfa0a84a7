"""A gateway for the editor content tests: the session's real Rasa stack, and editable copies
of nlu_data/ and faq/ (tests/editor/sources.py), so resolving misses and editing articles
never write the repository's sources.  One app for the session: its start loads the
embedding model."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway.settings import Settings
from tests.actions.shopper_chat import Chat
from tests.conftest import RasaStack, gateway_settings
from tests.editor.sources import editable_sources
from tests.waiting import wait_until


@dataclass(frozen=True)
class ContentApp:
    client: httpx.Client
    settings: Settings

    @property
    def nlu_dir(self) -> Path:
        return self.settings.rasa_project_dir / "nlu_data"

    @property
    def faq_dir(self) -> Path:
        return self.settings.kb_source_dir


@pytest.fixture(scope="session")
def content_app(rasa_stack: RasaStack, redis_url: str, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[ContentApp]:
    from fastapi.testclient import TestClient

    from gateway.app import create_app

    folder = tmp_path_factory.mktemp("editor-content")
    copies = editable_sources(folder)
    settings = gateway_settings(rasa_stack, rasa_project_dir=Path(copies["SHOPASSIST_RASA_PROJECT_DIR"]),
                                kb_source_dir=Path(copies["SHOPASSIST_KB_SOURCE_DIR"]), var_dir=folder / "var")
    with TestClient(create_app(settings, redis_url)) as client:
        _wait_for_kb(client)
        yield ContentApp(client, settings)


def _wait_for_kb(client: httpx.Client) -> None:
    """The action server loads the FAQ index in the background; until then FAQ turns say so."""
    chat = Chat.start(client, "en")
    wait_until(lambda: "getting our help articles ready" not in chat.send("how long does a refund take?"),
               "the knowledge base loading", timeout_s=120, every_s=2)
