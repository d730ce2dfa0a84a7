"""Request bodies of the public API.  Unknown fields are refused, so typos surface."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PageType = Literal["home", "product", "category", "cart", "checkout", "search", "order", "other"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(Strict):
    url: str = Field(max_length=2048)
    type: PageType = "other"


class CreateConversation(Strict):
    locale: Literal["en", "ko"]
    customer_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:@-]+$")
    user_hash: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$")
    page: Page | None = None


class ShopperMessage(Strict):
    # The length limit proper (413) is enforced by the turn; this bound only stops abuse.
    text: str = Field(max_length=100_000)
    client_msg_id: str | None = None
