"""Staff accounts besides agents: content editors, support leads and privacy admins.

Each account has one role and a bearer token; only the token's sha256 is stored, and the
token is shown once, when the account is added.  Every change an account makes records
its id and name (see `StaffMember.actor`).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import asdict, dataclass

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.errors import Invalid

ROLES = ("editor", "lead", "admin")
NAME_MAX = 64
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class StaffMember:
    id: str
    role: str
    name: str
    created_at: float

    @property
    def actor(self) -> dict[str, str]:
        """Who made a change, as recorded next to it."""
        return {"id": self.id, "name": self.name, "role": self.role}


class StaffRegistry:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        keys = RedisKeys(prefix)
        self._members = keys.staff_members()
        self._tokens = keys.staff_tokens()

    async def add(self, role: str, name: str) -> tuple[StaffMember, str]:
        """Returns the account and its bearer token; the token cannot be recovered later."""
        name = name.strip()
        if role not in ROLES:
            raise Invalid(f"role must be one of {list(ROLES)}, not {role!r}")
        if not name or len(name) > NAME_MAX or not name.isprintable():
            raise Invalid(f"name must be 1-{NAME_MAX} printable characters")
        member = StaffMember(id=f"{role[:2]}_{secrets.token_hex(6)}", role=role, name=name, created_at=time.time())
        token = secrets.token_urlsafe(32)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._members, member.id, json.dumps(asdict(member)))
            pipe.hset(self._tokens, token_hash(token), member.id)
            await pipe.execute()
        return member, token

    async def authenticate(self, token: str) -> StaffMember | None:
        if not isinstance(token, str) or not _TOKEN.match(token):
            return None
        member_id = await self._redis.hget(self._tokens, token_hash(token))
        if member_id is None:
            return None
        raw = await self._redis.hget(self._members, member_id)
        return StaffMember(**json.loads(raw)) if raw is not None else None

    async def list(self, role: str | None = None) -> list[StaffMember]:
        members = [StaffMember(**json.loads(raw)) for raw in (await self._redis.hgetall(self._members)).values()]
        return sorted((m for m in members if role in (None, m.role)), key=lambda m: m.created_at)
