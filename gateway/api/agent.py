"""Agent API v1: the queue, claiming, chatting and closing tickets.  Keep it stable.

Every ticket operation takes the lease token from the claim (header X-Lease-Token); a
stale one gets 409, so an agent whose lease expired cannot act on a ticket it lost.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response

from gateway.api.models import (
    STREAM_ID,
    AgentMessage,
    ClaimRequest,
    HandbackRequest,
    PresenceReport,
    ResolveRequest,
    TransferRequest,
)
from gateway.auth import bearer_token, refuse_other_kinds
from gateway.errors import Forbidden, Invalid, Unauthorized
from gateway.services import Services
from gateway.turns import CLIENT_MSG_ID, clean_text
from handoff import Agent, Ticket

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])

LeaseToken = Header(alias="X-Lease-Token", max_length=200, description="The lease token from the claim")
IdempotencyKey = Header(None, alias="Idempotency-Key", max_length=100)


async def _agent(request: Request) -> tuple[Services, Agent]:
    services: Services = request.app.state.services
    token = bearer_token(request)
    agent = await services.queue.agents.authenticate(token)
    if agent is None:
        await refuse_other_kinds(request, token, "an agent token")
        raise Unauthorized("unknown agent token; create agents with `shopassist agents add`")
    return services, agent


def _ticket_summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id, "conversation_id": ticket.conversation_id, "state": ticket.state,
        "priority": ticket.priority, "effective_priority": round(ticket.effective_priority, 2),
        "reasons": list(ticket.reasons), "skill": ticket.skill, "lang": ticket.lang,
        "waiting_s": round(ticket.waiting_s, 1), "segment": ticket.segment,
    }


@router.get("/queue", summary="Waiting tickets this agent can take, in the order to take them")
async def queue(request: Request) -> dict[str, Any]:
    services, agent = await _agent(request)
    return {"tickets": [_ticket_summary(t) for t in await services.queue.list_for_agent(agent.id)]}


@router.put("/presence", summary="Online, away or offline: the console's heartbeat (every 20 s while open)")
async def presence(body: PresenceReport, request: Request) -> dict[str, Any]:
    services, agent = await _agent(request)
    await services.queue.presence.report(agent.id, body.status)
    statuses = await services.queue.presence.statuses()
    return {"status": statuses.get(agent.id, "offline"),
            "team_online": sum(1 for status in statuses.values() if status == "online"),
            "ttl_s": services.queue.presence.ttl_s}


@router.post("/claim", summary="Claim the next fitting ticket (or a named one)",
             responses={204: {"description": "Nothing fits this agent now"}})
async def claim(request: Request, body: ClaimRequest | None = None,
                idempotency_key: str | None = IdempotencyKey) -> Any:
    services, agent = await _agent(request)
    claimed = await services.queue.claim(agent.id, body.ticket_id if body else None,
                                         idempotency_key=idempotency_key)
    if claimed is None:
        return Response(status_code=204)
    return {"ticket": {**_ticket_summary(claimed.ticket), "lease_token": claimed.lease_token,
                       "context": claimed.context}}


@router.post("/tickets/{ticket_id}/heartbeat", summary="Keep the lease while the agent is present")
async def heartbeat(ticket_id: str, request: Request, lease_token: str = LeaseToken) -> dict[str, float]:
    services, agent = await _agent(request)
    return {"lease_expires": await services.queue.heartbeat(ticket_id, agent.id, lease_token)}


@router.post("/tickets/{ticket_id}/messages", summary="Send a message to the shopper")
async def send_message(ticket_id: str, body: AgentMessage, request: Request,
                       lease_token: str = LeaseToken) -> dict[str, Any]:
    services, agent = await _agent(request)
    ticket = await services.queue.check_lease(ticket_id, agent.id, lease_token)
    text = clean_text(body.text, services.settings.max_message_chars)
    extra: dict[str, Any] = {"agent_name": agent.name}
    if body.client_msg_id is not None:
        if not CLIENT_MSG_ID.match(body.client_msg_id):
            raise Invalid("client_msg_id must be 1-64 letters, digits or _.:-")
        extra["client_msg_id"] = body.client_msg_id
    [message] = await services.conversations.append(
        ticket.conversation_id, [{"sender": "agent", "text": text, "ts": time.time(), "extra": extra}])
    await services.insights.agent_wrote(ticket.conversation_id, ticket.id)
    return {"message": message.to_api()}


@router.get("/tickets/{ticket_id}/messages", summary="The conversation's transcript")
async def read_messages(ticket_id: str, request: Request,
                        after: str | None = Query(None, pattern=STREAM_ID)) -> dict[str, Any]:
    services, agent = await _agent(request)
    ticket = await services.queue.get(ticket_id)
    if ticket.agent_id != agent.id:
        raise Forbidden("this ticket is not held by you")
    messages = await services.conversations.messages(ticket.conversation_id, after)
    owner = await services.queue.owner(ticket.conversation_id)
    return {"messages": [m.to_api() for m in messages], "mode": owner}


@router.post("/tickets/{ticket_id}/transfer", summary="Transfer to another agent or skill")
async def transfer(ticket_id: str, body: TransferRequest, request: Request, lease_token: str = LeaseToken,
                   idempotency_key: str | None = IdempotencyKey) -> dict[str, Any]:
    services, agent = await _agent(request)
    ticket = await services.queue.transfer(ticket_id, agent.id, lease_token, to_agent_id=body.agent_id,
                                           to_skill=body.skill, idempotency_key=idempotency_key)
    return {"ticket": _ticket_summary(ticket)}


@router.post("/tickets/{ticket_id}/release", summary="Put the ticket back in the queue at its place")
async def release(ticket_id: str, request: Request, lease_token: str = LeaseToken,
                  idempotency_key: str | None = IdempotencyKey) -> dict[str, Any]:
    services, agent = await _agent(request)
    ticket = await services.queue.release(ticket_id, agent.id, lease_token, idempotency_key=idempotency_key)
    return {"ticket": _ticket_summary(ticket)}


@router.post("/tickets/{ticket_id}/handback", summary="Hand the conversation back to the bot")
async def handback(ticket_id: str, request: Request, body: HandbackRequest | None = None,
                   lease_token: str = LeaseToken, idempotency_key: str | None = IdempotencyKey) -> dict[str, Any]:
    services, agent = await _agent(request)
    body = body or HandbackRequest.model_validate({})
    ticket = await services.queue.handback(ticket_id, agent.id, lease_token, body.facts, note=body.note,
                                           idempotency_key=idempotency_key)
    return {"ticket": _ticket_summary(ticket)}


@router.post("/tickets/{ticket_id}/resolve", summary="Resolve with a code and a note")
async def resolve(ticket_id: str, body: ResolveRequest, request: Request, lease_token: str = LeaseToken,
                  idempotency_key: str | None = IdempotencyKey) -> dict[str, Any]:
    services, agent = await _agent(request)
    ticket = await services.queue.resolve(ticket_id, agent.id, lease_token, body.code, body.note,
                                          idempotency_key=idempotency_key)
    return {"ticket": _ticket_summary(ticket)}
