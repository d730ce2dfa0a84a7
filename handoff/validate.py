"""Input checks done before any script runs, so bad input never changes the queue's state."""

from __future__ import annotations

import json
import re

from .errors import InvalidRequest

_WORD = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_AGENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TICKET_ID = re.compile(r"^t[0-9]{1,18}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")

CONVERSATION_ID_MAX = 200
IDEMPOTENCY_KEY_MAX = 200
PRIORITY_MAX = 100
REASONS_MAX = 16
REASON_MAX = 64
SEGMENT_MAX = 64
CONTEXT_MAX_BYTES = 64 * 1024
FACTS_MAX_BYTES = 4 * 1024


def word(value: object, what: str) -> str:
    """Skills and languages: short lowercase words, since they are part of index members."""
    if not isinstance(value, str) or not _WORD.match(value):
        raise InvalidRequest(f"{what} must be a short lowercase word, got {value!r}")
    return value


def one_of(value: object, allowed: frozenset[str], what: str) -> str:
    if value not in allowed:
        raise InvalidRequest(f"unknown {what} {value!r}; known: {', '.join(sorted(allowed))}")
    return value  # type: ignore[return-value]


def conversation_id(value: object) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= CONVERSATION_ID_MAX or not value.isprintable():
        raise InvalidRequest(f"conversation id must be 1-{CONVERSATION_ID_MAX} printable characters")
    return value


def ticket_id(value: object) -> str:
    if not isinstance(value, str) or not _TICKET_ID.match(value):
        raise InvalidRequest(f"malformed ticket id {value!r}")
    return value


def agent_id(value: object) -> str:
    if not isinstance(value, str) or not _AGENT_ID.match(value):
        raise InvalidRequest(f"malformed agent id {value!r}")
    return value


def lease_token(value: object) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 128:
        raise InvalidRequest("lease token must be a non-empty string")
    return value


def idempotency_key(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= IDEMPOTENCY_KEY_MAX:
        raise InvalidRequest(f"idempotency key must be 1-{IDEMPOTENCY_KEY_MAX} characters")
    return value


def priority(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= PRIORITY_MAX:
        raise InvalidRequest(f"priority must be an integer from 0 to {PRIORITY_MAX}")
    return value


def reasons(value: object) -> list[str]:
    if (
        not isinstance(value, list | tuple) or len(value) > REASONS_MAX
        or not all(isinstance(r, str) and 0 < len(r) <= REASON_MAX for r in value)
    ):
        raise InvalidRequest(f"reasons must be at most {REASONS_MAX} strings of 1-{REASON_MAX} characters")
    return list(value)


def segment(value: object) -> str:
    if not isinstance(value, str) or len(value) > SEGMENT_MAX:
        raise InvalidRequest(f"segment must be a string of at most {SEGMENT_MAX} characters")
    return value


def json_object(value: object, what: str, max_bytes: int) -> str:
    if not isinstance(value, dict):
        raise InvalidRequest(f"{what} must be a JSON object")
    if not value:  # most resolves carry no facts
        return "{}"
    try:
        encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidRequest(f"{what} is not JSON-serialisable: {error}") from None
    if len(encoded.encode()) > max_bytes:
        raise InvalidRequest(f"{what} is larger than {max_bytes} bytes")
    return encoded


def code(value: object) -> str:
    if not isinstance(value, str) or not _CODE.match(value):
        raise InvalidRequest(f"resolution code must match {_CODE.pattern}, got {value!r}")
    return value


def note(value: object, max_chars: int) -> str:
    if not isinstance(value, str):
        raise InvalidRequest("note must be a string")
    if len(value) > max_chars:
        raise InvalidRequest(f"note is {len(value)} characters; the limit is {max_chars}")
    return value
