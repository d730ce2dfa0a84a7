"""Where redis-py's exceptions become handoff errors; nothing from redis crosses this line."""

from __future__ import annotations

from types import TracebackType

from redis import exceptions as redis_errors

from .clock import from_ms
from .errors import (
    AgentNotFound,
    HandbackCooldown,
    HandoffError,
    HandoffUnavailable,
    InvalidRequest,
    LeaseLost,
    NotAllowed,
    TicketNotFound,
)

# replies that mean "this server cannot serve you now", not "your request is wrong"
_UNAVAILABLE = ("LOADING", "READONLY", "MASTERDOWN", "OOM", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MISCONF")


def translate(error: redis_errors.RedisError) -> HandoffError:
    if isinstance(error, redis_errors.ConnectionError | redis_errors.TimeoutError):
        return HandoffUnavailable(f"redis unavailable: {error}")
    message = str(error)
    code, _, detail = message.partition(" ")
    if code == "TICKET_NOT_FOUND":
        return TicketNotFound(detail)
    if code == "AGENT_NOT_FOUND":
        return AgentNotFound(detail)
    if code == "LEASE_LOST":
        return LeaseLost(f"lease on {detail} is not held by this agent and token")
    if code == "NOT_ALLOWED":
        return NotAllowed(detail)
    if code == "COOLDOWN":
        return HandbackCooldown("", from_ms(detail))
    if code == "NAME_TAKEN":
        return InvalidRequest(f"agent name {detail!r} is taken")
    if code in _UNAVAILABLE or any(code.endswith(c) for c in _UNAVAILABLE):
        return HandoffUnavailable(f"redis cannot serve the request: {message}")
    return HandoffError(f"unexpected redis reply: {message}")


class redis_boundary:  # noqa: N801 - used as a context manager, reads like a statement
    """``with redis_boundary(): ...`` turns any redis error raised inside into a handoff error."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if isinstance(error, redis_errors.RedisError):
            raise translate(error) from error
        if isinstance(error, OSError | TimeoutError):
            raise HandoffUnavailable(f"redis unavailable: {error}") from error
