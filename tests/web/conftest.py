"""Fixtures of the browser tests: one chromium and one real gateway process per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.web.pages import chromium, wait_for_kb
from tests.web.servers import gateway_process


@pytest.fixture(scope="module")
def site(rasa_stack, redis_url: str, key_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {**{k: v for k, v in rasa_stack.env.items() if k.startswith("SHOPASSIST_")},
           "SHOPASSIST_RASA_URL": rasa_stack.rasa_url, "SHOPASSIST_ACTIONS_URL": rasa_stack.actions_url,
           "SHOPASSIST_CONVERSATIONS_PER_MINUTE": "10000", "SHOPASSIST_MESSAGES_PER_MINUTE": "10000"}
    with gateway_process(env, tmp_path_factory.mktemp("site") / "gateway.log") as url:
        wait_for_kb(url)
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser
