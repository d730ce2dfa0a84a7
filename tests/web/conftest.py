"""Fixtures of the browser tests: one chromium and one real gateway process per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.web.pages import chromium, wait_for_kb
from tests.web.servers import gateway_env, gateway_process


@pytest.fixture(scope="module")
def site(rasa_stack, redis_url: str, key_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with gateway_process(gateway_env(rasa_stack), tmp_path_factory.mktemp("site") / "gateway.log") as url:
        wait_for_kb(url)
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser
