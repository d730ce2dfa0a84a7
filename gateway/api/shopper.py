"""Shopper REST API v1: the widget, our tests and our checks speak it.  Keep it stable."""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from gateway import identity
from gateway.api.models import STREAM_ID, CreateConversation, ShopperMessage
from gateway.auth import bearer_token
from gateway.conversations import Conversation
from gateway.errors import Invalid, Unauthorized
from gateway.ratelimit import client_address
from gateway.services import Services

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["shopper"])


async def _conversation(request: Request, conversation_id: str) -> Conversation:
    services: Services = request.app.state.services
    return await services.conversations.authorize(conversation_id, bearer_token(request))


@router.post("/conversations", status_code=201, summary="Start a conversation")
async def create_conversation(body: CreateConversation, request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    await services.limiter.hit("conversations", client_address(request),
                               limit=services.settings.conversations_per_minute, window_s=60)
    if body.customer_id is not None:
        secret = services.settings.identity_secret.get_secret_value()
        if body.user_hash is None or not identity.verify(secret, body.customer_id, body.user_hash):
            raise Unauthorized("customer_id needs a valid user_hash (HMAC-SHA256 of it with the shop secret)")
    elif body.user_hash is not None:
        raise Invalid("user_hash given without customer_id")
    if body.consent is not None:  # refused before anything is stored
        services.consent.check_notice(body.consent.notice_version)
    conversation, token = await services.conversations.create(
        locale=body.locale, customer_id=body.customer_id,
        page=body.page.model_dump() if body.page else None,
    )
    if body.consent is not None:
        await services.consent.record_for_conversation(conversation, body.consent.choices(),
                                                       body.consent.notice_version, time.time())
    await services.insights.conversation_started(conversation)
    log.info("conversation created", extra={"conversation_id": conversation.id, "locale": body.locale,
                                             "identified": body.customer_id is not None})
    return JSONResponse({"conversation_id": conversation.id, "token": token}, status_code=201)


@router.post("/conversations/{conversation_id}/messages", summary="Send a shopper message")
async def post_message(conversation_id: str, body: ShopperMessage, request: Request) -> dict:
    services: Services = request.app.state.services
    conversation = await _conversation(request, conversation_id)
    return await services.turns.handle(conversation, body.text, body.client_msg_id)


@router.get("/conversations/{conversation_id}/messages", summary="Read the transcript")
async def get_messages(
    conversation_id: str, request: Request,
    after: str | None = Query(None, pattern=STREAM_ID, description="Only messages after this id"),
) -> dict:
    services: Services = request.app.state.services
    conversation = await _conversation(request, conversation_id)
    messages = await services.conversations.messages(conversation.id, after)
    return {"messages": [m.to_api() for m in messages], "mode": await services.queue.owner(conversation.id)}


@router.post("/conversations/{conversation_id}/leave", summary="The shopper left: cancel any waiting handoff")
async def leave(conversation_id: str, request: Request) -> dict:
    services: Services = request.app.state.services
    conversation = await _conversation(request, conversation_id)
    cancelled = await services.queue.cancel(conversation.id)
    log.info("shopper left", extra={"conversation_id": conversation.id, "cancelled": cancelled is not None})
    mode = await services.queue.owner(conversation.id)
    return {"cancelled_ticket": cancelled.id if cancelled else None, "mode": mode}
