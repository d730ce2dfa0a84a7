"""Events API v1: the widget's behaviour events, the shop's server events, the prompt report.

Bad events inside a batch are dropped with a reason (`dropped`), not refused as a whole;
the batch itself is bounded (413), rate limited per visitor (429) and authorised (401/404).
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field

from contracts.keys import ProactiveKeys
from gateway.api.models import Strict
from gateway.auth import bearer_token
from gateway.errors import ApiError, Invalid, TooLarge, Unauthorized
from gateway.proactive import measure
from gateway.proactive.events import Dropped, browser_event, shop_event
from gateway.proactive.rules import RulesError
from gateway.ratelimit import client_address
from gateway.services import Services

router = APIRouter(prefix="/api/v1", tags=["proactive"])

_DAY = r"^\d{4}-\d{2}-\d{2}$"


class CreateVisitor(Strict):
    locale: Literal["en", "ko"] = "en"


class EventBatch(Strict):
    events: list[Any] = Field(max_length=10_000)
    conversation_id: str | None = Field(None, max_length=64, pattern=r"^[0-9a-f]{1,64}$")


class ShopEventBatch(Strict):
    events: list[Any] = Field(max_length=10_000)


class InvalidRules(ApiError):
    status, code = 422, "invalid_rules"


def _services(request: Request) -> Services:
    return request.app.state.services


def _require_shop(request: Request) -> Services:
    services = _services(request)
    secret = services.settings.proactive_shop_secret.get_secret_value()
    token = bearer_token(request)
    if len(secret) < 16 or not hmac.compare_digest(token.encode(), secret.encode()):
        raise Unauthorized("send the shop secret as 'Authorization: Bearer <secret>'",
                           headers={"WWW-Authenticate": "Bearer"})
    return services


@router.post("/visitors", status_code=201, summary="Start an anonymous visitor")
async def create_visitor(body: CreateVisitor, request: Request) -> dict:
    services = _services(request)
    await services.limiter.hit("visitors", client_address(request),
                               limit=services.settings.conversations_per_minute, window_s=60)
    visitor_id, token = await services.proactive.visitors.create(body.locale, services.proactive.clock())
    return {"visitor_id": visitor_id, "token": token}


@router.post("/events", summary="Send a batch of behaviour events")
async def post_events(body: EventBatch, request: Request) -> dict:
    """Authorised by a visitor token, or by a conversation's token with its `conversation_id`.

    With both (visitor token as bearer, conversation token in `X-Conversation-Token`) the
    visitor is linked to the conversation, and a prompt waiting for it is delivered.
    """
    services = _services(request)
    proactive = services.proactive
    settings = services.settings
    if len(body.events) > settings.proactive_max_batch:
        raise TooLarge(f"at most {settings.proactive_max_batch} events per batch")
    token = bearer_token(request)
    conversation = None
    linking = "x-conversation-token" in request.headers
    if body.conversation_id is not None:
        conversation_token = request.headers.get("x-conversation-token", token)
        conversation = await services.conversations.authorize(body.conversation_id, conversation_token)
    if conversation is not None and not linking:
        visitor_id = await proactive.visitors.for_conversation(conversation.id, proactive.clock())
    else:
        visitor_id = await proactive.visitors.authorize(token)
    await services.limiter.hit("events", visitor_id, limit=settings.proactive_batches_per_minute, window_s=60)
    now = proactive.clock()
    events, dropped = [], []
    for index, raw in enumerate(body.events):
        try:
            events.append(browser_event(raw, now, settings.proactive_max_event_age_s))
        except Dropped as exc:
            dropped.append({"index": index, "reason": str(exc)})
    outcome = None
    consented = (await services.consent.for_visitor(visitor_id, conversation))["proactive"]
    if conversation is not None:
        await proactive.visitors.link(visitor_id, conversation.id, locale=conversation.language,
                                      customer_id=conversation.customer_id)
        outcome = await proactive.on_link(visitor_id, conversation.id, conversation.customer_id, consented=consented)
    batch_outcome = await proactive.on_events(visitor_id, conversation.id if conversation else None, events,
                                              consented=consented)
    if batch_outcome.rule_id is not None:
        outcome = batch_outcome
    return {"accepted": len(events), "dropped": dropped, "prompt": outcome.to_api() if outcome else None}


@router.post("/shop-events", summary="Server-to-server events about a customer (shop secret)")
async def post_shop_events(body: ShopEventBatch, request: Request) -> dict:
    services = _require_shop(request)
    settings = services.settings
    if len(body.events) > settings.proactive_max_batch:
        raise TooLarge(f"at most {settings.proactive_max_batch} events per batch")
    now = services.proactive.clock()
    results: list[dict[str, Any]] = []
    for index, raw in enumerate(body.events):
        try:
            event, customer_id, segment = shop_event(raw, now, settings.proactive_max_event_age_s)
        except Dropped as exc:
            results.append({"index": index, "status": "dropped", "reason": str(exc)})
            continue
        if not (await services.consent.for_customer(customer_id))["proactive"]:
            results.append({"index": index, "status": "no_consent"})  # docs/privacy.md
            continue
        status = await services.proactive.on_shop_event(customer_id, segment, event)
        results.append({"index": index, "status": status})
    return {"results": results}


@router.post("/proactive/reload", summary="Re-read the rules file now (shop secret)")
async def reload_rules(request: Request) -> dict:
    services = _require_shop(request)
    try:
        rules = services.proactive.rules.reload()
    except RulesError as exc:
        raise InvalidRules(f"{exc}; the previous rules stay live") from None
    return {"rules": [rule.id for rule in rules.rules]}


@router.get("/proactive/report", summary="Per-rule prompts shown, engaged, holdout and lift (shop secret)")
async def prompt_report(request: Request,
                        start: str | None = Query(None, alias="from", pattern=_DAY),
                        end: str | None = Query(None, alias="to", pattern=_DAY)) -> dict:
    services = _require_shop(request)
    today = dt.datetime.fromtimestamp(services.proactive.clock(), dt.UTC).date()
    try:
        first = dt.date.fromisoformat(start) if start else today - dt.timedelta(days=6)
        last = dt.date.fromisoformat(end) if end else today
        span = measure.days(first, last)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    rule_ids = [rule.id for rule in services.proactive.rules.get().rules]
    reports = await measure.report(services.redis, ProactiveKeys(services.settings.key_prefix),
                                   services.conversations, rule_ids, span)
    return {"from": first.isoformat(), "to": last.isoformat(), "rules": [r.to_api() for r in reports]}

