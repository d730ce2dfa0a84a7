"""Plain, immutable records of the shop, with the JSON form the HTTP API uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ORDER_STATES = ("paid", "preparing", "shipped", "delayed", "delivered", "returned", "refunded", "cancelled")
CANCELLABLE_STATES = ("paid", "preparing")


def _date(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    name_ko: str
    category: str
    price: int
    final_sale: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "name": self.name, "name_ko": self.name_ko, "category": self.category,
                "price": self.price, "final_sale": self.final_sale}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Product:
        return cls(sku=str(data["sku"]), name=str(data["name"]),
                   name_ko=str(data.get("name_ko") or data["name"]), category=str(data["category"]),
                   price=int(data["price"]),
                   final_sale=bool(data.get("final_sale", False)))


@dataclass(frozen=True)
class OrderItem:
    sku: str
    name: str
    name_ko: str
    category: str
    quantity: int
    unit_price: int
    final_sale: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "name": self.name, "name_ko": self.name_ko, "category": self.category,
                "quantity": self.quantity, "unit_price": self.unit_price, "final_sale": self.final_sale}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrderItem:
        return cls(sku=str(data["sku"]), name=str(data["name"]),
                   name_ko=str(data.get("name_ko") or data["name"]), category=str(data["category"]),
                   quantity=int(data["quantity"]),
                   unit_price=int(data["unit_price"]), final_sale=bool(data.get("final_sale", False)))


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    status: str
    placed_at: dt.datetime
    items: tuple[OrderItem, ...]
    total: int
    currency: str = "KRW"
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    estimated_delivery: dt.datetime | None = None
    refunded_at: dt.datetime | None = None
    address: str = ""
    events: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "customer_id": self.customer_id, "status": self.status,
            "placed_at": _iso(self.placed_at), "items": [i.to_json() for i in self.items],
            "total": self.total,
            "currency": self.currency, "carrier": self.carrier, "tracking_number": self.tracking_number,
            "shipped_at": _iso(self.shipped_at), "delivered_at": _iso(self.delivered_at),
            "estimated_delivery": _iso(self.estimated_delivery), "refunded_at": _iso(self.refunded_at),
            "address": self.address,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Order:
        status = str(data["status"])
        if status not in ORDER_STATES:
            raise ValueError(f"unknown order status {status!r}")
        placed = _date(data["placed_at"])
        assert placed is not None
        return cls(
            id=str(data["id"]), customer_id=str(data["customer_id"]), status=status, placed_at=placed,
            items=tuple(OrderItem.from_json(i) for i in data.get("items") or []), total=int(data["total"]),
            currency=str(data.get("currency") or "KRW"), carrier=data.get("carrier"),
            tracking_number=data.get("tracking_number"), shipped_at=_date(data.get("shipped_at")),
            delivered_at=_date(data.get("delivered_at")),
            estimated_delivery=_date(data.get("estimated_delivery")),
            refunded_at=_date(data.get("refunded_at")), address=str(data.get("address") or ""),
        )

    def summary(self) -> dict[str, Any]:
        """What an agent needs at a glance (the handoff context)."""
        return {"id": self.id, "status": self.status, "placed_at": _iso(self.placed_at), "total": self.total,
                "currency": self.currency, "items": [f"{i.quantity}x {i.name}" for i in self.items]}


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: str
    phone: str
    language: str
    joined_at: dt.datetime
    segment: str = "new"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "email": self.email, "phone": self.phone,
                "language": self.language, "joined_at": _iso(self.joined_at)}

    @classmethod
    def from_json(cls, data: dict[str, Any], segment: str = "new") -> Customer:
        joined = _date(data["joined_at"])
        assert joined is not None
        return cls(id=str(data["id"]), name=str(data["name"]), email=str(data.get("email") or ""),
                   phone=str(data.get("phone") or ""), language=str(data.get("language") or "en"),
                   joined_at=joined, segment=segment)
