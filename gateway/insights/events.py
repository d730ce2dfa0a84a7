"""The producer side: one cheap XADD per fact, from any gateway instance.

Events carry ids, codes and numbers only: never the shopper's words, except the masked text
of a question the knowledge base could not answer (the "top misses" list needs it), and
never a raw customer id, only its pseudonymous subject key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

STREAM_MAXLEN = 1_000_000  # a busy shop's week; the ingester keeps up within a second

def subject_of(secret: str, customer_id: str | None) -> str | None:
    """The pseudonymous key events are stored under: HMAC-SHA256(identity_secret, customer_id)."""
    if not customer_id:
        return None
    return hmac.new(secret.encode(), customer_id.encode(), hashlib.sha256).hexdigest()


class EventLog:
    def __init__(self, redis: Redis, stream: str, clock: Any = time.time) -> None:
        self._redis = redis
        self._stream = stream
        self._clock = clock

    async def record(self, type_: str, conversation_id: str | None = None, **fields: Any) -> None:
        """Append one event; a Redis failure is logged, never raised: insights must not break a chat."""
        entry = {"type": type_, "ts": repr(self._clock()), "conversation_id": conversation_id or "",
                 "fields": json.dumps(fields, ensure_ascii=False, separators=(",", ":"))}
        try:
            await self._redis.xadd(self._stream, entry, maxlen=STREAM_MAXLEN, approximate=True)
        except RedisError as exc:
            log.warning("insights event lost: %s", type(exc).__name__,
                        extra={"conversation_id": conversation_id, "event": type_})

    async def forget(self, conversation_ids: set[str], subject: str | None) -> int:
        """An erasure: delete the raw entries about these conversations or this subject now, rather
        than when they age out of the stream (the ingested rows go through InsightsStore.erase_subject)."""
        deleted, start = 0, "-"
        while True:
            batch = await self._redis.xrange(self._stream, min=start, count=1000)
            doomed = [entry_id for entry_id, fields in batch
                      if fields.get(b"conversation_id", b"").decode() in conversation_ids
                      or (subject and subject.encode() in fields.get(b"fields", b""))]
            if doomed:
                deleted += await self._redis.xdel(self._stream, *doomed)
            if len(batch) < 1000:
                return deleted
            start = "(" + batch[-1][0].decode()
