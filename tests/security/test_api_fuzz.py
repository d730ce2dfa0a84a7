"""Property-based fuzzing of every operation in the gateway's own OpenAPI document (issue #20).

Schemathesis reads /openapi.json from a real gateway process (started as `shopassist run`
starts one, wired to the session's Rasa stack) and generates requests from it: valid ones and
schema-violating ones, each sent with the credential the route needs and, where there is one,
refused (none, garbage, or another kind's). Every response must

* not be a 5xx,
* have a documented status, content type, headers and body (the error body of gateway/app.py
  is documented for every router, so this holds for refusals too),
* leave stored data as it was when it is a 4xx (Redis under the gateway's key prefix,
  tests/security/redis_state.py), and
* for the hostile strings of attack_strings.py, explicit examples of the free-text fields:
  be stored as sent (messages) or refused with a 4xx.

Budget (docs/web.md, "API fuzzing"): EXAMPLES cases per operation and credential, fewer for the
shopper message (each one is a turn through Rasa), and a fixed seed, so `make test` sends the same
cases each run. SHOPASSIST_TEST_FUZZ_EXAMPLES=N and SHOPASSIST_TEST_FUZZ_SEED=N explore further;
SHOPASSIST_TEST_FUZZ_REPORT=1 prints the statuses each operation answered.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import RasaStack
from tests.security import attack_strings
from tests.security.fuzz_gateway import Fuzz, fuzz_gateway
from tests.security.redis_state import changes

pytestmark = [pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]

EXAMPLES = int(os.environ.get("SHOPASSIST_TEST_FUZZ_EXAMPLES", "12"))  # per operation and credential
TURN_EXAMPLES = max(1, EXAMPLES * 3 // 10)  # POST .../messages: each accepted case is a turn through Rasa
NOTICE_VERSION = "1"  # the default SHOPASSIST_PRIVACY_NOTICE_VERSION
SEED = int(os.environ.get("SHOPASSIST_TEST_FUZZ_SEED", "20"))
# A schema-violating request may also be refused as too large (a batch over its limit, a body over 64 KiB).
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [400, 401, 403, 404, 409, 413, 422, 429]}}})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]

# Which credential each route needs, by path prefix (first match); a route that matches none and is
# not PUBLIC fails its test until it is classified here, so a new route is never fuzzed half-way.
ACCESS = [
    ("/api/v1/conversations/", "conversation"),
    ("/api/v1/agent/", "agent"),
    ("/api/v1/visitors/consent", "visitor"),
    ("/api/v1/events", "visitor"),
    ("/api/v1/shop-events", "shop"),
    ("/api/v1/proactive/", "shop"),
    ("/api/v1/admin/", "admin"),
    ("/api/v1/insights/", "lead"),
    ("/api/v1/editor/", "editor"),
]
PUBLIC = {"GET /healthz", "GET /metrics", "GET /api/v1/privacy/notice", "POST /api/v1/conversations",
          "POST /api/v1/visitors", "POST /api/v1/demo/sign-in"}
TURN = "POST /api/v1/conversations/{conversation_id}/messages"

# Operations whose success starts work in the background (the relay follows the handoff queue; editor
# jobs run in the gateway): their refusals are compared only while nothing else runs (refused first).
BACKGROUND = {
    "POST /api/v1/conversations/{conversation_id}/leave", "POST /api/v1/agent/claim",
    *(f"POST /api/v1/agent/tickets/{{ticket_id}}/{step}" for step in ("transfer", "release", "handback", "resolve")),
    "POST /api/v1/editor/jobs", "POST /api/v1/editor/rollback",
}


def app_schema() -> dict[str, Any]:
    """The app's OpenAPI document, built in-process at collection time to name the tests."""
    from gateway.app import create_app
    from gateway.settings import load_settings

    return create_app(load_settings(_env_file=None), "redis://127.0.0.1:6379/0").openapi()


APP_SCHEMA = app_schema()
OPERATIONS = [f"{method.upper()} {path}" for path, methods in APP_SCHEMA["paths"].items() for method in methods]


@pytest.fixture(scope="module")
def fuzz(rasa_stack: RasaStack, redis_url: str, key_prefix: str,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    with fuzz_gateway(rasa_stack, redis_url, key_prefix, tmp_path_factory.mktemp("fuzz"), CONFIG) as target:
        yield target


def access_of(label: str) -> str | None:
    if label in PUBLIC:
        return None
    path = label.split(" ", 1)[1]
    for prefix, kind in ACCESS:
        if path.startswith(prefix):
            return kind
    pytest.fail(f"{label}: say in ACCESS which credential it needs, or add it to PUBLIC")


def refusing_headers(fuzz: Fuzz, kind: str) -> list[dict[str, str]]:
    """No token, malformed ones, unknown ones, and every other kind's (which must not open this route);
    for a conversation's routes that includes another conversation's token."""
    others = [fuzz.bearer(other) for other in fuzz.tokens if other != kind or kind == "conversation"]
    return [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic Zm9vOmJhcg=="},
            {"Authorization": f"Bearer cv_{uuid.uuid4().hex}"}, {"Authorization": f"Bearer {uuid.uuid4().hex}"},
            *others]


def known_values(fuzz: Fuzz, label: str) -> dict[str, dict[str, Any]]:
    """Values the schema cannot express, put into a share of the valid cases so they get past the
    first check: the current privacy notice, a period the figures accept, a customer with data."""
    today = dt.date.today()
    period = {"from": (today - dt.timedelta(days=6)).isoformat(), "to": today.isoformat()}
    return {
        "POST /api/v1/conversations": {"body": {"consent": {"notice_version": NOTICE_VERSION}}},
        "PUT /api/v1/conversations/{conversation_id}/consent": {"body": {"notice_version": NOTICE_VERSION}},
        "PUT /api/v1/visitors/consent": {"body": {"notice_version": NOTICE_VERSION}},
        "GET /api/v1/insights/figures": {"query": period},
        "GET /api/v1/proactive/report": {"query": period},
        "POST /api/v1/admin/privacy/export": {"body": {"customer_id": fuzz.customer_id}},
        "POST /api/v1/admin/privacy/erase": {"body": {"customer_id": fuzz.customer_id}},
        "POST /api/v1/agent/tickets/{ticket_id}/transfer": {"body": {"skill": "orders"}},
    }.get(label, {})


def with_known(case: Any, known: dict[str, dict[str, Any]]) -> Any:
    if isinstance(case.body, dict) and "body" in known:
        case.body.update(known["body"])
    if "query" in known:
        case.query = {**(case.query or {}), **known["query"]}
    return case


def valid_fixture(fuzz: Fuzz, label: str, kind: str | None) -> dict[str, Any]:
    """The real resources a route's valid case points at: its conversation, its held ticket."""
    operation = fuzz.schema.find_operation_by_label(label)
    names = {parameter.name for parameter in operation.path_parameters}
    fixed: dict[str, Any] = {"headers": fuzz.bearer(kind) if kind else {}, "path_parameters": {}}
    if "conversation_id" in names:
        conversation_id, token = fuzz.conversation()
        fixed["headers"] = {"Authorization": f"Bearer {token}"}
        fixed["path_parameters"]["conversation_id"] = conversation_id
    if "ticket_id" in names:
        ticket_id, lease = fuzz.held_ticket()
        fixed["path_parameters"]["ticket_id"] = ticket_id
        if any(parameter.name == "X-Lease-Token" for parameter in operation.headers):
            fixed["lease"] = lease
    return fixed


def send(fuzz: Fuzz, label: str, case: Any, headers: dict[str, str], *, compare: bool = True) -> Any:
    """Send one case and run the checks; for a refusal (when `compare`), stored data must be unchanged."""
    before = fuzz.state.snapshot() if compare else {}
    response = case.call(base_url=fuzz.url, session=fuzz.session, headers=headers, timeout=60)
    fuzz.statuses[label][response.status_code] += 1
    case.validate_response(response, checks=CHECKS, headers=headers)
    if compare and 400 <= response.status_code < 500:
        changed = changes(before, fuzz.state.snapshot())
        assert not changed, (f"{label} answered {response.status_code} but changed {changed}\n"
                             f"(newest handoff events: {fuzz.state.recent_events()})\n"
                             f"{case.as_curl_command(headers=headers)}\n{response.content[:500]!r}")
    return response


def run(strategy: st.SearchStrategy, examples: int, test: Callable[..., None]) -> None:
    wrapped = settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                       phases=[Phase.explicit, Phase.generate, Phase.shrink],
                       suppress_health_check=list(HealthCheck))(given(strategy)(test))
    seed(SEED)(wrapped)()


def cases(operation: Any, **fixed: Any) -> st.SearchStrategy:
    """Valid and schema-violating cases (the latter must be refused: negative_data_rejection)."""
    strategies = [operation.as_strategy(generation_mode=mode, **fixed)
                  for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    return st.one_of(strategies)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation(fuzz: Fuzz, label: str) -> None:
    operation = fuzz.schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is in the app's schema but not in the served /openapi.json"
    kind = access_of(label)
    fixed = valid_fixture(fuzz, label, kind)
    lease = {"X-Lease-Token": fixed["lease"]} if "lease" in fixed else {}
    # a third of the cases at the real resources (its conversation, its held ticket), a third at generated
    # ids, a third at the real resources with valid values the schema cannot express (known_values)
    real = {"path_parameters": fixed["path_parameters"], "headers": lease}
    known = known_values(fuzz, label)
    either = st.one_of(cases(operation, **real), cases(operation),
                       operation.as_strategy(**real).map(lambda case: with_known(case, known)))
    background = label in BACKGROUND
    fuzz.state.settle(quiet_s=1.0 if background else 0.05)

    if kind is not None:  # first, while the real resources are as the fixture made them
        def refused(pair: tuple[Any, dict[str, str]]) -> None:
            case, headers = pair
            response = send(fuzz, label, case, headers)
            assert 400 <= response.status_code < 500, f"{label} accepted {headers or 'no token'}"

        run(st.tuples(either, st.sampled_from(refusing_headers(fuzz, kind))), EXAMPLES, refused)

    def valid(case: Any) -> None:
        send(fuzz, label, case, fixed["headers"], compare=not background)

    run(either, TURN_EXAMPLES if label == TURN else EXAMPLES, valid)

    for text in attack_strings.ALL if label in ATTACKS else []:
        parts = ATTACKS[label](text)
        parts["path_parameters"] = {**fixed["path_parameters"], **parts.get("path_parameters", {})}
        case = operation.Case(headers=lease, **parts)
        response = send(fuzz, label, case, fixed["headers"], compare=not background)
        if label in VERBATIM and response.status_code == 200:
            VERBATIM[label](fuzz, fixed, response, text)
    if background:
        fuzz.state.settle(quiet_s=1.0)


def test_every_error_is_documented_with_the_error_body() -> None:
    """Without a documented 4xx/5xx, Schemathesis could not check refusals; FastAPI's own 422 body is
    not what the gateway answers."""
    assert "HTTPValidationError" not in APP_SCHEMA["components"]["schemas"]
    for path, methods in APP_SCHEMA["paths"].items():
        for method, operation in methods.items():
            documented = operation["responses"]
            assert {"400", "413", "422", "503"} <= set(documented), f"{method} {path}"
            for status, answer in documented.items():
                if status[0] in "45" and (path, status) != ("/healthz", "503"):  # health reports its components
                    assert "#/components/schemas/ErrorBody" in str(answer.get("content")), f"{method} {path} {status}"


def test_every_served_operation_is_fuzzed(fuzz: Fuzz) -> None:
    served = [f"{operation.method.upper()} {operation.path}"
              for result in fuzz.schema.get_all_operations() for operation in [result.ok()]]
    assert sorted(served) == sorted(OPERATIONS)


def test_a_refused_consent_starts_no_conversation(fuzz: Fuzz) -> None:
    """Found by the fuzzing: a stale notice_version was refused (422) after the conversation was stored."""
    before = fuzz.state.snapshot()
    answer = fuzz.http.post("/api/v1/conversations", json={"locale": "en", "consent": {"notice_version": "0"}})
    assert answer.status_code == 422, answer.text
    assert not changes(before, fuzz.state.snapshot())


def test_an_after_id_over_64_bits_is_refused(fuzz: Fuzz) -> None:
    """Found by the fuzzing: a 20-digit part is over 64 bits, and Redis's refusal was a 500."""
    conversation_id, token = fuzz.conversation()
    answer = fuzz.http.get(f"/api/v1/conversations/{conversation_id}/messages",
                           params={"after": "9-25089983939510936998"}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422, answer.text


def _article(text: str) -> dict[str, Any]:
    return {"body": {"id": "en-fuzz-article", "lang": "en", "category": "shipping", "title": text,
                     "questions": [text, f"{text} again"], "answer": text, "tags": [text[:60]]}}


# Explicit examples: each hostile string in the free-text fields of these operations, with a valid rest.
ATTACKS: dict[str, Callable[[str], dict[str, Any]]] = {
    TURN: lambda text: {"body": {"text": text}},
    "POST /api/v1/agent/tickets/{ticket_id}/messages": lambda text: {"body": {"text": text}},
    "POST /api/v1/agent/tickets/{ticket_id}/handback": lambda text: {"body": {"note": text, "facts": {"note": text}}},
    "POST /api/v1/agent/tickets/{ticket_id}/resolve": lambda text: {"body": {"code": "answered", "note": text}},
    "GET /api/v1/agent/kb/search": lambda text: {"query": {"q": text}},
    "POST /api/v1/conversations": lambda text: {"body": {"locale": "en", "page": {"url": text, "type": "product"}}},
    "POST /api/v1/events": lambda text: {"body": {"events": [
        {"type": "search", "ts": time.time(), "page": {"url": text, "type": "search"}, "data": {"query": text}}]}},
    "POST /api/v1/shop-events": lambda text: {"body": {"events": [
        {"type": "order_delayed", "ts": time.time(), "customer_id": text[:64], "data": {"order": text}}]}},
    "PUT /api/v1/editor/articles/{article_id}": lambda text: {**_article(text),
                                                               "path_parameters": {"article_id": "en-fuzz-article"}},
    "POST /api/v1/editor/articles/preview": _article,
    "POST /api/v1/editor/jobs": lambda text: {"body": {"kind": "test", "force": True, "reason": text,
                                                       "summary": text}},
    "GET /api/v1/insights/figures": lambda text: {"query": {"from": "2026-01-01", "to": "2026-01-07",
                                                            "segment": text[:16]}},
}


def _same_text(stored: str, sent: str) -> bool:
    """Stored as sent, up to what the gateway normalises: control characters and surrounding space."""
    def bare(text: str) -> str:
        return re.sub(r"[\x00-\x1f\x7f\s]", "", text)
    return bare(stored) == bare(sent)


def _shopper_text_stored(fuzz: Fuzz, fixed: dict[str, Any], response: Any, text: str) -> None:
    conversation_id = fixed["path_parameters"]["conversation_id"]
    messages = fuzz.http.get(f"/api/v1/conversations/{conversation_id}/messages", headers=fixed["headers"]).json()
    shopper = [m["text"] for m in messages["messages"] if m["sender"] == "shopper"]
    assert shopper and _same_text(shopper[-1], text), f"stored {shopper[-1:]!r} for {text!r}"


def _agent_text_stored(fuzz: Fuzz, fixed: dict[str, Any], response: Any, text: str) -> None:
    stored = response.json()["message"]["text"]
    assert _same_text(stored, text), f"stored {stored!r} for {text!r}"


VERBATIM = {TURN: _shopper_text_stored, "POST /api/v1/agent/tickets/{ticket_id}/messages": _agent_text_stored}
