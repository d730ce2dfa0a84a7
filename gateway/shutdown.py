"""Stopping the gateway's parts at shutdown, each within a bound.

A part that does not stop (a task that never yields to its cancellation, a connection that never
closes) must not keep the process from exiting: after STOP_WITHIN_S the shutdown goes on with the
next part, and the log names the stuck part and shows where every task still running is waiting,
so the cause can be found. A part that fails to stop is logged too; the others still stop.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable

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
    stacks = []
    for task in asyncio.all_tasks():
        if task is not asyncio.current_task() and not task.done():
            stack = io.StringIO()
            task.print_stack(file=stack)
            stacks.append(stack.getvalue())
    return "\n".join(stacks)
