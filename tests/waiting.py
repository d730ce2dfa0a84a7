"""Waiting on a condition with a deadline, instead of sleeping a fixed time and hoping.

Background work (the relay, Rasa, the index warming up, a server starting) finishes when it
finishes; a test polls for the outcome it expects and fails with `what` when the deadline passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(check: Callable[[], T], what: str, timeout_s: float = 60, every_s: float = 0.3) -> T:
    """Poll `check` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout_s
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout_s} s")
        time.sleep(every_s)
    return result
