"""Reading bearer tokens from requests."""

from __future__ import annotations

from fastapi import Request

from bot.errors import Unauthorized


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send the conversation token as 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": "Bearer"})
    return token.strip()
