"""A gateway with its own, new insights store per test module: it sees only what that module does."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from gateway.settings import Settings
from tests.conftest import gateway_settings

METRICS_TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture(scope="module")
def insights_gateway(rasa_stack, redis_url: str, tmp_path_factory) -> Iterator[tuple[httpx.Client, Settings]]:
    from fastapi.testclient import TestClient

    from gateway.app import create_app

    store = tmp_path_factory.mktemp("insights") / "insights.sqlite3"
    settings = gateway_settings(rasa_stack, insights_db=store, metrics_token=METRICS_TOKEN)
    with TestClient(create_app(settings, redis_url)) as client:
        yield client, settings
