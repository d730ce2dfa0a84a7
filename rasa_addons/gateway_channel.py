"""Rasa's only chat channel: turns signed by the gateway, nothing else.

Rasa's REST channel takes any caller's word for the conversation (``sender``) and for the
metadata the actions trust (``customer_id``), so it is not offered (rasa_files.py writes
credentials.yml with this channel alone).  A request here must carry the gateway's HMAC
signature and a fresh timestamp (contracts/signing.py); a replay of a signed request inside
the clock window is refused too.  The replies are collected and returned as the REST channel
returns them, so the gateway reads one format.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from contracts import signing
from contracts.settings import MIN_SECRET_CHARS, RASA_CHANNEL_SECRET_ENV

_MAX_SENDER_CHARS = 64


class GatewayInput(InputChannel):
    """POST /webhooks/shopassist/webhook with ``{"sender", "message", "metadata"}``, signed."""

    def __init__(self, secret: str) -> None:
        self._secret = secret
        self._seen: dict[str, float] = {}  # signature -> when it may be forgotten

    @classmethod
    def name(cls) -> str:
        return "shopassist"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        secret = os.environ.get(RASA_CHANNEL_SECRET_ENV, "")
        if len(secret) < MIN_SECRET_CHARS:
            raise RasaException(f"{RASA_CHANNEL_SECRET_ENV} is missing or shorter than {MIN_SECRET_CHARS} "
                                "characters: `shopassist run` sets it from var/secrets.env")
        return cls(secret)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("shopassist_gateway", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.body or b""
            now = time.time()
            problem = signing.problem(self._secret, request.headers, body, now) or self._replayed(request, now)
            if problem:
                return response.json({"error": problem}, status=401)
            try:
                sender, text, metadata = _turn(json.loads(body))
            except (ValueError, TypeError) as exc:
                return response.json({"error": str(exc)}, status=400)
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
            return response.json(collector.messages)

        return webhook

    def _replayed(self, request: Request, now: float) -> str | None:
        for seen, forget_at in list(self._seen.items()):
            if forget_at < now:
                del self._seen[seen]
        given = request.headers.get(signing.SIGNATURE_HEADER, "")
        if given in self._seen:
            return "this signed request was already received"
        self._seen[given] = now + 2 * signing.MAX_SKEW_S
        return None


def _turn(body: Any) -> tuple[str, str, dict[str, Any]]:
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata") or {}
    if not isinstance(sender, str) or not 0 < len(sender) <= _MAX_SENDER_CHARS:
        raise ValueError(f"sender must be a string of 1-{_MAX_SENDER_CHARS} characters")
    if not isinstance(text, str) or not isinstance(metadata, dict):
        raise ValueError("message must be a string and metadata an object")
    return sender, text, metadata
