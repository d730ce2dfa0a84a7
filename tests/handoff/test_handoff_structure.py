"""Properties of the package itself: one hash slot, script headers, error boundary, import direction."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.crc import key_slot

from handoff import HandoffQueue, HandoffUnavailable, LeaseLost, ManualClock, Ticket
from handoff.scripts import sources

session_loop = pytest.mark.asyncio(loop_scope="session")


def test_every_script_header_names_its_keys_and_args() -> None:
    assert set(sources()) == {"enqueue", "claim", "heartbeat", "release", "transfer", "close", "cancel",
                              "expire", "add_agent", "remove_agent", "purge", "prune"}
    for source in sources().values():
        header = "\n".join(line for line in source.text.splitlines() if line.startswith("--"))
        body = "\n".join(line for line in source.text.splitlines() if not line.startswith("--"))
        used_args = {int(n) for n in re.findall(r"ARGV\[(\d+)\]", body)}
        named_args = {int(n) for n in re.findall(r"ARGV\[(\d+)\]", header)}
        assert used_args == named_args, source.command
        used_keys = {int(n) for n in re.findall(r"KEYS\[(\d+)\]", body)}
        assert used_keys == set(range(1, source.nkeys + 1)), source.command


@pytest.mark.redis
@session_loop
async def test_all_keys_of_a_queue_share_one_cluster_slot(queue: HandoffQueue, redis: Redis) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    await queue.enqueue("c1", priority=1, reasons=[], skill="orders", lang="en", idempotency_key="k")
    held = await queue.claim(agent.id, idempotency_key="k")
    await queue.resolve(held.id, agent.id, held.lease_token, "done", idempotency_key="k")
    await queue.requeue_expired()
    keys = [k async for k in redis.scan_iter(match=queue.keys.all_patterns())]
    assert len(keys) >= 10
    assert {key_slot(k) for k in keys} == {key_slot(queue.keys.tickets.encode())}


@session_loop
async def test_unreachable_redis_is_handoff_unavailable() -> None:
    client = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    queue = HandoffQueue(client, "nowhere", ManualClock())
    try:
        for call in (queue.connect(), queue.owner("c1"), queue.claim("ag_x"), queue.requeue_expired(),
                     queue.enqueue("c1", priority=1, reasons=[], skill="orders", lang="en"),
                     queue.agents.authenticate("x" * 43)):
            with pytest.raises(HandoffUnavailable):
                await call
    finally:
        await client.aclose()


def test_the_library_never_imports_applications() -> None:
    code = ("import sys, handoff, handoff.queue, handoff.agents; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'gateway', 'actions', 'kb_index'}))")
    repo_root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=repo_root).stdout
    assert out.strip() == "[]"


@pytest.mark.redis
@session_loop
@pytest.mark.parametrize("batch_calls", [True, False])
async def test_scripts_survive_a_script_flush(redis: Redis, prefix: str, cleanup: None,
                                              batch_calls: bool) -> None:
    """After a Redis restart the script cache is empty: NOSCRIPT is answered by loading and resending."""
    queue = HandoffQueue(redis, prefix, ManualClock(), batch_calls=batch_calls)
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    await queue.enqueue("c1", priority=1, reasons=[], skill="orders", lang="en")
    await redis.script_flush()
    held, again = await asyncio.gather(queue.claim(agent.id), queue.enqueue(
        "c2", priority=1, reasons=[], skill="orders", lang="en"))
    assert held.conversation_id == "c1" and again.conversation_id == "c2"
    assert [e.type for e in await queue.read_events()] == ["enqueued", "claimed", "enqueued"]


@pytest.mark.redis
@session_loop
async def test_one_failing_call_in_a_batch_fails_alone(queue: HandoffQueue) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    await queue.enqueue("c1", priority=1, reasons=[], skill="orders", lang="en")
    held = await queue.claim(agent.id)
    results = await asyncio.gather(
        queue.resolve(held.id, agent.id, "wrong-token", "done"),
        queue.enqueue("c2", priority=1, reasons=[], skill="orders", lang="en"),
        queue.heartbeat(held.id, agent.id, held.lease_token),
        return_exceptions=True,
    )
    assert isinstance(results[0], LeaseLost)
    assert results[1].conversation_id == "c2" and isinstance(results[2], float)


@pytest.mark.redis
@session_loop
async def test_a_ticket_read_back_has_every_field_and_stays_frozen(queue: HandoffQueue) -> None:
    """Ticket.from_record fills the instance without __init__; a field it forgot would surface here."""
    ticket = await queue.enqueue("c1", priority=2, reasons=["angry"], skill="orders", lang="en", segment="vip")
    rebuilt = Ticket(**{f.name: getattr(ticket, f.name) for f in dataclasses.fields(Ticket)})
    assert rebuilt == ticket and set(vars(ticket)) == {f.name for f in dataclasses.fields(Ticket)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        ticket.state = "claimed"  # type: ignore[misc]
