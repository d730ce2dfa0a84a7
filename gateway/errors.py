"""Errors the gateway reports to clients, each with a stable code and HTTP status.

Domain code raises these (or libraries' own errors, translated in `app.py`); routes never
build HTTP responses for domain conditions themselves.
"""

from __future__ import annotations


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class TooLarge(ApiError):
    status, code = 413, "too_large"


class Invalid(ApiError):
    status, code = 422, "invalid"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_s)})


class ComponentUnavailable(ApiError):
    """A part of the path (redis, rasa, actions, kb) is down; the client should retry."""

    status, code = 503, "unavailable"

    def __init__(self, component: str, detail: str = "", retry_after_s: int = 5) -> None:
        message = f"{component} is unavailable; the message was not delivered, retry later"
        if detail:
            message += f" ({detail})"
        super().__init__(message, headers={"Retry-After": str(retry_after_s)})
        self.component = component
