"""The insights API's refusals: bad periods and filters (422 naming the limit), tokens of the wrong
kind (403), /metrics closed to the public; and the store's export and erase of one subject."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from gateway.insights.events import subject_of
from tests.conftest import add_staff, gateway_settings
from tests.insights.conftest import METRICS_TOKEN

pytestmark = [pytest.mark.rasa, pytest.mark.redis]

FIGURES = "/api/v1/insights/figures"
TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def tokens(insights_gateway, redis_url: str, key_prefix: str, monkeypatch, capsys) -> dict[str, dict[str, str]]:
    """A lead, an editor and an admin, made through the CLI."""
    return {role: add_staff(monkeypatch, capsys, redis_url, key_prefix, role, f"insights-{role}-{uuid.uuid4().hex[:6]}")
            for role in ("lead", "editor", "admin")}


def _figures(client, headers, **params):  # type: ignore[no-untyped-def]
    query = {"from": TODAY.isoformat(), "to": TODAY.isoformat(), **params}
    return client.get(FIGURES, params=query, headers=headers)


@pytest.mark.parametrize(("params", "needle"), [
    ({"from": "2026-03-10", "to": "2026-03-01"}, "reversed"),
    ({"from": "2020-01-01", "to": "2026-01-01"}, "the limit is 366 days"),
    ({"from": "yesterday"}, "YYYY-MM-DD"),
    ({"segment": "gold"}, "unknown segment 'gold'"),
    ({"lang": "fr"}, "unknown language 'fr'"),
])
def test_bad_periods_and_filters_get_a_422_naming_the_problem(insights_gateway, tokens, params, needle) -> None:
    client, _ = insights_gateway
    response = _figures(client, tokens["lead"], **params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid" and needle in response.json()["error"]["message"]


def test_only_a_lead_token_reads_insights_and_a_lead_token_is_refused_on_the_agent_api(
        insights_gateway, tokens, redis_url: str, key_prefix: str, monkeypatch, capsys) -> None:
    from gateway.cli import main as cli

    client, _ = insights_gateway
    monkeypatch.setenv("SHOPASSIST_REDIS_URL", redis_url)
    monkeypatch.setenv("SHOPASSIST_KEY_PREFIX", key_prefix)
    assert cli(["agents", "add", f"insights-agent-{uuid.uuid4().hex[:6]}", "--skills", "general", "--langs", "en"]) == 0
    agent = {"Authorization": f"Bearer {capsys.readouterr().out.strip().splitlines()[-1]}"}

    assert _figures(client, tokens["lead"]).status_code == 200
    for other in (tokens["editor"], tokens["admin"], agent):
        refused = _figures(client, other)
        assert refused.status_code == 403 and "needs a lead token" in refused.json()["error"]["message"]
    assert _figures(client, {"Authorization": "Bearer not-a-real-token-at-all"}).status_code == 401
    assert _figures(client, {}).status_code == 401
    on_agent_api = client.get("/api/v1/agent/queue", headers=tokens["lead"])
    assert on_agent_api.status_code == 403 and "lead token" in on_agent_api.json()["error"]["message"]


def test_metrics_need_the_metrics_token(insights_gateway, tokens) -> None:
    client, _ = insights_gateway
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=tokens["lead"]).status_code == 403
    scraped = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scraped.status_code == 200 and "shopassist_rejected_inputs_total" in scraped.text


def test_the_api_is_in_the_openapi_document(insights_gateway) -> None:
    client, _ = insights_gateway
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/insights/figures" in paths and "/metrics" in paths


def test_export_and_erase_one_subject(insights_gateway, rasa_stack) -> None:
    client, settings = insights_gateway
    from gateway import identity

    secret = rasa_stack.env["SHOPASSIST_IDENTITY_SECRET"]
    body = {"locale": "en", "customer_id": "C0004", "user_hash": identity.user_hash(secret, "C0004")}
    conversation = client.post("/api/v1/conversations", json=body).json()
    headers = {"Authorization": f"Bearer {conversation['token']}"}
    assert client.post(f"/api/v1/conversations/{conversation['conversation_id']}/messages", headers=headers,
                       json={"text": "what is your return policy?"}).status_code == 200
    client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})  # ingests what is pending

    store = client.app.state.services.insights.store  # type: ignore[attr-defined]
    subject = subject_of(secret, "C0004")
    held = store.export_subject(subject)
    assert {e["type"] for e in held} >= {"conversation_started", "turn"}
    assert {e["conversation_id"] for e in held} >= {conversation["conversation_id"]}
    assert "C0004" not in repr(held)
    assert store.erase_subject(subject) == len(held)
    assert store.export_subject(subject) == []
    assert not store.query("SELECT 1 FROM conversations WHERE id = ?", (conversation["conversation_id"],))



@pytest.mark.parametrize(("client", "status"), [(("203.0.113.9", 40000), 403), (("127.0.0.1", 40000), 200)])
def test_without_a_metrics_token_only_loopback_clients_may_scrape(rasa_stack, redis_url: str, tmp_path,
                                                                   client, status) -> None:
    from fastapi.testclient import TestClient

    from gateway.app import create_app

    app = create_app(gateway_settings(rasa_stack, insights_db=tmp_path / "insights.sqlite3"), redis_url)
    with TestClient(app, client=client) as scraper:
        response = scraper.get("/metrics")
    assert response.status_code == status
    assert "loopback" in response.json()["error"]["message"] if status == 403 else "shopassist_" in response.text


def test_examples_name_a_known_outcome_and_are_for_leads_only(insights_gateway, tokens) -> None:
    client, _ = insights_gateway
    query = {"from": TODAY.isoformat(), "to": TODAY.isoformat()}
    unknown = client.get("/api/v1/insights/examples", params={**query, "outcome": "contained"},
                         headers=tokens["lead"])
    assert unknown.status_code == 422 and "unknown outcome 'contained'" in unknown.json()["error"]["message"]
    assert "abandoned_after_no" in unknown.json()["error"]["message"]
    editor = client.get("/api/v1/insights/examples", params={**query, "outcome": "silent"}, headers=tokens["editor"])
    assert editor.status_code == 403
    empty = client.get("/api/v1/insights/examples", params={**query, "outcome": "left_message", "lang": "ko"},
                       headers=tokens["lead"])
    assert empty.status_code == 200 and empty.json()["examples"] == []
