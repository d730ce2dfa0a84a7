"""A part that will not stop cannot hold the gateway's shutdown: it is given its time, then the log
names it and shows where the tasks still running wait, and the next parts still stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from gateway.shutdown import stop_within


async def _deaf_stream(started: asyncio.Event, released: asyncio.Event) -> AsyncIterator[None]:
    """A stream that swallows its cancellation (the kind of bug a shutdown must survive) until released."""
    started.set()
    while not released.is_set():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            continue
    yield None


async def _deaf_to_cancellation(started: asyncio.Event, released: asyncio.Event) -> None:
    async for _ in _deaf_stream(started, released):  # as the handoff relay follows the queue's events
        pass


def test_a_stuck_part_is_named_with_the_waiting_tasks_and_the_next_parts_still_stop(caplog) -> None:
    stopped: list[str] = []

    async def shut_down() -> None:
        started, released = asyncio.Event(), asyncio.Event()
        stuck = asyncio.create_task(_deaf_to_cancellation(started, released))
        await started.wait()

        async def stop_stuck() -> None:
            stuck.cancel()
            await asyncio.gather(stuck, return_exceptions=True)

        async def fail() -> None:
            raise ConnectionError("already gone")

        async def stop_next() -> None:
            stopped.append("next")

        await stop_within("the deaf part", stop_stuck(), within_s=1)
        await stop_within("the failing part", fail(), within_s=1)
        await stop_within("the next part", stop_next(), within_s=1)
        released.set()  # the test's own clean-up
        stuck.cancel()
        await asyncio.gather(stuck, return_exceptions=True)

    with caplog.at_level(logging.ERROR, logger="gateway.shutdown"):
        asyncio.run(asyncio.wait_for(shut_down(), 30))
    messages = [r.getMessage() for r in caplog.records]
    assert stopped == ["next"]
    assert messages[0].startswith("shutdown: the deaf part did not stop within 1 s; going on without it")
    assert "_deaf_to_cancellation" in messages[0]  # the stuck task,
    assert "_deaf_stream" in messages[0] and "in sleep" in messages[0]  # down to where it waits
    assert messages[1] == "shutdown: the failing part failed to stop: ConnectionError('already gone')"
    assert len(messages) == 2
