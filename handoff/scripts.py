"""The queue's Lua scripts, read from ``scripts/<command>-<number of keys>.lua``.

Each file's header names every KEYS entry; loading checks that the header, the file name and the call
agree, so a key added to a script without its header (or the other way round) fails the first test.
"""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import dataclass
from functools import cache
from hashlib import sha1
from importlib import resources
from typing import Any

import hiredis
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
    batch: one write on one pooled connection, then one reply read per call, each call getting its own
    reply or error. Commands are packed by hiredis (C) rather than redis-py's asyncio packer, which
    was the largest single cost of a call in Python (bench/results/handoff.md).

    Batches are small on purpose: with several batches in flight, Redis runs one while the client packs
    the next and reads the replies of another, instead of both taking turns. A batch goes out once it
    holds a quarter of the calls still unanswered (at least 4, at most ``max_batch``), so ten busy
    callers make three batches rather than one, and a hundred make batches of 16.
    """

    def __init__(self, redis: Redis, *, batch: bool = True, max_batch: int = 16) -> None:
        self._redis = redis
        self._batch = batch
        self._max_batch = max_batch
        self._shas: dict[str, bytes] = {}  # filled on first use: construction reads no files
        self._pending: list[tuple[bytes, asyncio.Future[Any]]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._direct = 0  # calls sent on their own and not answered yet
        self._unanswered = 0  # calls sent in batches and not answered yet
        self._loop: asyncio.AbstractEventLoop | None = None

    async def call(self, command: str, keys: list[str], args: list[str | bytes | int | float]) -> Any:
        source = sources()[command]
        if len(keys) != source.nkeys:
            raise RuntimeError(f"{command} takes {source.nkeys} keys, got {len(keys)}")
        sha = self._shas.get(command) or self._sha(command)
        packed = hiredis.pack_command((b"EVALSHA", sha, source.nkeys, *keys, *args))  # type: ignore[arg-type]
        if not self._batch or not (self._direct or self._in_flight or self._pending):
            self._direct += 1  # nothing else in flight: batching would only add a hop
            try:
                (reply,) = await self._run([packed])
            finally:
                self._direct -= 1
            if isinstance(reply, Exception):
                raise reply
            return reply
        loop = self._running_loop()
        future = loop.create_future()
        self._pending.append((packed, future))
        if len(self._pending) == 1:
            loop.call_soon(self._flush)
        elif len(self._pending) >= min(self._max_batch, max(4, self._unanswered // 4)):
            self._flush()
        return await future

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        """The loop calls run on. On Python 3.11 asyncio.get_running_loop() makes a getpid() system call
        (5 % of a queue call), so the loop is kept until it stops; one event loop at a time, one thread."""
        if self._loop is None or not self._loop.is_running():
            self._loop = asyncio.get_running_loop()
        return self._loop

    def _sha(self, command: str) -> bytes:
        self._shas[command] = sha1(sources()[command].text.encode()).hexdigest().encode()
        return self._shas[command]

    async def load_all(self) -> None:
        for command, source in sources().items():
            loaded = await self._redis.script_load(source.text)
            self._shas[command] = loaded.encode() if isinstance(loaded, str) else loaded

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.ensure_future(self._send(batch))
            self._in_flight.add(task)  # keep a reference until it is done
            task.add_done_callback(self._in_flight.discard)

    async def _send(self, batch: list[tuple[bytes, asyncio.Future[Any]]]) -> None:
        self._unanswered += len(batch)
        try:
            replies = await self._run([packed for packed, _ in batch])
        except BaseException as error:  # the whole batch failed (connection lost, cancelled)
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        finally:
            self._unanswered -= len(batch)
        for (_, future), reply in zip(batch, replies, strict=True):
            if future.done():
                continue
            if isinstance(reply, Exception):
                future.set_exception(reply)
            else:
                future.set_result(reply)

    async def _run(self, commands: list[bytes]) -> list[Any]:
        """Each command's reply, or the error Redis answered it with; NOSCRIPT is answered by loading
        the scripts and resending those commands (nothing of theirs ran)."""
        replies = await self._roundtrip(commands)
        again = [i for i, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
        if again:
            await self.load_all()
            for i, reply in zip(again, await self._roundtrip([commands[i] for i in again]), strict=True):
                replies[i] = reply
        return replies

    async def _roundtrip(self, commands: list[bytes]) -> list[Any]:
        """One write of every command on one pooled connection, then their replies in order."""
        pool = self._redis.connection_pool
        connection = await pool.get_connection()
        try:
            await connection.send_packed_command(commands, check_health=False)
            replies: list[Any] = []
            # one deadline for the whole batch: a timer per reply cost more than reading the reply
            async with asyncio.timeout(connection.socket_timeout):
                for _ in commands:
                    try:
                        replies.append(await connection.read_response(timeout=math.inf))
                    except ResponseError as error:  # this command's own error; the connection is fine
                        replies.append(error)
            return replies
        except BaseException:
            await connection.disconnect()  # replies may be left unread: never reuse this connection
            raise
        finally:
            await pool.release(connection)
