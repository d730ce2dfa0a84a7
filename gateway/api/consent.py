"""Consent API v1: the privacy notice the widget shows, and the shopper's consent changes.

Additive to the shopper API: a client that never sends consent keeps working, and a consent
the shop requires but never received counts as refused (docs/privacy.md).
"""

from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter, Query, Request

from gateway.api.models import ConsentChoice
from gateway.auth import bearer_token
from gateway.conversations import Conversation
from gateway.privacy.consent import PURPOSES
from gateway.services import Services

router = APIRouter(prefix="/api/v1", tags=["consent"])


@router.get("/privacy/notice", summary="The privacy notice and the consents this shop asks for")
async def notice(request: Request, lang: Literal["en", "ko"] = Query("en")) -> dict:
    settings = request.app.state.services.settings
    text = settings.privacy_notice_text
    return {"version": settings.privacy_notice_version, "required": list(settings.consent_required),
            "purposes": list(PURPOSES), "text": text.get(lang) or text.get("en", ""),
            "url": settings.privacy_notice_url.get(lang) or settings.privacy_notice_url.get("en")}


@router.get("/conversations/{conversation_id}/consent", summary="The conversation's consent and its history")
async def get_consent(conversation_id: str, request: Request) -> dict:
    services: Services = request.app.state.services
    conversation = await services.conversations.authorize(conversation_id, bearer_token(request))
    return await _state(services, conversation)


@router.put("/conversations/{conversation_id}/consent", summary="Give or withdraw consents")
async def put_consent(conversation_id: str, body: ConsentChoice, request: Request) -> dict:
    """Stored with the time and notice version, for the conversation and, when identified, the customer."""
    services: Services = request.app.state.services
    conversation = await services.conversations.authorize(conversation_id, bearer_token(request))
    await services.consent.record_for_conversation(conversation, body.choices(), body.notice_version, time.time())
    return await _state(services, conversation)


@router.put("/visitors/consent", summary="Consent before a chat exists (proactive prompts), visitor token")
async def put_visitor_consent(body: ConsentChoice, request: Request) -> dict:
    services: Services = request.app.state.services
    visitor_id = await services.proactive.visitors.authorize(bearer_token(request))
    given = await services.consent.record_for_visitor(visitor_id, body.choices(), body.notice_version, time.time())
    return {"notice_version": body.notice_version, "given": given,
            "allowed": services.consent.policy.effective(given)}


async def _state(services: Services, conversation: Conversation) -> dict:
    consent = services.consent
    return {
        "notice_version": consent.policy.notice_version,
        "given": await consent.given_in(conversation),
        "allowed": await consent.for_conversation(conversation),
        "history": await consent.history(consent.log_key(conversation)),
    }
