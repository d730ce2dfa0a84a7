"""Running the stack's processes together: prefixed logs, and nothing left behind.

Each child gets its own session, so a Ctrl-C reaches only the supervisor, which then stops
the children in reverse start order (SIGTERM, then SIGKILL after a grace period).  If any
child dies, the supervisor stops the rest and exits non-zero: a half-running stack is
worse than a clear failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass, field

_COLOURS = ["\033[36m", "\033[35m", "\033[33m", "\033[32m", "\033[34m"]
_RESET = "\033[0m"


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: str | None = None


class Supervisor:
    def __init__(self, grace_s: float = 10.0) -> None:
        self._grace_s = grace_s
        self._children: list[tuple[ProcessSpec, asyncio.subprocess.Process]] = []
        self._pumps: list[asyncio.Task[None]] = []
        self._width = 8

    async def start(self, spec: ProcessSpec) -> None:
        process = await asyncio.create_subprocess_exec(
            *spec.argv, env=spec.env, cwd=spec.cwd, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True,
        )
        colour = _COLOURS[len(self._children) % len(_COLOURS)] if sys.stdout.isatty() else ""
        self._children.append((spec, process))
        self._pumps.append(asyncio.create_task(self._pump(spec.name, colour, process)))

    async def _pump(self, name: str, colour: str, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        prefix = f"{colour}{name:<{self._width}}|{_RESET if colour else ''} "
        async for line in process.stdout:
            sys.stdout.write(prefix + line.decode(errors="replace").rstrip() + "\n")
            sys.stdout.flush()

    async def wait_for_exit(self) -> str:
        """Block until a child exits or we are told to stop; say which."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        waiters = {asyncio.create_task(p.wait()): spec.name for spec, p in self._children}
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([*waiters, stopper], return_when=asyncio.FIRST_COMPLETED)
        for task in [*waiters, stopper]:
            if task not in done:
                task.cancel()
        if stopper in done:
            return "stop requested"
        finished = next(t for t in done if t in waiters)
        return f"{waiters[finished]} exited with code {finished.result()}"

    async def stop_all(self) -> None:
        for _, process in reversed(self._children):
            if process.returncode is None:
                _signal_group(process.pid, signal.SIGTERM)
        for spec, process in reversed(self._children):
            try:
                await asyncio.wait_for(process.wait(), self._grace_s)
            except TimeoutError:
                print(f"[supervisor] {spec.name} did not stop in {self._grace_s}s; killing it", flush=True)
                _signal_group(process.pid, signal.SIGKILL)
                await process.wait()
        for pump in self._pumps:
            pump.cancel()


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
