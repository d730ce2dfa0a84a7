"""Queue position and ETA for waiting shoppers, from the waiting index and recent handling times."""

from __future__ import annotations

import statistics
from collections.abc import Iterable

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


def slots(agents: Iterable[Agent], skill: str, lang: str) -> int:
    """Chats that can run at once for this skill and language (every registered agent counts)."""
    return sum(a.capacity for a in agents if a.serves(skill, lang))


def positions(
    members: list[str], agents: list[Agent], times: dict[str, list[float]], default_handle_s: float
) -> dict[str, Position]:
    """Ticket id -> position among the waiting tickets of its queue (its skill and language, or the
    tickets reserved for the same agent), with ETA = position x median handling time / concurrent slots."""
    ahead: dict[tuple[str, str, str], int] = {}
    result: dict[str, Position] = {}
    for member in members:
        ticket_id, skill, lang, reserved_for = parse_member(member)
        route = (skill, lang, reserved_for)
        place = ahead[route] = ahead.get(route, 0) + 1
        handle_s = median_handle_s(times.get(f"{skill}|{lang}"), default_handle_s)
        parallel = 1 if reserved_for else max(1, slots(agents, skill, lang))
        result[ticket_id] = Position(place, round(place * handle_s / parallel, 1))
    return result
