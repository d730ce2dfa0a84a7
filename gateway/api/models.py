"""Request bodies of the public API.  Unknown fields are refused, so typos surface."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

# A message id (a Redis Stream id): two unsigned 64-bit numbers. 19 digits always fit; 20 may not,
# and Redis refuses such an id with an error (a 500 before this bound).
STREAM_ID = r"^\d{1,19}-\d{1,19}$"
PageType = Literal["home", "product", "category", "cart", "checkout", "search", "order", "other"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(Strict):
    url: str = Field(max_length=2048)
    type: PageType = "other"


class ConsentChoice(Strict):
    """Consents as the shopper chose them under one version of the privacy notice; omitted ones keep
    their current value, and a consent never given counts as refused."""

    notice_version: str = Field(pattern=r"^[A-Za-z0-9._-]{1,32}$")
    personalisation: StrictBool | None = None  # true or false: no 0/1 or "yes" read as a consent
    proactive: StrictBool | None = None

    def choices(self) -> dict[str, bool]:
        return {name: value for name in ("personalisation", "proactive")
                if (value := getattr(self, name)) is not None}


class CreateConversation(Strict):
    locale: Literal["en", "ko"]
    customer_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:@-]+$")
    user_hash: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$")
    page: Page | None = None
    consent: ConsentChoice | None = None


class ShopperMessage(Strict):
    # The length limit proper (413) is enforced by the turn; this bound only stops abuse.
    text: str = Field(max_length=100_000)
    client_msg_id: str | None = None


class PresenceReport(Strict):
    status: Literal["online", "away", "offline"] = Field(
        description="online: taking chats; away: at the console but not taking them; offline: signed out")


class ClaimRequest(Strict):
    ticket_id: str | None = Field(None, max_length=64)


class AgentMessage(Strict):
    text: str = Field(max_length=100_000)
    client_msg_id: str | None = None


class TransferRequest(Strict):
    agent_id: str | None = Field(None, max_length=64)
    skill: str | None = Field(None, max_length=32)


class HandbackRequest(Strict):
    facts: dict[str, str | int | float | bool] = Field(default_factory=dict, max_length=20)
    note: str = Field("", max_length=2000)


class ResolveRequest(Strict):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    note: str = Field("", max_length=2000)
