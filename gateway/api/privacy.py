"""Privacy admin API v1: export or erase everything held about a customer (admin token).

An erase during a live chat ends it politely: the shopper gets a system message if connected,
then the conversation's token stops working (docs/privacy.md).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from pydantic import Field

from gateway.api.models import Strict
from gateway.auth import require_staff
from gateway.privacy.requests import privacy_requests
from gateway.services import Services

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/admin/privacy", tags=["privacy"])


class SubjectRequest(Strict):
    customer_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:@-]+$")


def _requests(services: Services):  # type: ignore[no-untyped-def]
    return privacy_requests(services.redis, services.settings.key_prefix, services.queue,
                            services.insights.store, services.settings.identity_secret.get_secret_value())


@router.post("/export", summary="Everything held about a customer, as JSON")
async def export(body: SubjectRequest, request: Request) -> dict:
    admin = await require_staff(request, "admin")
    services: Services = request.app.state.services
    document = await _requests(services).exporter.export(body.customer_id)
    log.info("privacy export", extra={"actor": admin.actor})
    return document


@router.post("/erase", summary="Erase everything held about a customer")
async def erase(body: SubjectRequest, request: Request) -> dict:
    admin = await require_staff(request, "admin")
    services: Services = request.app.state.services
    erased = await _requests(services).eraser.erase(body.customer_id)
    log.info("privacy erase", extra={"actor": admin.actor, "conversations": erased.conversations})
    return erased.to_api()
