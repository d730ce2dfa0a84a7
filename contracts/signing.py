"""How the gateway signs a shopper's turn for Rasa's chat channel, and how Rasa checks it.

Rasa's chat webhook puts text and metadata (the verified ``customer_id`` among it) into a
conversation's tracker, so only the gateway may call it.  The gateway sends an HMAC-SHA256 of
``<timestamp>.<body>`` under a secret only the two share; the channel (rasa_addons/gateway_channel.py)
refuses a request whose signature does not match, whose timestamp is more than
``MAX_SKEW_S`` away from its own clock, or that it has already seen.  Standard library only:
both runtimes import this.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-ShopAssist-Timestamp"
SIGNATURE_HEADER = "X-ShopAssist-Signature"
MAX_SKEW_S = 60


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return mac.hexdigest()


def signed_headers(secret: str, body: bytes, now: float) -> dict[str, str]:
    timestamp = str(int(now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def problem(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> str | None:
    """Why a request is not the gateway's, or None when it is (replays are the caller's to catch)."""
    timestamp, given = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
    if not timestamp or not given:
        return f"unsigned: send {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}"
    if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_SKEW_S:
        return f"{TIMESTAMP_HEADER} is not within {MAX_SKEW_S}s of now"
    if not hmac.compare_digest(given, signature(secret, timestamp, body)):
        return "bad signature"
    return None
