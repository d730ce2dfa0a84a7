"""The queue's Lua scripts, read from ``scripts/<command>-<number of keys>.lua``.

Each file's header names every KEYS entry; loading checks that the header, the file name and the call
agree, so a key added to a script without its header (or the other way round) fails the first test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

_NAME = re.compile(r"^(?P<command>[a-z_]+)-(?P<nkeys>\d+)\.lua$")
_HEADER_KEY = re.compile(r"^-- KEYS\[(\d+)\] ", re.MULTILINE)


@dataclass(frozen=True)
class ScriptSource:
    command: str
    nkeys: int
    text: str


@cache
def sources() -> dict[str, ScriptSource]:
    found: dict[str, ScriptSource] = {}
    for entry in resources.files("handoff").joinpath("scripts").iterdir():
        match = _NAME.match(entry.name)
        if not match:
            continue
        text = entry.read_text(encoding="utf-8")
        nkeys = int(match["nkeys"])
        declared = sorted(int(n) for n in _HEADER_KEY.findall(text))
        if declared != list(range(1, nkeys + 1)):
            raise RuntimeError(f"{entry.name}: header names KEYS {declared}, file name says {nkeys}")
        found[match["command"]] = ScriptSource(match["command"], nkeys, text)
    return found


class Scripts:
    """The scripts registered on one Redis client; EVALSHA, loading on NOSCRIPT (e.g. after a restart)."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._registered: dict[str, AsyncScript] = {}

    async def call(self, command: str, keys: list[str], args: list[str | int | float]) -> object:
        source = sources()[command]
        if len(keys) != source.nkeys:
            raise RuntimeError(f"{command} takes {source.nkeys} keys, got {len(keys)}")
        script = self._registered.get(command)
        if script is None:
            script = self._registered[command] = self._redis.register_script(source.text)
        return await script(keys=keys, args=args)

    async def load_all(self) -> None:
        for command, source in sources().items():
            script = self._registered.setdefault(command, self._redis.register_script(source.text))
            script.sha = await self._redis.script_load(source.text)
