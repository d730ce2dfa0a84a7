"""The demo shop's data: a seeded generator, so every run (and every test) sees the same shop.

Dates are relative to the day the data is generated (`today`), so an order "delivered five
days ago" stays inside the return window whenever the tests run.  Customer kinds are
planned (new, regular, big spender, lapsed) but the segment is never stored: adapters
compute it from the orders.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from actions.shop.models import Customer, Order, OrderItem, Product

SEED = 20261125
N_CUSTOMERS = 60

PRODUCTS = (
    Product("SKU-TEE-01", "Cotton crew T-shirt", "코튼 라운드 티셔츠", "apparel", 19_000),
    Product("SKU-JKT-02", "Light down jacket", "경량 패딩 재킷", "apparel", 129_000),
    Product("SKU-JNS-03", "Slim fit jeans", "슬림핏 청바지", "apparel", 59_000),
    Product("SKU-DRS-04", "Linen summer dress", "린넨 여름 원피스", "apparel", 79_000, final_sale=True),
    Product("SKU-SNK-05", "Running sneakers", "러닝 스니커즈", "shoes", 99_000),
    Product("SKU-BOT-06", "Leather ankle boots", "가죽 앵클 부츠", "shoes", 189_000),
    Product("SKU-HPH-07", "Wireless headphones", "무선 헤드폰", "electronics", 249_000),
    Product("SKU-LAP-08", "13-inch ultrabook", "13인치 울트라북", "electronics", 1_590_000),
    Product("SKU-TAB-09", "10-inch tablet", "10인치 태블릿", "electronics", 459_000),
    Product("SKU-SPK-10", "Bluetooth speaker", "블루투스 스피커", "electronics", 89_000),
    Product("SKU-SRM-11", "Hydrating serum", "수분 세럼", "beauty", 38_000),
    Product("SKU-SUN-12", "Sunscreen SPF50", "선크림 SPF50", "beauty", 22_000),
    Product("SKU-MUG-13", "Ceramic mug set", "세라믹 머그 세트", "home", 32_000),
    Product("SKU-LMP-14", "Desk lamp", "데스크 램프", "home", 45_000),
    Product("SKU-BED-15", "Cotton bedding set", "순면 침구 세트", "home", 149_000),
    Product("SKU-UND-16", "Underwear 3-pack", "속옷 3종 세트", "innerwear", 29_000),
    Product("SKU-COF-17", "Single-origin coffee beans", "싱글 오리진 원두", "food", 18_000),
    Product("SKU-GFT-18", "Digital gift card", "디지털 기프트카드", "digital", 50_000),
    Product("SKU-BAG-19", "Canvas tote bag", "캔버스 토트백", "accessories", 35_000),
    Product("SKU-WCH-20", "Smart watch", "스마트워치", "electronics", 329_000),
)

_EN_FIRST = ("James", "Emma", "Liam", "Olivia", "Noah", "Ava", "Mason", "Sophia", "Lucas", "Mia")
_EN_LAST = ("Smith", "Brown", "Taylor", "Wilson", "Clark", "Walker", "Young", "Hall")
_KO_NAMES = ("김민준", "이서연", "박지훈", "최수아", "정예준", "강하은", "조도윤", "윤지우",
             "장서준", "임하린", "한지호", "오유나")
_CARRIERS = ("CJ Logistics", "Hanjin", "Lotte Global", "Korea Post")
_ADDRESSES = ("12 Teheran-ro, Gangnam-gu, Seoul", "45 Haeundae-ro, Busan", "7 Jungang-ro, Daegu",
              "88 World Cup-ro, Mapo-gu, Seoul", "3 Dongil-ro, Incheon")
# customer kind -> (orders, spread of days back, item count range)
_KINDS = {
    "new": (1, (0, 6), (1, 2)),
    "regular": (4, (0, 160), (1, 2)),
    "big_spender": (9, (1, 300), (1, 3)),
    "lapsed": (3, (220, 600), (1, 2)),
}
_KIND_CYCLE = ("new", "regular", "regular", "big_spender", "lapsed")


@dataclass(frozen=True)
class DemoData:
    today: dt.datetime
    customers: dict[str, Customer]
    orders: dict[str, Order]
    products: dict[str, Product]


def _status(age_days: int, rng: random.Random) -> str:
    if age_days <= 1:
        return rng.choice(("paid", "paid", "preparing"))
    if age_days <= 4:
        return rng.choice(("preparing", "shipped", "shipped", "delayed"))
    if age_days <= 9:
        return rng.choice(("shipped", "delayed", "delivered", "delivered", "cancelled"))
    return rng.choices(("delivered", "returned", "refunded", "cancelled"), weights=(6, 1, 1, 1))[0]


def _order(number: int, customer: Customer, placed: dt.datetime, today: dt.datetime,
           rng: random.Random, item_range: tuple[int, int]) -> Order:
    """Only big spenders (three items at most) buy from the whole catalogue."""
    age = (today - placed).days
    status = _status(age, rng)
    catalogue = PRODUCTS if item_range[1] > 2 else [p for p in PRODUCTS if p.price < 300_000]
    picks = rng.sample(catalogue, rng.randint(*item_range))
    items = tuple(OrderItem(p.sku, p.name, p.name_ko, p.category, rng.choice((1, 1, 2)), p.price,
                            p.final_sale) for p in picks)
    total = sum(i.quantity * i.unit_price for i in items)
    shipped = placed + dt.timedelta(days=2) if status not in ("paid", "preparing", "cancelled") else None
    arrived = status in ("delivered", "returned", "refunded")
    delivered = placed + dt.timedelta(days=rng.randint(3, 5)) if arrived else None
    if delivered and delivered > today:
        delivered = today
    eta = placed + dt.timedelta(days=4 if status != "delayed" else 8)
    refunded = delivered + dt.timedelta(days=6) if status == "refunded" and delivered else None
    if status == "cancelled":
        refunded = placed + dt.timedelta(days=1)
    carrier = rng.choice(_CARRIERS) if shipped else None
    tracking = f"{rng.randint(10**11, 10**12 - 1)}" if shipped else None
    return Order(id=f"ORD-{number}", customer_id=customer.id, status=status, placed_at=placed, items=items,
                 total=total, carrier=carrier, tracking_number=tracking, shipped_at=shipped,
                 delivered_at=delivered, estimated_delivery=eta, refunded_at=refunded,
                 address=rng.choice(_ADDRESSES))


def generate(today: dt.datetime | None = None, seed: int = SEED) -> DemoData:
    """The demo shop as of `today` (midnight UTC of the current day by default)."""
    now = dt.datetime.now(dt.UTC)
    today = today or now.replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(seed)
    customers: dict[str, Customer] = {}
    orders: dict[str, Order] = {}
    number = 100001
    for index in range(N_CUSTOMERS):
        korean = index % 2 == 0
        name = _KO_NAMES[index % len(_KO_NAMES)] if korean else \
            f"{_EN_FIRST[index % len(_EN_FIRST)]} {_EN_LAST[index % len(_EN_LAST)]}"
        kind = _KIND_CYCLE[index % len(_KIND_CYCLE)]
        count, (near, far), item_range = _KINDS[kind]
        ages = sorted((rng.randint(near, far) for _ in range(count)), reverse=True)
        customer = Customer(
            id=f"C{index + 1:04d}", name=name, email=f"customer{index + 1}@example.com",
            phone=f"010-{1000 + index:04d}-{rng.randint(1000, 9999)}", language="ko" if korean else "en",
            joined_at=today - dt.timedelta(days=ages[0] + rng.randint(1, 30)),
        )
        customers[customer.id] = customer
        for age in ages:
            placed = today - dt.timedelta(days=age, hours=rng.randint(0, 20))
            if kind == "big_spender":
                item_range = (2, 3)
            orders[f"ORD-{number}"] = _order(number, customer, placed, today, rng, item_range)
            number += 1
    products = {p.sku: p for p in PRODUCTS}
    return DemoData(today=today, customers=customers, orders=orders, products=products)
