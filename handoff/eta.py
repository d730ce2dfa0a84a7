"""Queue position and ETA for waiting shoppers, from the waiting index, the agents online, the chats
they are in, and recent handling times."""

from __future__ import annotations

import heapq
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from .clock import from_ms
from .models import Agent, Position


def parse_member(member: str) -> tuple[str, str, str, str]:
    """``seq|id|skill|lang|reserved_for`` -> (id, skill, lang, reserved_for)."""
    _, ticket_id, skill, lang, reserved_for = member.split("|")
    return ticket_id, skill, lang, reserved_for


def handle_times(log: Iterable[str], per_route: int) -> dict[str, list[float]]:
    """Newest-first ``skill|lang|ms`` entries -> the latest ``per_route`` durations (seconds) of each route."""
    by_route: dict[str, list[float]] = {}
    for entry in log:
        route, _, ms = entry.rpartition("|")
        samples = by_route.setdefault(route, [])
        if len(samples) < per_route:
            samples.append(from_ms(ms))
    return by_route


def median_handle_s(samples: list[float] | None, default_s: float) -> float:
    return statistics.median(samples) if samples else default_s


@dataclass(frozen=True)
class Busy:
    """A ticket an agent is working on now: its route and how long it has been held."""

    agent_id: str
    skill: str
    lang: str
    elapsed_s: float


def positions(
    members: list[str], agents: list[Agent], online: frozenset[str], busy: list[Busy],
    times: dict[str, list[float]], default_handle_s: float,
) -> dict[str, Position]:
    """Ticket id -> position among the waiting tickets of its queue (its skill and language, or the
    tickets reserved for the same agent), and its ETA: when a chat slot of an online agent who serves
    that queue frees up, if each waiting ticket ahead takes the median recent handling time and each
    chat under way takes what is left of its own. ETA None: nobody who serves the queue is online.
    (An agent serving several queues is counted in each: the ETA can be early when all are busy.)"""
    def handle_s(skill: str, lang: str) -> float:
        return median_handle_s(times.get(f"{skill}|{lang}"), default_handle_s)

    present = {a.id: a for a in agents if a.id in online}
    held: dict[str, list[float]] = {}
    for chat in busy:
        held.setdefault(chat.agent_id, []).append(max(0.0, handle_s(chat.skill, chat.lang) - chat.elapsed_s))
    free_at: dict[tuple[str, str, str], list[float]] = {}
    ahead: dict[tuple[str, str, str], int] = {}
    result: dict[str, Position] = {}
    for member in members:
        ticket_id, skill, lang, reserved_for = parse_member(member)
        route = (skill, lang, reserved_for)
        if route not in free_at:
            serving = [present[reserved_for]] if reserved_for in present else [] if reserved_for else \
                [a for a in present.values() if a.serves(skill, lang)]
            free_at[route] = sorted(
                t for a in serving for t in _slots(a.capacity, held.get(a.id, [])))
        place = ahead[route] = ahead.get(route, 0) + 1
        slots = free_at[route]
        if not slots:
            result[ticket_id] = Position(place, None)
            continue
        starts = heapq.heappop(slots)
        heapq.heappush(slots, starts + handle_s(skill, lang))
        result[ticket_id] = Position(place, round(starts, 1))
    return result


def _slots(capacity: int, remaining: list[float]) -> list[float]:
    """When each of an agent's chat slots is free: now for an idle one, else when its chat ends."""
    ending = sorted(remaining)[:capacity]
    return ending + [0.0] * (capacity - len(ending))
