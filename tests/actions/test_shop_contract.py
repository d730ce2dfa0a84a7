"""One contract, two shops: the demo data in memory and a real shop's API over HTTP
(a local fake server).  Each test gets a fresh shop, since cancelling changes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import fake_shop
import pytest

from actions.shop import ORDER_STATES, SEGMENTS, ShopAdapter, ShopUnavailable
from actions.shop.adapter import OrderNotChangeable
from actions.shop.demo import DemoShop
from actions.shop.demo_data import generate
from actions.shop.http_api import HttpShop

# the HTTP client's fixture and the tests share one event loop, so its connections close cleanly
pytestmark = pytest.mark.asyncio(loop_scope="session")
DATA_DAY = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def first(shop: DemoShop, status: str) -> str:
    return next(o.id for o in shop.data.orders.values() if o.status == status)


class ShopContract:
    """Expectations every ShopAdapter meets; subclasses provide `shop` and `reference`."""

    async def test_customer_has_a_segment(self, shop: ShopAdapter, reference: DemoShop) -> None:
        customer = await shop.customer("C0001")
        assert customer is not None and customer.id == "C0001"
        assert customer.segment == (await reference.customer("C0001")).segment  # type: ignore[union-attr]
        assert customer.segment in SEGMENTS

    async def test_unknown_customer_is_none(self, shop: ShopAdapter) -> None:
        assert await shop.customer("C9999") is None
        assert await shop.orders("C9999") == []

    async def test_orders_newest_first_and_limited(self, shop: ShopAdapter) -> None:
        orders = await shop.orders("C0004", limit=3)
        assert 0 < len(orders) <= 3
        assert all(o.customer_id == "C0004" for o in orders)
        assert [o.placed_at for o in orders] == sorted((o.placed_at for o in orders), reverse=True)

    async def test_order_round_trips(self, shop: ShopAdapter, reference: DemoShop) -> None:
        expected = reference.data.orders["ORD-100001"]
        order = await shop.order("ORD-100001")
        assert order == expected
        assert order.status in ORDER_STATES

    async def test_unknown_order_and_product(self, shop: ShopAdapter) -> None:
        assert await shop.order("ORD-999999") is None
        assert await shop.product("SKU-NOPE") is None
        product = await shop.product("SKU-TEE-01")
        assert product is not None and product.price > 0

    async def test_cancel_only_before_shipping(self, shop: ShopAdapter, reference: DemoShop) -> None:
        paid = first(reference, "paid")
        cancelled = await shop.cancel_order(paid)
        assert cancelled.status == "cancelled"
        assert (await shop.order(paid)).status == "cancelled"  # type: ignore[union-attr]
        with pytest.raises(OrderNotChangeable):
            await shop.cancel_order(first(reference, "shipped"))

    async def test_return_only_when_delivered(self, shop: ShopAdapter, reference: DemoShop) -> None:
        assert (await shop.request_return(first(reference, "delivered"), "too small")).startswith("RET-")
        with pytest.raises(OrderNotChangeable):
            await shop.request_return(first(reference, "preparing"), "changed my mind")


class TestDemoShop(ShopContract):
    @pytest.fixture
    def reference(self) -> DemoShop:
        return DemoShop(generate(DATA_DAY))

    @pytest.fixture
    def shop(self) -> DemoShop:
        return DemoShop(generate(DATA_DAY))


class TestHttpShop(ShopContract):
    @pytest.fixture
    def reference(self) -> DemoShop:
        return DemoShop(generate(DATA_DAY))

    @pytest.fixture
    async def shop(self) -> AsyncIterator[HttpShop]:
        served = DemoShop(generate(DATA_DAY))
        with fake_shop.serving(served) as url:
            client = HttpShop(url, fake_shop.TOKEN)
            yield client
            await client.aclose()


async def test_http_shop_down_or_broken_is_unavailable() -> None:
    dead = HttpShop(f"http://127.0.0.1:{fake_shop.free_port()}", timeout_s=1)
    with pytest.raises(ShopUnavailable):
        await dead.order("ORD-100001")
    await dead.aclose()
    with fake_shop.serving(DemoShop(generate(DATA_DAY))) as url:
        unauthorised = HttpShop(url, "wrong-token")
        with pytest.raises(ShopUnavailable):
            await unauthorised.customer("C0001")
        await unauthorised.aclose()
        broken = HttpShop(url + "/broken", fake_shop.TOKEN)
        with pytest.raises(ShopUnavailable):
            await broken.orders("C0001")
        await broken.aclose()
