"""Consent: what a shopper agreed to, under which privacy notice, and when.

Every change is appended to a log (a Redis list, newest first) per conversation, per
customer when identified, and per visitor before a conversation exists, so the shop can
show when and under which notice version consent was given or withdrawn.  The current
choice is the newest record of the first subject that has one.  Absent consent, or
consent to an older notice version, counts as *not given*; a consent the shop does not
require (setting ``consent_required``) counts as given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.conversations import Conversation
from gateway.errors import Invalid

PURPOSES = ("personalisation", "proactive")
MAX_RECORDS = 100  # per subject: a shopper flipping a switch all day does not grow a key forever


@dataclass(frozen=True)
class ConsentPolicy:
    required: tuple[str, ...]
    notice_version: str

    def effective(self, given: dict[str, bool]) -> dict[str, bool]:
        """What the bot may do: a purpose is allowed unless it is required and was not given."""
        return {purpose: purpose not in self.required or given.get(purpose, False) for purpose in PURPOSES}


def validate_choices(choices: dict[str, Any]) -> dict[str, bool]:
    unknown = sorted(set(choices) - set(PURPOSES))
    if unknown:
        raise Invalid(f"unknown consent purposes {unknown}; known: {list(PURPOSES)}")
    if not all(isinstance(value, bool) for value in choices.values()):
        raise Invalid("each consent is true or false")
    return dict(choices)


class ConsentStore:
    def __init__(self, redis: Redis, keys: RedisKeys, policy: ConsentPolicy, ttl_s: int) -> None:
        self._redis = redis
        self._keys = keys
        self.policy = policy
        self._ttl_s = ttl_s

    def _subjects(self, conversation: Conversation) -> list[tuple[str, bool]]:
        """(log key, expires with the conversation): a customer's consent outlives one chat."""
        subjects = [(self._keys.conversation_consent(conversation.id), True)]
        if conversation.customer_id:
            subjects.append((self._keys.customer_consent(conversation.customer_id), False))
        return subjects

    def check_notice(self, notice_version: str) -> None:
        """Consent counts only under the current notice; a caller that stores something else first
        (a new conversation) checks this before it does."""
        if notice_version != self.policy.notice_version:
            raise Invalid(f"notice_version {notice_version!r} is not the current privacy notice "
                          f"({self.policy.notice_version!r}); show the current notice and ask again")

    async def record_for_conversation(self, conversation: Conversation, choices: dict[str, bool],
                                      notice_version: str, now: float) -> dict[str, bool]:
        return await self._record(self._subjects(conversation), choices, notice_version, now)

    async def record_for_visitor(self, visitor_id: str, choices: dict[str, bool], notice_version: str,
                                 now: float) -> dict[str, bool]:
        return await self._record([(self._keys.visitor_consent(visitor_id), True)], choices, notice_version, now)

    async def for_conversation(self, conversation: Conversation) -> dict[str, bool]:
        """What the bot may do in this conversation (the customer's earlier choice applies to a new chat)."""
        return self.policy.effective(await self._given([key for key, _ in self._subjects(conversation)]))

    async def for_visitor(self, visitor_id: str, conversation: Conversation | None) -> dict[str, bool]:
        keys = [key for key, _ in self._subjects(conversation)] if conversation else []
        return self.policy.effective(await self._given([*keys, self._keys.visitor_consent(visitor_id)]))

    async def for_customer(self, customer_id: str) -> dict[str, bool]:
        """For the shop's server events about a customer, before any conversation of theirs is open."""
        return self.policy.effective(await self._given([self._keys.customer_consent(customer_id)]))

    async def given_in(self, conversation: Conversation) -> dict[str, bool]:
        """The shopper's own choices (not what the shop's settings imply), for the widget."""
        return await self._given([key for key, _ in self._subjects(conversation)])

    def log_key(self, conversation: Conversation) -> str:
        return self._keys.conversation_consent(conversation.id)

    async def history(self, key: str) -> list[dict[str, Any]]:
        """Every stored change, oldest first (for export and for showing consent)."""
        return [json.loads(raw) for raw in reversed(await self._redis.lrange(key, 0, -1))]

    async def _record(self, subjects: list[tuple[str, bool]], choices: dict[str, bool], notice_version: str,
                      now: float) -> dict[str, bool]:
        """Append one change to each subject's log; purposes not named keep their current value."""
        self.check_notice(notice_version)
        merged = {**await self._given([key for key, _ in subjects]), **validate_choices(choices)}
        entry = json.dumps({"ts": now, "notice_version": notice_version, "choices": merged})
        async with self._redis.pipeline(transaction=False) as pipe:
            for key, expires in subjects:
                pipe.lpush(key, entry)
                pipe.ltrim(key, 0, MAX_RECORDS - 1)
                if expires:
                    pipe.expire(key, self._ttl_s)
            await pipe.execute()
        return merged

    async def _given(self, subjects: list[str]) -> dict[str, bool]:
        """The newest choices of the first subject with a record; {} when none is under the current notice."""
        for key in subjects:
            raw = await self._redis.lindex(key, 0)
            if raw is None:
                continue
            record = json.loads(raw)
            return record["choices"] if record["notice_version"] == self.policy.notice_version else {}
        return {}
