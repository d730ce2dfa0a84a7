"""Stopping the gateway's parts at shutdown, each within a bound.

A part that does not stop (a task that never yields to its cancellation, a connection that never
closes) must not keep the process from exiting: after STOP_WITHIN_S the shutdown goes on with the
next part, and the log names the stuck part and shows where every task still running is waiting,
so the cause can be found. A part that fails to stop is logged too; the others still stop.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable
from typing import Any

STOP_WITHIN_S = 15.0
log = logging.getLogger(__name__)


async def stop_within(part: str, stopping: Awaitable[None], within_s: float = STOP_WITHIN_S) -> None:
    task = asyncio.ensure_future(stopping)
    done, _ = await asyncio.wait({task}, timeout=within_s)
    if not done:
        log.error("shutdown: %s did not stop within %.0f s; going on without it. Tasks still running:\n%s",
                  part, within_s, _running_tasks())
    elif task.exception() is not None:
        log.error("shutdown: %s failed to stop: %r", part, task.exception())


def _running_tasks() -> str:
    waits = [f"{task!r}\n" + "\n".join(_await_chain(task.get_coro()))
             for task in asyncio.all_tasks() if task is not asyncio.current_task() and not task.done()]
    return "\n".join(waits)


def _await_chain(awaitable: Any) -> list[str]:
    """Every frame from the task's coroutine down to what it waits on, async generators included
    (a task's own stack stops at the `async for` that drives one)."""
    frames = []
    while awaitable is not None:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "ag_frame", None) \
            or getattr(awaitable, "gi_frame", None)
        if frame is not None:
            frames.append(f"  {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        elif not hasattr(awaitable, "cr_await"):
            frames.append(f"  waiting on {awaitable!r:.300}")
        awaitable = (getattr(awaitable, "cr_await", None) or getattr(awaitable, "ag_await", None)
                     or getattr(awaitable, "gi_yieldfrom", None) or _generator_sent_to(awaitable))
    return frames


def _generator_sent_to(awaitable: Any) -> Any:
    """The async generator behind an ``__anext__()`` awaitable, which names it only to the GC."""
    if type(awaitable).__name__ != "async_generator_asend":
        return None
    return next((ref for ref in gc.get_referents(awaitable) if hasattr(ref, "ag_frame")), None)
