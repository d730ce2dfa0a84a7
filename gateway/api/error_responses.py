"""The error answers the OpenAPI document lists, so clients (and the schema fuzzing in
tests/security/) can rely on them: every 4xx and 5xx body is ``{"error": {"code", "message"}}``,
as gateway/app.py writes it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


MEANINGS = {
    400: "The request body is not valid JSON",
    401: "No token, or an unknown one",
    403: "A token of another kind (or role) than this route needs",
    404: "Unknown resource, or a token that is not its own",
    409: "A conflict: still in flight, a lost lease, a job already running",
    413: "Text over the message limit, a body over 64 KiB or a batch over its limit",
    422: "Invalid or unknown fields",
    429: "Rate limited (see Retry-After)",
    503: "A component is down (see Retry-After)",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these error statuses (FastAPI's own 422 is replaced)."""
    return {status: {"model": ErrorBody, "description": MEANINGS[status]} for status in statuses}
