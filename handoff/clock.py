"""Time is an argument: the queue reads it from a clock the caller chooses.

Clocks and the queue's API speak seconds (floats); inside Redis every instant and duration is a whole
number of milliseconds. Redis and Lua parse and print 17-digit fractional numbers through slow
multi-precision code (a fifth of Redis's work per ticket cycle, bench/results/handoff.md), and a
sorted set stores whole-number scores as integers.
"""

from __future__ import annotations

from collections.abc import Callable

Clock = Callable[[], float]


def to_ms(seconds: float) -> int:
    return round(seconds * 1000)


def from_ms(ms: int | str | bytes) -> float:
    return int(ms) / 1000


class ManualClock:
    """A clock that moves only when told to, so tests advance time instead of sleeping."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now
