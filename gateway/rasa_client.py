"""The gateway's client for the Rasa server and the action server behind it.

Turns go to our own chat channel (rasa_addons/gateway_channel.py), signed with the channel
secret; everything else to Rasa's HTTP API with its token.  Rasa answers 200 even when a
custom action failed because the action server was down (it logs the error and drops the
action's events), so before a turn we check the action server's health, cached briefly, and
refuse the turn instead of giving a silent half-reply.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from contracts import signing
from gateway.errors import ComponentUnavailable

_HEALTH_CACHE_S = 2.0


class RasaClient:
    def __init__(self, http: httpx.AsyncClient, rasa_url: str, token: str, channel_secret: str, actions_url: str,
                 turn_timeout_s: float) -> None:
        self._http = http
        self._rasa_url = rasa_url
        self._token = token
        self._channel_secret = channel_secret
        self._actions_url = actions_url
        self._turn_timeout_s = turn_timeout_s
        self._actions_ok_until = 0.0

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """One shopper message through Rasa; returns the bot's replies in order."""
        await self._ensure_actions_up()
        body = json.dumps({"sender": conversation_id, "message": text, "metadata": metadata}).encode()
        headers = {"Content-Type": "application/json",
                   **signing.signed_headers(self._channel_secret, body, time.time())}
        response = await self._call("POST", f"{self._rasa_url}/webhooks/shopassist/webhook", content=body,
                                    headers=headers, timeout=self._turn_timeout_s)
        return response.json()

    async def set_slot(self, conversation_id: str, name: str, value: Any) -> None:
        await self._call(
            "POST", f"{self._rasa_url}/conversations/{conversation_id}/tracker/events",
            params={"token": self._token, "include_events": "NONE"},
            json=[{"event": "slot", "name": name, "value": value}],
        )

    async def trigger_intent(self, conversation_id: str, intent: str,
                             entities: dict[str, Any]) -> list[dict[str, Any]]:
        """Run an external intent (Rasa's trigger_intent API); returns the bot's replies."""
        await self._ensure_actions_up()
        response = await self._call(
            "POST", f"{self._rasa_url}/conversations/{conversation_id}/trigger_intent",
            params={"token": self._token, "include_events": "NONE"},
            json={"name": intent, "entities": entities}, timeout=self._turn_timeout_s,
        )
        return response.json().get("messages", [])

    async def parse(self, text: str) -> dict[str, Any]:
        """The live model's NLU reading of `text` (intent, ranking, entities); no conversation is touched."""
        response = await self._call("POST", f"{self._rasa_url}/model/parse", params={"token": self._token},
                                    json={"text": text})
        return response.json()

    async def rasa_status(self) -> dict[str, Any]:
        response = await self._call("GET", f"{self._rasa_url}/status", params={"token": self._token},
                                    timeout=2.0)
        return response.json()

    async def actions_health(self) -> None:
        # generous: a busy action server answers late; a dead one refuses the connection at once
        await self._call("GET", f"{self._actions_url}/health", timeout=5.0, component="actions")

    async def _ensure_actions_up(self) -> None:
        if time.monotonic() < self._actions_ok_until:
            return
        await self.actions_health()
        self._actions_ok_until = time.monotonic() + _HEALTH_CACHE_S

    async def _call(self, method: str, url: str, *, component: str = "rasa", timeout: float = 5.0,
                    **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, url, timeout=timeout, **kwargs)
        except httpx.TimeoutException:
            raise ComponentUnavailable(component, "timed out") from None
        except httpx.TransportError as exc:
            raise ComponentUnavailable(component, type(exc).__name__) from None
        if response.status_code >= 300:
            raise ComponentUnavailable(component, f"HTTP {response.status_code}")
        return response


def bot_message(reply: dict[str, Any]) -> dict[str, Any]:
    """A Rasa reply as a transcript message."""
    message: dict[str, Any] = {"sender": "bot", "text": reply["text"], "ts": time.time()}
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in reply.get("buttons") or []
    ]
    if buttons:
        message["buttons"] = buttons
    return message
