"""Live messages and typing indicators over one WebSocket per conversation, for shoppers and agents.

Protocol (JSON text frames; tokens travel in the first frame, never in the URL, which gets logged):

  client, first frame within 5 s:
    {"type": "auth", "role": "shopper", "conversation_id", "token", "after"?}
    {"type": "auth", "role": "agent", "token", "ticket_id", "lease_token", "after"?}
  server: {"type": "ready", "mode"}, then {"type": "message", "message": {...}} for every
          transcript entry after `after` (the whole transcript without it), and live ones as they come
  client: {"type": "message", "text", "client_msg_id"} -> server {"type": "ack", "client_msg_id", "mode"}
          once stored, or {"type": "error", "code", "message", "client_msg_id"}; a resend of an
          acknowledged client_msg_id is answered from what was stored, never processed twice
  client: {"type": "typing", "on": bool} -> the other side gets {"type": "typing", "sender", "name"?, "on"}
  server closes with 4000 + the HTTP status of a failed auth (4401, 4403, 4404, 4409, 4429).
  server: when the conversation is erased, a system message with event "erased", then close 4410.

Fan-out across gateway instances needs no registry: the transcript is a Redis Stream, so
each connection follows it with XREAD BLOCK wherever the message was written; typing
indicators, which are not worth storing, go through Redis pub/sub.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from redis.exceptions import RedisError

from contracts.keys import RedisKeys
from gateway.api.models import STREAM_ID
from gateway.errors import ApiError, ComponentUnavailable, Conflict, Invalid, NotFound, TooLarge, Unauthorized
from gateway.ratelimit import client_address
from gateway.services import Services
from gateway.turns import CLIENT_MSG_ID, clean_text
from handoff import HandoffError, HandoffUnavailable, LeaseLost, TicketNotFound

log = logging.getLogger(__name__)
router = APIRouter()

AUTH_TIMEOUT_S = 5.0
MAX_FRAME_CHARS = 16 * 1024
_BLOCK_MS = 1000  # under the Redis pool's 2 s socket timeout
_RETRY_S = 1.0
_DEDUP_TTL_S = 24 * 3600

Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Peer:
    """Who is on this socket and how their messages are stored."""

    conversation_id: str
    sender: str
    name: str | None
    deliver: Callable[[str, str | None], Awaitable[str]]


@router.websocket("/api/v1/ws")
async def live(ws: WebSocket) -> None:
    services: Services = ws.app.state.services
    if not _origin_allowed(ws, services.settings.cors_origins):
        await ws.close(code=4403, reason="origin not allowed")  # refuses the handshake
        return
    await ws.accept()
    lock = asyncio.Lock()

    async def send(frame: dict[str, Any]) -> None:
        async with lock:
            await ws.send_text(json.dumps(frame, ensure_ascii=False))

    try:
        await services.limiter.hit("ws", client_address(ws), limit=services.settings.ws_connections_per_minute,
                                   window_s=60)
        hello = _parse(await asyncio.wait_for(ws.receive_text(), AUTH_TIMEOUT_S))
        peer = await _authenticate(services, hello)
        after = hello.get("after")
        await send({"type": "ready", "mode": await services.queue.owner(peer.conversation_id)})
    except WebSocketDisconnect:
        return
    except TimeoutError:
        await ws.close(code=4408, reason="no auth frame")
        return
    except (ApiError, HandoffError, RedisError) as exc:
        error = _api_error(exc)
        await send({"type": "error", "code": error.code, "message": error.message})
        await ws.close(code=4000 + error.status, reason=error.code)
        return
    followers = [asyncio.create_task(_follow_transcript(services, peer.conversation_id, after, send)),
                 asyncio.create_task(_follow_typing(services, peer, send, ws))]
    try:
        await _receive(ws, services, peer, send)
    except WebSocketDisconnect:
        pass
    finally:
        for task in followers:
            task.cancel()
        await asyncio.gather(*followers, return_exceptions=True)


def _origin_allowed(ws: WebSocket, allowed: tuple[str, ...]) -> bool:
    """Browsers always send Origin on WebSockets: only our own pages and the shop's listed
    origins may open one (tools without a browser send none)."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True
    own = f"{'https' if ws.url.scheme == 'wss' else 'http'}://{ws.headers.get('host', '')}"
    return origin == own or origin in allowed


def _parse(frame: str) -> dict[str, Any]:
    if len(frame) > MAX_FRAME_CHARS:
        raise TooLarge(f"frame over {MAX_FRAME_CHARS} characters")
    try:
        data = json.loads(frame)
    except json.JSONDecodeError:
        raise Invalid("frames are JSON objects") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise Invalid("frames are JSON objects with a 'type'")
    return data


class _LeaseLost(Conflict):
    code = "lease_lost"


def _api_error(exc: Exception) -> ApiError:
    """The same codes the REST API answers (gateway/app.py maps them for HTTP)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, LeaseLost):
        return _LeaseLost(str(exc))
    if isinstance(exc, TicketNotFound):
        return NotFound(str(exc))
    if isinstance(exc, (RedisError, HandoffUnavailable)):
        return ComponentUnavailable("redis", type(exc).__name__)
    return Conflict(str(exc))


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise Invalid(f"'{name}' is required")
    return value


async def _authenticate(services: Services, hello: dict[str, Any]) -> Peer:
    if hello["type"] != "auth":
        raise Unauthorized("the first frame must be {'type': 'auth', ...}")
    after = hello.get("after")
    if after is not None and not (isinstance(after, str) and re.fullmatch(STREAM_ID, after)):
        raise Invalid("'after' must be a message id")
    if hello.get("role") == "shopper":
        conversation = await services.conversations.authorize(_text(hello, "conversation_id"), _text(hello, "token"))

        async def shopper_says(text: str, client_msg_id: str | None) -> str:
            result = await _with_bot_typing(services, conversation.id,
                                            services.turns.handle(conversation, text, client_msg_id))
            return str(result["mode"])

        return Peer(conversation.id, "shopper", None, shopper_says)
    if hello.get("role") == "agent":
        agent = await services.queue.agents.authenticate(_text(hello, "token"))
        if agent is None:
            raise Unauthorized("unknown agent token")
        ticket_id, lease_token = _text(hello, "ticket_id"), _text(hello, "lease_token")
        ticket = await services.queue.check_lease(ticket_id, agent.id, lease_token)

        async def agent_says(text: str, client_msg_id: str | None) -> str:
            await _agent_message(services, ticket_id, agent.id, agent.name, lease_token, text, client_msg_id)
            return await services.queue.owner(ticket.conversation_id)

        return Peer(ticket.conversation_id, "agent", agent.name, agent_says)
    raise Invalid("'role' must be 'shopper' or 'agent'")


async def _with_bot_typing(services: Services, conversation_id: str, turn: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """The bot 'types' while Rasa answers; a no-op signal when an agent owns the conversation."""
    channel = RedisKeys(services.settings.key_prefix).typing(conversation_id)
    if await services.queue.owner(conversation_id) != "bot":
        return await turn
    await services.redis.publish(channel, json.dumps({"sender": "bot", "on": True}))
    try:
        return await turn
    finally:
        await services.redis.publish(channel, json.dumps({"sender": "bot", "on": False}))


async def _agent_message(services: Services, ticket_id: str, agent_id: str, agent_name: str, lease_token: str,
                         text: str, client_msg_id: str | None) -> None:
    """Store an agent's message once per client_msg_id, as the REST route stores it."""
    ticket = await services.queue.check_lease(ticket_id, agent_id, lease_token)
    text = clean_text(text, services.settings.max_message_chars)
    extra: dict[str, Any] = {"agent_name": agent_name}
    key = None
    if client_msg_id is not None:
        key = RedisKeys(services.settings.key_prefix).client_message(ticket.conversation_id, f"agent.{client_msg_id}")
        if not await services.redis.set(key, 1, nx=True, ex=_DEDUP_TTL_S):
            return
        extra["client_msg_id"] = client_msg_id
    try:
        await services.conversations.append(
            ticket.conversation_id, [{"sender": "agent", "text": text, "ts": time.time(), "extra": extra}])
    except BaseException:
        if key:  # not stored: let the resend through
            await services.redis.delete(key)
        raise
    await services.insights.agent_wrote(ticket.conversation_id, ticket.id)


async def _receive(ws: WebSocket, services: Services, peer: Peer, send: Send) -> None:
    channel = RedisKeys(services.settings.key_prefix).typing(peer.conversation_id)
    while True:
        frame = await ws.receive_text()
        client_msg_id: str | None = None
        try:
            data = _parse(frame)
            if data["type"] == "typing":
                signal = {"sender": peer.sender, "name": peer.name, "on": bool(data.get("on"))}
                await services.redis.publish(channel, json.dumps(signal, ensure_ascii=False))
            elif data["type"] == "message":
                raw_id = data.get("client_msg_id")
                if raw_id is not None and not (isinstance(raw_id, str) and CLIENT_MSG_ID.match(raw_id)):
                    raise Invalid("client_msg_id must be 1-64 letters, digits or _.:-")
                client_msg_id = raw_id
                mode = await peer.deliver(_text(data, "text"), client_msg_id)
                await send({"type": "ack", "client_msg_id": client_msg_id, "mode": mode})
            else:
                raise Invalid(f"unknown frame type {data['type']!r}")
        except (ApiError, HandoffError, RedisError) as exc:
            error = _api_error(exc)
            await send({"type": "error", "code": error.code, "message": error.message,
                        "client_msg_id": client_msg_id, "retry": error.status in (409, 429, 503)})


async def _follow_transcript(services: Services, conversation_id: str, after: str | None, send: Send) -> None:
    key = RedisKeys(services.settings.key_prefix).transcript(conversation_id)
    last = after
    while True:
        try:
            for message in await services.conversations.messages(conversation_id, last):
                last = message.id
                await send({"type": "message", "message": message.to_api()})
            # a wake-up only: the store decodes what arrived on the next pass
            await services.redis.xread({key: last or "0-0"}, count=1, block=_BLOCK_MS)
        except RedisError as exc:
            log.warning("live transcript: %s; retrying", type(exc).__name__,
                        extra={"conversation_id": conversation_id})
            await asyncio.sleep(_RETRY_S)


async def _follow_typing(services: Services, peer: Peer, send: Send, ws: WebSocket) -> None:
    """Typing indicators, and the one control signal on the same channel: the conversation was erased
    (gateway/privacy/erase.py), so the shopper is told and the socket closed."""
    channel = RedisKeys(services.settings.key_prefix).typing(peer.conversation_id)
    while True:
        pubsub = services.redis.pubsub()
        try:
            await pubsub.subscribe(channel)
            while True:
                event = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if event is None:
                    continue
                signal = json.loads(event["data"])
                if signal.get("event") == "erased":
                    await send({"type": "message", "message": {"id": "", "sender": "system", "text": signal["text"],
                                                               "ts": time.time(), "event": "erased"}})
                    await ws.close(code=4410, reason="erased")
                    return
                if signal.get("sender") != peer.sender:
                    await send({"type": "typing", **signal})
        except RedisError as exc:
            log.warning("live typing: %s; retrying", type(exc).__name__,
                        extra={"conversation_id": peer.conversation_id})
            await asyncio.sleep(_RETRY_S)
        finally:
            await pubsub.aclose()
