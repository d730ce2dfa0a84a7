"""Agents: who may take tickets, with which skills, languages and capacity, and their bearer tokens.

Only the sha256 of a token is stored; the token is shown once, when the agent is added.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable

from redis.asyncio import Redis

from .boundary import redis_boundary
from .clock import Clock
from .errors import InvalidRequest
from .keys import Keys
from .models import Agent
from .scripts import Scripts

NAME_MAX = 64
CAPACITY_MAX = 100
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentRegistry:
    """Agents never change after they are added, so records are cached for the life of the registry."""

    def __init__(
        self, redis: Redis, keys: Keys, scripts: Scripts, clock: Clock,
        skills: frozenset[str], langs: frozenset[str],
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._scripts = scripts
        self._clock = clock
        self._skills = skills
        self._langs = langs
        self._cache: dict[str, Agent] = {}

    async def add(
        self, name: str, skills: Iterable[str], langs: Iterable[str], capacity: int = 3
    ) -> tuple[Agent, str]:
        """Returns the agent and its bearer token; the token cannot be recovered later."""
        name = name.strip()
        skills, langs = tuple(dict.fromkeys(skills)), tuple(dict.fromkeys(langs))
        problems = []
        if not name or len(name) > NAME_MAX or not name.isprintable():
            problems.append(f"name must be 1-{NAME_MAX} printable characters")
        if not skills or not set(skills) <= self._skills:
            problems.append(f"skills must be a non-empty subset of {sorted(self._skills)}")
        if not langs or not set(langs) <= self._langs:
            problems.append(f"langs must be a non-empty subset of {sorted(self._langs)}")
        if not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
            problems.append(f"capacity must be an integer from 1 to {CAPACITY_MAX}")
        if problems:
            raise InvalidRequest("; ".join(problems))
        agent = Agent(
            id="ag_" + secrets.token_hex(6), name=name, skills=skills, langs=langs, capacity=capacity,
            created_at=self._clock(),
        )
        token = secrets.token_urlsafe(32)
        k = self._keys
        with redis_boundary():
            await self._scripts.call(
                "add_agent", [k.agents, k.agent_names, k.agent_tokens],
                [agent.id, agent.name, agent.to_json(token_sha256=token_hash(token)), token_hash(token)],
            )
        self._cache[agent.id] = agent
        return agent, token

    async def remove(self, agent_id: str) -> None:
        """Delete the agent; its token stops working at once. Its tickets are requeued when their leases
        run out. Other processes may still hold the agent in their cache, but every claim checks Redis."""
        k = self._keys
        with redis_boundary():
            await self._scripts.call("remove_agent", [k.agents, k.agent_names, k.agent_tokens], [agent_id])
        self._cache.pop(agent_id, None)

    async def authenticate(self, token: str) -> Agent | None:
        if not isinstance(token, str) or not _TOKEN.match(token):
            return None
        with redis_boundary():
            agent_id = await self._redis.hget(self._keys.agent_tokens, token_hash(token))
        if agent_id is None:
            return None
        return await self.get(agent_id.decode() if isinstance(agent_id, bytes) else agent_id)

    async def get(self, agent_id: str) -> Agent | None:
        if agent_id in self._cache:
            return self._cache[agent_id]
        with redis_boundary():
            raw = await self._redis.hget(self._keys.agents, agent_id)
        if raw is None:
            return None
        agent = self._cache[agent_id] = Agent.from_json(raw)
        return agent

    async def list(self) -> list[Agent]:
        with redis_boundary():
            raw = await self._redis.hgetall(self._keys.agents)
        agents = [Agent.from_json(value) for value in raw.values()]
        self._cache.update((a.id, a) for a in agents)
        return sorted(agents, key=lambda a: (a.created_at, a.name))
