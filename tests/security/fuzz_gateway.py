"""The gateway the API fuzzing runs against (tests/security/test_api_fuzz.py), and what its routes need:
an account of every kind, a conversation, a ticket held by an agent, a customer with data."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import redis
import requests
import schemathesis
from redis.asyncio import Redis

from gateway import identity
from gateway.ops import redis_acl
from gateway.staff import StaffRegistry
from handoff import HandoffQueue
from tests.conftest import RasaStack
from tests.editor.sources import editable_sources
from tests.security.redis_state import RedisState
from tests.web.servers import gateway_env, gateway_process

SHOP_SECRET = "fuzz-shop-secret-0123456789abcdef"


@dataclass
class Fuzz:
    """The gateway under test, its schema, and the credentials and resources the routes need."""

    url: str
    prefix: str
    redis_url: str
    schema: Any
    state: RedisState
    http: httpx.Client
    session: requests.Session
    tokens: dict[str, str]
    customer_id: str = ""
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))

    def conversation(self) -> tuple[str, str]:
        answer = self.http.post("/api/v1/conversations", json={"locale": "en"})
        assert answer.status_code == 201, answer.text
        return answer.json()["conversation_id"], answer.json()["token"]

    def held_ticket(self) -> tuple[str, str]:
        """A ticket of a fresh conversation, claimed by the fuzz agent: (ticket id, lease token)."""
        conversation_id, _ = self.conversation()

        async def enqueue() -> str:
            client = Redis.from_url(self.redis_url)
            try:
                ticket = await HandoffQueue(client, self.prefix).enqueue(
                    conversation_id, priority=2, reasons=["request_human"], skill="general", lang="en",
                    segment="anonymous", context={"reasons": ["request_human"]})
                return ticket.id
            finally:
                await client.aclose()

        ticket_id = asyncio.run(enqueue())
        claimed = self.http.post("/api/v1/agent/claim", headers=self.bearer("agent"), json={"ticket_id": ticket_id})
        assert claimed.status_code == 200, claimed.text
        return ticket_id, claimed.json()["ticket"]["lease_token"]

    def bearer(self, kind: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[kind]}"}


@contextmanager
def fuzz_gateway(stack: RasaStack, redis_url: str, key_prefix: str, folder: Path,
                 config: schemathesis.Config) -> Iterator[Fuzz]:
    """A gateway process as `shopassist run` starts one, wired to `stack`, with the accounts and
    resources the routes need; prints how many cases were sent when it stops."""
    # Its own prefix under the run's (removed with it): no other gateway of the session writes there,
    # so the snapshots see only what this gateway does.
    prefix = f"{key_prefix}-fuzz"
    env = gateway_env(
        stack, SHOPASSIST_KEY_PREFIX=prefix, SHOPASSIST_REDIS_URL=gateway_user(stack, redis_url, prefix),
        SHOPASSIST_VAR_DIR=str(folder / "var"), SHOPASSIST_INSIGHTS_DB=str(folder / "insights.sqlite3"),
        SHOPASSIST_RASA_ENV=str(no_rasa(folder)), SHOPASSIST_PROACTIVE_SHOP_SECRET=SHOP_SECRET,
        SHOPASSIST_PROACTIVE_BATCHES_PER_MINUTE="100000", SHOPASSIST_AGENT_LEASE_S="3600",
        **editable_sources(folder))
    started = time.monotonic()
    with gateway_process(env, folder / "gateway.log") as url:
        serving = time.monotonic()
        tokens = asyncio.run(accounts(redis_url, prefix))
        with closing(RedisState(redis_url, prefix)) as state, httpx.Client(base_url=url, timeout=30) as http, \
                requests.Session() as session:
            tokens["visitor"] = http.post("/api/v1/visitors", json={"locale": "en"}).json()["token"]
            tokens["shop"] = SHOP_SECRET
            schema = schemathesis.openapi.from_url(f"{url}/openapi.json", config=config)
            fuzz = Fuzz(url, prefix, redis_url, schema, state, http, session, tokens)
            fuzz.tokens["conversation"] = fuzz.conversation()[1]  # someone else's conversation, for refusals
            fuzz.customer_id = f"fuzz-{uuid.uuid4().hex[:8]}"  # a customer with data, for export and erasure
            identified = http.post("/api/v1/conversations", json={
                "locale": "en", "customer_id": fuzz.customer_id,
                "user_hash": identity.user_hash(env["SHOPASSIST_IDENTITY_SECRET"], fuzz.customer_id)})
            assert identified.status_code == 201, identified.text
            yield fuzz
            total = sum(sum(counts.values()) for counts in fuzz.statuses.values())
            print(f"\nAPI fuzzing: {total} cases over {len(fuzz.statuses)} operations in "
                  f"{time.monotonic() - serving:.0f} s (the gateway started in {serving - started:.0f} s)")
            if os.environ.get("SHOPASSIST_TEST_FUZZ_REPORT"):
                for label, counts in fuzz.statuses.items():
                    print(f"  {label}: {dict(sorted(counts.items()))}")


def gateway_user(stack: RasaStack, admin_url: str, prefix: str) -> str:
    """On the tests' private Redis, a user with the gateway's production ACL for `prefix`
    (gateway/ops/redis_acl.py), as the session's gateway user has for the run's prefix."""
    session_user = stack.redis_urls["gateway"]
    if session_user == admin_url:  # SHOPASSIST_TEST_REDIS_URL: one user for everything
        return session_user
    password = f"-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(admin_url)
    try:
        client.execute_command("ACL", "SETUSER", "fuzz-gateway", "on", f">{password}",
                               *redis_acl.rules(prefix)["gateway"].split())
    finally:
        client.close()
    address = urlsplit(session_user)
    return address._replace(netloc=f"fuzz-gateway:{quote(password)}@{address.hostname}:{address.port}").geturl()


def no_rasa(folder: Path) -> Path:
    """A Rasa environment whose `rasa` refuses at once: editor jobs and `rasa data validate` then fail in
    milliseconds instead of training on the test machine (their own tests run the real thing)."""
    bin_dir = folder / "no-rasa" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "rasa"
    script.write_text("#!/bin/sh\necho 'Error: Rasa is switched off for the API fuzzing' >&2\nexit 2\n")
    script.chmod(0o755)
    return bin_dir.parent


async def accounts(redis_url: str, prefix: str) -> dict[str, str]:
    client = Redis.from_url(redis_url)
    try:
        staff = StaffRegistry(client, prefix)
        tokens = {role: (await staff.add(role, f"Fuzz {role}"))[1] for role in ("editor", "lead", "admin")}
        _, tokens["agent"] = await HandoffQueue(client, prefix).agents.add(
            "Fuzz Agent", ["general"], ["en", "ko"], capacity=100)
        return tokens
    finally:
        await client.aclose()
