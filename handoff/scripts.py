"""The queue's Lua scripts, read from ``scripts/<command>-<number of keys>.lua``.

Each file's header names every KEYS entry; loading checks that the header, the file name and the call
agree, so a key added to a script without its header (or the other way round) fails the first test.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from functools import cache
from hashlib import sha1
from importlib import resources
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, ResponseError

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
    """The scripts, run by EVALSHA on one Redis client and loaded again on NOSCRIPT (after a restart).

    A call made while no other is in flight goes straight out. Calls made while others are in flight
    (many agents and shoppers at once) are collected until the next event-loop turn and sent as one
    pipeline: one write and one connection for the batch instead of one each, which is where a Python
    client spends its time. Each call still gets its own reply or error.
    """

    def __init__(self, redis: Redis, *, batch: bool = True, max_batch: int = 256) -> None:
        self._redis = redis
        self._batch = batch
        self._max_batch = max_batch
        self._shas: dict[str, str] = {}  # filled on first use: construction reads no files
        self._pending: list[tuple[str, list[Any], asyncio.Future[Any]]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._encoded_keys: dict[str, bytes] = {}
        self._direct = 0  # calls sent on their own and not answered yet

    async def call(self, command: str, keys: list[str], args: list[str | bytes | int | float]) -> Any:
        source = sources()[command]
        if len(keys) != source.nkeys:
            raise RuntimeError(f"{command} takes {source.nkeys} keys, got {len(keys)}")
        if command not in self._shas:
            self._shas[command] = sha1(source.text.encode()).hexdigest()
        keys = [self._encoded_keys.get(key) or self._encode_key(key) for key in keys]
        if not self._batch or not (self._direct or self._in_flight or self._pending):
            self._direct += 1  # nothing else in flight: batching would only add a hop
            try:
                return await self._redis.evalsha(self._shas[command], len(keys), *keys, *args)
            except NoScriptError:
                await self.load_all()
                return await self._redis.evalsha(self._shas[command], len(keys), *keys, *args)
            finally:
                self._direct -= 1
        future = asyncio.get_running_loop().create_future()
        self._pending.append((command, [len(keys), *keys, *args], future))
        if len(self._pending) == 1:
            asyncio.get_running_loop().call_soon(self._flush)
        elif len(self._pending) >= self._max_batch:
            self._flush()
        return await future

    def _encode_key(self, key: str) -> bytes:
        """Keys repeat on every call; encoding them once takes a third off redis-py's packing time."""
        encoded = key.encode()
        if len(self._encoded_keys) < 1000 and ":idem:" not in key:
            self._encoded_keys[key] = encoded
        return encoded

    async def load_all(self) -> None:
        for command, source in sources().items():
            self._shas[command] = await self._redis.script_load(source.text)

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.ensure_future(self._send(batch))
            self._in_flight.add(task)  # keep a reference until it is done
            task.add_done_callback(self._in_flight.discard)

    async def _send(self, batch: list[tuple[str, list[Any], asyncio.Future[Any]]]) -> None:
        try:
            results = await self._execute(batch)
            if any(isinstance(r, NoScriptError) for r in results):  # NOSCRIPT: nothing ran; load, resend
                await self.load_all()
                again = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
                for i, result in zip(again, await self._execute([batch[i] for i in again]), strict=True):
                    results[i] = result
        except BaseException as error:  # the whole batch failed (connection lost, cancelled)
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, _, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)

    async def _execute(self, batch: list[tuple[str, list[Any], asyncio.Future[Any]]]) -> list[Any]:
        if len(batch) == 1:  # a pipeline costs more than a plain command when there is nothing to share
            command, arguments, _ = batch[0]
            try:
                return [await self._redis.evalsha(self._shas[command], *arguments)]
            except ResponseError as error:  # a script's own error, or NOSCRIPT: the call's reply
                return [error]
        async with self._redis.pipeline(transaction=False) as pipe:
            for command, arguments, _ in batch:
                pipe.evalsha(self._shas[command], *arguments)
            return await pipe.execute(raise_on_error=False)
