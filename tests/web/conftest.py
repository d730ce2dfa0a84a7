"""Fixtures of the browser tests: one chromium per module, one real gateway process for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.web.pages import chromium, wait_for_kb
from tests.web.servers import gateway_env, gateway_process


@pytest.fixture(scope="session")  # one gateway process for every module that needs no settings of its own
def site(rasa_stack, redis_url: str, key_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with gateway_process(gateway_env(rasa_stack), tmp_path_factory.mktemp("site") / "gateway.log") as url:
        wait_for_kb(url)
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser
