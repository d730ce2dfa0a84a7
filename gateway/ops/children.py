"""Child processes that a shutdown can stop.

An editor's train or test job runs Rasa from a worker thread, and a thread cannot be cancelled:
until its Rasa process ends (minutes), the event loop's exit waits for it, so a gateway told to
stop would hang. The job's pipeline starts its processes through one `Children` and the gateway's
shutdown stops them all: each is killed with its whole process group, its thread returns, and
the job is recorded as stopped. Outside a gateway (the CLI) nothing ever calls `stop`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from typing import Any


class Stopped(Exception):
    """Raised instead of starting a process once `stop` was called."""


class Children:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stopped = False

    @contextlib.contextmanager
    def popen(self, command: list[str], **options: Any) -> Iterator[subprocess.Popen[str]]:
        """`subprocess.Popen(command, text=True, **options)` in its own process group (what it
        starts dies with it), killed by `stop`; waited for on exit."""
        with self._lock:
            if self._stopped:
                raise Stopped("the gateway is shutting down")
            process = subprocess.Popen(command, text=True, start_new_session=True, **options)
            self._running.add(process)
        try:
            with process:
                try:
                    yield process
                except BaseException:  # Ctrl-C or a failure while it runs: it must not outlive us
                    _kill(process)
                    raise
        finally:
            with self._lock:
                self._running.discard(process)

    def run(self, command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        """Like `subprocess.run(command, capture_output=True, text=True)`, stoppable."""
        with self.popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options) as process:
            stdout, stderr = process.communicate()
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)

    def stop(self) -> None:
        """Kill every running child and refuse new ones."""
        with self._lock:
            self._stopped = True
            for process in self._running:
                _kill(process)


def _kill(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
