"""The demo shop's own backend: sign in as one of its demo customers.

A real shop's server puts ``customer_id`` and ``user_hash`` (gateway/identity.py) into its pages
for a signed-in customer; the demo shop has no server of its own, so the gateway plays that part
for it — only while the demo shop is the shop (no ``SHOPASSIST_SHOP_API_URL``). Its customers are
generated test data, so signing in as any of them exposes nobody.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import Field

from gateway.api.models import Strict
from gateway.errors import NotFound
from gateway.identity import user_hash
from gateway.services import Services

router = APIRouter(prefix="/api/v1/demo", tags=["demo shop"])
DEMO_CUSTOMER_ID = r"^C\d{4}$"  # actions/shop/demo_data.py numbers its customers C0001, C0002, …


class DemoSignIn(Strict):
    customer_id: str = Field(pattern=DEMO_CUSTOMER_ID, description="A demo customer, e.g. C0004.")


@router.post("/sign-in", summary="Sign in to the demo shop as a demo customer (demo shop only)")
async def sign_in(body: DemoSignIn, request: Request) -> dict[str, str]:
    services: Services = request.app.state.services
    if services.settings.shop_api_url:
        raise NotFound("the demo shop's sign-in is off: this gateway serves a real shop")
    secret = services.settings.identity_secret.get_secret_value()
    return {"customer_id": body.customer_id, "user_hash": user_hash(secret, body.customer_id)}
