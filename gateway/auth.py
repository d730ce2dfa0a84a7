"""Reading bearer tokens from requests and telling whose they are.

A token of the wrong kind (an agent's on the editor API, an editor's on the agent API)
gets 403 with what is needed; an unknown token gets 401.
"""

from __future__ import annotations

from fastapi import Request

from gateway.errors import Forbidden, Unauthorized
from gateway.staff import StaffMember

# Shopper-side tokens carry their kind in a prefix, so an agent or staff endpoint can tell a
# shopper's token from an unknown one (403, not 401) without a lookup.
CONVERSATION_TOKEN_PREFIX = "cv_"
VISITOR_TOKEN_PREFIX = "vt_"
_SHOPPER_KINDS = {CONVERSATION_TOKEN_PREFIX: "shopper conversation", VISITOR_TOKEN_PREFIX: "shopper visitor"}


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send the token as 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


async def require_staff(request: Request, *roles: str) -> StaffMember:
    """The staff account behind the request's token, which must have one of `roles`."""
    services = request.app.state.services
    token = bearer_token(request)
    member = await services.staff.authenticate(token)
    needed = " or ".join(roles)
    if member is not None and member.role in roles:
        return member
    if member is not None:
        raise Forbidden(f"this is a {member.role} token; this endpoint needs a {needed} token")
    if await services.queue.agents.authenticate(token) is not None:
        raise Forbidden(f"this is an agent token; this endpoint needs a {needed} token")
    if kind := _SHOPPER_KINDS.get(token[:3]):
        raise Forbidden(f"this is a {kind} token; this endpoint needs a {needed} token")
    raise Unauthorized(f"unknown token; create a {needed} account with `shopassist {roles[0]}s add NAME`")


async def refuse_other_kinds(request: Request, token: str, needed: str) -> None:
    """Raise 403 when `token` is a staff or shopper token (the caller already found it is not a `needed`)."""
    member = await request.app.state.services.staff.authenticate(token)
    if member is not None:
        raise Forbidden(f"this is a {member.role} token; this endpoint needs {needed}")
    if kind := _SHOPPER_KINDS.get(token[:3]):
        raise Forbidden(f"this is a {kind} token; this endpoint needs {needed}")
